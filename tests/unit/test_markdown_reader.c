/* test_markdown_reader.c - the markdown reader: sections, front matter,
 * raw HTML, notes, direction and language, limits, hostile input. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

static int g_warnings;
static char g_last_warning[512];
static void on_warn(const char *fmt, const char *msg, void *ud) {
  (void)fmt;
  (void)ud;
  g_warnings++;
  snprintf(g_last_warning, sizeof g_last_warning, "%s", msg);
}

static int read_md(newsdoc_doc **out, const char *s, const char *max_depth) {
  newsdoc_options *o;
  newsdoc_options_new(&o);
  newsdoc_options_set_warning_fn(o, on_warn, NULL);
  if (max_depth) newsdoc_options_set(o, "max-depth", max_depth);
  g_warnings = 0;
  g_last_warning[0] = 0;
  int rc = newsdoc_read(out, s, strlen(s), "markdown", NULL, o);
  newsdoc_options_free(o);
  return rc;
}

static newsdoc_doc *md(const char *s) {
  newsdoc_doc *d = NULL;
  int rc = read_md(&d, s, NULL);
  cr_assert_eq(rc, 0, "read failed: %s", newsdoc_error_last()->message);
  return d;
}

/* The n-th node (0-based) of a type in document order, or NULL. */
static newsdoc_node *nth(newsdoc_doc *d, newsdoc_node_type t, int n) {
  newsdoc_iter *it;
  newsdoc_iter_new(&it, newsdoc_doc_root(d));
  newsdoc_node *found = NULL;
  newsdoc_event ev;
  while ((ev = newsdoc_iter_next(it)) != NEWSDOC_EVENT_DONE) {
    newsdoc_node *x = newsdoc_iter_node(it);
    if (ev == NEWSDOC_EVENT_ENTER && newsdoc_node_get_type(x) == t && n-- == 0) { found = x; break; }
  }
  newsdoc_iter_free(it);
  return found;
}

static char *text_of(newsdoc_node *n) {
  char *s = NULL;
  cr_assert_eq(newsdoc_node_text(n, &s, NULL), 0);
  return s;
}

static void assert_text(newsdoc_node *n, const char *want) {
  cr_assert_not_null(n);
  char *s = text_of(n);
  cr_assert_str_eq(s, want);
  newsdoc_free(s);
}

Test(markdown_reader, headings_nest_into_sections) {
  newsdoc_doc *d = md("lead one\n\nlead two\n\n# A\n\ntext a\n\n## B\n\ntext b\n\n### C\n\n## D\n\n# E\n");
  newsdoc_node *root = newsdoc_doc_root(d);
  newsdoc_node *c = newsdoc_node_first_child(root);
  cr_assert_eq(newsdoc_node_get_type(c), NEWSDOC_NODE_PARAGRAPH);
  c = newsdoc_node_next(c);
  cr_assert_eq(newsdoc_node_get_type(c), NEWSDOC_NODE_PARAGRAPH);
  newsdoc_node *a = newsdoc_node_next(c);
  cr_assert_eq(newsdoc_node_get_type(a), NEWSDOC_NODE_SECTION);
  cr_assert_eq(newsdoc_node_get_level(a), 1);
  assert_text(newsdoc_node_section_heading(a), "A");
  newsdoc_node *b = newsdoc_node_last_child(a);
  cr_assert_eq(newsdoc_node_get_type(b), NEWSDOC_NODE_SECTION);
  assert_text(newsdoc_node_section_heading(b), "D"); /* B closed by D, both inside A */
  newsdoc_node *bsec = newsdoc_node_previous(b);
  assert_text(newsdoc_node_section_heading(bsec), "B");
  cr_assert_eq(newsdoc_node_get_level(newsdoc_node_last_child(bsec)), 3);
  newsdoc_node *e = newsdoc_node_next(a);
  cr_assert_eq(newsdoc_node_get_level(e), 1);
  assert_text(newsdoc_node_section_heading(e), "E");
  cr_assert_null(newsdoc_node_next(e));
  newsdoc_doc_free(d);
}

Test(markdown_reader, title_only_from_front_matter) {
  newsdoc_doc *d = md("# Not the title\n\nbody\n");
  cr_assert_null(newsdoc_meta_get(d, "title"));
  cr_assert_eq(newsdoc_node_get_type(newsdoc_node_first_child(newsdoc_doc_root(d))), NEWSDOC_NODE_SECTION);
  newsdoc_doc_free(d);
  /* a section of level 2 first, then level 1: both at the top */
  d = md("## two\n\n# one\n");
  newsdoc_node *s = newsdoc_node_first_child(newsdoc_doc_root(d));
  cr_assert_eq(newsdoc_node_get_level(s), 2);
  cr_assert_eq(newsdoc_node_get_level(newsdoc_node_next(s)), 1);
  newsdoc_doc_free(d);
}

