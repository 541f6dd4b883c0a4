/* The fast scans against plain references: nd_nfc_quick (core/ucache.c)
 * against the quick check done a character at a time with ICU (and
 * against unorm2_isNormalized: "certainly NFC" must be NFC), and the html
 * writer's nd_html_bidi_scan against u_charDirection per character and
 * the escaper's rules; nd_utf8_stats (text decoding's UTF-8 census), the
 * markdown writer's nd_md_escape_text and nd_html_words_end (the html
 * reader's runs of text kept as they are) against the loops a character
 * or a byte at a time they replaced.  Random strings made of Arabic
 * letters, marks out of canonical order, Latin, three- and four-byte
 * characters, controls, invalid and truncated sequences, at every length
 * and alignment, in buffers of their exact size (so that a sanitizer sees
 * any read past the end). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>

#include "internal.h"
#include "core/ucache.h"
#include "formats/html/html.h"
#include "formats/markdown/markdown.h"

static const char *const PIECES[] = {
    /* Arabic letters (the common case), Persian, the Arabic comma, digits */
    "\xd8\xa7", "\xd9\x84", "\xd9\x85", "\xd8\xaa", "\xd9\x8a", "\xd8\xa9", "\xdb\x8c", "\xda\xa9", "\xd9\xbe",
    "\xd8\x8c", "\xd9\xa3", "\xdb\xb1", "\xd8\x80", "\xd8\x88", "\xdb\xbf", "\xd9\xad",
    /* marks: shadda, fatha, tanwin, maddah/hamza above/below (NFC_QC=Maybe), superscript alef, small high */
    "\xd9\x91", "\xd9\x8e", "\xd9\x8b", "\xd9\x93", "\xd9\x94", "\xd9\x95", "\xd9\xb0", "\xdb\x96", "\xd8\x90",
    "\xd9\x91\xd9\x8e", "\xd9\x8e\xd9\x91", "\xd8\xa7\xd9\x93", "\xd9\x88\xd9\x94",
    /* Hebrew, Greek, Cyrillic, Latin-1, Latin with combining marks, an NFC_QC=No character */
    "\xd7\x90", "\xd6\xb0", "\xd6\xb8", "\xce\xb1", "\xd0\x96", "\xc3\xa9", "e\xcc\x81", "\xcc\x81\xcc\xa7",
    "\xcc\xa7\xcc\x81", "\xcd\x80", "\xcd\xb4", "\xc2\xab", "\xc2\xbb", "\xc2\xa0", "\xc2\x85", "\xc2\x9f",
    "\xcb\xbf", "\xdf\xbf",
    /* ASCII: letters at the edges of the ranges, what the escaper changes */
    " ", " ", " ", "a", "z", "A", "Z", "@", "[", "`", "{", "1", ".", "&", "<", ">", "\"", "'", "\n", "\t",
    "\r", "\x01", "\x1f", "\x7f",
    /* three and four bytes: quotes, ZWNJ, RLM, isolates, U+FFFD, an emoji */
    "\xe2\x80\x9c", "\xe2\x80\x8c", "\xe2\x80\x8f", "\xe2\x81\xa6", "\xef\xbf\xbd", "\xef\xbb\xbf",
    "\xf0\x9f\x98\x80",
    /* invalid: overlong, lone leads and trails, surrogates, noncharacters, out of range */
    "\xc0\x80", "\xc1\xbf", "\xc0\xa1", "\xc2", "\xd8", "\xdf", "\xe0\x80", "\xe2\x80", "\xed\xa0\x80",
    "\xef\xbf\xbe", "\xef\xbf\xbf", "\xf4\x90\x80\x80", "\xf0\x9f", "\xff", "\xfe", "\x80", "\xbf",
};
#define NPIECES (sizeof PIECES / sizeof *PIECES)
#define NCOMMON 16 /* the first pieces: Arabic letters */

static unsigned long long g_rand = 88172645463325252ull;
static unsigned rnd(unsigned n) {
  g_rand ^= g_rand << 13;
  g_rand ^= g_rand >> 7;
  g_rand ^= g_rand << 17;
  return (unsigned)(g_rand % n);
}

