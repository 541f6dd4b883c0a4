"""The Python face of libnewsdoc: documents, nodes, reading and writing.

Memory: every C object is owned by a Python object and released by the
library's own free function (``newsdoc_doc_free``, ``newsdoc_node_free``,
``newsdoc_free``...) when that Python object goes away, also when an
exception is raised half-way.  A :class:`Node` keeps the C tree it lives in
alive, so a node stays valid after its :class:`Document` object is dropped.

Threads: the C library keeps its error state per thread and releases
Python's GIL while it converts, so conversions in several threads run at
once.  One document must not be changed by two threads at the same time.
"""
from __future__ import annotations

import os
import threading
import warnings
import weakref
from dataclasses import dataclass
from typing import (Any, BinaryIO, Callable, Dict, Iterator, List, Mapping, MutableMapping, Optional, Sequence,
                    Tuple, Union)

from ._errors import NewsdocWarning, UnknownFormatError, UsageError, error_class
from ._ffi import ffi, load

PathLike = Union[str, "os.PathLike[str]"]
Source = Union[str, "os.PathLike[str]", bytes, bytearray, memoryview, BinaryIO]
Target = Union[str, "os.PathLike[str]", BinaryIO]
OptionValue = Union[str, int, bool, None]
WarningHandler = Callable[[NewsdocWarning], None]
CancelCheck = Callable[[], bool]

# newsdoc_node_type values (document.h)
BODY, SECTION, HEADING, PARAGRAPH = 1, 2, 3, 4
_LITERAL_TYPES = {"text", "code", "code_block", "raw_block", "raw_inline"}
_INLINE_HOLDERS = {"heading", "paragraph", "table_cell", "caption", "emph", "strong", "link", "quoted",
                   "span"}
_BLOCK_HOLDERS = {"body", "section", "blockquote", "item", "note"}

_DIR_NAMES = {0: None, 1: "ltr", 2: "rtl", 3: "auto"}
_DIR_CODES = {None: 0, "": 0, "ltr": 1, "rtl": 2, "auto": 3}


# --- helpers ------------------------------------------------------------------

def _lib() -> Any:
    return load()


def _str(p: Any) -> Optional[str]:
    """A borrowed NUL-terminated C string as str (None for NULL)."""
    if p == ffi.NULL:
        return None
    return str(ffi.string(p).decode("utf-8", "replace"))


def _bytes_arg(s: Optional[str], what: str) -> Any:
    if s is None:
        return ffi.NULL
    if not isinstance(s, str):
        raise TypeError("%s must be a str, not %s" % (what, type(s).__name__))
    if "\x00" in s:  # a C string would end there
        raise UsageError("%s must not contain a NUL character" % what)
    return s.encode("utf-8")


def _path_arg(p: PathLike) -> bytes:
    b = os.fsencode(p)
    if b"\x00" in b:
        raise UsageError("a path must not contain a NUL character")
    return b


def _raise(rc: int) -> None:
    """Raise the exception for a failed call's return code, with the
    calling thread's detail message."""
    lib = _lib()
    err = lib.newsdoc_error_last()
    reason = _str(lib.newsdoc_strerror(rc)) or ""
    if err != ffi.NULL and err.code == rc:
        message = _str(err.message) or reason
    else:
        message = reason
    lib.newsdoc_error_clear()
    raise error_class(rc)(message, rc, reason)


def _check(rc: int) -> int:
    if rc < 0:
        _raise(rc)
    return rc


def _take_buffer(out: Any, length: int) -> bytes:
    """Copy a buffer the library handed over, then free it with newsdoc_free."""
    try:
        return bytes(ffi.unpack(out, length)) if length else b""
    finally:
        _lib().newsdoc_free(out)


@ffi.callback("void(const char *, const char *, void *)")  # type: ignore[misc]
def _warning_cb(fmt: Any, message: Any, userdata: Any) -> None:
    # Runs inside the C call: only collect; the warnings are issued once the
    # call returns, so a warnings filter set to "error" raises normally.
    try:
        ffi.from_handle(userdata).append((_str(fmt) or "", _str(message) or ""))
    except Exception:  # pragma: no cover - never let an exception cross C
        pass


@ffi.callback("int(void *)")  # type: ignore[misc]
def _cancel_cb(userdata: Any) -> int:
    opts = ffi.from_handle(userdata)
    try:
        return 1 if opts.cancel() else 0
    except BaseException as e:  # stop the work; the exception is raised once the call returns
        opts.cancel_error = e
        return 1


class _Options:
    """A newsdoc_options object for one call, with the warning collector and
    the cancel check."""

    def __init__(self, options: Mapping[str, OptionValue], on_warning: Optional[WarningHandler] = None,
                 cancel: Optional[CancelCheck] = None) -> None:
        lib = _lib()
        self.on_warning = on_warning
        self.cancel = cancel
        self.cancel_error: Optional[BaseException] = None
        out = ffi.new("newsdoc_options **")
        _check(lib.newsdoc_options_new(out))
        self.ptr = ffi.gc(out[0], lib.newsdoc_options_free)
        self.collected: List[Tuple[str, str]] = []
        self._handle = ffi.new_handle(self.collected)  # kept alive with self
        lib.newsdoc_options_set_warning_fn(self.ptr, _warning_cb, self._handle)
        if cancel is not None:
            if not callable(cancel):
                raise TypeError("cancel must be callable")
            self._self_handle = ffi.new_handle(self)
            lib.newsdoc_options_set_cancel_fn(self.ptr, _cancel_cb, self._self_handle)
        for key, value in options.items():
            if value is None:
                continue
            if isinstance(value, bool):
                text = "1" if value else "0"
            elif isinstance(value, int):
                text = str(value)
            elif isinstance(value, str):
                text = value
            else:
                raise TypeError("option %s: expected str, int or bool, not %s" % (key, type(value).__name__))
            ckey = key.replace("_", "-")
            _check(lib.newsdoc_options_set(self.ptr, ckey.encode("utf-8"), text.encode("utf-8")))

    def emit(self, stacklevel: int = 3) -> None:
        collected, self.collected[:] = list(self.collected), []
        for fmt, message in collected:
            # messages usually name their format already ("docx: ..."): no second prefix
            text = message if not fmt or message.startswith(fmt + ":") else "%s: %s" % (fmt, message)
            w = NewsdocWarning(text, fmt)
            if self.on_warning is not None:
                self.on_warning(w)
            else:
                warnings.warn(w, stacklevel=stacklevel + 1)

    def run(self, rc: int) -> int:
        """Issue the collected warnings, then raise if rc is an error (the
        cancel check's own exception first)."""
        if self.cancel_error is not None:
            error, self.cancel_error = self.cancel_error, None
            self.collected.clear()
            raise error
        self.emit(stacklevel=3)
        return _check(rc)


