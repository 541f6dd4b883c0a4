/* xmlesc.c - escaping for XML and HTML output; what XML forbids is dropped. */
#include "../internal.h"

/* Characters dropped: C0 controls but TAB/LF/CR, DEL and the C1 controls
 * (allowed by XML 1.0 but errors in HTML), surrogates, U+FFFE/U+FFFF.
 * Invalid UTF-8 becomes U+FFFD. */
static size_t escape(nd_buf *b, const char *s, size_t len, int attr) {
  size_t i = 0, start = 0, bad = 0;
  while (i < len) {
    unsigned char c = (unsigned char)s[i];
    const char *rep;
    size_t at = i;
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