Test(markdown_reader, front_matter_metadata) {
  newsdoc_doc *d = md("---\n"
                      "title: \"التعاون *العسكري*\"\n"
                      "subtitle: Sub\n"
                      "author:\n  - محمد\n  - Ahmed\n"
                      "date: 2025-01-02\n"
                      "lang: ar\n"
                      "dir: rtl\n"
                      "keywords: [one, two]\n"
                      "description: d\n"
                      "publisher: P\n"
                      "identifier: urn:x:1\n"
                      "source-url: http://example.com/a\n"
                      "nested:\n  a: 1\n"
                      "---\n\nbody\n");
  cr_assert_str_eq(newsdoc_meta_get(d, "title"), "التعاون العسكري"); /* Markdown, as pandoc reads it */
  cr_assert_str_eq(newsdoc_meta_get(d, "subtitle"), "Sub");
  cr_assert_eq(newsdoc_meta_count(d, "author"), 2);
  cr_assert_str_eq(newsdoc_meta_get_nth(d, "author", 0), "محمد");
  cr_assert_str_eq(newsdoc_meta_get_nth(d, "author", 1), "Ahmed");
  cr_assert_str_eq(newsdoc_meta_get(d, "date"), "2025-01-02");
  cr_assert_str_eq(newsdoc_meta_get(d, "lang"), "ar");
  cr_assert_eq(newsdoc_doc_dir(d), NEWSDOC_DIR_RTL);
  cr_assert_eq(newsdoc_meta_count(d, "keyword"), 2);
  cr_assert_str_eq(newsdoc_meta_get_nth(d, "keyword", 1), "two");
  cr_assert_str_eq(newsdoc_meta_get(d, "description"), "d");
  cr_assert_str_eq(newsdoc_meta_get(d, "publisher"), "P");
  cr_assert_str_eq(newsdoc_meta_get(d, "identifier"), "urn:x:1");
  cr_assert_str_eq(newsdoc_meta_get(d, "source-url"), "http://example.com/a");
  cr_assert_null(newsdoc_meta_get(d, "nested"));
  cr_assert_eq(g_warnings, 1, "the nested mapping is skipped with a warning");
  assert_text(newsdoc_node_first_child(newsdoc_doc_root(d)), "body");
  newsdoc_doc_free(d);

  /* a single author and keyword as strings */
  d = md("---\nauthor: Solo\nkeywords: k\n---\n");
  cr_assert_eq(newsdoc_meta_count(d, "author"), 1);
  cr_assert_str_eq(newsdoc_meta_get(d, "keyword"), "k");
  newsdoc_doc_free(d);
}

Test(markdown_reader, front_matter_errors) {
  newsdoc_doc *d = NULL;
  int rc = read_md(&d, "---\ntitle: ok\nbad: [unclosed\nx: 1\n---\n\nbody\n", NULL);
  cr_assert_eq(rc, NEWSDOC_EMALFORMED);
  cr_assert_null(d);
  const char *m = newsdoc_error_last()->message;
  cr_assert(strstr(m, "markdown") && strstr(m, "line "), "message names the format and a line: %s", m);
  /* the line is counted from the file's first line */
  cr_assert(strstr(m, "line 4") || strstr(m, "line 5") || strstr(m, "line 3"), "%s", m);

  /* nesting past max-depth in the YAML */
  char buf[2000];
  size_t n = 0;
  n += (size_t)snprintf(buf + n, sizeof buf - n, "---\na: ");
  for (int i = 0; i < 40; i++) buf[n++] = '[';
  for (int i = 0; i < 40; i++) buf[n++] = ']';
  n += (size_t)snprintf(buf + n, sizeof buf - n, "\n---\n");
  rc = read_md(&d, buf, "20");
  cr_assert_eq(rc, NEWSDOC_ELIMIT_DEPTH, "%s", newsdoc_error_last()->message);
  cr_assert_null(d);

  /* more entries than max-attributes: a count error, not quadratic time */
  {
    size_t cap = 64 + 20 * 2000, k = 0;
    char *big = malloc(cap);
    k += (size_t)snprintf(big + k, cap - k, "---\n");
    for (int i = 0; i < 1500; i++) k += (size_t)snprintf(big + k, cap - k, "k%d: v\n", i);
    snprintf(big + k, cap - k, "---\nx\n");
    rc = read_md(&d, big, NULL);
    cr_assert_eq(rc, NEWSDOC_ELIMIT_COUNT, "%s", newsdoc_error_last()->message);
    free(big);
  }

  /* "---" then a blank line is a thematic break, not front matter */
  d = md("---\n\ntext\n");
  cr_assert_not_null(nth(d, NEWSDOC_NODE_THEMATIC_BREAK, 0));
  cr_assert_eq(newsdoc_meta_entry_count(d), 0);
  newsdoc_doc_free(d);
  /* YAML that is not a mapping: plain Markdown */
  d = md("---\njust text\n---\n");
  cr_assert_eq(newsdoc_meta_entry_count(d), 0);
  newsdoc_doc_free(d);
}