# --- formats ------------------------------------------------------------------

@dataclass(frozen=True)
class FormatInfo:
    """A registered format: what ``newsdoc.formats()`` lists."""

    name: str
    description: str
    extensions: Tuple[str, ...]
    mime_types: Tuple[str, ...]
    can_read: bool
    can_write: bool
    binary: bool

    @property
    def extension(self) -> str:
        """The preferred file extension (the first listed), without a dot."""
        return self.extensions[0] if self.extensions else self.name


def _format_info(f: Any) -> FormatInfo:
    def split(p: Any) -> Tuple[str, ...]:
        s = _str(p) or ""
        return tuple(x.strip() for x in s.split(",") if x.strip())

    return FormatInfo(name=_str(f.name) or "", description=_str(f.description) or "",
                      extensions=split(f.extensions), mime_types=split(f.mime_types),
                      can_read=f.read != ffi.NULL, can_write=f.write != ffi.NULL,
                      binary=bool(f.flags & 1))


def formats() -> List[FormatInfo]:
    """The registered formats in registration order.

    Each entry has ``name``, ``description``, ``extensions`` (no dots),
    ``mime_types``, ``can_read``, ``can_write`` and ``binary``::

        >>> [f.name for f in newsdoc.formats() if f.can_write]
        ['text', 'markdown', 'html', 'epub', 'docx', 'json']
    """
    lib = _lib()
    out = []
    f = ffi.new("newsdoc_format *")
    for i in range(lib.newsdoc_format_count()):
        if lib.newsdoc_format_at(i, f) == 0:
            out.append(_format_info(f))
    return out


def find_format(name: str) -> FormatInfo:
    """The registered format called ``name``; NotFoundError when there is none."""
    f = ffi.new("newsdoc_format *")
    _check(_lib().newsdoc_format_find(_bytes_arg(name, "name"), f))
    return _format_info(f)


def format_for_filename(filename: PathLike, writing: bool = False) -> FormatInfo:
    """The format whose extensions match ``filename`` (only formats that can
    write when ``writing``); NotFoundError when none does."""
    f = ffi.new("newsdoc_format *")
    _check(_lib().newsdoc_format_for_filename(_path_arg(filename), 1 if writing else 0, f))
    return _format_info(f)


def detect(data: bytes, filename: Optional[PathLike] = None) -> Tuple[str, int]:
    """Probe ``data`` (and the file name's extension, a hint only) and return
    ``(format_name, score)``, the score 0..100.  UnknownFormatError when no
    format is likely enough or two tie; the message lists the scores."""
    data = bytes(data)
    name = ffi.new("const char **")
    score = ffi.new("int *")
    fn = _path_arg(filename) if filename is not None else ffi.NULL
    _check(_lib().newsdoc_probe(data, len(data), fn, name, score))
    return _str(name[0]) or "", int(score[0])


def version() -> str:
    """The release of the loaded C library, e.g. ``"0.3.0"``."""
    return _str(_lib().newsdoc_version_string()) or ""


# --- the tree -------------------------------------------------------------------

class _Tree:
    """Owns one C tree (a document's, or a detached subtree's) and keeps
    one wrapper per C node, so ``doc.sections[0] is doc.sections[0]``."""

    def __init__(self, doc: Any = None, root: Any = None) -> None:
        self.doc = doc              # gc'ed newsdoc_doc * (a document's tree), or None
        self.root = root            # the detached root node this tree frees, or None
        self.wrappers: "weakref.WeakValueDictionary[int, Node]" = weakref.WeakValueDictionary()
        self.lock = threading.RLock()

    @property
    def doc_ptr(self) -> Any:
        return self.doc if self.doc is not None else ffi.NULL

    def __del__(self) -> None:
        root, self.root = self.root, None
        if root is not None:
            try:
                _lib().newsdoc_node_free(root)
            except Exception:  # pragma: no cover - interpreter shutdown
                pass


def _addr(ptr: Any) -> int:
    return int(ffi.cast("uintptr_t", ptr))


def _wrap(tree: _Tree, ptr: Any) -> Optional["Node"]:
    if ptr == ffi.NULL:
        return None
    key = _addr(ptr)
    with tree.lock:
        node = tree.wrappers.get(key)
        if node is None:
            cls = Section if _lib().newsdoc_node_get_type(ptr) == SECTION else Node
            node = object.__new__(cls)
            node._ptr = ptr
            node._tree = tree
            tree.wrappers[key] = node
        return node


