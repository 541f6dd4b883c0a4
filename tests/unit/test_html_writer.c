/* The html writer: cmark-compatible fragments, standalone pages, direction,
 * escaping, unsafe links, media, options. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"



static newsdoc_node *para(newsdoc_node *parent, const char *s) {
  newsdoc_node *p = tu_add(parent, NEWSDOC_NODE_PARAGRAPH);
  tu_text(p, s);
  return p;
}

static newsdoc_node *section(newsdoc_node *parent, int level, const char *title) {
  newsdoc_node *s = tu_add(parent, NEWSDOC_NODE_SECTION);
  cr_assert_eq(newsdoc_node_set_level(s, level), 0);
  tu_text(tu_add(s, NEWSDOC_NODE_HEADING), title);
  return s;
}

static size_t g_warnings;
static void on_warn(const char *f, const char *m, void *ud) {
  (void)f; (void)m; (void)ud;
  g_warnings++;
}

/* Writes with options given as "k=v" pairs; returns malloc'd output. */
static char *write_html(const newsdoc_doc *d, const char *const *kv) {
  newsdoc_options *o;
  cr_assert_eq(newsdoc_options_new(&o), 0);
  newsdoc_options_set_warning_fn(o, on_warn, NULL);
  for (; kv && *kv; kv++) {
    char key[64];
    const char *eq = strchr(*kv, '=');
    memcpy(key, *kv, (size_t)(eq - *kv));
    key[eq - *kv] = 0;
    cr_assert_eq(newsdoc_options_set(o, key, eq + 1), 0);
  }
  char *out = NULL;
  size_t len = 0;
  int rc = newsdoc_write(d, "html", o, &out, &len);
  cr_assert_eq(rc, 0, "write failed: %s", newsdoc_error_last()->message);
  cr_assert_eq(strlen(out), len);
  char *copy = strdup(out);
  newsdoc_free(out);
  newsdoc_options_free(o);
  return copy;
}

static const char *const FRAG[] = {"fragment=1", NULL};

Test(html_writer, fragment_matches_cmark) {
  newsdoc_doc *d;
  cr_assert_eq(newsdoc_doc_new(&d), 0);
  newsdoc_node *body = newsdoc_doc_root(d);
  newsdoc_node *s1 = section(body, 1, "Title & \"more\"");
  newsdoc_node *p = tu_add(s1, NEWSDOC_NODE_PARAGRAPH);
  tu_text(p, "a ");
  tu_text(tu_add(p, NEWSDOC_NODE_EMPH), "b");
  tu_text(p, " ");
  tu_text(tu_add(p, NEWSDOC_NODE_STRONG), "c");
  tu_add(p, NEWSDOC_NODE_SOFT_BREAK);
  newsdoc_node *a = tu_add(p, NEWSDOC_NODE_LINK);
  cr_assert_eq(newsdoc_node_set_url(a, "http://x.org/a b?q=1&r='2'"), 0);
  cr_assert_eq(newsdoc_node_set_title(a, "t\"t"), 0);
  tu_text(a, "link");
  tu_add(p, NEWSDOC_NODE_LINE_BREAK);
  newsdoc_node *code = tu_add(p, NEWSDOC_NODE_CODE);
  cr_assert_eq(newsdoc_node_set_literal(code, "<x>", 3), 0);
  newsdoc_node *img = tu_add(p, NEWSDOC_NODE_IMAGE);
  cr_assert_eq(newsdoc_node_set_url(img, "/u.png"), 0);
  cr_assert_eq(newsdoc_node_set_title(img, "alt"), 0);
  newsdoc_node *s2 = section(s1, 2, "Sub");
  newsdoc_node *ul = tu_add(s2, NEWSDOC_NODE_LIST);
  para(tu_add(ul, NEWSDOC_NODE_ITEM), "one");
  para(tu_add(ul, NEWSDOC_NODE_ITEM), "two");
  newsdoc_node *ol = tu_add(s2, NEWSDOC_NODE_LIST);
  newsdoc_node_set_list_type(ol, NEWSDOC_LIST_ORDERED);
  newsdoc_node_set_list_start(ol, 3);
  newsdoc_node_set_list_tight(ol, 0);
  para(tu_add(ol, NEWSDOC_NODE_ITEM), "x");
  newsdoc_node *q = tu_add(s2, NEWSDOC_NODE_BLOCKQUOTE);
  para(q, "quoted");
  newsdoc_node *cb = tu_add(s2, NEWSDOC_NODE_CODE_BLOCK);
  newsdoc_node_set_literal(cb, "if (a < b)\n", 11);
  newsdoc_node_set_info(cb, "c extra");
  tu_add(s2, NEWSDOC_NODE_THEMATIC_BREAK);
  newsdoc_node *raw = tu_add(s2, NEWSDOC_NODE_RAW_BLOCK);
  newsdoc_node_set_literal(raw, "<div class=\"x\">raw</div>", 24);
  newsdoc_node_set_info(raw, "html");
  char *h = write_html(d, FRAG);
  const char *want =
    "<h1>Title &amp; &quot;more&quot;</h1>\n"
    "<p>a <em>b</em> <strong>c</strong>\n"
    "<a href=\"http://x.org/a%20b?q=1&amp;r=&#x27;2&#x27;\" title=\"t&quot;t\">link</a><br />\n"
    "<code>&lt;x&gt;</code><img src=\"/u.png\" alt=\"alt\" /></p>\n"
    "<h2>Sub</h2>\n"
    "<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n"
    "<ol start=\"3\">\n<li>\n<p>x</p>\n</li>\n</ol>\n"
    "<blockquote>\n<p>quoted</p>\n</blockquote>\n"
    "<pre><code class=\"language-c\">if (a &lt; b)\n</code></pre>\n"
    "<hr />\n"
    "<div class=\"x\">raw</div>\n";
  cr_assert_str_eq(h, want);
  free(h);
  newsdoc_doc_free(d);
}

