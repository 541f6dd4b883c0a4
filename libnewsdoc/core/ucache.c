/* ucache.c - see ucache.h. */
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/uscript.h>

#include "ucache.h"

nd_ucp nd_ucache_table[ND_UCACHE_N];
atomic_uchar nd_ucache_ready[ND_UCACHE_BLOCKS];
static pthread_mutex_t fill_lock = PTHREAD_MUTEX_INITIALIZER;

static void fill_one(nd_ucp *e, UChar32 c) {
  e->dir = (uint8_t)u_charDirection(c);
  e->gcb = (uint8_t)u_getIntPropertyValue(c, UCHAR_GRAPHEME_CLUSTER_BREAK);
  UErrorCode err = U_ZERO_ERROR;
  UScriptCode sc = uscript_getScript(c, &err);
  e->script = U_SUCCESS(err) && sc >= 0 && sc < ND_UCP_SCRIPT_OTHER ? (uint8_t)sc : ND_UCP_SCRIPT_OTHER;
  e->ccc = u_getCombiningClass(c);
  e->flags = (uint8_t)((u_isalpha(c) ? ND_UCP_ALPHA : 0) |
                       (u_hasBinaryProperty(c, UCHAR_EXTENDED_PICTOGRAPHIC) ? ND_UCP_PICT : 0) |
                       (u_getIntPropertyValue(c, UCHAR_NFC_QUICK_CHECK) == UNORM_YES ? ND_UCP_NFC_YES : 0));
}

/* Table slot k holds U+k below 0x800 and U+2000+(k-0x800) above. */
const nd_ucp *nd_ucache_fill(size_t block) {
  pthread_mutex_lock(&fill_lock);
  if (!atomic_load_explicit(&nd_ucache_ready[block], memory_order_relaxed)) {
    for (size_t k = block * ND_UCACHE_BLOCK; k < (block + 1) * ND_UCACHE_BLOCK; k++)
      fill_one(&nd_ucache_table[k], (UChar32)(k < 0x800 ? k : 0x2000 + (k - 0x800)));
    atomic_store_explicit(&nd_ucache_ready[block], 1, memory_order_release);
  }
  pthread_mutex_unlock(&fill_lock);
  return nd_ucache_table;
}

/* The quick check character by character from s[*i] while *i < stop (the
 * last character may end past stop): 0 as soon as a character is not
 * NFC_QC=Yes, marks are out of canonical order or a sequence is invalid;
 * *prev_ccc carries the combining class of the last character. */
static int nfc_span(const char *s, size_t len, size_t *pi, size_t stop, unsigned *pprev) {
  const unsigned char *u = (const unsigned char *)s;
  unsigned prev_ccc = *pprev;
  size_t i = *pi;
  while (i < stop) {
    if (u[i] < 0x80) {
      /* ASCII: NFC_QC=Yes, ccc 0; eight bytes at a time */
      i++;
      prev_ccc = 0;
      for (uint64_t w; i + 8 <= len && i < stop; i += 8) {
        memcpy(&w, u + i, 8);
        if (w & 0x8080808080808080ull) break;
      }
      continue;
    }
    /* Arabic, Hebrew or Persian words: two-byte letters (NFC_QC=Yes,
     * ccc 0) and single ASCII bytes in a tight loop */
    while (i + 1 < len && i < stop) {
      unsigned a = u[i], b = u[i + 1];
      if (a < 0x80) {
        i++;
        prev_ccc = 0;
        continue;
      }
      if (a - 0xC2u > 0xDFu - 0xC2u || (b & 0xC0) != 0x80) break;
      const nd_ucp *e = nd_ucp_get(((a & 0x1Fu) << 6) | (b & 0x3Fu));
      if (e->ccc || !(e->flags & ND_UCP_NFC_YES)) break;
      prev_ccc = 0;
      i += 2;
    }
    if (i >= len || i >= stop) break;
    if (u[i] < 0x80) continue;
    size_t at = i;
    uint32_t cp = nd_ucp_next(s, len, &i);
    const nd_ucp *e = nd_ucp_get(cp);
    unsigned ccc;
    if (e) {
      if (!(e->flags & ND_UCP_NFC_YES)) return 0;
      ccc = e->ccc;
    } else {
      /* U+FFFD may stand for a bad sequence: then the slow path replaces it */
      if (cp == 0xFFFD && !(i - at == 3 && u[at] == 0xEF && u[at + 1] == 0xBF && u[at + 2] == 0xBD)) return 0;
      if (u_getIntPropertyValue((UChar32)cp, UCHAR_NFC_QUICK_CHECK) != UNORM_YES) return 0;
      ccc = u_getCombiningClass((UChar32)cp);
    }
    if (ccc && prev_ccc > ccc) return 0;
    prev_ccc = ccc;
  }
  *pi = i;
  *pprev = prev_ccc;
  return 1;
}

