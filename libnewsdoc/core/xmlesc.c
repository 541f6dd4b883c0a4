/* xmlesc.c - escaping for XML and HTML output; what XML forbids is dropped. */
#include "../internal.h"

/* Characters dropped: C0 controls but TAB/LF/CR, DEL and the C1 controls
 * (allowed by XML 1.0 but errors in HTML), surrogates, U+FFFE/U+FFFF.
 * Invalid UTF-8 becomes U+FFFD. */
static int cont(unsigned char c) { return (c & 0xC0) == 0x80; }

static size_t escape(nd_buf *b, const char *str, size_t len, int attr) {
  const unsigned char *u = (const unsigned char *)str;
  const char *s = str;
  size_t i = 0, start = 0, bad = 0;
  while (i < len) {
    unsigned char c = u[i];
    const char *rep;
    size_t at = i;
    /* Fast paths: plain ASCII, and well-formed 2- and 3-byte sequences
     * that are allowed (not C1 controls, surrogates, U+FFFE/U+FFFF). */
    if (c >= 0x20 && c < 0x7F && c != '&' && c != '<' && c != '>' && c != '"') {
      i++;
      continue;
    }
    if (c >= 0xC2 && c <= 0xDF && i + 1 < len && cont(u[i + 1]) && !(c == 0xC2 && u[i + 1] <= 0x9F)) {
      i += 2;
      continue;
    }
    if (c >= 0xE0 && c <= 0xEF && i + 2 < len && cont(u[i + 1]) && cont(u[i + 2]) && !(c == 0xE0 && u[i + 1] < 0xA0) &&
        !(c == 0xED && u[i + 1] >= 0xA0) && !(c == 0xEF && u[i + 1] == 0xBF && u[i + 2] >= 0xBE)) {
      i += 3;
      continue;
    }
    if (c < 0x80) {
      i++;
      if (c == '&') rep = "&amp;";
      else if (c == '<') rep = "&lt;";
      else if (c == '>') rep = "&gt;";
      else if (c == '"' && attr) rep = "&quot;";
      else if (c == '\n' && attr) rep = "&#10;";
      else if (c == '\t' && attr) rep = "&#9;";
      else if (c == '\r') rep = "&#13;";
      else if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7F) { rep = ""; bad++; }
      else continue;
    } else {
      uint32_t cp = nd_utf8_next(s, len, &i);
      int real = cp != 0xFFFD || (i - at == 3);
      if (!real) { rep = "\xEF\xBF\xBD"; bad++; }
      else if (!nd_xml_char_ok(cp) || (cp >= 0x80 && cp <= 0x9F)) { rep = ""; bad++; }
      else continue;
    }
    nd_buf_put(b, s + start, at - start);
    nd_buf_puts(b, rep);
    start = i;
  }
  nd_buf_put(b, s + start, len - start);
  return bad;
}

size_t nd_xml_escape(nd_buf *b, const char *s, size_t len) { return escape(b, s, len, 0); }
size_t nd_xml_escape_attr(nd_buf *b, const char *s, size_t len) { return escape(b, s, len, 1); }
