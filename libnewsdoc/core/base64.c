/* base64.c - RFC 4648 base64 for JSON media and data: URIs. */
#include "../internal.h"

static const char B64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void nd_base64_encode(nd_buf *b, const void *data, size_t len) {
  const unsigned char *p = data;
  if (nd_buf_reserve(b, (len + 2) / 3 * 4)) return;
  char *o = b->data + b->len;
  size_t i = 0;
  for (; i + 2 < len; i += 3) {
    uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];
    *o++ = B64[v >> 18]; *o++ = B64[(v >> 12) & 63]; *o++ = B64[(v >> 6) & 63]; *o++ = B64[v & 63];
  }
  if (i < len) {
    uint32_t v = (uint32_t)p[i] << 16 | (i + 1 < len ? (uint32_t)p[i + 1] << 8 : 0);
    *o++ = B64[v >> 18]; *o++ = B64[(v >> 12) & 63];
    *o++ = i + 1 < len ? B64[(v >> 6) & 63] : '=';
    *o++ = '=';
  }
  b->len = (size_t)(o - b->data);
  b->data[b->len] = 0;
}

static int b64val(unsigned char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+' || c == '-') return 62;
  if (c == '/' || c == '_') return 63;
  return -1;
}

int nd_base64_decode(nd_buf *out, const char *s, size_t len) {
  uint32_t acc = 0;
  int bits = 0, pad = 0;
  size_t chars = 0;
  if (nd_buf_reserve(out, len / 4 * 3 + 3)) return nd_oom("base64");
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t') continue;
    if (c == '=') { pad++; continue; }
    int v = b64val(c);
    if (v < 0 || pad) return newsdoc_error_set(NEWSDOC_EMALFORMED, "base64: invalid character at offset %zu", i);
    chars++;
    acc = (acc << 6) | (uint32_t)v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out->data[out->len++] = (char)((acc >> bits) & 0xFF);
    }
  }
  /* Unpadded input may end after 2 or 3 characters of a group; padded
   * input must pad exactly to a whole group. */
  if (pad > 2 || chars % 4 == 1 || (pad && (size_t)pad != (4 - chars % 4) % 4))
    return newsdoc_error_set(NEWSDOC_EMALFORMED, "base64: truncated data or wrong padding");
  if (out->data) out->data[out->len] = 0;
  return 0;
}
