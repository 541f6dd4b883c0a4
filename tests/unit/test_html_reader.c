/* The html reader: our own output reads back to the same model (and the
 * same HTML), direction and language from the page, decoding, what is not
 * content, hostile input.  Linked against the static library (see
 * tests/html/tests.cmake) to call nd_html_parse_into() for XHTML. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <time.h>

#include "internal.h"
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

static void meta(newsdoc_doc *d, const char *k, const char *v) { cr_assert_eq(newsdoc_meta_add(d, k, v, strlen(v)), 0); }

/* An Arabic article using every kind of node the html writer knows. */
static newsdoc_doc *rich_doc(void) {
  newsdoc_doc *d;
  cr_assert_eq(newsdoc_doc_new(&d), 0);
  meta(d, "title", "التعاون العسكري بين موريتانيا والولايات المتحدة");
  meta(d, "subtitle", "قراءة في 2024–2025");
  meta(d, "byline", "بقلم محمد عبد الرحمن");
  meta(d, "author", "محمد عبد الرحمن");
  meta(d, "date", "2025-05-12");
  meta(d, "lang", "ar");
  meta(d, "dir", "rtl");
  meta(d, "description", "وصف قصير");
  meta(d, "keyword", "موريتانيا");
  meta(d, "keyword", "أمن");
  meta(d, "source-url", "https://example.org/a?b=1&c=2");
  meta(d, "x-custom", "قيمة");
  const unsigned char png[] = {0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0, 0, 13};
  cr_assert_eq(newsdoc_media_add(d, "pic.png", "image/png", png, sizeof png), 0);
  newsdoc_node *body = newsdoc_doc_root(d);
  newsdoc_node *p = para(body, "قال Barack Obama في 2024 إن \"التعاون\" مهم & <ضروري>.");
  tu_add(p, NEWSDOC_NODE_SOFT_BREAK);
  tu_text(tu_add(p, NEWSDOC_NODE_EMPH), "مائل");
  tu_text(p, " و");
  tu_text(tu_add(p, NEWSDOC_NODE_STRONG), "عريض");
  tu_add(p, NEWSDOC_NODE_LINE_BREAK);
  newsdoc_node *a = tu_add(p, NEWSDOC_NODE_LINK);
  newsdoc_node_set_url(a, "https://example.org/رابط?x=1");
  newsdoc_node_set_title(a, "عنوان");
  tu_text(a, "رابط");
  tu_text(p, " ");
  newsdoc_node *code = tu_add(p, NEWSDOC_NODE_CODE);
  newsdoc_node_set_literal(code, "a<b", 3);
  tu_text(p, " ");
  newsdoc_node *q = tu_add(p, NEWSDOC_NODE_QUOTED);
  tu_text(q, "اقتباس");
  newsdoc_node *sp = tu_add(p, NEWSDOC_NODE_SPAN);
  newsdoc_node_set_lang(sp, "en");
  newsdoc_node_set_dir(sp, NEWSDOC_DIR_LTR);
  tu_text(sp, "AFRICOM HQ");
  para(body, "The United States Africa Command said on Monday that training continues.");
  newsdoc_node *zw = para(body, "می\xE2\x80\x8Cخواهم ۱۲۳ و 456");
  newsdoc_node_set_lang(zw, "fa");
  newsdoc_node *s1 = section(body, 1, "خلفية التعاون");
  newsdoc_node *np = para(s1, "نص مع حاشية");
  newsdoc_node *note = tu_add(np, NEWSDOC_NODE_NOTE);
  para(note, "الحاشية الأولى");
  para(note, "فقرة ثانية في الحاشية");
  newsdoc_node *ul = tu_add(s1, NEWSDOC_NODE_LIST);
  para(tu_add(ul, NEWSDOC_NODE_ITEM), "أولا");
  para(tu_add(ul, NEWSDOC_NODE_ITEM), "Second item in English");
  newsdoc_node *ol = tu_add(s1, NEWSDOC_NODE_LIST);
  newsdoc_node_set_list_type(ol, NEWSDOC_LIST_ORDERED);
  newsdoc_node_set_list_start(ol, 4);
  newsdoc_node_set_list_tight(ol, 0);
  newsdoc_node *it = tu_add(ol, NEWSDOC_NODE_ITEM);
  para(it, "بند");
  para(it, "فقرة ثانية");
  newsdoc_node *bq = tu_add(s1, NEWSDOC_NODE_BLOCKQUOTE);
  para(bq, "قول مأثور");
  newsdoc_node *s2 = section(s1, 2, "تدريب القوات");
  newsdoc_node_set_id(s2, "training");
  newsdoc_node *t = tu_add(s2, NEWSDOC_NODE_TABLE);
  newsdoc_align al[2] = {NEWSDOC_ALIGN_START, NEWSDOC_ALIGN_CENTER};
  newsdoc_node_set_column_aligns(t, al, 2);
  newsdoc_node *r1 = tu_add(t, NEWSDOC_NODE_TABLE_ROW);
  newsdoc_node_set_header(r1, 1);
  tu_text(tu_add(r1, NEWSDOC_NODE_TABLE_CELL), "السنة");
  tu_text(tu_add(r1, NEWSDOC_NODE_TABLE_CELL), "العدد");
  newsdoc_node *r2 = tu_add(t, NEWSDOC_NODE_TABLE_ROW);
  tu_text(tu_add(r2, NEWSDOC_NODE_TABLE_CELL), "2024");
  newsdoc_node *c2 = tu_add(r2, NEWSDOC_NODE_TABLE_CELL);
  newsdoc_node_set_spans(c2, 2, 1);
  tu_text(c2, "12");
  newsdoc_node *fig = tu_add(s2, NEWSDOC_NODE_FIGURE);
  newsdoc_node_set_url(fig, "media:pic.png");
  newsdoc_node_set_title(fig, "صورة");
  tu_text(tu_add(fig, NEWSDOC_NODE_CAPTION), "تعليق الصورة");
  newsdoc_node *cb = tu_add(s2, NEWSDOC_NODE_CODE_BLOCK);
  newsdoc_node_set_literal(cb, "x = 1 < 2\n  y\n", 14);
  newsdoc_node_set_info(cb, "python");
  tu_add(s2, NEWSDOC_NODE_THEMATIC_BREAK);
  newsdoc_node *s3 = section(body, 1, "English section");
  newsdoc_node_set_dir(s3, NEWSDOC_DIR_LTR);
  newsdoc_node_set_lang(s3, "en");
  para(s3, "A paragraph in the English section, with عربي inside.");
  return d;
}

