/* test_text_probe.c - text is the fallback format: decodable text scores
 * low, a .txt name raises it, binary data scores 0; and hostile input
 * gives an error or a document, never a crash, hang or leak. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "testutil.h"

/* A bound against quadratic blow-ups, not a speed claim: generous, and
 * wider still under valgrind or a sanitizer, which slow everything. */
static double time_bound(void) {
  const char *pre = getenv("LD_PRELOAD");
  if ((pre && (strstr(pre, "vgpreload") || strstr(pre, "asan"))) || getenv("NEWSDOC_SLOW_TESTS")) return 60.0;
  return 2.0;
}

static int score(const char *data, size_t len, const char *name) {
  newsdoc_format f;
  cr_assert_eq(newsdoc_format_find("text", &f), 0);
  cr_assert_str_eq(f.extensions, "txt,text");
  cr_assert_str_eq(f.mime_types, "text/plain");
  cr_assert(f.flags & NEWSDOC_FORMAT_TEXTUAL);
  return f.probe(data, len, name, f.userdata);
}

Test(text_probe, scores) {
  const char *ar = "مقتل 5 فلسطينيين بانفجار وسط غزة\n\nأعلنت وزارة الصحة في قطاع غزة.\n";
  cr_assert_eq(score(ar, strlen(ar), NULL), 28);
  cr_assert_eq(score(ar, strlen(ar), "article.txt"), 60);
  cr_assert_eq(score(ar, strlen(ar), "ARTICLE.TEXT"), 60);
  cr_assert_eq(score(ar, strlen(ar), "article.md"), 28);
  /* markup-looking content is left to the HTML probe */
  cr_assert_eq(score("<p>Hello</p>", 12, NULL), 20);
  cr_assert_eq(score("<p>Hello</p>", 12, "hello.txt"), 60);
  /* UTF-16 with a BOM is text (its NULs are the encoding's) */
  const char u16[] = "\xFF\xFE" "H\0i\0 \0t\0h\0e\0r\0e\0\n\0";
  cr_assert_eq(score(u16, sizeof u16 - 1, NULL), 28);
  /* binary: NULs, zip, PDF, PNG */
  const char bin[] = "\x01\x02\x00\x00\x05garbage\x00\x00\x00";
  cr_assert_eq(score(bin, sizeof bin - 1, "x.txt"), 0);
  cr_assert_eq(score("PK\x03\x04rest", 8, "a.txt"), 0);
  cr_assert_eq(score("%PDF-1.7\n", 9, NULL), 0);
  cr_assert_eq(score("\x89PNG\r\n\x1a\n", 8, NULL), 0);
}

Test(text_probe, registry_picks_text) {
  /* unnamed prose with one Markdown-looking line: markdown's evidence
   * (30) beats the fallback (28); no tie */
  const char *md = "Some prose here.\n\n- one item\n";
  const char *nm = NULL;
  int sc = 0;
  if (newsdoc_format_find("markdown", &(newsdoc_format){0}) == 0) {
    cr_assert_eq(newsdoc_probe(md, strlen(md), NULL, &nm, &sc), 0, "%s", newsdoc_error_last()->message);
    cr_assert_str_eq(nm, "markdown");
    cr_assert_eq(newsdoc_probe(md, strlen(md), "notes.txt", &nm, &sc), 0);
    cr_assert_str_eq(nm, "text");
  }
  const char *name = NULL;
  int s = 0;
  const char *ar = "مقتل 5 فلسطينيين بانفجار وسط غزة\n\nأعلنت وزارة الصحة في قطاع غزة ان خمسة قتلوا.\n";
  cr_assert_eq(newsdoc_probe(ar, strlen(ar), "a.txt", &name, &s), 0, "%s", newsdoc_error_last()->message);
  cr_assert_str_eq(name, "text");
  const char *p = tu_shared("samples/mauritania-us-military-cooperation.txt");
  if (p) {
    size_t len;
    char *txt = tu_read_file(p, &len);
    cr_assert_eq(newsdoc_probe(txt, len, p, &name, &s), 0, "%s", newsdoc_error_last()->message);
    cr_assert_str_eq(name, "text");
    free(txt);
  }
}

static int read_rc(const char *data, size_t len, newsdoc_options *o, newsdoc_doc **out) {
  newsdoc_doc *d = NULL;
  int rc = newsdoc_read(&d, data, len, "text", NULL, o);
  if (out) *out = d;
  else newsdoc_doc_free(d);
  if (rc) {
    cr_assert_null(d);
    cr_assert_neq(newsdoc_error_last()->message[0], 0);
  }
  return rc;
}

