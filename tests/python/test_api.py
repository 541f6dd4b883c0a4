"""The package's Python API over the core and the JSON format: metadata,
the tree, building, node lifetimes, options and warnings."""
import gc
import inspect
import io
import pathlib
import pydoc
import warnings

import pytest

import newsdoc
from conftest import build_article


def test_library_loaded_and_versions_agree():
    assert newsdoc.version() == newsdoc.__version__
    assert pathlib.Path(newsdoc.library_path()).name.startswith("libnewsdoc.so")


def test_formats_list_describes_json():
    fmts = {f.name: f for f in newsdoc.formats()}
    assert "json" in fmts
    j = fmts["json"]
    assert j.can_read and j.can_write and not j.binary
    assert "json" in j.extensions and j.extension == "json"
    assert newsdoc.find_format("json") == j
    assert newsdoc.format_for_filename("a/b/article.json", writing=True).name == "json"
    with pytest.raises(newsdoc.NotFoundError):
        newsdoc.find_format("no-such-format")


def test_help_explains_read():
    text = pydoc.render_doc(newsdoc.read, renderer=pydoc.plaintext)
    for words in ("path", "bytes", "binary file object", "format", "MalformedError", "NewsdocWarning"):
        assert words in text
    sig = inspect.signature(newsdoc.read)
    assert list(sig.parameters)[:2] == ["source", "format"]
    assert sig.parameters["source"].annotation != inspect.Parameter.empty
    assert (pathlib.Path(newsdoc.__file__).parent / "py.typed").exists()


def test_metadata_attributes_and_mapping():
    doc = build_article()
    assert doc.title == "التعاون العسكري بين موريتانيا والولايات المتحدة"
    assert doc.authors == ["محمد عبد الرحمن", "سارة أحمد"]
    assert (doc.language, doc.direction, doc.date) == ("ar", "rtl", "2024-05-01")
    m = doc.metadata
    assert m["author"] == "محمد عبد الرحمن"
    assert m.getall("author") == doc.authors
    assert list(m) == ["title", "author", "lang", "dir", "date"]
    assert ("author", "سارة أحمد") in m.entries()
    m.add("keyword", "موريتانيا")
    m["keyword"] = ["أمن", "دفاع"]
    assert doc.keywords == ["أمن", "دفاع"]
    m["x-custom"] = "قيمة"
    assert doc.metadata["x-custom"] == "قيمة"
    del m["x-custom"]
    assert "x-custom" not in m
    with pytest.raises(KeyError):
        m["x-custom"]
    with pytest.raises(KeyError):
        del m["x-custom"]
    doc.title = None
    assert doc.title is None and "title" not in m
    with pytest.raises(newsdoc.UsageError):
        doc.direction = "sideways"
    with pytest.raises(newsdoc.UsageError):   # the library refuses a NUL inside
        m["bad"] = "a\x00b"


def test_tree_walk_sections_blocks():
    doc = build_article()
    assert [s.heading for s in doc.sections] == ["خلفية التعاون", "الخلاصة"]
    assert [b.type for b in doc.blocks] == ["paragraph"]
    s1 = doc.sections[0]
    assert s1.level == 1 and isinstance(s1, newsdoc.Section)
    assert [b.type for b in s1.blocks] == ["paragraph"]
    assert [(s.level, s.heading) for s in s1.sections] == [(2, "تدريب القوات")]
    assert [b.type for b in s1.sections[0].blocks] == ["paragraph", "list"]
    assert doc.outline() == [(1, "خلفية التعاون"), (2, "تدريب القوات"), (1, "الخلاصة")]
    # identity: one wrapper per C node
    assert doc.sections[0] is doc.sections[0]
    assert s1.heading_node.parent is s1
    # generic nodes
    para = s1.blocks[0]
    assert para.text == "بدأ التعاون في عام ٢٠٠٥ Flintlock ثم توسع."
    assert [c.type for c in para.children] == ["text", "span", "text"]
    span = para.children[1]
    assert (span.lang, span.dir, span.effective_lang, span.effective_dir) == ("en", "ltr", "en", "ltr")
    assert (para.lang, para.effective_lang, para.effective_dir) == (None, "ar", "rtl")
    assert span.attributes == {"lang": "en", "dir": "ltr"}
    types = [n.type for n in doc.walk()]
    assert types[0] == "body" and types.count("section") == 3 and types.count("link") == 1
    link = doc.body.find_all("link")[0]
    assert (link.url, link.text) == ("https://example.org/a", "المصدر")
    lst = doc.body.find_all("list")[0]
    assert lst.list_type == "bullet" and len(lst) == 2 and [i.text for i in lst] == ["الأول", "الثاني"]
    assert "\n" in doc.text and doc.text.startswith("شهدت")