static char *write_opts(const newsdoc_doc *d, const char *key, const char *value) {
  newsdoc_options *o = NULL;
  cr_assert_eq(newsdoc_options_new(&o), 0);
  if (key) cr_assert_eq(newsdoc_options_set(o, key, value), 0);
  char *out = NULL;
  size_t len;
  cr_assert_eq(newsdoc_write(d, "html", o, &out, &len), 0, "%s", newsdoc_error_last()->message);
  newsdoc_options_free(o);
  char *copy = strdup(out);
  newsdoc_free(out);
  return copy;
}

static newsdoc_doc *read_html(const char *s, size_t len) {
  newsdoc_doc *d = NULL;
  int rc = newsdoc_read(&d, s, len, "html", NULL, NULL);
  cr_assert_eq(rc, 0, "read failed: %s", newsdoc_error_last()->message);
  return d;
}

static void roundtrip(const char *key, const char *value) {
  newsdoc_doc *d = rich_doc();
  char *h1 = write_opts(d, key, value);
  newsdoc_doc *d2 = read_html(h1, strlen(h1));
  char *h2 = write_opts(d2, key, value);
  if (strcmp(h1, h2)) {
    size_t i = 0;
    while (h1[i] && h1[i] == h2[i]) i++;
    size_t from = i > 120 ? i - 120 : 0;
    cr_assert_fail("html -> model -> html differs at byte %zu:\nfirst:  %.240s\nsecond: %.240s", i, h1 + from, h2 + from);
  }
  /* and the model agrees with the original on what matters */
  char *j1 = tu_json(d), *j2 = tu_json(d2);
  cr_assert(j1 && j2);
  char *o1 = tu_outline(d), *o2 = tu_outline(d2);
  if (key && !strcmp(key, "fragment")) {
    /* a fragment carries no metadata: compare from the first block on */
    char *b1 = strstr(o1, "\nP"), *b2 = strstr(o2, "\nP");
    cr_assert(b1 && b2);
    cr_assert_str_eq(b2, b1);
  } else {
    cr_assert_str_eq(o2, o1);
  }
  free(o1);
  free(o2);
  free(j1);
  free(j2);
  free(h1);
  free(h2);
  newsdoc_doc_free(d);
  newsdoc_doc_free(d2);
}

