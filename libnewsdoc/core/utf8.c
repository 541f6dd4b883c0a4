/* utf8.c - UTF-8 decoding and validation. */
#include "../internal.h"

uint32_t nd_utf8_next(const char *str, size_t len, size_t *i) {
  const unsigned char *s = (const unsigned char *)str;
  size_t p = *i;
  unsigned c = s[p];
  if (c < 0x80) { *i = p + 1; return c; }
  size_t n;
  uint32_t cp, min;
  if (c >= 0xC2 && c <= 0xDF) { n = 1; cp = c & 0x1F; min = 0x80; }
  else if (c >= 0xE0 && c <= 0xEF) { n = 2; cp = c & 0x0F; min = 0x800; }
  else if (c >= 0xF0 && c <= 0xF4) { n = 3; cp = c & 0x07; min = 0x10000; }
  else { *i = p + 1; return 0xFFFD; }
  for (size_t k = 1; k <= n; k++) {
    if (p + k >= len || (s[p + k] & 0xC0) != 0x80) { *i = p + 1; return 0xFFFD; }
    cp = (cp << 6) | (s[p + k] & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) { *i = p + 1; return 0xFFFD; }
  *i = p + n + 1;
  return cp;
}

static int is_real_fffd(const char *s, size_t len, size_t at) {
  return at + 2 < len && (unsigned char)s[at] == 0xEF && (unsigned char)s[at + 1] == 0xBF &&
         (unsigned char)s[at + 2] == 0xBD;
}

int nd_utf8_valid(const char *s, size_t len) {
  size_t i = 0;
  while (i < len) {
    if ((unsigned char)s[i] < 0x80) { i++; continue; }
    size_t at = i;
    uint32_t cp = nd_utf8_next(s, len, &i);
    if (cp == 0xFFFD && !is_real_fffd(s, len, at)) return 0;
  }
  return 1;
}

size_t nd_utf8_sanitize(nd_buf *b, const char *s, size_t len) {
  size_t i = 0, start = 0, bad = 0;
  while (i < len) {
    if ((unsigned char)s[i] < 0x80) { i++; continue; }
    size_t at = i;
    uint32_t cp = nd_utf8_next(s, len, &i);
    if (cp == 0xFFFD && !is_real_fffd(s, len, at)) {
      nd_buf_put(b, s + start, at - start);
      nd_buf_put(b, "\xEF\xBF\xBD", 3);
      start = i;
      bad++;
    }
  }
  nd_buf_put(b, s + start, len - start);
  return bad;
}

int nd_xml_char_ok(uint32_t cp) {
  if (cp < 0x20) return cp == 0x9 || cp == 0xA || cp == 0xD;
  if (cp >= 0xD800 && cp <= 0xDFFF) return 0;
  if (cp == 0xFFFE || cp == 0xFFFF) return 0;
  return cp <= 0x10FFFF;
}
