#!/usr/bin/python3
"""spec_tests.py - every example of the CommonMark spec (0.31.2, as JSON)
through libnewsdoc: markdown -> model -> HTML fragment, compared with the
expected HTML after both are normalised (normalize_html.py).

  spec_tests.py [--cli] [--min N] [--show-failures] [--spec FILE]

In-process by default (ctypes on libnewsdoc.so from NEWSDOC_BUILD_DIR, or
NEWSDOC_LIB); --cli runs $NEWSDOC_CONVERT once per example instead.
Prints the pass count per section and the total; exits 1 when the total is
below --min, 77 (skip) when ../shared or the html format is missing.
"""
import argparse
import ctypes
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from normalize_html import normalize_html  # noqa: E402

SKIP = 77


class Lib:
    def __init__(self, path):
        self.lib = ctypes.CDLL(path)
        L = self.lib
        L.newsdoc_options_new.argtypes = [ctypes.POINTER(ctypes.c_void_p)]
        L.newsdoc_options_set.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p]
        L.newsdoc_convert.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_char_p, ctypes.c_char_p,
                                      ctypes.c_void_p, ctypes.POINTER(ctypes.c_void_p),
                                      ctypes.POINTER(ctypes.c_size_t)]
        L.newsdoc_free.argtypes = [ctypes.c_void_p]
        L.newsdoc_format_find.argtypes = [ctypes.c_char_p, ctypes.c_void_p]
        self.opts = ctypes.c_void_p()
        L.newsdoc_options_new(ctypes.byref(self.opts))
        L.newsdoc_options_set(self.opts, b'fragment', b'1')
        L.newsdoc_options_set(self.opts, b'raw-html', b'unsafe')  # the spec passes raw HTML through

    def has_format(self, name):
        buf = ctypes.create_string_buffer(256)
        return self.lib.newsdoc_format_find(name.encode(), buf) == 0

    def convert(self, md):
        data = md.encode('utf-8')
        out = ctypes.c_void_p()
        n = ctypes.c_size_t()
        rc = self.lib.newsdoc_convert(data, len(data), b'markdown', b'html', self.opts, ctypes.byref(out),
                                      ctypes.byref(n))
        if rc:
            return None
        s = ctypes.string_at(out, n.value)
        self.lib.newsdoc_free(out)
        return s.decode('utf-8')


def cli_convert(prog, md):
    p = subprocess.run([prog, '-f', 'markdown', '-t', 'html', '--fragment', '--opt', 'raw-html=unsafe', '-'],
                       input=md.encode('utf-8'), capture_output=True, timeout=10)
    if p.returncode:
        return None
    return p.stdout.decode('utf-8')


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--cli', action='store_true')
    ap.add_argument('--min', type=int, default=0)
    ap.add_argument('--show-failures', action='store_true')
    ap.add_argument('--spec')
    ap.add_argument('-n', type=int, help='one example')
    a = ap.parse_args()

    shared = os.environ.get('NEWSDOC_SHARED', '')
    spec = a.spec or os.path.join(shared, 'corpus/commonmark/spec-0.31.2.json')
    if not os.path.exists(spec):
        print('SKIP: %s not found (../shared absent)' % spec)
        return SKIP
    tests = json.load(open(spec, encoding='utf-8'))

    if a.cli:
        prog = os.environ.get('NEWSDOC_CONVERT')
        if not prog or not os.path.exists(prog):
            print('SKIP: NEWSDOC_CONVERT not set')
            return SKIP
        conv = lambda md: cli_convert(prog, md)  # noqa: E731
        probe = cli_convert(prog, 'x')
        if probe is None:
            print('SKIP: the CLI cannot write html yet')
            return SKIP
    else:
        path = os.environ.get('NEWSDOC_LIB') or os.path.join(os.environ.get('NEWSDOC_BUILD_DIR', '.'),
                                                              'libnewsdoc.so')
        lib = Lib(path)
        if not lib.has_format('html') or not lib.has_format('markdown'):
            print('SKIP: the html or markdown format is not registered yet')
            return SKIP
        conv = lib.convert

    sections = {}
    order = []
    passed = failed = errored = 0
    for t in tests:
        if a.n and t['example'] != a.n:
            continue
        sec = t['section']
        if sec not in sections:
            sections[sec] = [0, 0]
            order.append(sec)
        sections[sec][1] += 1
        got = conv(t['markdown'])
        if got is None:
            errored += 1
            ok = False
        else:
            ok = normalize_html(got) == normalize_html(t['html'])
            if not ok:
                failed += 1
        if ok:
            passed += 1
            sections[sec][0] += 1
        elif a.show_failures or a.n:
            print('--- example %d (%s) %s' % (t['example'], sec, 'ERROR' if got is None else 'FAIL'))
            print('markdown: %r' % t['markdown'])
            print('expected: %r' % normalize_html(t['html']))
            print('got:      %r' % (normalize_html(got) if got is not None else None))
    for sec in order:
        p, n = sections[sec]
        print('%-45s %3d/%3d' % (sec, p, n))
    print('%d passed, %d failed, %d errored (of %d)' % (passed, failed, errored, passed + failed + errored))
    if passed < a.min:
        print('FAIL: %d passed, below the floor of %d' % (passed, a.min))
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