def _subtree_ptrs(ptr: Any) -> List[Any]:
    """Every node of the subtree at ptr, in document order."""
    lib = _lib()
    out = ffi.new("newsdoc_iter **")
    _check(lib.newsdoc_iter_new(out, ptr))
    it = ffi.gc(out[0], lib.newsdoc_iter_free)
    result = []
    while True:
        ev = lib.newsdoc_iter_next(it)
        if ev == 1:  # DONE
            break
        if ev == 2:  # ENTER
            result.append(lib.newsdoc_iter_node(it))
    return result


def _move_wrappers(ptrs: Sequence[Any], src: _Tree, dst: _Tree) -> None:
    if src is dst:
        return
    first, second = (src, dst) if id(src) < id(dst) else (dst, src)
    with first.lock, second.lock:
        for p in ptrs:
            key = _addr(p)
            node = src.wrappers.pop(key, None)
            if node is not None:
                node._tree = dst
                dst.wrappers[key] = node


def _move_all_wrappers(src: _Tree, dst: _Tree) -> None:
    first, second = (src, dst) if id(src) < id(dst) else (dst, src)
    with first.lock, second.lock:
        for key, node in list(src.wrappers.items()):
            node._tree = dst
            dst.wrappers[key] = node
        src.wrappers.clear()


def _type_code(type: Union[str, int]) -> int:
    if isinstance(type, int):
        return type
    code = _lib().newsdoc_node_type_from_name(_bytes_arg(type, "type"))
    if code == 0:
        raise UsageError("unknown node type %r" % (type,))
    return int(code)


