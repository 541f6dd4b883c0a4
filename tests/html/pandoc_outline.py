#!/usr/bin/python3
"""The sample article read as text and written as HTML: pandoc's HTML reader
must see the outline in ../shared/samples/*.outline, and the page must open
with <html lang="ar" dir="rtl">.

Exit 0 pass, 1 fail, 77 skip (no ../shared, no pandoc, no text reader)."""
import json
import os
import re
import shutil
import subprocess
import sys

SHARED = os.environ.get("NEWSDOC_SHARED", "")
CONVERT = os.environ.get("NEWSDOC_CONVERT", "")
BUILD = os.environ.get("NEWSDOC_BUILD_DIR", ".")
NAME = "mauritania-us-military-cooperation"


def skip(msg):
    print("SKIP: " + msg)
    sys.exit(77)


def inline_text(inl):
    out = []
    for i in inl:
        t = i["t"]
        if t == "Str":
            out.append(i["c"])
        elif t in ("Space", "SoftBreak", "LineBreak"):
            out.append(" ")
        elif t in ("Emph", "Strong", "Underline", "Strikeout", "Superscript", "Subscript", "SmallCaps"):
            out.append(inline_text(i["c"]))
        elif t in ("Span", "Link", "Image", "Quoted", "Cite"):
            out.append(inline_text(i["c"][1] if t != "Cite" else i["c"][1]))
        elif t == "Code":
            out.append(i["c"][1])
    return "".join(out)


def meta_text(v):
    if v is None:
        return None
    if v["t"] == "MetaInlines":
        return inline_text(v["c"])
    if v["t"] == "MetaString":
        return v["c"]
    if v["t"] == "MetaList":
        return [meta_text(x) for x in v["c"]]
    return None


def outline(doc, title):
    """Our page as pandoc sees it: the <article>'s <header> is the first
    Div without classes (title Header, byline Para), sections are Divs."""
    lines = []
    blocks = doc["blocks"]
    # <article> may arrive as a wrapping Div
    if len(blocks) == 1 and blocks[0]["t"] == "Div" and not blocks[0]["c"][0][1]:
        blocks = blocks[0]["c"][1]
    byline = None
    if blocks and blocks[0]["t"] == "Div" and "section" not in blocks[0]["c"][0][1]:
        for b in blocks[0]["c"][1]:
            if b["t"] in ("Para", "Plain"):
                text = inline_text(b["c"]).strip()
                if byline is None and not re.match(r"^\d{4}-\d\d", text):
                    byline = text
        blocks = blocks[1:]
    head = []
    if byline:
        head.append("byline: " + byline)

    def walk(bs):
        for b in bs:
            t = b["t"]
            if t == "Header":
                lines.append("H%d %s" % (b["c"][0], inline_text(b["c"][2]).strip()))
            elif t in ("Para", "Plain"):
                lines.append("P")
            elif t == "Div":
                walk(b["c"][1])
            elif t == "BlockQuote":
                walk(b["c"])
            elif t in ("BulletList", "OrderedList"):
                items = b["c"] if t == "BulletList" else b["c"][1]
                for it in items:
                    walk(it)

    walk(blocks)
    # pandoc numbers headings from the page's top level: with our h1 title
    # the sections are h2.., so shift them back when a title is present
    if title:
        lines = ["H%d %s" % (int(l[1]) - 1, l[3:]) if l.startswith("H") else l for l in lines]
    return head, lines


def main():
    if not SHARED or not os.path.isdir(SHARED):
        skip("../shared not found (NEWSDOC_SHARED)")
    if not shutil.which("pandoc"):
        skip("pandoc is not installed")
    src = os.path.join(SHARED, "samples", NAME + ".txt")
    want_path = os.path.join(SHARED, "samples", NAME + ".outline")
    formats = subprocess.run([CONVERT, "--list-formats"], capture_output=True, text=True).stdout
    if not re.search(r"^text\s+yes", formats, re.M):
        skip("the text reader is not registered yet")
    outdir = os.path.join(BUILD, "html-tests")
    os.makedirs(outdir, exist_ok=True)
    page = os.path.join(outdir, NAME + ".html")
    r = subprocess.run([CONVERT, "-q", "-f", "text", "-t", "html", "-o", page, src], capture_output=True, text=True)
    if r.returncode:
        print("FAIL: newsdoc-convert: " + r.stderr)
        return 1
    html = open(page, encoding="utf-8").read()
    ok = True
    m = re.search(r"<html[^>]*>", html)
    print("root element:", m.group(0) if m else None)
    if not m or 'lang="ar"' not in m.group(0) or 'dir="rtl"' not in m.group(0):
        print('FAIL: the page does not open with <html lang="ar" dir="rtl">')
        ok = False
    pj = subprocess.run(["pandoc", "-f", "html", "-t", "json", page], capture_output=True, text=True)
    if pj.returncode:
        print("FAIL: pandoc: " + pj.stderr)
        return 1
    doc = json.loads(pj.stdout)
    meta = doc.get("meta", {})
    title = meta_text(meta.get("title"))
    head, lines = outline(doc, title)
    got = ["lang: " + (meta_text(meta.get("lang")) or ""), "dir: " + (m.group(0).split('dir="')[1].split('"')[0] if m and 'dir="' in m.group(0) else "")]
    got += head + lines
    want = [l for l in open(want_path, encoding="utf-8").read().splitlines() if l.strip()]
    print("outline lines: want %d, pandoc saw %d" % (len(want), len(got)))
    if got != want:
        ok = False
        import difflib
        for d in difflib.unified_diff(want, got, "expected", "pandoc", lineterm="", n=1):
            print(d)
    else:
        print("outline identical: %d headings, %d paragraphs" % (sum(1 for l in got if l.startswith("H")),
                                                                  sum(1 for l in got if l == "P")))
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
