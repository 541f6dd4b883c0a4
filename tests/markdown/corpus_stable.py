#!/usr/bin/python3
"""corpus_stable.py - every corpus document the registered readers can read,
written as Markdown (md0), is stable after one pass: read(md0) and
read(write(read(md0))) give the same model (JSON), and the Markdown written
twice is the same bytes.  When pandoc is installed, it also reads the
Markdown to the same outline (headers with level and text, paragraphs
outside lists/quotes/tables) as libnewsdoc does.  Uses $NEWSDOC_CONVERT.
Exit 1 on any difference, 77 when ../shared or the CLI is missing."""
import glob
import json
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pandoc_outline import outline as pandoc_outline  # noqa: E402

# pandoc's smart punctuation and whitespace are not differences
SMART = {'\u2026': '...', '\u2013': '--', '\u2014': '---', '\u2019': "'", '\u2018': "'", '\u201c': '"',
         '\u201d': '"'}


def norm(s):
    for k, v in SMART.items():
        s = s.replace(k, v)
    return re.sub(r'\s+', ' ', s).strip()


def our_outline(model_json):
    """H<level> text / P for the model, walked with an explicit stack."""
    d = json.loads(model_json)
    out = []
    stack = [(iter(d['body']), 0)]
    while stack:
        try:
            x = next(stack[-1][0])
        except StopIteration:
            stack.pop()
            continue
        t = x['type']
        if t == 'section':
            stack.append((iter(x['children']), x['level']))
        elif t == 'paragraph':
            out.append('P')
        elif t == 'heading':
            text, st = [], [iter(x.get('children', []))]
            while st:
                try:
                    y = next(st[-1])
                except StopIteration:
                    st.pop()
                    continue
                if y['type'] in ('text', 'code'):
                    text.append(y.get('text', ''))
                elif y['type'] in ('soft_break', 'line_break'):
                    text.append(' ')
                elif y['type'] != 'note' and 'children' in y:
                    st.append(iter(y['children']))
            out.append(norm('H%d %s' % (stack[-1][1], ''.join(text))))
    return out


def main():
    shared = os.environ.get('NEWSDOC_SHARED', '')
    cli = os.environ.get('NEWSDOC_CONVERT')
    corpus = os.path.join(shared, 'corpus')
    if not os.path.isdir(corpus) or not cli or not os.path.exists(cli):
        print('SKIP: ../shared/corpus or NEWSDOC_CONVERT missing')
        return 77

    def conv(args, inp=None):
        p = subprocess.run([cli, '-q'] + args, input=inp, capture_output=True, timeout=120)
        return p.returncode, p.stdout

    files = sorted(f for d in ('html', 'docx', 'epub', 'text')
                   for f in glob.glob(os.path.join(corpus, d, '**', '*'), recursive=True)
                   if os.path.isfile(f) and not f.endswith(('.md', '.native')))
    pandoc = shutil.which('pandoc')
    stable = unstable = unreadable = pandoc_same = pandoc_diff = 0
    for f in files:
        rc, md0 = conv([f, '-t', 'markdown'])
        if rc:
            unreadable += 1
            continue
        _, j1 = conv(['-f', 'markdown', '-t', 'json', '-'], md0)
        _, md1 = conv(['-f', 'markdown', '-t', 'markdown', '-'], md0)
        _, j2 = conv(['-f', 'markdown', '-t', 'json', '-'], md1)
        _, md2 = conv(['-f', 'markdown', '-t', 'markdown', '-'], md1)
        if j1 and j1 == j2 and md1 == md2:
            stable += 1
        else:
            unstable += 1
            print('UNSTABLE: %s (%s)' % (os.path.relpath(f, corpus), 'model' if j1 != j2 else 'markdown'))
        if pandoc and j2:
            p = subprocess.run([pandoc, '-f', 'markdown', '-t', 'json'], input=md1, capture_output=True, timeout=120)
            theirs = [norm(l) for l in pandoc_outline(p.stdout.decode('utf-8')).splitlines()[3:]]
            ours = our_outline(j2)
            if p.returncode == 0 and theirs == ours:
                pandoc_same += 1
            else:
                pandoc_diff += 1
                print('PANDOC DIFFERS: %s' % os.path.relpath(f, corpus))
    print('%d stable, %d unstable, %d not readable by the registered formats' % (stable, unstable, unreadable))
    if pandoc:
        print('pandoc reads the same outline for %d, differs for %d' % (pandoc_same, pandoc_diff))
    if stable == 0:
        print('FAIL: nothing was read')
        return 1
    return 1 if unstable or pandoc_diff else 0


if __name__ == '__main__':
    sys.exit(main())
