/* test_text_writer.c - the text writer: exact output for a small model,
 * underlines as wide as the heading in grapheme clusters, wrap=N with ICU
 * line breaking (never inside a word or a URL), notes at the end, the
 * byline's place, no wrapping by default. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

static newsdoc_node *para(newsdoc_node *parent, const char *s) {
  newsdoc_node *p = tu_add(parent, NEWSDOC_NODE_PARAGRAPH);
  tu_text(p, s);
  return p;
}
static newsdoc_node *section(newsdoc_node *parent, int level, const char *h) {
  newsdoc_node *s = tu_add(parent, NEWSDOC_NODE_SECTION);
  newsdoc_node_set_level(s, level);
  newsdoc_node *hd = tu_add(s, NEWSDOC_NODE_HEADING);
  tu_text(hd, h);
  return s;
}

static char *write_text(newsdoc_doc *d, const char *wrap) {
  newsdoc_options *o;
  newsdoc_options_new(&o);
  if (wrap) newsdoc_options_set(o, "wrap", wrap);
  char *out;
  size_t len;
  cr_assert_eq(newsdoc_write(d, "text", o, &out, &len), 0, "%s", newsdoc_error_last()->message);
  newsdoc_options_free(o);
  char *r = strdup(out);
  newsdoc_free(out);
  return r;
}

Test(text_writer, exact_layout) {
  newsdoc_doc *d;
  newsdoc_doc_new(&d);
  newsdoc_meta_set(d, "title", "Storm hits the coast", 20);
  newsdoc_meta_set(d, "byline", "By Ana Ruiz", 11);
  newsdoc_node *body = newsdoc_doc_root(d);
  newsdoc_node *p = para(body, "The storm arrived at night");
  newsdoc_node *note = tu_add(p, NEWSDOC_NODE_NOTE);
  para(note, "Local time.");
  tu_text(p, ".");
  newsdoc_node *s1 = section(body, 1, "Damage");
  newsdoc_node *l = tu_add(s1, NEWSDOC_NODE_LIST);
  para(tu_add(l, NEWSDOC_NODE_ITEM), "Roofs");
  newsdoc_node *it2 = tu_add(l, NEWSDOC_NODE_ITEM);
  para(it2, "Roads");
  newsdoc_node *nl = tu_add(it2, NEWSDOC_NODE_LIST);
  newsdoc_node_set_list_type(nl, NEWSDOC_LIST_ORDERED);
  newsdoc_node_set_list_start(nl, 3);
  para(tu_add(nl, NEWSDOC_NODE_ITEM), "Main road");
  newsdoc_node *s2 = section(s1, 2, "Help");
  newsdoc_node *q = tu_add(s2, NEWSDOC_NODE_BLOCKQUOTE);
  newsdoc_node *qp = tu_add(q, NEWSDOC_NODE_PARAGRAPH);
  tu_text(qp, "We need ");
  tu_text(tu_add(qp, NEWSDOC_NODE_STRONG), "water");
  tu_text(qp, " and ");
  tu_text(tu_add(qp, NEWSDOC_NODE_EMPH), "food");
  tu_text(qp, ".");
  tu_add(s2, NEWSDOC_NODE_THEMATIC_BREAK);
  newsdoc_node *lp = tu_add(s2, NEWSDOC_NODE_PARAGRAPH);
  tu_text(lp, "See ");
  newsdoc_node *a = tu_add(lp, NEWSDOC_NODE_LINK);
  newsdoc_node_set_url(a, "https://example.org/storm");
  tu_text(a, "the map");
  char *out = write_text(d, NULL);
  cr_assert_str_eq(out,
                   "Storm hits the coast\n"
                   "====================\n"
                   "\n"
                   "By Ana Ruiz\n"
                   "\n"
                   "The storm arrived at night[1].\n"
                   "\n"
                   "Damage\n"
                   "------\n"
                   "\n"
                   "- Roofs\n"
                   "- Roads\n"
                   "  3. Main road\n"
                   "\n"
                   "Help\n"
                   "~~~~\n"
                   "\n"
                   "> We need **water** and *food*.\n"
                   "\n"
                   "* * *\n"
                   "\n"
                   "See the map (https://example.org/storm)\n"
                   "\n"
                   "[1] Local time.\n");
  free(out);
  newsdoc_doc_free(d);
}

Test(text_writer, underline_counts_grapheme_clusters) {
  newsdoc_doc *d;
  newsdoc_doc_new(&d);
  /* 4 letters carrying 5 harakat: 4 clusters; a ZWJ family emoji: 1 */
  const char *h = "نُعَلِّمُ \U0001F468\u200D\U0001F469\u200D\U0001F467";
  section(newsdoc_doc_root(d), 1, h);
  char *out = write_text(d, NULL);
  char want[256];
  snprintf(want, sizeof want, "%s\n------\n", h);
  cr_assert_str_eq(out, want);
  free(out);
  newsdoc_doc_free(d);
}

