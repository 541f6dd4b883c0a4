/* docx.h - what the DOCX reader, writer and format share. */
#ifndef ND_DOCX_H
#define ND_DOCX_H

#include <stdio.h>
#include <strings.h>

#include "../../internal.h"
#include "../../core/ucache.h"

/* WordprocessingML namespaces, transitional and ISO 29500 Strict. */
#define ND_NS_W "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
#define ND_NS_W_STRICT "http://purl.oclc.org/ooxml/wordprocessingml/main"
#define ND_NS_R "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#define ND_NS_R_STRICT "http://purl.oclc.org/ooxml/officeDocument/relationships"
#define ND_NS_WP "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
#define ND_NS_A "http://schemas.openxmlformats.org/drawingml/2006/main"
#define ND_NS_PIC "http://schemas.openxmlformats.org/drawingml/2006/picture"
#define ND_NS_PKG_REL "http://schemas.openxmlformats.org/package/2006/relationships"

#define ND_DOCX_MIME "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

int nd_docx_read(newsdoc_doc **out, const char *data, size_t len, newsdoc_ctx *ctx, void *ud);
int nd_docx_write(const newsdoc_doc *doc, newsdoc_sink *sink, newsdoc_ctx *ctx, void *ud);

/* word/styles.xml for the writer (styles.c). */
void nd_docx_styles(nd_buf *b, const char *lang_val, const char *lang_bidi, int rtl);

/* Direction of one code point: 1 strong left-to-right, 2 strong
 * right-to-left (Hebrew, Arabic, ...), 0 weak or neutral. */
int nd_docx_cp_dir(uint32_t cp);
/* The direction of the character at s[*i], advancing *i past it (invalid
 * UTF-8 as nd_utf8_next takes it): ASCII here, the rest by core/ucache.h. */
static inline int nd_docx_next_dir(const char *s, size_t len, size_t *i) {
  unsigned c = (unsigned char)s[*i];
  if (c < 0x80) {
    (*i)++;
    return ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') ? 1 : 0;
  }
  return nd_docx_cp_dir(nd_ucp_next(s, len, i));
}
/* The direction of the first strong character of s, 0 when none. */
int nd_docx_text_dir(const char *s, size_t len);
/* Whether a BCP 47 tag names a right-to-left language. */
int nd_docx_lang_rtl(const char *lang);

#endif
