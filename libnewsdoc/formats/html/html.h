/* html.h - what the files of the html format share.  nd_html_render() and
 * nd_html_parse_into() themselves are declared in internal.h (the EPUB
 * format uses them too). */
#ifndef ND_HTML_H
#define ND_HTML_H
#include "../../internal.h"

/* format.c's callbacks */
int nd_html_read(newsdoc_doc **out, const char *data, size_t len, newsdoc_ctx *ctx, void *ud);
int nd_html_write(const newsdoc_doc *doc, newsdoc_sink *sink, newsdoc_ctx *ctx, void *ud);

/* The built-in stylesheet (stylesheet.c): logical CSS properties only, so
 * one sheet serves right-to-left and left-to-right pages. */
extern const char nd_html_stylesheet[];

/* bidi.c: the bidi class of a code point reduced to what we need. */
enum { ND_BIDI_L = 1, ND_BIDI_R = 2, ND_BIDI_NUM = 3, ND_BIDI_SEP = 4, ND_BIDI_MARK = 5,
       ND_BIDI_BREAK = 6, ND_BIDI_FMT = 7, ND_BIDI_OTHER = 0,
       ND_BIDI_CLASS = 7, /* the class bits, and a flag used inside bidi.c: */
       ND_BIDI_ESC = 16 /* the escaper would not copy the character as it is */ };
int nd_html_bidi_class(uint32_t cp);
/* Counts of strong LTR and RTL characters in s. */
void nd_html_bidi_count(const char *s, size_t len, size_t *ltr, size_t *rtl);
/* The same, and whether nd_xml_escape_quot() would change s (1) or copy it
 * as it is (0). */
int nd_html_bidi_scan(const char *s, size_t len, size_t *ltr, size_t *rtl);
/* Find the next run of characters whose strong direction is `opp`
 * (NEWSDOC_DIR_LTR or _RTL) in s[from..len): its start and end byte
 * offsets, trailing numbers included.  Returns 0 when there is none.
 * *esc_before (the text before the run, or up to len when there is no
 * run) and *esc_run (the run) are 0 when nd_xml_escape_quot() would copy
 * that text unchanged, so it can be copied as it is. */
int nd_html_bidi_next_run(const char *s, size_t len, size_t from, newsdoc_dir opp, size_t *start, size_t *end,
                          int *esc_before, int *esc_run);

/* What nd_xml_escape_quot() writes, the runs it would copy copied as
 * they are. */
void nd_html_escape_quot(nd_buf *b, const char *s, size_t len);

/* Whether a URL is unsafe as a live link or image source: javascript:,
 * vbscript:, file:, data: other than data:image/(png|jpeg|gif|webp). */
int nd_html_url_unsafe(const char *url);
/* cmark's href escaping: keep -_.+!*(),%#@?=;:/$ and alphanumerics,
 * & -> &amp;, ' -> &#x27;, everything else %XX. */
void nd_html_escape_href(nd_buf *b, const char *s, size_t len);
/* Raw HTML made inert (rawfilter.c): dangerous tags get their "<"
 * escaped; returns how many tags were neutralised. */
size_t nd_html_raw_safe(nd_buf *b, const char *s, size_t len);

#endif
