"""The cffi declarations of libnewsdoc's public C API (ABI mode) and the
search for the shared library.

Only the declarations the package uses are listed; they are copied from
``include/newsdoc/*.h`` and must stay in step with them (the ABI version is
checked when the library is loaded).
"""
from __future__ import annotations

import ctypes.util
import glob
import os
import threading
from typing import Any, List, Optional

import cffi

#: The SONAME's number this package was written for (NEWSDOC_ABI_VERSION).
ABI_VERSION = 1
SONAME = "libnewsdoc.so.%d" % ABI_VERSION

CDEF = r"""
/* common.h */
int newsdoc_version(void);
const char *newsdoc_version_string(void);
const char *newsdoc_strerror(int code);
typedef struct newsdoc_error {
  int code;
  const char *message;
} newsdoc_error;
const newsdoc_error *newsdoc_error_last(void);
void newsdoc_error_clear(void);
void newsdoc_free(void *ptr);

/* options.h */
typedef struct newsdoc_options newsdoc_options;
typedef void (*newsdoc_warning_fn)(const char *format, const char *message, void *userdata);
typedef int (*newsdoc_cancel_fn)(void *userdata);
int newsdoc_options_new(newsdoc_options **out);
void newsdoc_options_free(newsdoc_options *opts);
int newsdoc_options_set(newsdoc_options *opts, const char *key, const char *value);
const char *newsdoc_options_get(const newsdoc_options *opts, const char *key);
void newsdoc_options_set_warning_fn(newsdoc_options *opts, newsdoc_warning_fn fn, void *userdata);
void newsdoc_options_set_cancel_fn(newsdoc_options *opts, newsdoc_cancel_fn fn, void *userdata);

/* document.h */
typedef struct newsdoc_doc newsdoc_doc;
typedef struct newsdoc_node newsdoc_node;
typedef struct newsdoc_iter newsdoc_iter;
typedef int newsdoc_node_type;   /* enums are int-sized in the C ABI */
typedef int newsdoc_dir;
typedef int newsdoc_list_type;
typedef int newsdoc_event;

int newsdoc_doc_new(newsdoc_doc **out);
void newsdoc_doc_free(newsdoc_doc *doc);
int newsdoc_doc_clone(newsdoc_doc **out, const newsdoc_doc *doc);
newsdoc_node *newsdoc_doc_root(newsdoc_doc *doc);

const char *newsdoc_meta_get(const newsdoc_doc *doc, const char *key);
size_t newsdoc_meta_count(const newsdoc_doc *doc, const char *key);
const char *newsdoc_meta_get_nth(const newsdoc_doc *doc, const char *key, size_t index);
int newsdoc_meta_set(newsdoc_doc *doc, const char *key, const char *value, size_t len);
int newsdoc_meta_add(newsdoc_doc *doc, const char *key, const char *value, size_t len);
int newsdoc_meta_remove(newsdoc_doc *doc, const char *key);
size_t newsdoc_meta_entry_count(const newsdoc_doc *doc);
int newsdoc_meta_entry(const newsdoc_doc *doc, size_t index, const char **key_out, const char **value_out);

int newsdoc_media_add(newsdoc_doc *doc, const char *name, const char *mime, const void *data, size_t len);
size_t newsdoc_media_count(const newsdoc_doc *doc);
int newsdoc_media_get(const newsdoc_doc *doc, size_t index, const char **name_out,
                      const char **mime_out, const void **data_out, size_t *len_out);

int newsdoc_node_new(newsdoc_node **out, newsdoc_node_type type);
void newsdoc_node_free(newsdoc_node *node);
newsdoc_node_type newsdoc_node_get_type(const newsdoc_node *node);
const char *newsdoc_node_type_name(newsdoc_node_type type);
newsdoc_node_type newsdoc_node_type_from_name(const char *name);
int newsdoc_node_is_block(newsdoc_node_type type);
int newsdoc_node_can_contain(newsdoc_node_type parent, newsdoc_node_type child);
newsdoc_node *newsdoc_node_parent(const newsdoc_node *node);
newsdoc_node *newsdoc_node_first_child(const newsdoc_node *node);
newsdoc_node *newsdoc_node_next(const newsdoc_node *node);
size_t newsdoc_node_child_count(const newsdoc_node *node);
int newsdoc_node_append_child(newsdoc_node *parent, newsdoc_node *child);
int newsdoc_node_insert_before(newsdoc_node *sibling, newsdoc_node *node);
void newsdoc_node_unlink(newsdoc_node *node);

const char *newsdoc_node_get_literal(const newsdoc_node *node, size_t *len_out);
int newsdoc_node_set_literal(newsdoc_node *node, const char *data, size_t len);
const char *newsdoc_node_get_url(const newsdoc_node *node);
int newsdoc_node_set_url(newsdoc_node *node, const char *url);
const char *newsdoc_node_get_title(const newsdoc_node *node);
int newsdoc_node_set_title(newsdoc_node *node, const char *title);
const char *newsdoc_node_get_info(const newsdoc_node *node);
int newsdoc_node_set_info(newsdoc_node *node, const char *info);
const char *newsdoc_node_get_id(const newsdoc_node *node);
int newsdoc_node_set_id(newsdoc_node *node, const char *id);
const char *newsdoc_node_get_lang(const newsdoc_node *node);
int newsdoc_node_set_lang(newsdoc_node *node, const char *lang);
newsdoc_dir newsdoc_node_get_dir(const newsdoc_node *node);
int newsdoc_node_set_dir(newsdoc_node *node, newsdoc_dir dir);
const char *newsdoc_node_effective_lang(const newsdoc_node *node, const newsdoc_doc *doc);
newsdoc_dir newsdoc_node_effective_dir(const newsdoc_node *node, const newsdoc_doc *doc);
int newsdoc_node_get_level(const newsdoc_node *node);
int newsdoc_node_set_level(newsdoc_node *node, int level);
newsdoc_node *newsdoc_node_section_heading(const newsdoc_node *section);
newsdoc_list_type newsdoc_node_get_list_type(const newsdoc_node *node);
int newsdoc_node_set_list_type(newsdoc_node *node, newsdoc_list_type type);
int newsdoc_node_get_list_start(const newsdoc_node *node);
int newsdoc_node_set_list_start(newsdoc_node *node, int start);
int newsdoc_node_get_header(const newsdoc_node *row);
int newsdoc_node_set_header(newsdoc_node *row, int header);
int newsdoc_node_get_colspan(const newsdoc_node *cell);
int newsdoc_node_get_rowspan(const newsdoc_node *cell);
int newsdoc_node_set_spans(newsdoc_node *cell, int colspan, int rowspan);
int newsdoc_node_text(const newsdoc_node *node, char **out, size_t *len_out);

int newsdoc_iter_new(newsdoc_iter **out, newsdoc_node *root);
void newsdoc_iter_free(newsdoc_iter *iter);
newsdoc_event newsdoc_iter_next(newsdoc_iter *iter);
newsdoc_node *newsdoc_iter_node(const newsdoc_iter *iter);

/* convert.h */
int newsdoc_read(newsdoc_doc **out, const char *data, size_t len, const char *format,
                 const char *filename, const newsdoc_options *opts);
int newsdoc_read_file(newsdoc_doc **out, const char *path, const char *format,
                      const newsdoc_options *opts);
int newsdoc_write(const newsdoc_doc *doc, const char *format, const newsdoc_options *opts,
                  char **out, size_t *len_out);
int newsdoc_write_file(const newsdoc_doc *doc, const char *format, const char *path,
                       const newsdoc_options *opts);

/* format.h */
typedef struct newsdoc_format {
  unsigned int version;
  const char *name;
  const char *description;
  const char *extensions;
  const char *mime_types;
  unsigned int flags;
  void *probe;
  void *read;
  void *write;
  void *userdata;
} newsdoc_format;
int newsdoc_format_find(const char *name, newsdoc_format *out);
int newsdoc_format_for_filename(const char *filename, int want_write, newsdoc_format *out);
size_t newsdoc_format_count(void);
int newsdoc_format_at(size_t index, newsdoc_format *out);
int newsdoc_probe(const char *data, size_t len, const char *filename, const char **name_out,
                  int *score_out);
"""