Test(markdown_reader, raw_html_is_kept) {
  newsdoc_doc *d = md("<table><tr><td>x</td></tr></table>\n\na <b>bold</b> c\n");
  newsdoc_node *rb = nth(d, NEWSDOC_NODE_RAW_BLOCK, 0);
  cr_assert_not_null(rb);
  cr_assert_str_eq(newsdoc_node_get_info(rb), "html");
  size_t len;
  const char *lit = newsdoc_node_get_literal(rb, &len);
  cr_assert(len >= 34 && !strncmp(lit, "<table><tr><td>x</td></tr></table>", 34));
  newsdoc_node *ri = nth(d, NEWSDOC_NODE_RAW_INLINE, 0);
  cr_assert_str_eq(newsdoc_node_get_info(ri), "html");
  cr_assert_str_eq(newsdoc_node_get_literal(ri, NULL), "<b>");
  cr_assert_str_eq(newsdoc_node_get_literal(nth(d, NEWSDOC_NODE_RAW_INLINE, 1), NULL), "</b>");
  newsdoc_doc_free(d);
}

Test(markdown_reader, strikethrough_keeps_text_with_a_warning) {
  newsdoc_doc *d = md("a ~~deleted~~ b\n");
  newsdoc_node *p = nth(d, NEWSDOC_NODE_PARAGRAPH, 0);
  assert_text(p, "a deleted b");
  cr_assert_eq(newsdoc_node_child_count(p), 1, "one merged text node, no markup");
  cr_assert_eq(g_warnings, 1);
  cr_assert(strstr(g_last_warning, "strikethrough"), "%s", g_last_warning);
  newsdoc_doc_free(d);
}

Test(markdown_reader, inlines_and_blocks) {
  newsdoc_doc *d = md("*e* **s** `c` [l](/u \"t\") ![alt *x*](/i.png) &amp; &ngE; &#0; a\\\nb\n\n"
                      "3. x\n4. y\n\n- p\n\n- q\n\n```js\ncode\n```\n\n| a | b |\n|:--|:-:|\n| 1 | 2 |\n\n***\n");
  cr_assert_not_null(nth(d, NEWSDOC_NODE_EMPH, 0));
  cr_assert_not_null(nth(d, NEWSDOC_NODE_STRONG, 0));
  cr_assert_str_eq(newsdoc_node_get_literal(nth(d, NEWSDOC_NODE_CODE, 0), NULL), "c");
  newsdoc_node *l = nth(d, NEWSDOC_NODE_LINK, 0);
  cr_assert_str_eq(newsdoc_node_get_url(l), "/u");
  cr_assert_str_eq(newsdoc_node_get_title(l), "t");
  newsdoc_node *img = nth(d, NEWSDOC_NODE_IMAGE, 0);
  cr_assert_str_eq(newsdoc_node_get_url(img), "/i.png");
  cr_assert_str_eq(newsdoc_node_get_title(img), "alt x");
  char *t = text_of(nth(d, NEWSDOC_NODE_PARAGRAPH, 0));
  cr_assert(strstr(t, "& \xE2\x89\xA7\xCC\xB8 \xEF\xBF\xBD a\nb"), "entities decoded, &#0; is U+FFFD: %s", t);
  newsdoc_free(t);
  cr_assert_not_null(nth(d, NEWSDOC_NODE_LINE_BREAK, 0));
  newsdoc_node *ol = nth(d, NEWSDOC_NODE_LIST, 0);
  cr_assert_eq(newsdoc_node_get_list_type(ol), NEWSDOC_LIST_ORDERED);
  cr_assert_eq(newsdoc_node_get_list_start(ol), 3);
  cr_assert_eq(newsdoc_node_get_list_tight(ol), 1);
  /* a tight item's text is in a paragraph */
  cr_assert_eq(newsdoc_node_get_type(newsdoc_node_first_child(newsdoc_node_first_child(ol))), NEWSDOC_NODE_PARAGRAPH);
  newsdoc_node *ul = nth(d, NEWSDOC_NODE_LIST, 1);
  cr_assert_eq(newsdoc_node_get_list_type(ul), NEWSDOC_LIST_BULLET);
  cr_assert_eq(newsdoc_node_get_list_tight(ul), 0);
  newsdoc_node *cb = nth(d, NEWSDOC_NODE_CODE_BLOCK, 0);
  cr_assert_str_eq(newsdoc_node_get_info(cb), "js");
  cr_assert_str_eq(newsdoc_node_get_literal(cb, NULL), "code\n");
  newsdoc_node *tb = nth(d, NEWSDOC_NODE_TABLE, 0);
  cr_assert_eq(newsdoc_node_get_column_count(tb), 2);
  cr_assert_eq(newsdoc_node_get_column_align(tb, 0), NEWSDOC_ALIGN_START);
  cr_assert_eq(newsdoc_node_get_column_align(tb, 1), NEWSDOC_ALIGN_CENTER);
  cr_assert(newsdoc_node_get_header(newsdoc_node_first_child(tb)));
  cr_assert_not_null(nth(d, NEWSDOC_NODE_THEMATIC_BREAK, 0));
  newsdoc_doc_free(d);
}

