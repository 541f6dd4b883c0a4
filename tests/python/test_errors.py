"""Errors become exceptions with the library's message; memory is freed
also when an exception is raised."""
import gc
import os

import cffi
import pytest

import newsdoc
from newsdoc._errors import error_class
from conftest import build_article

CLASSES = {
    -1: newsdoc.UsageError, -2: newsdoc.IOError, -3: newsdoc.MalformedError, -4: newsdoc.UnsupportedError,
    -5: newsdoc.LimitError, -6: newsdoc.NoMemoryError, -7: newsdoc.UnknownFormatError,
    -8: newsdoc.NotFoundError, -9: newsdoc.ExistsError, -10: newsdoc.CancelledError,
    -11: newsdoc.SizeLimitError, -12: newsdoc.DepthLimitError, -13: newsdoc.ZipLimitError,
    -14: newsdoc.CountLimitError, -15: newsdoc.EncodingError,
}


def test_every_code_has_its_class():
    for code, cls in CLASSES.items():
        assert error_class(code) is cls and cls.default_code == code
        assert issubclass(cls, newsdoc.Error)
    for cls in (newsdoc.SizeLimitError, newsdoc.DepthLimitError, newsdoc.ZipLimitError, newsdoc.CountLimitError):
        assert issubclass(cls, newsdoc.LimitError)
    assert issubclass(newsdoc.IOError, OSError) and issubclass(newsdoc.NoMemoryError, MemoryError)
    assert error_class(-999) is newsdoc.Error


def test_malformed_input_carries_the_library_message():
    with pytest.raises(newsdoc.MalformedError) as e:
        newsdoc.read(b'{"newsdoc":1,"body":[{"type":"paragraph",]}', "json")
    msg = str(e.value)
    assert msg.startswith("json:") and "line 1" in msg
    assert e.value.code == -3 and e.value.reason  # newsdoc_strerror's fixed text
    assert isinstance(e.value, ValueError)


def test_missing_file_is_an_oserror(tmp_path):
    missing = tmp_path / "missing.json"
    with pytest.raises(OSError) as e:
        newsdoc.read(missing)
    assert isinstance(e.value, newsdoc.IOError) and str(missing) in str(e.value)
    with pytest.raises(newsdoc.IOError):
        build_article().write(tmp_path / "no" / "such" / "dir" / "a.json")
    assert not (tmp_path / "no").exists()


def test_unknown_formats():
    with pytest.raises(newsdoc.UnknownFormatError, match="cannot tell the format"):
        newsdoc.read(b"\x00\x01\x02 not an article at all \xfe")
    with pytest.raises(newsdoc.UnknownFormatError, match="no-such"):
        build_article().to_bytes("no-such")
    with pytest.raises((newsdoc.UnknownFormatError, newsdoc.NotFoundError)):
        newsdoc.read(b"{}", "no-such")
    with pytest.raises(newsdoc.UnknownFormatError):
        newsdoc.detect(b"\x00\x01\x02\x03")
    assert newsdoc.detect(build_article().to_bytes("json"))[0] == "json"


def test_cancelled_by_the_time_budget():
    doc = newsdoc.Document()
    for i in range(5000):
        doc.add_section(1, "قسم %d" % i).add_paragraph("نص " * 40)
    data = doc.to_bytes("json")
    with pytest.raises(newsdoc.CancelledError, match="time-budget-ms"):
        newsdoc.read(data, "json", time_budget_ms=1)
    assert len(newsdoc.read(data, "json").sections) == 5000


def test_message_is_the_latest_not_a_stale_one():
    with pytest.raises(newsdoc.MalformedError) as first:
        newsdoc.read(b'{"newsdoc":1,', "json")
    newsdoc.read(build_article().to_bytes("json"), "json")
    with pytest.raises(newsdoc.SizeLimitError) as second:
        newsdoc.read(build_article().to_bytes("json"), "json", max_input_size=10)
    assert "max-input-size (10)" in str(second.value)
    assert str(first.value).startswith("json:") and "max-input-size" not in str(first.value)


