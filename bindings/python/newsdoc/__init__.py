"""newsdoc: read, build and write news articles with libnewsdoc.

Converts articles between plain text, Markdown, HTML, EPUB, DOCX and JSON,
right-to-left (Arabic, Hebrew, Persian) first, over libnewsdoc's stable C
ABI (cffi, ABI mode: nothing to compile).

    >>> import newsdoc
    >>> doc = newsdoc.read("article.txt")          # path, bytes or binary file
    >>> doc.title, doc.authors, doc.language, doc.direction
    >>> for section in doc.sections:
    ...     print(section.level, section.heading)
    ...     for sub in section.sections:
    ...         print("  ", sub.level, sub.heading)
    >>> doc.write("article.epub")                  # format from the extension
    >>> html = doc.to_bytes("html", fragment=True)
    >>> newsdoc.convert("in.docx", "out.md", title="...")
    >>> [f.name for f in newsdoc.formats()]

Building:

    >>> doc = newsdoc.Document()
    >>> doc.title, doc.language, doc.direction = "عنوان", "ar", "rtl"
    >>> sec = doc.add_section(1, "خلفية")
    >>> sec.add_paragraph("نص الفقرة")

Errors are exceptions derived from :class:`newsdoc.Error` with the
library's message; warnings go through :mod:`warnings` as
:class:`newsdoc.NewsdocWarning`.  The shared library is found through
$NEWSDOC_LIBRARY, next to the package, in a build tree, then on the
system's library path.
"""
from ._core import (Document, FormatInfo, Media, Metadata, Node, Section, convert, detect, find_format,
                    format_for_filename, formats, read, version)
from ._errors import (CancelledError, CountLimitError, DepthLimitError, EncodingError, Error, ExistsError,
                      IOError, LimitError, MalformedError, NewsdocWarning, NoMemoryError, NotFoundError,
                      SizeLimitError, UnknownFormatError, UnsupportedError, UsageError, ZipLimitError)
from ._ffi import library_path

__version__ = "0.3.0"

__all__ = [
    "read", "convert", "formats", "find_format", "format_for_filename", "detect", "version", "library_path",
    "Document", "Node", "Section", "Metadata", "Media", "FormatInfo",
    "Error", "UsageError", "IOError", "MalformedError", "EncodingError", "UnsupportedError", "LimitError",
    "SizeLimitError", "DepthLimitError", "ZipLimitError", "CountLimitError", "NoMemoryError",
    "UnknownFormatError", "NotFoundError", "ExistsError", "CancelledError", "NewsdocWarning",
]
