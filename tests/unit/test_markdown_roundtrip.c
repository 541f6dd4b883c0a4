/* test_markdown_roundtrip.c - markdown -> model -> markdown is stable after
 * one pass (for the fixtures in tests/markdown/fixtures and the sample
 * article), and the sample read as text keeps its outline through
 * markdown. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

static const char *const FIXTURES[] = {"arabic-article.md", "persian-hebrew.md", "escapes.md", "lists-and-quotes.md"};

static char *fixture(const char *name, size_t *len) {
  const char *src = getenv("NEWSDOC_SOURCE_DIR");
  if (!src) return NULL;
  char path[4096];
  snprintf(path, sizeof path, "%s/tests/markdown/fixtures/%s", src, name);
  return tu_read_file(path, len);
}

static char *to_md(const newsdoc_doc *d) {
  char *out = NULL;
  size_t len;
  cr_assert_eq(newsdoc_write(d, "markdown", NULL, &out, &len), 0, "%s", newsdoc_error_last()->message);
  return out;
}

static newsdoc_doc *from(const char *s, size_t len, const char *format) {
  newsdoc_doc *d = NULL;
  cr_assert_eq(newsdoc_read(&d, s, len, format, NULL, NULL), 0, "%s", newsdoc_error_last()->message);
  return d;
}

/* md -> model1 -> md1 -> model2 -> md2: model1 == model2 and md1 == md2. */
static void check_stable(const char *name, const char *md, size_t len) {
  newsdoc_doc *m1 = from(md, len, "markdown");
  char *md1 = to_md(m1);
  newsdoc_doc *m2 = from(md1, strlen(md1), "markdown");
  char *md2 = to_md(m2);
  char *j1 = tu_json(m1), *j2 = tu_json(m2);
  cr_assert_not_null(j1);
  cr_assert_str_eq(j2, j1, "%s: the model changed through markdown:\n%s", name, md1);
  cr_assert_str_eq(md2, md1, "%s: the markdown changed on the second pass", name);
  /* the model is not empty: the test can fail */
  cr_assert_not_null(newsdoc_node_first_child(newsdoc_doc_root(m1)), "%s read as nothing", name);
  free(j1);
  free(j2);
  newsdoc_free(md1);
  newsdoc_free(md2);
  newsdoc_doc_free(m1);
  newsdoc_doc_free(m2);
}

Test(markdown_roundtrip, fixtures_are_stable) {
  for (size_t i = 0; i < sizeof FIXTURES / sizeof FIXTURES[0]; i++) {
    size_t len;
    char *md = fixture(FIXTURES[i], &len);
    if (!md) cr_skip_test("NEWSDOC_SOURCE_DIR not set or %s missing", FIXTURES[i]);
    check_stable(FIXTURES[i], md, len);
    free(md);
  }
}

Test(markdown_roundtrip, arabic_fixture_keeps_what_matters) {
  size_t len;
  char *md = fixture("arabic-article.md", &len);
  if (!md) cr_skip_test("NEWSDOC_SOURCE_DIR not set");
  newsdoc_doc *d = from(md, len, "markdown");
  free(md);
  cr_assert_str_eq(newsdoc_meta_get(d, "title"), "التعاون العسكري بين موريتانيا والولايات المتحدة");
  cr_assert_eq(newsdoc_meta_count(d, "author"), 2);
  cr_assert_str_eq(newsdoc_meta_get_nth(d, "author", 1), "أحمد عالي");
  cr_assert_eq(newsdoc_doc_dir(d), NEWSDOC_DIR_RTL);
  char *o = tu_outline(d);
  cr_assert_str_eq(o, "lang: ar\ndir: rtl\nbyline: \nP\nP\nH1 خلفية التعاون\nP\nH2 التدريب\nP\nH2 الاستخبارات\n"
                      "H1 الخلاصة\nP\n", "%s", o);
  free(o);
  newsdoc_doc_free(d);
}

Test(markdown_roundtrip, sample_article_through_markdown) {
  const char *txt = tu_shared("samples/mauritania-us-military-cooperation.txt");
  if (!txt) cr_skip_test("../shared not found");
  newsdoc_format f;
  if (newsdoc_format_find("text", &f)) cr_skip_test("the text format is not registered yet");
  size_t len;
  char *data = tu_read_file(txt, &len);
  cr_assert_not_null(data);
  newsdoc_doc *t = from(data, len, "text");
  free(data);
  char *md = to_md(t);
  newsdoc_doc *m = from(md, strlen(md), "markdown");
  /* the outline (lang, dir, byline, sections, paragraphs) survives */
  char *o1 = tu_outline(t), *o2 = tu_outline(m);
  cr_assert_str_eq(o2, o1);
  const char *exp_path = tu_shared("samples/mauritania-us-military-cooperation.outline");
  char *expected = tu_read_file(exp_path, NULL);
  cr_assert_str_eq(o2, expected);
  free(expected);
  /* and the whole model, metadata included */
  char *j1 = tu_json(t), *j2 = tu_json(m);
  cr_assert_str_eq(j2, j1, "markdown was:\n%s", md);
  check_stable("sample", md, strlen(md));
  free(o1);
  free(o2);
  free(j1);
  free(j2);
  newsdoc_free(md);
  newsdoc_doc_free(t);
  newsdoc_doc_free(m);
}