/* A random string of `pieces` pieces; mostly Arabic and spaces, sometimes
 * anything; sometimes cut anywhere. */
static size_t make(char *buf, size_t cap, unsigned pieces) {
  size_t len = 0;
  unsigned mode = rnd(4);
  for (unsigned j = 0; j < pieces; j++) {
    unsigned q;
    if (mode == 0) q = rnd(NPIECES);
    else if (rnd(10) < 8) q = rnd(10) < 8 ? rnd(NCOMMON) : NPIECES; /* a letter or a space */
    else q = rnd(NPIECES);
    const char *p = q < NPIECES ? PIECES[q] : " ";
    size_t l = strlen(p);
    if (len + l > cap) break;
    memcpy(buf + len, p, l);
    len += l;
  }
  if (len && rnd(5) == 0) len -= rnd((unsigned)len < 4 ? (unsigned)len : 4);
  return len;
}

static unsigned pieces_count(void) {
  switch (rnd(4)) {
  case 0: return rnd(8);
  case 1: return 4 + rnd(24);
  case 2: return rnd(120);
  default: return rnd(600);
  }
}

/* Arabic letters up to offset at (a space for an odd one), then piece:
 * its length. */
static size_t arabic_then(char *text, size_t at, const char *piece) {
  size_t len = 0;
  for (; len + 2 <= at; len += 2) memcpy(text + len, "\xd9\x84", 2);
  if (len < at) text[len++] = ' ';
  size_t n = strlen(piece);
  memcpy(text + len, piece, n);
  return len + n;
}

/* ---- NFC quick check ---- */

/* The quick check a character at a time, straight from ICU. */
static int nfc_quick_ref(const char *s, size_t len) {
  unsigned prev = 0;
  size_t i = 0;
  while (i < len) {
    size_t at = i;
    uint32_t cp = nd_utf8_next(s, len, &i);
    if (cp == 0xFFFD && i - at != 3) return 0; /* invalid */
    if (u_getIntPropertyValue((UChar32)cp, UCHAR_NFC_QUICK_CHECK) != UNORM_YES) return 0;
    unsigned ccc = u_getCombiningClass((UChar32)cp);
    if (ccc && prev > ccc) return 0;
    prev = ccc;
  }
  return 1;
}

static int icu_is_nfc(const char *s, size_t len) {
  UErrorCode st = U_ZERO_ERROR;
  int32_t n = 0;
  u_strFromUTF8(NULL, 0, &n, s, (int32_t)len, &st);
  if (st != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(st)) return -1; /* invalid */
  UChar *u = malloc(((size_t)n + 1) * sizeof *u);
  st = U_ZERO_ERROR;
  u_strFromUTF8(u, n + 1, NULL, s, (int32_t)len, &st);
  cr_assert(U_SUCCESS(st));
  const UNormalizer2 *nfc = unorm2_getNFCInstance(&st);
  UBool yes = unorm2_isNormalized(nfc, u, n, &st);
  cr_assert(U_SUCCESS(st));
  free(u);
  return yes ? 1 : 0;
}

static void check_nfc(const char *buf, size_t len, int *certain) {
  char *s = malloc(len ? len : 1); /* exactly len bytes */
  memcpy(s, buf, len);
  int got = nd_nfc_quick(s, len), want = nfc_quick_ref(s, len);
  if (got != want) {
    char hex[3 * 64 + 1] = "";
    for (size_t k = 0; k < len && k < 64; k++) sprintf(hex + 3 * k, "%02x ", (unsigned char)s[k]);
    cr_assert_fail("nd_nfc_quick %d, character by character %d, len %zu: %s", got, want, len, hex);
  }
  if (got) {
    cr_assert_eq(icu_is_nfc(s, len), 1, "nd_nfc_quick says certainly NFC, ICU says not (len %zu)", len);
    (*certain)++;
  }
  free(s);
}

Test(scans, nfc_quick_matches_character_by_character) {
  static char buf[4096];
  int certain = 0;
  for (int it = 0; it < 60000; it++) check_nfc(buf, make(buf, sizeof buf, pieces_count()), &certain);
  cr_assert_gt(certain, 5000, "too few strings certainly NFC (%d): the test does not reach the fast path", certain);
}

