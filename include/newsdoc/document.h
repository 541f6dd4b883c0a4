/*
 * newsdoc/document.h - the document model: metadata, media and a tree of
 * nodes, with an ENTER/EXIT iterator.
 *
 * A document (newsdoc_doc) owns:
 *  - metadata: an ordered list of (key, value) string pairs.  Well-known
 *    keys are the NEWSDOC_META_* macros; a key may repeat (authors,
 *    keywords) and any other key a reader finds is kept;
 *  - media: named resources (bytes + MIME type) that figures and images
 *    point to with the URL "media:NAME";
 *  - a tree whose root is a NEWSDOC_NODE_BODY node.
 *
 * Tree shape (enforced by newsdoc_node_append_child() and friends):
 *
 *   BODY, BLOCKQUOTE, ITEM, NOTE   hold blocks
 *   SECTION      holds one HEADING first, then blocks and SECTIONs; level
 *                1..6.  Every reader makes a SECTION's level greater than
 *                its parent section's; the tree functions do not enforce
 *                that (a level may be set after the node is placed) and
 *                writers write the levels they find
 *   HEADING, PARAGRAPH, TABLE_CELL, CAPTION, and every inline container
 *                (EMPH, STRONG, LINK, QUOTED, SPAN) hold inlines
 *   LIST         holds ITEMs; TABLE holds TABLE_ROWs; TABLE_ROW holds
 *                TABLE_CELLs; FIGURE holds at most one CAPTION
 *   CODE_BLOCK, THEMATIC_BREAK, RAW_BLOCK, TEXT, CODE, LINE_BREAK,
 *   SOFT_BREAK, IMAGE, RAW_INLINE hold nothing
 *   NOTE is an inline (a footnote reference) whose children are the
 *                note's blocks.
 *
 * Blocks are: SECTION, HEADING, PARAGRAPH, BLOCKQUOTE, LIST, ITEM, TABLE,
 * TABLE_ROW, TABLE_CELL, FIGURE, CAPTION, CODE_BLOCK, THEMATIC_BREAK,
 * RAW_BLOCK.  Everything else but BODY is an inline.
 *
 * Language and direction: the document has them in its metadata
 * (NEWSDOC_META_LANG, NEWSDOC_META_DIR); any node may override them where
 * it differs from its parent (newsdoc_node_set_lang/_dir).  Nodes that are
 * not set inherit; newsdoc_node_effective_lang/_dir resolve that.
 *
 * Lifetime: a node belongs to its parent once appended; nodes not in a
 * tree belong to the caller, who frees them with newsdoc_node_free().  A
 * node removed with newsdoc_node_unlink() belongs to the caller again.
 */
#ifndef NEWSDOC_DOCUMENT_H
#define NEWSDOC_DOCUMENT_H

#include <stddef.h>
#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct newsdoc_doc newsdoc_doc;
typedef struct newsdoc_node newsdoc_node;
typedef struct newsdoc_iter newsdoc_iter;

typedef enum newsdoc_node_type {
  NEWSDOC_NODE_NONE = 0,
  /* blocks */
  NEWSDOC_NODE_BODY = 1,
  NEWSDOC_NODE_SECTION = 2,
  NEWSDOC_NODE_HEADING = 3,
  NEWSDOC_NODE_PARAGRAPH = 4,
  NEWSDOC_NODE_BLOCKQUOTE = 5,
  NEWSDOC_NODE_LIST = 6,
  NEWSDOC_NODE_ITEM = 7,
  NEWSDOC_NODE_TABLE = 8,
  NEWSDOC_NODE_TABLE_ROW = 9,
  NEWSDOC_NODE_TABLE_CELL = 10,
  NEWSDOC_NODE_FIGURE = 11,
  NEWSDOC_NODE_CAPTION = 12,
  NEWSDOC_NODE_CODE_BLOCK = 13,
  NEWSDOC_NODE_THEMATIC_BREAK = 14,
  NEWSDOC_NODE_RAW_BLOCK = 15,
  /* inlines */
  NEWSDOC_NODE_TEXT = 32,
  NEWSDOC_NODE_EMPH = 33,
  NEWSDOC_NODE_STRONG = 34,
  NEWSDOC_NODE_LINK = 35,
  NEWSDOC_NODE_QUOTED = 36,
  NEWSDOC_NODE_CODE = 37,
  NEWSDOC_NODE_LINE_BREAK = 38,
  NEWSDOC_NODE_SOFT_BREAK = 39,
  NEWSDOC_NODE_IMAGE = 40,
  NEWSDOC_NODE_NOTE = 41,
  NEWSDOC_NODE_SPAN = 42,
  NEWSDOC_NODE_RAW_INLINE = 43
} newsdoc_node_type;

