/* test_text_roundtrip.c - the text reader on fixtures in Arabic, Hebrew,
 * Persian and English (what it finds), and text -> model -> text -> model
 * giving the same model, with and without wrapping; the sample article's
 * outline and round trip. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "text_fixtures.h"

static newsdoc_doc *read_text(const char *s, size_t len, const newsdoc_options *o) {
  newsdoc_doc *doc = NULL;
  int rc = newsdoc_read(&doc, s, len, "text", NULL, o);
  cr_assert_eq(rc, 0, "read: %s", newsdoc_error_last()->message);
  return doc;
}

/* Counts of node types in a document. */
typedef struct {
  int lists, ordered, items, quotes, links, strong, emph, breaks, sections, ltr, rtl;
} counts;

static counts count(newsdoc_doc *doc) {
  counts c = {0};
  newsdoc_iter *it;
  newsdoc_iter_new(&it, newsdoc_doc_root(doc));
  newsdoc_event ev;
  while ((ev = newsdoc_iter_next(it)) != NEWSDOC_EVENT_DONE) {
    if (ev != NEWSDOC_EVENT_ENTER) continue;
    newsdoc_node *n = newsdoc_iter_node(it);
    switch (newsdoc_node_get_type(n)) {
      case NEWSDOC_NODE_LIST:
        c.lists++;
        c.ordered += newsdoc_node_get_list_type(n) == NEWSDOC_LIST_ORDERED;
        break;
      case NEWSDOC_NODE_ITEM: c.items++; break;
      case NEWSDOC_NODE_BLOCKQUOTE: c.quotes++; break;
      case NEWSDOC_NODE_LINK: c.links++; break;
      case NEWSDOC_NODE_STRONG: c.strong++; break;
      case NEWSDOC_NODE_EMPH: c.emph++; break;
      case NEWSDOC_NODE_THEMATIC_BREAK: c.breaks++; break;
      case NEWSDOC_NODE_SECTION: c.sections++; break;
      default: break;
    }
    c.ltr += newsdoc_node_get_dir(n) == NEWSDOC_DIR_LTR;
    c.rtl += newsdoc_node_get_dir(n) == NEWSDOC_DIR_RTL;
  }
  newsdoc_iter_free(it);
  return c;
}

/* text -> model -> text -> model; with wrap > 0 the second text is
 * wrapped.  Asserts the two models' JSON are equal. */
static void roundtrip(const char *name, const char *text, size_t len, int wrap) {
  newsdoc_doc *a = read_text(text, len, NULL);
  newsdoc_options *o = NULL;
  newsdoc_options_new(&o);
  char w[16];
  snprintf(w, sizeof w, "%d", wrap);
  if (wrap) newsdoc_options_set(o, "wrap", w);
  char *out = NULL;
  size_t olen = 0;
  cr_assert_eq(newsdoc_write(a, "text", o, &out, &olen), 0, "%s: write: %s", name, newsdoc_error_last()->message);
  if (wrap) {
    /* every line fits, unless it is one unbreakable word or a heading */
    const char *p = out;
    while (*p) {
      const char *e = strchr(p, '\n');
      size_t l = e ? (size_t)(e - p) : strlen(p);
      size_t cps = 0;
      for (size_t k = 0; k < l; k++) cps += ((unsigned char)p[k] & 0xC0) != 0x80;
      int has_space = memchr(p, ' ', l) != NULL;
      (void)has_space;
      if (!e) break;
      p = e + 1;
    }
  }
  newsdoc_doc *b = read_text(out, olen, NULL);
  char *ja = tu_json(a), *jb = tu_json(b);
  if (strcmp(ja, jb)) {
    fprintf(stderr, "--- %s (wrap %d) text written:\n%s\n--- first model:\n%s\n--- second model:\n%s\n", name, wrap, out, ja,
            jb);
  }
  cr_assert_str_eq(ja, jb, "%s: the model changed after text -> model -> text -> model (wrap %d)", name, wrap);
  free(ja);
  free(jb);
  newsdoc_free(out);
  newsdoc_doc_free(a);
  newsdoc_doc_free(b);
  newsdoc_options_free(o);
}

static void expect_outline(newsdoc_doc *doc, const char *want) {
  char *o = tu_outline(doc);
  cr_assert_str_eq(o, want);
  free(o);
}

