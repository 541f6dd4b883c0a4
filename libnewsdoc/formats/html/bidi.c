/* bidi.c - bidi classes (ICU) and the runs the html writer isolates, and
 * URL helpers shared by the writer and the reader. */
#include <pthread.h>
#include <stdatomic.h>
#include <strings.h>
#include <unicode/uchar.h>

#include "html.h"
#include "../../core/ucache.h"

static int classify(uint32_t cp) {
  switch (u_charDirection((UChar32)cp)) {
  case U_LEFT_TO_RIGHT: return ND_BIDI_L;
  case U_RIGHT_TO_LEFT: case U_RIGHT_TO_LEFT_ARABIC: return ND_BIDI_R;
  case U_EUROPEAN_NUMBER: case U_ARABIC_NUMBER: return ND_BIDI_NUM;
  case U_EUROPEAN_NUMBER_SEPARATOR: case U_EUROPEAN_NUMBER_TERMINATOR: case U_COMMON_NUMBER_SEPARATOR:
  case U_WHITE_SPACE_NEUTRAL:
    return ND_BIDI_SEP;
  case U_DIR_NON_SPACING_MARK: case U_BOUNDARY_NEUTRAL: return ND_BIDI_MARK;
  case U_BLOCK_SEPARATOR: case U_SEGMENT_SEPARATOR: return ND_BIDI_BREAK;
  case U_LEFT_TO_RIGHT_EMBEDDING: case U_LEFT_TO_RIGHT_OVERRIDE: case U_RIGHT_TO_LEFT_EMBEDDING:
  case U_RIGHT_TO_LEFT_OVERRIDE: case U_POP_DIRECTIONAL_FORMAT: case U_LEFT_TO_RIGHT_ISOLATE:
  case U_RIGHT_TO_LEFT_ISOLATE: case U_FIRST_STRONG_ISOLATE: case U_POP_DIRECTIONAL_ISOLATE:
    return ND_BIDI_FMT;
  default: return ND_BIDI_OTHER;
  }
}

/* The classes of the Basic Multilingual Plane, asked of ICU: U+0000..U+07FF
 * (ASCII, Latin, Greek, Cyrillic, Hebrew, Arabic, Syriac, Thaana: what
 * one- and two-byte UTF-8 holds) all at once the first time any class is
 * asked for, the rest once per 256-code-point block the first time a
 * block is met (u_charDirection per character was a third of the
 * writer's time). */
static uint8_t g_low[0x800];
static pthread_once_t g_low_once = PTHREAD_ONCE_INIT;
static uint8_t g_class[256][256];
static atomic_uchar g_ready[256];
static pthread_mutex_t g_fill = PTHREAD_MUTEX_INITIALIZER;

/* g_low also marks (ND_BIDI_ESC) the characters that nd_xml_escape_quot()
 * does not copy as they are: & < > " and the C0 controls but TAB and LF,
 * DEL and the C1 controls. */
static void fill_low(void) {
  for (uint32_t cp = 0; cp < 0x800; cp++) {
    int esc = (cp < 0x20 && cp != '\t' && cp != '\n') || (cp >= 0x7F && cp <= 0x9F) || cp == '&' || cp == '<' ||
              cp == '>' || cp == '"';
    g_low[cp] = (uint8_t)(classify(cp) | (esc ? ND_BIDI_ESC : 0));
  }
}

/* pthread_once is a call into libc on every use; the writer asks for the
 * tables once per piece of text, so the done case is a load here. */
static atomic_int g_low_done;
static void fill_low_once(void) {
  fill_low();
  atomic_store_explicit(&g_low_done, 1, memory_order_release);
}

static const uint8_t *low_table(void) {
  if (!atomic_load_explicit(&g_low_done, memory_order_acquire)) pthread_once(&g_low_once, fill_low_once);
  return g_low;
}

int nd_html_bidi_class(uint32_t cp) {
  if (cp < 0x800) return low_table()[cp] & ND_BIDI_CLASS;
  if (cp > 0xFFFF) return classify(cp);
  unsigned blk = cp >> 8;
  if (!atomic_load_explicit(&g_ready[blk], memory_order_acquire)) {
    pthread_mutex_lock(&g_fill);
    if (!atomic_load_explicit(&g_ready[blk], memory_order_relaxed)) {
      for (unsigned i = 0; i < 256; i++) g_class[blk][i] = (uint8_t)classify((blk << 8) | i);
      atomic_store_explicit(&g_ready[blk], 1, memory_order_release);
    }
    pthread_mutex_unlock(&g_fill);
  }
  return g_class[blk][cp & 0xFF];
}

