#!/usr/bin/python3
"""Convert documents to EPUB with the CLI and run EPUBCheck on every book.

Inputs: the sample article (text reader), the fixtures in tests/epub/fixtures
(json), and every document of ../shared/corpus a registered reader can take.
A book passes when EPUBCheck reports 0 fatals, 0 errors and 0 warnings.
A document its reader cannot read is reported and not counted (that is the
reader's business); a document that reads but does not convert to EPUB fails.
Exit 77 when java/epubcheck or ../shared is missing.
"""
import argparse
import concurrent.futures
import glob
import json
import os
import shutil
import subprocess
import sys

EPUBCHECK = "/usr/bin/epubcheck"


def registered_readers(cli):
    out = subprocess.run([cli, "--list-formats"], capture_output=True, text=True, check=True).stdout
    readers = set()
    for line in out.splitlines()[1:]:
        parts = line.split()
        if len(parts) >= 2 and parts[1] == "yes":
            readers.add(parts[0])
    return readers


def corpus_inputs(shared):
    """(format, path) for every corpus document, by folder and extension."""
    c = os.path.join(shared, "corpus")
    items = []
    items += [("text", p) for p in sorted(glob.glob(f"{c}/text/plain/*.txt"))]
    items += [("text", p) for p in sorted(glob.glob(f"{c}/text/ant-original/*.txt"))]
    items += [("html", p) for p in sorted(glob.glob(f"{c}/html/**/*.html", recursive=True))]
    items += [("docx", p) for p in sorted(glob.glob(f"{c}/docx/**/*.docx", recursive=True))]
    items += [("epub", p) for p in sorted(glob.glob(f"{c}/epub/*.epub"))]
    items += [("markdown", p) for p in sorted(glob.glob(f"{c}/commonmark/*.txt"))]
    return items


def convert(cli, fmt, src, dst):
    r = subprocess.run([cli, "-q", "-f", fmt, "-t", "epub", "-o", dst, src], capture_output=True, text=True,
                       timeout=120)
    if r.returncode == 0:
        return "ok", ""
    # Did the reader fail, or the writer?
    j = subprocess.run([cli, "-q", "-f", fmt, "-t", "json", "-o", os.devnull, src], capture_output=True, text=True,
                       timeout=120)
    if j.returncode != 0:
        return "unreadable", j.stderr.strip()
    return "failed", r.stderr.strip()


def epubcheck(book, report):
    subprocess.run(["java", "-jar", EPUBCHECK, book, "--json", report], capture_output=True, text=True, timeout=300)
    try:
        with open(report, encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, ValueError) as e:
        return {"FATAL": 1}, [f"no report: {e}"]
    counts, msgs = {}, []
    for m in data.get("messages", []):
        sev = m.get("severity", "?")
        counts[sev] = counts.get(sev, 0) + 1
        if sev in ("FATAL", "ERROR", "WARNING"):
            where = ", ".join(f"{l.get('path')}:{l.get('line')}" for l in m.get("locations", [])[:2])
            msgs.append(f"{sev} {m.get('ID')}: {m.get('message')} [{where}]")
    return counts, msgs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--fixtures", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--limit", type=int, default=0, help="only the first N corpus documents (debugging)")
    a = ap.parse_args()
    cli = os.environ.get("NEWSDOC_CONVERT")
    shared = os.environ.get("NEWSDOC_SHARED")
    if not cli:
        print("NEWSDOC_CONVERT not set")
        return 2
    if not shutil.which("java") or not os.path.exists(EPUBCHECK):
        print("SKIP: java or /usr/bin/epubcheck not installed")
        return 77
    if not shared or not os.path.isdir(shared):
        print("SKIP: ../shared not found (NEWSDOC_SHARED)")
        return 77
    os.makedirs(a.out, exist_ok=True)
    readers = registered_readers(cli)
    print("readers registered:", " ".join(sorted(readers)))

    inputs = []
    sample = os.path.join(shared, "samples", "mauritania-us-military-cooperation.txt")
    inputs.append(("text", sample, "sample"))
    for p in sorted(glob.glob(os.path.join(a.fixtures, "*.json"))):
        inputs.append(("json", p, "fixture"))
    corpus = corpus_inputs(shared)
    if a.limit:
        corpus = corpus[: a.limit]
    inputs += [(f, p, "corpus") for f, p in corpus]

    skipped_fmt, books, failures, unreadable = {}, [], [], []
    for i, (fmt, src, kind) in enumerate(inputs):
        if fmt not in readers:
            skipped_fmt[fmt] = skipped_fmt.get(fmt, 0) + 1
            continue
        rel = os.path.relpath(src, shared) if src.startswith(shared) else os.path.basename(src)
        name = f"{i:03d}-" + rel.replace("/", "_")
        dst = os.path.join(a.out, name + ".epub")
        status, msg = convert(cli, fmt, src, dst)
        if status == "ok":
            books.append((kind, rel, dst))
        elif status == "unreadable":
            unreadable.append(f"{rel}: {msg}")
        else:
            failures.append(f"{rel}: converting to epub failed: {msg}")
    for fmt, n in sorted(skipped_fmt.items()):
        print(f"SKIP {n} input(s): the '{fmt}' reader is not registered yet")
    for u in unreadable:
        print(f"NOTE unreadable by its reader (not counted): {u}")

    def check(book):
        kind, rel, path = book
        return book, epubcheck(path, path[:-5] + ".epubcheck.json")

    bad = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=a.jobs) as ex:
        for (kind, rel, path), (counts, msgs) in ex.map(check, books):
            n = sum(counts.get(s, 0) for s in ("FATAL", "ERROR", "WARNING"))
            print(f"{'ok  ' if n == 0 else 'FAIL'} [{kind}] {rel}: fatal {counts.get('FATAL', 0)} "
                  f"error {counts.get('ERROR', 0)} warning {counts.get('WARNING', 0)}", flush=True)
            if n:
                bad += 1
                for m in msgs[:10]:
                    print("      " + m)
    for f in failures:
        print("FAIL " + f)
    kinds = {}
    for k, _, _ in books:
        kinds[k] = kinds.get(k, 0) + 1
    print(f"epubcheck: {len(books) - bad}/{len(books)} books clean "
          f"({', '.join(f'{k} {v}' for k, v in sorted(kinds.items()))}); {len(failures)} conversion failures; "
          f"{len(unreadable)} unreadable inputs")
    if "sample" not in kinds and "text" not in readers:
        print("NOTE: the sample article was skipped (no text reader yet)")
    if not books:
        print("SKIP: nothing could be converted")
        return 77
    return 1 if bad or failures else 0


if __name__ == "__main__":
    sys.exit(main())
