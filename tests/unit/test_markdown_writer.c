/* test_markdown_writer.c - the markdown writer: exact output for small
 * documents built with the API (escaping, headings, lists, tables, notes,
 * direction), and what is dropped with a warning. */
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

static char *write_md(const newsdoc_doc *d) {
  newsdoc_options *o;
  newsdoc_options_new(&o);
  newsdoc_options_set_warning_fn(o, on_warn, NULL);
  g_warnings = 0;
  char *out = NULL;
  size_t len = 0;
  int rc = newsdoc_write(d, "markdown", o, &out, &len);
  newsdoc_options_free(o);
  cr_assert_eq(rc, 0, "write failed: %s", newsdoc_error_last()->message);
  cr_assert_eq(strlen(out), len);
  return out;
}



static newsdoc_node *para(newsdoc_node *parent, const char *s) {
  newsdoc_node *p = tu_add(parent, NEWSDOC_NODE_PARAGRAPH);
  if (s) tu_text(p, s);
  return p;
}

static newsdoc_node *section(newsdoc_node *parent, int level, const char *title) {
  newsdoc_node *s = tu_add(parent, NEWSDOC_NODE_SECTION);
  newsdoc_node_set_level(s, level);
  tu_text(tu_add(s, NEWSDOC_NODE_HEADING), title);
  return s;
}

static void expect(const newsdoc_doc *d, const char *want) {
  char *got = write_md(d);
  cr_assert_str_eq(got, want, "\n--- got ---\n%s\n--- want ---\n%s", got, want);
  newsdoc_free(got);
}

Test(markdown_writer, arabic_is_written_as_is_and_sections_are_atx) {
  newsdoc_doc *d;
  newsdoc_doc_new(&d);
  newsdoc_meta_set(d, "lang", "ar", 2);
  newsdoc_doc_set_dir(d, NEWSDOC_DIR_RTL);
  newsdoc_node *r = newsdoc_doc_root(d);
  para(r, "يُعتبر التعاون في 2024 و٢٠٢٥ مهماً، می\xE2\x80\x8Cخواهم.");
  newsdoc_node *s1 = section(r, 1, "خلفية");
  para(s1, "نص");
  newsdoc_node *s3 = section(s1, 3, "فرعي #");
  para(s3, "x");
  expect(d, "---\nlang: 'ar'\ndir: 'rtl'\n---\n\n"
            "يُعتبر التعاون في 2024 و٢٠٢٥ مهماً، می\xE2\x80\x8Cخواهم.\n\n"
            "# خلفية\n\nنص\n\n### فرعي \\#\n\nx\n");
  newsdoc_doc_free(d);
}

Test(markdown_writer, escapes_only_what_would_be_markup) {
  newsdoc_doc *d;
  newsdoc_doc_new(&d);
  newsdoc_node *r = newsdoc_doc_root(d);
  para(r, "1. not a list");
  para(r, "# not a heading");
  para(r, "- not a bullet, + and = inside are fine");
  para(r, "*a* _b_ snake_case `c` [d] <e> AT&T & co ~f~ 2^3 $4 a|b {g} @h x@y.z end!");
  para(r, "> no quote");
  para(r, "2024 was a year. A sentence. a) no");
  newsdoc_node *p = para(r, "line one  ");
  tu_add(p, NEWSDOC_NODE_SOFT_BREAK);
  tu_text(p, "    - indented after a soft break");
  expect(d, "1\\. not a list\n\n"
            "\\# not a heading\n\n"
            "\\- not a bullet, + and = inside are fine\n\n"
            "\\*a\\* \\_b\\_ snake_case \\`c\\` \\[d\\] \\<e> AT\\&T & co \\~f\\~ 2\\^3 \\$4 a\\|b \\{g} \\@h x@y.z "
            "end\\!\n\n"
            "\\> no quote\n\n"
            "2024 was a year. A sentence. a) no\n\n"
            "line one\n\\- indented after a soft break\n");
  newsdoc_doc_free(d);
}

Test(markdown_writer, front_matter) {
  newsdoc_doc *d;
  newsdoc_doc_new(&d);
  newsdoc_meta_set(d, "title", "It's *the* title", 16);
  newsdoc_meta_add(d, "author", "A", 1);
  newsdoc_meta_add(d, "keyword", "k1", 2);
  newsdoc_meta_add(d, "author", "B", 1);
  newsdoc_meta_add(d, "keyword", "k2", 2);
  newsdoc_meta_set(d, "odd key", "v", 1);
  expect(d, "---\ntitle: 'It''s \\*the\\* title'\nauthor:\n- 'A'\n- 'B'\nkeywords:\n- 'k1'\n- 'k2'\n"
            "'odd key': 'v'\n---\n\n");
  newsdoc_doc_free(d);
}