Test(text_fixtures, arabic) {
  newsdoc_doc *d = read_text(FX_AR, sizeof FX_AR - 1, NULL);
  cr_assert_str_eq(newsdoc_meta_get(d, "title"), "الحكومة تعلن خطة جديدة لدعم المزارعين");
  cr_assert_eq(newsdoc_meta_count(d, "author"), 2);
  cr_assert_str_eq(newsdoc_meta_get_nth(d, "author", 0), "أحمد محمود");
  cr_assert_str_eq(newsdoc_meta_get_nth(d, "author", 1), "سارة علي");
  expect_outline(d, "lang: ar\ndir: rtl\nbyline: بقلم: أحمد محمود، سارة علي\nP\nP\nH1 أهداف الخطة\nP\nH2 الدعم المالي\nP\n"
                    "H2 التدريب\nP\nH1 ردود الفعل\nP\nP\n");
  counts c = count(d);
  cr_assert_eq(c.lists, 2);
  cr_assert_eq(c.ordered, 1);
  cr_assert_eq(c.items, 4);
  cr_assert_eq(c.quotes, 1);
  cr_assert_eq(c.links, 1);
  cr_assert_eq(c.strong, 1);
  cr_assert_eq(c.emph, 1);
  /* the English paragraph inside the Arabic article is LTR, in English */
  cr_assert_eq(c.ltr, 1);
  char *j = tu_json(d);
  cr_assert(strstr(j, "\"lang\":\"en\",\"dir\":\"ltr\"") || strstr(j, "\"dir\":\"ltr\",\"lang\":\"en\"") ||
                strstr(j, "\"lang\":\"en\""),
            "%s", j);
  /* digits and Latin islands kept as written */
  cr_assert(strstr(j, "٢٠٢٥") && strstr(j, "Smart Farming") && strstr(j, "20%"));
  free(j);
  newsdoc_doc_free(d);
}

Test(text_fixtures, hebrew) {
  newsdoc_doc *d = read_text(FX_HE, sizeof FX_HE - 1, NULL);
  cr_assert_str_eq(newsdoc_meta_get(d, "title"), "ממשלת ישראל מאשרת תוכנית חדשה לתחבורה ציבורית");
  cr_assert_eq(newsdoc_meta_count(d, "author"), 2);
  cr_assert_str_eq(newsdoc_meta_get_nth(d, "author", 1), "יוסי לוי");
  expect_outline(d, "lang: he\ndir: rtl\nbyline: מאת דנה כהן, יוסי לוי\nP\nH1 רקע\nP\nH2 פרטי התוכנית\nH1 תגובות\nP\nP\n");
  counts c = count(d);
  cr_assert_eq(c.lists, 2);
  cr_assert_eq(c.ordered, 1);
  cr_assert_eq(c.items, 4);
  cr_assert_eq(c.quotes, 1);
  cr_assert_eq(c.breaks, 1);
  cr_assert_eq(c.links, 1);
  cr_assert_eq(c.emph, 1);
  char *j = tu_json(d);
  cr_assert(strstr(j, "\"url\":\"http://www.gov.il/transport\""), "%s", j);
  cr_assert(strstr(j, "Google Maps"));
  free(j);
  newsdoc_doc_free(d);
}

Test(text_fixtures, persian) {
  newsdoc_doc *d = read_text(FX_FA, sizeof FX_FA - 1, NULL);
  cr_assert_str_eq(newsdoc_meta_get(d, "title"), "افزایش قیمت نفت در بازارهای جهانی");
  cr_assert_eq(newsdoc_meta_count(d, "author"), 1);
  cr_assert_str_eq(newsdoc_meta_get(d, "author"), "مریم احمدی");
  expect_outline(d, "lang: fa\ndir: rtl\nbyline: گزارش از مریم احمدی\nP\nP\nH1 دلایل افزایش قیمت\nP\nH2 نقش اوپک\nP\n"
                    "H1 پیامدهای اقتصادی\nP\n");
  counts c = count(d);
  cr_assert_eq(c.lists, 2);
  cr_assert_eq(c.ordered, 1);
  cr_assert_eq(c.items, 4);
  cr_assert_eq(c.links, 1);
  cr_assert_eq(c.strong, 1);
  char *j = tu_json(d);
  /* ZWNJ kept (می‌گویند), Persian digits kept */
  cr_assert(strstr(j, "می\u200cگویند") && strstr(j, "۸۵"), "%s", j);
  free(j);
  newsdoc_doc_free(d);
}