Test(markdown_reader, right_to_left_text_is_kept) {
  /* ZWNJ (Persian), Arabic-Indic digits, harakat, a decomposed alef with
   * hamza (composed by NFC), RLM. */
  const char *src = "می\xE2\x80\x8Cخواهم ١٢٣ ۴۵۶ يُعتبر \xD8\xA7\xD9\x94 \xE2\x80\x8F\n";
  newsdoc_doc *d = md(src);
  assert_text(nth(d, NEWSDOC_NODE_PARAGRAPH, 0), "می\xE2\x80\x8Cخواهم ١٢٣ ۴۵۶ يُعتبر \xD8\xA3 \xE2\x80\x8F");
  newsdoc_doc_free(d);
}

Test(markdown_reader, ltr_island_in_rtl_text) {
  newsdoc_doc *d = md("---\nlang: ar\ndir: rtl\n---\n\n"
                      "قال <span dir=\"ltr\" lang=\"en\">New York *Times*</span> اليوم\n\n"
                      "<div dir=\"ltr\" lang=\"en\">\n\nAn English paragraph.\n\n- and a list\n\n</div>\n\nعربي\n");
  newsdoc_node *span = nth(d, NEWSDOC_NODE_SPAN, 0);
  cr_assert_not_null(span);
  cr_assert_eq(newsdoc_node_get_dir(span), NEWSDOC_DIR_LTR);
  cr_assert_str_eq(newsdoc_node_get_lang(span), "en");
  assert_text(span, "New York Times");
  cr_assert_null(nth(d, NEWSDOC_NODE_RAW_INLINE, 0), "the span tags are not left as raw HTML");
  newsdoc_node *p2 = nth(d, NEWSDOC_NODE_PARAGRAPH, 1);
  assert_text(p2, "An English paragraph.");
  cr_assert_eq(newsdoc_node_get_dir(p2), NEWSDOC_DIR_LTR);
  cr_assert_str_eq(newsdoc_node_get_lang(p2), "en");
  newsdoc_node *list = nth(d, NEWSDOC_NODE_LIST, 0);
  cr_assert_eq(newsdoc_node_get_dir(list), NEWSDOC_DIR_LTR);
  /* the list's own paragraph inherits: not set again */
  cr_assert_eq(newsdoc_node_get_dir(nth(d, NEWSDOC_NODE_PARAGRAPH, 2)), NEWSDOC_DIR_UNSET);
  newsdoc_node *last = nth(d, NEWSDOC_NODE_PARAGRAPH, 3);
  assert_text(last, "عربي");
  cr_assert_eq(newsdoc_node_get_dir(last), NEWSDOC_DIR_UNSET);
  cr_assert_eq(newsdoc_node_effective_dir(last, d), NEWSDOC_DIR_RTL);
  cr_assert_null(nth(d, NEWSDOC_NODE_RAW_BLOCK, 0), "the div tags are not left as raw HTML");
  newsdoc_doc_free(d);
}

Test(markdown_reader, footnotes) {
  newsdoc_doc *d = md("Text[^a] and \\[^a] and `[^a]` and [^b].\n\n[^a]: First note,\n    continued.\n\n    "
                      "Second paragraph.\n\n[^b]: Other.\n\n[^unused]: never referenced\n\nAfter.\n");
  newsdoc_node *n1 = nth(d, NEWSDOC_NODE_NOTE, 0);
  cr_assert_not_null(n1);
  cr_assert_eq(newsdoc_node_child_count(n1), 2);
  assert_text(newsdoc_node_first_child(n1), "First note, continued.");
  newsdoc_node *n2 = nth(d, NEWSDOC_NODE_NOTE, 1);
  assert_text(n2, "Other.");
  cr_assert_null(nth(d, NEWSDOC_NODE_NOTE, 2));
  char *t = text_of(nth(d, NEWSDOC_NODE_PARAGRAPH, 0));
  cr_assert_str_eq(t, "Text and [^a] and [^a] and .", "escaped and code references stay text: %s", t);
  newsdoc_free(t);
  /* the paragraph after the definitions is body text */
  newsdoc_node *after = newsdoc_node_last_child(newsdoc_doc_root(d));
  assert_text(after, "After.");
  cr_assert(strstr(g_last_warning, "unused"), "%s", g_last_warning);
  newsdoc_doc_free(d);
}

