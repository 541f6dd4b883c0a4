"""DOCX written by libnewsdoc, checked by three independent consumers:

- pandoc 2.17 (`pandoc -f docx -t json`) sees the sample's outline
  (../shared/samples/mauritania-us-military-cooperation.outline);
- LibreOffice Writer (headless, --convert-to txt) opens it and every
  paragraph's text is in its output;
- python3-docx finds the heading styles, the w:bidi paragraphs, the
  right-to-left runs and the LTR islands.

Inputs: the sample article (read with the `text` reader; skipped with a
message until that format is registered) and our own Arabic fixture (a
model document in JSON, written here).  Files go to the build directory."""
import glob
import json
import os
import shutil
import subprocess
import sys
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import outline  # noqa: E402

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
FAIL = []


def check(cond, what):
    print(("ok    " if cond else "FAIL  ") + what)
    if not cond:
        FAIL.append(what)


def t(s):
    return {"type": "text", "text": s}


def para(*inl, **kw):
    d = {"type": "paragraph", "children": list(inl)}
    d.update(kw)
    return d


def section(level, heading, *blocks):
    return {"type": "section", "level": level,
            "children": [{"type": "heading", "children": [t(heading)]}] + list(blocks)}


FIXTURE = {
    "newsdoc": 1,
    "meta": [["title", "الاتفاق الأمني الجديد"], ["byline", "بقلم سارة الكبيسي"], ["author", "سارة الكبيسي"],
             ["date", "2025-02-01"], ["lang", "ar"], ["dir", "rtl"]],
    "media": [],
    "body": [
        para(t("أعلنت وزارة الدفاع أن NATO وافقت على الخطة في 2025 بميزانية 120 مليون دولار.")),
        section(1, "تفاصيل الاتفاق",
                para(t("تشمل الخطة "), {"type": "strong", "children": [t("التدريب المشترك")]},
                     t(" و"), {"type": "emph", "children": [t("تبادل المعلومات")]}, t(".")),
                {"type": "list", "list_type": "bullet", "tight": True, "children": [
                    {"type": "item", "children": [para(t("البند الأول"))]},
                    {"type": "item", "children": [para(t("البند الثاني"))]}]},
                section(2, "ردود الفعل",
                        {"type": "blockquote", "children": [para(t("قال المتحدث: هذا يوم مهم."))]},
                        para(t("وأضاف أن التنفيذ يبدأ الشهر المقبل."),
                             {"type": "note", "children": [para(t("المصدر: بيان رسمي."))]}))),
        section(1, "الخلاصة", para(t("يبقى التعاون مفتوحاً على احتمالات عدة."))),
    ],
}


def convert(src, fmt, dst):
    exe = os.environ["NEWSDOC_CONVERT"]
    r = subprocess.run([exe, "-q", "-f", fmt, "-o", dst, src], capture_output=True)
    if r.returncode != 0:
        raise RuntimeError(r.stderr.decode("utf-8", "replace"))


def model_texts(doc):
    """Text of every heading and paragraph of a libnewsdoc JSON document."""
    out = []
    work = [iter(doc["body"])]
    while work:
        try:
            n = next(work[-1])
        except StopIteration:
            work.pop()
            continue
        if n["type"] in ("heading", "paragraph"):
            out.append(outline.nd_text(n))
        elif n["type"] != "note":
            work.append(iter(n.get("children", [])))
    return [x for x in out if x]


def docx_lang(path):
    with zipfile.ZipFile(path) as z:
        core = z.read("docProps/core.xml").decode()
    import re
    m = re.search(r"<dc:language>([^<]*)</dc:language>", core)
    return m.group(1) if m else ""


def pandoc_lines(path):
    doc = outline.run_pandoc(path)
    meta, items = outline.pandoc_outline(doc)
    # pandoc 2.17 keeps no language for DOCX: that line comes from docProps/core.xml
    head = ["lang: " + docx_lang(path), "dir: " + outline.pandoc_dir(doc),
            "byline: " + (outline.pandoc_meta_text(meta, "author") or "")]
    return head + outline.lines(items)


