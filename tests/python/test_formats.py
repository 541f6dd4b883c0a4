"""Reading and writing every format.  A format that is not registered in
this build skips with the reason; once it lands the test must pass."""
import io

import pytest

import newsdoc
from conftest import ALL_FORMATS, build_article, need_format

PARAGRAPHS = ["شهدت العلاقات بين البلدين تطوراً ملحوظاً.", "تدريب مشترك للقوات الخاصة."]


@pytest.mark.parametrize("name", ALL_FORMATS)
def test_write_then_read(name, tmp_path):
    f = need_format(name)
    if not (f.can_read and f.can_write):
        pytest.skip("format %s cannot both read and write" % name)
    doc = build_article()
    data = doc.to_bytes(name)
    assert data, "empty output"
    if not f.binary:
        text = data.decode("utf-8")
        for s in PARAGRAPHS + ["خلفية التعاون", "تدريب القوات"]:
            assert s in text, "%s output lacks %r" % (name, s)
    # through a file with the format's extension: written by path, read by probing
    path = tmp_path / ("article." + f.extension)
    doc.write(path)
    assert path.read_bytes() == data, "%s output is not reproducible" % name
    assert newsdoc.detect(data, path.name)[0] == name
    # (without a name, plain text with underlined headings may probe as Markdown: give the hint)
    for back in (newsdoc.read(path), newsdoc.read(data, name), newsdoc.read(io.BytesIO(data), filename=path.name),
                 newsdoc.read(open(path, "rb"))):
        assert [h for _, h in back.outline()] == ["خلفية التعاون", "تدريب القوات", "الخلاصة"]
        assert [s.heading for s in back.sections] == ["خلفية التعاون", "الخلاصة"]
        assert [s.heading for s in back.sections[0].sections] == ["تدريب القوات"]
        for s in PARAGRAPHS:
            assert s in back.text
        assert back.title == doc.title
        assert back.body.effective_dir == "rtl"
        assert (back.body.effective_lang or "").startswith("ar")


@pytest.mark.parametrize("name", ALL_FORMATS)
def test_format_keeps_the_english_span_inside_arabic(name):
    f = need_format(name)
    if not (f.can_read and f.can_write):
        pytest.skip("format %s cannot both read and write" % name)
    back = newsdoc.read(build_article().to_bytes(name), name)
    para = back.sections[0].blocks[0]
    assert "Flintlock" in para.text and para.text.startswith("بدأ التعاون")
    assert para.effective_dir == "rtl"


# One real document per format from ../shared/corpus (RTL where there is one).
CORPUS = {
    "text": ("text/plain", "*.txt"),
    "html": ("html/rtl/ar-cnnarabic-2013-newspaper4k", "source.html"),
    "epub": ("epub", "idpf-regime-anticancer-arabic.epub"),
    "docx": ("docx", "oxpt-HC003-Hebrew-02.docx"),
    "markdown": ("commonmark", "spec.txt"),
}


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_reads_a_real_document(name, shared):
    if not need_format(name).can_read:
        pytest.skip("format %s cannot read (yet)" % name)
    folder, pattern = CORPUS[name]
    files = sorted((shared / "corpus" / folder).glob(pattern))
    if not files:
        pytest.skip("no %s/%s in ../shared/corpus" % (folder, pattern))
    path = files[0]
    opts = {"format": "markdown"} if name == "markdown" else {}
    warns = []
    doc = newsdoc.read(path, on_warning=warns.append, **opts)
    assert len(doc.text) > 200
    if name != "markdown":
        assert newsdoc.detect(path.read_bytes(), path.name)[0] == name
        rtl = [ch for ch in doc.text if "\u0590" <= ch <= "\u06ff"]  # Hebrew and Arabic letters
        assert len(rtl) > 50, "no right-to-left text read from %s" % path.name
        assert doc.body.effective_dir == "rtl" or any(n.dir == "rtl" for n in doc.walk())
    # and it converts to every registered writer without an error
    for f in newsdoc.formats():
        if f.can_write:
            assert doc.to_bytes(f.name, on_warning=warns.append)


def test_options_reach_the_writers():
    need_format("html")
    doc = build_article()
    full = doc.to_bytes("html").decode("utf-8")
    frag = doc.to_bytes("html", fragment=True).decode("utf-8")
    assert "<html" in full and 'dir="rtl"' in full
    assert "<html" not in frag and PARAGRAPHS[1] in frag
    assert doc.to_bytes("html", fragment=False) == full.encode("utf-8")


def test_text_wrap_option():
    need_format("text")
    doc = newsdoc.Document()
    doc.add_paragraph("كلمة " * 40)
    narrow = doc.to_bytes("text", wrap=30).decode("utf-8")
    lines = [l for l in narrow.splitlines() if l.strip()]
    assert len(lines) > 5 and all(len(l) <= 30 for l in lines)
    assert " ".join(lines).split() == ["كلمة"] * 40