class Node:
    """A node of a document's tree.

    ``Node("paragraph", "text")`` makes a detached node (append it somewhere
    with :meth:`append`); nodes read from a document come from
    ``doc.body``, ``doc.sections``, :attr:`children`, :meth:`walk`...

    ``type`` is the JSON name (``"paragraph"``, ``"section"``, ``"text"``,
    ``"link"``...), ``text`` the plain text of the subtree, and the
    attributes (``literal``, ``url``, ``title``, ``info``, ``id``, ``lang``,
    ``dir``, ``level``, ``list_type``, ``start``, ``header``, ``colspan``,
    ``rowspan``) read and write the C node's; setting one that does not apply
    to the type raises UsageError.  ``attributes`` gives the ones that are set.
    """

    _ptr: Any
    _tree: _Tree

    def __init__(self, type: Union[str, int] = "paragraph", text: Optional[str] = None, **attrs: Any) -> None:
        lib = _lib()
        out = ffi.new("newsdoc_node **")
        code = _type_code(type)
        _check(lib.newsdoc_node_new(out, code))
        if code == SECTION and not isinstance(self, Section):
            self.__class__ = Section  # Node("section") is a Section
        tree = _Tree(root=out[0])        # frees the node unless it is appended
        self._ptr = out[0]
        self._tree = tree
        tree.wrappers[_addr(out[0])] = self
        for key, value in attrs.items():
            if key not in _ATTRS:
                raise TypeError("unknown node attribute %r" % key)
            if value is not None:
                setattr(self, key, value)
        if text is not None:
            self._fill(text)

    # -- what it is
    @property
    def type(self) -> str:
        """The node type's name, e.g. ``"paragraph"``."""
        lib = _lib()
        return _str(lib.newsdoc_node_type_name(lib.newsdoc_node_get_type(self._ptr))) or "none"

    @property
    def is_block(self) -> bool:
        """True for blocks (section, paragraph, list...), False for inlines."""
        lib = _lib()
        return bool(lib.newsdoc_node_is_block(lib.newsdoc_node_get_type(self._ptr)))

    @property
    def text(self) -> str:
        """The plain text of the subtree (newsdoc_node_text): text in order,
        a newline between blocks; notes are left out."""
        lib = _lib()
        out = ffi.new("char **")
        n = ffi.new("size_t *")
        _check(lib.newsdoc_node_text(self._ptr, out, n))
        return _take_buffer(out[0], n[0]).decode("utf-8", "replace")

    # -- navigation
    @property
    def parent(self) -> Optional["Node"]:
        """The parent node, or None for a root."""
        return _wrap(self._tree, _lib().newsdoc_node_parent(self._ptr))

    @property
    def children(self) -> List["Node"]:
        """The child nodes, in order (a new list each time)."""
        lib = _lib()
        out: List[Node] = []
        p = lib.newsdoc_node_first_child(self._ptr)
        while p != ffi.NULL:
            out.append(_wrap(self._tree, p))  # type: ignore[arg-type]
            p = lib.newsdoc_node_next(p)
        return out

    def __iter__(self) -> Iterator["Node"]:
        return iter(self.children)

    def __len__(self) -> int:
        return int(_lib().newsdoc_node_child_count(self._ptr))

    def __bool__(self) -> bool:
        return True

    def walk(self) -> Iterator["Node"]:
        """Every node of the subtree, this one first, in document order."""
        ptrs = _subtree_ptrs(self._ptr)
        nodes = [_wrap(self._tree, p) for p in ptrs]  # wrapped first: the walk survives changes
        return iter(nodes)  # type: ignore[arg-type]

    def find_all(self, type: str) -> List["Node"]:
        """The nodes of the subtree with the given type name, in document order."""
        return [n for n in self.walk() if n.type == type]

    # -- building
    def append(self, child: "Node") -> "Node":
        """Append ``child`` as the last child and return it.  A child that
        is in a tree already is moved.  UsageError when the type is not
        allowed here (see newsdoc_node_can_contain) or would make a cycle."""
        lib = _lib()
        if not isinstance(child, Node):
            raise TypeError("append() takes a Node, not %s" % type(child).__name__)
        if not lib.newsdoc_node_can_contain(lib.newsdoc_node_get_type(self._ptr),
                                            lib.newsdoc_node_get_type(child._ptr)):
            raise UsageError("a %s cannot hold a %s" % (self.type, child.type))
        ptype = lib.newsdoc_node_get_type(self._ptr)
        if ptype == SECTION and lib.newsdoc_node_get_type(child._ptr) == SECTION:
            if child.level <= self.level:
                raise UsageError("a level %d section cannot hold a level %d section (it must be deeper)"
                                 % (self.level, child.level))
        p = self._ptr
        while p != ffi.NULL:
            if p == child._ptr:
                raise UsageError("cannot append a node to itself or to one of its descendants")
            p = lib.newsdoc_node_parent(p)
        if child.parent is not None:
            child.remove()
        src = child._tree
        _check(lib.newsdoc_node_append_child(self._ptr, child._ptr))
        # The C tree of self owns the child now.
        # The C tree of self owns the child's whole (detached) tree now.
        src.root = None
        _move_all_wrappers(src, self._tree)
        return child

    def remove(self) -> "Node":
        """Detach this node (and its subtree) from its parent and return it;
        it lives on as long as a Python reference to it does."""
        lib = _lib()
        if lib.newsdoc_node_parent(self._ptr) == ffi.NULL:
            if lib.newsdoc_node_get_type(self._ptr) == BODY:
                raise UsageError("the body of a document cannot be removed")
            return self
        ptrs = _subtree_ptrs(self._ptr)
        lib.newsdoc_node_unlink(self._ptr)
        tree = _Tree(root=self._ptr)
        _move_wrappers(ptrs, self._tree, tree)
        return self

    def add(self, type: str, text: Optional[str] = None, **attrs: Any) -> "Node":
        """Make a node of ``type`` with ``attrs``, give it ``text`` (its
        literal, a text child, or a paragraph, whatever the type holds),
        append it and return it."""
        return self.append(Node(type, text, **attrs))

    def add_paragraph(self, text: str = "", **attrs: Any) -> "Node":
        """Append a paragraph holding ``text`` and return it."""
        return self.add("paragraph", text, **attrs)

    def add_text(self, text: str) -> "Node":
        """Append a text inline (to a paragraph, heading, emphasis...)."""
        return self.add("text", text)

    def add_emph(self, text: str) -> "Node":
        """Append emphasised text."""
        return self.add("emph", text)

    def add_strong(self, text: str) -> "Node":
        """Append strong text."""
        return self.add("strong", text)

    def add_link(self, url: str, text: str, title: Optional[str] = None) -> "Node":
        """Append a link to ``url`` with ``text``."""
        return self.add("link", text, url=url, title=title)

    def add_blockquote(self, text: Optional[str] = None, **attrs: Any) -> "Node":
        """Append a block quote (with a paragraph of ``text`` if given)."""
        return self.add("blockquote", text, **attrs)

    def add_list(self, items: Sequence[str] = (), ordered: bool = False, **attrs: Any) -> "Node":
        """Append a list with one item (a paragraph) per string of ``items``."""
        lst = self.add("list", None, list_type="ordered" if ordered else "bullet", **attrs)
        for item in items:
            lst.add("item", item)
        return lst

    def add_code_block(self, code: str, info: Optional[str] = None) -> "Node":
        """Append a code block (``info``: the code's language)."""
        return self.add("code_block", code, info=info)

    def add_thematic_break(self) -> "Node":
        """Append a thematic break (a horizontal rule)."""
        return self.add("thematic_break")

    def add_section(self, level: int, heading: str, **attrs: Any) -> "Section":
        """Append a section of ``level`` (1..6, deeper than this section's)
        whose heading is ``heading``, and return it."""
        return self.append(Section(level, heading, **attrs))  # type: ignore[return-value]

    def _fill(self, text: str) -> None:
        t = self.type
        if t in _LITERAL_TYPES:
            self.literal = text
        elif t in _INLINE_HOLDERS:
            if text:
                self.append(Node("text", text))
        elif t in ("blockquote", "item", "note"):
            self.append(Node("paragraph", text))
        else:
            raise UsageError("a %s node holds no text of its own" % t)

    # -- attributes
    def _get_str(self, getter: str) -> Optional[str]:
        return _str(getattr(_lib(), getter)(self._ptr))

    def _set_str(self, setter: str, value: Optional[str], what: str) -> None:
        _check(getattr(_lib(), setter)(self._ptr, _bytes_arg(value, what)))

    @property
    def literal(self) -> Optional[str]:
        """The content of a text, code, code_block, raw_block or raw_inline node."""
        n = ffi.new("size_t *")
        p = _lib().newsdoc_node_get_literal(self._ptr, n)
        return None if p == ffi.NULL else ffi.unpack(p, n[0]).decode("utf-8", "replace")

    @literal.setter
    def literal(self, value: str) -> None:
        data = _bytes_arg(value, "literal")
        _check(_lib().newsdoc_node_set_literal(self._ptr, data, len(data)))

    @property
    def url(self) -> Optional[str]:
        """A link's target, an image's or figure's source ("media:NAME" or a URL)."""
        return self._get_str("newsdoc_node_get_url")

    @url.setter
    def url(self, value: Optional[str]) -> None:
        self._set_str("newsdoc_node_set_url", value, "url")

    @property
    def title(self) -> Optional[str]:
        """A link's tooltip, an image's or figure's alt text."""
        return self._get_str("newsdoc_node_get_title")

    @title.setter
    def title(self, value: Optional[str]) -> None:
        self._set_str("newsdoc_node_set_title", value, "title")

    @property
    def info(self) -> Optional[str]:
        """A code block's language; a raw block's format."""
        return self._get_str("newsdoc_node_get_info")

    @info.setter
    def info(self, value: Optional[str]) -> None:
        self._set_str("newsdoc_node_set_info", value, "info")

    @property
    def id(self) -> Optional[str]:
        """An anchor name."""
        return self._get_str("newsdoc_node_get_id")

    @id.setter
    def id(self, value: Optional[str]) -> None:
        self._set_str("newsdoc_node_set_id", value, "id")

    @property
    def lang(self) -> Optional[str]:
        """The node's own language (BCP 47) where it differs from its parent, else None."""
        return self._get_str("newsdoc_node_get_lang")

    @lang.setter
    def lang(self, value: Optional[str]) -> None:
        self._set_str("newsdoc_node_set_lang", value, "lang")

    @property
    def dir(self) -> Optional[str]:
        """The node's own direction, ``"ltr"``, ``"rtl"``, ``"auto"`` or None (inherited)."""
        return _DIR_NAMES.get(int(_lib().newsdoc_node_get_dir(self._ptr)))

    @dir.setter
    def dir(self, value: Optional[str]) -> None:
        if value not in _DIR_CODES:
            raise UsageError("direction must be 'ltr', 'rtl', 'auto' or None, not %r" % (value,))
        _check(_lib().newsdoc_node_set_dir(self._ptr, _DIR_CODES[value]))

    @property
    def effective_lang(self) -> Optional[str]:
        """The language in force here: the node's, an ancestor's or the document's."""
        return _str(_lib().newsdoc_node_effective_lang(self._ptr, self._tree.doc_ptr))

    @property
    def effective_dir(self) -> Optional[str]:
        """The direction in force here: the node's, an ancestor's or the document's."""
        return _DIR_NAMES.get(int(_lib().newsdoc_node_effective_dir(self._ptr, self._tree.doc_ptr)))

    @property
    def level(self) -> int:
        """A section's level (1..6); 0 for other nodes."""
        return int(_lib().newsdoc_node_get_level(self._ptr))

    @level.setter
    def level(self, value: int) -> None:
        _check(_lib().newsdoc_node_set_level(self._ptr, int(value)))

    @property
    def list_type(self) -> Optional[str]:
        """A list's type: ``"bullet"`` or ``"ordered"`` (None for other nodes)."""
        if self.type != "list":
            return None
        return "ordered" if _lib().newsdoc_node_get_list_type(self._ptr) == 1 else "bullet"

    @list_type.setter
    def list_type(self, value: str) -> None:
        if value not in ("bullet", "ordered"):
            raise UsageError("list_type must be 'bullet' or 'ordered', not %r" % (value,))
        _check(_lib().newsdoc_node_set_list_type(self._ptr, 1 if value == "ordered" else 0))

    @property
    def start(self) -> int:
        """An ordered list's first number."""
        return int(_lib().newsdoc_node_get_list_start(self._ptr))

    @start.setter
    def start(self, value: int) -> None:
        _check(_lib().newsdoc_node_set_list_start(self._ptr, int(value)))

    @property
    def header(self) -> bool:
        """Whether a table row is a header row."""
        return bool(_lib().newsdoc_node_get_header(self._ptr))

    @header.setter
    def header(self, value: bool) -> None:
        _check(_lib().newsdoc_node_set_header(self._ptr, 1 if value else 0))

    @property
    def colspan(self) -> int:
        """A table cell's column span."""
        return int(_lib().newsdoc_node_get_colspan(self._ptr))

    @colspan.setter
    def colspan(self, value: int) -> None:
        _check(_lib().newsdoc_node_set_spans(self._ptr, int(value), self.rowspan or 1))

    @property
    def rowspan(self) -> int:
        """A table cell's row span."""
        return int(_lib().newsdoc_node_get_rowspan(self._ptr))

    @rowspan.setter
    def rowspan(self, value: int) -> None:
        _check(_lib().newsdoc_node_set_spans(self._ptr, self.colspan or 1, int(value)))

    @property
    def attributes(self) -> Dict[str, Any]:
        """The attributes that are set on this node, as a dict."""
        out: Dict[str, Any] = {}
        for key in ("literal", "url", "title", "info", "id", "lang", "dir"):
            v = getattr(self, key)
            if v is not None:
                out[key] = v
        t = self.type
        if t == "section":
            out["level"] = self.level
        elif t == "list":
            out["list_type"] = self.list_type
            out["start"] = self.start
        elif t == "table_row":
            out["header"] = self.header
        elif t == "table_cell":
            out["colspan"], out["rowspan"] = self.colspan, self.rowspan
        return out

    def __repr__(self) -> str:
        text = self.text
        if len(text) > 40:
            text = text[:39] + "\u2026"
        return "<newsdoc.%s %s %r>" % (type(self).__name__, self.type, text)