def check_python_docx(path, n_headings, n_blocks, island=None):
    import docx  # python3-docx
    d = docx.Document(path)
    styles = [p.style.name for p in d.paragraphs]
    heads = [s for s in styles if s.lower().startswith("heading ")]
    check(len(heads) == n_headings, "python-docx: %d heading paragraphs by style (%s)" % (len(heads), sorted(set(heads))))
    check(all(s in ("Heading 1", "Heading 2", "Heading 3") for s in heads), "python-docx: Word's heading style names")
    bidi = [p for p in d.paragraphs if p._p.pPr is not None and p._p.pPr.find(W + "bidi") is not None]
    check(len(bidi) >= n_blocks, "python-docx: %d w:bidi paragraphs (>= %d headings and paragraphs)" % (len(bidi), n_blocks))
    body_styles = set(s for p, s in zip(d.paragraphs, styles) if not s.lower().startswith("heading"))
    check("Body Text" in body_styles, "python-docx: body paragraphs keep the 'Body Text' style in RTL (%s)" % sorted(body_styles))
    rtl_runs = sum(1 for p in d.paragraphs for r in p.runs
                   if r._r.rPr is not None and r._r.rPr.find(W + "rtl") is not None
                   and r._r.rPr.find(W + "rtl").get(W + "val") in (None, "1", "true"))
    check(rtl_runs > 0, "python-docx: %d runs with w:rtl" % rtl_runs)
    langs = set(r._r.rPr.find(W + "lang").get(W + "bidi") for p in d.paragraphs for r in p.runs
                if r._r.rPr is not None and r._r.rPr.find(W + "lang") is not None)
    check("ar-SA" in langs, "python-docx: w:lang w:bidi on RTL runs %s" % sorted(x for x in langs if x))
    sect = d.sections[0]._sectPr
    check(sect.find(W + "bidi") is not None, "python-docx: w:bidi in the section properties")
    if island:
        ltr = [r.text for p in d.paragraphs for r in p.runs
               if r._r.rPr is not None and r._r.rPr.find(W + "rtl") is not None
               and r._r.rPr.find(W + "rtl").get(W + "val") == "0"]
        check(island in ltr, "python-docx: LTR island %r is a run with w:rtl w:val=0 (%s)" % (island, ltr))


