/* bidi.c - bidi classes (ICU) and the runs the html writer isolates, and
 * URL helpers shared by the writer and the reader. */
#include <pthread.h>
#include <stdatomic.h>
#include <strings.h>
#include <unicode/uchar.h>

#include "html.h"

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

static const uint8_t *low_table(void) {
  pthread_once(&g_low_once, fill_low);
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

int nd_html_bidi_scan(const char *s, size_t len, size_t *ltr, size_t *rtl) {
  /* L adds 1 to the low half of a 64-bit sum, R to the high half; a chunk
   * of at most 2^31 bytes (characters) cannot overflow either half */
  static const uint64_t ADD[32] = {[ND_BIDI_L] = 1, [ND_BIDI_L | ND_BIDI_ESC] = 1, [ND_BIDI_R] = (uint64_t)1 << 32,
                                   [ND_BIDI_R | ND_BIDI_ESC] = (uint64_t)1 << 32};
  const uint8_t *low = low_table();
  const unsigned char *u = (const unsigned char *)s;
  size_t i = 0;
  int esc = 0;
  while (i < len) {
    size_t stop = len - i > 0x7FFFFFFF ? i + 0x7FFFFFFF : len;
    uint64_t sum = 0;
    while (i < stop) {
      int k = class_next(u, len, &i, low);
      esc |= k;
      sum += ADD[k & 31];
    }
    *ltr += (size_t)(sum & 0xFFFFFFFFu);
    *rtl += (size_t)(sum >> 32);
  }
  return (esc & ND_BIDI_ESC) != 0;
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

void nd_html_escape_href(nd_buf *b, const char *s, size_t len) {
  static const char hex[] = "0123456789ABCDEF";
  size_t i = 0;
  while (i < len) {
    size_t org = i;
    while (i < len) {
      unsigned char c = (unsigned char)s[i];
      int safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 (c && strchr("-_.+!*(),%#@?=;:/$", c));
      if (!safe) break;
      i++;
    }
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