Test(html_reader, standalone_roundtrip_is_identical) { roundtrip(NULL, NULL); }
Test(html_reader, fragment_roundtrip_is_identical) { roundtrip("fragment", "1"); }
Test(html_reader, xhtml_roundtrip_is_identical) { roundtrip("xhtml", "1"); }

Test(html_reader, roundtrip_keeps_direction_language_and_notes) {
  newsdoc_doc *d = rich_doc();
  char *h = write_opts(d, NULL, NULL);
  newsdoc_doc *d2 = read_html(h, strlen(h));
  cr_assert_str_eq(newsdoc_meta_get(d2, "lang"), "ar");
  cr_assert_str_eq(newsdoc_meta_get(d2, "dir"), "rtl");
  cr_assert_str_eq(newsdoc_meta_get(d2, "title"), "التعاون العسكري بين موريتانيا والولايات المتحدة");
  cr_assert_str_eq(newsdoc_meta_get(d2, "byline"), "بقلم محمد عبد الرحمن");
  cr_assert_str_eq(newsdoc_meta_get(d2, "subtitle"), "قراءة في 2024–2025");
  cr_assert_str_eq(newsdoc_meta_get(d2, "date"), "2025-05-12");
  cr_assert_str_eq(newsdoc_meta_get(d2, "x-custom"), "قيمة");
  cr_assert_eq(newsdoc_meta_count(d2, "keyword"), 2);
  newsdoc_node *body = newsdoc_doc_root(d2);
  newsdoc_node *p1 = newsdoc_node_first_child(body);
  newsdoc_node *p2 = newsdoc_node_next(p1);
  newsdoc_node *p3 = newsdoc_node_next(p2);
  cr_assert_eq(newsdoc_node_get_dir(p1), NEWSDOC_DIR_UNSET);
  cr_assert_eq(newsdoc_node_get_dir(p2), NEWSDOC_DIR_LTR, "the English paragraph keeps ltr");
  cr_assert_str_eq(newsdoc_node_get_lang(p3), "fa");
  char *t3;
  newsdoc_node_text(p3, &t3, NULL);
  cr_assert_str_eq(t3, "می\xE2\x80\x8Cخواهم ۱۲۳ و 456", "ZWNJ and digits kept");
  newsdoc_free(t3);
  /* the first paragraph's text: the LTR island came back as plain text */
  char *t1;
  newsdoc_node_text(p1, &t1, NULL);
  cr_assert(strstr(t1, "قال Barack Obama في 2024 إن \"التعاون\" مهم & <ضروري>."), "%s", t1);
  newsdoc_free(t1);
  /* the span with lang/dir */
  int found_span = 0, found_note = 0;
  newsdoc_iter *it;
  newsdoc_iter_new(&it, body);
  while (newsdoc_iter_next(it) != NEWSDOC_EVENT_DONE) {
    newsdoc_node *n = newsdoc_iter_node(it);
    if (newsdoc_iter_event(it) != NEWSDOC_EVENT_ENTER) continue;
    if (newsdoc_node_get_type(n) == NEWSDOC_NODE_SPAN) {
      found_span = 1;
      cr_assert_str_eq(newsdoc_node_get_lang(n), "en");
      cr_assert_eq(newsdoc_node_get_dir(n), NEWSDOC_DIR_LTR);
    }
    if (newsdoc_node_get_type(n) == NEWSDOC_NODE_NOTE) {
      found_note = 1;
      cr_assert_eq(newsdoc_node_child_count(n), 2, "the note's two paragraphs");
    }
    if (newsdoc_node_get_type(n) == NEWSDOC_NODE_SECTION && newsdoc_node_get_dir(n) == NEWSDOC_DIR_LTR)
      cr_assert_str_eq(newsdoc_node_get_lang(n), "en");
  }
  newsdoc_iter_free(it);
  cr_assert(found_span && found_note);
  cr_assert_eq(newsdoc_media_count(d2), 1, "the data: image came back as media");
  free(h);
  newsdoc_doc_free(d);
  newsdoc_doc_free(d2);
}