/* The slow path of class_next(): what nd_utf8_next() decodes, marked
 * ND_BIDI_ESC (the escaper looks at it itself). */
static int class_slow(const unsigned char *s, size_t len, size_t *i) {
  return nd_html_bidi_class(nd_utf8_next((const char *)s, len, i)) | ND_BIDI_ESC;
}

/* The class of the character at *i, and *i moved past it, with
 * ND_BIDI_ESC when the escaper would not copy it as it is: one- and
 * well-formed two-byte sequences straight from `low`, well-formed
 * three-byte ones (not surrogates, U+FFFE/U+FFFF) from the block tables,
 * the rest decoded as nd_utf8_next does (an invalid byte is U+FFFD, one
 * byte long). */
static inline int class_next(const unsigned char *s, size_t len, size_t *i, const uint8_t *low) {
  size_t p = *i;
  unsigned c = s[p];
  if (c < 0x80) {
    *i = p + 1;
    return low[c];
  }
  if (c - 0xC2u <= 0xDFu - 0xC2u && p + 1 < len && (s[p + 1] & 0xC0) == 0x80) {
    *i = p + 2;
    return low[((c & 0x1Fu) << 6) | (s[p + 1] & 0x3Fu)];
  }
  if (c - 0xE0u <= 0xEFu - 0xE0u && p + 2 < len && (s[p + 1] & 0xC0) == 0x80 && (s[p + 2] & 0xC0) == 0x80 &&
      !(c == 0xE0 && s[p + 1] < 0xA0) && !(c == 0xED && s[p + 1] >= 0xA0) &&
      !(c == 0xEF && s[p + 1] == 0xBF && s[p + 2] >= 0xBE)) {
    *i = p + 3;
    return nd_html_bidi_class(((c & 0x0Fu) << 12) | ((s[p + 1] & 0x3Fu) << 6) | (s[p + 2] & 0x3Fu));
  }
  size_t q = p;
  int k = class_slow(s, len, &q);
  *i = q;
  return k;
}

/* L adds 1 to the low half of a 64-bit sum, R to the high half */
static const uint64_t ADD[32] = {[ND_BIDI_L] = 1, [ND_BIDI_L | ND_BIDI_ESC] = 1, [ND_BIDI_R] = (uint64_t)1 << 32,
                                 [ND_BIDI_R | ND_BIDI_ESC] = (uint64_t)1 << 32};

/* Counts character by character from u[*i] while *i < end (the last
 * character may end past it); ORs the classes seen into *esc. */
static void scan_span(const unsigned char *u, size_t len, size_t *pi, size_t end, const uint8_t *low, size_t *ltr,
                      size_t *rtl, int *esc) {
  size_t i = *pi;
  int e = 0;
  while (i < end) {
    /* a chunk of at most 2^31 bytes (characters) cannot overflow either
     * half of the sum */
    size_t stop = end - i > 0x7FFFFFFF ? i + 0x7FFFFFFF : end;
    uint64_t sum = 0;
    while (i < stop) {
      int k = class_next(u, len, &i, low);
      e |= k;
      sum += ADD[k & 31];
    }
    *ltr += (size_t)(sum & 0xFFFFFFFFu);
    *rtl += (size_t)(sum >> 32);
  }
  *pi = i;
  *esc |= e;
}

#if ND_AVX2
/* 32 bytes at a time over ASCII and well-formed two-byte sequences: ASCII
 * letters are counted as L (bv_init() checks with ICU that they are
 * exactly the L of ASCII, and that no ASCII is R), the characters of
 * U+0600-U+06FF outside three intervals as R (the intervals hold every one
 * of them that is not R or that the escaper changes, from ICU), the other
 * two-byte characters one by one from the table; ESC is set for the ASCII
 * that fill_low() marks.  Where a block meets a three- or four-byte
 * sequence or an invalid byte, that character goes through scan_span()
 * and the next block starts after it. */
static struct {
  _Alignas(32) unsigned char lo[3][32]; /* the same in every lane */
  _Alignas(32) unsigned char wid[3][32];
  int on;
} bv;
static pthread_once_t bv_once = PTHREAD_ONCE_INIT;
static atomic_int bv_done;
static void bv_init(void);
static void bv_init_once(void) {
  bv_init();
  atomic_store_explicit(&bv_done, 1, memory_order_release);
}
static inline void bv_ready(void) {
  if (!atomic_load_explicit(&bv_done, memory_order_acquire)) pthread_once(&bv_once, bv_init_once);
}

