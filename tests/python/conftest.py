"""pytest setup for the Python bindings: import the package from the source
tree (bindings/python) unless it is installed, and give the tests the shared
folder and the registered formats."""
import os
import pathlib
import sys

import pytest

SOURCE_DIR = pathlib.Path(os.environ.get("NEWSDOC_SOURCE_DIR") or pathlib.Path(__file__).resolve().parents[2])
BINDINGS = SOURCE_DIR / "bindings" / "python"
if str(BINDINGS) not in sys.path:
    sys.path.insert(0, str(BINDINGS))

pytest.importorskip("cffi", reason="python3-cffi is not installed")

import newsdoc  # noqa: E402

#: The formats the issue asks for, in the library's order.
ALL_FORMATS = ["text", "markdown", "html", "epub", "docx", "json"]


def registered():
    return {f.name: f for f in newsdoc.formats()}


def need_format(name):
    """Skip the calling test when `name` is not registered in this build."""
    f = registered().get(name)
    if f is None:
        pytest.skip("format %s is not registered in this build of libnewsdoc (yet)" % name)
    return f


@pytest.fixture(scope="session")
def shared():
    """The ../shared folder (samples and corpus), or skip."""
    p = os.environ.get("NEWSDOC_SHARED") or str(SOURCE_DIR.parent / "shared")
    path = pathlib.Path(p)
    if not (path / "samples").is_dir():
        pytest.skip("../shared not found (set NEWSDOC_SHARED)")
    return path


def build_article():
    """An Arabic article with a lead, two levels of sections, an English span,
    a link and a list: the tests' reference document."""
    doc = newsdoc.Document()
    doc.title = "التعاون العسكري بين موريتانيا والولايات المتحدة"
    doc.authors = ["محمد عبد الرحمن", "سارة أحمد"]
    doc.language = "ar"
    doc.direction = "rtl"
    doc.date = "2024-05-01"
    doc.add_paragraph("شهدت العلاقات بين البلدين تطوراً ملحوظاً.")
    s1 = doc.add_section(1, "خلفية التعاون")
    p = s1.add_paragraph("بدأ التعاون في عام ٢٠٠٥ ")
    p.add("span", "Flintlock", lang="en", dir="ltr")
    p.add_text(" ثم توسع.")
    sub = s1.add_section(2, "تدريب القوات")
    sub.add_paragraph("تدريب مشترك للقوات الخاصة.")
    sub.add_list(["الأول", "الثاني"])
    s2 = doc.add_section(1, "الخلاصة")
    s2.add_paragraph("يبقى التعاون محورياً ")
    s2.blocks[0].add_link("https://example.org/a", "المصدر")
    return doc