Test(scans, nfc_quick_marks_out_of_order_anywhere) {
  /* shadda + fatha is NFC, fatha + shadda is not (ccc 33 > 30): at every
   * offset of a long Arabic text, and with U+0653..U+0655 after alef (they
   * compose: not certainly NFC) */
  const char *bad[] = {"\xd9\x91\xd9\x8e", "\xd8\xa7\xd9\x93", "\xd8\xa7\xd9\x94", "\xd8\xa7\xd9\x95", "\xd9\x8e\xd9\x8f\xd9\x8e\xd9\x91",
                       "e\xcc\x81", "\xcd\x80", "\xe2\x80", "\xd8"};
  const char *good[] = {"\xd9\x8e\xd9\x91", "\xd9\x85\xd9\x8e", "\xc2\xab", "\xe2\x80\x9c"};
  char text[300];
  for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
    for (size_t at = 0; at < 200; at++) {
      size_t len = arabic_then(text, at, bad[k]);
      size_t tail = at % 70;
      for (size_t j = 0; j < tail; j++) text[len++] = j % 3 ? 'a' : ' ';
      char *s = malloc(len);
      memcpy(s, text, len);
      /* the mark-only pieces are fine after a space; compare with the reference */
      cr_assert_eq(nd_nfc_quick(s, len), nfc_quick_ref(s, len), "piece %zu at %zu", k, at);
      free(s);
    }
  }
  for (size_t k = 0; k < sizeof good / sizeof *good; k++) {
    char t[400];
    size_t len = 0;
    for (int j = 0; j < 40; j++) { memcpy(t + len, "\xd9\x84\xd9\x85 ", 5); len += 5; }
    memcpy(t + len, good[k], strlen(good[k]));
    len += strlen(good[k]);
    cr_assert_eq(nd_nfc_quick(t, len), 1, "good piece %zu", k);
  }
}

/* ---- bidi scan ---- */

static int ascii_esc(uint32_t c) {
  return (c < 0x20 && c != '\t' && c != '\n') || c == '"' || c == '&' || c == '<' || c == '>';
}

/* Counts per character from u_charDirection; ESC for what the escaper
 * changes (or the scan leaves to it): & < > " and controls, invalid
 * sequences, four-byte sequences, U+FFFE/U+FFFF. */
static int bidi_ref(const char *s, size_t len, size_t *l, size_t *r) {
  int esc = 0;
  size_t i = 0;
  while (i < len) {
    size_t at = i;
    uint32_t cp = nd_utf8_next(s, len, &i);
    size_t n = i - at;
    if ((cp == 0xFFFD && n != 3) || n == 4 || cp == 0xFFFE || cp == 0xFFFF || ascii_esc(cp) ||
        (cp >= 0x7F && cp <= 0x9F))
      esc = 1;
    if (cp == 0xFFFD && n != 3) continue;
    UCharDirection d = u_charDirection((UChar32)cp);
    if (d == U_LEFT_TO_RIGHT) (*l)++;
    if (d == U_RIGHT_TO_LEFT || d == U_RIGHT_TO_LEFT_ARABIC) (*r)++;
  }
  return esc;
}

static void check_bidi(const char *buf, size_t len) {
  char *s = malloc(len ? len : 1);
  memcpy(s, buf, len);
  size_t l = 7, r = 11, l0 = 7, r0 = 11;
  int esc = nd_html_bidi_scan(s, len, &l, &r), esc0 = bidi_ref(s, len, &l0, &r0);
  if (l != l0 || r != r0 || esc != esc0) {
    char hex[3 * 64 + 1] = "";
    for (size_t k = 0; k < len && k < 64; k++) sprintf(hex + 3 * k, "%02x ", (unsigned char)s[k]);
    cr_assert_fail("scan L %zu R %zu ESC %d, per character L %zu R %zu ESC %d, len %zu: %s", l, r, esc, l0, r0,
                   esc0, len, hex);
  }
  free(s);
}

Test(scans, bidi_scan_matches_character_by_character) {
  static char buf[4096];
  for (int it = 0; it < 60000; it++) check_bidi(buf, make(buf, sizeof buf, pieces_count()));
}