Test(html_reader, direction_from_the_nearest_ancestor) {
  const char *pages[] = {
    "<!DOCTYPE html><html dir=\"ltr\"><body dir=\"rtl\"><article><p>Lorem ipsum dolor.</p></article></body></html>",
    "<!DOCTYPE html><html><body><main dir=\"rtl\"><p>Lorem ipsum dolor.</p></main></body></html>",
    "<!DOCTYPE html><html lang=\"ar\"><body><p>نص عربي</p></body></html>",
    "<!DOCTYPE html><html><body><p>هذا نص عربي طويل بما يكفي لمعرفة الاتجاه.</p></body></html>",
  };
  for (size_t i = 0; i < sizeof pages / sizeof *pages; i++) {
    newsdoc_doc *d = read_html(pages[i], strlen(pages[i]));
    cr_assert_str_eq(newsdoc_meta_get(d, "dir") ? newsdoc_meta_get(d, "dir") : "(none)", "rtl", "page %zu", i);
    newsdoc_doc_free(d);
  }
  const char *mixed = "<!DOCTYPE html><html lang=\"ar\" dir=\"rtl\"><body><p>عربي</p>"
                      "<p dir=\"ltr\" lang=\"en\">English <span dir=\"rtl\" lang=\"ar\">عربي</span> text</p></body></html>";
  newsdoc_doc *d = read_html(mixed, strlen(mixed));
  newsdoc_node *p2 = newsdoc_node_next(newsdoc_node_first_child(newsdoc_doc_root(d)));
  cr_assert_eq(newsdoc_node_get_dir(p2), NEWSDOC_DIR_LTR);
  cr_assert_str_eq(newsdoc_node_get_lang(p2), "en");
  newsdoc_node *span = newsdoc_node_next(newsdoc_node_first_child(p2));
  cr_assert_eq(newsdoc_node_get_type(span), NEWSDOC_NODE_SPAN);
  cr_assert_eq(newsdoc_node_get_dir(span), NEWSDOC_DIR_RTL);
  newsdoc_doc_free(d);
}

Test(html_reader, legacy_charset_from_meta) {
  /* "مرحبا" in windows-1256 */
  const char page[] = "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1256\">"
                      "<title>t</title></head><body><p>\xE3\xD1\xCD\xC8\xC7</p></body></html>";
  newsdoc_doc *d = read_html(page, sizeof page - 1);
  char *t;
  newsdoc_node_text(newsdoc_doc_root(d), &t, NULL);
  cr_assert_str_eq(t, "مرحبا");
  newsdoc_free(t);
  newsdoc_doc_free(d);
}

Test(html_reader, not_content) {
  const char page[] = "<!DOCTYPE html><html><head><title>T</title><style>p{}</style></head><body>"
                      "<nav><a href=\"/\">Home</a></nav><script>alert(1)</script><!-- comment -->"
                      "<form><button>Send</button></form><svg><text>svg</text></svg>"
                      "<p>Real <a href=\"javascript:alert(1)\">text</a> here.</p><noscript>ns</noscript>"
                      "<iframe src=\"x\">if</iframe></body></html>";
  newsdoc_doc *d = read_html(page, sizeof page - 1);
  char *t;
  newsdoc_node_text(newsdoc_doc_root(d), &t, NULL);
  cr_assert_str_eq(t, "Real text here.");
  newsdoc_free(t);
  newsdoc_node *p = newsdoc_node_first_child(newsdoc_doc_root(d));
  for (newsdoc_node *c = newsdoc_node_first_child(p); c; c = newsdoc_node_next(c))
    cr_assert_neq(newsdoc_node_get_type(c), NEWSDOC_NODE_LINK, "a javascript: link stayed live");
  newsdoc_doc_free(d);
}

Test(html_reader, fragment_headings_are_sections) {
  const char frag[] = "<h1>One</h1>\n<p>a</p>\n<h2>Two</h2>\n<ul>\n<li>x</li>\n<li>y</li>\n</ul>\n";
  newsdoc_doc *d = read_html(frag, sizeof frag - 1);
  cr_assert_null(newsdoc_meta_get(d, "title"), "a fragment's h1 is a section, not the title");
  newsdoc_node *s = newsdoc_node_first_child(newsdoc_doc_root(d));
  cr_assert_eq(newsdoc_node_get_type(s), NEWSDOC_NODE_SECTION);
  cr_assert_eq(newsdoc_node_get_level(s), 1);
  newsdoc_node *s2 = newsdoc_node_last_child(s);
  cr_assert_eq(newsdoc_node_get_level(s2), 2);
  newsdoc_node *list = newsdoc_node_last_child(s2);
  cr_assert_eq(newsdoc_node_get_type(list), NEWSDOC_NODE_LIST);
  cr_assert(newsdoc_node_get_list_tight(list));
  newsdoc_doc_free(d);
}