Test(text_writer, byline_without_marker_goes_last) {
  newsdoc_doc *d;
  newsdoc_doc_new(&d);
  const char *by = "انتاج موقع الضمير بواسطة محمد عالي";
  newsdoc_meta_set(d, "byline", by, strlen(by));
  para(newsdoc_doc_root(d), "نص الخبر.");
  char *out = write_text(d, NULL);
  char want[256];
  snprintf(want, sizeof want, "نص الخبر.\n\n%s\n", by);
  cr_assert_str_eq(out, want);
  free(out);
  newsdoc_doc_free(d);
  /* authors without a byline: the language's marker */
  newsdoc_doc_new(&d);
  newsdoc_meta_set(d, "lang", "ar", 2);
  newsdoc_meta_add(d, "author", "سارة علي", strlen("سارة علي"));
  para(newsdoc_doc_root(d), "نص.");
  out = write_text(d, NULL);
  cr_assert_str_eq(out, "بقلم سارة علي\n\nنص.\n");
  free(out);
  newsdoc_doc_free(d);
}

static size_t clusters_ascii_or_cp(const char *s, size_t n) {
  size_t c = 0;
  for (size_t k = 0; k < n; k++) c += ((unsigned char)s[k] & 0xC0) != 0x80;
  return c;
}

Test(text_writer, wrap_never_splits_words_or_urls) {
  const char *text =
      "Officials said the new bridge, designed by a team from https://example.org/projects/bridge-2025?lang=en&v=2 "
      "and local engineers, would open in March after three years of work on the foundations.";
  const char *ar = "قال المسؤولون إن الجسر الجديد الذي صممه فريق من المهندسين المحليين سيفتتح في مارس بعد ثلاث سنوات "
                   "من العمل، وفق الموقع https://example.org/ar/جسر-جديد للمشروع.";
  newsdoc_doc *d;
  newsdoc_doc_new(&d);
  para(newsdoc_doc_root(d), text);
  para(newsdoc_doc_root(d), ar);
  char *def = write_text(d, NULL);
  /* no wrapping by default: one line each */
  char want[1024];
  snprintf(want, sizeof want, "%s\n\n%s\n", text, ar);
  cr_assert_str_eq(def, want);
  free(def);
  char *out = write_text(d, "30");
  /* every line fits in 30 clusters unless it is a single long word */
  size_t nlines = 0;
  for (char *p = out; *p;) {
    char *e = strchr(p, '\n');
    size_t l = (size_t)(e - p);
    if (clusters_ascii_or_cp(p, l) > 30) {
      /* one unbreakable word: must be one of the URLs */
      cr_assert(!strncmp(p, "https://", 8), "a long line that is not a URL: %.*s", (int)l, p);
      cr_assert(!memchr(p, ' ', l), "a long line with a space to break at: %.*s", (int)l, p);
    }
    nlines++;
    p = e + 1;
  }
  cr_assert_gt(nlines, 8);
  /* the URLs survive whole, and joining the lines gives the words back */
  cr_assert(strstr(out, "https://example.org/projects/bridge-2025?lang=en&v=2\n"));
  cr_assert(strstr(out, "https://example.org/ar/جسر-جديد"));
  char *joined = strdup(out);
  for (char *p = joined; *p; p++)
    if (*p == '\n') *p = ' ';
  cr_assert(strstr(joined, "designed by a team from"), "%s", joined);
  free(joined);
  /* and it reads back to the same model */
  newsdoc_doc *back = NULL;
  cr_assert_eq(newsdoc_read(&back, out, strlen(out), "text", NULL, NULL), 0);
  char *ja = tu_json(d), *jb = tu_json(back);
  (void)ja;
  /* the reader adds lang/dir and turns URLs into links: compare texts */
  newsdoc_node *p1 = newsdoc_node_first_child(newsdoc_doc_root(back));
  char *t;
  newsdoc_node_text(p1, &t, NULL);
  cr_assert_str_eq(t, text);
  newsdoc_free(t);
  newsdoc_node_text(newsdoc_node_next(p1), &t, NULL);
  cr_assert_str_eq(t, ar);
  newsdoc_free(t);
  free(ja);
  free(jb);
  newsdoc_doc_free(back);
  free(out);
  newsdoc_doc_free(d);
}

