/* test_internal_docx_runs.c - the docx writer puts adjacent text of one
 * direction and language into one run, and keeps runs apart where the
 * language or the direction changes. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "testutil.h"

static newsdoc_ctx *test_ctx(void) {
  static newsdoc_ctx ctx;
  nd_ctx_init(&ctx, NULL, "test", NULL);
  return &ctx;
}

/* word/document.xml of the document written as DOCX (malloc'd). */
static char *document_xml(const newsdoc_doc *d) {
  char *out = NULL;
  size_t len = 0;
  cr_assert_eq(newsdoc_write(d, "docx", NULL, &out, &len), 0, "%s", newsdoc_error_last()->message);
  nd_zip *z;
  cr_assert_eq(nd_zip_open(&z, out, len, test_ctx()), 0, "%s", newsdoc_error_last()->message);
  char *xml = NULL;
  size_t xl = 0;
  cr_assert_eq(nd_zip_read(z, "word/document.xml", &xml, &xl), 0);
  nd_zip_close(z);
  newsdoc_free(out);
  char *copy = malloc(xl + 1);
  memcpy(copy, xml, xl);
  copy[xl] = 0;
  nd_free(xml);
  return copy;
}

/* The texts of the w:t elements in the paragraphs between the marker
 * paragraphs from and to, joined by '|'. */
static void runs_between(const char *xml, const char *from, const char *to, char *buf, size_t cap) {
  const char *p = strstr(xml, from), *end = strstr(xml, to);
  cr_assert(p && end && p < end, "markers %s / %s not found", from, to);
  p = strstr(p, "</w:p>");
  buf[0] = 0;
  size_t used = 0;
  while ((p = strstr(p, "<w:t")) && p < end) {
    const char *gt = strchr(p, '>'), *close = strstr(p, "</w:t>");
    cr_assert(gt && close);
    if (gt + 1 >= end) break; /* the marker itself */
    size_t n = (size_t)(close - gt - 1);
    cr_assert(used + n + 2 < cap);
    if (used) buf[used++] = '|';
    memcpy(buf + used, gt + 1, n);
    used += n;
    buf[used] = 0;
    p = close;
  }
}

Test(docx_runs, adjacent_text_is_one_run) {
  newsdoc_doc *d;
  cr_assert_eq(newsdoc_doc_new(&d), 0);
  cr_assert_eq(newsdoc_meta_add(d, "lang", "ar", 2), 0);
  newsdoc_node *body = newsdoc_doc_root(d);
  /* one paragraph: four text nodes and a soft break, all Arabic by default,
   * with an LTR word at the end */
  tu_text(tu_add(body, NEWSDOC_NODE_PARAGRAPH), "AAA1");
  newsdoc_node *p = tu_add(body, NEWSDOC_NODE_PARAGRAPH);
  tu_text(p, "السلام");
  tu_add(p, NEWSDOC_NODE_SOFT_BREAK);
  tu_text(p, "عليكم");
  tu_text(p, " و USA");
  /* another: the middle text is Persian, so it stays a run of its own */
  tu_text(tu_add(body, NEWSDOC_NODE_PARAGRAPH), "BBB2");
  newsdoc_node *q = tu_add(body, NEWSDOC_NODE_PARAGRAPH);
  tu_text(q, "قبل ");
  newsdoc_node *fa = tu_text(q, "می\u200cخواهم");
  cr_assert_eq(newsdoc_node_set_lang(fa, "fa"), 0);
  tu_text(q, " بعد");
  tu_add(body, NEWSDOC_NODE_PARAGRAPH);
  tu_text(newsdoc_node_last_child(body), "CCC3");
  char *xml = document_xml(d);
  char runs[512];
  runs_between(xml, "AAA1", "BBB2", runs, sizeof runs);
  /* the RTL text in one run, the LTR island (USA) in its own */
  cr_assert_str_eq(runs, "السلام عليكم و |USA", "runs: %s", runs);
  runs_between(xml, "BBB2", "CCC3", runs, sizeof runs);
  cr_assert_str_eq(runs, "قبل |می\u200cخواهم| بعد", "runs: %s", runs);
  free(xml);
  newsdoc_doc_free(d);
}