typedef enum newsdoc_dir {
  NEWSDOC_DIR_UNSET = 0, /* inherit from the parent / not known */
  NEWSDOC_DIR_LTR = 1,
  NEWSDOC_DIR_RTL = 2,
  NEWSDOC_DIR_AUTO = 3   /* decide from the content (first strong char) */
} newsdoc_dir;

typedef enum newsdoc_list_type {
  NEWSDOC_LIST_BULLET = 0,
  NEWSDOC_LIST_ORDERED = 1
} newsdoc_list_type;

typedef enum newsdoc_align {
  NEWSDOC_ALIGN_DEFAULT = 0,
  NEWSDOC_ALIGN_START = 1, /* left in LTR, right in RTL */
  NEWSDOC_ALIGN_CENTER = 2,
  NEWSDOC_ALIGN_END = 3
} newsdoc_align;

/* Well-known metadata keys.  Values are UTF-8 strings. */
#define NEWSDOC_META_TITLE "title"
#define NEWSDOC_META_SUBTITLE "subtitle"
#define NEWSDOC_META_AUTHOR "author"       /* repeats, in order */
#define NEWSDOC_META_BYLINE "byline"       /* the credit line as written */
#define NEWSDOC_META_PUBLISHER "publisher"
#define NEWSDOC_META_DATE "date"           /* ISO 8601 */
#define NEWSDOC_META_LANG "lang"           /* BCP 47 */
#define NEWSDOC_META_DIR "dir"             /* "ltr", "rtl" or "auto" */
#define NEWSDOC_META_IDENTIFIER "identifier"
#define NEWSDOC_META_DESCRIPTION "description"
#define NEWSDOC_META_KEYWORD "keyword"     /* repeats, in order */
#define NEWSDOC_META_SOURCE_URL "source-url"

/* --- Documents ----------------------------------------------------------- */

/* Create an empty document (a BODY root, no metadata, no media).
 * *out belongs to the caller: free it with newsdoc_doc_free().
 * Errors: NEWSDOC_EUSAGE (out is NULL), NEWSDOC_ENOMEM. */
NEWSDOC_API int newsdoc_doc_new(newsdoc_doc **out);
/* Free a document, its tree, metadata and media.  NULL is ignored. */
NEWSDOC_API void newsdoc_doc_free(newsdoc_doc *doc);
/* Deep copy of a document.  *out belongs to the caller. */
NEWSDOC_API int newsdoc_doc_clone(newsdoc_doc **out, const newsdoc_doc *doc);
/* The root (a BODY node), borrowed from the document.  Never NULL for a
 * valid document. */
NEWSDOC_API newsdoc_node *newsdoc_doc_root(newsdoc_doc *doc);
NEWSDOC_API const newsdoc_node *newsdoc_doc_root_const(const newsdoc_doc *doc);

/* --- Metadata ------------------------------------------------------------ */

/* The first value for `key`, or NULL.  Borrowed: valid until the key is
 * next changed or the document freed. */
NEWSDOC_API const char *newsdoc_meta_get(const newsdoc_doc *doc, const char *key);
/* How many values `key` has (0 when absent). */
NEWSDOC_API size_t newsdoc_meta_count(const newsdoc_doc *doc, const char *key);
/* The index-th value of `key` (0-based), or NULL.  Borrowed. */
NEWSDOC_API const char *newsdoc_meta_get_nth(const newsdoc_doc *doc, const char *key, size_t index);
/* Replace every value of `key` with one value (copied; len bytes of UTF-8,
 * no NUL inside).  Errors: NEWSDOC_EUSAGE (NULL key/value, empty key,
 * NUL inside, invalid UTF-8), NEWSDOC_ENOMEM. */
