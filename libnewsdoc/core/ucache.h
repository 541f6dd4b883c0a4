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

/* Vector scans (AVX2, chosen at run time; elsewhere the loops a
 * character at a time do all the work). */
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define ND_AVX2 1
#define ND_TARGET_AVX2 __attribute__((target("avx2,popcnt")))
/* 1 when the processor has AVX2 and POPCNT (asked once). */
int nd_have_avx2(void);

/* Bytes in every lane, filled by nd_have_avx2() at run time (so that they
 * are read from memory: known at compile time, the compiler would build
 * each one again in a register in every block): 0x80, 0xC0, 0xE0, 0xFE,
 * 0xFC, 0xD8, 0x3F and, for the html writer, 0x01, 0x02, 0x04, 0x09,
 * 0x19, 0x1F, 0x20, 0x26, 0x3E, 0x61, 0x7F, and 0xFF. */
enum { ND_K80, ND_KC0, ND_KE0, ND_KFE, ND_KFC, ND_KD8, ND_K3F, ND_K01, ND_K02, ND_K04, ND_K09, ND_K19, ND_K1F,
       ND_K20, ND_K26, ND_K3E, ND_K61, ND_K7F, ND_KFF, ND_KN };
extern _Alignas(32) unsigned char nd_avx2_kb[ND_KN][32];
#define ND_K(n) _mm256_load_si256((const __m256i *)nd_avx2_kb[n])

/* For the 32 bytes v = u[at..], p = u[at - 1..], the lanes of keep only:
 * the mask (bit j for lane j) of those that are not ASCII or part of a
 * well-formed two-byte sequence (C2..DF then a trail byte), the sequence
 * of the first kept lane beginning at or after u[at - 1]; 0 when all are.
 * *trail gets the lanes holding a trail byte (whose lead is that lane of
 * p).  A lead in the last lane is left to the next block. */
static inline ND_TARGET_AVX2 unsigned nd_avx2_pairs(__m256i v, __m256i p, __m256i keep, __m256i *trail) {
  __m256i t = _mm256_and_si256(keep, _mm256_cmpeq_epi8(_mm256_and_si256(v, ND_K(ND_KC0)), ND_K(ND_K80)));
  __m256i lead = _mm256_and_si256(keep, _mm256_cmpeq_epi8(_mm256_and_si256(p, ND_K(ND_KE0)), ND_K(ND_KC0)));
  /* three- and four-byte leads and invalid bytes (E0..FF), overlong C0/C1
   * (in p too: the character-at-a-time loops may stop after one) */
  __m256i bad = _mm256_or_si256(_mm256_cmpeq_epi8(_mm256_max_epu8(v, ND_K(ND_KE0)), v),
                                _mm256_or_si256(_mm256_cmpeq_epi8(_mm256_and_si256(v, ND_K(ND_KFE)), ND_K(ND_KC0)),
                                                _mm256_cmpeq_epi8(_mm256_and_si256(p, ND_K(ND_KFE)), ND_K(ND_KC0))));
  *trail = t;
  return (unsigned)_mm256_movemask_epi8(_mm256_or_si256(_mm256_and_si256(bad, keep), _mm256_xor_si256(t, lead)));
}

/* The lanes whose two-byte character (lead p in D8..DB, trail v) lies in
 * U+0600-U+06FF at cp - 0x600 inside one of the intervals lo[j]..lo[j] +
 * wid[j] (in every lane). */
static inline ND_TARGET_AVX2 __m256i nd_avx2_arabic_in(__m256i v, __m256i p, const __m256i *lo, const __m256i *wid,
                                                      __m256i *ar) {
  *ar = _mm256_cmpeq_epi8(_mm256_and_si256(p, ND_K(ND_KFC)), ND_K(ND_KD8));
  __m256i key = _mm256_or_si256(_mm256_and_si256(_mm256_slli_epi16(p, 6), ND_K(ND_KC0)),
                                _mm256_and_si256(v, ND_K(ND_K3F)));
  __m256i d0 = _mm256_sub_epi8(key, lo[0]), d1 = _mm256_sub_epi8(key, lo[1]), d2 = _mm256_sub_epi8(key, lo[2]);
  return _mm256_or_si256(_mm256_cmpeq_epi8(_mm256_min_epu8(d0, wid[0]), d0),
                         _mm256_or_si256(_mm256_cmpeq_epi8(_mm256_min_epu8(d1, wid[1]), d1),
                                         _mm256_cmpeq_epi8(_mm256_min_epu8(d2, wid[2]), d2)));
}
/* Where a block at u[at] stops: at the character of its first lane in
 * `bad`, from that character's lead when the lead is the byte before (and
 * was not handled yet: it is in the block, at or after i, or the block
 * follows one that passed whole). */
static inline size_t nd_block_stop(const unsigned char *u, size_t at, size_t i, unsigned bad, int after_block) {
  size_t q = at + (size_t)__builtin_ctz(bad);
  if ((q > i || after_block) && (u[q - 1] & 0xE0) == 0xC0) q--;
  return q;
}

/* Where the loops a character at a time take over after the blocks: i,
 * or the lead before it when the last block that passed ended in one. */
static inline size_t nd_block_end(const unsigned char *u, size_t i, int after_block) {
  return after_block && (u[i - 1] & 0xE0) == 0xC0 ? i - 1 : i;
}
#else
#define ND_AVX2 0
#endif

/* Of the 256 flags in[k], the runs of those set, merged (the two closest
 * first) until at most three intervals lo[j]..lo[j] + wid[j] hold them
 * all; an unused interval is lo 0xFF, width 0. */
void nd_runs3(const unsigned char in[256], unsigned char lo[3], unsigned char wid[3]);

/* 1 when s is certainly NFC (UAX #15 quick check: every code point
 * NFC_QC=Yes and combining marks in canonical order), 0 when it may not be
 * (or holds code points outside the table): then ask ICU. */
int nd_nfc_quick(const char *s, size_t len);

/* The well-formed multi-byte sequences (*good_mb; U+FFFD spelled EF BF BD
 * among them) and the invalid bytes (*bad) of s, as nd_utf8_next reads
 * them a character at a time: text decoding's "is this still UTF-8?".
 * ASCII eight bytes at a time, and with AVX2 32-byte blocks of ASCII and
 * two-byte sequences; anything else a character at a time. */
void nd_utf8_stats(const char *s, size_t len, size_t *good_mb, size_t *bad);

/* From s[i] (not HTML whitespace, or i == len): the end of the text that
 * HTML's whitespace rules leave as it is, words (bytes other than space,
 * tab, LF, CR and FF) and single spaces between them; the html reader
 * copies it in one piece.  With AVX2 32 bytes at a time. */
size_t nd_html_words_end(const char *s, size_t i, size_t len);
#endif