Test(html_writer, escaping_drops_forbidden_characters) {
  newsdoc_doc *d;
  newsdoc_doc_new(&d);
  para(newsdoc_doc_root(d), "a\x01" "b\xEF\xBF\xBE" "c\x7F" "d <&> \xE2\x80\x8C");
  char *h = write_html(d, FRAG);
  cr_assert_str_eq(h, "<p>abcd &lt;&amp;&gt; \xE2\x80\x8C</p>\n");
  free(h);
  newsdoc_doc_free(d);
}

Test(html_writer, unsafe_links_are_text) {
  newsdoc_doc *d;
  newsdoc_doc_new(&d);
  const char *bad[] = {"javascript:alert(1)", " JaVa\tScript:alert(1)", "vbscript:x", "file:///etc/passwd",
                       "data:text/html,<script>", "data:image/svg+xml;base64,AAAA"};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    newsdoc_node *p = tu_add(newsdoc_doc_root(d), NEWSDOC_NODE_PARAGRAPH);
    newsdoc_node *a = tu_add(p, NEWSDOC_NODE_LINK);
    newsdoc_node_set_url(a, bad[i]);
    tu_text(a, "click");
  }
  newsdoc_node *p = tu_add(newsdoc_doc_root(d), NEWSDOC_NODE_PARAGRAPH);
  newsdoc_node *a = tu_add(p, NEWSDOC_NODE_LINK);
  newsdoc_node_set_url(a, "data:image/png;base64,iVBO");
  tu_text(a, "ok");
  g_warnings = 0;
  char *h = write_html(d, FRAG);
  cr_assert_null(strstr(h, "script:"), "%s", h);
  cr_assert_null(strstr(h, "file:"), "%s", h);
  cr_assert_null(strstr(h, "data:text"), "%s", h);
  cr_assert_null(strstr(h, "svg"), "%s", h);
  cr_assert(strstr(h, "<p>click</p>\n<p>click</p>"), "%s", h);
  cr_assert(strstr(h, "<a href=\"data:image/png;base64,iVBO\">ok</a>"), "%s", h);
  cr_assert_eq(g_warnings, 6);
  free(h);
  newsdoc_doc_free(d);
}