NEWSDOC_API int newsdoc_meta_set(newsdoc_doc *doc, const char *key, const char *value, size_t len);
/* Append one more value for `key` (authors, keywords).  Errors as above. */
NEWSDOC_API int newsdoc_meta_add(newsdoc_doc *doc, const char *key, const char *value, size_t len);
/* Remove every value of `key`.  Returns NEWSDOC_ENOTFOUND if none. */
NEWSDOC_API int newsdoc_meta_remove(newsdoc_doc *doc, const char *key);
/* All entries in order: the total number, and the index-th pair.  The
 * pointers are borrowed.  Returns NEWSDOC_ENOTFOUND past the end. */
NEWSDOC_API size_t newsdoc_meta_entry_count(const newsdoc_doc *doc);
NEWSDOC_API int newsdoc_meta_entry(const newsdoc_doc *doc, size_t index, const char **key_out, const char **value_out);

/* The document's direction from NEWSDOC_META_DIR (UNSET when absent or not
 * one of ltr/rtl/auto), and a setter that writes that key (UNSET removes). */
NEWSDOC_API newsdoc_dir newsdoc_doc_dir(const newsdoc_doc *doc);
NEWSDOC_API int newsdoc_doc_set_dir(newsdoc_doc *doc, newsdoc_dir dir);

/* --- Media ---------------------------------------------------------------- */

/* Add a resource; name, mime and the bytes are copied.  A name is a plain
 * file name (no '/', no "..", no control characters).  Figures and images
 * refer to it as "media:NAME".  Errors: NEWSDOC_EUSAGE (bad name),
 * NEWSDOC_EEXISTS (name taken), NEWSDOC_ENOMEM. */
NEWSDOC_API int newsdoc_media_add(newsdoc_doc *doc, const char *name, const char *mime,
                                  const void *data, size_t len);
NEWSDOC_API size_t newsdoc_media_count(const newsdoc_doc *doc);
/* The index-th resource; every out pointer may be NULL; all are borrowed.
 * Returns NEWSDOC_ENOTFOUND past the end. */
NEWSDOC_API int newsdoc_media_get(const newsdoc_doc *doc, size_t index, const char **name_out,
                                  const char **mime_out, const void **data_out, size_t *len_out);
/* Find a resource by name (with or without the "media:" prefix): its
 * index through index_out.  Returns NEWSDOC_ENOTFOUND when absent. */
NEWSDOC_API int newsdoc_media_find(const newsdoc_doc *doc, const char *name, size_t *index_out);
NEWSDOC_API int newsdoc_media_remove(newsdoc_doc *doc, const char *name);

/* --- Nodes ----------------------------------------------------------------- */

/* Create a detached node.  *out belongs to the caller until appended.
 * Errors: NEWSDOC_EUSAGE (unknown type, BODY), NEWSDOC_ENOMEM. */
NEWSDOC_API int newsdoc_node_new(newsdoc_node **out, newsdoc_node_type type);
/* Free a node and its subtree, unlinking it first.  Never free the root. */
NEWSDOC_API void newsdoc_node_free(newsdoc_node *node);
/* Deep copy of a subtree, detached.  *out belongs to the caller. */
NEWSDOC_API int newsdoc_node_clone(newsdoc_node **out, const newsdoc_node *node);

NEWSDOC_API newsdoc_node_type newsdoc_node_get_type(const newsdoc_node *node);
/* A static name such as "paragraph" (the JSON name); "none" for unknown. */
NEWSDOC_API const char *newsdoc_node_type_name(newsdoc_node_type type);
/* The type for a name, or NEWSDOC_NODE_NONE. */
NEWSDOC_API newsdoc_node_type newsdoc_node_type_from_name(const char *name);
NEWSDOC_API int newsdoc_node_is_block(newsdoc_node_type type);
NEWSDOC_API int newsdoc_node_is_inline(newsdoc_node_type type);
/* Whether a node of type `child` may be appended to a node of `parent`. */
NEWSDOC_API int newsdoc_node_can_contain(newsdoc_node_type parent, newsdoc_node_type child);

