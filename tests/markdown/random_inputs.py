#!/usr/bin/python3
"""random_inputs.py - seeded random Markdown built from markup tokens
(emphasis runs, brackets, links, code, HTML, spans/divs with dir, notes,
list/quote/heading markers, Arabic/Hebrew text, ZWNJ, digits), in-process
through libnewsdoc (ctypes):

- every input reads (no error: random text is never malformed Markdown),
  and so does the Markdown written from it;
- read(write(read(x))) equals read(x) for at least 99 % of the inputs
  (the rest, printed, are delimiter soups where CommonMark's emphasis
  pairing changes once escapes are added).

Exit 1 on a failure, 77 when the library is missing."""
import ctypes
import os
import random
import sys

TOKENS = ['*', '**', '_', '__', '`', '``', '[', '](', '](http://x "t")', ')', '![', '\\', '<', '>', '&amp;', '&',
          '#', '# ', '## ', '- ', '+ ', '1. ', '2) ', '> ', '\n', '\n\n', '    ', '  \n', '|', '~', '~~', '^', '$',
          '@', '{', '}', '"', "'", '=', '---', '***', '```', '~~~', '<span dir="ltr">', '</span>',
          '<div dir="ltr">\n\n', '\n\n</div>\n\n', '[^1]', '\n\n[^1]: note\n', 'a', 'b', 'word', 'كلمة', '\u200c',
          '١٢٣', 'שלום', ' ', '\t', '<!-- c -->', '<b>', 'http://x.y', '1.', 'a)', '(1)', 'iv.', ':', '%', '!',
          '| a | b |\n|---|---|\n', '<span lang="en">']


def main():
    path = os.environ.get('NEWSDOC_LIB') or os.path.join(os.environ.get('NEWSDOC_BUILD_DIR', '.'), 'libnewsdoc.so')
    if not os.path.exists(path):
        print('SKIP: %s not found' % path)
        return 77
    lib = ctypes.CDLL(path)
    lib.newsdoc_convert.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_char_p, ctypes.c_char_p,
                                    ctypes.c_void_p, ctypes.POINTER(ctypes.c_void_p),
                                    ctypes.POINTER(ctypes.c_size_t)]
    lib.newsdoc_free.argtypes = [ctypes.c_void_p]

    def conv(data, to):
        out, n = ctypes.c_void_p(), ctypes.c_size_t()
        if lib.newsdoc_convert(data, len(data), b'markdown', to, None, ctypes.byref(out), ctypes.byref(n)):
            return None
        s = ctypes.string_at(out, n.value)
        lib.newsdoc_free(out)
        return s

    rng = random.Random(20261129)
    total, errors, unstable = 4000, 0, []
    for _ in range(total):
        src = ''.join(rng.choice(TOKENS) for _ in range(rng.randint(1, 60))).encode('utf-8')
        md1 = conv(src, b'markdown')
        j1 = conv(md1, b'json') if md1 is not None else None
        md2 = conv(md1, b'markdown') if md1 is not None else None
        j2 = conv(md2, b'json') if md2 is not None else None
        if md1 is None or j1 is None or md2 is None or j2 is None:
            errors += 1
            print('ERROR: %r' % src)
        elif j1 != j2:
            unstable.append(src)
    for s in unstable[:5]:
        print('unstable: %r' % s)
    print('%d inputs: %d errors, %d unstable after one pass' % (total, errors, len(unstable)))
    return 1 if errors or len(unstable) * 100 > total else 0


if __name__ == '__main__':
    sys.exit(main())
