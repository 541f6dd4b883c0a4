#!/usr/bin/python3
"""The sample article written as EPUB, as pandoc sees it.

newsdoc-convert -f text -t epub SAMPLE.txt, then `pandoc -f epub -t json`;
the outline made from pandoc's AST must equal
../shared/samples/mauritania-us-military-cooperation.outline:
  lang:    pandoc's metadata "language" (from dc:language)
  dir:     the spine's page-progression-direction (pandoc does not keep it)
  byline:  <meta property="newsdoc:byline"> of the package document
  H<n> ... every Header, at pandoc's level (our content documents write a
           level-n section as <hn>: the title is in the metadata, not a <h1>)
  P        every Para/Plain that is directly in the body or in a Div
           (sections), as tu_outline counts paragraphs of BODY and SECTION.
Also: the spine says rtl and dc:language is "ar".
Exit 77 when pandoc, ../shared or the text reader is missing.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile

OPF_NS = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/"}


def stringify(inlines):
    out = []
    stack = [list(inlines)]
    # iterative walk over nested inline lists
    while stack:
        lst = stack[-1]
        if not lst:
            stack.pop()
            continue
        el = lst.pop(0)
        t, c = el.get("t"), el.get("c")
        if t == "Str":
            out.append(c)
        elif t in ("Space", "SoftBreak", "LineBreak"):
            out.append(" ")
        elif t in ("Emph", "Strong", "Underline", "Strikeout", "SmallCaps", "Superscript", "Subscript"):
            stack.append(list(c))
        elif t == "Span":
            stack.append(list(c[1]))
        elif t in ("Link", "Image"):
            stack.append(list(c[1]))
        elif t == "Quoted":
            stack.append(list(c[1]))
        elif t == "Code":
            out.append(c[1])
        elif t == "Note":
            pass
    return re.sub(r"\s+", " ", "".join(out)).strip()


def is_chapter_anchor(inlines):
    """pandoc's EPUB reader starts every content document with
    Para [Span ("FILE.xhtml",[],[]) []]: a marker, not a paragraph."""
    return (len(inlines) == 1 and inlines[0].get("t") == "Span" and not inlines[0]["c"][1]
            and inlines[0]["c"][0][0].endswith((".xhtml", ".html")))


def outline_blocks(blocks):
    lines = []
    stack = [list(blocks)]
    while stack:
        lst = stack[-1]
        if not lst:
            stack.pop()
            continue
        b = lst.pop(0)
        t, c = b.get("t"), b.get("c")
        if t == "Header":
            lines.append(f"H{c[0]} {stringify(c[2])}")
        elif t in ("Para", "Plain"):
            if not is_chapter_anchor(c):
                lines.append("P")
        elif t == "Div":
            stack.append(list(c[1]))
    return lines


def meta_text(v):
    if v is None:
        return ""
    t, c = v.get("t"), v.get("c")
    if t == "MetaString":
        return c
    if t == "MetaInlines":
        return stringify(c)
    if t == "MetaList" and c:
        return meta_text(c[0])
    return ""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    cli = os.environ.get("NEWSDOC_CONVERT")
    shared = os.environ.get("NEWSDOC_SHARED")
    if not shutil.which("pandoc"):
        print("SKIP: pandoc not installed")
        return 77
    if not shared or not os.path.isdir(shared):
        print("SKIP: ../shared not found (NEWSDOC_SHARED)")
        return 77
    formats = subprocess.run([cli, "--list-formats"], capture_output=True, text=True, check=True).stdout
    if not re.search(r"^text\s+yes", formats, re.M):
        print("SKIP: the text reader is not registered yet, so the sample article cannot be read")
        return 77
    os.makedirs(a.out, exist_ok=True)
    sample = os.path.join(shared, "samples", "mauritania-us-military-cooperation.txt")
    expected_path = os.path.join(shared, "samples", "mauritania-us-military-cooperation.outline")
    book = os.path.join(a.out, "sample.epub")
    subprocess.run([cli, "-q", "-f", "text", "-t", "epub", "-o", book, sample], check=True)

    fails = []
    # Two conversions in two processes (and another time zone) give the same bytes.
    again = os.path.join(a.out, "sample-again.epub")
    subprocess.run([cli, "-q", "-f", "text", "-t", "epub", "-o", again, sample], check=True,
                   env=dict(os.environ, TZ="Asia/Tehran"))
    with open(book, "rb") as f1, open(again, "rb") as f2:
        same = f1.read() == f2.read()
    print(f"two conversions byte-identical: {same}")
    if not same:
        fails.append("two conversions of the sample differ")
    # The package document.
    with zipfile.ZipFile(book) as z:
        names = z.namelist()
        if names[0] != "mimetype" or z.getinfo("mimetype").compress_type != zipfile.ZIP_STORED:
            fails.append("mimetype is not the first, stored entry")
        container = ET.fromstring(z.read("META-INF/container.xml"))
        opf_path = container.find(".//{urn:oasis:names:tc:opendocument:xmlns:container}rootfile").get("full-path")
        opf = ET.fromstring(z.read(opf_path))
    spine = opf.find("opf:spine", OPF_NS)
    ppd = spine.get("page-progression-direction")
    lang = opf.find("opf:metadata/dc:language", OPF_NS).text
    byline = ""
    for m in opf.findall("opf:metadata/opf:meta", OPF_NS):
        if m.get("property") == "newsdoc:byline":
            byline = (m.text or "").strip()
    print(f"spine page-progression-direction={ppd}  dc:language={lang}")
    if ppd != "rtl":
        fails.append(f"spine page-progression-direction is {ppd!r}, not 'rtl'")
    if lang != "ar":
        fails.append(f"dc:language is {lang!r}, not 'ar'")

    # What pandoc reads.
    r = subprocess.run(["pandoc", "-f", "epub", "-t", "json", book], capture_output=True, text=True)
    if r.returncode != 0:
        print("pandoc failed:", r.stderr)
        return 1
    ast = json.loads(r.stdout)
    with open(os.path.join(a.out, "sample.pandoc.json"), "w", encoding="utf-8") as f:
        f.write(r.stdout)
    plang = meta_text(ast.get("meta", {}).get("lang")) or meta_text(ast.get("meta", {}).get("language"))
    got = [f"lang: {plang}", f"dir: {ppd}", f"byline: {byline}"] + outline_blocks(ast["blocks"])
    with open(expected_path, encoding="utf-8") as f:
        expected = [l.rstrip("\n") for l in f if l.strip()]
    with open(os.path.join(a.out, "sample.outline"), "w", encoding="utf-8") as f:
        f.write("\n".join(got) + "\n")
    if got != expected:
        import difflib
        fails.append("outline differs:\n" + "\n".join(difflib.unified_diff(expected, got, "expected", "pandoc", lineterm="")))
    print(f"pandoc outline: {len(got)} lines, expected {len(expected)}; "
          f"{sum(1 for l in got if l.startswith('H'))} headings, {sum(1 for l in got if l == 'P')} paragraphs")
    for f in fails:
        print("FAIL", f)
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