/* Navigation; all borrowed, NULL at the edges. */
NEWSDOC_API newsdoc_node *newsdoc_node_parent(const newsdoc_node *node);
NEWSDOC_API newsdoc_node *newsdoc_node_first_child(const newsdoc_node *node);
NEWSDOC_API newsdoc_node *newsdoc_node_last_child(const newsdoc_node *node);
NEWSDOC_API newsdoc_node *newsdoc_node_next(const newsdoc_node *node);
NEWSDOC_API newsdoc_node *newsdoc_node_previous(const newsdoc_node *node);
NEWSDOC_API size_t newsdoc_node_child_count(const newsdoc_node *node);

/* Tree changes.  `child` must be detached (else it is unlinked first) and
 * allowed in the new parent (newsdoc_node_can_contain), and must not be an
 * ancestor of the parent.  Errors: NEWSDOC_EUSAGE. */
NEWSDOC_API int newsdoc_node_append_child(newsdoc_node *parent, newsdoc_node *child);
NEWSDOC_API int newsdoc_node_prepend_child(newsdoc_node *parent, newsdoc_node *child);
NEWSDOC_API int newsdoc_node_insert_before(newsdoc_node *sibling, newsdoc_node *node);
NEWSDOC_API int newsdoc_node_insert_after(newsdoc_node *sibling, newsdoc_node *node);
/* Detach a node from its parent; it then belongs to the caller. */
NEWSDOC_API void newsdoc_node_unlink(newsdoc_node *node);

/* Attributes.  Setters copy; getters return borrowed pointers (NULL when
 * unset) valid until the attribute is next set or the node freed.
 * Setters return NEWSDOC_EUSAGE when the attribute does not apply to the
 * node's type, NEWSDOC_ENOMEM when out of memory.
 *
 * literal  TEXT, CODE, CODE_BLOCK, RAW_BLOCK, RAW_INLINE: the content
 *          (any bytes of valid UTF-8, length-counted)
 * url      LINK (target), IMAGE and FIGURE (source: "media:NAME" or a URL)
 * title    LINK, IMAGE, FIGURE (tooltip / alt text for images)
 * info     CODE_BLOCK (language of the code), RAW_BLOCK/RAW_INLINE (the
 *          raw format, e.g. "html")
 * id       any block, SPAN: an anchor name
 * lang     any node: BCP 47 tag where it differs from the parent
 */
NEWSDOC_API const char *newsdoc_node_get_literal(const newsdoc_node *node, size_t *len_out);
NEWSDOC_API int newsdoc_node_set_literal(newsdoc_node *node, const char *data, size_t len);
NEWSDOC_API const char *newsdoc_node_get_url(const newsdoc_node *node);
NEWSDOC_API int newsdoc_node_set_url(newsdoc_node *node, const char *url);
NEWSDOC_API const char *newsdoc_node_get_title(const newsdoc_node *node);
NEWSDOC_API int newsdoc_node_set_title(newsdoc_node *node, const char *title);
NEWSDOC_API const char *newsdoc_node_get_info(const newsdoc_node *node);
NEWSDOC_API int newsdoc_node_set_info(newsdoc_node *node, const char *info);
NEWSDOC_API const char *newsdoc_node_get_id(const newsdoc_node *node);
NEWSDOC_API int newsdoc_node_set_id(newsdoc_node *node, const char *id);
NEWSDOC_API const char *newsdoc_node_get_lang(const newsdoc_node *node);
NEWSDOC_API int newsdoc_node_set_lang(newsdoc_node *node, const char *lang);
NEWSDOC_API newsdoc_dir newsdoc_node_get_dir(const newsdoc_node *node);
NEWSDOC_API int newsdoc_node_set_dir(newsdoc_node *node, newsdoc_dir dir);
/* The language/direction in force at a node: its own, else the nearest
 * ancestor's, else the document's metadata (doc may be NULL), else
 * NULL / NEWSDOC_DIR_UNSET. */
NEWSDOC_API const char *newsdoc_node_effective_lang(const newsdoc_node *node, const newsdoc_doc *doc);
NEWSDOC_API newsdoc_dir newsdoc_node_effective_dir(const newsdoc_node *node, const newsdoc_doc *doc);