Test(scans, bidi_scan_every_length_and_split) {
  /* every length 0..200 of an Arabic text with English, a quote and marks,
   * and every start offset: what a block, the masked last block and a
   * short copy count must add up the same */
  const char *text = "\xd9\x82\xd8\xa7\xd9\x84 \xd8\xa7\xd9\x84\xd8\xb1\xd8\xa6\xd9\x8a\xd8\xb3 iPhone 15\xd8\x8c "
                     "\xd9\x85\xd9\x8f\xd8\xad\xd9\x8e\xd9\x85\xd9\x91\xd9\x8e\xd8\xaf \xe2\x80\x9cObama\xe2\x80\x9d "
                     "\xd8\xb9\xd8\xa7\xd9\x85 2024 & <b> \xc2\xab\xd9\x86\xd8\xb5\xc2\xbb \xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d "
                     "caf\xc3\xa9 \xd9\x84\xd9\x85 \xd9\x8a\xd9\x83\xd9\x86 \xd9\x87\xd9\x86\xd8\xa7\xd9\x83 \xd8\xb4\xd9\x8a\xd8\xa1 "
                     "\xd8\xa2\xd8\xae\xd8\xb1 \xd9\x81\xd9\x8a \xd8\xa7\xd9\x84\xd8\xb9\xd8\xa7\xd9\x84\xd9\x85.";
  size_t n = strlen(text);
  for (size_t from = 0; from < 40; from++)
    for (size_t len = 0; from + len <= n; len++) check_bidi(text + from, len);
}

/* ---- escaping ---- */

static void check_escape(const char *buf, size_t len) {
  char *s = malloc(len ? len : 1);
  memcpy(s, buf, len);
  nd_buf a = ND_BUF_INIT, b = ND_BUF_INIT;
  nd_xml_escape_quot(&a, s, len);
  nd_html_escape_quot(&b, s, len);
  cr_assert(!a.failed && !b.failed);
  cr_assert_eq(a.len, b.len, "nd_html_escape_quot wrote %zu bytes, nd_xml_escape_quot %zu (input %zu)", b.len, a.len,
               len);
  cr_assert(!a.len || !memcmp(a.data, b.data, a.len), "nd_html_escape_quot differs from nd_xml_escape_quot (input %zu)",
            len);
  nd_buf_free(&a);
  nd_buf_free(&b);
  free(s);
}

Test(scans, escape_matches_the_escaper) {
  static char buf[4096];
  for (int it = 0; it < 60000; it++) check_escape(buf, make(buf, sizeof buf, pieces_count()));
}

/* ---- UTF-8 statistics ---- */

/* decode.c's census as it was, a character at a time. */
static void utf8_stats_ref(const char *s, size_t len, size_t *good_mb, size_t *bad) {
  size_t i = 0;
  *good_mb = *bad = 0;
  while (i < len) {
    unsigned char c = (unsigned char)s[i];
    if (c < 0x80) { i++; continue; }
    if (c >= 0xC2 && c <= 0xDF && i + 1 < len && ((unsigned char)s[i + 1] & 0xC0) == 0x80) {
      i += 2;
      (*good_mb)++;
      continue;
    }
    size_t at = i;
    uint32_t cp = nd_utf8_next(s, len, &i);
    if (cp == 0xFFFD && !(at + 2 < len && (unsigned char)s[at + 1] == 0xBF && c == 0xEF &&
                          (unsigned char)s[at + 2] == 0xBD))
      (*bad)++;
    else
      (*good_mb)++;
  }
}

static void check_stats(const char *buf, size_t len) {
  char *s = malloc(len ? len : 1);
  memcpy(s, buf, len);
  size_t g = 5, b = 7, g0, b0;
  nd_utf8_stats(s, len, &g, &b);
  utf8_stats_ref(s, len, &g0, &b0);
  if (g != g0 || b != b0) {
    char hex[3 * 64 + 1] = "";
    for (size_t k = 0; k < len && k < 64; k++) sprintf(hex + 3 * k, "%02x ", (unsigned char)s[k]);
    cr_assert_fail("nd_utf8_stats good %zu bad %zu, character by character good %zu bad %zu, len %zu: %s", g, b, g0,
                   b0, len, hex);
  }
  free(s);
}