static char g_warns[1024];
static void collect(const char *f, const char *m, void *ud) {
  (void)f; (void)ud;
  strncat(g_warns, m, sizeof g_warns - strlen(g_warns) - 2);
  strcat(g_warns, "\n");
}

Test(text_writer, lossy_steps_are_warnings) {
  newsdoc_doc *d;
  newsdoc_doc_new(&d);
  newsdoc_meta_set(d, "date", "2025-03-01", 10);
  newsdoc_meta_add(d, "keyword", "a", 1);
  newsdoc_meta_add(d, "keyword", "b", 1);
  newsdoc_node *t = tu_add(newsdoc_doc_root(d), NEWSDOC_NODE_TABLE);
  newsdoc_node *row = tu_add(t, NEWSDOC_NODE_TABLE_ROW);
  tu_text(tu_add(row, NEWSDOC_NODE_TABLE_CELL), "x");
  tu_text(tu_add(row, NEWSDOC_NODE_TABLE_CELL), "y");
  newsdoc_options *o;
  newsdoc_options_new(&o);
  newsdoc_options_set_warning_fn(o, collect, NULL);
  g_warns[0] = 0;
  char *out;
  size_t len;
  cr_assert_eq(newsdoc_write(d, "text", o, &out, &len), 0);
  cr_assert_str_eq(out, "x | y\n");
  cr_assert(strstr(g_warns, "metadata not written: date, keyword\n"), "%s", g_warns);
  cr_assert(strstr(g_warns, "tables are written as lines"), "%s", g_warns);
  newsdoc_free(out);
  newsdoc_options_free(o);
  newsdoc_doc_free(d);
}

/* Authors without a byline: the marker of the language and its own comma,
 * and the reader gets the same authors back. */
Test(text_writer, arabic_authors_use_the_arabic_comma) {
  newsdoc_doc *d;
  newsdoc_doc_new(&d);
  newsdoc_meta_set(d, "lang", "ar", 2);
  newsdoc_meta_add(d, "author", "ليلى بن عمر", strlen("ليلى بن عمر"));
  newsdoc_meta_add(d, "author", "يوسف الحسني", strlen("يوسف الحسني"));
  newsdoc_node *p, *t;
  newsdoc_node_new(&p, NEWSDOC_NODE_PARAGRAPH);
  newsdoc_node_new(&t, NEWSDOC_NODE_TEXT);
  newsdoc_node_set_literal(t, "نص المقال الأول هنا.", strlen("نص المقال الأول هنا."));
  newsdoc_node_append_child(p, t);
  newsdoc_node_append_child(newsdoc_doc_root(d), p);
  char *out;
  size_t len;
  cr_assert_eq(newsdoc_write(d, "text", NULL, &out, &len), 0);
  cr_assert(strstr(out, "ليلى بن عمر، يوسف الحسني"), "%s", out);
  newsdoc_doc *back;
  cr_assert_eq(newsdoc_read(&back, out, len, "text", "a.txt", NULL), 0);
  cr_assert_eq(newsdoc_meta_count(back, "author"), 2);
  cr_assert_str_eq(newsdoc_meta_get_nth(back, "author", 1), "يوسف الحسني");
  newsdoc_free(out);
  newsdoc_doc_free(back);
  newsdoc_doc_free(d);
}
