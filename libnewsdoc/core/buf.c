/* buf.c - a growable byte buffer that remembers allocation failure. */
#include <stdio.h>

#include "../internal.h"

void nd_buf_init(nd_buf *b) {
  b->data = NULL;
  b->len = b->cap = 0;
  b->failed = 0;
}

void nd_buf_free(nd_buf *b) {
  nd_free(b->data);
  nd_buf_init(b);
}

void nd_buf_clear(nd_buf *b) {
  b->len = 0;
  if (b->data) b->data[0] = 0;
}

int nd_buf_reserve(nd_buf *b, size_t extra) {
  if (b->failed) return NEWSDOC_ENOMEM;
  if (extra >= (size_t)-1 / 2 - b->len) goto fail;
  size_t need = b->len + extra + 1;
  if (need <= b->cap) return 0;
  size_t cap = b->cap ? b->cap : 64;
  while (cap < need) cap += cap / 2 + 64;
  char *p = nd_realloc(b->data, cap);
  if (!p) goto fail;
  b->data = p;
  b->cap = cap;
  return 0;
fail:
  b->failed = 1;
  return NEWSDOC_ENOMEM;
}

void nd_buf_put_slow(nd_buf *b, const void *data, size_t len) {
  if (!len || nd_buf_reserve(b, len)) return;
  memcpy(b->data + b->len, data, len);
  b->len += len;
  b->data[b->len] = 0;
}

void nd_buf_putc_slow(nd_buf *b, char c) {
  if (nd_buf_reserve(b, 1)) return;
  b->data[b->len++] = c;
  b->data[b->len] = 0;
}

void nd_buf_printf(nd_buf *b, const char *fmt, ...) {
  va_list ap;
  char small[256];
  va_start(ap, fmt);
  int n = vsnprintf(small, sizeof small, fmt, ap);
  va_end(ap);
  if (n < 0) return;
  if ((size_t)n < sizeof small) {
    nd_buf_put(b, small, (size_t)n);
    return;
  }
  if (nd_buf_reserve(b, (size_t)n)) return;
  va_start(ap, fmt);
  vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
  va_end(ap);
  b->len += (size_t)n;
}

void nd_buf_put_utf8(nd_buf *b, uint32_t cp) {
  char t[4];
  size_t n;
  if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
  if (cp < 0x80) { t[0] = (char)cp; n = 1; }
  else if (cp < 0x800) { t[0] = (char)(0xC0 | (cp >> 6)); t[1] = (char)(0x80 | (cp & 0x3F)); n = 2; }
  else if (cp < 0x10000) {
    t[0] = (char)(0xE0 | (cp >> 12)); t[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    t[2] = (char)(0x80 | (cp & 0x3F)); n = 3;
  } else {
    t[0] = (char)(0xF0 | (cp >> 18)); t[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    t[2] = (char)(0x80 | ((cp >> 6) & 0x3F)); t[3] = (char)(0x80 | (cp & 0x3F)); n = 4;
  }
  nd_buf_put(b, t, n);
}

char *nd_buf_detach(nd_buf *b, size_t *len_out) {
  if (b->failed) {
    nd_buf_free(b);
    return NULL;
  }
  if (!b->data && nd_buf_reserve(b, 0)) return NULL;
  b->data[b->len] = 0;
  char *p = b->data;
  if (len_out) *len_out = b->len;
  nd_buf_init(b);
  return p;
}