static int read_rc(const char *s, size_t len, const char *key, const char *value) {
  newsdoc_options *o = NULL;
  newsdoc_options_new(&o);
  if (key) newsdoc_options_set(o, key, value);
  newsdoc_doc *d = NULL;
  int rc = newsdoc_read(&d, s, len, "html", NULL, o);
  newsdoc_doc_free(d);
  newsdoc_options_free(o);
  return rc;
}

Test(html_reader, hostile_nesting_and_attributes) {
  /* 100000 nested elements: a depth error, not a crash */
  size_t n = 100000;
  char *deep = malloc(n * 5 + 64);
  size_t k = 0;
  k += (size_t)sprintf(deep, "<html><body>");
  for (size_t i = 0; i < n; i++) { memcpy(deep + k, "<div>", 5); k += 5; }
  int rc = read_rc(deep, k, NULL, NULL);
  cr_assert_eq(rc, NEWSDOC_ELIMIT_DEPTH, "rc %d: %s", rc, newsdoc_error_last()->message);
  cr_assert(strstr(newsdoc_error_last()->message, "html"), "%s", newsdoc_error_last()->message);
  k = 0;
  k += (size_t)sprintf(deep, "<html><body>");
  for (size_t i = 0; i < n; i++) { memcpy(deep + k, "<em>", 4); k += 4; }
  rc = read_rc(deep, k, NULL, NULL);
  cr_assert_eq(rc, NEWSDOC_ELIMIT_DEPTH, "inline nesting: rc %d: %s", rc, newsdoc_error_last()->message);
  free(deep);
  /* an element with 5000 attributes */
  char *many = malloc(5000 * 16 + 64);
  k = (size_t)sprintf(many, "<p ");
  for (int i = 0; i < 5000; i++) k += (size_t)sprintf(many + k, "a%d=\"x\" ", i);
  k += (size_t)sprintf(many + k, ">x</p>");
  rc = read_rc(many, k, NULL, NULL);
  cr_assert_eq(rc, NEWSDOC_ELIMIT_COUNT, "rc %d: %s", rc, newsdoc_error_last()->message);
  free(many);
  /* node limit */
  const char lots[] = "<p>a</p><p>b</p><p>c</p><p>d</p><p>e</p><p>f</p>";
  cr_assert_eq(read_rc(lots, sizeof lots - 1, "max-nodes", "5"), NEWSDOC_ELIMIT_COUNT);
  cr_assert_eq(read_rc(lots, sizeof lots - 1, NULL, NULL), 0);
}

Test(html_reader, garbage_does_not_crash) {
  unsigned int seed = 12345;
  char buf[4096];
  static const char alphabet[] = "<>/=\"' abcpdivh1&;#x\xD8\xA7\xD9\x84\x00\xFF\n";
  size_t alen = sizeof alphabet - 1;
  for (int round = 0; round < 200; round++) {
    size_t len = (size_t)(rand_r(&seed) % sizeof buf);
    for (size_t i = 0; i < len; i++) buf[i] = alphabet[rand_r(&seed) % alen];
    newsdoc_doc *d = NULL;
    int rc = newsdoc_read(&d, buf, len, "html", NULL, NULL);
    cr_assert(rc == 0 || rc == NEWSDOC_EMALFORMED, "round %d: rc %d", round, rc);
    if (d) {
      char *out = NULL;
      size_t olen;
      cr_assert_eq(newsdoc_write(d, "html", NULL, &out, &olen), 0);
      newsdoc_free(out);
    }
    newsdoc_doc_free(d);
  }
}

