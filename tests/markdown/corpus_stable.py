#!/usr/bin/python3
"""corpus_stable.py - every corpus document the registered readers can read,
written as Markdown (md0), is stable after one pass: read(md0) and
read(write(read(md0))) give the same model (JSON), and the Markdown written
twice is the same bytes.  Uses $NEWSDOC_CONVERT.  Exit 1 on any
instability, 77 when ../shared or the CLI is missing."""
import glob
import os
import subprocess
import sys


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
    stable = unstable = unreadable = 0
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
    print('%d stable, %d unstable, %d not readable by the registered formats' % (stable, unstable, unreadable))
    if stable == 0:
        print('FAIL: nothing was read')
        return 1
    return 1 if unstable else 0


if __name__ == '__main__':
    sys.exit(main())
