#!/usr/bin/python3
"""Every page of ../shared/corpus/html converts without error to Markdown
(and to JSON, to look at the model) with its article text present.  Prints,
per page, the title found, the number of paragraphs, lang/dir and date,
and compares with the reference files where the folder has them:

  expected-text.txt        share of its paragraphs found in our text
  expected.json (fundus)   share of its paragraphs found; title
  expected-evaldata.json   'with' snippets present, 'without' absent; title
  expected-date.json       date (YYYY-MM-DD) agrees
  expected-metadata.json   title, byline, dir (readability)
  expected.html            share of its paragraphs found (readability)

Hard requirements (the test fails otherwise): every page converts to
Markdown and JSON; every page has paragraphs; every rtl/ page (and the
four readability-rtl-*) comes out dir=rtl; the ar-*/fa-* pages come out
with lang ar/fa (beirutobserver says lang="en-US" over Arabic text); the reference paragraph texts
are found at >= 80% where there are any; the 'with' snippets are present.
With --valgrind every conversion runs under valgrind (memcheck, leaks
counted as errors) and only the exit codes are judged.
Exit 0 pass, 1 fail, 77 skip."""
import html.parser
import json
import os
import re
import shutil
import subprocess
import sys
import unicodedata

SHARED = os.environ.get("NEWSDOC_SHARED", "")
CONVERT = os.environ.get("NEWSDOC_CONVERT", "")
BUILD = os.environ.get("NEWSDOC_BUILD_DIR", ".")


def norm(s):
    s = unicodedata.normalize("NFC", s or "")
    return re.sub(r"\s+", " ", s).strip()


