"""Exceptions and warnings raised by the newsdoc package.

Every failure of the C library becomes an exception carrying the library's
detail message (``str(e)``), its NEWSDOC_E* code (``e.code``, a negative
int) and the fixed text for that code (``e.reason``).
"""
from __future__ import annotations

import builtins
from typing import Dict, Optional, Type


class Error(Exception):
    """Base class of every error libnewsdoc reports."""

    #: the NEWSDOC_E* code this class stands for (0 when not from C)
    default_code = 0

    def __init__(self, message: str, code: Optional[int] = None, reason: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.code = self.default_code if code is None else code
        self.reason = reason

    def __str__(self) -> str:
        return self.message


class UsageError(Error, ValueError):
    """Bad arguments: a wrong node type, an option value a key cannot take...
    (NEWSDOC_EUSAGE)."""

    default_code = -1


class IOError(Error, builtins.OSError):  # noqa: A001 - deliberately newsdoc.IOError
    """A file could not be read or written (NEWSDOC_EIO).  Also an OSError,
    so ``except OSError`` catches it."""

    default_code = -2

    def __init__(self, message: str, code: Optional[int] = None, reason: str = "") -> None:
        # OSError's own constructor reads two arguments as (errno, strerror):
        # give it only the message.
        builtins.OSError.__init__(self, message)
        self.message = message
        self.code = self.default_code if code is None else code
        self.reason = reason


class MalformedError(Error, ValueError):
    """The input is not a valid document of its format (NEWSDOC_EMALFORMED)."""

    default_code = -3


class EncodingError(MalformedError):
    """Text that cannot be decoded at all (NEWSDOC_EENCODING)."""

    default_code = -15


class UnsupportedError(Error):
    """A valid input that uses something not supported, e.g. encryption
    (NEWSDOC_EUNSUPPORTED)."""

    default_code = -4


class LimitError(Error):
    """A limit from the options was exceeded (NEWSDOC_ELIMIT and the more
    precise subclasses)."""

    default_code = -5


class SizeLimitError(LimitError):
    """Input or output larger than max-input-size / max-output-size."""

    default_code = -11


class DepthLimitError(LimitError):
    """Tree or markup nesting deeper than max-depth."""

    default_code = -12


class ZipLimitError(LimitError):
    """A zip container over max-zip-entries / -entry-size / -total-size / -ratio."""

    default_code = -13


class CountLimitError(LimitError):
    """Too many nodes, attributes, styles or spine items."""

    default_code = -14


class NoMemoryError(Error, MemoryError):
    """An allocation failed inside the library (NEWSDOC_ENOMEM)."""

    default_code = -6


class UnknownFormatError(Error):
    """No such format, or probing could not decide (NEWSDOC_EUNKNOWNFORMAT)."""

    default_code = -7


class NotFoundError(Error, LookupError):
    """A lookup failed: format, media or key (NEWSDOC_ENOTFOUND)."""

    default_code = -8


class ExistsError(Error):
    """A name was registered twice (NEWSDOC_EEXISTS)."""

    default_code = -9


class CancelledError(Error):
    """The time budget (time-budget-ms) ran out or the work was cancelled
    (NEWSDOC_ECANCELLED)."""

    default_code = -10


class NewsdocWarning(UserWarning):
    """A lossy step a conversion took and went on with (a dropped element,
    a replaced byte, a guessed language...).  ``format`` names the format."""

    def __init__(self, message: str, format: str = "") -> None:
        super().__init__(message)
        self.format = format


_BY_CODE: Dict[int, Type[Error]] = {
    cls.default_code: cls
    for cls in (UsageError, IOError, MalformedError, EncodingError, UnsupportedError, LimitError,
                SizeLimitError, DepthLimitError, ZipLimitError, CountLimitError, NoMemoryError,
                UnknownFormatError, NotFoundError, ExistsError, CancelledError)
}


def error_class(code: int) -> Type[Error]:
    """The exception class for a NEWSDOC_E* code (Error for unknown codes)."""
    return _BY_CODE.get(code, Error)
