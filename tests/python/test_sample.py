"""The sample article of ../shared/samples read through the Python API: its
outline must be the one in the .outline file (needs the text format)."""
import subprocess
import sys

import newsdoc
from conftest import SOURCE_DIR, need_format

SAMPLE = "mauritania-us-military-cooperation"


def test_sample_article_sections(shared):
    need_format("text")
    doc = newsdoc.read(str(shared / "samples" / (SAMPLE + ".txt")))
    assert doc.language == "ar" and doc.direction == "rtl"
    assert len(doc.sections) == 6
    assert sum(len(s.sections) for s in doc.sections) == 5
    assert doc.sections[0].heading == "خلفية التعاون العسكري بين البلدين"
    assert [s.heading for s in doc.sections[1].sections] == ["تدريب القوات الموريتانية",
                                                            "التعاون الاستخباراتي ومكافحة الإرهاب"]
    assert all(s.level == 1 for s in doc.sections)
    assert all(sub.level == 2 for s in doc.sections for sub in s.sections)
    assert doc.byline and doc.byline.startswith("انتاج موقع الضمير")


def test_outline_example_matches_the_expected_outline(shared, tmp_path):
    need_format("text")
    expected = (shared / "samples" / (SAMPLE + ".outline")).read_text("utf-8")
    out = tmp_path / "sample.json"
    r = subprocess.run([sys.executable, str(SOURCE_DIR / "examples" / "outline.py"),
                        str(shared / "samples" / (SAMPLE + ".txt")), str(out)],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert r.stdout == expected
    assert newsdoc.read(out).outline() == newsdoc.read(shared / "samples" / (SAMPLE + ".txt")).outline()


def test_outline_example_reports_errors(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_bytes(b'{"newsdoc":1,')
    r = subprocess.run([sys.executable, str(SOURCE_DIR / "examples" / "outline.py"), str(bad)],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 1 and "json: line 1" in r.stderr and r.stdout == ""