_ATTRS = {"literal", "url", "title", "info", "id", "lang", "dir", "level", "list_type", "start", "header",
          "colspan", "rowspan"}


class Section(Node):
    """A section: a heading, then blocks and deeper sections.

    ``level`` is 1..6, ``heading`` the heading's text, ``heading_node`` the
    heading itself, ``blocks`` the children other than the heading and the
    subsections, ``sections`` the subsections.

    ``Section(level, heading)`` makes a detached section with its heading.
    """

    def __init__(self, level: int = 1, heading: Optional[str] = None, **attrs: Any) -> None:
        super().__init__("section", None, level=level, **attrs)
        if heading is not None:
            self.add("heading", heading)

    @property
    def heading_node(self) -> Optional[Node]:
        """The section's HEADING node, or None."""
        return _wrap(self._tree, _lib().newsdoc_node_section_heading(self._ptr))

    @property
    def heading(self) -> str:
        """The heading's plain text ("" when the section has no heading)."""
        h = self.heading_node
        return h.text if h is not None else ""

    @property
    def blocks(self) -> List[Node]:
        """The section's own blocks: its children but the heading and subsections."""
        return [c for c in self.children if c.type not in ("heading", "section")]

    @property
    def sections(self) -> List["Section"]:
        """The subsections, in order."""
        return [c for c in self.children if isinstance(c, Section)]

    def __repr__(self) -> str:
        return "<newsdoc.Section level %d %r>" % (self.level, self.heading)