def test_building_rules_raise_usage_errors():
    doc = newsdoc.Document()
    sec = doc.add_section(2, "ب")
    with pytest.raises(newsdoc.UsageError, match="deeper"):
        sec.add_section(1, "أ")
    with pytest.raises(newsdoc.UsageError, match="cannot hold"):
        doc.body.add("text", "نص")
    with pytest.raises(newsdoc.UsageError):
        doc.body.remove()
    with pytest.raises(newsdoc.UsageError):
        newsdoc.Node("no_such_type")
    with pytest.raises(newsdoc.UsageError):
        sec.append(doc.body.children[0])     # a node into itself
    with pytest.raises(newsdoc.UsageError):
        newsdoc.Node("paragraph").level = 3  # level is a section's attribute
    with pytest.raises(newsdoc.UsageError):
        sec.level = 9
    assert doc.outline() == [(2, "ب")]


def test_node_outlives_its_document_and_moves_between_trees():
    doc = build_article()
    sub = doc.sections[0].sections[0]
    para = sub.blocks[0]
    del doc
    gc.collect()
    assert sub.heading == "تدريب القوات" and para.text == "تدريب مشترك للقوات الخاصة."
    assert para.effective_lang == "ar"   # the document is still alive behind the node

    other = newsdoc.Document()
    detached = sub.remove()
    assert detached.parent is None and para.parent is detached
    top = other.add_section(1, "جديد")
    top.append(detached)
    assert detached.parent is top and other.outline() == [(1, "جديد"), (2, "تدريب القوات")]
    del top, detached, sub
    gc.collect()
    assert para.text == "تدريب مشترك للقوات الخاصة."
    assert other.sections[0].sections[0].blocks[0] is para


def test_copy_is_deep():
    doc = build_article()
    dup = doc.copy()
    dup.title = "نسخة"
    dup.sections[0].remove()
    assert doc.title != "نسخة" and len(doc.sections) == 2 and len(dup.sections) == 1


def test_media():
    doc = newsdoc.Document()
    url = doc.add_media("photo.png", "image/png", b"\x89PNG\r\n\x1a\n....")
    assert url == "media:photo.png"
    fig = doc.body.add("figure", url=url, title="صورة")
    fig.add("caption", "تعليق")
    assert doc.media == [newsdoc.Media("photo.png", "image/png", b"\x89PNG\r\n\x1a\n....")]
    back = newsdoc.read(doc.to_bytes("json"), "json")
    assert back.media == doc.media and back.body.children[0].url == "media:photo.png"
    with pytest.raises(newsdoc.UsageError):
        doc.add_media("../evil.png", "image/png", b"x")


def test_json_round_trip_sources_and_targets(tmp_path):
    doc = build_article()
    data = doc.to_bytes("json")
    assert "خلفية التعاون".encode() in data
    path = tmp_path / "a.json"
    doc.write(path)                          # pathlib.Path, format from the extension
    doc.write(str(tmp_path / "b.json"), "json")
    buf = io.BytesIO()
    doc.write(buf, "json")
    for src in (path, str(path), data, bytearray(data), memoryview(data), io.BytesIO(data), open(path, "rb")):
        back = newsdoc.read(src)
        assert back.outline() == doc.outline()
        assert back.authors == doc.authors and back.direction == "rtl"
        assert back.text == doc.text
    assert buf.getvalue() == data and (tmp_path / "b.json").read_bytes() == data
    with pytest.raises(TypeError):
        newsdoc.read(io.StringIO("{}"))
    with pytest.raises(TypeError):
        newsdoc.read(12)
    with pytest.raises(newsdoc.UnknownFormatError):
        doc.write(io.BytesIO())              # no format, no name


def test_convert_sets_metadata(tmp_path):
    src = tmp_path / "in.json"
    build_article().write(src)
    out = tmp_path / "out.json"
    newsdoc.convert(src, out, title="عنوان جديد", authors=["كاتب"], source_url="https://example.org/x",
                    date=None)
    back = newsdoc.read(out)
    assert back.title == "عنوان جديد" and back.authors == ["كاتب"] and back.date is None
    assert back.metadata["source-url"] == "https://example.org/x"
    assert back.outline() == build_article().outline()