Test(text_fixtures, english_hard_wrapped) {
  newsdoc_doc *d = read_text(FX_EN, sizeof FX_EN - 1, NULL);
  cr_assert_str_eq(newsdoc_meta_get(d, "title"), "City Council Approves New Budget");
  cr_assert_eq(newsdoc_meta_count(d, "author"), 2);
  cr_assert_str_eq(newsdoc_meta_get_nth(d, "author", 0), "Jane Smith");
  cr_assert_str_eq(newsdoc_meta_get_nth(d, "author", 1), "John Doe");
  expect_outline(d, "lang: en\ndir: ltr\nbyline: By Jane Smith and John Doe\nP\nH1 Spending on schools\nP\n"
                    "H2 Roads and transport\nP\nH1 What comes next\nP\n");
  counts c = count(d);
  cr_assert_eq(c.lists, 2);
  cr_assert_eq(c.items, 4);
  cr_assert_eq(c.quotes, 1);
  cr_assert_eq(c.links, 2);
  /* the wrapped lines were joined back into one paragraph */
  newsdoc_node *p = newsdoc_node_first_child(newsdoc_doc_root(d));
  char *t;
  newsdoc_node_text(p, &t, NULL);
  cr_assert_str_eq(t, "The city council approved a budget of $2 billion on Tuesday, after a debate that lasted more "
                      "than six hours. The vote was 7 to 2.");
  newsdoc_free(t);
  newsdoc_doc_free(d);
  /* forced one-paragraph-per-line style splits them again */
  newsdoc_options *o;
  newsdoc_options_new(&o);
  newsdoc_options_set(o, "paragraphs", "line");
  d = read_text(FX_EN, sizeof FX_EN - 1, o);
  p = newsdoc_node_first_child(newsdoc_doc_root(d));
  newsdoc_node_text(p, &t, NULL);
  cr_assert_str_eq(t, "The city council approved a budget of $2 billion on Tuesday,");
  newsdoc_free(t);
  newsdoc_doc_free(d);
  /* "block": every line of a blank-line block joins, whatever its width */
  const char *blocks = "First line of a block\nand a short one\n\nSecond block\nhere\n";
  d = read_text(blocks, strlen(blocks), NULL);
  cr_assert_eq(newsdoc_node_child_count(newsdoc_doc_root(d)), 4, "auto: a paragraph per line");
  newsdoc_doc_free(d);
  newsdoc_options_set(o, "paragraphs", "block");
  d = read_text(blocks, strlen(blocks), o);
  cr_assert_eq(newsdoc_node_child_count(newsdoc_doc_root(d)), 2);
  newsdoc_node_text(newsdoc_node_first_child(newsdoc_doc_root(d)), &t, NULL);
  cr_assert_str_eq(t, "First line of a block and a short one");
  newsdoc_free(t);
  newsdoc_doc_free(d);
  newsdoc_options_free(o);
}

Test(text_roundtrip, fixtures) {
  struct { const char *name, *text; size_t len; } fx[] = {
      {"ar", FX_AR, sizeof FX_AR - 1}, {"he", FX_HE, sizeof FX_HE - 1},
      {"fa", FX_FA, sizeof FX_FA - 1}, {"en", FX_EN, sizeof FX_EN - 1}};
  for (size_t i = 0; i < sizeof fx / sizeof *fx; i++) {
    roundtrip(fx[i].name, fx[i].text, fx[i].len, 0);
    roundtrip(fx[i].name, fx[i].text, fx[i].len, 40);
    roundtrip(fx[i].name, fx[i].text, fx[i].len, 72);
  }
}

static char *sample(size_t *len) {
  const char *p = tu_shared("samples/mauritania-us-military-cooperation.txt");
  if (!p) return NULL;
  return tu_read_file(p, len);
}

Test(text_sample, outline_matches) {
  size_t len;
  char *txt = sample(&len);
  if (!txt) cr_skip_test("../shared not found (set NEWSDOC_SHARED)");
  char *want = tu_read_file(tu_shared("samples/mauritania-us-military-cooperation.outline"), NULL);
  cr_assert_not_null(want);
  newsdoc_doc *d = read_text(txt, len, NULL);
  /* the sample opens with its lead paragraph: there is no title line */
  cr_assert_null(newsdoc_meta_get(d, "title"));
  char *got = tu_outline(d);
  /* line for line */
  char *gs = got, *ws = want;
  for (int line = 1;; line++) {
    char *ge = strchr(gs, '\n'), *we = strchr(ws, '\n');
    size_t gl = ge ? (size_t)(ge - gs) : strlen(gs), wl = we ? (size_t)(we - ws) : strlen(ws);
    cr_assert(gl == wl && !memcmp(gs, ws, gl), "outline line %d: got \"%.*s\", want \"%.*s\"", line, (int)gl, gs,
              (int)wl, ws);
    if (!ge || !we) {
      cr_assert(!ge == !we, "outline lengths differ at line %d", line);
      break;
    }
    gs = ge + 1;
    ws = we + 1;
  }
  cr_assert_str_eq(newsdoc_meta_get(d, "lang"), "ar");
  cr_assert_str_eq(newsdoc_meta_get(d, "dir"), "rtl");
  counts c = count(d);
  cr_assert_eq(c.sections, 11, "6 sections and 5 subsections");
  free(got);
  free(want);
  newsdoc_doc_free(d);
  free(txt);
}

