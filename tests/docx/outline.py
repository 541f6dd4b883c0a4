"""Outlines of a document as pandoc and libnewsdoc read it, for comparison.

An outline is the flow-level structure: headings with their level and
text, and one entry per paragraph, list, table, block quote and code block
standing directly in the body or a section (pandoc's Div wrappers and our
SECTION nodes are looked through; content inside lists, quotes, tables
and notes is not counted again).
"""
import json
import os
import re
import subprocess
import sys

WS = re.compile(r"\s+")


def norm(text):
    return WS.sub(" ", text).strip()


# ---- pandoc's JSON (pandoc-types 1.22, pandoc 2.17) ----------------------------

def pandoc_inline_text(inlines):
    out = []
    stack = [iter(inlines)]
    while stack:
        try:
            il = next(stack[-1])
        except StopIteration:
            stack.pop()
            continue
        t, c = il.get("t"), il.get("c")
        if t == "Str":
            out.append(c)
        elif t in ("Space", "SoftBreak", "LineBreak"):
            out.append(" ")
        elif t in ("Emph", "Strong", "Underline", "Strikeout", "Superscript", "Subscript", "SmallCaps"):
            stack.append(iter(c))
        elif t == "Quoted":
            out.append("\u201c")
            stack.append(iter(c[1] + [{"t": "Str", "c": "\u201d"}]))
        elif t == "Cite":
            stack.append(iter(c[1]))
        elif t == "Code":
            out.append(c[1])
        elif t == "Math":
            out.append(c[1])
        elif t in ("Link", "Span"):
            stack.append(iter(c[1] if t == "Link" else c[1]))
        # Image, Note, RawInline: left out
    return norm("".join(out))


def pandoc_outline(doc):
    """(meta, outline) from pandoc's JSON document."""
    items = []
    work = [iter(doc.get("blocks", []))]
    while work:
        try:
            b = next(work[-1])
        except StopIteration:
            work.pop()
            continue
        t, c = b.get("t"), b.get("c")
        if t == "Header":
            items.append(("H", min(int(c[0]), 6), pandoc_inline_text(c[2])))
        elif t in ("Para", "Plain"):
            items.append(("P",))
        elif t in ("BulletList", "OrderedList"):
            items.append(("L",))
        elif t == "Table":
            _, _, _, head, bodies, _ = c
            hrows = head[1]
            rows = hrows + [r for body in bodies for r in body[2] + body[3]]
            items.append(("T", len(rows), sum(len(r[1]) for r in rows), len(hrows)))
        elif t == "BlockQuote":
            items.append(("Q",))
        elif t == "CodeBlock":
            items.append(("C",))
        elif t == "Div":
            work.append(iter(c[1]))
    return doc.get("meta", {}), items


def pandoc_meta_text(meta, key):
    v = meta.get(key)
    if v is None:
        return None
    if v["t"] == "MetaInlines":
        return pandoc_inline_text(v["c"])
    if v["t"] == "MetaString":
        return norm(v["c"])
    if v["t"] == "MetaList":
        return "; ".join(pandoc_meta_text({"x": e}, "x") or "" for e in v["c"])
    if v["t"] == "MetaBlocks":
        return norm(" ".join(pandoc_inline_text(b["c"]) for b in v["c"] if b["t"] in ("Para", "Plain")))
    return None


def pandoc_dir(doc):
    """rtl when most paragraphs and headings are wrapped in dir=rtl spans."""
    rtl = ltr = 0
    for b in doc.get("blocks", []):
        if b.get("t") not in ("Para", "Plain", "Header"):
            continue
        inl = b["c"][2] if b["t"] == "Header" else b["c"]
        spans = [i for i in inl if i.get("t") == "Span" and ["dir", "rtl"] in i["c"][0][2]]
        if spans:
            rtl += 1
        else:
            ltr += 1
    return "rtl" if rtl > ltr else "ltr"


def run_pandoc(path):
    out = subprocess.run(["pandoc", "-f", "docx", "-t", "json", path], capture_output=True, check=True)
    return json.loads(out.stdout)


# ---- libnewsdoc's JSON ------------------------------------------------------------

def nd_text(node):
    out = []
    work = [iter(node.get("children", []))]
    while work:
        try:
            n = next(work[-1])
        except StopIteration:
            work.pop()
            continue
        t = n["type"]
        if t in ("text", "code", "raw_inline"):
            out.append(n.get("text", ""))
        elif t in ("soft_break", "line_break"):
            out.append(" ")
        elif t == "quoted":
            out.append("\u201c")
            work.append(iter(n.get("children", []) + [{"type": "text", "text": "\u201d"}]))
        elif t == "note" or t == "image":
            continue
        else:
            work.append(iter(n.get("children", [])))
    return norm("".join(out))


def nd_outline(doc):
    items = []
    work = [(iter(doc.get("body", [])), 0)]
    while work:
        it, level = work[-1]
        try:
            n = next(it)
        except StopIteration:
            work.pop()
            continue
        t = n["type"]
        if t == "section":
            work.append((iter(n.get("children", [])), n.get("level", 1)))
        elif t == "heading":
            items.append(("H", level, nd_text(n)))
        elif t == "paragraph":
            items.append(("P",))
        elif t == "list":
            items.append(("L",))
        elif t == "table":
            rows = n.get("children", [])
            items.append(("T", len(rows), sum(len(r.get("children", [])) for r in rows),
                          sum(1 for r in rows if r.get("header"))))
        elif t == "blockquote":
            items.append(("Q",))
        elif t == "code_block":
            items.append(("C",))
        elif t == "figure":
            items.append(("P",))
    meta = {}
    for k, v in doc.get("meta", []):
        meta.setdefault(k, []).append(v)
    return meta, items


def run_newsdoc(path, fmt="docx"):
    exe = os.environ["NEWSDOC_CONVERT"]
    out = subprocess.run([exe, "-q", "-f", fmt, "-t", "json", path], capture_output=True)
    if out.returncode != 0:
        raise RuntimeError(out.stderr.decode("utf-8", "replace").strip())
    return json.loads(out.stdout)


def summary(items):
    return {
        "headings": [i for i in items if i[0] == "H"],
        "paragraphs": sum(1 for i in items if i[0] == "P"),
        "lists": sum(1 for i in items if i[0] == "L"),
        "tables": [i[1:] for i in items if i[0] == "T"],  # (rows, cells, header rows)
        "quotes": sum(1 for i in items if i[0] == "Q"),
    }


def lines(items):
    """The .outline lines: H<level> text, P."""
    out = []
    for i in items:
        if i[0] == "H":
            out.append("H%d %s" % (i[1], i[2]))
        elif i[0] == "P":
            out.append("P")
    return out


def shared():
    s = os.environ.get("NEWSDOC_SHARED")
    if not s or not os.path.isdir(s):
        print("SKIP: ../shared not found (NEWSDOC_SHARED)")
        sys.exit(77)
    return s