def test_options_are_passed_and_checked():
    data = build_article().to_bytes("json")
    with pytest.raises(newsdoc.SizeLimitError) as e:
        newsdoc.read(data, "json", max_input_size=100)
    assert e.value.code == -11 and isinstance(e.value, newsdoc.LimitError)
    with pytest.raises(newsdoc.DepthLimitError):
        newsdoc.read(data, "json", max_depth=3)
    with pytest.raises(newsdoc.SizeLimitError):
        build_article().to_bytes("json", max_output_size=64)
    with pytest.raises(newsdoc.UsageError, match="max-depth"):
        newsdoc.read(data, "json", max_depth="deep")
    with pytest.raises(TypeError):
        newsdoc.read(data, "json", max_depth=[1])
    assert newsdoc.read(data, "json", max_depth=100, date_from_clock=False).outline()


def test_warnings_go_through_python_warnings():
    bad = b'{"newsdoc":1,"meta":[["title","a\xffb"]],"body":[]}'
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        doc = newsdoc.read(bad, "json")
    assert doc.title == "a\ufffdb"
    ws = [w for w in caught if issubclass(w.category, newsdoc.NewsdocWarning)]
    assert len(ws) == 1 and "U+FFFD" in str(ws[0].message) and ws[0].message.format == "json"
    assert ws[0].filename == __file__        # attributed to the caller
    with warnings.catch_warnings():
        warnings.simplefilter("error", newsdoc.NewsdocWarning)
        with pytest.raises(newsdoc.NewsdocWarning):
            newsdoc.read(bad, "json")


def test_warnings_to_a_handler_instead():
    bad = b'{"newsdoc":1,"meta":[["title","a\xffb"]],"body":[]}'
    got = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        doc = newsdoc.read(bad, "json", on_warning=got.append)
        doc.to_bytes("json", on_warning=got.append)
    assert not [w for w in caught if issubclass(w.category, newsdoc.NewsdocWarning)]
    assert len(got) == 1 and isinstance(got[0], newsdoc.NewsdocWarning) and "U+FFFD" in str(got[0])


def test_node_constructors():
    sec = newsdoc.Section(2, "عنوان فرعي", id="sub")
    assert isinstance(sec, newsdoc.Section) and sec.level == 2 and sec.heading == "عنوان فرعي" and sec.id == "sub"
    generic = newsdoc.Node("section", level=3)
    assert isinstance(generic, newsdoc.Section) and generic.level == 3 and generic.heading == ""
    code = newsdoc.Node("code_block", "print(1)", info="python")
    assert (code.type, code.literal, code.info, code.is_block) == ("code_block", "print(1)", "python", True)
    quote = newsdoc.Node("blockquote", "اقتباس")
    assert [c.type for c in quote.children] == ["paragraph"] and quote.text == "اقتباس"
    with pytest.raises(TypeError):
        newsdoc.Node("paragraph", colour="red")
    with pytest.raises(newsdoc.UsageError):
        newsdoc.Node("section", "نص")       # a section's text is its heading
    doc = newsdoc.Document()
    top = doc.add_section(1, "أ")
    top.append(sec)
    sec.append(generic)
    assert doc.outline() == [(1, "أ"), (2, "عنوان فرعي"), (3, "")]


def test_c_string_arguments_refuse_nul_and_wrong_types(tmp_path):
    data = build_article().to_bytes("json")
    with pytest.raises(newsdoc.UsageError, match="NUL"):
        newsdoc.read(data, "json\x00ignored")        # would be cut to "json" in C
    with pytest.raises(newsdoc.UsageError, match="NUL"):
        newsdoc.read(str(tmp_path / "a\x00b.json"))
    doc = newsdoc.Document()
    with pytest.raises(newsdoc.UsageError, match="NUL"):
        doc.metadata["ti\x00tle"] = "x"
    with pytest.raises(TypeError):
        doc.metadata["title"] = b"bytes"
    with pytest.raises(TypeError):
        doc.metadata["title"] = 5
    with pytest.raises(TypeError):
        newsdoc.read(data, 5)
    assert list(doc.metadata) == []
