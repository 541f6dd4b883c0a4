"""Conversions in several threads at once: results and error messages stay
with their own thread (the C library's error state is per thread)."""
import threading
from concurrent.futures import ThreadPoolExecutor

import newsdoc
from conftest import build_article


def test_conversions_in_parallel_threads():
    docs = []
    for n in range(8):
        d = newsdoc.Document()
        d.title = "مقالة %d" % n
        d.language, d.direction = "ar", "rtl"
        for i in range(200):
            d.add_section(1, "قسم %d-%d" % (n, i)).add_paragraph("فقرة %d من المقالة %d " % (i, n) * 5)
        docs.append(d.to_bytes("json"))
    broken = [d[: len(d) // 2] for d in docs]
    start = threading.Barrier(8)

    def work(n):
        start.wait()
        results = []
        for round_ in range(15):
            doc = newsdoc.read(docs[n], "json")
            assert doc.title == "مقالة %d" % n
            assert len(doc.sections) == 200 and doc.sections[199].heading == "قسم %d-199" % n
            assert doc.to_bytes("json") == docs[n]
            try:
                newsdoc.read(broken[n], "json", max_depth=50 + n)
            except newsdoc.MalformedError as e:
                results.append(str(e))
            try:
                newsdoc.read(docs[n], "json", max_input_size=1000 + n)
            except newsdoc.SizeLimitError as e:
                results.append(str(e))
        return results

    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(work, range(8)))
    for n, messages in enumerate(outcomes):
        assert len(messages) == 30
        limits = set(messages[1::2])
        # each thread sees its own limit in its own message, never another's
        assert len(limits) == 1 and str(1000 + n) in limits.pop()
        assert all(m.startswith("json:") for m in messages[0::2])


def test_one_document_read_by_many_threads():
    doc = build_article()
    expected = doc.to_bytes("json")
    with ThreadPoolExecutor(max_workers=4) as pool:
        outs = list(pool.map(lambda _: (doc.to_bytes("json"), doc.outline()), range(40)))
    assert all(o == expected and ol == doc.outline() for o, ol in outs)