Test(scans, utf8_stats_matches_character_by_character) {
  static char buf[4096];
  for (int it = 0; it < 60000; it++) check_stats(buf, make(buf, sizeof buf, pieces_count()));
}

Test(scans, utf8_stats_bad_sequences_at_every_offset) {
  /* each invalid or unusual sequence at every offset 0..140 of Arabic
   * text (odd offsets after one ASCII byte), so that it falls on every
   * lane of a block, across block edges and in the tail */
  const char *odd[] = {"\xc0\x80", "\xc1\xbf", "\xc2", "\xdf", "\xd8\xd8\xa7", "\x80", "\xbf\xbf", "\xe0\x80\x80",
                       "\xe0\xa0\x80", "\xe2\x80", "\xe2\x80\x9c", "\xed\xa0\x80", "\xed\xbf\xbf", "\xef\xbf\xbd",
                       "\xef\xbf", "\xef\xbf\xbe", "\xf0\x9f\x98\x80", "\xf0\x9f", "\xf4\x90\x80\x80", "\xf5\x80",
                       "\xfe", "\xff", "\xd9"};
  char text[400];
  for (size_t k = 0; k < sizeof odd / sizeof *odd; k++) {
    for (size_t at = 0; at < 140; at++) {
      for (int tail = 0; tail < 3; tail++) {
        size_t len = arabic_then(text, at, odd[k]);
        /* then Arabic, ASCII, or the text cut right after the piece */
        size_t more = tail == 2 ? 0 : 40 + at % 37;
        for (size_t j = 0; j < more; j++) {
          if (tail == 0 && len + 2 <= sizeof text) { memcpy(text + len, "\xd8\xa7", 2); len += 2; }
          else if (len < sizeof text) text[len++] = (char)('a' + j % 26);
        }
        check_stats(text, len);
        /* and at the very end of a long text */
        if (tail == 2 && at >= 64) check_stats(text + 1, len - 1);
      }
    }
  }
}

/* ---- markdown escaping ---- */

static int md_alnum(unsigned char c) { return (c >= '0' && c <= '9') || ((c | 32) >= 'a' && (c | 32) <= 'z'); }

/* nd_md_escape_text as it was, a byte at a time.  The block starts at
 * line starts are the writer's own nd_md_line_start_escape (the same
 * before and after the run-copying this checks). */
static void md_escape_ref(nd_buf *out, const char *s, size_t len, int line_start, int in_table) {
  size_t esc_at = (size_t)-1;
  size_t i = 0;
  if (line_start) {
    while (i < len && (s[i] == ' ' || s[i] == '\t')) i++;
    esc_at = nd_md_line_start_escape(s, len, i);
  }
  size_t run = i;
  for (; i < len; i++) {
    unsigned char c = (unsigned char)s[i];
    int esc = 0;
    if (i == esc_at) esc = 1;
    else if (c < 0x80) {
      switch (c) {
      case '\\': case '`': case '*': case '[': case ']': case '<': case '~': case '^': case '$': case '|':
      case '{':
        esc = 1;
        break;
      case '_': {
        unsigned char p = i ? (unsigned char)s[i - 1] : 0, nx = i + 1 < len ? (unsigned char)s[i + 1] : 0;
        esc = !(md_alnum(p) && md_alnum(nx));
        break;
      }
      case '&': {
        unsigned char nx = i + 1 < len ? (unsigned char)s[i + 1] : 0;
        esc = nx == '#' || md_alnum(nx);
        break;
      }
      case '@': {
        unsigned char p = i ? (unsigned char)s[i - 1] : 0;
        esc = !md_alnum(p);
        break;
      }
      case '!':
        esc = i + 1 == len;
        break;
      case '\n':
      case '\r':
        nd_buf_put(out, s + run, i - run);
        while (out->len && (out->data[out->len - 1] == ' ' || out->data[out->len - 1] == '\t')) out->len--;
        if (c == '\r' && i + 1 < len && s[i + 1] == '\n') i++;
        nd_buf_putc(out, in_table ? ' ' : '\n');
        i++;
        while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) i++;
        esc_at = in_table ? (size_t)-1 : nd_md_line_start_escape(s, len, i);
        run = i;
        i--;
        continue;
      default:
        if (c < 0x20 && c != '\t') {
          nd_buf_put(out, s + run, i - run);
          run = i + 1;
          continue;
        }
        break;
      }
    }
    if (esc) {
      nd_buf_put(out, s + run, i - run);
      nd_buf_putc(out, '\\');
      run = i;
    }
  }
  nd_buf_put(out, s + run, len - run);
}