#if ND_AVX2
#if defined(__has_include)
#if __has_include(<sys/platform/x86.h>)
#include <sys/platform/x86.h>
#define ND_GLIBC_CPU 1
#endif
#endif
#ifndef ND_GLIBC_CPU
#define ND_GLIBC_CPU 0
#endif
_Alignas(32) unsigned char nd_avx2_kb[ND_KN][32];
static int have_avx2;
static pthread_once_t avx2_once = PTHREAD_ONCE_INIT;

static void avx2_init(void) {
  static const unsigned char k[ND_KN] = {0x80, 0xC0, 0xE0, 0xFE, 0xFC, 0xD8, 0x3F, 0x01, 0x02, 0x04,
                                         0x09, 0x19, 0x1F, 0x20, 0x26, 0x3E, 0x61, 0x7F, 0xFF};
  for (int j = 0; j < ND_KN; j++) memset(nd_avx2_kb[j], k[j], 32);
#if ND_GLIBC_CPU
  /* what glibc found at start-up: no CPUID of our own (libgcc's
   * __cpu_indicator_init runs a dozen, each a trap to the hypervisor in a
   * virtual machine, in every process) */
  have_avx2 = CPU_FEATURE_ACTIVE(AVX2) && CPU_FEATURE_ACTIVE(POPCNT) ? 1 : 0;
#else
  __builtin_cpu_init();
  have_avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("popcnt") ? 1 : 0;
#endif
}
#endif

int nd_have_avx2(void) {
#if ND_AVX2
  pthread_once(&avx2_once, avx2_init);
  return have_avx2;
#else
  return 0;
#endif
}

void nd_runs3(const unsigned char in[256], unsigned char lo[3], unsigned char wid[3]) {
  unsigned l[256], h[256], n = 0;
  for (unsigned k = 0; k < 256; k++) {
    if (!in[k]) continue;
    if (n && h[n - 1] + 1 == k) h[n - 1] = k;
    else { l[n] = h[n] = k; n++; }
  }
  while (n > 3) {
    unsigned best = 0;
    for (unsigned j = 1; j + 1 < n; j++)
      if (l[j + 1] - h[j] < l[best + 1] - h[best]) best = j;
    h[best] = h[best + 1];
    memmove(l + best + 1, l + best + 2, (n - best - 2) * sizeof *l);
    memmove(h + best + 1, h + best + 2, (n - best - 2) * sizeof *h);
    n--;
  }
  for (unsigned j = 0; j < 3; j++) {
    lo[j] = (unsigned char)(j < n ? l[j] : 0xFF);
    wid[j] = (unsigned char)(j < n ? h[j] - l[j] : 0);
  }
}

#if ND_AVX2
/* 32 bytes at a time: a block passes when it holds only ASCII and
 * well-formed two-byte sequences whose characters are certainly
 * NFC_QC=Yes with ccc 0: those of the leads C2..latin_max when ICU says
 * all of theirs are, and those of U+0600-U+06FF (leads D8..DB) outside
 * three intervals that hold every one that is not.  Anything else
 * (marks, three- and four-byte sequences, other scripts) goes character
 * by character through nfc_span(). */
static struct {
  int on;
  unsigned char lat[32], lo[3][32], wid[3][32]; /* the same in every lane */
} nfcv;
static pthread_once_t nfcv_once = PTHREAD_ONCE_INIT;

static int nfc_safe(UChar32 c) {
  return u_getIntPropertyValue(c, UCHAR_NFC_QUICK_CHECK) == UNORM_YES && u_getCombiningClass(c) == 0;
}

static void nfcv_init(void) {
  if (!(nfcv.on = nd_have_avx2())) return;
  /* leads C2.. whose 64 characters are all safe (U+0080-U+02FF at most) */
  unsigned lead = 0xC2;
  for (int all = 1; all && lead <= 0xCB; lead += all) {
    for (UChar32 c = (UChar32)((lead & 0x1F) << 6); all && c < (UChar32)(((lead & 0x1F) + 1) << 6); c++)
      all = nfc_safe(c);
  }
  memset(nfcv.lat, lead > 0xC2 ? (int)lead - 1 : 0, 32);
  unsigned char unsafe[256], lo[3], wid[3];
  for (unsigned k = 0; k < 256; k++) unsafe[k] = !nfc_safe((UChar32)(0x600 + k));
  nd_runs3(unsafe, lo, wid);
  for (int j = 0; j < 3; j++) {
    memset(nfcv.lo[j], lo[j], 32);
    memset(nfcv.wid[j], wid[j], 32);
  }
}

