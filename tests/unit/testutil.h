/* testutil.h - helpers shared by the unit tests. */
#ifndef NEWSDOC_TESTUTIL_H
#define NEWSDOC_TESTUTIL_H
#include <stddef.h>
#include <newsdoc/newsdoc.h>

/* Path of a file under ../shared (NEWSDOC_SHARED), or NULL when the shared
 * folder is absent.  Static buffer. */
const char *tu_shared(const char *rel);
/* Read a whole file; returns malloc'd data (NUL-terminated) or NULL. */
char *tu_read_file(const char *path, size_t *len);
/* The document as canonical JSON (malloc'd), or NULL. */
char *tu_json(const newsdoc_doc *doc);
/* A one-line-per-node outline like the sample's .outline file: lang, dir,
 * byline, then H<level> <text> for sections and P for paragraphs. */
char *tu_outline(const newsdoc_doc *doc);
/* Tree builders for fixtures (Criterion asserts on failure): a new node of
 * type t appended to parent, and a TEXT node holding s. */
newsdoc_node *tu_add(newsdoc_node *parent, newsdoc_node_type t);
newsdoc_node *tu_text(newsdoc_node *parent, const char *s);
#endif