_libc_ffi = cffi.FFI()
_libc_ffi.cdef("""
struct mallinfo2 { size_t arena, ordblks, smblks, hblks, hblkhd, usmblks, fsmblks, uordblks, fordblks,
                   keepcost; };
struct mallinfo2 mallinfo2(void);
""")
_libc = _libc_ffi.dlopen(None)


def _heap_kib():
    """Bytes malloc has handed out and not got back (glibc's mallinfo2), in
    KiB: unlike RSS, free memory kept by the allocator does not count."""
    gc.collect()
    try:
        m = _libc.mallinfo2()
    except AttributeError:
        pytest.skip("no mallinfo2 in this C library")
    return (m.uordblks + m.hblkhd) // 1024


needs_plain_memory = pytest.mark.skipif(bool(os.environ.get("NEWSDOC_SANITIZED")),
                                        reason="heap growth means nothing under a sanitizer's allocator")


@needs_plain_memory
def test_failures_do_not_leak():
    """Read a large document that fails at its very end, many times: the
    partial C trees must be freed (a leak would be ~1 MiB a round)."""
    doc = newsdoc.Document()
    for i in range(3000):
        doc.add_section(1, "قسم %d" % i).add_paragraph("نص " * 20)
    good = doc.to_bytes("json")
    broken = good[:-2]                     # well-formed until the last bytes
    assert len(broken) > 500_000

    def round_():
        with pytest.raises(newsdoc.MalformedError):
            newsdoc.read(broken, "json")
        newsdoc.read(good, "json").to_bytes("json")
        with pytest.raises(newsdoc.SizeLimitError):
            newsdoc.read(good, "json").to_bytes("json", max_output_size=1000)

    for _ in range(5):
        round_()
    before = _heap_kib()
    for _ in range(40):
        round_()
    gc.collect()
    grown = _heap_kib() - before
    assert grown < 4 * 1024, "the heap grew by %d KiB over 40 rounds" % grown


@needs_plain_memory
def test_warnings_raised_as_errors_do_not_leak():
    """A warnings filter set to "error" raises out of read()/to_bytes() after
    the C call succeeded: the document and the output must still be freed."""
    import warnings
    doc = newsdoc.Document()
    doc.title = "a\ufffdb"
    for i in range(3000):
        doc.add_section(1, "قسم %d" % i).add_paragraph("نص " * 20)
    data = doc.to_bytes("json").replace("a\ufffdb".encode(), b"a\xffb")   # invalid UTF-8: a warning

    def round_():
        with warnings.catch_warnings():
            warnings.simplefilter("error", newsdoc.NewsdocWarning)
            with pytest.raises(newsdoc.NewsdocWarning):
                newsdoc.read(data, "json")

    for _ in range(3):
        round_()
    before = _heap_kib()
    for _ in range(30):
        round_()
    gc.collect()   # an exception's traceback holds read()'s frame in a cycle until collected
    grown = _heap_kib() - before
    assert grown < 4 * 1024, "the heap grew by %d KiB over 30 rounds" % grown


def test_cancel_callback():
    doc = newsdoc.Document()
    for i in range(5000):
        doc.add_section(1, "قسم %d" % i).add_paragraph("نص")
    data = doc.to_bytes("json")
    calls = []

    def stop_after_3():
        calls.append(1)
        return len(calls) >= 3

    with pytest.raises(newsdoc.CancelledError):
        newsdoc.read(data, "json", cancel=stop_after_3)
    assert len(calls) == 3
    calls.clear()
    assert len(newsdoc.read(data, "json", cancel=lambda: calls.append(1) and False).sections) == 5000
    assert len(calls) >= 3                    # it was asked, and said go on

    class Boom(Exception):
        pass

    def explode():
        raise Boom("stop here")

    with pytest.raises(Boom):
        newsdoc.read(data, "json", cancel=explode)
    with pytest.raises(TypeError):
        newsdoc.read(data, "json", cancel=3)