# --- metadata -------------------------------------------------------------------

class Metadata(MutableMapping[str, str]):
    """A document's metadata as a mapping with multi-valued keys.

    ``m[key]`` is the first value (KeyError when absent) and ``m.getall(key)``
    all of them; ``m[key] = "v"`` replaces every value, ``m[key] = [a, b]``
    sets several; ``m.add(key, value)`` appends one; ``del m[key]`` removes
    them all.  Iteration gives each key once, in order; ``entries()`` gives
    every (key, value) pair.
    """

    def __init__(self, doc: "Document") -> None:
        self._doc = doc

    @property
    def _ptr(self) -> Any:
        return self._doc._ptr

    def __getitem__(self, key: str) -> str:
        v = _str(_lib().newsdoc_meta_get(self._ptr, _bytes_arg(key, "key")))
        if v is None:
            raise KeyError(key)
        return v

    def getall(self, key: str) -> List[str]:
        """Every value of ``key``, in order ([] when absent)."""
        lib = _lib()
        k = _bytes_arg(key, "key")
        return [_str(lib.newsdoc_meta_get_nth(self._ptr, k, i)) or ""
                for i in range(lib.newsdoc_meta_count(self._ptr, k))]

    def __setitem__(self, key: str, value: Union[str, Sequence[str]]) -> None:
        lib = _lib()
        k = _bytes_arg(key, "key")
        if isinstance(value, str):
            v = value.encode("utf-8")
            _check(lib.newsdoc_meta_set(self._ptr, k, v, len(v)))
            return
        if isinstance(value, (bytes, bytearray)) or not isinstance(value, Sequence):
            raise TypeError("a metadata value is a str or a list of str, not %s" % type(value).__name__)
        values = [_bytes_arg(x, "value") for x in value]
        if lib.newsdoc_meta_count(self._ptr, k):
            _check(lib.newsdoc_meta_remove(self._ptr, k))
        for v in values:
            _check(lib.newsdoc_meta_add(self._ptr, k, v, len(v)))

    def add(self, key: str, value: str) -> None:
        """Append one more value for ``key`` (authors, keywords)."""
        v = _bytes_arg(value, "value")
        _check(_lib().newsdoc_meta_add(self._ptr, _bytes_arg(key, "key"), v, len(v)))

    def __delitem__(self, key: str) -> None:
        lib = _lib()
        k = _bytes_arg(key, "key")
        if not lib.newsdoc_meta_count(self._ptr, k):
            raise KeyError(key)
        _check(lib.newsdoc_meta_remove(self._ptr, k))

    def entries(self) -> List[Tuple[str, str]]:
        """Every (key, value) pair in order, repeated keys included."""
        lib = _lib()
        k = ffi.new("const char **")
        v = ffi.new("const char **")
        out = []
        for i in range(lib.newsdoc_meta_entry_count(self._ptr)):
            if lib.newsdoc_meta_entry(self._ptr, i, k, v) == 0:
                out.append((_str(k[0]) or "", _str(v[0]) or ""))
        return out

    def __iter__(self) -> Iterator[str]:
        seen: Dict[str, None] = {}
        for key, _ in self.entries():
            seen.setdefault(key, None)
        return iter(list(seen))

    def __len__(self) -> int:
        return len({k for k, _ in self.entries()})

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and _lib().newsdoc_meta_count(self._ptr, key.encode("utf-8")) > 0

    def __repr__(self) -> str:
        return "Metadata(%r)" % (self.entries(),)


def _meta_property(key: str, doc: str) -> property:
    def get(self: "Document") -> Optional[str]:
        return _str(_lib().newsdoc_meta_get(self._ptr, key.encode()))

    def set(self: "Document", value: Optional[str]) -> None:
        if value is None:
            self.metadata.pop(key, None)
        else:
            self.metadata[key] = value

    return property(get, set, doc=doc)


def _meta_list_property(key: str, doc: str) -> property:
    def get(self: "Document") -> List[str]:
        return self.metadata.getall(key)

    def set(self: "Document", value: Sequence[str]) -> None:
        if isinstance(value, str):
            value = [value]
        self.metadata[key] = list(value)

    return property(get, set, doc=doc)


@dataclass(frozen=True)
class Media:
    """A resource of a document (an image...), referred to as ``media:NAME``."""

    name: str
    mime: str
    data: bytes


# --- documents --------------------------------------------------------------------

