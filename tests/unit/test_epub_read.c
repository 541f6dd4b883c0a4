/* The epub reader: every book of ../shared/corpus/epub reads, right-to-left
 * books come out rtl, metadata survives, and epub -> model -> epub -> model
 * is stable.  Books are printed (title, language, direction, sections). */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

static size_t count_type(newsdoc_doc *d, newsdoc_node_type t) {
  size_t n = 0;
  newsdoc_iter *it;
  newsdoc_iter_new(&it, newsdoc_doc_root(d));
  newsdoc_event ev;
  while ((ev = newsdoc_iter_next(it)) != NEWSDOC_EVENT_DONE)
    if (ev == NEWSDOC_EVENT_ENTER && newsdoc_node_get_type(newsdoc_iter_node(it)) == t) n++;
  newsdoc_iter_free(it);
  return n;
}

static newsdoc_doc *read_mem(const char *data, size_t len, const char *fmt, const char *what) {
  newsdoc_doc *d = NULL;
  int rc = newsdoc_read(&d, data, len, fmt, what, NULL);
  cr_assert_eq(rc, 0, "%s: %s", what, newsdoc_error_last()->message);
  return d;
}

static char *to_epub(const newsdoc_doc *d, size_t *len, const char *what) {
  char *out = NULL;
  int rc = newsdoc_write(d, "epub", NULL, &out, len);
  cr_assert_eq(rc, 0, "%s: writing epub: %s", what, newsdoc_error_last()->message);
  return out;
}

/* Where two JSON texts first differ, or NULL when equal (static text). */
static const char *first_difference(const char *j1, const char *j2) {
  static char msg[700];
  if (!strcmp(j1, j2)) return NULL;
  size_t i = 0;
  while (j1[i] && j1[i] == j2[i]) i++;
  size_t from = i > 100 ? i - 100 : 0;
  snprintf(msg, sizeof msg, "at byte %zu:\n  first:  %.220s\n  second: %.220s", i, j1 + from, j2 + from);
  return msg;
}

/* model1 -> epub -> model2: the JSON of model2, and the book. */
static char *cycle(newsdoc_doc *model1, newsdoc_doc **model2, char **book, size_t *blen, const char *what) {
  *book = to_epub(model1, blen, what);
  *model2 = read_mem(*book, *blen, "epub", what);
  return tu_json(*model2);
}

/* epub -> model1 -> epub -> model2: the two models are the same JSON, and
 * the book written from model2 is the same bytes as the one from model1. */
static void assert_round_trip(newsdoc_doc *model1, const char *what) {
  size_t l2, l3;
  newsdoc_doc *model2;
  char *e2, *j1 = tu_json(model1), *j2 = cycle(model1, &model2, &e2, &l2, what);
  const char *diff = first_difference(j1, j2);
  cr_assert_null(diff, "%s: model changed after epub -> model -> epub -> model %s", what, diff);
  char *e3 = to_epub(model2, &l3, what);
  cr_assert(l2 == l3 && !memcmp(e2, e3, l2), "%s: the second book differs from the first", what);
  free(j1);
  free(j2);
  newsdoc_free(e2);
  newsdoc_free(e3);
  newsdoc_doc_free(model2);
}

static const char *shared_dir(void) {
  const char *s = getenv("NEWSDOC_SHARED");
  if (!s || !tu_shared("corpus/epub/SOURCES.md")) return NULL;
  return s;
}

