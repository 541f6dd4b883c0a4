/* xmlesc.c - escaping for XML and HTML output; what XML forbids is dropped. */
#include "../internal.h"

/* Characters dropped: C0 controls but TAB/LF/CR, DEL and the C1 controls
 * (allowed by XML 1.0 but errors in HTML), surrogates, U+FFFE/U+FFFF.
 * Invalid UTF-8 becomes U+FFFD. */
static int cont(unsigned char c) { return (c & 0xC0) == 0x80; }

/* The modes, and the bit of PLAIN saying a byte is copied as it is. */
enum { M_TEXT = 1, M_QUOT = 2, M_ATTR = 4 };

/* ASCII bytes copied unchanged: printable but & < > (all modes), " (not
 * in QUOT and ATTR), and TAB and LF in TEXT and QUOT.  Bytes from 0x80 are
 * 0: UTF-8 is looked at by sequence. */
#define P_(c)                                                                                                  \
  (((c) >= 0x20 && (c) < 0x7F && (c) != '&' && (c) != '<' && (c) != '>' && (c) != '"')   ? 7                 \
   : (c) == '"'                                                                         ? M_TEXT            \
   : ((c) == '\t' || (c) == '\n')                                                       ? (M_TEXT | M_QUOT) \
                                                                                        : 0)
#define P4_(c) P_(c), P_((c) + 1), P_((c) + 2), P_((c) + 3)
#define P16_(c) P4_(c), P4_((c) + 4), P4_((c) + 8), P4_((c) + 12)
static const unsigned char PLAIN[256] = {P16_(0x00), P16_(0x10), P16_(0x20), P16_(0x30),
                                         P16_(0x40), P16_(0x50), P16_(0x60), P16_(0x70)};

static size_t escape(nd_buf *b, const char *str, size_t len, int mode) {
  const unsigned char *u = (const unsigned char *)str;
  const char *s = str;
  size_t i = 0, start = 0, bad = 0;
  int attr = mode == M_ATTR;
  while (i < len) {
    unsigned c = u[i];
    const char *rep;
    size_t at = i;
    /* Fast paths: bytes copied as they are, and well-formed 2- and 3-byte
     * sequences that are allowed (not C1 controls, surrogates,
     * U+FFFE/U+FFFF). */
    if (PLAIN[c] & mode) {
      i++;
      continue;
    }
    if (c >= 0x80) {
      if (c >= 0xC3 && c <= 0xDF) {
        if (i + 1 < len && cont(u[i + 1])) {
          i += 2;
          continue;
        }
      } else if (c == 0xC2) {
        if (i + 1 < len && u[i + 1] >= 0xA0 && u[i + 1] <= 0xBF) {
          i += 2;
          continue;
        }
      } else if (c >= 0xE0 && c <= 0xEF && i + 2 < len && cont(u[i + 1]) && cont(u[i + 2]) &&
                 !(c == 0xE0 && u[i + 1] < 0xA0) && !(c == 0xED && u[i + 1] >= 0xA0) &&
                 !(c == 0xEF && u[i + 1] == 0xBF && u[i + 2] >= 0xBE)) {
        i += 3;
        continue;
      }
      uint32_t cp = nd_utf8_next(s, len, &i);
      int real = cp != 0xFFFD || (i - at == 3);
      if (!real) { rep = "\xEF\xBF\xBD"; bad++; }
      else if (!nd_xml_char_ok(cp) || (cp >= 0x80 && cp <= 0x9F)) { rep = ""; bad++; }
      else continue;
    } else {
      i++;
      if (c == '&') rep = "&amp;";
      else if (c == '<') rep = "&lt;";
      else if (c == '>') rep = "&gt;";
      else if (c == '"') rep = "&quot;";
      else if (c == '\n' && attr) rep = "&#10;";
      else if (c == '\t' && attr) rep = "&#9;";
      else if (c == '\r') rep = "&#13;";
      else { rep = ""; bad++; } /* C0 controls but TAB/LF/CR, and DEL */
    }
    nd_buf_put(b, s + start, at - start);
    nd_buf_puts(b, rep);
    start = i;
  }
  nd_buf_put(b, s + start, len - start);
  return bad;
}

size_t nd_xml_escape(nd_buf *b, const char *s, size_t len) { return escape(b, s, len, M_TEXT); }
size_t nd_xml_escape_attr(nd_buf *b, const char *s, size_t len) { return escape(b, s, len, M_ATTR); }
size_t nd_xml_escape_quot(nd_buf *b, const char *s, size_t len) { return escape(b, s, len, M_QUOT); }