class Document:
    """An article: metadata, media and a tree of nodes.

    ``Document()`` is an empty article to build; :func:`newsdoc.read` reads
    one.  Metadata: ``title``, ``subtitle``, ``authors`` (a list),
    ``byline``, ``publisher``, ``date``, ``language``, ``direction``,
    ``identifier``, ``description``, ``keywords``, ``source_url`` and the
    whole mapping ``metadata``.  Tree: ``body`` (the root), ``sections``
    (top-level sections), ``blocks`` (the lead: blocks before the first
    section), :meth:`walk`.  Output: :meth:`write`, :meth:`to_bytes`.
    """

    def __init__(self) -> None:
        lib = _lib()
        out = ffi.new("newsdoc_doc **")
        _check(lib.newsdoc_doc_new(out))
        self._adopt(out[0])

    def _adopt(self, ptr: Any) -> None:
        lib = _lib()
        self._ptr = ffi.gc(ptr, lib.newsdoc_doc_free)
        self._tree = _Tree(doc=self._ptr)

    @classmethod
    def _from_ptr(cls, ptr: Any) -> "Document":
        doc = object.__new__(cls)
        doc._adopt(ptr)
        return doc

    # -- metadata
    @property
    def metadata(self) -> Metadata:
        """Every metadata entry, as a mapping with multi-valued keys."""
        return Metadata(self)

    title = _meta_property("title", "The article's title (None when unset).")
    subtitle = _meta_property("subtitle", "The subtitle.")
    byline = _meta_property("byline", "The credit line as written.")
    publisher = _meta_property("publisher", "The publisher.")
    date = _meta_property("date", "The date, ISO 8601.")
    language = _meta_property("lang", "The language, a BCP 47 tag such as 'ar'.")
    identifier = _meta_property("identifier", "An identifier (URN, ISBN, URL...).")
    description = _meta_property("description", "A summary.")
    source_url = _meta_property("source-url", "Where the article was published.")
    authors = _meta_list_property("author", "The authors, in order (a list).")
    keywords = _meta_list_property("keyword", "The keywords, in order (a list).")

    @property
    def direction(self) -> Optional[str]:
        """The document's direction (metadata ``dir``): ``"rtl"``, ``"ltr"``,
        ``"auto"`` or None."""
        return _str(_lib().newsdoc_meta_get(self._ptr, b"dir"))

    @direction.setter
    def direction(self, value: Optional[str]) -> None:
        if value not in _DIR_CODES:
            raise UsageError("direction must be 'ltr', 'rtl', 'auto' or None, not %r" % (value,))
        if value:
            self.metadata["dir"] = value
        else:
            self.metadata.pop("dir", None)

    # -- media
    @property
    def media(self) -> List[Media]:
        """The document's resources (name, MIME type, bytes)."""
        lib = _lib()
        name, mime = ffi.new("const char **"), ffi.new("const char **")
        data, n = ffi.new("const void **"), ffi.new("size_t *")
        out = []
        for i in range(lib.newsdoc_media_count(self._ptr)):
            if lib.newsdoc_media_get(self._ptr, i, name, mime, data, n) == 0:
                raw = ffi.unpack(ffi.cast("const char *", data[0]), n[0]) if n[0] else b""
                out.append(Media(_str(name[0]) or "", _str(mime[0]) or "", raw))
        return out

    def add_media(self, name: str, mime: str, data: bytes) -> str:
        """Add a resource and return the URL to point to it (``media:NAME``)."""
        data = bytes(data)
        _check(_lib().newsdoc_media_add(self._ptr, _bytes_arg(name, "name"), _bytes_arg(mime, "mime"),
                                        data, len(data)))
        return "media:" + name

    # -- tree
    @property
    def body(self) -> Node:
        """The root node (type ``"body"``)."""
        node = _wrap(self._tree, _lib().newsdoc_doc_root(self._ptr))
        assert node is not None
        return node

    @property
    def sections(self) -> List[Section]:
        """The top-level sections, in order."""
        return [c for c in self.body.children if isinstance(c, Section)]

    @property
    def blocks(self) -> List[Node]:
        """The blocks directly in the body (the lead before the first section)."""
        return [c for c in self.body.children if c.type != "section"]

    @property
    def text(self) -> str:
        """The plain text of the whole body."""
        return self.body.text

    def walk(self) -> Iterator[Node]:
        """Every node, the body first, in document order."""
        return self.body.walk()

    def outline(self) -> List[Tuple[int, str]]:
        """``(level, heading)`` for every section, in document order."""
        return [(n.level, n.heading) for n in self.walk() if isinstance(n, Section)]

    def add_section(self, level: int, heading: str, **attrs: Any) -> Section:
        """Append a top-level section with a heading and return it."""
        return self.body.add_section(level, heading, **attrs)

    def add_paragraph(self, text: str = "", **attrs: Any) -> Node:
        """Append a paragraph to the body (the lead, before any section)."""
        return self.body.add_paragraph(text, **attrs)

    def copy(self) -> "Document":
        """A deep copy (tree, metadata and media)."""
        out = ffi.new("newsdoc_doc **")
        _check(_lib().newsdoc_doc_clone(out, self._ptr))
        return Document._from_ptr(out[0])

    # -- output
    def to_bytes(self, format: str, *, on_warning: Optional[WarningHandler] = None,
                 cancel: Optional[CancelCheck] = None, **options: OptionValue) -> bytes:
        """Write the document in ``format`` (a name from :func:`formats`) and
        return the bytes.  ``options`` are library options: ``wrap=72``,
        ``fragment=True``, ``max_output_size="1M"`` (``_`` becomes ``-``).
        Warnings go to :mod:`warnings` as :class:`NewsdocWarning`, or to
        ``on_warning(warning)`` when given (thread-safe, unlike
        ``warnings.catch_warnings``).  ``cancel()``, when given, is called
        now and then; returning True stops the work with CancelledError."""
        opts = _Options(options, on_warning, cancel)
        out = ffi.new("char **")
        n = ffi.new("size_t *")
        rc = _lib().newsdoc_write(self._ptr, _bytes_arg(format, "format"), opts.ptr, out, n)
        # take (and free) the buffer before the warnings: a warnings filter may raise
        data = _take_buffer(out[0], n[0]) if rc == 0 else b""
        opts.run(rc)
        return data

    def write(self, target: Target, format: Optional[str] = None, *,
              on_warning: Optional[WarningHandler] = None, cancel: Optional[CancelCheck] = None,
              **options: OptionValue) -> None:
        """Write the document to ``target``: a path (str or pathlib.Path;
        the file is replaced only once the output is complete) or a binary
        file object.  ``format`` defaults to the one the extension names
        (the path's, or the file object's ``name``).  ``options`` and
        ``on_warning`` and ``cancel`` as for :meth:`to_bytes`."""
        if isinstance(target, (str, os.PathLike)):
            opts = _Options(options, on_warning, cancel)
            rc = _lib().newsdoc_write_file(self._ptr, _bytes_arg(format, "format"), _path_arg(target),
                                           opts.ptr)
            opts.run(rc)
            return
        if not hasattr(target, "write"):
            raise TypeError("target must be a path or a binary file object, not %s" % type(target).__name__)
        if format is None:
            name = getattr(target, "name", None)
            if not isinstance(name, (str, bytes)):
                raise UnknownFormatError("no format given and the file object has no name to take it from",
                                         -7, "unknown format")
            format = format_for_filename(os.fsdecode(name), writing=True).name
        target.write(self.to_bytes(format, on_warning=on_warning, cancel=cancel, **options))

    def __repr__(self) -> str:
        return "<newsdoc.Document %r, %d sections>" % (self.title, len(self.sections))