static void check_md(const char *buf, size_t len, int line_start, int in_table) {
  char *s = malloc(len ? len : 1);
  memcpy(s, buf, len);
  nd_buf a = ND_BUF_INIT, b = ND_BUF_INIT;
  nd_buf_puts(&a, "x \t");
  nd_buf_puts(&b, "x \t");
  nd_md_escape_text(&a, s, len, line_start, in_table);
  md_escape_ref(&b, s, len, line_start, in_table);
  cr_assert(!a.failed && !b.failed);
  if (a.len != b.len || memcmp(a.data, b.data, a.len)) {
    char hex[3 * 64 + 1] = "";
    for (size_t k = 0; k < len && k < 64; k++) sprintf(hex + 3 * k, "%02x ", (unsigned char)s[k]);
    cr_assert_fail("nd_md_escape_text differs from the byte loop (line_start %d, in_table %d, len %zu -> %zu, %zu): %s",
                   line_start, in_table, len, a.len, b.len, hex);
  }
  nd_buf_free(&a);
  nd_buf_free(&b);
  free(s);
}

/* Overwrites n random places of buf[0..len) with one of the k pieces. */
static size_t sprinkle(char *buf, size_t len, const char *const *pieces, size_t k, unsigned n) {
  for (unsigned j = 0; j < n && len; j++) {
    const char *p = pieces[rnd((unsigned)k)];
    size_t at = rnd((unsigned)len), pl = strlen(p);
    if (at + pl <= len) memcpy(buf + at, p, pl);
  }
  return len;
}

/* Random text with what markdown escapes, at line starts too. */
static size_t make_md(char *buf, size_t cap) {
  static const char *const md[] = {"\\", "`", "*", "[", "]", "<", "~", "^", "$", "|", "{", "}", "_", "a_b", "_a", "&",
                                   "&#", "&amp", "@", "a@", "!", "#", ">", "-", "=", "%", "+ ", ":", "(a)", "(12)",
                                   "1. ", "12) ", "iv. ", "x) ", "a.", "\n", "\r", "\r\n", "\n\n  ", " \n", "\t",
                                   "\x01", "\x7f", "  ", "\n# ", "\n- ", "\n1. "};
  return sprinkle(buf, make(buf, cap, pieces_count()), md, sizeof md / sizeof *md, rnd(4) == 0 ? 0 : rnd(12));
}

Test(scans, md_escape_matches_the_byte_loop) {
  static char buf[4096];
  for (int it = 0; it < 60000; it++) {
    size_t len = make_md(buf, sizeof buf);
    check_md(buf, len, it & 1, (it >> 1) & 1);
  }
}