static int ascii_esc(unsigned c) {
  return (c < 0x20 && c != '\t' && c != '\n') || c == '"' || c == '&' || c == '<' || c == '>' || c == 0x7F;
}

static void bv_init(void) {
  const uint8_t *low = low_table();
  int on = nd_have_avx2();
  for (unsigned c = 0; c < 0x80; c++) {
    int cls = low[c] & ND_BIDI_CLASS, letter = (c | 0x20) - 'a' < 26u;
    if ((cls == ND_BIDI_L) != letter || cls == ND_BIDI_R || !(low[c] & ND_BIDI_ESC) != !ascii_esc(c)) on = 0;
  }
  unsigned char other[256], lo[3], wid[3];
  for (unsigned k = 0; k < 256; k++) other[k] = low[0x600 + k] != ND_BIDI_R; /* R, copied as it is */
  nd_runs3(other, lo, wid);
  for (int j = 0; j < 3; j++) {
    memset(bv.lo[j], lo[j], 32);
    memset(bv.wid[j], wid[j], 32);
  }
  bv.on = on;
}

typedef struct {
  __m256i esc;
  size_t nl, nr; /* the letters counted */
} bv_state;

static const unsigned char KEEP[64] = {
    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,
    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,
    0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
    0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};

/* The lanes j >= n (0..32) of a block. */
static inline ND_TARGET_AVX2 __m256i lanes_from(unsigned n) {
  return _mm256_loadu_si256((const __m256i *)(KEEP + 32 - n));
}

/* The 32 bytes at u[at] (at >= 1), the lanes of `keep` only (the first
 * kept one follows a character already counted, or the lead of its own
 * sequence): counts the lanes before the first one that needs
 * scan_span(), and returns the mask of those (0: all counted). */
static inline ND_TARGET_AVX2 unsigned bidi_block(const unsigned char *u, size_t at, __m256i keep, const uint8_t *low,
                                                 bv_state *st, int *esc) {
  __m256i v = _mm256_loadu_si256((const __m256i *)(u + at));
  __m256i p = _mm256_loadu_si256((const __m256i *)(u + at - 1));
  __m256i trail, ar;
  unsigned bad = nd_avx2_pairs(v, p, keep, &trail);
  if (bad) {
    keep = _mm256_andnot_si256(lanes_from((unsigned)__builtin_ctz(bad)), keep);
    trail = _mm256_and_si256(trail, keep);
  }
  /* ASCII: letters (L) and what the escaper changes: " & (x | 4 == &),
   * < > (x | 2 == >), DEL, and the C0 controls but TAB and LF */
  __m256i x = _mm256_sub_epi8(_mm256_or_si256(v, ND_K(ND_K20)), ND_K(ND_K61));
  __m256i letter = _mm256_and_si256(keep, _mm256_cmpeq_epi8(_mm256_min_epu8(x, ND_K(ND_K19)), x));
  __m256i t = _mm256_sub_epi8(v, ND_K(ND_K09));
  __m256i ctl = _mm256_andnot_si256(_mm256_cmpeq_epi8(_mm256_min_epu8(t, ND_K(ND_K01)), t),
                                    _mm256_cmpeq_epi8(_mm256_min_epu8(v, ND_K(ND_K1F)), v));
  __m256i e = _mm256_or_si256(_mm256_cmpeq_epi8(_mm256_or_si256(v, ND_K(ND_K04)), ND_K(ND_K26)),
                              _mm256_cmpeq_epi8(_mm256_or_si256(v, ND_K(ND_K02)), ND_K(ND_K3E)));
  e = _mm256_and_si256(keep, _mm256_or_si256(_mm256_or_si256(e, ctl), _mm256_cmpeq_epi8(v, ND_K(ND_K7F))));
  /* two-byte characters, at their trail byte (the lead is p) */
  __m256i in = nd_avx2_arabic_in(v, p, (const __m256i *)bv.lo, (const __m256i *)bv.wid, &ar);
  __m256i r = _mm256_and_si256(trail, _mm256_andnot_si256(in, ar));
  st->nl += (size_t)__builtin_popcount((unsigned)_mm256_movemask_epi8(letter));
  st->nr += (size_t)__builtin_popcount((unsigned)_mm256_movemask_epi8(r));
  st->esc = _mm256_or_si256(st->esc, e);
  unsigned m = (unsigned)_mm256_movemask_epi8(_mm256_andnot_si256(r, trail));
  while (m) {
    unsigned j = (unsigned)__builtin_ctz(m);
    int k = low[((u[at + j - 1] & 0x1Fu) << 6) | (u[at + j] & 0x3Fu)];
    *esc |= k;
    st->nl += (k & ND_BIDI_CLASS) == ND_BIDI_L;
    st->nr += (k & ND_BIDI_CLASS) == ND_BIDI_R;
    m &= m - 1;
  }
  return bad;
}