static newsdoc_doc *arabic_doc(void) {
  newsdoc_doc *d;
  newsdoc_doc_new(&d);
  newsdoc_meta_set(d, "title", "عنوان المقال", strlen("عنوان المقال"));
  newsdoc_meta_set(d, "lang", "ar", 2);
  newsdoc_meta_add(d, "author", "محمد", strlen("محمد"));
  newsdoc_meta_set(d, "byline", "بقلم محمد", strlen("بقلم محمد"));
  newsdoc_meta_set(d, "date", "2025-05-12", 10);
  newsdoc_meta_set(d, "description", "وصف", strlen("وصف"));
  newsdoc_meta_add(d, "keyword", "موريتانيا", strlen("موريتانيا"));
  newsdoc_meta_add(d, "keyword", "أمن", strlen("أمن"));
  newsdoc_node *body = newsdoc_doc_root(d);
  para(body, "قال Barack Obama في 2024 إن التعاون مهم.");
  para(body, "The United States Africa Command said on Monday that training continues.");
  newsdoc_node *s = section(body, 1, "خلفية");
  newsdoc_node *p = para(s, "نص مع حاشية");
  newsdoc_node *note = tu_add(p, NEWSDOC_NODE_NOTE);
  para(note, "الحاشية الأولى");
  newsdoc_node *sp = tu_add(p, NEWSDOC_NODE_SPAN);
  newsdoc_node_set_lang(sp, "en");
  newsdoc_node_set_dir(sp, NEWSDOC_DIR_LTR);
  tu_text(sp, "AFRICOM");
  section(s, 2, "تدريب");
  return d;
}

Test(html_writer, standalone_rtl_page) {
  newsdoc_doc *d = arabic_doc();
  char *h = write_html(d, NULL);
  cr_assert(!strncmp(h, "<!DOCTYPE html>\n<html lang=\"ar\" dir=\"rtl\">\n<head>\n<meta charset=\"utf-8\" />", 67), "%.200s", h);
  cr_assert(strstr(h, "<title>عنوان المقال</title>"));
  cr_assert(strstr(h, "<meta name=\"author\" content=\"محمد\" />"));
  cr_assert(strstr(h, "<meta name=\"keywords\" content=\"موريتانيا, أمن\" />"));
  cr_assert(strstr(h, "<meta property=\"article:published_time\" content=\"2025-05-12\" />"));
  cr_assert(strstr(h, "<header>\n<h1>عنوان المقال</h1>\n<p class=\"byline\">بقلم محمد</p>\n"
                      "<p class=\"dateline\"><time datetime=\"2025-05-12\">2025-05-12</time></p>\n</header>"), "%s", h);
  /* the LTR island is isolated, numbers included; English paragraph is ltr */
  cr_assert(strstr(h, "<p>قال <bdi>Barack Obama</bdi> في 2024 إن التعاون مهم.</p>"), "%s", h);
  cr_assert(strstr(h, "<p dir=\"ltr\">The United States Africa Command said on Monday that training continues.</p>"), "%s", h);
  cr_assert(strstr(h, "<section>\n<h2>خلفية</h2>"), "%s", h);
  cr_assert(strstr(h, "<section>\n<h3>تدريب</h3>\n</section>\n</section>"), "%s", h);
  cr_assert(strstr(h, "<span lang=\"en\" dir=\"ltr\">AFRICOM</span>"), "%s", h);
  /* notes: links both ways */
  cr_assert(strstr(h, "<a href=\"#fn-1\" id=\"fnref-1\" role=\"doc-noteref\">1</a>"), "%s", h);
  cr_assert(strstr(h, "<li id=\"fn-1\">\n<p>الحاشية الأولى <a href=\"#fnref-1\""), "%s", h);
  /* built-in CSS: logical properties only */
  char *css = strstr(h, "<style>");
  cr_assert(css);
  char *css_end = strstr(css, "</style>");
  cr_assert(css_end);
  *css_end = 0;
  cr_assert(strstr(css, "margin-inline-start") || strstr(css, "padding-inline-start"));
  cr_assert(strstr(css, "text-align: start"));
  cr_assert_null(strstr(css, "left"), "physical property in the stylesheet");
  cr_assert_null(strstr(css, "right"), "physical property in the stylesheet");
  free(h);
  newsdoc_doc_free(d);
}