# --- reading and converting ----------------------------------------------------------

def read(source: Source, format: Optional[str] = None, *, filename: Optional[PathLike] = None,
         on_warning: Optional[WarningHandler] = None, cancel: Optional[CancelCheck] = None,
         **options: OptionValue) -> Document:
    """Read an article and return a :class:`Document`.

    ``source`` is a path (str or pathlib.Path), the content as bytes (or
    bytearray/memoryview), or a binary file object (its ``read()`` is
    called).  A str is always a path: pass bytes for content.

    ``format`` names the input format (see :func:`formats`); by default the
    content is probed, with the file name's extension as a hint.
    ``filename`` is such a hint for bytes and file objects; it is never
    opened.

    ``options`` are library options (see newsdoc/options.h), with ``_`` for
    ``-``: ``max_depth=100``, ``max_input_size="10M"``, ``time_budget_ms=500``.
    Booleans become "1"/"0".

    Raises a subclass of :class:`newsdoc.Error` carrying the library's
    message: :class:`MalformedError`, :class:`UnknownFormatError`,
    :class:`newsdoc.IOError` (also an OSError), :class:`LimitError`...
    Lossy steps are reported as :class:`NewsdocWarning` through
    :mod:`warnings`, or passed to ``on_warning(warning)`` when it is given
    (use that in threads: ``warnings.catch_warnings`` is not thread-safe).

    ``cancel``, a function of no arguments, is called now and then during
    long work; returning True stops it with :class:`CancelledError` (so does
    the ``time_budget_ms`` option).  An exception it raises stops the work
    and is raised again.

    >>> doc = newsdoc.read("article.txt")
    >>> doc.language, doc.direction, [s.heading for s in doc.sections]
    """
    lib = _lib()
    out = ffi.new("newsdoc_doc **")
    fmt = _bytes_arg(format, "format")
    if isinstance(source, (str, os.PathLike)):
        opts = _Options(options, on_warning, cancel)
        rc = lib.newsdoc_read_file(out, _path_arg(source), fmt, opts.ptr)
    else:
        if isinstance(source, (bytes, bytearray, memoryview)):
            data = bytes(source)
        elif hasattr(source, "read"):
            data = source.read()
            if isinstance(data, str):
                raise TypeError("the file object must be opened in binary mode ('rb')")
            data = bytes(data)
            if filename is None:
                name = getattr(source, "name", None)
                if isinstance(name, (str, bytes)):
                    filename = os.fsdecode(name)
        else:
            raise TypeError("source must be a path, bytes or a binary file object, not %s"
                            % type(source).__name__)
        opts = _Options(options, on_warning, cancel)
        hint = _path_arg(filename) if filename is not None else ffi.NULL
        rc = lib.newsdoc_read(out, data, len(data), fmt, hint, opts.ptr)
    doc = None
    if rc == 0:
        doc = Document._from_ptr(out[0])  # owned (and freed) from here on, even if a warning raises
    elif out[0] != ffi.NULL:  # a reader that broke its contract: still free
        lib.newsdoc_doc_free(out[0])
    opts.run(rc)
    assert doc is not None
    return doc


def convert(src: Source, dst: Target, *, from_format: Optional[str] = None, to_format: Optional[str] = None,
            options: Optional[Mapping[str, OptionValue]] = None, on_warning: Optional[WarningHandler] = None,
            **metadata: Union[str, Sequence[str], None]) -> Document:
    """Read ``src`` and write it to ``dst``, returning the document.

    Formats default to probing (input) and the extension of ``dst``
    (output).  Keyword arguments set metadata before writing:
    ``title="..."``, ``authors=["A", "B"]``, ``keywords=[...]``, ``date=...``,
    ``language="ar"``, ``direction="rtl"``, any other key (``_`` becomes
    ``-``); None removes a key.  ``options`` go to both the reader and the
    writer, and so does ``on_warning``.

    >>> newsdoc.convert("article.docx", "article.epub", title="...")
    """
    opts: Dict[str, Any] = dict(options or {})
    doc = read(src, from_format, on_warning=on_warning, **opts)
    for key, value in metadata.items():
        if key in ("authors", "keywords"):
            setattr(doc, key, [] if value is None else value)
            continue
        if key == "direction":
            doc.direction = value  # type: ignore[assignment]
            continue
        ckey = {"language": "lang"}.get(key, key.replace("_", "-"))
        if value is None:
            doc.metadata.pop(ckey, None)
        else:
            doc.metadata[ckey] = value
    doc.write(dst, to_format, on_warning=on_warning, **opts)
    return doc