/* Definitions that come last are cut off the end of the source, the
 * others cut out of a copy: both read the same. */
Test(markdown_reader, footnote_definitions_anywhere_read_the_same) {
  static const char *const forms[] = {
    "Text[^a] and more[^b].\n\nMiddle paragraph.\n\n[^a]: First,\n    continued.\n[^b]: Second.\n",
    "Text[^a] and more[^b].\n\n[^a]: First,\n    continued.\n\nMiddle paragraph.\n\n[^b]: Second.\n",
    "Text[^a] and more[^b].\n\n[^b]: Second.\n[^a]: First,\n    continued.\n\nMiddle paragraph.\n",
    "Text[^a] and more[^b].\n\nMiddle paragraph.\n\n[^a]: First,\n    continued.\n\n  \t\n[^b]: Second.\n\n\n",
    "Text[^a] and more[^b].\n\nMiddle paragraph.\n[^a]: First,\n    continued.\n[^b]: Second.",
  };
  char *want = NULL;
  for (size_t i = 0; i < sizeof forms / sizeof *forms; i++) {
    newsdoc_doc *d = md(forms[i]);
    char *j = tu_json(d);
    newsdoc_doc_free(d);
    cr_assert(strstr(j, "continued.") && strstr(j, "Second.") && strstr(j, "Middle paragraph."), "%zu: %s", i, j);
    if (!want) want = j;
    else {
      cr_assert_str_eq(j, want, "form %zu reads differently", i);
      free(j);
    }
  }
  free(want);
  /* a paragraph right after the last definition stays body text */
  newsdoc_doc *d = md("A[^a].\n\n[^a]: Note.\n\nAfter.\n");
  assert_text(newsdoc_node_last_child(newsdoc_doc_root(d)), "After.");
  newsdoc_doc_free(d);
}

/* The body's NFC check runs in the line pass, 4 KiB behind it: text that
 * needs NFC (or has invalid bytes) deep in a long body, or only in the
 * front matter, is normalised all the same, with one warning. */
Test(markdown_reader, nfc_deep_in_the_body_and_in_front_matter) {
  char *big = malloc(20000);
  cr_assert_not_null(big);
  const char *fm[] = {"---\ntitle: \xd8\xb9\xd9\x86\xd9\x88\xd8\xa7\xd9\x86\n---\n\n",
                      "---\ntitle: Cafe\xcc\x81\n---\n\n", ""};
  const char *tail[] = {"Cafe\xcc\x81 \xd8\xa7\xd9\x93.\n", "bad \xff byte.\n", "plain.\n"};
  for (size_t f = 0; f < 3; f++)
    for (size_t t = 0; t < 3; t++) {
      size_t n = (size_t)snprintf(big, 20000, "%s", fm[f]);
      while (n < 12000) n += (size_t)snprintf(big + n, 20000 - n, "\xd9\x81\xd9\x82\xd8\xb1\xd8\xa9 text.\n\n");
      snprintf(big + n, 20000 - n, "%s", tail[t]);
      newsdoc_doc *d = NULL;
      cr_assert_eq(read_md(&d, big, NULL), 0, "%s", newsdoc_error_last()->message);
      char *j = tu_json(d);
      newsdoc_doc_free(d);
      cr_assert(!strstr(j, "e\xcc\x81") && !strstr(j, "\xd8\xa7\xd9\x93"), "fm %zu tail %zu: not NFC", f, t);
      if (t == 0) cr_assert(strstr(j, "Caf\xc3\xa9 \xd8\xa2."), "fm %zu: %s", f, j + strlen(j) - 80);
      if (f == 1) cr_assert(strstr(j, "Caf\xc3\xa9\""), "front matter not NFC");
      cr_assert_eq(g_warnings, t == 1 ? 1 : 0, "fm %zu tail %zu: %d warnings", f, t, g_warnings);
      free(j);
    }
  free(big);
}

