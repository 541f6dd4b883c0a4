#!/usr/bin/python3
"""pandoc_outline.py - the sample article read as text, written as Markdown
by libnewsdoc, read back by pandoc (`pandoc -f markdown -t json`) has the
outline of ../shared/samples/mauritania-us-military-cooperation.outline:

    lang: / dir: / byline:   from pandoc's metadata
    H<level> <text>          every Header (level and plain text)
    P                        every Para directly in the body (the lead
                             paragraphs count: they come before the first
                             header)

Exit 0 on a match, 1 on a difference (printed as a diff), 77 when
../shared, pandoc, the CLI or the text format is missing.
"""
import difflib
import json
import os
import shutil
import subprocess
import sys

SKIP = 77
SAMPLE = 'samples/mauritania-us-military-cooperation'


def inline_text(inlines):
    """Plain text of a list of pandoc inlines, without recursion on the
    input's nesting: an explicit stack."""
    out = []
    stack = [iter(inlines)]
    while stack:
        try:
            el = next(stack[-1])
        except StopIteration:
            stack.pop()
            continue
        if isinstance(el, str):
            out.append(el)
            continue
        t, c = el.get('t'), el.get('c')
        if t == 'Str':
            out.append(c)
        elif t in ('Space', 'SoftBreak'):
            out.append(' ')
        elif t == 'LineBreak':
            out.append('\n')
        elif t in ('Code', 'Math', 'RawInline'):
            out.append(c[1])
        elif t in ('Emph', 'Strong', 'Strikeout', 'Superscript', 'Subscript', 'SmallCaps', 'Underline'):
            stack.append(iter(c))
        elif t == 'Quoted':
            q = '"' if c[0]['t'] == 'DoubleQuote' else "'"
            # LIFO: the closing quote first, so that it comes out last
            stack.append(iter([q]))
            stack.append(iter(c[1]))
            stack.append(iter([q]))
        elif t in ('Link', 'Span'):
            stack.append(iter(c[1]))
        elif t == 'Image':
            stack.append(iter(c[1]))
        elif t == 'Cite':
            stack.append(iter(c[1]))
        # Note: left out, as tu_outline() leaves notes out
    return ''.join(out)


def meta_text(v):
    if v is None:
        return ''
    t, c = v.get('t'), v.get('c')
    if t == 'MetaString':
        return c
    if t == 'MetaInlines':
        return inline_text(c)
    if t == 'MetaList':
        return meta_text(c[0]) if c else ''
    if t == 'MetaBlocks':
        return ' '.join(inline_text(b['c']) for b in c if b.get('t') in ('Para', 'Plain'))
    return ''


def outline(pandoc_json):
    d = json.loads(pandoc_json)
    meta = d.get('meta', {})
    lines = ['lang: ' + meta_text(meta.get('lang')), 'dir: ' + meta_text(meta.get('dir')),
             'byline: ' + meta_text(meta.get('byline'))]
    # Pandoc's blocks are flat (headers are not nested); Divs are walked
    # into with an explicit stack, since our writer may wrap blocks in one.
    stack = [iter(d['blocks'])]
    while stack:
        try:
            b = next(stack[-1])
        except StopIteration:
            stack.pop()
            continue
        t = b.get('t')
        if t == 'Header':
            lines.append('H%d %s' % (b['c'][0], inline_text(b['c'][2])))
        elif t == 'Para':
            lines.append('P')
        elif t == 'Div':
            stack.append(iter(b['c'][1]))
    return '\n'.join(lines) + '\n'


def main():
    shared = os.environ.get('NEWSDOC_SHARED', '')
    txt = os.path.join(shared, SAMPLE + '.txt')
    expected_path = os.path.join(shared, SAMPLE + '.outline')
    if not os.path.exists(txt) or not os.path.exists(expected_path):
        print('SKIP: ../shared/%s.* not found' % SAMPLE)
        return SKIP
    pandoc = shutil.which('pandoc')
    if not pandoc:
        print('SKIP: pandoc not installed')
        return SKIP
    cli = os.environ.get('NEWSDOC_CONVERT')
    if not cli or not os.path.exists(cli):
        print('SKIP: NEWSDOC_CONVERT not set')
        return SKIP
    p = subprocess.run([cli, '-f', 'text', '-t', 'markdown', txt], capture_output=True, timeout=60)
    if p.returncode:
        err = p.stderr.decode('utf-8', 'replace')
        if 'text' in err and ('unknown' in err.lower() or 'not found' in err.lower() or 'no such' in err.lower()):
            print('SKIP: the text format is not registered yet: ' + err.strip())
            return SKIP
        print('newsdoc-convert failed (%d): %s' % (p.returncode, err))
        return 1
    md = p.stdout
    out_dir = os.path.join(os.environ.get('NEWSDOC_BUILD_DIR', '.'), 'tests', 'markdown')
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, 'sample.md'), 'wb') as f:
        f.write(md)
    q = subprocess.run([pandoc, '-f', 'markdown', '-t', 'json'], input=md, capture_output=True, timeout=120)
    if q.returncode:
        print('pandoc failed: ' + q.stderr.decode('utf-8', 'replace'))
        return 1
    got = outline(q.stdout.decode('utf-8'))
    expected = open(expected_path, encoding='utf-8').read()
    if got == expected:
        print('outline matches: %d lines (%d headers, %d paragraphs)' %
              (got.count('\n'), sum(1 for l in got.splitlines() if l.startswith('H')),
               sum(1 for l in got.splitlines() if l == 'P')))
        return 0
    sys.stdout.writelines(difflib.unified_diff(expected.splitlines(True), got.splitlines(True), 'expected',
                                               'pandoc'))
    return 1


if __name__ == '__main__':
    sys.exit(main())