/* The lanes of the 32 bytes at u[i] (i >= 1; u[i - 1] ends a character
 * already checked or is the lead of the sequence at u[i]) that do not
 * certainly pass, as a bit mask: 0 when the whole block does. */
static inline ND_TARGET_AVX2 unsigned nfc_block(const unsigned char *u, size_t i, __m256i lat, const __m256i *lo,
                                                const __m256i *wid) {
  __m256i v = _mm256_loadu_si256((const __m256i *)(u + i));
  __m256i p = _mm256_loadu_si256((const __m256i *)(u + i - 1));
  if (!_mm256_movemask_epi8(_mm256_or_si256(v, p))) return 0; /* ASCII */
  __m256i trail, ar;
  unsigned bad = nd_avx2_pairs(v, p, ND_K(ND_KFF), &trail);
  __m256i in = nd_avx2_arabic_in(v, p, lo, wid, &ar);
  /* the lead of each trail byte (p) is C2..lat, or D8..DB outside the intervals */
  __m256i ok = _mm256_or_si256(_mm256_cmpeq_epi8(_mm256_min_epu8(p, lat), p), _mm256_andnot_si256(in, ar));
  return bad | (unsigned)_mm256_movemask_epi8(_mm256_andnot_si256(ok, trail));
}

/* Blocks from u[*pi] (>= 1) while 32 bytes are left, the character where
 * a block fails through nfc_span(); 0 when that finds s is not certainly
 * NFC.  *pi ends at a character boundary. */
static ND_TARGET_AVX2 int nfc_blocks(const char *s, size_t len, size_t *pi, unsigned *prev_ccc) {
  const unsigned char *u = (const unsigned char *)s;
  size_t i = *pi;
  __m256i lat = _mm256_loadu_si256((const __m256i *)nfcv.lat), lo[3], wid[3];
  for (int j = 0; j < 3; j++) {
    lo[j] = _mm256_loadu_si256((const __m256i *)nfcv.lo[j]);
    wid[j] = _mm256_loadu_si256((const __m256i *)nfcv.wid[j]);
  }
  int after_block = 0; /* then u[i - 1] may be a lead not checked yet */
  while (len - i >= 32) {
    unsigned bad = nfc_block(u, i, lat, lo, wid);
    if (!bad) {
      i += 32;
      *prev_ccc = 0;
      after_block = 1;
      continue;
    }
    /* the lanes before the first bad one passed: its character (from its
     * lead when that is the lane before) through nfc_span() */
    size_t q = nd_block_stop(u, i, i, bad, after_block);
    if (q > i) *prev_ccc = 0;
    i = q;
    if (!nfc_span(s, len, &i, q + 1, prev_ccc)) return 0;
    after_block = 0;
  }
  *pi = nd_block_end(u, i, after_block);
  return 1;
}
#endif

int nd_nfc_quick(const char *s, size_t len) {
  unsigned prev_ccc = 0;
  size_t i = 0;
#if ND_AVX2
  if (len >= 128) {
    pthread_once(&nfcv_once, nfcv_init);
    if (nfcv.on && (!nfc_span(s, len, &i, 1, &prev_ccc) || !nfc_blocks(s, len, &i, &prev_ccc))) return 0;
  }
#endif
  return nfc_span(s, len, &i, len, &prev_ccc);
}

/* ---- UTF-8 statistics --------------------------------------------------- */

/* Characters from s[*pi] while *pi < stop (the last may end past stop),
 * counted into *good and *bad. */
static void stats_span(const char *s, size_t len, size_t *pi, size_t stop, size_t *good, size_t *bad) {
  const unsigned char *u = (const unsigned char *)s;
  size_t i = *pi, g = 0, b = 0;
  while (i < stop) {
    unsigned c = u[i];
    if (c < 0x80) {
      i++;
      for (uint64_t w; i + 8 <= len && i < stop; i += 8) {
        memcpy(&w, u + i, 8);
        if (w & 0x8080808080808080ull) break;
      }
      continue;
    }
    if (c - 0xC2u <= 0xDFu - 0xC2u && i + 1 < len && (u[i + 1] & 0xC0) == 0x80) {
      i += 2; /* a valid two-byte sequence (Arabic, Hebrew, ...) */
      g++;
      continue;
    }
    size_t at = i;
    uint32_t cp = nd_utf8_next(s, len, &i);
    if (cp == 0xFFFD && !(at + 2 < len && u[at + 1] == 0xBF && c == 0xEF && u[at + 2] == 0xBD)) b++;
    else g++;
  }
  *pi = i;
  *good += g;
  *bad += b;
}