Test(markdown_reader, depth_limit) {
  char buf[4096];
  size_t n = 0;
  for (int i = 0; i < 300; i++) { buf[n++] = '>'; buf[n++] = ' '; }
  memcpy(buf + n, "deep\n", 6);
  newsdoc_doc *d = NULL;
  cr_assert_eq(read_md(&d, buf, NULL), NEWSDOC_ELIMIT_DEPTH);
  cr_assert_null(d);
  cr_assert(strstr(newsdoc_error_last()->message, "max-depth"), "%s", newsdoc_error_last()->message);
  /* the line is the source's, footnote definitions counted */
  char deep[1024];
  n = (size_t)snprintf(deep, sizeof deep, "a[^1]\n\n[^1]: note\n    more\n\npara\n\n");
  for (int i = 0; i < 300; i++) { deep[n++] = '>'; deep[n++] = ' '; }
  memcpy(deep + n, "deep\n", 6);
  cr_assert_eq(read_md(&d, deep, NULL), NEWSDOC_ELIMIT_DEPTH);
  cr_assert(strstr(newsdoc_error_last()->message, "line 8 "), "%s", newsdoc_error_last()->message);
  /* allowed with a higher limit */
  cr_assert_eq(read_md(&d, buf, "1000"), 0, "%s", newsdoc_error_last()->message);
  cr_assert_not_null(nth(d, NEWSDOC_NODE_BLOCKQUOTE, 299));
  newsdoc_doc_free(d);
  /* deep nesting built over lines (lists by indentation) and in inlines */
  n = 0;
  for (int i = 0; i < 200; i++) {
    for (int k = 0; k < 2 * i; k++) buf[n++] = ' ';
    memcpy(buf + n, "- a\n", 4);
    n += 4;
    if (n > sizeof buf - 600) break;
  }
  buf[n] = 0;
  cr_assert_eq(read_md(&d, buf, "40"), NEWSDOC_ELIMIT_DEPTH);
  n = 0;
  for (int i = 0; i < 100; i++) { memcpy(buf + n, "*a **a ", 7); n += 7; }
  buf[n++] = 'b';
  for (int i = 0; i < 100; i++) { memcpy(buf + n, " a** a*", 7); n += 7; }
  buf[n] = 0;
  cr_assert_eq(read_md(&d, buf, "50"), NEWSDOC_ELIMIT_DEPTH);
  cr_assert_eq(read_md(&d, buf, NULL), 0);
  newsdoc_doc_free(d);
}

Test(markdown_reader, hostile_bytes) {
  /* invalid UTF-8 and NUL become U+FFFD with a warning */
  const char src[] = "a\xFF" "b\0c\n";
  newsdoc_options *o;
  newsdoc_options_new(&o);
  newsdoc_options_set_warning_fn(o, on_warn, NULL);
  g_warnings = 0;
  newsdoc_doc *d = NULL;
  cr_assert_eq(newsdoc_read(&d, src, sizeof src - 1, "markdown", NULL, o), 0);
  newsdoc_options_free(o);
  assert_text(nth(d, NEWSDOC_NODE_PARAGRAPH, 0), "a\xEF\xBF\xBD" "b\xEF\xBF\xBD" "c");
  cr_assert_geq(g_warnings, 1);
  newsdoc_doc_free(d);
  /* a BOM is skipped; CRLF line ends */
  d = md("\xEF\xBB\xBF# H\r\n\r\ntext\r\n");
  assert_text(newsdoc_node_section_heading(newsdoc_node_first_child(newsdoc_doc_root(d))), "H");
  newsdoc_doc_free(d);
  /* empty input: an empty body */
  d = md("");
  cr_assert_null(newsdoc_node_first_child(newsdoc_doc_root(d)));
  newsdoc_doc_free(d);
}

Test(markdown_reader, probe_prefers_markdown_signals) {
  const char *name = NULL;
  int score = 0;
  const char *md_text = "---\ntitle: x\n---\n\n# Heading\n\nSee [this](http://x).\n";
  cr_assert_eq(newsdoc_probe(md_text, strlen(md_text), NULL, &name, &score), 0);
  cr_assert_str_eq(name, "markdown");
  cr_assert_eq(newsdoc_probe("plain words", 11, "a.md", &name, &score), 0);
  cr_assert_str_eq(name, "markdown");
}

