#!/usr/bin/python3
"""pathological.py - hostile Markdown stays linear: every input family of
cmark's test/pathological_tests.py (generated here from its description),
plus 50 MB single lines, converted markdown -> html fragment in-process
(ctypes on libnewsdoc.so), each in its own forked process with a timeout.

A case passes when the conversion takes under --limit seconds (default 1.0,
the CPU time of newsdoc_convert itself, so that a loaded machine does not
fail it; the wall time is printed too) and either its output matches the
expected pattern, or, for nesting deeper than max-depth (256 by default),
it fails with NEWSDOC_ELIMIT_DEPTH (-12) instead of crashing.

Exit 0 when every case passes, 1 otherwise, 77 when the library or the
html format is missing.
"""
import argparse
import ctypes
import multiprocessing as mp
import os
import re
import sys
import time

ELIMIT_DEPTH = -12
DEPTH = 'depth'


def lines_nested_list(n):
    return ''.join('  ' * x + '* a\n' for x in range(n))


def collide_labels(n):
    # Case variants of one label: every one folds to the same label, so any
    # hash puts them in one bucket; the first definition wins.
    base = 'abcdefghijklmnop'
    out = []
    for i in range(n):
        lab = ''.join(c.upper() if (i >> k) & 1 else c for k, c in enumerate(base))
        out.append('[%s]: /u%d\n' % (lab, i))
    return ''.join(out) + '[abcdefghijklmnop] ' * 1000


def check_50mb_ascii(out):
    return out.startswith('<p>a a a') and out.rstrip().endswith('a</p>') and len(out) > 50_000_000


def check_5mb_arabic(out):
    return (out.count('<em>مهمة</em>') > 50_000 and out.count('<a href="http://x.example/">رابط</a>') > 50_000
            and out.count('\u200c') > 50_000 and out.count('١٢٣') > 50_000)


def check_5mb_arabic_text(out):
    # the decomposed alef+hamza of the input is composed (NFC); ZWNJ is kept
    return (out.count('\u0623') > 50_000 and '\u0627\u0654' not in out and out.count('\u200c') > 50_000)


def check_50mb_arabic_nfc(out):
    # diacritics, ZWNJ and Arabic-Indic digits come through untouched
    return (out.count('تحولًا') > 500_000 and out.count('\u200c') > 500_000 and out.count('١٢٣') > 500_000)


MB50 = 50 * 1024 * 1024
ARABIC_NFC = 'يُعتبر تحولًا الأمن\u200cوالاستقرار ١٢٣ '
ARABIC_TEXT = 'ال\u0627\u0654من\u200cوالاستقرار في منطقة الساحل ١٢٣ '
ARABIC_UNIT = 'كلمة *مهمة* و[رابط](http://x.example/) `code` ‌ ١٢٣ '