/* SECTION: level 1..6.  Returns 0 for other types. */
NEWSDOC_API int newsdoc_node_get_level(const newsdoc_node *node);
NEWSDOC_API int newsdoc_node_set_level(newsdoc_node *node, int level);
/* SECTION: its HEADING child (borrowed), or NULL. */
NEWSDOC_API newsdoc_node *newsdoc_node_section_heading(const newsdoc_node *section);

/* LIST: type, start number (ordered lists; default 1), tight (1 when items
 * are not separated by blank lines in Markdown; default 1). */
NEWSDOC_API newsdoc_list_type newsdoc_node_get_list_type(const newsdoc_node *node);
NEWSDOC_API int newsdoc_node_set_list_type(newsdoc_node *node, newsdoc_list_type type);
NEWSDOC_API int newsdoc_node_get_list_start(const newsdoc_node *node);
NEWSDOC_API int newsdoc_node_set_list_start(newsdoc_node *node, int start);
NEWSDOC_API int newsdoc_node_get_list_tight(const newsdoc_node *node);
NEWSDOC_API int newsdoc_node_set_list_tight(newsdoc_node *node, int tight);

/* TABLE: column alignments (the number of columns is `count`). */
NEWSDOC_API size_t newsdoc_node_get_column_count(const newsdoc_node *table);
NEWSDOC_API newsdoc_align newsdoc_node_get_column_align(const newsdoc_node *table, size_t column);
NEWSDOC_API int newsdoc_node_set_column_aligns(newsdoc_node *table, const newsdoc_align *aligns, size_t count);
/* TABLE_ROW: whether it is a header row. */
NEWSDOC_API int newsdoc_node_get_header(const newsdoc_node *row);
NEWSDOC_API int newsdoc_node_set_header(newsdoc_node *row, int header);
/* TABLE_CELL: spans (default 1, at most 1000). */
NEWSDOC_API int newsdoc_node_get_colspan(const newsdoc_node *cell);
NEWSDOC_API int newsdoc_node_get_rowspan(const newsdoc_node *cell);
NEWSDOC_API int newsdoc_node_set_spans(newsdoc_node *cell, int colspan, int rowspan);

/* The plain text of a subtree: text, code and raw content in order, a
 * space for soft breaks, a newline for line breaks and between blocks.
 * Notes are left out.  *out is NUL-terminated, belongs to the caller and
 * is freed with newsdoc_free(); *len_out (may be NULL) is its length. */
NEWSDOC_API int newsdoc_node_text(const newsdoc_node *node, char **out, size_t *len_out);

/* --- Iteration ------------------------------------------------------------- */

typedef enum newsdoc_event {
  NEWSDOC_EVENT_NONE = 0,
  NEWSDOC_EVENT_DONE = 1,
  NEWSDOC_EVENT_ENTER = 2,
  NEWSDOC_EVENT_EXIT = 3
} newsdoc_event;

/* An iterator over the subtree at `root`, in document order: ENTER for
 * every node, then EXIT for nodes that can have children (leaf nodes get
 * ENTER only), then DONE.  *out belongs to the caller (newsdoc_iter_free).
 * Changing the tree while iterating is safe only for the current node's
 * attributes and for nodes already exited (as with cmark_iter). */
NEWSDOC_API int newsdoc_iter_new(newsdoc_iter **out, newsdoc_node *root);
NEWSDOC_API void newsdoc_iter_free(newsdoc_iter *iter);
NEWSDOC_API newsdoc_event newsdoc_iter_next(newsdoc_iter *iter);
/* The node of the last event (borrowed) and the event itself. */
NEWSDOC_API newsdoc_node *newsdoc_iter_node(const newsdoc_iter *iter);
NEWSDOC_API newsdoc_event newsdoc_iter_event(const newsdoc_iter *iter);
/* Depth of the current node below the root (root = 0). */
NEWSDOC_API size_t newsdoc_iter_depth(const newsdoc_iter *iter);
/* Continue from `node` with `event` (node must be inside the root). */
NEWSDOC_API void newsdoc_iter_reset(newsdoc_iter *iter, newsdoc_node *node, newsdoc_event event);

#ifdef __cplusplus
}
#endif
#endif