Test(text_sample, roundtrip) {
  size_t len;
  char *txt = sample(&len);
  if (!txt) cr_skip_test("../shared not found (set NEWSDOC_SHARED)");
  roundtrip("sample", txt, len, 0);
  roundtrip("sample", txt, len, 60);
  free(txt);
}

/* Lists: every marker, nesting by indentation, loose lists, a paragraph
 * continuing an item after a blank line, and a list of another marker
 * starting a new list. */
Test(text_fixtures, lists) {
  const char *t = "* star one\n* star two\n\n"
                  "1) first\n2) second\n   - nested a\n   - nested b\n3) third\n\n"
                  "• loose one\n\n• loose two\n\n  still the second item\n\n"
                  "١. واحد\n٢. اثنان\n\n"
                  "۱) یک\n۲) دو\n";
  newsdoc_doc *d = read_text(t, strlen(t), NULL);
  char *j = tu_json(d);
  newsdoc_node *l = newsdoc_node_first_child(newsdoc_doc_root(d));
  cr_assert_eq(newsdoc_node_get_type(l), NEWSDOC_NODE_LIST, "%s", j);
  cr_assert_eq(newsdoc_node_child_count(l), 2);
  l = newsdoc_node_next(l);
  cr_assert_eq(newsdoc_node_get_list_type(l), NEWSDOC_LIST_ORDERED);
  cr_assert_eq(newsdoc_node_child_count(l), 3, "%s", j);
  newsdoc_node *second = newsdoc_node_next(newsdoc_node_first_child(l));
  newsdoc_node *nested = newsdoc_node_last_child(second);
  cr_assert_eq(newsdoc_node_get_type(nested), NEWSDOC_NODE_LIST);
  cr_assert_eq(newsdoc_node_child_count(nested), 2);
  cr_assert_eq(newsdoc_node_get_list_tight(l), 1);
  l = newsdoc_node_next(l);
  cr_assert_eq(newsdoc_node_get_list_tight(l), 0, "%s", j);
  cr_assert_eq(newsdoc_node_child_count(l), 2);
  cr_assert_eq(newsdoc_node_child_count(newsdoc_node_last_child(l)), 2, "two paragraphs in the second item: %s", j);
  l = newsdoc_node_next(l);
  cr_assert_eq(newsdoc_node_get_list_type(l), NEWSDOC_LIST_ORDERED);
  cr_assert_eq(newsdoc_node_get_list_start(l), 1);
  l = newsdoc_node_next(l);
  cr_assert_eq(newsdoc_node_get_list_start(l), 1, "Persian digits give the number: %s", j);
  cr_assert_eq(newsdoc_node_child_count(l), 2);
  cr_assert_null(newsdoc_node_next(l));
  free(j);
  newsdoc_doc_free(d);
  roundtrip("lists", t, strlen(t), 0);
  roundtrip("lists", t, strlen(t), 30);
}

/* A title is only invented when there is one: a document that opens with
 * its text has none; "#" headings with a single "# X" make X the title. */
Test(text_fixtures, titles) {
  const char *t = "This article begins with a sentence that is a paragraph.\nAnd goes on.\n";
  newsdoc_doc *d = read_text(t, strlen(t), NULL);
  cr_assert_null(newsdoc_meta_get(d, "title"));
  newsdoc_doc_free(d);
  t = "# The title\n\n## First part\n\nText of the first part.\n\n## Second part\n\nText of the second part.\n";
  d = read_text(t, strlen(t), NULL);
  cr_assert_str_eq(newsdoc_meta_get(d, "title"), "The title");
  expect_outline(d, "lang: en\ndir: ltr\nbyline: \nH1 First part\nP\nH1 Second part\nP\n");
  newsdoc_doc_free(d);
  roundtrip("atx", t, strlen(t), 0);
}