ffi = cffi.FFI()
ffi.cdef(CDEF)

_lock = threading.Lock()
_lib: Any = None
_lib_path: Optional[str] = None


def candidates() -> List[str]:
    """The places searched for the shared library, in order.

    1. ``$NEWSDOC_LIBRARY`` (a file, or a directory holding libnewsdoc.so.1);
    2. next to the package (a copy installed with it);
    3. a build tree: ``$NEWSDOC_BUILD_DIR``, then ``build*`` directories of
       the source tree this package sits in (newest first);
    4. the system's dynamic linker path (``libnewsdoc.so.1``).
    """
    out: List[str] = []
    env = os.environ.get("NEWSDOC_LIBRARY")
    if env:
        out.append(os.path.join(env, SONAME) if os.path.isdir(env) else env)
    here = os.path.dirname(os.path.abspath(__file__))
    out.append(os.path.join(here, SONAME))
    build = os.environ.get("NEWSDOC_BUILD_DIR")
    if build:
        out.append(os.path.join(build, SONAME))
    # bindings/python/newsdoc -> the source tree's root
    root = os.path.dirname(os.path.dirname(os.path.dirname(here)))
    trees = [d for d in glob.glob(os.path.join(root, "build*")) if os.path.isfile(os.path.join(d, SONAME))]
    trees.sort(key=lambda d: os.path.getmtime(os.path.join(d, SONAME)), reverse=True)
    out.extend(os.path.join(d, SONAME) for d in trees)
    found = ctypes.util.find_library("newsdoc")
    out.append(found if found else SONAME)
    return out


def load() -> Any:
    """Load the library once (thread-safe) and return cffi's lib object.

    Raises OSError listing every place tried when none works.
    """
    global _lib, _lib_path
    if _lib is not None:
        return _lib
    with _lock:
        if _lib is not None:
            return _lib
        tried = []
        explicit = bool(os.environ.get("NEWSDOC_LIBRARY"))
        for i, path in enumerate(candidates()):
            is_bare = os.sep not in path
            if not is_bare and not os.path.exists(path):
                tried.append("%s (absent)" % path)
                if i == 0 and explicit:
                    break  # an explicit choice that is wrong is an error, not a hint
                continue
            try:
                lib = ffi.dlopen(path)
            except OSError as e:
                tried.append("%s (%s)" % (path, e))
                if i == 0 and explicit:
                    break
                continue
            _lib, _lib_path = lib, path
            return lib
        raise OSError("newsdoc: cannot load %s; tried: %s" % (SONAME, "; ".join(tried)))


def library_path() -> Optional[str]:
    """The path the library was loaded from (None before it is loaded)."""
    load()
    return _lib_path
