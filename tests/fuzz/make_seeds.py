#!/usr/bin/python3
"""Writes the fuzzers' seed corpora into OUTDIR/HARNESS/ (never into the
source tree), from fixtures:
  - a rich sample document (every node type, RTL and LTR) converted by the
    CLI into every format that can be written;
  - small files of ../shared/corpus (NEWSDOC_SHARED) for each reader;
  - the small cases of the hostile corpus (tests/hostile/gen_hostile.py).

    make_seeds.py OUTDIR NEWSDOC_CONVERT [MAX_BYTES]
"""
import glob
import hashlib
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "hostile"))
import gen_hostile  # noqa: E402

FORMATS = ["text", "markdown", "html", "epub", "docx", "json"]
EXT = {"txt": "text", "md": "markdown", "html": "html", "epub": "epub", "docx": "docx", "json": "json"}

SAMPLE = {"newsdoc": 1, "meta": [["title", "اجتماع الحكومة"], ["author", "سارة"], ["author", "Dan Levi"],
                                  ["lang", "ar"], ["dir", "rtl"], ["date", "2025-03-01"], ["keyword", "سياسة"]],
          "media": [{"name": "pic.png", "mime": "image/png",
                     "data": "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="}],
          "body": [
              {"type": "paragraph", "children": [
                  {"type": "text", "text": "قالت الحكومة "}, {"type": "emph", "children": [{"type": "text", "text": "اليوم"}]},
                  {"type": "strong", "children": [{"type": "text", "text": "مهم"}]},
                  {"type": "link", "url": "https://example.org/a", "children": [{"type": "text", "text": "رابط"}]},
                  {"type": "code", "text": "x<y"}, {"type": "line_break"},
                  {"type": "image", "url": "media:pic.png", "title": "صورة"},
                  {"type": "note", "children": [{"type": "paragraph", "children": [{"type": "text", "text": "حاشية"}]}]},
                  {"type": "span", "lang": "en", "dir": "ltr", "children": [{"type": "text", "text": "USA"}]}]},
              {"type": "section", "level": 1, "children": [
                  {"type": "heading", "children": [{"type": "text", "text": "خلفية"}]},
                  {"type": "blockquote", "children": [{"type": "paragraph", "children": [{"type": "text", "text": "می‌خواهم"}]}]},
                  {"type": "list", "list_type": "ordered", "start": 2, "children": [
                      {"type": "item", "children": [{"type": "paragraph", "children": [{"type": "text", "text": "أول"}]}]}]},
                  {"type": "table", "aligns": ["start", "end"], "children": [
                      {"type": "table_row", "header": True, "children": [
                          {"type": "table_cell", "children": [{"type": "text", "text": "أ"}]},
                          {"type": "table_cell", "children": [{"type": "text", "text": "ب"}]}]}]},
                  {"type": "figure", "url": "media:pic.png", "children": [
                      {"type": "caption", "children": [{"type": "text", "text": "تعليق"}]}]},
                  {"type": "code_block", "info": "c", "text": "int x;\n"}, {"type": "thematic_break"},
                  {"type": "section", "level": 2, "children": [
                      {"type": "heading", "children": [{"type": "text", "text": "Details"}]},
                      {"type": "paragraph", "lang": "he", "children": [{"type": "text", "text": "שלום עולם"}]}]}]}]}


def put(outdir, harness, data):
    d = os.path.join(outdir, harness)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, hashlib.sha1(data).hexdigest()), "wb") as f:
        f.write(data)


def main():
    outdir, cli = sys.argv[1], sys.argv[2]
    max_bytes = int(sys.argv[3]) if len(sys.argv) > 3 else 256 * 1024
    os.makedirs(outdir, exist_ok=True)
    for h in FORMATS + ["roundtrip"]:
        os.makedirs(os.path.join(outdir, h), exist_ok=True)
    listing = subprocess.run([cli, "--list-formats"], capture_output=True, text=True).stdout.splitlines()[1:]
    writable = [ln.split()[0] for ln in listing if len(ln.split()) > 2 and ln.split()[2] == "yes"]
    sample = json.dumps(SAMPLE, ensure_ascii=False).encode()
    put(outdir, "json", sample)
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "sample.json")
        with open(src, "wb") as f:
            f.write(sample)
        for fmt in writable:
            out = os.path.join(tmp, "out." + fmt)
            r = subprocess.run([cli, "-q", "-f", "json", "-t", fmt, "-o", out, src], capture_output=True)
            if r.returncode == 0:
                with open(out, "rb") as f:
                    put(outdir, fmt, f.read())
        # The hostile corpus without its heavy cases, and without those that
        # test the time and memory bounds (amplification, 50 000 attributes,
        # long flat inputs): those belong to the hostile runner, and a seed
        # must replay in a moment.
        gen_hostile.gen(tmp, heavy=False)
        slow = ("attributes", "amplify", "many-", "huge-", "itemrefs-", "deep-", "backticks", "brackets",
                "emph", "yaml", "table-columns", "quadratic", "laughs", "chain-1000")
        for fn in os.listdir(tmp):
            ext = fn.rsplit(".", 1)[-1]
            path = os.path.join(tmp, fn)
            if any(k in fn for k in slow):
                continue
            if ext in EXT and os.path.getsize(path) <= min(max_bytes, 65536) and not fn.startswith(("sample", "out.")):
                with open(path, "rb") as f:
                    put(outdir, EXT[ext], f.read())
    shared = os.environ.get("NEWSDOC_SHARED")
    if shared and os.path.isdir(os.path.join(shared, "corpus")):
        c = os.path.join(shared, "corpus")
        picks = {"text": sorted(glob.glob(os.path.join(c, "text", "plain", "*")))[:8],
                 "html": sorted(glob.glob(os.path.join(c, "html", "**", "*.html"), recursive=True)),
                 "docx": sorted(glob.glob(os.path.join(c, "docx", "**", "*.docx"), recursive=True)),
                 "epub": sorted(glob.glob(os.path.join(c, "epub", "*.epub")))}
        for h, files in picks.items():
            for p in files:
                if os.path.getsize(p) <= max_bytes:
                    with open(p, "rb") as f:
                        put(outdir, h, f.read())
        spec = os.path.join(c, "commonmark", "spec-0.31.2.json")
        if os.path.exists(spec):
            with open(spec, encoding="utf-8") as f:
                for ex in json.load(f)[::4]:
                    put(outdir, "markdown", ex["markdown"].encode())
    else:
        print("make_seeds: ../shared not found (NEWSDOC_SHARED): seeds from the sample and hostile cases only")
    # The round trip harness: the first byte picks the formats.
    for i, h in enumerate(FORMATS):
        d = os.path.join(outdir, h)
        for k, fn in enumerate(sorted(os.listdir(d))[:12]):
            with open(os.path.join(d, fn), "rb") as f:
                put(outdir, "roundtrip", bytes([(i * 7 + k * 13) % 256]) + f.read())
    counts = {h: len(os.listdir(os.path.join(outdir, h))) for h in FORMATS + ["roundtrip"]}
    print("make_seeds: " + ", ".join(f"{h} {n}" for h, n in counts.items()))


if __name__ == "__main__":
    main()