/* Found by fuzzing: structures md4c produces that a naive stack mishandles. */
Test(markdown_reader, fuzz_regressions) {
  /* strikethrough, then text, in a tight list item: one paragraph */
  newsdoc_doc *d = md("- ~~a~~ b\n- c\n");
  newsdoc_node *item = nth(d, NEWSDOC_NODE_ITEM, 0);
  cr_assert_eq(newsdoc_node_child_count(item), 1);
  assert_text(item, "a b");
  newsdoc_doc_free(d);
  /* a raw <span dir> left open in a tight item, then a quote in the item */
  d = md("- x <span dir=\"ltr\">y\n  > q\n");
  item = nth(d, NEWSDOC_NODE_ITEM, 0);
  cr_assert_eq(newsdoc_node_get_type(newsdoc_node_last_child(item)), NEWSDOC_NODE_BLOCKQUOTE);
  newsdoc_doc_free(d);
  /* md4c sends a leave for "**" with no enter (the opener is inside a link
   * destination): ignored, the text after it kept */
  d = md("![{](**1.(1)>(1))## </span>****#\n");
  assert_text(nth(d, NEWSDOC_NODE_PARAGRAPH, 0), "## </span>**#");
  cr_assert_str_eq(newsdoc_node_get_url(nth(d, NEWSDOC_NODE_IMAGE, 0)), "**1.(1)>(1)");
  newsdoc_doc_free(d);
  /* md4c starts a block inside spans it never closes (the emphasis before
   * the link in a tight item): they end where the quote begins, which is
   * the item's, not the emphasis's (this read failed with "a emph cannot
   * hold a blockquote", EUSAGE, and stopped long fuzz runs) */
  static const char *const open_spans[] = {"- *[](*)\n  >", "- **[](*)\n  > x\n",
                                           "- *a <span dir=\"ltr\">b [](*)\n  > q\n", "- *![a *b*](*)\n  > q\n"};
  for (size_t i = 0; i < sizeof open_spans / sizeof *open_spans; i++) {
    d = NULL;
    cr_assert_eq(read_md(&d, open_spans[i], NULL), 0, "%zu: %s", i, newsdoc_error_last()->message);
    item = nth(d, NEWSDOC_NODE_ITEM, 0);
    cr_assert_eq(newsdoc_node_get_type(newsdoc_node_last_child(item)), NEWSDOC_NODE_BLOCKQUOTE, "%zu", i);
    cr_assert_not_null(nth(d, NEWSDOC_NODE_LINK, 0) ? nth(d, NEWSDOC_NODE_LINK, 0) : nth(d, NEWSDOC_NODE_IMAGE, 0), "%zu", i);
    newsdoc_doc_free(d);
  }
}

/* newsdoc_read_file lets the reader free the file's buffer once it parses
 * from its own copy (footnotes taken out, NFC applied).  Freed memory is
 * overwritten here, so anything still pointing into the input (a footnote
 * label, say) would change the result. */
#include <malloc.h>
/* Frees are deferred (and the memory overwritten) so that nothing can
 * reuse a freed block and hide a dangling pointer. */
static void *g_freed[4096];
static size_t g_nfreed;
static void *poison_malloc(size_t n, void *ud) { (void)ud; return malloc(n); }
static void *poison_realloc(void *p, size_t n, void *ud) { (void)ud; return realloc(p, n); }
static void poison_free(void *p, void *ud) {
  (void)ud;
  if (!p) return;
  memset(p, 'X', malloc_usable_size(p));
  if (g_nfreed < sizeof g_freed / sizeof *g_freed) g_freed[g_nfreed++] = p;
  else free(p);
}
static void free_deferred(void) {
  while (g_nfreed) free(g_freed[--g_nfreed]);
}

static void put_file(const char *path, const char *s) {
  FILE *f = fopen(path, "wb");
  cr_assert(f);
  fputs(s, f);
  fclose(f);
}

Test(markdown_reader, read_file_frees_the_input_early_and_reads_the_same) {
  static const char *inputs[] = {
    /* footnotes (one defined twice, the first wins), NFD text */
    "---\ntitle: حاشية\n---\n\nقال [^b] ثم [^a] وCafe\xcc\x81.\n\n[^a]: الأولى\n[^b]: الثانية\n[^a]: مكررة\n\n"
    "## قسم\n\nنص [^c].\n\n[^c]: ثالثة\n",
    /* NFD only, no footnotes */
    "Cafe\xcc\x81 \xd8\xa7\xd9\x84\xd8\xb3\xd9\x91\xd9\x8e\xd9\x84\xd8\xa7\xd9\x85\n",
    /* footnotes only, ASCII */
    "See [^x] and [^y].\n\n[^x]: one\n[^y]: two\n",
  };
  const char *path = "read_file_early_free.md";
  newsdoc_allocator al = {NEWSDOC_ALLOCATOR_VERSION, poison_malloc, poison_realloc, poison_free, NULL};
  for (size_t i = 0; i < sizeof inputs / sizeof *inputs; i++) {
    put_file(path, inputs[i]);
    newsdoc_doc *a = NULL, *b = NULL;
    cr_assert_eq(newsdoc_read(&a, inputs[i], strlen(inputs[i]), "markdown", NULL, NULL), 0, "%s",
                 newsdoc_error_last()->message);
    cr_assert_eq(newsdoc_set_allocator(&al), 0);
    int rc = newsdoc_read_file(&b, path, "markdown", NULL);
    char *ja = tu_json(a), *jb = rc ? NULL : tu_json(b);
    newsdoc_doc_free(b);
    newsdoc_set_allocator(NULL);
    free_deferred();
    cr_assert_eq(rc, 0, "input %zu: %s", i, newsdoc_error_last()->message);
    cr_assert_str_eq(ja, jb, "input %zu: newsdoc_read_file read something else than newsdoc_read", i);
    if (i == 0) {
      cr_assert(strstr(ja, "الأولى") && strstr(ja, "الثانية") && strstr(ja, "ثالثة") && !strstr(ja, "مكررة"),
                "footnotes: %s", ja);
      cr_assert(strstr(ja, "Caf\xc3\xa9"), "not NFC: %s", ja);
    }
    free(ja);
    free(jb);
    newsdoc_doc_free(a);
  }
  remove(path);
}