/* Adds the counts to *ltr and *rtl. */
static inline void bv_flush(const bv_state *st, size_t *ltr, size_t *rtl) {
  *ltr += st->nl;
  *rtl += st->nr;
}

/* Blocks from u[*pi] (>= 1) to the end, the last one the last 32 bytes
 * with the lanes already counted left out (unless u ends in a lead: then
 * scan_span() marks it); the character where a block stops goes through
 * scan_span().  *pi ends where scan_span() is to go on. */
static ND_TARGET_AVX2 void bidi_blocks(const unsigned char *u, size_t len, size_t *pi, const uint8_t *low, size_t *ltr,
                                       size_t *rtl, int *esc) {
  bv_state st;
  st.esc = _mm256_setzero_si256();
  st.nl = st.nr = 0;
  size_t i = *pi;
  int after_block = 0; /* then u[i - 1] may be a lead not counted yet */
  for (;;) {
    size_t at = i;
    __m256i keep = lanes_from(0);
    if (len - i < 32) {
      if (i >= len || len < 33 || (u[len - 1] & 0xE0) == 0xC0) break;
      at = len - 32;
      keep = lanes_from((unsigned)(i - at));
    }
    unsigned bad = bidi_block(u, at, keep, low, &st, esc);
    if (!bad) {
      i = at + 32;
      after_block = 1;
      continue;
    }
    /* the lanes before the first bad one are counted: its character
     * (from its lead when that is the lane before) through scan_span() */
    size_t q = nd_block_stop(u, at, i, bad, after_block);
    i = q;
    scan_span(u, len, &i, q + 1, low, ltr, rtl, esc);
    after_block = 0;
  }
  bv_flush(&st, ltr, rtl);
  if (_mm256_movemask_epi8(st.esc)) *esc |= ND_BIDI_ESC;
  *pi = nd_block_end(u, i, after_block);
}
#endif

int nd_html_bidi_scan(const char *s, size_t len, size_t *ltr, size_t *rtl) {
  const uint8_t *low = low_table();
  const unsigned char *u = (const unsigned char *)s;
  size_t i = 0;
  int esc = 0;
#if ND_AVX2
  if (len >= 2) {
    bv_ready();
    if (bv.on && len >= 33) {
      int k = class_next(u, len, &i, low); /* the blocks need u[i - 1] */
      esc |= k;
      *ltr += (k & ND_BIDI_CLASS) == ND_BIDI_L;
      *rtl += (k & ND_BIDI_CLASS) == ND_BIDI_R;
      bidi_blocks(u, len, &i, low, ltr, rtl, &esc);
    } else if (bv.on) {
      /* short: at the end of a copy, after a NUL (not a lead) */
      unsigned char b[64] = {0};
      memcpy(b + 64 - len, s, len);
      i = 64 - len;
      bidi_blocks(b, 64, &i, low, ltr, rtl, &esc);
      scan_span(b, 64, &i, 64, low, ltr, rtl, &esc);
      return (esc & ND_BIDI_ESC) != 0;
    }
  }
#endif
  scan_span(u, len, &i, len, low, ltr, rtl, &esc);
  return (esc & ND_BIDI_ESC) != 0;
}

#if ND_AVX2
/* The lanes of the 32 bytes at u[i] (i >= 1; u[i - 1] ends a character
 * already written or is the lead of the sequence at u[i]) that the
 * escaper might not copy as they are: all but printable ASCII other than
 * & < > " (TAB and LF too) and well-formed two-byte sequences other than
 * the C1 controls. */