Test(scans, md_escape_every_offset) {
  /* each special character at every offset of Arabic text with spaces,
   * from every start: block edges, the tail, the line start */
  const char *sp[] = {"*", "_", "a_b", "&a", "@", "!", "\n1. x", "\n#", "\r\n-", "\x01", "|", "\\", "~"};
  char text[240];
  for (size_t k = 0; k < sizeof sp / sizeof *sp; k++) {
    for (size_t at = 0; at < 110; at++) {
      size_t len = 0;
      for (size_t j = 0; len + 2 <= at; j++) {
        memcpy(text + len, j % 4 == 3 ? "  " : "\xd8\xb3", 2);
        len += 2;
      }
      if (len < at) text[len++] = ' ';
      size_t n = strlen(sp[k]);
      memcpy(text + len, sp[k], n);
      len += n;
      for (size_t j = 0; j < 50 + at % 11; j++) {
        if (j % 7 == 6) {
          text[len++] = ' ';
        } else {
          memcpy(text + len, "\xd9\x84", 2);
          len += 2;
        }
      }
      for (size_t from = 0; from < 3; from++) {
        check_md(text + from, len - from, 0, 0);
        check_md(text + from, len - from, 1, 0);
        check_md(text + from, len - from, 0, 1);
      }
    }
  }
  /* what the last byte decides ('!' escaped only there, '_' and '&'
   * looking past it), for every length: the last byte in a block too */
  const char *last[] = {"!", "_", "&", "@", "a_"};
  for (size_t k = 0; k < sizeof last / sizeof *last; k++)
    for (size_t len = 0; len < 140; len++) {
      size_t n = strlen(last[k]);
      for (size_t j = 0; j < len; j++) text[j] = j % 5 == 4 ? ' ' : (char)(j & 1 ? 0x84 : 0xd9);
      memcpy(text + len, last[k], n);
      check_md(text, len + n, 0, 0);
      check_md(text, len + n, 1, 1);
    }
}

/* ---- the html reader's text runs ---- */

static int ws_ref(unsigned char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

static size_t words_end_ref(const char *s, size_t i, size_t len) {
  while (i < len) {
    unsigned char c = (unsigned char)s[i];
    if (!ws_ref(c) || (c == ' ' && i + 1 < len && !ws_ref((unsigned char)s[i + 1]))) i++;
    else break;
  }
  return i;
}

static void check_words(const char *buf, size_t len) {
  char *s = malloc(len ? len : 1);
  memcpy(s, buf, len);
  size_t tries = 0;
  for (size_t i = 0; i <= len && tries < 6; i += 1 + (len > 64 ? rnd((unsigned)len / 4 + 1) : 0)) {
    if (i < len && ws_ref((unsigned char)s[i])) continue;
    tries++;
    size_t got = nd_html_words_end(s, i, len), want = words_end_ref(s, i, len);
    cr_assert_eq(got, want, "nd_html_words_end from %zu: %zu, byte by byte %zu (len %zu)", i, got, want, len);
  }
  free(s);
}

/* Random text with HTML's blanks: single and double spaces, tabs, form
 * feeds, newlines, vertical tabs and other controls. */
static size_t make_blanks(char *buf, size_t cap) {
  static const char *const blank[] = {" ", " ", " ", "  ", "\n", "\t", "\f", "\r\n", "\v", "\x01", " \x1f", " \n "};
  return sprinkle(buf, make(buf, cap, pieces_count()), blank, sizeof blank / sizeof *blank, rnd(6));
}

Test(scans, html_words_end_matches_byte_by_byte) {
  static char buf[4096];
  for (int it = 0; it < 60000; it++) check_words(buf, make_blanks(buf, sizeof buf));
}

Test(scans, html_words_end_every_start_and_length) {
  /* Arabic words with single spaces, and each blank that ends a run at
   * every offset: from every start, every length */
  const char *blank[] = {"  ", "\n", "\t", "\f", "\r", " \n", " \x01", "\x01", " \x0b"};
  char text[200];
  for (size_t k = 0; k < sizeof blank / sizeof *blank; k++) {
    for (size_t at = 0; at < 100; at += 3) {
      size_t len = 0;
      for (size_t j = 0; len + 3 <= at; j++) {
        memcpy(text + len, j % 3 == 2 ? " " : "\xd9\x84", j % 3 == 2 ? 1 : 2);
        len += j % 3 == 2 ? 1 : 2;
      }
      size_t n = strlen(blank[k]);
      memcpy(text + len, blank[k], n);
      len += n;
      for (; len < 120; len++) text[len] = len % 5 ? 'w' : ' ';
      for (size_t from = 0; from < 8; from++)
        for (size_t l = from; l <= len; l += 1 + (l > 40 ? 3 : 0)) {
          if (from < l && ws_ref((unsigned char)text[from])) continue;
          cr_assert_eq(nd_html_words_end(text, from, l), words_end_ref(text, from, l), "blank %zu at %zu, from %zu, len %zu",
                       k, at, from, l);
        }
    }
  }
}