/* md4c 0.4.8 reads the byte after the text it is given (text[size]) and
 * acts on it: "[a](b" followed in memory by ')' was read as a link whose
 * end lies past the input, after which md4c reads past its own arrays
 * (the fuzzer's "text of ~4 GB" and crashes inside md_parse); "10"
 * followed by '.' was read as an ordered list.  The reader gives md4c
 * text followed by a NUL, so the byte after the caller's input, whatever
 * it is, changes nothing.  See tests/fuzz/md4c/md4c_overread.c. */
static newsdoc_doc *md_then(const char *s, char after) {
  size_t n = strlen(s);
  char *buf = malloc(n + 1);
  cr_assert_not_null(buf);
  memcpy(buf, s, n);
  buf[n] = after; /* not part of the input */
  newsdoc_doc *d = NULL;
  int rc = newsdoc_read(&d, buf, n, "markdown", NULL, NULL);
  free(buf);
  cr_assert_eq(rc, 0, "\"%s\" then '%c': %s", s, after, newsdoc_error_last()->message);
  return d;
}

Test(markdown_reader, the_byte_after_the_input_is_not_read) {
  static const struct { const char *in, after, *text; } cases[] = {
    {"[a](b", ')', "[a](b"}, {"x [a](b", ')', "x [a](b"}, {"![a](b", ')', "![a](b"},
    {"10", '.', "10"},       {"10", ')', "10"},           {"[a](b", '\0', "[a](b"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    newsdoc_doc *d = md_then(cases[i].in, cases[i].after);
    cr_assert_null(nth(d, NEWSDOC_NODE_LINK, 0), "\"%s\" then '%c': a link", cases[i].in, cases[i].after);
    cr_assert_null(nth(d, NEWSDOC_NODE_IMAGE, 0), "\"%s\" then '%c': an image", cases[i].in, cases[i].after);
    cr_assert_null(nth(d, NEWSDOC_NODE_LIST, 0), "\"%s\" then '%c': a list", cases[i].in, cases[i].after);
    assert_text(nth(d, NEWSDOC_NODE_PARAGRAPH, 0), cases[i].text);
    newsdoc_doc_free(d);
  }
}

/* The same through newsdoc_read_file, whose buffer is the library's own
 * (its byte after the file's last one is not set): an allocator that
 * fills new memory with ')' stands for the stale bytes a heap block
 * holds.  The last input has footnotes: its body and notes are parsed
 * from the reader's own buffers. */
static void *paren_malloc(size_t n, void *ud) {
  (void)ud;
  void *p = malloc(n);
  if (p) memset(p, ')', n);
  return p;
}
static void *paren_realloc(void *p, size_t n, void *ud) {
  (void)ud;
  size_t old = p ? malloc_usable_size(p) : 0;
  void *q = malloc(n);
  if (!q) return NULL;
  memset(q, ')', n);
  if (p) memcpy(q, p, old < n ? old : n);
  free(p);
  return q;
}
static void paren_free(void *p, void *ud) { (void)ud; free(p); }

Test(markdown_reader, read_file_input_is_not_read_past_its_end) {
  static const char *inputs[] = {"[a](b", "10", "See [^x] and [a](b\n\n[^x]: one [c](d"};
  const char *path = "read_file_past_end.md";
  newsdoc_allocator al = {NEWSDOC_ALLOCATOR_VERSION, paren_malloc, paren_realloc, paren_free, NULL};
  for (size_t i = 0; i < sizeof inputs / sizeof *inputs; i++) {
    put_file(path, inputs[i]);
    cr_assert_eq(newsdoc_set_allocator(&al), 0);
    newsdoc_doc *d = NULL;
    int rc = newsdoc_read_file(&d, path, "markdown", NULL);
    char *j = rc ? NULL : tu_json(d);
    newsdoc_doc_free(d);
    newsdoc_set_allocator(NULL);
    cr_assert_eq(rc, 0, "input %zu: %s", i, newsdoc_error_last()->message);
    cr_assert(!strstr(j, "\"link\"") && !strstr(j, "\"list\""), "input %zu: %s", i, j);
    free(j);
  }
  remove(path);
}