def main():
    shared = outline.shared()
    build = os.environ.get("NEWSDOC_BUILD_DIR", ".")
    work = os.path.join(build, "docx-consumers")
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    docs = []  # (name, docx path, model json)

    fx_json = os.path.join(work, "fixture-ar.json")
    with open(fx_json, "w", encoding="utf-8") as f:
        json.dump(FIXTURE, f, ensure_ascii=False)
    fx = os.path.join(work, "fixture-ar.docx")
    convert(fx_json, "json", fx)
    docs.append(("fixture", fx, FIXTURE))

    sample_txt = os.path.join(shared, "samples", "mauritania-us-military-cooperation.txt")
    fmts = subprocess.run([os.environ["NEWSDOC_CONVERT"], "--list-formats"], capture_output=True, text=True).stdout
    sample = None
    if not any(line.split()[:1] == ["text"] for line in fmts.splitlines()):
        print("SKIP (sample): the text format is not registered yet; only the fixture is checked")
    else:
        sample = os.path.join(work, "sample.docx")
        convert(sample_txt, "text", sample)
        docs.append(("sample", sample, outline.run_newsdoc(sample_txt, "text")))

    # 0. reproducible: byte-identical conversions; dates from the document,
    # else SOURCE_DATE_EPOCH, else 1980-01-01T00:00:00Z
    fx2 = os.path.join(work, "fixture-ar-2.docx")
    convert(fx_json, "json", fx2)
    check(open(fx, "rb").read() == open(fx2, "rb").read(), "two conversions are byte-identical")
    undated = dict(FIXTURE, meta=[m for m in FIXTURE["meta"] if m[0] != "date"])
    und_json = os.path.join(work, "undated.json")
    with open(und_json, "w", encoding="utf-8") as f:
        json.dump(undated, f, ensure_ascii=False)

    def created(path):
        with zipfile.ZipFile(path) as z:
            core = z.read("docProps/core.xml").decode()
        return core.split("<dcterms:created xsi:type=\"dcterms:W3CDTF\">")[1].split("<")[0]

    check(created(fx) == "2025-02-01T00:00:00Z", "dcterms:created from the document's date (%s)" % created(fx))
    env = dict(os.environ)
    env.pop("SOURCE_DATE_EPOCH", None)
    und = os.path.join(work, "undated.docx")
    subprocess.run([os.environ["NEWSDOC_CONVERT"], "-q", "-f", "json", "-o", und, und_json], check=True, env=env)
    check(created(und) == "1980-01-01T00:00:00Z", "no date: the fixed date (%s)" % created(und))
    env["SOURCE_DATE_EPOCH"] = "1700000000"
    subprocess.run([os.environ["NEWSDOC_CONVERT"], "-q", "-f", "json", "-o", und, und_json], check=True, env=env)
    check(created(und) == "2023-11-14T22:13:20Z", "no date: SOURCE_DATE_EPOCH (%s)" % created(und))

    # 1. pandoc
    if sample:
        want = open(os.path.join(shared, "samples", "mauritania-us-military-cooperation.outline"), encoding="utf-8").read().split("\n")
        want = [x for x in want if x]
        got = pandoc_lines(sample)
        check(got == want, "pandoc: the sample's outline (%d lines) matches the .outline file" % len(want))
        if got != want:
            import difflib
            print("\n".join(difflib.unified_diff(want, got, "expected", "pandoc", lineterm="")))
    fx_lines = pandoc_lines(fx)
    check(fx_lines == ["lang: ar", "dir: rtl", "byline: بقلم سارة الكبيسي", "P", "H1 تفاصيل الاتفاق", "P",
                       "H2 ردود الفعل", "P", "H1 الخلاصة", "P"], "pandoc: the fixture's outline %s" % fx_lines)
    pd = outline.run_pandoc(fx)
    check(outline.pandoc_meta_text(pd["meta"], "title") == "الاتفاق الأمني الجديد", "pandoc: title from the Title paragraph")
    kinds = [b["t"] for b in pd["blocks"]]
    check("BulletList" in kinds and "BlockQuote" in kinds, "pandoc: a bullet list and a block quote %s" % kinds)
    check('"Note"' in json.dumps(pd), "pandoc: the footnote")

    # 2. LibreOffice
    lo = shutil.which("libreoffice") or shutil.which("soffice")
    if not lo:
        print("SKIP (LibreOffice): not installed")
    else:
        home = os.path.join(work, "lo-home")
        os.makedirs(home, exist_ok=True)
        env = dict(os.environ, HOME=home)
        r = subprocess.run([lo, "--headless", "-env:UserInstallation=file://" + os.path.join(home, "profile"),
                            "--convert-to", "txt:Text", "--outdir", work] + [d[1] for d in docs],
                           capture_output=True, env=env, timeout=240)
        for name, path, model in docs:
            txt = os.path.join(work, os.path.splitext(os.path.basename(path))[0] + ".txt")
            if not os.path.exists(txt):
                check(False, "LibreOffice: converted %s (%s)" % (name, r.stderr.decode("utf-8", "replace")[-300:]))
                continue
            text = outline.norm(open(txt, encoding="utf-8-sig").read())
            texts = model_texts(model)
            missing = [x for x in texts if x not in text]
            check(not missing, "LibreOffice: all %d paragraph texts of the %s are in its output%s"
                  % (len(texts), name, "" if not missing else "; missing: %r" % missing[:3]))

    # 3. python-docx
    check_python_docx(fx, 3, 7, island="NATO")
    if sample:
        n_h = sum(1 for x in outline.lines(outline.nd_outline(docs[-1][2])[1]) if x.startswith("H"))
        n_p = sum(1 for x in outline.lines(outline.nd_outline(docs[-1][2])[1]) if x == "P")
        check_python_docx(sample, n_h, n_h + n_p)

    # 4. the other way round: pandoc writes the sample as DOCX (from our
    # Markdown) and our reader finds the same outline
    if sample:
        md = os.path.join(work, "sample.md")
        convert(sample_txt, "text", md)
        pdocx = os.path.join(work, "sample-by-pandoc.docx")
        subprocess.run(["pandoc", "-f", "markdown", "-o", pdocx, md], check=True)
        meta, items = outline.nd_outline(outline.run_newsdoc(pdocx))
        got = outline.lines(items)
        want = [x for x in open(os.path.join(shared, "samples", "mauritania-us-military-cooperation.outline"),
                                encoding="utf-8").read().split("\n") if x][3:]
        check(got == want, "our reader on pandoc's DOCX of the sample: the same %d outline lines" % len(want))
        check(meta.get("dir") == ["rtl"], "our reader on pandoc's DOCX of the sample: dir rtl (%s)" % meta.get("dir"))

    print("%d checks failed" % len(FAIL) if FAIL else "all checks passed")
    return 1 if FAIL else 0


if __name__ == "__main__":
    sys.exit(main())
