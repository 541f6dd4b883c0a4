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

static void fill_low(void) {
  for (uint32_t cp = 0; cp < 0x800; cp++) g_low[cp] = (uint8_t)classify(cp);
}

static const uint8_t *low_table(void) {
  pthread_once(&g_low_once, fill_low);
  return g_low;
}

int nd_html_bidi_class(uint32_t cp) {
  if (cp < 0x800) return low_table()[cp];
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

/* The class of the character at *i, and *i moved past it: one- and
 * well-formed two-byte sequences straight from `low`, the rest decoded as
 * nd_utf8_next does (an invalid byte is U+FFFD, one byte long). */
static inline int class_next(const unsigned char *s, size_t len, size_t *i, const uint8_t *low) {
  size_t p = *i;
  unsigned c = s[p];
  if (c < 0x80) {
    *i = p + 1;
    return low[c];
  }
  if (c >= 0xC2 && c <= 0xDF && p + 1 < len && (s[p + 1] & 0xC0) == 0x80) {
    *i = p + 2;
    return low[((c & 0x1Fu) << 6) | (s[p + 1] & 0x3Fu)];
  }
  return nd_html_bidi_class(nd_utf8_next((const char *)s, len, i));
}

void nd_html_bidi_count(const char *s, size_t len, size_t *ltr, size_t *rtl) {
  const uint8_t *low = low_table();
  const unsigned char *u = (const unsigned char *)s;
  size_t n[8] = {0}, i = 0;
  while (i < len) n[class_next(u, len, &i, low) & 7]++;
  *ltr += n[ND_BIDI_L];
  *rtl += n[ND_BIDI_R];
}

int nd_html_bidi_next_run(const char *s, size_t len, size_t from, newsdoc_dir opp, size_t *start, size_t *end) {
  const uint8_t *low = low_table();
  const unsigned char *u = (const unsigned char *)s;
  int want = opp == NEWSDOC_DIR_LTR ? ND_BIDI_L : ND_BIDI_R;
  int other = want == ND_BIDI_L ? ND_BIDI_R : ND_BIDI_L;
  size_t i = from;
  size_t run_start = 0, run_end = 0;
  for (;;) {
    if (i >= len) return 0;
    size_t at = i;
    if (class_next(u, len, &i, low) == want) {
      run_start = at;
      run_end = i;
      break;
    }
  }
  while (i < len) {
    size_t at = i;
    int k = class_next(u, len, &i, low);
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
    int k = class_next(u, len, &nj, low);
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
