/* markers.c - the words that introduce an author in a byline or credit
 * line.  To support another language, add its markers to the table: one
 * entry per marker (several words allowed; matched at word boundaries,
 * ASCII case-insensitively), with the language the writer uses it for. */
#include "text.h"

typedef struct {
  const char *marker;
  const char *lang; /* the writer's default marker for this language, or NULL */
  int anywhere;     /* 1: also inside a credit line ("... بواسطة X"); 0: only
                       at its start (short or ambiguous words such as "By") */
} nd_byline_marker;

static const nd_byline_marker MARKERS[] = {
    /* English */
    {"By", "en", 0},
    {"Written by", NULL, 1},
    {"Reporting by", NULL, 1},
    {"Words by", NULL, 1},
    {"Story by", NULL, 1},
    /* Arabic: "by the pen of", "by", "prepared by", "wrote", "report" */
    {"بقلم", "ar", 1},
    {"بواسطة", NULL, 1},
    {"إعداد", NULL, 1},
    {"اعداد", NULL, 1},
    {"كتب", NULL, 0},
    {"كتبت", NULL, 0},
    {"تقرير", NULL, 0},
    {"تحرير", NULL, 0},
    /* Hebrew: "by", "wrote" */
    {"מאת", "he", 1},
    {"כתב", NULL, 0},
    {"כתבה", NULL, 0},
    /* Persian: "author", "report by", "by the pen of", "prepared by" */
    {"نویسنده", "fa", 1},
    {"گزارش از", NULL, 1},
    {"به قلم", NULL, 1},
    {"تهیه", NULL, 0},
    {"گزارشگر", NULL, 1},
    /* Urdu */
    {"تحریر", "ur", 1},
    /* French, Spanish, German */
    {"Par", "fr", 0},
    {"Por", "es", 0},
    {"Von", "de", 0},
};
#define N_MARKERS (sizeof MARKERS / sizeof MARKERS[0])

static int lower(int c) { return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c; }

/* Word characters: ASCII letters and digits, and every byte of a
 * multi-byte UTF-8 sequence (letters of other scripts). */
static int wordch(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80;
}

/* Whether the byte range [a, b) ends a word: the next character is not a
 * word character.  U+00A0 and the Arabic/Hebrew punctuation are not word
 * characters: check the code point for bytes >= 0x80. */
static int boundary_after(const char *s, size_t len, size_t b) {
  if (b >= len) return 1;
  unsigned char c = (unsigned char)s[b];
  if (c < 0x80) return !wordch(c);
  size_t i = b;
  uint32_t cp = nd_utf8_next(s, len, &i);
  /* punctuation and spaces in the ranges news text uses */
  return cp == 0xA0 || cp == 0x060C || cp == 0x061B || cp == 0x061F || cp == 0x06D4 || (cp >= 0x2000 && cp <= 0x206F) ||
         cp == 0x05BE || cp == 0x05C3 || cp == 0xFF1A;
}

static int boundary_before(const char *s, size_t a) {
  if (a == 0) return 1;
  unsigned char c = (unsigned char)s[a - 1];
  if (c < 0x80) return !wordch(c);
  /* The previous code point: back up over continuation bytes. */
  size_t i = a - 1;
  while (i > 0 && ((unsigned char)s[i] & 0xC0) == 0x80) i--;
  size_t j = i;
  uint32_t cp = nd_utf8_next(s, a, &j);
  return cp == 0xA0 || cp == 0x060C || cp == 0x061B || cp == 0x061F || cp == 0x06D4 || (cp >= 0x2000 && cp <= 0x206F) ||
         cp == 0x05BE || cp == 0x05C3;
}

static int match_at(const char *s, size_t len, size_t pos, const char *m, size_t *end) {
  size_t n = strlen(m);
  if (pos + n > len) return 0;
  for (size_t k = 0; k < n; k++)
    if (lower((unsigned char)s[pos + k]) != lower((unsigned char)m[k])) return 0;
  if (!boundary_after(s, len, pos + n)) return 0;
  *end = pos + n;
  return 1;
}

int nd_text_find_marker(const char *s, size_t len, int at_start, size_t *mstart, size_t *mend) {
  size_t p = 0;
  while (p < len && (s[p] == ' ' || s[p] == '\t')) p++;
  if (at_start) {
    /* The longest marker that matches wins ("Written by" over "By"). */
    size_t best_end = 0;
    for (size_t k = 0; k < N_MARKERS; k++) {
      size_t e;
      if (match_at(s, len, p, MARKERS[k].marker, &e) && e > best_end) best_end = e;
    }
    if (!best_end) return 0;
    *mstart = p;
    *mend = best_end;
    return 1;
  }
  /* Anywhere: scan word starts left to right (linear in len times the
   * number of markers). */
  for (size_t i = p; i < len; i++) {
    if (!boundary_before(s, i) || !wordch((unsigned char)s[i])) continue;
    if (((unsigned char)s[i] & 0xC0) == 0x80) continue;
    size_t best_end = 0;
    for (size_t k = 0; k < N_MARKERS; k++) {
      size_t e;
      if ((MARKERS[k].anywhere || i == p) && match_at(s, len, i, MARKERS[k].marker, &e) && e > best_end) best_end = e;
    }
    if (best_end) {
      *mstart = i;
      *mend = best_end;
      return 1;
    }
  }
  return 0;
}

const char *nd_text_marker_for_lang(const char *lang) {
  if (lang) {
    size_t n = strcspn(lang, "-_");
    for (size_t k = 0; k < N_MARKERS; k++)
      if (MARKERS[k].lang && strlen(MARKERS[k].lang) == n && !strncmp(MARKERS[k].lang, lang, n))
        return MARKERS[k].marker;
  }
  return "By";
}