Test(epub_read, corpus_books_read_and_rtl_books_are_rtl) {
  const char *shared = shared_dir();
  if (!shared) cr_skip_test("../shared not found");
  char dir[4096];
  snprintf(dir, sizeof dir, "%s/corpus/epub", shared);
  DIR *dp = opendir(dir);
  cr_assert(dp);
  struct dirent *e;
  size_t books = 0;
  int saw_ar = 0, saw_he = 0;
  char *names[64];
  size_t nn = 0;
  while ((e = readdir(dp)) && nn < 64) {
    size_t l = strlen(e->d_name);
    if (l > 5 && !strcmp(e->d_name + l - 5, ".epub")) names[nn++] = strdup(e->d_name);
  }
  closedir(dp);
  /* sorted, so the printout is stable */
  for (size_t i = 1; i < nn; i++)
    for (size_t j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
      char *t = names[j];
      names[j] = names[j - 1];
      names[j - 1] = t;
    }
  printf("%-36s %-6s %-4s %8s %10s  %s\n", "book", "lang", "dir", "sections", "paragraphs", "title");
  for (size_t k = 0; k < nn; k++) {
    char path[8192];
    snprintf(path, sizeof path, "%s/%s", dir, names[k]);
    size_t len;
    char *data = tu_read_file(path, &len);
    cr_assert(data, "%s", path);
    newsdoc_doc *d = read_mem(data, len, "epub", names[k]);
    const char *title = newsdoc_meta_get(d, "title"), *lang = newsdoc_meta_get(d, "lang"),
               *dirs = newsdoc_meta_get(d, "dir");
    size_t secs = count_type(d, NEWSDOC_NODE_SECTION), paras = count_type(d, NEWSDOC_NODE_PARAGRAPH);
    printf("%-36s %-6s %-4s %8zu %10zu  %s\n", names[k], lang ? lang : "-", dirs ? dirs : "-", secs, paras,
           title ? title : "-");
    cr_assert(title && *title, "%s: no title", names[k]);
    cr_assert(lang && *lang, "%s: no language", names[k]);
    cr_assert(dirs, "%s: no direction", names[k]);
    cr_assert_gt(paras + secs, 0, "%s: no content", names[k]);
    if (strstr(names[k], "arabic")) {
      saw_ar = 1;
      cr_assert_str_eq(lang, "ar");
      cr_assert_str_eq(dirs, "rtl", "%s", names[k]);
      /* the French title stays the title; the Arabic one is kept beside it */
      cr_assert_str_eq(title, "Le Vrai R\xC3\xA9gime anti-cancer");
      const char *alt = newsdoc_meta_get(d, "title-alternate");
      cr_assert(alt && strstr(alt, "\xD8\xA7\xD9\x84\xD8\xB3\xD8\xB1\xD8\xB7\xD8\xA7\xD9\x86"), "alternate title: %s",
                alt ? alt : "(none)"); /* السرطان */
      cr_assert_str_eq(newsdoc_meta_get(d, "title-alternate-lang"), "ar");
      cr_assert_eq(newsdoc_meta_count(d, "author"), 3);
      cr_assert_str_eq(newsdoc_meta_get_nth(d, "author", 0), "Pr David Khayat");
      cr_assert_str_eq(newsdoc_meta_get_nth(d, "author", 2), "Marina Khalil Fayad");
    }
    if (strstr(names[k], "israelsailing")) {
      saw_he = 1;
      cr_assert_str_eq(lang, "he");
      cr_assert_str_eq(dirs, "rtl");
      cr_assert_geq(secs, 10, "the ten chapters");
      cr_assert_gt(newsdoc_media_count(d), 0, "its images");
    }
    if (strstr(names[k], "childrens-literature"))
      cr_assert(newsdoc_meta_get(d, "subtitle"), "the second dc:title is the subtitle");
    if (strstr(names[k], "wasteland") || strstr(names[k], "minimal-v2")) cr_assert_str_eq(dirs, "ltr");
    books++;
    newsdoc_doc_free(d);
    free(data);
    free(names[k]);
  }
  cr_assert(saw_ar && saw_he, "the Arabic and Hebrew books are missing from the corpus");
  cr_assert_geq(books, 9);
}

/* Foreign books: epub -> model1 -> epub -> model2 -> epub -> model3.  The
 * strict check (model1 == model2) is printed per book; model2 == model3 (a
 * book of ours reads back to the model it was written from) must hold. */
Test(epub_read, corpus_round_trip_is_stable) {
  const char *shared = shared_dir();
  if (!shared) cr_skip_test("../shared not found");
  static const char *const books[] = {"bmaupin-minimal-v2.epub",         "idpf-childrens-literature.epub",
                                      "idpf-epub30-spec.epub",           "idpf-hefty-water.epub",
                                      "idpf-israelsailing.epub",         "idpf-regime-anticancer-arabic.epub",
                                      "idpf-wasteland.epub",             "pandoc-epub2_no_cover.epub",
                                      "pandoc-formatting.epub"};
  size_t strict = 0, n = sizeof books / sizeof books[0];
  for (size_t k = 0; k < n; k++) {
    char rel[256];
    snprintf(rel, sizeof rel, "corpus/epub/%s", books[k]);
    const char *path = tu_shared(rel);
    cr_assert(path, "%s missing", rel);
    size_t len, l2;
    char *data = tu_read_file(path, &len), *e2;
    newsdoc_doc *m1 = read_mem(data, len, "epub", books[k]), *m2;
    char *j1 = tu_json(m1), *j2 = cycle(m1, &m2, &e2, &l2, books[k]);
    const char *diff = first_difference(j1, j2);
    printf("round trip %-36s %s%s\n", books[k], diff ? "normalised once " : "identical", diff ? diff : "");
    strict += !diff;
    assert_round_trip(m2, books[k]);
    free(j1);
    free(j2);
    newsdoc_free(e2);
    newsdoc_doc_free(m1);
    newsdoc_doc_free(m2);
    free(data);
  }
  printf("round trip: %zu of %zu corpus books identical after epub -> model -> epub -> model\n", strict, n);
}

static char *fixture(const char *name, size_t *len) {
  const char *src = getenv("NEWSDOC_SOURCE_DIR");
  if (!src) return NULL;
  char path[4096];
  snprintf(path, sizeof path, "%s/tests/epub/fixtures/%s", src, name);
  return tu_read_file(path, len);
}

