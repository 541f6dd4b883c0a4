/* markdown.h - what the Markdown format's files share. */
#ifndef ND_MARKDOWN_H
#define ND_MARKDOWN_H

#include "../../internal.h"

int nd_md_read(newsdoc_doc **out, const char *data, size_t len, newsdoc_ctx *ctx, void *userdata);
int nd_md_write(const newsdoc_doc *doc, newsdoc_sink *sink, newsdoc_ctx *ctx, void *userdata);

/* Front matter (frontmatter.c).  nd_md_frontmatter_find: when `src` starts
 * with a YAML block ("---" line, a non-blank line, ..., "---" or "..."),
 * stores the YAML text's offset/length and the offset where the Markdown
 * body starts; returns 1, else 0. */
int nd_md_frontmatter_find(const char *src, size_t len, size_t *yaml_off, size_t *yaml_len, size_t *body_off);
/* Parse the YAML into the document's metadata.  Returns 0, 1 when the YAML
 * is valid but not a mapping (then it is not front matter), or an error:
 * NEWSDOC_EMALFORMED (with the line), NEWSDOC_ELIMIT_DEPTH, NEWSDOC_ENOMEM. */
int nd_md_frontmatter_read(newsdoc_doc *doc, const char *yaml, size_t len, newsdoc_ctx *ctx);
/* Write the document's metadata as a YAML block ("---" ... "---"), or
 * nothing when there is none. */
void nd_md_frontmatter_write(const newsdoc_doc *doc, nd_buf *out);

/* Markdown inline text -> plain text (entities and escapes resolved, markup
 * dropped, breaks as spaces): how front-matter values are read, the way
 * pandoc reads them as Markdown. */
int nd_md_plain(nd_buf *out, const char *s, size_t len);
/* Escape plain text so that a Markdown reader (and pandoc) reads it back
 * as the same text.  line_start: s begins a line. */
void nd_md_escape_text(nd_buf *out, const char *s, size_t len, int line_start, int in_table);
/* At the start of a line: the offset (from i) of the character that must
 * be escaped so that s does not start a block there, or (size_t)-1. */
size_t nd_md_line_start_escape(const char *s, size_t len, size_t i);

/* md4c 0.4.8 reads the byte after the text it parses when the text does
 * not end in a line feed, and acts on it: a ')' there closes "[a](b" as a
 * link ending past the input, after which md4c reads past its own arrays
 * (text sizes of gigabytes, crashes); a '.' after "10" makes a list
 * (tests/fuzz/md4c/md4c_overread.c).  Points *s at text md_parse() may be
 * given for s[0..len): s itself when it ends in '\n', "" when empty, else
 * a copy in tmp, which a NUL follows.  Returns 0 or NEWSDOC_ENOMEM. */
int nd_md_text_for_md4c(nd_buf *tmp, const char **s, size_t len);

/* Decode an entity reference ("&amp;", "&#65;", "&#x41;") into b;
 * unknown names are copied as they are. */
void nd_md_put_entity(nd_buf *b, const char *s, size_t len);
#endif