Test(markdown_writer, lists_quotes_code_breaks) {
  newsdoc_doc *d;
  newsdoc_doc_new(&d);
  newsdoc_node *r = newsdoc_doc_root(d);
  newsdoc_node *ol = tu_add(r, NEWSDOC_NODE_LIST);
  newsdoc_node_set_list_type(ol, NEWSDOC_LIST_ORDERED);
  newsdoc_node_set_list_start(ol, 9);
  para(tu_add(ol, NEWSDOC_NODE_ITEM), "nine");
  newsdoc_node *ten = tu_add(ol, NEWSDOC_NODE_ITEM);
  para(ten, "ten");
  newsdoc_node *inner = tu_add(ten, NEWSDOC_NODE_LIST);
  para(tu_add(inner, NEWSDOC_NODE_ITEM), "inner");
  newsdoc_node *ul = tu_add(r, NEWSDOC_NODE_LIST); /* right after another list: */
  newsdoc_node_set_list_tight(ul, 0);
  para(tu_add(ul, NEWSDOC_NODE_ITEM), "loose a");
  para(tu_add(ul, NEWSDOC_NODE_ITEM), "loose b");
  newsdoc_node *ul2 = tu_add(r, NEWSDOC_NODE_LIST); /* two bullet lists in a row */
  para(tu_add(ul2, NEWSDOC_NODE_ITEM), "next list");
  newsdoc_node *q = tu_add(r, NEWSDOC_NODE_BLOCKQUOTE);
  para(q, "quoted");
  newsdoc_node *cb = tu_add(q, NEWSDOC_NODE_CODE_BLOCK);
  newsdoc_node_set_info(cb, "c");
  newsdoc_node_set_literal(cb, "a\n```\n\nb", 8);
  newsdoc_node *p = para(r, "hard");
  tu_add(p, NEWSDOC_NODE_LINE_BREAK);
  tu_text(p, "break");
  expect(d, "9. nine\n10. ten\n    - inner\n\n"
            "- loose a\n\n- loose b\n\n"
            "* next list\n\n"
            "> quoted\n>\n> ````c\n> a\n> ```\n>\n> b\n> ````\n\n"
            "hard\\\nbreak\n");
  newsdoc_doc_free(d);
}

Test(markdown_writer, tables_links_images_notes) {
  newsdoc_doc *d;
  newsdoc_doc_new(&d);
  newsdoc_node *r = newsdoc_doc_root(d);
  newsdoc_node *t = tu_add(r, NEWSDOC_NODE_TABLE);
  newsdoc_align al[3] = {NEWSDOC_ALIGN_START, NEWSDOC_ALIGN_CENTER, NEWSDOC_ALIGN_END};
  newsdoc_node_set_column_aligns(t, al, 3);
  newsdoc_node *h = tu_add(t, NEWSDOC_NODE_TABLE_ROW);
  newsdoc_node_set_header(h, 1);
  tu_text(tu_add(h, NEWSDOC_NODE_TABLE_CELL), "a|b");
  tu_text(tu_add(h, NEWSDOC_NODE_TABLE_CELL), "c");
  tu_text(tu_add(h, NEWSDOC_NODE_TABLE_CELL), "d");
  newsdoc_node *row = tu_add(t, NEWSDOC_NODE_TABLE_ROW);
  tu_text(tu_add(row, NEWSDOC_NODE_TABLE_CELL), "1");
  newsdoc_node *p = para(r, "see ");
  newsdoc_node *l = tu_add(p, NEWSDOC_NODE_LINK);
  newsdoc_node_set_url(l, "http://x.example/a b(c)");
  newsdoc_node_set_title(l, "the \"title\"");
  tu_text(l, "link");
  tu_text(p, " and ");
  newsdoc_node *img = tu_add(p, NEWSDOC_NODE_IMAGE);
  newsdoc_node_set_url(img, "media:logo.png");
  newsdoc_node_set_title(img, "شعار [x]");
  newsdoc_node *note = tu_add(p, NEWSDOC_NODE_NOTE);
  para(note, "note one");
  para(note, "second para");
  tu_text(p, ".");
  newsdoc_node *note2 = tu_add(p, NEWSDOC_NODE_NOTE);
  para(note2, "note two");
  expect(d, "| a\\|b | c | d |\n|:---|:---:|---:|\n| 1 |  |  |\n\n"
            "see [link](<http://x.example/a b(c)> \"the \\\"title\\\"\") and ![شعار \\[x\\]](media:logo.png)[^1].[^2]\n\n"
            "[^1]: note one\n\n    second para\n\n[^2]: note two\n");
  newsdoc_doc_free(d);
}