Test(epub_read, fixture_metadata_and_right_to_left_survive) {
  size_t len;
  char *json = fixture("arabic-article.json", &len);
  if (!json) cr_skip_test("NEWSDOC_SOURCE_DIR not set");
  newsdoc_doc *src = read_mem(json, len, "json", "arabic-article.json");
  size_t el;
  char *epub = to_epub(src, &el, "arabic-article");
  newsdoc_doc *d = read_mem(epub, el, "epub", "arabic-article.epub");
  cr_assert_str_eq(newsdoc_meta_get(d, "title"), newsdoc_meta_get(src, "title"));
  cr_assert_str_eq(newsdoc_meta_get(d, "lang"), "ar");
  cr_assert_str_eq(newsdoc_meta_get(d, "dir"), "rtl");
  cr_assert_eq(newsdoc_meta_count(d, "author"), 2);
  cr_assert_str_eq(newsdoc_meta_get_nth(d, "author", 1), "Dana Levi");
  cr_assert_eq(newsdoc_meta_count(d, "keyword"), 2);
  cr_assert_str_eq(newsdoc_meta_get(d, "byline"), newsdoc_meta_get(src, "byline"));
  cr_assert_str_eq(newsdoc_meta_get(d, "date"), "2024-11-05");
  cr_assert_str_eq(newsdoc_meta_get(d, "publisher"), newsdoc_meta_get(src, "publisher"));
  cr_assert_str_eq(newsdoc_meta_get(d, "source-url"), "https://example.com/news/1");
  cr_assert(newsdoc_meta_get(d, "identifier") && !strncmp(newsdoc_meta_get(d, "identifier"), "urn:uuid:", 9));
  cr_assert_eq(newsdoc_media_count(d), 2, "both images, nothing else");
  cr_assert_eq(count_type(d, NEWSDOC_NODE_SECTION), count_type(src, NEWSDOC_NODE_SECTION));
  char *o1 = tu_outline(src), *o2 = tu_outline(d);
  cr_assert_str_eq(o2, o1);
  /* text: ZWNJ and Arabic-Indic digits kept; the English section keeps lang and dir */
  char *j = tu_json(d);
  cr_assert(strstr(j, "\xD9\x85\xDB\x8C\xE2\x80\x8C\xD8\xAE\xD9\x88\xD8\xA7\xD9\x87\xD9\x85"), "ZWNJ lost"); /* می‌خواهم */
  cr_assert(strstr(j, "\xD9\xA2\xD9\xA0\xD9\xA2\xD9\xA4"), "Arabic-Indic digits lost");                        /* ٢٠٢٤ */
  cr_assert(strstr(j, "\"lang\":\"en\",\"dir\":\"ltr\""), "the LTR island lost its lang/dir: %s", j);
  assert_round_trip(d, "arabic-article");
  free(j);
  free(o1);
  free(o2);
  newsdoc_free(epub);
  newsdoc_doc_free(d);
  newsdoc_doc_free(src);
  free(json);
}

Test(epub_read, every_fixture_round_trips) {
  static const char *const names[] = {"arabic-article.json", "hebrew-book.json", "bare-english.json",
                                      "persian-deep.json"};
  for (size_t k = 0; k < 4; k++) {
    size_t len;
    char *json = fixture(names[k], &len);
    if (!json) cr_skip_test("NEWSDOC_SOURCE_DIR not set");
    newsdoc_doc *src = read_mem(json, len, "json", names[k]);
    size_t el;
    char *epub = to_epub(src, &el, names[k]);
    newsdoc_doc *d = read_mem(epub, el, "epub", names[k]);
    assert_round_trip(d, names[k]);
    newsdoc_free(epub);
    newsdoc_doc_free(d);
    newsdoc_doc_free(src);
    free(json);
  }
}

/* The sample article through the text reader: the book reads back with the
 * expected outline (lang, dir, byline, headings and paragraphs). */
Test(epub_read, sample_article_outline) {
  newsdoc_format f;
  if (newsdoc_format_find("text", &f) != 0 || !f.read) cr_skip_test("the text reader is not registered yet");
  const char *txt = tu_shared("samples/mauritania-us-military-cooperation.txt");
  if (!txt) cr_skip_test("../shared not found");
  size_t len;
  char *data = tu_read_file(txt, &len);
  newsdoc_doc *src = read_mem(data, len, "text", "sample");
  size_t l1, l2;
  char *e1 = to_epub(src, &l1, "sample"), *e2 = to_epub(src, &l2, "sample");
  cr_assert(l1 == l2 && !memcmp(e1, e2, l1), "two conversions of the sample differ");
  newsdoc_doc *d = read_mem(e1, l1, "epub", "sample.epub");
  size_t ol;
  char *expected = tu_read_file(tu_shared("samples/mauritania-us-military-cooperation.outline"), &ol);
  char *got = tu_outline(d);
  cr_assert_str_eq(got, expected);
  assert_round_trip(d, "sample");
  free(got);
  free(expected);
  newsdoc_free(e1);
  newsdoc_free(e2);
  newsdoc_doc_free(d);
  newsdoc_doc_free(src);
  free(data);
}