def squash(s):
    """For containment: no whitespace at all (layouts differ in spacing)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFC", s or ""))


def node_text(n):
    out = []
    stack = [n]
    while stack:
        x = stack.pop()
        if isinstance(x, str):
            out.append(x)
            continue
        t = x.get("type")
        if t in ("text", "code"):
            out.append(x.get("text", ""))
        elif t in ("soft_break", "line_break"):
            out.append(" ")
        elif t == "note":
            continue
        for c in reversed(x.get("children", [])):
            stack.append(c)
    return "".join(out)


def blocks(body):
    """Paragraph and heading texts in document order."""
    paras, heads = [], []
    stack = list(reversed(body))
    while stack:
        x = stack.pop()
        t = x.get("type")
        if t == "paragraph":
            paras.append(norm(node_text(x)))
        elif t == "heading":
            heads.append(norm(node_text(x)))
        else:
            for c in reversed(x.get("children", [])):
                stack.append(c)
    return paras, heads


class TextBlocks(html.parser.HTMLParser):
    """Paragraph texts of a readability expected.html."""

    def __init__(self):
        super().__init__()
        self.paras, self.cur, self.depth = [], None, 0

    def handle_starttag(self, tag, attrs):
        if tag in ("p", "li", "h1", "h2", "h3", "h4", "blockquote"):
            if self.cur is not None and norm("".join(self.cur)):
                self.paras.append(norm("".join(self.cur)))
            self.cur = []

    def handle_endtag(self, tag):
        if tag in ("p", "li", "h1", "h2", "h3", "h4", "blockquote") and self.cur is not None:
            if norm("".join(self.cur)):
                self.paras.append(norm("".join(self.cur)))
            self.cur = None

    def handle_data(self, data):
        if self.cur is not None:
            self.cur.append(data)


VALGRIND = []


def convert(src, to, out):
    r = subprocess.run(VALGRIND + [CONVERT, "-q", "-f", "html", "-t", to, "-o", out, src], capture_output=True,
                       text=True)
    return r.returncode, r.stderr.strip()[-3000:]


def main():
    if "--valgrind" in sys.argv:
        if not shutil.which("valgrind"):
            print("SKIP: valgrind is not installed")
            return 77
        VALGRIND.extend(["valgrind", "-q", "--leak-check=full", "--errors-for-leak-kinds=definite",
                         "--error-exitcode=9"])
    if not SHARED or not os.path.isdir(os.path.join(SHARED, "corpus", "html")):
        print("SKIP: ../shared/corpus/html not found (NEWSDOC_SHARED)")
        return 77
    formats = subprocess.run([CONVERT, "--list-formats"], capture_output=True, text=True).stdout
    md = bool(re.search(r"^markdown\s+\S+\s+yes", formats, re.M))
    outdir = os.path.join(BUILD, "html-tests", "corpus")
    os.makedirs(outdir, exist_ok=True)
    base = os.path.join(SHARED, "corpus", "html")
    pages = sorted((side, name) for side in ("rtl", "ltr") for name in os.listdir(os.path.join(base, side))
                   if os.path.isfile(os.path.join(base, side, name, "source.html")))
    failures = []
    agree = {"title": [0, 0], "date": [0, 0], "byline": [0, 0], "dir": [0, 0]}
    coverage = []
    print("%-36s %4s %4s %-5s %-6s %-10s %s" % ("page", "P", "H", "dir", "lang", "date", "title"))
    for side, name in pages:
        d = os.path.join(base, side, name)
        src = os.path.join(d, "source.html")
        jpath = os.path.join(outdir, name + ".json")
        rc, err = convert(src, "json", jpath)
        if rc:
            failures.append("%s: to json failed: %s" % (name, err))
            continue
        if md:
            mpath = os.path.join(outdir, name + ".md")
            rc, err = convert(src, "markdown", mpath)
            if rc or os.path.getsize(mpath) == 0:
                failures.append("%s: to markdown failed: %s" % (name, err))
        doc = json.load(open(jpath, encoding="utf-8"))
        meta = {}
        for k, v in doc.get("meta", []):
            meta.setdefault(k, v)
        paras, heads = blocks(doc.get("body", []))
        paras = [p for p in paras if p]
        all_text = squash(" ".join(paras + heads))
        title = meta.get("title", "")
        print("%-36s %4d %4d %-5s %-6s %-10s %s" % (name, len(paras), len(heads), meta.get("dir", "-"),
                                                   meta.get("lang", "-"), (meta.get("date") or "-")[:10], title[:70]))
        if not paras:
            failures.append("%s: no paragraphs" % name)
        if side == "rtl" and meta.get("dir") != "rtl":
            failures.append("%s: dir is %s, want rtl" % (name, meta.get("dir")))
        want_lang = name.split("-")[0] if name.split("-")[0] in ("ar", "fa", "he") else None
        if want_lang and not (meta.get("lang") or "").lower().startswith(want_lang):
            failures.append("%s: lang is %s, want %s" % (name, meta.get("lang"), want_lang))
        notes = []

        def cover(expected, label):
            exp = [p for p in (norm(x) for x in expected) if len(p) >= 20]
            if not exp:
                return
            found = sum(1 for p in exp if squash(p) in all_text)
            coverage.append((name, found, len(exp)))
            notes.append("%s %d/%d paragraphs found" % (label, found, len(exp)))
            if found < 0.8 * len(exp):
                failures.append("%s: only %d of %d reference paragraphs found" % (name, found, len(exp)))

        def cmp_title(want):
            if want is None:
                return
            agree["title"][1] += 1
            ok = norm(want) == norm(title)
            agree["title"][0] += ok
            notes.append("title %s" % ("agrees" if ok else "differs: want %r" % norm(want)[:60]))

        p = os.path.join(d, "expected-text.txt")
        if os.path.exists(p):
            cover(re.split(r"\n\s*\n", open(p, encoding="utf-8").read()), "expected-text")
        p = os.path.join(d, "expected-metadata.json")
        if os.path.exists(p):
            em = json.load(open(p, encoding="utf-8"))
            cmp_title(em.get("title"))
            if "dir" in em and em["dir"]:
                agree["dir"][1] += 1
                agree["dir"][0] += em["dir"] == meta.get("dir")
                if em["dir"] != meta.get("dir"):
                    failures.append("%s: dir %s, expected %s" % (name, meta.get("dir"), em["dir"]))
            if em.get("byline"):
                agree["byline"][1] += 1
                got = norm(meta.get("byline") or ", ".join(v for k, v in doc.get("meta", []) if k == "author"))
                ok = norm(em["byline"]).lower() in got.lower() or (got and got.lower() in norm(em["byline"]).lower())
                agree["byline"][0] += bool(ok)
                notes.append("byline %s" % ("agrees" if ok else "differs: %r vs %r" % (got[:40], em["byline"][:40])))
            if em.get("publishedTime"):
                agree["date"][1] += 1
                ok = (meta.get("date") or "")[:10] == em["publishedTime"][:10]
                agree["date"][0] += ok
                notes.append("date %s" % ("agrees" if ok else "differs"))
        p = os.path.join(d, "expected.html")
        if os.path.exists(p):
            tb = TextBlocks()
            tb.feed(open(p, encoding="utf-8").read())
            cover(tb.paras, "expected.html")
        p = os.path.join(d, "expected.json")
        if os.path.exists(p):
            v1 = json.load(open(p, encoding="utf-8")).get("V1", {})
            exp = [x for s in v1.get("body", {}).get("sections", []) for x in s.get("paragraphs", [])]
            cover(exp, "fundus")
            cmp_title(v1.get("title"))
        p = os.path.join(d, "expected-evaldata.json")
        if os.path.exists(p):
            ev = json.load(open(p, encoding="utf-8"))
            cmp_title(ev.get("title"))
            w = [s for s in ev.get("with", []) if s]
            wo = [s for s in ev.get("without", []) if s]
            fw = sum(1 for s in w if squash(s) in all_text)
            fwo = sum(1 for s in wo if squash(s) in all_text)
            notes.append("with %d/%d, without %d/%d present" % (fw, len(w), fwo, len(wo)))
            if fw < len(w):
                failures.append("%s: %d of the %d 'with' snippets are missing" % (name, len(w) - fw, len(w)))
        p = os.path.join(d, "expected-date.json")
        if os.path.exists(p):
            ed = json.load(open(p, encoding="utf-8"))
            agree["date"][1] += 1
            ok = (meta.get("date") or "")[:10] == ed["expected_date"]
            agree["date"][0] += ok
            notes.append("date %s (want %s)" % ("agrees" if ok else "differs: %r" % meta.get("date"), ed["expected_date"]))
        if notes:
            print("    " + "; ".join(notes))
    print()
    print("pages: %d; markdown writer %s" % (len(pages), "used" if md else "not registered (json only)"))
    for k, (a, n) in agree.items():
        if n:
            print("agreement %-7s %d/%d" % (k, a, n))
    if coverage:
        f = sum(c[1] for c in coverage)
        n = sum(c[2] for c in coverage)
        print("reference paragraphs found: %d/%d (%.0f%%) over %d pages" % (f, n, 100.0 * f / n, len(coverage)))
    for f in failures:
        print("FAIL " + f)
    print("PASS" if not failures else "FAIL")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