#if ND_AVX2
/* Blocks of 32 from u[*pi] (>= 1, a character boundary) while 32 bytes
 * are left: a block of ASCII and well-formed two-byte sequences adds its
 * trail bytes to *good; at the first lane it cannot decide, the lanes
 * before it count and that character goes through stats_span().  *pi
 * ends at a character boundary. */
static ND_TARGET_AVX2 void stats_blocks(const char *s, size_t len, size_t *pi, size_t *good, size_t *bad) {
  const unsigned char *u = (const unsigned char *)s;
  size_t i = *pi, g = 0;
  int after_block = 0; /* then u[i - 1] may be a lead not counted yet */
  while (len - i >= 32) {
    __m256i v = _mm256_loadu_si256((const __m256i *)(u + i));
    __m256i p = _mm256_loadu_si256((const __m256i *)(u + i - 1));
    if (!_mm256_movemask_epi8(_mm256_or_si256(v, p))) { /* ASCII */
      i += 32;
      after_block = 1;
      continue;
    }
    __m256i trail;
    unsigned badm = nd_avx2_pairs(v, p, ND_K(ND_KFF), &trail);
    unsigned tm = (unsigned)_mm256_movemask_epi8(trail);
    if (!badm) {
      g += (size_t)__builtin_popcount(tm);
      i += 32;
      after_block = 1;
      continue;
    }
    /* the sequences ending before the first bad lane are whole */
    g += (size_t)__builtin_popcount(tm & ((1u << __builtin_ctz(badm)) - 1u));
    size_t q = nd_block_stop(u, i, i, badm, after_block);
    i = q;
    stats_span(s, len, &i, q + 1, good, bad);
    after_block = 0;
  }
  *pi = nd_block_end(u, i, after_block);
  *good += g;
}
#endif

void nd_utf8_stats(const char *s, size_t len, size_t *good_mb, size_t *bad) {
  size_t i = 0;
  *good_mb = *bad = 0;
#if ND_AVX2
  if (len >= 64 && nd_have_avx2()) {
    stats_span(s, len, &i, 1, good_mb, bad);
    if (i < len) stats_blocks(s, len, &i, good_mb, bad);
  }
#endif
  stats_span(s, len, &i, len, good_mb, bad);
}

/* ---- HTML text -------------------------------------------------------------- */

static int html_ws_byte(unsigned c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

#if ND_AVX2
/* Blocks of 32 from u[i] while 33 bytes are left (the byte after each
 * lane is looked at): where the first lane is that is not above 0x20 or a
 * space followed by a byte above 0x20; the loop below decides it. */
static ND_TARGET_AVX2 size_t words_blocks(const unsigned char *u, size_t i, size_t len) {
  const __m256i k20 = ND_K(ND_K20);
  while (len - i >= 33) {
    __m256i v = _mm256_loadu_si256((const __m256i *)(u + i));
    __m256i n = _mm256_loadu_si256((const __m256i *)(u + i + 1));
    __m256i le = _mm256_cmpeq_epi8(_mm256_min_epu8(v, k20), v);
    __m256i nle = _mm256_cmpeq_epi8(_mm256_min_epu8(n, k20), n);
    __m256i single = _mm256_andnot_si256(nle, _mm256_cmpeq_epi8(v, k20));
    unsigned m = (unsigned)_mm256_movemask_epi8(_mm256_andnot_si256(single, le));
    if (m) return i + (size_t)__builtin_ctz(m);
    i += 32;
  }
  return i;
}
#endif

size_t nd_html_words_end(const char *s, size_t i, size_t len) {
  const unsigned char *u = (const unsigned char *)s;
#if ND_AVX2
  int vec = len - i >= 64 && nd_have_avx2();
#endif
  for (;;) {
#if ND_AVX2
    if (vec && len - i >= 33) i = words_blocks(u, i, len);
#endif
    while (i < len && u[i] > ' ') i++;
    if (i >= len) return i;
    unsigned c = u[i];
    /* a control is part of a word; a space between words stays */
    if (!html_ws_byte(c) || (c == ' ' && i + 1 < len && !html_ws_byte(u[i + 1]))) {
      i++;
      continue;
    }
    return i;
  }
}