Test(markdown_writer, direction_and_language_where_they_differ) {
  newsdoc_doc *d;
  newsdoc_doc_new(&d);
  newsdoc_meta_set(d, "lang", "ar", 2);
  newsdoc_doc_set_dir(d, NEWSDOC_DIR_RTL);
  newsdoc_node *r = newsdoc_doc_root(d);
  newsdoc_node *p = para(r, "قال ");
  newsdoc_node *sp = tu_add(p, NEWSDOC_NODE_SPAN);
  newsdoc_node_set_dir(sp, NEWSDOC_DIR_LTR);
  newsdoc_node_set_lang(sp, "en");
  tu_text(sp, "The Times");
  tu_text(p, " اليوم");
  newsdoc_node *en = para(r, "English.");
  newsdoc_node_set_dir(en, NEWSDOC_DIR_LTR);
  newsdoc_node_set_lang(en, "en");
  newsdoc_node *same = para(r, "عربي");
  newsdoc_node_set_dir(same, NEWSDOC_DIR_RTL); /* same as the document: nothing written */
  expect(d, "---\nlang: 'ar'\ndir: 'rtl'\n---\n\n"
            "قال <span dir=\"ltr\" lang=\"en\">The Times</span> اليوم\n\n"
            "<div dir=\"ltr\" lang=\"en\">\n\nEnglish.\n\n</div>\n\n"
            "عربي\n");
  newsdoc_doc_free(d);
}

Test(markdown_writer, raw_content) {
  newsdoc_doc *d;
  newsdoc_doc_new(&d);
  newsdoc_node *r = newsdoc_doc_root(d);
  newsdoc_node *rb = tu_add(r, NEWSDOC_NODE_RAW_BLOCK);
  newsdoc_node_set_info(rb, "html");
  newsdoc_node_set_literal(rb, "<aside>x</aside>", 16);
  newsdoc_node *tex = tu_add(r, NEWSDOC_NODE_RAW_BLOCK);
  newsdoc_node_set_info(tex, "latex");
  newsdoc_node_set_literal(tex, "\\newpage", 8);
  newsdoc_node *p = para(r, "a ");
  newsdoc_node *ri = tu_add(p, NEWSDOC_NODE_RAW_INLINE);
  newsdoc_node_set_info(ri, "html");
  newsdoc_node_set_literal(ri, "<kbd>", 5);
  tu_text(p, "b");
  expect(d, "<aside>x</aside>\n\na <kbd>b\n");
  cr_assert_eq(g_warnings, 1);
  cr_assert(strstr(g_last_warning, "latex"), "%s", g_last_warning);
  newsdoc_doc_free(d);
}

Test(markdown_writer, a_model_not_from_markdown_reads_back_the_same) {
  newsdoc_doc *d;
  newsdoc_doc_new(&d);
  newsdoc_meta_set(d, "title", "عنوان", strlen("عنوان"));
  newsdoc_meta_set(d, "lang", "ar", 2);
  newsdoc_node *r = newsdoc_doc_root(d);
  newsdoc_node *p = para(r, "نص *غريب* مع ");
  newsdoc_node *e = tu_add(p, NEWSDOC_NODE_EMPH);
  tu_text(e, "تأكيد");
  newsdoc_node *c = tu_add(p, NEWSDOC_NODE_CODE);
  newsdoc_node_set_literal(c, "a ` b", 5);
  newsdoc_node *n = tu_add(p, NEWSDOC_NODE_NOTE);
  para(n, "حاشية");
  newsdoc_node *s = section(r, 2, "قسم");
  newsdoc_node *l = tu_add(s, NEWSDOC_NODE_LIST);
  newsdoc_node_set_list_type(l, NEWSDOC_LIST_ORDERED);
  newsdoc_node_set_list_start(l, 5);
  para(tu_add(l, NEWSDOC_NODE_ITEM), "خمسة");
  para(tu_add(l, NEWSDOC_NODE_ITEM), "ستة");
  char *md = write_md(d);
  newsdoc_doc *back = NULL;
  cr_assert_eq(newsdoc_read(&back, md, strlen(md), "markdown", NULL, NULL), 0);
  char *j1 = tu_json(d), *j2 = tu_json(back);
  cr_assert_str_eq(j2, j1, "markdown was:\n%s", md);
  free(j1);
  free(j2);
  newsdoc_free(md);
  newsdoc_doc_free(back);
  newsdoc_doc_free(d);
}

