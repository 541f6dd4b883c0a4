/* text.h - what the text format's files share (formats/text/). */
#ifndef ND_FORMAT_TEXT_H
#define ND_FORMAT_TEXT_H

#include "../../internal.h"

int nd_text_read(newsdoc_doc **out, const char *data, size_t len, newsdoc_ctx *ctx, void *ud);
int nd_text_write(const newsdoc_doc *doc, newsdoc_sink *sink, newsdoc_ctx *ctx, void *ud);

/* ---- byline markers (markers.c) ------------------------------------------ */
/* Find a byline marker in s[0..len) at a word boundary.  at_start: only at
 * the very start (after leading spaces).  On success returns 1 with the
 * marker's byte range in *mstart and *mend. */
int nd_text_find_marker(const char *s, size_t len, int at_start, size_t *mstart, size_t *mend);
/* The marker to write before the authors' names for a language (e.g. "By"
 * for en, "بقلم" for ar); never NULL. */
const char *nd_text_marker_for_lang(const char *lang);

/* ---- inline markup (inline.c) ---------------------------------------------- */
/* Append the inlines of s[0..len) to parent: **strong**, *emphasis*, bare
 * URLs as links, the rest as text.  0 or NEWSDOC_ENOMEM. */
int nd_text_inlines(newsdoc_node *parent, const char *s, size_t len);

/* ---- display width (width.c) ----------------------------------------------- */
/* Grapheme clusters in UTF-8 text (ICU character break iterator, reused
 * through the state).  ASCII is measured without ICU. */
typedef struct nd_width_state nd_width_state;
nd_width_state *nd_width_open(void);
void nd_width_close(nd_width_state *w);
size_t nd_text_width(nd_width_state *w, const char *s, size_t len);
/* The same from the Grapheme_Cluster_Break property (UAX #29 rules), no
 * iterator: what the reader uses on every line. */
size_t nd_text_width_fast(const char *s, size_t len);

#endif