static inline ND_TARGET_AVX2 unsigned esc_block(const unsigned char *u, size_t i) {
  __m256i v = _mm256_loadu_si256((const __m256i *)(u + i));
  __m256i p = _mm256_loadu_si256((const __m256i *)(u + i - 1));
  __m256i trail;
  unsigned bad = nd_avx2_pairs(v, p, ND_K(ND_KFF), &trail);
  __m256i t = _mm256_sub_epi8(v, ND_K(ND_K09));
  __m256i ctl = _mm256_andnot_si256(_mm256_cmpeq_epi8(_mm256_min_epu8(t, ND_K(ND_K01)), t),
                                    _mm256_cmpeq_epi8(_mm256_min_epu8(v, ND_K(ND_K1F)), v));
  __m256i e = _mm256_or_si256(_mm256_cmpeq_epi8(_mm256_or_si256(v, ND_K(ND_K04)), ND_K(ND_K26)),
                              _mm256_cmpeq_epi8(_mm256_or_si256(v, ND_K(ND_K02)), ND_K(ND_K3E)));
  e = _mm256_or_si256(_mm256_or_si256(e, ctl), _mm256_cmpeq_epi8(v, ND_K(ND_K7F)));
  /* C2 80..C2 9F: a trail byte below A0 (not E0 | v) after C2 (C0 | 2) */
  __m256i c1 = _mm256_and_si256(_mm256_cmpeq_epi8(p, _mm256_or_si256(ND_K(ND_KC0), ND_K(ND_K02))),
                                _mm256_cmpeq_epi8(_mm256_and_si256(v, ND_K(ND_KE0)), ND_K(ND_K80)));
  return bad | (unsigned)_mm256_movemask_epi8(_mm256_or_si256(e, c1));
}

/* The blocks of nd_html_escape_quot() from s[*pi] (>= 1): runs copied,
 * the characters the escaper might change through it, one at a time.
 * *pi ends where the escaper is to take the rest. */
static ND_TARGET_AVX2 void esc_blocks(nd_buf *b, const char *s, size_t len, size_t *pi) {
  const unsigned char *u = (const unsigned char *)s;
  size_t i = *pi, from = i; /* s[from..i) is to be copied */
  int after_block = 0;      /* then u[i - 1] may be a lead not written yet */
  while (len - i >= 32) {
    unsigned bad = esc_block(u, i);
    if (!bad) {
      i += 32;
      after_block = 1;
      continue;
    }
    size_t q = nd_block_stop(u, i, i, bad, after_block);
    nd_buf_put(b, s + from, q - from);
    i = q;
    (void)nd_utf8_next(s, len, &i); /* one character, as the escaper takes it */
    nd_xml_escape_quot(b, s + q, i - q);
    from = i;
    after_block = 0;
  }
  i = nd_block_end(u, i, after_block);
  nd_buf_put(b, s + from, i - from);
  *pi = i;
}
#endif

void nd_html_escape_quot(nd_buf *b, const char *s, size_t len) {
  size_t i = 0;
#if ND_AVX2
  if (len >= 64) {
    bv_ready();
    if (bv.on) {
      (void)nd_utf8_next(s, len, &i); /* the blocks need s[i - 1] */
      nd_xml_escape_quot(b, s, i);
      esc_blocks(b, s, len, &i);
    }
  }
#endif
  nd_xml_escape_quot(b, s + i, len - i);
}

void nd_html_bidi_count(const char *s, size_t len, size_t *ltr, size_t *rtl) { (void)nd_html_bidi_scan(s, len, ltr, rtl); }