Test(html_writer, css_and_media_options) {
  newsdoc_doc *d = arabic_doc();
  const unsigned char png[] = {0x89, 'P', 'N', 'G', 13, 10, 26, 10};
  cr_assert_eq(newsdoc_media_add(d, "pic.png", "image/png", png, sizeof png), 0);
  newsdoc_node *fig = tu_add(newsdoc_doc_root(d), NEWSDOC_NODE_FIGURE);
  newsdoc_node_set_url(fig, "media:pic.png");
  newsdoc_node_set_title(fig, "صورة");
  tu_text(tu_add(fig, NEWSDOC_NODE_CAPTION), "تعليق");
  char *h = write_html(d, NULL);
  cr_assert(strstr(h, "<figure>\n<img src=\"data:image/png;base64,iVBORw0KGgo=\" alt=\"صورة\" />\n"
                      "<figcaption>تعليق</figcaption>\n</figure>"), "%s", h);
  free(h);
  const char *const opts[] = {"embed-media=0", "css=site.css", NULL};
  h = write_html(d, opts);
  cr_assert(strstr(h, "<img src=\"media/pic.png\""));
  cr_assert(strstr(h, "<link rel=\"stylesheet\" href=\"site.css\" />"));
  cr_assert_null(strstr(h, "<style>"));
  free(h);
  const char *const none[] = {"css=none", NULL};
  h = write_html(d, none);
  cr_assert_null(strstr(h, "<style>"));
  cr_assert_null(strstr(h, "stylesheet"));
  free(h);
  newsdoc_doc_free(d);
}

Test(html_writer, table_alignment_and_head) {
  newsdoc_doc *d;
  newsdoc_doc_new(&d);
  newsdoc_meta_set(d, "dir", "rtl", 3);
  newsdoc_node *t = tu_add(newsdoc_doc_root(d), NEWSDOC_NODE_TABLE);
  newsdoc_align al[2] = {NEWSDOC_ALIGN_START, NEWSDOC_ALIGN_END};
  newsdoc_node_set_column_aligns(t, al, 2);
  newsdoc_node *r1 = tu_add(t, NEWSDOC_NODE_TABLE_ROW);
  newsdoc_node_set_header(r1, 1);
  tu_text(tu_add(r1, NEWSDOC_NODE_TABLE_CELL), "أ");
  tu_text(tu_add(r1, NEWSDOC_NODE_TABLE_CELL), "ب");
  newsdoc_node *r2 = tu_add(t, NEWSDOC_NODE_TABLE_ROW);
  tu_text(tu_add(r2, NEWSDOC_NODE_TABLE_CELL), "1");
  tu_text(tu_add(r2, NEWSDOC_NODE_TABLE_CELL), "2");
  char *h = write_html(d, FRAG);
  cr_assert_str_eq(h, "<table>\n<thead>\n<tr>\n<th align=\"right\">أ</th>\n<th align=\"left\">ب</th>\n</tr>\n</thead>\n"
                      "<tbody>\n<tr>\n<td align=\"right\">1</td>\n<td align=\"left\">2</td>\n</tr>\n</tbody>\n</table>\n");
  free(h);
  h = write_html(d, NULL);
  cr_assert(strstr(h, "<th style=\"text-align: start\">أ</th>"), "%s", h);
  cr_assert(strstr(h, "<td style=\"text-align: end\">2</td>"), "%s", h);
  free(h);
  newsdoc_doc_free(d);
}

Test(html_writer, xhtml_is_well_formed_shape) {
  newsdoc_doc *d = arabic_doc();
  para(newsdoc_doc_root(d), "line");
  tu_add(newsdoc_node_last_child(newsdoc_doc_root(d)), NEWSDOC_NODE_LINE_BREAK);
  const char *const x[] = {"xhtml=1", NULL};
  char *h = write_html(d, x);
  cr_assert(!strncmp(h, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\"", 95), "%.200s", h);
  cr_assert(strstr(h, "xml:lang=\"ar\""));
  cr_assert(strstr(h, "epub:type=\"noteref\""));
  cr_assert_null(strstr(h, "<br>"));
  cr_assert_null(strstr(h, "<meta charset=\"utf-8\">"));
  free(h);
  newsdoc_doc_free(d);
}

Test(html_writer, rtl_run_inside_ltr_text) {
  newsdoc_doc *d;
  newsdoc_doc_new(&d);
  newsdoc_meta_set(d, "lang", "en", 2);
  newsdoc_meta_set(d, "dir", "ltr", 3);
  para(newsdoc_doc_root(d), "The word سلام عليكم 2 means peace.");
  char *h = write_html(d, FRAG);
  cr_assert_str_eq(h, "<p>The word <bdi>سلام عليكم 2</bdi> means peace.</p>\n");
  free(h);
  newsdoc_doc_free(d);
}

