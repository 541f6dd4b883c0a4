/* ucache.h - ICU character properties of the code points news text is made
 * of (U+0000-U+07FF: Latin, Greek, Cyrillic, Armenian, Hebrew, Arabic,
 * Syriac, Thaana, NKo; U+2000-U+207F: spaces, ZWNJ/ZWJ, marks, quotes),
 * read from ICU once per process into a table, so the per-character loops
 * (direction, script, grapheme breaks, NFC quick check) cost a load instead
 * of several ICU calls.  Everything else goes to ICU directly. */
#ifndef NEWSDOC_UCACHE_H
#define NEWSDOC_UCACHE_H
#include <stdatomic.h>

#include "../internal.h"

typedef struct nd_ucp {
  uint8_t dir;    /* UCharDirection (u_charDirection) */
  uint8_t gcb;    /* UGraphemeClusterBreak */
  uint8_t script; /* UScriptCode, or ND_UCP_SCRIPT_OTHER when it does not fit */
  uint8_t ccc;    /* canonical combining class */
  uint8_t flags;  /* ND_UCP_* */
} nd_ucp;

#define ND_UCP_ALPHA 0x1  /* u_isalpha */
#define ND_UCP_PICT 0x2   /* Extended_Pictographic */
#define ND_UCP_NFC_YES 0x4 /* NFC_Quick_Check = Yes */
#define ND_UCP_SCRIPT_OTHER 0xFF

/* The table, filled from ICU a block of 64 code points at a time, the first
 * time a block is asked for (thread-safe); a one-file process pays only for
 * the blocks its text uses. */
#define ND_UCACHE_N (0x800 + 0x80)
#define ND_UCACHE_BLOCK 64
#define ND_UCACHE_BLOCKS (ND_UCACHE_N / ND_UCACHE_BLOCK)
extern nd_ucp nd_ucache_table[ND_UCACHE_N];
extern atomic_uchar nd_ucache_ready[ND_UCACHE_BLOCKS];
const nd_ucp *nd_ucache_fill(size_t block);

/* The properties of cp, or NULL when cp is not cached (ask ICU). */
static inline const nd_ucp *nd_ucp_get(uint32_t cp) {
  size_t k;
  if (cp < 0x800) k = cp;
  else if (cp - 0x2000u < 0x80u) k = 0x800 + (cp - 0x2000u);
  else return 0;
  size_t b = k / ND_UCACHE_BLOCK;
  if (!atomic_load_explicit(&nd_ucache_ready[b], memory_order_acquire)) nd_ucache_fill(b);
  return &nd_ucache_table[k];
}

/* Decodes the code point at s[*i] (len bytes in all) and advances *i: two-
 * byte sequences inline, anything else through nd_utf8_next (same results). */
static inline uint32_t nd_ucp_next(const char *s, size_t len, size_t *i) {
  const unsigned char *u = (const unsigned char *)s + *i;
  if (u[0] >= 0xC2 && u[0] <= 0xDF && *i + 1 < len && (u[1] & 0xC0) == 0x80) {
    *i += 2;
    return ((uint32_t)(u[0] & 0x1F) << 6) | (u[1] & 0x3F);
  }
  return nd_utf8_next(s, len, i);
}

/* 1 when s is certainly NFC (UAX #15 quick check: every code point
 * NFC_QC=Yes and combining marks in canonical order), 0 when it may not be
 * (or holds code points outside the table): then ask ICU. */
int nd_nfc_quick(const char *s, size_t len);
#endif