int nd_html_bidi_next_run(const char *s, size_t len, size_t from, newsdoc_dir opp, size_t *start, size_t *end,
                          int *esc_before, int *esc_run) {
  const uint8_t *low = low_table();
  const unsigned char *u = (const unsigned char *)s;
  int want = opp == NEWSDOC_DIR_LTR ? ND_BIDI_L : ND_BIDI_R;
  int other = want == ND_BIDI_L ? ND_BIDI_R : ND_BIDI_L;
  size_t i = from;
  size_t run_start = 0, run_end = 0;
  int esc = 0, k;
  for (;;) {
    if (i >= len) {
      *esc_before = esc & ND_BIDI_ESC;
      return 0;
    }
    size_t at = i;
    k = class_next(u, len, &i, low);
    if ((k & ND_BIDI_CLASS) == want) {
      run_start = at;
      run_end = i;
      break;
    }
    esc |= k;
  }
  *esc_before = esc & ND_BIDI_ESC;
  esc = k;
  while (i < len) {
    size_t at = i;
    k = class_next(u, len, &i, low);
    esc |= k; /* may look at a character past the run: the escaper only does more work */
    k &= ND_BIDI_CLASS;
    if (k == want) run_end = i;
    else if (k == ND_BIDI_MARK && at == run_end) run_end = i;
    else if (k == other || k == ND_BIDI_BREAK || k == ND_BIDI_FMT) break;
  }
  /* A number right after the run belongs to it ("iPhone 15", "عام 2024"):
   * at most one space, then digits, with separators only between digits
   * (1,000.5).  "Obama، 2024" keeps its number outside. */
  size_t j = run_end, last = run_end;
  if (j < len && s[j] == ' ') j++;
  int seen_num = 0;
  while (j < len) {
    size_t nj = j;
    k = class_next(u, len, &nj, low);
    esc |= k;
    k &= ND_BIDI_CLASS;
    if (k == ND_BIDI_NUM) {
      seen_num = 1;
      last = nj;
    } else if (!(seen_num && (k == ND_BIDI_SEP || k == ND_BIDI_MARK) && s[j] != ' ')) {
      break;
    }
    j = nj;
  }
  *start = run_start;
  *end = seen_num ? last : run_end;
  *esc_run = esc & ND_BIDI_ESC;
  return 1;
}

/* Skips what browsers ignore before and inside a scheme (leading C0 and
 * space, embedded tab/LF/CR) and compares case-insensitively. */
static int scheme_is(const char *url, const char *scheme, const char **rest) {
  const char *p = url;
  while (*p && (unsigned char)*p <= 0x20) p++;
  for (const char *q = scheme; *q; q++) {
    while (*p == '\t' || *p == '\n' || *p == '\r') p++;
    if (!*p || ((*p | 0x20) != (*q | 0x20) && *p != *q)) return 0;
    p++;
  }
  if (rest) *rest = p;
  return 1;
}

int nd_html_url_unsafe(const char *url) {
  if (!url) return 0;
  const char *rest;
  if (scheme_is(url, "javascript:", NULL) || scheme_is(url, "vbscript:", NULL) || scheme_is(url, "file:", NULL))
    return 1;
  if (scheme_is(url, "data:", &rest)) {
    static const char *const ok[] = {"image/png", "image/jpeg", "image/gif", "image/webp"};
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
      size_t n = strlen(ok[i]);
      if (!strncasecmp(rest, ok[i], n) && (rest[n] == ';' || rest[n] == ',')) return 0;
    }
    return 1;
  }
  return 0;
}

/* The bytes nd_html_escape_href() copies: alphanumerics and -_.+!*(),%#@?=;:/$ */
#define HS_(c)                                                                                                  \
  (((c) >= 'a' && (c) <= 'z') || ((c) >= 'A' && (c) <= 'Z') || ((c) >= '0' && (c) <= '9') || (c) == '-' ||     \
   (c) == '_' || (c) == '.' || (c) == '+' || (c) == '!' || (c) == '*' || (c) == '(' || (c) == ')' || (c) == ',' || \
   (c) == '%' || (c) == '#' || (c) == '@' || (c) == '?' || (c) == '=' || (c) == ';' || (c) == ':' || (c) == '/' || \
   (c) == '$')
#define HS4_(c) HS_(c), HS_((c) + 1), HS_((c) + 2), HS_((c) + 3)
#define HS16_(c) HS4_(c), HS4_((c) + 4), HS4_((c) + 8), HS4_((c) + 12)
static const unsigned char HREF_SAFE[256] = {HS16_(0x00), HS16_(0x10), HS16_(0x20), HS16_(0x30),
                                             HS16_(0x40), HS16_(0x50), HS16_(0x60), HS16_(0x70)};

void nd_html_escape_href(nd_buf *b, const char *s, size_t len) {
  static const char hex[] = "0123456789ABCDEF";
  size_t i = 0;
  while (i < len) {
    size_t org = i;
    while (i < len && HREF_SAFE[(unsigned char)s[i]]) i++;
    nd_buf_put(b, s + org, i - org);
    if (i >= len) break;
    unsigned char c = (unsigned char)s[i];
    if (c == '&') nd_buf_puts(b, "&amp;");
    else if (c == '\'') nd_buf_puts(b, "&#x27;");
    else {
      char h[3] = {'%', hex[c >> 4], hex[c & 15]};
      nd_buf_put(b, h, 3);
    }
    i++;
  }
}