CASES = [
    ('nested strong emph', lambda: '*a **a ' * 32500 + 'b' + ' a** a*' * 32500, DEPTH),
    ('nested strong emph within max-depth', lambda: '*a **a ' * 100 + 'b' + ' a** a*' * 100,
     r'(<em>a <strong>a ){100}b( a</strong> a</em>){100}'),
    ('many emph closers with no openers', lambda: 'a_ ' * 32500, r'(a_ ){32499}a_'),
    ('many emph openers with no closers', lambda: '_a ' * 32500, r'(_a ){32499}_a'),
    ('many link closers with no openers', lambda: 'a]' * 32500, r'(a\]){32500}'),
    ('many link openers with no closers', lambda: '[a' * 32500, r'(\[a){32500}'),
    ('mismatched openers and closers', lambda: '*a_ ' * 25000, r'(\*a_ ){24999}\*a_'),
    ('openers and closers multiple of 3', lambda: 'a**b' + 'c* ' * 25000, r'a\*\*b(c\* ){24999}c\*'),
    ('emph openers then mixed closers', lambda: '*a ' * 20000 + '_a*_ ' * 20000, DEPTH),
    ('link openers and emph closers', lambda: '[ a_' * 25000, r'(\[ a_){25000}'),
    ('pattern [ (]( repeated', lambda: '[ (](' * 40000, r'(\[ \(\]\(){40000}'),
    ('pattern ![[]() repeated', lambda: '![[]()' * 160000, r'(!\[<a href=""></a>){160000}'),
    ('hard link/emph case', lambda: '**x [a*b**c*](d)', r'\*\*x <a href="d">a<em>b\*\*c</em></a>'),
    ('nested brackets', lambda: '[' * 25000 + 'a' + ']' * 25000, r'\[{25000}a\]{25000}'),
    ('nested block quotes', lambda: '> ' * 25000 + 'a', DEPTH),
    ('nested block quotes within max-depth', lambda: '> ' * 200 + 'a', r'(<blockquote>\s*){200}<p>a</p>'),
    ('deeply nested lists', lambda: lines_nested_list(1000), DEPTH),
    ('nested lists within max-depth', lambda: lines_nested_list(100), r'(<ul>\s*<li>a\s*){100}'),
    ('U+0000 in input', lambda: 'abc\u0000de\u0000', 'abc\ufffdde\ufffd'),
    ('backticks', lambda: ''.join('e' + '`' * x for x in range(1, 2500)), r'^<p>[e`]*</p>\s*$'),
    ('unclosed links A', lambda: '[a](<b' * 30000, r'(\[a\]\(&lt;b){30000}'),
    ('unclosed links B', lambda: '[a](b' * 30000, r'(\[a\]\(b){30000}'),
    ('unclosed <!--', lambda: '</' + '<!--' * 300000, r'&lt;/(&lt;!--){300000}'),
    ('many references', lambda: ''.join('[%d]: u\n' % x for x in range(1, 50000 * 16)) + '[0] ' * 50000,
     r'(\[0\] ){49999}'),
    ('reference collisions', lambda: collide_labels(25000), r'(<a href="/u0">abcdefghijklmnop</a> ){999}'),
    ('nested list items with blank lines', lambda: '- ' * 30000 + 'x' + '\n' * 30000, DEPTH),
    ('nested list items with blank lines in a quote', lambda: '> ' + '- ' * 30000 + 'x' + '\n>' * 30000, DEPTH),
    ('many quote markers then emphasis', lambda: '>' * 100000 + 'a*' * 100000, DEPTH),
    ('many list items with blank lines', lambda: '- x\n\n' * 30000, r'(<li>\s*<p>x</p>\s*</li>\s*){30000}'),
    ('50 MB single line, ASCII', lambda: 'a ' * (MB50 // 2), check_50mb_ascii),
    ('50 MB single line, Arabic plain text', lambda: ARABIC_NFC * (MB50 // len(ARABIC_NFC.encode())),
     check_50mb_arabic_nfc),
    ('5 MB single line, decomposed Arabic (NFC work)', lambda: ARABIC_TEXT * (MB50 // 10 // len(ARABIC_TEXT.encode())),
     check_5mb_arabic_text),
    ('5 MB single line, Arabic with markup', lambda: ARABIC_UNIT * (MB50 // 10 // len(ARABIC_UNIT.encode())),
     check_5mb_arabic),
]


def load(path):
    lib = ctypes.CDLL(path)
    lib.newsdoc_convert.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_char_p, ctypes.c_char_p,
                                    ctypes.c_void_p, ctypes.POINTER(ctypes.c_void_p),
                                    ctypes.POINTER(ctypes.c_size_t)]
    lib.newsdoc_options_new.argtypes = [ctypes.POINTER(ctypes.c_void_p)]
    lib.newsdoc_options_set.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p]
    lib.newsdoc_free.argtypes = [ctypes.c_void_p]
    lib.newsdoc_format_find.argtypes = [ctypes.c_char_p, ctypes.c_void_p]
    return lib


def run_case(libpath, idx, conn):
    name, gen, expect = CASES[idx]
    lib = load(libpath)
    opts = ctypes.c_void_p()
    lib.newsdoc_options_new(ctypes.byref(opts))
    lib.newsdoc_options_set(opts, b'fragment', b'1')
    data = gen().encode('utf-8')
    out = ctypes.c_void_p()
    n = ctypes.c_size_t()
    t0, c0 = time.perf_counter(), time.process_time()
    rc = lib.newsdoc_convert(data, len(data), b'markdown', b'html', opts, ctypes.byref(out), ctypes.byref(n))
    wall, dt = time.perf_counter() - t0, time.process_time() - c0
    ok = False
    detail = ''
    if expect == DEPTH:
        ok = rc == ELIMIT_DEPTH
        detail = 'rc %d (want %d)' % (rc, ELIMIT_DEPTH)
    elif rc:
        detail = 'rc %d' % rc
    else:
        text = ctypes.string_at(out, n.value).decode('utf-8')
        if callable(expect):
            ok = expect(text)
        else:
            ok = re.search(expect, text, re.S) is not None
        detail = '%d bytes out' % len(text) if ok else 'output %r...' % text[:200]
    if not rc:
        lib.newsdoc_free(out)
    conn.send((ok, dt, wall, len(data), detail))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--limit', type=float, default=float(os.environ.get('NEWSDOC_PATHO_LIMIT', '1.0')))
    ap.add_argument('-k', help='only cases whose name contains this')
    a = ap.parse_args()
    path = os.environ.get('NEWSDOC_LIB') or os.path.join(os.environ.get('NEWSDOC_BUILD_DIR', '.'), 'libnewsdoc.so')
    if not os.path.exists(path):
        print('SKIP: %s not found' % path)
        return 77
    lib = load(path)
    buf = ctypes.create_string_buffer(256)
    if lib.newsdoc_format_find(b'html', buf) or lib.newsdoc_format_find(b'markdown', buf):
        print('SKIP: the html or markdown format is not registered yet')
        return 77
    ctx = mp.get_context('fork')
    failures = 0
    for i, (name, _, _) in enumerate(CASES):
        if a.k and a.k not in name:
            continue
        parent, child = ctx.Pipe(duplex=False)
        p = ctx.Process(target=run_case, args=(path, i, child))
        p.start()
        child.close()
        # generous wall clock for generating the input; the limit applies
        # to the conversion, measured in the child
        res = parent.recv() if parent.poll(60) else None
        p.join(5)
        if p.is_alive():
            p.kill()
            p.join()
        if res is None:
            print('%-50s TIMEOUT or CRASH (exit %s)' % (name, p.exitcode))
            failures += 1
            continue
        ok, dt, wall, size, detail = res
        status = 'ok' if ok and dt < a.limit else 'FAIL'
        if status != 'ok':
            failures += 1
        print('%-48s %-4s cpu %6.3f s  wall %6.3f s  %9d bytes in  %s' % (name, status, dt, wall, size, detail))
    print('%d case(s) failed' % failures if failures else 'all cases passed')
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