Test(html_reader, xhtml_through_parse_into) {
  const char good[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE html>\n"
                      "<html xmlns=\"http://www.w3.org/1999/xhtml\" xmlns:epub=\"http://www.idpf.org/2007/ops\" "
                      "xml:lang=\"he\" lang=\"he\" dir=\"rtl\"><head><title>כותרת</title></head><body>"
                      "<h1>פרק</h1><p>טקסט<a epub:type=\"noteref\" href=\"#n1\">1</a></p>"
                      "<aside epub:type=\"footnote\" id=\"n1\"><p>הערה</p></aside></body></html>";
  newsdoc_doc *d;
  newsdoc_doc_new(&d);
  newsdoc_ctx ctx;
  nd_ctx_init(&ctx, NULL, "epub", NULL);
  cr_assert_eq(nd_html_parse_into(d, newsdoc_doc_root(d), good, sizeof good - 1, 1, &ctx), 0, "%s",
               newsdoc_error_last()->message);
  cr_assert_str_eq(newsdoc_meta_get(d, "lang"), "he");
  cr_assert_str_eq(newsdoc_meta_get(d, "dir"), "rtl");
  newsdoc_node *s = newsdoc_node_first_child(newsdoc_doc_root(d));
  cr_assert_eq(newsdoc_node_get_type(s), NEWSDOC_NODE_SECTION, "XHTML h1: a section (chapters have no title header)");
  newsdoc_node *p = newsdoc_node_last_child(s);
  cr_assert_eq(newsdoc_node_get_type(newsdoc_node_last_child(p)), NEWSDOC_NODE_NOTE);
  cr_assert_eq(newsdoc_node_child_count(s), 2, "the aside is not content");
  newsdoc_doc_free(d);
  /* not well-formed; and an entity bomb is not expanded */
  const char bad[] = "<html xmlns=\"http://www.w3.org/1999/xhtml\"><body><p>x</body></html>";
  newsdoc_doc_new(&d);
  int rc = nd_html_parse_into(d, newsdoc_doc_root(d), bad, sizeof bad - 1, 1, &ctx);
  cr_assert_eq(rc, NEWSDOC_EMALFORMED);
  cr_assert(strstr(newsdoc_error_last()->message, "not well-formed"), "%s", newsdoc_error_last()->message);
  newsdoc_doc_free(d);
  const char bomb[] = "<?xml version=\"1.0\"?><!DOCTYPE html [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;\">"
                      "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;\"><!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;\">"
                      "<!ENTITY e SYSTEM \"file:///etc/passwd\">]>"
                      "<html xmlns=\"http://www.w3.org/1999/xhtml\"><body><p>&d;&e;</p></body></html>";
  newsdoc_doc_new(&d);
  rc = nd_html_parse_into(d, newsdoc_doc_root(d), bomb, sizeof bomb - 1, 1, &ctx);
  if (rc == 0) {
    char *t;
    newsdoc_node_text(newsdoc_doc_root(d), &t, NULL);
    cr_assert(strlen(t) < 100, "entities were expanded: %zu bytes", strlen(t));
    cr_assert_null(strstr(t, "root:"), "an external entity was loaded");
    newsdoc_free(t);
  }
  newsdoc_doc_free(d);
}

static int well_formed(const char *s) {
  xmlParserCtxtPtr c = xmlNewParserCtxt();
  xmlDocPtr d = xmlCtxtReadMemory(c, s, (int)strlen(s), NULL, "UTF-8", XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  int ok = d && c->wellFormed;
  xmlFreeDoc(d);
  xmlFreeParserCtxt(c);
  return ok;
}

Test(html_reader, output_is_well_formed_xml) {
  newsdoc_doc *d = rich_doc();
  /* raw HTML that is not XML: kept in HTML, left out of XHTML */
  newsdoc_node *raw = tu_add(newsdoc_doc_root(d), NEWSDOC_NODE_RAW_BLOCK);
  newsdoc_node_set_literal(raw, "<p>unclosed<br>", 15);
  newsdoc_node_set_info(raw, "html");
  char *x = write_opts(d, "xhtml", "1");
  cr_assert(well_formed(x), "XHTML output is not well-formed");
  cr_assert_null(strstr(x, "unclosed"));
  cr_assert_null(strstr(x, "data:"), "XHTML (EPUB) must not use data: URIs");
  free(x);
  newsdoc_node_free(raw);
  char *h = write_opts(d, NULL, NULL);
  cr_assert(well_formed(h), "standalone HTML is not well-formed XML");
  free(h);
  /* the renderer the EPUB writer calls: media as prefix + name */
  nd_buf b = ND_BUF_INIT;
  nd_html_opts o = {1, 0, 0, NULL, 0, "images/", 1, NULL};
  newsdoc_ctx ctx;
  nd_ctx_init(&ctx, NULL, "epub", NULL);
  cr_assert_eq(nd_html_render(d, &b, &o, &ctx), 0);
  nd_buf_putc(&b, 0);
  cr_assert(strstr(b.data, "<img src=\"images/pic.png\""), "%s", b.data);
  cr_assert(strstr(b.data, "xmlns=\"http://www.w3.org/1999/xhtml\""));
  cr_assert(well_formed(b.data));
  nd_buf_free(&b);
  newsdoc_doc_free(d);
}

static double notes_page_seconds(size_t n) {
  char *page = malloc(n * 120 + 256);
  size_t k = (size_t)sprintf(page, "<!DOCTYPE html><html><body><article><p>");
  for (size_t i = 0; i < n; i++) k += (size_t)sprintf(page + k, "w<sup><a href=\"#fn-%zu\">%zu</a></sup> ", i, i);
  k += (size_t)sprintf(page + k, "</p><section class=\"footnotes\"><ol>");
  for (size_t i = 0; i < n; i++) k += (size_t)sprintf(page + k, "<li id=\"fn-%zu\"><p>n%zu</p></li>", i, i);
  k += (size_t)sprintf(page + k, "</ol></section></article></body></html>");
  clock_t t0 = clock();
  newsdoc_doc *d = read_html(page, k);
  double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
  size_t notes = 0;
  newsdoc_node *p = newsdoc_node_first_child(newsdoc_doc_root(d));
  for (newsdoc_node *c = newsdoc_node_first_child(p); c; c = newsdoc_node_next(c))
    notes += newsdoc_node_get_type(c) == NEWSDOC_NODE_NOTE;
  newsdoc_doc_free(d);
  free(page);
  cr_assert_eq(notes, n);
  return secs;
}

Test(html_reader, many_notes_stay_fast) {
  /* four times the notes must not cost sixteen times the time */
  double t1 = notes_page_seconds(4000), t4 = notes_page_seconds(16000);
  cr_assert(t4 < 8 * t1 + 0.05, "4000 notes: %.3f s, 16000 notes: %.3f s (quadratic?)", t1, t4);
}

Test(html_reader, arabic_without_metadata_roundtrips) {
  newsdoc_doc *d;
  newsdoc_doc_new(&d);
  para(newsdoc_doc_root(d), "نص عربي بلا لغة ولا اتجاه في البيانات مع كلمة English واحدة.");
  char *h1 = write_opts(d, NULL, NULL);
  cr_assert(strstr(h1, "<html dir=\"rtl\">"), "%.300s", h1);
  newsdoc_doc *d2 = read_html(h1, strlen(h1));
  char *h2 = write_opts(d2, NULL, NULL);
  cr_assert_str_eq(h2, h1);
  free(h1);
  free(h2);
  newsdoc_doc_free(d);
  newsdoc_doc_free(d2);
}

Test(html_reader, other_sites_links_resolve_against_the_page) {
  const char page[] = "<!DOCTYPE html><html><head><link rel=\"canonical\" href=\"https://ex.org/a/b/c.html\"></head><body>"
                      "<nav><a href=\"/\">Home</a></nav><article><p>Read <a href=\"../x.html\">this</a> and "
                      "<a href=\"./y/z.html#f\">that</a> and <a href=\"#top\">top</a> and <a href=\"mailto:a@b\">mail</a>, "
                      "a long enough paragraph to be the article.</p>"
                      "<p><img src=\"data:image/gif;base64,R0lGODlhAQABAAAAACw=\" data-src=\"/img/p.jpg\" alt=\"p\"> "
                      "<img src=\"//cdn.ex.org/q.png\" alt=\"q\"> and more text in this second paragraph.</p>"
                      "</article></body></html>";
  newsdoc_doc *d = read_html(page, sizeof page - 1);
  const char *want[] = {"https://ex.org/a/x.html", "https://ex.org/a/b/y/z.html#f", "#top", "mailto:a@b",
                        "https://ex.org/img/p.jpg", "https://cdn.ex.org/q.png"};
  size_t k = 0;
  newsdoc_iter *it;
  newsdoc_iter_new(&it, newsdoc_doc_root(d));
  while (newsdoc_iter_next(it) != NEWSDOC_EVENT_DONE) {
    newsdoc_node *n = newsdoc_iter_node(it);
    newsdoc_node_type t = newsdoc_node_get_type(n);
    if (newsdoc_iter_event(it) != NEWSDOC_EVENT_ENTER || (t != NEWSDOC_NODE_LINK && t != NEWSDOC_NODE_IMAGE)) continue;
    cr_assert(k < 6);
    cr_assert_str_eq(newsdoc_node_get_url(n), want[k], "url %zu", k);
    k++;
  }
  newsdoc_iter_free(it);
  cr_assert_eq(k, 6);
  newsdoc_doc_free(d);
}

Test(html_reader, our_xhtml_through_parse_into_roundtrips) {
  newsdoc_doc *d = rich_doc();
  char *x1 = write_opts(d, "xhtml", "1");
  newsdoc_doc *d2;
  newsdoc_doc_new(&d2);
  newsdoc_ctx ctx;
  nd_ctx_init(&ctx, NULL, "epub", NULL);
  cr_assert_eq(nd_html_parse_into(d2, newsdoc_doc_root(d2), x1, strlen(x1), 1, &ctx), 0, "%s", newsdoc_error_last()->message);
  char *x2 = write_opts(d2, "xhtml", "1");
  cr_assert_str_eq(x2, x1);
  free(x1);
  free(x2);
  newsdoc_doc_free(d);
  newsdoc_doc_free(d2);
}

Test(html_reader, fragment_with_header_element_is_still_a_fragment) {
  const char frag[] = "<header><p>x</p></header>\n<h1>One</h1>\n<p>a</p>\n";
  newsdoc_doc *d = read_html(frag, sizeof frag - 1);
  cr_assert_null(newsdoc_meta_get(d, "title"));
  newsdoc_node *last = newsdoc_node_last_child(newsdoc_doc_root(d));
  cr_assert_eq(newsdoc_node_get_type(last), NEWSDOC_NODE_SECTION);
  cr_assert_eq(newsdoc_node_get_level(last), 1);
  newsdoc_doc_free(d);
}

Test(html_reader, attribute_bomb_is_refused_before_parsing) {
  /* 50000 attributes: refused quickly (libxml2's own check is quadratic) */
  size_t n = 50000;
  char *p = malloc(n * 12 + 64);
  size_t k = (size_t)sprintf(p, "<html><body><p ");
  for (size_t i = 0; i < n; i++) k += (size_t)sprintf(p + k, "a%zu=\"v\" ", i);
  k += (size_t)sprintf(p + k, ">x</p></body></html>");
  clock_t t0 = clock();
  int rc = read_rc(p, k, NULL, NULL);
  double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
  cr_assert_eq(rc, NEWSDOC_ELIMIT_COUNT, "rc %d: %s", rc, newsdoc_error_last()->message);
  cr_assert(secs < 2.0, "%.2f s", secs);
  free(p);
  /* 400 attributes written with spaces around '=' are still 400, and a
   * long script with '<' and '>' is not a tag */
  p = malloc(400 * 16 + 20000 + 64);
  k = (size_t)sprintf(p, "<html><body><script>if (a<b) {");
  for (int i = 0; i < 2000; i++) k += (size_t)sprintf(p + k, " x%d", i);
  k += (size_t)sprintf(p + k, " }</script><p ");
  for (int i = 0; i < 400; i++) k += (size_t)sprintf(p + k, "a%d = 'v' ", i);
  k += (size_t)sprintf(p + k, ">x</p></body></html>");
  cr_assert_eq(read_rc(p, k, NULL, NULL), 0, "%s", newsdoc_error_last()->message);
  free(p);
}

Test(html_reader, no_link_inside_a_link) {
  const char page[] = "<p><a href=\"/a\">one <a href=\"/b\">two</a></a></p>";
  newsdoc_doc *d = read_html(page, sizeof page - 1);
  char *out = NULL;
  size_t len;
  newsdoc_options *o;
  newsdoc_options_new(&o);
  newsdoc_options_set(o, "fragment", "1");
  cr_assert_eq(newsdoc_write(d, "html", o, &out, &len), 0);
  const char *first = strstr(out, "<a ");
  cr_assert(first);
  const char *close = strstr(first, "</a>");
  const char *second = strstr(first + 1, "<a ");
  cr_assert(!second || second > close, "nested <a>: %s", out);
  newsdoc_free(out);
  /* and the writer never nests them, whatever the model */
  newsdoc_doc *m;
  newsdoc_doc_new(&m);
  newsdoc_node *pa = tu_add(newsdoc_doc_root(m), NEWSDOC_NODE_PARAGRAPH);
  newsdoc_node *l1 = tu_add(pa, NEWSDOC_NODE_LINK);
  newsdoc_node_set_url(l1, "/a");
  newsdoc_node *l2 = tu_add(l1, NEWSDOC_NODE_LINK);
  newsdoc_node_set_url(l2, "/b");
  tu_text(l2, "two");
  cr_assert_eq(newsdoc_write(m, "html", o, &out, &len), 0);
  cr_assert_str_eq(out, "<p><a href=\"/a\">two</a></p>\n");
  newsdoc_free(out);
  newsdoc_options_free(o);
  newsdoc_doc_free(m);
  newsdoc_doc_free(d);
}