Test(markdown_writer, emphasis_edges) {
  newsdoc_doc *d;
  newsdoc_doc_new(&d);
  newsdoc_node *r = newsdoc_doc_root(d);
  newsdoc_node *p = para(r, "a");
  newsdoc_node *e = tu_add(p, NEWSDOC_NODE_EMPH);
  tu_text(e, " spaced ");
  tu_text(p, "b ");
  tu_add(p, NEWSDOC_NODE_STRONG); /* empty: dropped */
  newsdoc_node *outer = tu_add(p, NEWSDOC_NODE_EMPH);
  newsdoc_node *inner = tu_add(outer, NEWSDOC_NODE_EMPH);
  tu_text(inner, "double");
  newsdoc_node *s1 = tu_add(p, NEWSDOC_NODE_STRONG);
  newsdoc_node *s2 = tu_add(s1, NEWSDOC_NODE_STRONG);
  tu_text(s2, "x");
  expect(d, "a *spaced* b *_double_***__x__**\n");
  /* and it reads back as the same tree, but for the blanks moved out */
  char *md = write_md(d);
  newsdoc_doc *back = NULL;
  cr_assert_eq(newsdoc_read(&back, md, strlen(md), "markdown", NULL, NULL), 0);
  newsdoc_node *bp = newsdoc_node_first_child(newsdoc_doc_root(back));
  newsdoc_node *be = newsdoc_node_next(newsdoc_node_first_child(bp));
  cr_assert_eq(newsdoc_node_get_type(be), NEWSDOC_NODE_EMPH);
  newsdoc_node *bo = newsdoc_node_next(newsdoc_node_next(be));
  cr_assert_eq(newsdoc_node_get_type(bo), NEWSDOC_NODE_EMPH);
  cr_assert_eq(newsdoc_node_get_type(newsdoc_node_first_child(bo)), NEWSDOC_NODE_EMPH);
  newsdoc_node *bs = newsdoc_node_next(bo);
  cr_assert_eq(newsdoc_node_get_type(bs), NEWSDOC_NODE_STRONG);
  cr_assert_eq(newsdoc_node_get_type(newsdoc_node_first_child(bs)), NEWSDOC_NODE_STRONG);
  newsdoc_free(md);
  newsdoc_doc_free(back);
  newsdoc_doc_free(d);
}

Test(markdown_writer, newlines_inside_text_stay_one_paragraph) {
  newsdoc_doc *d;
  newsdoc_doc_new(&d);
  para(newsdoc_doc_root(d), "first line\n\n\n   # second line\r\n- third");
  expect(d, "first line\n\\# second line\n\\- third\n");
  char *md = write_md(d);
  newsdoc_doc *back = NULL;
  cr_assert_eq(newsdoc_read(&back, md, strlen(md), "markdown", NULL, NULL), 0);
  cr_assert_eq(newsdoc_node_child_count(newsdoc_doc_root(back)), 1, "still one paragraph");
  newsdoc_free(md);
  newsdoc_doc_free(back);
  newsdoc_doc_free(d);
}

Test(markdown_writer, front_matter_drops_what_yaml_forbids) {
  newsdoc_doc *d;
  newsdoc_doc_new(&d);
  const char v[] = "a\x01" "b\x7f" "c\xC2\x85" "d\xC2\x9F" "e\xEF\xBF\xBF" "f";
  newsdoc_meta_set(d, "title", v, sizeof v - 1);
  expect(d, "---\ntitle: 'abc def'\n---\n\n");
  char *md = write_md(d);
  newsdoc_doc *back = NULL;
  cr_assert_eq(newsdoc_read(&back, md, strlen(md), "markdown", NULL, NULL), 0, "%s", newsdoc_error_last()->message);
  cr_assert_str_eq(newsdoc_meta_get(back, "title"), "abc def");
  newsdoc_free(md);
  newsdoc_doc_free(back);
  newsdoc_doc_free(d);
}

Test(markdown_writer, quote_first_in_an_item_or_note) {
  newsdoc_doc *d;
  newsdoc_doc_new(&d);
  newsdoc_node *r = newsdoc_doc_root(d);
  newsdoc_node *list = tu_add(r, NEWSDOC_NODE_LIST);
  newsdoc_node *q = tu_add(tu_add(list, NEWSDOC_NODE_ITEM), NEWSDOC_NODE_BLOCKQUOTE);
  para(q, "a");
  para(q, "b");
  newsdoc_node *p = para(r, "x");
  newsdoc_node *note = tu_add(p, NEWSDOC_NODE_NOTE);
  para(tu_add(note, NEWSDOC_NODE_BLOCKQUOTE), "quoted note");
  expect(d, "- > a\n  >\n  > b\n\nx[^1]\n\n[^1]: > quoted note\n");
  char *md = write_md(d);
  newsdoc_doc *back = NULL;
  cr_assert_eq(newsdoc_read(&back, md, strlen(md), "markdown", NULL, NULL), 0);
  char *j1 = tu_json(d), *j2 = tu_json(back);
  cr_assert_str_eq(j2, j1, "%s", md);
  free(j1);
  free(j2);
  newsdoc_free(md);
  newsdoc_doc_free(back);
  newsdoc_doc_free(d);
}