Test(text_hostile, deep_quotes_and_lists) {
  size_t n = 5000;
  char *s = malloc(n * 3 + 16);
  size_t k = 0;
  for (size_t i = 0; i < n; i++) s[k++] = '>';
  memcpy(s + k, " deep\n", 6);
  k += 6;
  int rc = read_rc(s, k, NULL, NULL);
  cr_assert_eq(rc, NEWSDOC_ELIMIT_DEPTH, "got %d", rc);
  cr_assert(strstr(newsdoc_error_last()->message, "text"), "%s", newsdoc_error_last()->message);
  /* a staircase of list items, each indented two more columns */
  char *l = malloc(200 * 210 + 16);
  k = 0;
  for (size_t i = 0; i < 200; i++) {
    for (size_t j = 0; j < i * 2; j++) l[k++] = ' ';
    memcpy(l + k, "- x\n", 4);
    k += 4;
  }
  rc = read_rc(l, k, NULL, NULL);
  cr_assert_eq(rc, NEWSDOC_ELIMIT_DEPTH, "got %d", rc);
  free(l);
  free(s);
}

Test(text_hostile, max_nodes) {
  newsdoc_options *o;
  newsdoc_options_new(&o);
  newsdoc_options_set(o, "max-nodes", "50");
  char *s = malloc(100 * 24);
  size_t k = 0;
  for (int i = 0; i < 100; i++) k += (size_t)sprintf(s + k, "line %d here.\n\n", i);
  cr_assert_eq(read_rc(s, k, o, NULL), NEWSDOC_ELIMIT_COUNT);
  free(s);
  newsdoc_options_free(o);
}

/* Inline delimiters that never close must not make the reader quadratic:
 * 200 000 openers in one line read in well under a second. */
Test(text_hostile, unclosed_delimiters_linear) {
  size_t n = 200000;
  char *s = malloc(n * 4 + 1);
  for (size_t i = 0; i < n; i++) memcpy(s + i * 4, "**a ", 4);
  clock_t t0 = clock();
  newsdoc_doc *d = NULL;
  cr_assert_eq(read_rc(s, n * 4, NULL, &d), 0);
  double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
  cr_assert_lt(secs, time_bound(), "took %.2fs", secs);
  newsdoc_doc_free(d);
  for (size_t i = 0; i < n; i++) memcpy(s + i * 4, "*a* ", 4);
  s[0] = 'x';
  t0 = clock();
  cr_assert_eq(read_rc(s, n * 4, NULL, &d), 0);
  secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
  cr_assert_lt(secs, time_bound(), "took %.2fs", secs);
  newsdoc_doc_free(d);
  free(s);
}

/* A URL closed by a million parentheses is trimmed in linear time, and
 * the link keeps the balanced part. */
Test(text_hostile, url_parentheses) {
  size_t n = 1000000;
  char *s = malloc(n + 64);
  size_t k = (size_t)sprintf(s, "see http://x.org/a_(b) ");
  memcpy(s + k, "http://y.org/", 13);
  k += 13;
  for (size_t i = 0; i < n; i++) s[k++] = ')';
  clock_t t0 = clock();
  newsdoc_doc *d = NULL;
  cr_assert_eq(read_rc(s, k, NULL, &d), 0);
  cr_assert_lt((double)(clock() - t0) / CLOCKS_PER_SEC, time_bound());
  char *j = tu_json(d);
  cr_assert(strstr(j, "\"url\":\"http://x.org/a_(b)\""), "%.300s", j);
  cr_assert(strstr(j, "\"url\":\"http://y.org/\""), "%.300s", j);
  free(j);
  newsdoc_doc_free(d);
  free(s);
}

Test(text_hostile, random_bytes) {
  unsigned seed = 7;
  char buf[2048];
  for (int round = 0; round < 300; round++) {
    size_t len = (size_t)(round * 7 % 2048);
    for (size_t i = 0; i < len; i++) {
      seed = seed * 1103515245u + 12345u;
      unsigned v = (seed >> 16) & 0xFF;
      /* bias towards structure characters */
      static const char pick[] = "\n\n  -*>#=~1.)\xD8\xA7\xD9\x84**:\r\t";
      buf[i] = (v & 1) ? pick[v % (sizeof pick - 1)] : (char)v;
    }
    newsdoc_doc *d = NULL;
    int rc = newsdoc_read(&d, buf, len, "text", NULL, NULL);
    if (rc == 0) {
      char *out;
      size_t ol;
      cr_assert_eq(newsdoc_write(d, "text", NULL, &out, &ol), 0);
      newsdoc_free(out);
      newsdoc_doc_free(d);
    }
  }
}

Test(text_hostile, long_line_and_empty) {
  size_t n = 4 << 20;
  char *s = malloc(n);
  for (size_t i = 0; i < n; i++) s[i] = (i % 7) ? 'a' : ' ';
  newsdoc_doc *d = NULL;
  cr_assert_eq(read_rc(s, n, NULL, &d), 0);
  newsdoc_doc_free(d);
  free(s);
  cr_assert_eq(read_rc("", 0, NULL, &d), 0);
  cr_assert_null(newsdoc_node_first_child(newsdoc_doc_root(d)));
  newsdoc_doc_free(d);
  cr_assert_eq(read_rc("\n\n\n", 3, NULL, &d), 0);
  newsdoc_doc_free(d);
}