Test(html_writer, isolated_runs_take_their_numbers_only) {
  newsdoc_doc *d;
  newsdoc_doc_new(&d);
  newsdoc_meta_set(d, "dir", "rtl", 3);
  para(newsdoc_doc_root(d), "هاتف iPhone 15 جديد");
  para(newsdoc_doc_root(d), "قال Obama، 2024 عام");
  para(newsdoc_doc_root(d), "بلغ GDP 1,000.5 مليار");
  para(newsdoc_doc_root(d), "قال الرئيس محمد: \"Hello, world!\" ثم غادر");
  char *h = write_html(d, FRAG);
  cr_assert_str_eq(h, "<p>هاتف <bdi>iPhone 15</bdi> جديد</p>\n"
                      "<p>قال <bdi>Obama</bdi>، 2024 عام</p>\n"
                      "<p>بلغ <bdi>GDP 1,000.5</bdi> مليار</p>\n"
                      "<p>قال الرئيس محمد: &quot;<bdi>Hello, world</bdi>!&quot; ثم غادر</p>\n");
  free(h);
  newsdoc_doc_free(d);
}

/* A large page goes to the sink as it is made (the writer keeps only a
 * tail): the output is the same as when it fits, footnotes whose backlink
 * goes inside the last </p> included, and limits still hold. */
static newsdoc_doc *page_with_note(size_t nparas) {
  newsdoc_doc *d = NULL;
  cr_assert_eq(newsdoc_doc_new(&d), 0);
  cr_assert_eq(newsdoc_meta_set(d, NEWSDOC_META_TITLE, "عنوان", strlen("عنوان")), 0);
  cr_assert_eq(newsdoc_meta_set(d, NEWSDOC_META_LANG, "ar", 2), 0);
  newsdoc_node *body = newsdoc_doc_root(d);
  for (size_t i = 0; i < nparas; i++) para(body, "فقرة طويلة من النص العربي، مع English words كذلك.");
  newsdoc_node *p = para(body, "آخر فقرة");
  newsdoc_node *note = tu_add(p, NEWSDOC_NODE_NOTE);
  para(note, "حاشية أولى");
  para(note, "حاشية ثانية");
  return d;
}

typedef struct nd_test_buf {
  char *p;
  size_t len;
  int calls;
} nd_test_buf;

static int collect(const void *data, size_t len, void *ud) {
  nd_test_buf *b = ud;
  b->p = realloc(b->p, b->len + len + 1);
  memcpy(b->p + b->len, data, len);
  b->len += len;
  b->calls++;
  return 0;
}

Test(html_writer, large_page_streams_with_the_same_bytes) {
  newsdoc_doc *small = page_with_note(1), *big = page_with_note(20000);
  char *s = NULL, *b = NULL;
  size_t sl = 0, bl = 0;
  cr_assert_eq(newsdoc_write(small, "html", NULL, &s, &sl), 0);
  cr_assert_eq(newsdoc_write(big, "html", NULL, &b, &bl), 0);
  cr_assert_gt(bl, 1u << 20);
  /* the same head and the same end (the last paragraph and the notes) */
  const char *sb = strstr(s, "<p>فقرة طويلة"), *bb = strstr(b, "<p>فقرة طويلة");
  cr_assert(sb && bb);
  cr_assert_eq(sb - s, bb - b);
  cr_assert_eq(memcmp(s, b, (size_t)(sb - s)), 0, "the heads differ");
  const char *st = strstr(s, "<p>آخر فقرة"), *bt = strstr(b, "<p>آخر فقرة");
  cr_assert(st && bt);
  cr_assert_str_eq(st, bt);
  cr_assert(strstr(bt, "حاشية ثانية <a href=\"#fnref-1\""), "backlink not inside the last paragraph: %s", bt);
  /* streamed to a callback in pieces, byte for byte the same */
  nd_test_buf cb = {NULL, 0, 0};
  cr_assert_eq(newsdoc_write_callback(big, "html", collect, &cb, NULL), 0);
  cr_assert_gt(cb.calls, 1, "not streamed");
  cr_assert_eq(cb.len, bl);
  cr_assert_eq(memcmp(cb.p, b, bl), 0);
  /* the output limit still holds */
  newsdoc_options *o;
  newsdoc_options_new(&o);
  newsdoc_options_set(o, "max-output-size", "500000");
  char *x = NULL;
  size_t xl = 0;
  cr_assert_eq(newsdoc_write(big, "html", o, &x, &xl), NEWSDOC_ELIMIT_SIZE);
  cr_assert_null(x);
  newsdoc_options_free(o);
  free(cb.p);
  newsdoc_free(s);
  newsdoc_free(b);
  newsdoc_doc_free(small);
  newsdoc_doc_free(big);
}
