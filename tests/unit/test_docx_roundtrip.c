/* test_docx_roundtrip.c - the docx writer and reader on an Arabic article
 * built in C: structure, right-to-left, byte-identical output, and
 * docx -> model -> docx -> model stability. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

/* A 1x1 PNG. */
static const unsigned char PNG[] = {
  0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00,
  0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4, 0x89, 0x00, 0x00, 0x00, 0x0D, 0x49,
  0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0xF8, 0xCF, 0xC0, 0xF0, 0x1F, 0x00, 0x05, 0x00, 0x01, 0xFF, 0x89, 0x99, 0x3D,
  0x1D, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82};



static newsdoc_node *para(newsdoc_node *parent, const char *s) {
  newsdoc_node *p = tu_add(parent, NEWSDOC_NODE_PARAGRAPH);
  tu_text(p, s);
  return p;
}

static newsdoc_node *section(newsdoc_node *parent, int level, const char *heading) {
  newsdoc_node *s = tu_add(parent, NEWSDOC_NODE_SECTION);
  cr_assert_eq(newsdoc_node_set_level(s, level), 0);
  newsdoc_node *h = tu_add(s, NEWSDOC_NODE_HEADING);
  tu_text(h, heading);
  return s;
}

#define META(d, k, v) cr_assert_eq(newsdoc_meta_add(d, k, v, strlen(v)), 0)

/* The fixture: an Arabic news article with every block the writer knows. */
static newsdoc_doc *fixture(void) {
  newsdoc_doc *d;
  cr_assert_eq(newsdoc_doc_new(&d), 0);
  META(d, "title", "التعاون العسكري بين موريتانيا والولايات المتحدة");
  META(d, "byline", "بقلم محمد عبد الرحمن");
  META(d, "author", "محمد عبد الرحمن");
  META(d, "date", "2025-03-04");
  META(d, "lang", "ar");
  META(d, "dir", "rtl");
  META(d, "keyword", "موريتانيا");
  META(d, "keyword", "الساحل");
  cr_assert_eq(newsdoc_media_add(d, "dot.png", "image/png", PNG, sizeof PNG), 0);
  newsdoc_node *body = newsdoc_doc_root(d);
  /* lead: an LTR island (USA), digits and a ZWNJ (Persian word) */
  para(body, "وقعت موريتانيا و USA اتفاقية في 2024 بقيمة 15 مليون دولار، وقال الخبير می\u200cخواهم ذلك.");
  newsdoc_node *s1 = section(body, 1, "خلفية التعاون");
  newsdoc_node *p = tu_add(s1, NEWSDOC_NODE_PARAGRAPH);
  tu_text(p, "نص ");
  newsdoc_node *b = tu_add(p, NEWSDOC_NODE_STRONG);
  tu_text(b, "عريض");
  tu_text(p, " و");
  newsdoc_node *e = tu_add(p, NEWSDOC_NODE_EMPH);
  tu_text(e, "مائل");
  tu_text(p, " ثم ");
  newsdoc_node *l = tu_add(p, NEWSDOC_NODE_LINK);
  cr_assert_eq(newsdoc_node_set_url(l, "https://example.org/a?b=1&c=2"), 0);
  tu_text(l, "رابط");
  newsdoc_node *note = tu_add(p, NEWSDOC_NODE_NOTE);
  para(note, "حاشية: المصدر وكالة الأنباء.");
  tu_text(p, " نهاية.");
  newsdoc_node *s2 = section(s1, 2, "المجالات الرئيسية");
  newsdoc_node *list = tu_add(s2, NEWSDOC_NODE_LIST);
  cr_assert_eq(newsdoc_node_set_list_type(list, NEWSDOC_LIST_ORDERED), 0);
  cr_assert_eq(newsdoc_node_set_list_start(list, 3), 0);
  newsdoc_node *it1 = tu_add(list, NEWSDOC_NODE_ITEM);
  para(it1, "التدريب");
  newsdoc_node *sub = tu_add(it1, NEWSDOC_NODE_LIST);
  newsdoc_node *it11 = tu_add(sub, NEWSDOC_NODE_ITEM);
  para(it11, "مكافحة الإرهاب");
  newsdoc_node *it2 = tu_add(list, NEWSDOC_NODE_ITEM);
  para(it2, "الاستخبارات");
  newsdoc_node *q = tu_add(s2, NEWSDOC_NODE_BLOCKQUOTE);
  para(q, "قال المسؤول: التعاون مستمر.");
  newsdoc_node *t = tu_add(s2, NEWSDOC_NODE_TABLE);
  newsdoc_node *r0 = tu_add(t, NEWSDOC_NODE_TABLE_ROW);
  cr_assert_eq(newsdoc_node_set_header(r0, 1), 0);
  tu_text(tu_add(r0, NEWSDOC_NODE_TABLE_CELL), "السنة");
  tu_text(tu_add(r0, NEWSDOC_NODE_TABLE_CELL), "المبلغ");
  tu_text(tu_add(r0, NEWSDOC_NODE_TABLE_CELL), "ملاحظة");
  newsdoc_node *r1 = tu_add(t, NEWSDOC_NODE_TABLE_ROW);
  tu_text(tu_add(r1, NEWSDOC_NODE_TABLE_CELL), "2024");
  newsdoc_node *wide = tu_add(r1, NEWSDOC_NODE_TABLE_CELL);
  tu_text(wide, "15 مليون");
  cr_assert_eq(newsdoc_node_set_spans(wide, 1, 2), 0);
  tu_text(tu_add(r1, NEWSDOC_NODE_TABLE_CELL), "أولى");
  newsdoc_node *r2 = tu_add(t, NEWSDOC_NODE_TABLE_ROW);
  newsdoc_node *two = tu_add(r2, NEWSDOC_NODE_TABLE_CELL);
  tu_text(two, "2025");
  newsdoc_node *last = tu_add(r2, NEWSDOC_NODE_TABLE_CELL);
  tu_text(last, "ثانية");
  newsdoc_node *s3 = section(body, 1, "English section");
  newsdoc_node *en = para(s3, "An English paragraph in an Arabic article.");
  cr_assert_eq(newsdoc_node_set_dir(en, NEWSDOC_DIR_LTR), 0);
  cr_assert_eq(newsdoc_node_set_lang(en, "en"), 0);
  newsdoc_node *ip = tu_add(s3, NEWSDOC_NODE_PARAGRAPH);
  newsdoc_node *img = tu_add(ip, NEWSDOC_NODE_IMAGE);
  cr_assert_eq(newsdoc_node_set_url(img, "media:dot.png"), 0);
  cr_assert_eq(newsdoc_node_set_title(img, "صورة"), 0);
  newsdoc_node *fig = tu_add(s3, NEWSDOC_NODE_FIGURE);
  cr_assert_eq(newsdoc_node_set_url(fig, "media:dot.png"), 0);
  tu_text(tu_add(fig, NEWSDOC_NODE_CAPTION), "تعليق الصورة");
  return d;
}

static char *write_docx(const newsdoc_doc *d, size_t *len) {
  char *out = NULL;
  int rc = newsdoc_write(d, "docx", NULL, &out, len);
  cr_assert_eq(rc, 0, "write: %s", newsdoc_error_last()->message);
  cr_assert(*len > 1000 && !memcmp(out, "PK\x03\x04", 4));
  return out;
}

static newsdoc_doc *read_docx(const char *data, size_t len) {
  newsdoc_doc *d = NULL;
  int rc = newsdoc_read(&d, data, len, "docx", "t.docx", NULL);
  cr_assert_eq(rc, 0, "read: %s", newsdoc_error_last()->message);
  return d;
}

static int count_type(newsdoc_doc *d, newsdoc_node_type t) {
  newsdoc_iter *it;
  newsdoc_iter_new(&it, newsdoc_doc_root(d));
  int n = 0;
  newsdoc_event ev;
  while ((ev = newsdoc_iter_next(it)) != NEWSDOC_EVENT_DONE)
    if (ev == NEWSDOC_EVENT_ENTER && newsdoc_node_get_type(newsdoc_iter_node(it)) == t) n++;
  newsdoc_iter_free(it);
  return n;
}

static newsdoc_node *find(newsdoc_doc *d, newsdoc_node_type t, int nth) {
  newsdoc_iter *it;
  newsdoc_iter_new(&it, newsdoc_doc_root(d));
  newsdoc_node *found = NULL;
  newsdoc_event ev;
  while ((ev = newsdoc_iter_next(it)) != NEWSDOC_EVENT_DONE)
    if (ev == NEWSDOC_EVENT_ENTER && newsdoc_node_get_type(newsdoc_iter_node(it)) == t && nth-- == 0) {
      found = newsdoc_iter_node(it);
      break;
    }
  newsdoc_iter_free(it);
  return found;
}

Test(docx_roundtrip, structure_survives) {
  newsdoc_doc *d = fixture();
  size_t len;
  char *bytes = write_docx(d, &len);
  newsdoc_doc *r = read_docx(bytes, len);
  char *want = tu_outline(d), *got = tu_outline(r);
  cr_assert_str_eq(got, want);
  cr_assert_str_eq(newsdoc_meta_get(r, "title"), newsdoc_meta_get(d, "title"));
  cr_assert_str_eq(newsdoc_meta_get(r, "author"), "محمد عبد الرحمن");
  cr_assert_str_eq(newsdoc_meta_get(r, "date"), "2025-03-04");
  cr_assert_eq(newsdoc_meta_count(r, "keyword"), 2);
  cr_assert_eq(newsdoc_doc_dir(r), NEWSDOC_DIR_RTL);
  /* lists: an ordered list starting at 3 with a nested bullet list */
  newsdoc_node *l0 = find(r, NEWSDOC_NODE_LIST, 0), *l1 = find(r, NEWSDOC_NODE_LIST, 1);
  cr_assert(l0 && l1);
  cr_assert_eq(newsdoc_node_get_list_type(l0), NEWSDOC_LIST_ORDERED);
  cr_assert_eq(newsdoc_node_get_list_start(l0), 3);
  cr_assert_eq(newsdoc_node_get_list_type(l1), NEWSDOC_LIST_BULLET);
  cr_assert_eq(newsdoc_node_get_type(newsdoc_node_parent(l1)), NEWSDOC_NODE_ITEM);
  cr_assert_eq(newsdoc_node_child_count(l0), 2);
  /* table: header row, a cell spanning two rows */
  cr_assert_eq(count_type(r, NEWSDOC_NODE_TABLE), 1);
  cr_assert_eq(count_type(r, NEWSDOC_NODE_TABLE_ROW), 3);
  cr_assert_eq(count_type(r, NEWSDOC_NODE_TABLE_CELL), 8);
  newsdoc_node *row0 = find(r, NEWSDOC_NODE_TABLE_ROW, 0);
  cr_assert(newsdoc_node_get_header(row0));
  newsdoc_node *c = find(r, NEWSDOC_NODE_TABLE_CELL, 4);
  cr_assert_eq(newsdoc_node_get_rowspan(c), 2);
  /* inlines */
  cr_assert_eq(count_type(r, NEWSDOC_NODE_STRONG), 1);
  cr_assert_eq(count_type(r, NEWSDOC_NODE_EMPH), 1);
  cr_assert_eq(count_type(r, NEWSDOC_NODE_BLOCKQUOTE), 1);
  newsdoc_node *link = find(r, NEWSDOC_NODE_LINK, 0);
  cr_assert_str_eq(newsdoc_node_get_url(link), "https://example.org/a?b=1&c=2");
  newsdoc_node *note = find(r, NEWSDOC_NODE_NOTE, 0);
  cr_assert(note);
  char *nt;
  newsdoc_node_text(newsdoc_node_first_child(note), &nt, NULL);
  cr_assert_str_eq(nt, "حاشية: المصدر وكالة الأنباء.");
  newsdoc_free(nt);
  newsdoc_node *img = find(r, NEWSDOC_NODE_IMAGE, 0);
  cr_assert(img);
  size_t mi;
  cr_assert_eq(newsdoc_media_find(r, newsdoc_node_get_url(img), &mi), 0);
  const void *data;
  size_t dlen;
  newsdoc_media_get(r, mi, NULL, NULL, &data, &dlen);
  cr_assert_eq(dlen, sizeof PNG);
  cr_assert(!memcmp(data, PNG, dlen));
  cr_assert_str_eq(newsdoc_node_get_title(img), "صورة");
  /* a figure: the image paragraph and its caption paragraph */
  newsdoc_node *fig = find(r, NEWSDOC_NODE_FIGURE, 0);
  cr_assert(fig);
  cr_assert_str_eq(newsdoc_node_get_url(fig), newsdoc_node_get_url(img));
  char *cap;
  newsdoc_node_text(newsdoc_node_first_child(fig), &cap, NULL);
  cr_assert_str_eq(cap, "تعليق الصورة");
  newsdoc_free(cap);
  cr_assert_eq(newsdoc_media_count(r), 1, "the image used twice is stored once");
  /* the English paragraph stays LTR; the LTR island is a span with dir ltr */
  newsdoc_node *en = find(r, NEWSDOC_NODE_PARAGRAPH, 0);
  char *lead;
  newsdoc_node_text(en, &lead, NULL);
  cr_assert(strstr(lead, "USA"), "%s", lead);
  cr_assert(strstr(lead, "\u200c"), "ZWNJ kept: %s", lead);
  cr_assert(strstr(lead, "2024") && strstr(lead, "15"), "digits kept");
  newsdoc_free(lead);
  newsdoc_node *span = find(r, NEWSDOC_NODE_SPAN, 0);
  cr_assert(span);
  cr_assert_eq(newsdoc_node_get_dir(span), NEWSDOC_DIR_LTR);
  char *st;
  newsdoc_node_text(span, &st, NULL);
  cr_assert_str_eq(st, "USA");
  newsdoc_free(st);
  int ltr_paras = 0;
  for (int i = 0; find(r, NEWSDOC_NODE_PARAGRAPH, i); i++) {
    newsdoc_node *pp = find(r, NEWSDOC_NODE_PARAGRAPH, i);
    if (newsdoc_node_get_dir(pp) != NEWSDOC_DIR_LTR) continue;
    ltr_paras++;
    /* its language survives (as Word's tag for it) */
    const char *pl = newsdoc_node_get_lang(pp);
    cr_assert(pl && !strncmp(pl, "en", 2) && (!pl[2] || pl[2] == '-'), "lang %s", pl ? pl : "(none)");
  }
  cr_assert_eq(ltr_paras, 1);
  cr_assert_str_eq(newsdoc_meta_get(r, "lang"), "ar");
  free(want);
  free(got);
  newsdoc_free(bytes);
  newsdoc_doc_free(r);
  newsdoc_doc_free(d);
}

Test(docx_roundtrip, byte_identical_and_stable) {
  newsdoc_doc *d = fixture();
  size_t l1, l2, l3, l4;
  char *a = write_docx(d, &l1), *b = write_docx(d, &l2);
  cr_assert_eq(l1, l2);
  cr_assert(!memcmp(a, b, l1), "two conversions differ");
  /* docx -> model -> docx -> model */
  newsdoc_doc *m1 = read_docx(a, l1);
  char *c = write_docx(m1, &l3);
  newsdoc_doc *m2 = read_docx(c, l3);
  char *j1 = tu_json(m1), *j2 = tu_json(m2);
  cr_assert_str_eq(j2, j1);
  char *e = write_docx(m2, &l4);
  cr_assert_eq(l3, l4);
  cr_assert(!memcmp(c, e, l3), "docx of the re-read model differs");
  free(j1);
  free(j2);
  newsdoc_free(a);
  newsdoc_free(b);
  newsdoc_free(c);
  newsdoc_free(e);
  newsdoc_doc_free(m1);
  newsdoc_doc_free(m2);
  newsdoc_doc_free(d);
}

Test(docx_roundtrip, probe_and_registry) {
  newsdoc_doc *d = fixture();
  size_t len;
  char *a = write_docx(d, &len);
  const char *name = NULL;
  int score = 0;
  cr_assert_eq(newsdoc_probe(a, len, NULL, &name, &score), 0);
  cr_assert_str_eq(name, "docx");
  cr_assert_eq(score, 100);
  newsdoc_format f;
  cr_assert_eq(newsdoc_format_find("docx", &f), 0);
  cr_assert_str_eq(f.mime_types, "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
  cr_assert(f.flags & NEWSDOC_FORMAT_BINARY);
  newsdoc_free(a);
  newsdoc_doc_free(d);
}

/* The sample article read with the text reader, written as DOCX and read
 * back: the same outline as ../shared/samples/....outline. */
Test(docx_roundtrip, sample_outline) {
  const char *p = tu_shared("samples/mauritania-us-military-cooperation.txt");
  if (!p) cr_skip_test("../shared not found");
  newsdoc_format f;
  if (newsdoc_format_find("text", &f)) cr_skip_test("the text format is not registered yet");
  newsdoc_doc *d = NULL;
  cr_assert_eq(newsdoc_read_file(&d, p, "text", NULL), 0, "%s", newsdoc_error_last()->message);
  size_t len;
  char *bytes = write_docx(d, &len);
  newsdoc_doc *r = read_docx(bytes, len);
  char *want = tu_read_file(tu_shared("samples/mauritania-us-military-cooperation.outline"), NULL);
  char *got = tu_outline(r);
  cr_assert_str_eq(got, want);
  free(want);
  free(got);
  newsdoc_free(bytes);
  newsdoc_doc_free(r);
  newsdoc_doc_free(d);
}

/* Every corpus file reads; its re-written DOCX reads to the same model. */
Test(docx_roundtrip, corpus_reads_and_is_stable) {
  const char *names[] = {"docx4j-arabic_align.docx", "docx4j-arabic_numbering.docx", "mammoth-footnote-hyperlink.docx",
                         "mammoth-strict-format.docx", "mammoth-utf8-bom.docx", "oxpt-HC003-Hebrew-02.docx",
                         "oxpt-HC012-Test-07-hebrew-wikipedia.docx", "oxpt-HC014-RTL-Table-01.docx",
                         "oxpt-RP051-Arabic-Accepted.docx", "oxpt-RP051-Arabic-tracked-changes.docx",
                         "pandoc-block_quotes.docx", "pandoc-headers.docx", "pandoc-i18n_blocks.docx",
                         "pandoc-image_vml.docx", "pandoc-inline_formatting.docx", "pandoc-links.docx",
                         "pandoc-lists.docx", "pandoc-metadata.docx", "pandoc-notes.docx",
                         "pandoc-table_variable_width.docx", "pandoc-tables.docx", "python-docx-par-hyperlinks.docx",
                         "derived-libreoffice/lo74-from-docx4j-arabic_align.docx",
                         "derived-libreoffice/lo74-from-oxpt-HC012-Test-07-hebrew-wikipedia.docx"};
  if (!tu_shared("corpus/docx/SOURCES.md")) cr_skip_test("../shared not found");
  int failed = 0;
  for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
    char rel[256];
    snprintf(rel, sizeof rel, "corpus/docx/%s", names[i]);
    const char *path = tu_shared(rel);
    cr_assert(path, "%s missing", rel);
    newsdoc_doc *m1 = NULL;
    if (newsdoc_read_file(&m1, path, "docx", NULL)) {
      cr_log_error("%s: %s", names[i], newsdoc_error_last()->message);
      failed++;
      continue;
    }
    char *a = NULL;
    size_t la;
    cr_assert_eq(newsdoc_write(m1, "docx", NULL, &a, &la), 0, "%s: %s", names[i], newsdoc_error_last()->message);
    newsdoc_doc *m2 = NULL;
    cr_assert_eq(newsdoc_read(&m2, a, la, "docx", NULL, NULL), 0, "%s: %s", names[i], newsdoc_error_last()->message);
    char *j1 = tu_json(m1), *j2 = tu_json(m2);
    cr_expect_str_eq(j2, j1, "%s: docx -> model -> docx -> model differs", names[i]);
    free(j1);
    free(j2);
    newsdoc_free(a);
    newsdoc_doc_free(m1);
    newsdoc_doc_free(m2);
  }
  cr_assert_eq(failed, 0, "%d corpus files failed to read", failed);
}

static newsdoc_doc *read_corpus(const char *name) {
  char rel[256];
  snprintf(rel, sizeof rel, "corpus/docx/%s", name);
  const char *path = tu_shared(rel);
  if (!path) return NULL;
  newsdoc_doc *d = NULL;
  int rc = newsdoc_read_file(&d, path, "docx", NULL);
  cr_assert_eq(rc, 0, "%s: %s", name, newsdoc_error_last()->message);
  return d;
}

/* What the RTL corpus files must give: direction, language, headings by
 * style name (localised IDs too), lists, the mirrored table. */
Test(docx_corpus, rtl_and_localised_files) {
  if (!tu_shared("corpus/docx/SOURCES.md")) cr_skip_test("../shared not found");
  newsdoc_doc *he = read_corpus("oxpt-HC012-Test-07-hebrew-wikipedia.docx");
  cr_assert_eq(newsdoc_doc_dir(he), NEWSDOC_DIR_RTL);
  cr_assert_str_eq(newsdoc_meta_get(he, "lang"), "he");
  cr_assert_eq(count_type(he, NEWSDOC_NODE_HEADING), 2);
  cr_assert(count_type(he, NEWSDOC_NODE_ITEM) >= 20, "list items: %d", count_type(he, NEWSDOC_NODE_ITEM));
  /* Latin inside the Hebrew text stays a left-to-right span */
  int ltr_spans = 0;
  for (int i = 0; find(he, NEWSDOC_NODE_SPAN, i); i++)
    if (newsdoc_node_get_dir(find(he, NEWSDOC_NODE_SPAN, i)) == NEWSDOC_DIR_LTR) ltr_spans++;
  cr_assert(ltr_spans > 0);
  newsdoc_doc_free(he);

  newsdoc_doc *tbl = read_corpus("oxpt-HC014-RTL-Table-01.docx");
  newsdoc_node *t = find(tbl, NEWSDOC_NODE_TABLE, 0);
  cr_assert(t);
  cr_assert_eq(newsdoc_node_effective_dir(t, tbl), NEWSDOC_DIR_RTL);
  cr_assert(newsdoc_media_count(tbl) >= 1);
  newsdoc_doc_free(tbl);

  newsdoc_doc *ru = read_corpus("pandoc-i18n_blocks.docx");
  cr_assert_eq(count_type(ru, NEWSDOC_NODE_HEADING), 2, "headings by name, not by the IDs \"1\"/\"21\"");
  cr_assert_eq(count_type(ru, NEWSDOC_NODE_BLOCKQUOTE), 1);
  newsdoc_doc_free(ru);

  newsdoc_doc *strict = read_corpus("mammoth-strict-format.docx");
  char *txt;
  newsdoc_node_text(newsdoc_doc_root(strict), &txt, NULL);
  cr_assert(strstr(txt, "Test"), "%s", txt);
  newsdoc_free(txt);
  newsdoc_doc_free(strict);

  newsdoc_doc *bom = read_corpus("mammoth-utf8-bom.docx");
  newsdoc_node_text(newsdoc_doc_root(bom), &txt, NULL);
  cr_assert_str_eq(txt, "This XML has a byte order mark.");
  newsdoc_free(txt);
  newsdoc_doc_free(bom);

  newsdoc_doc *notes = read_corpus("pandoc-notes.docx");
  cr_assert_eq(count_type(notes, NEWSDOC_NODE_NOTE), 2, "a footnote and an endnote");
  newsdoc_doc_free(notes);
}

/* Tracked changes read as accepted: the same text as the accepted copy. */
Test(docx_corpus, tracked_changes_read_as_accepted) {
  if (!tu_shared("corpus/docx/SOURCES.md")) cr_skip_test("../shared not found");
  newsdoc_doc *a = read_corpus("oxpt-RP051-Arabic-Accepted.docx"), *t = read_corpus("oxpt-RP051-Arabic-tracked-changes.docx");
  char *ta, *tt;
  newsdoc_node_text(newsdoc_doc_root(a), &ta, NULL);
  newsdoc_node_text(newsdoc_doc_root(t), &tt, NULL);
  cr_assert_str_eq(tt, ta);
  char *oa = tu_outline(a), *ot = tu_outline(t);
  cr_assert_str_eq(ot, oa);
  free(oa);
  free(ot);
  newsdoc_free(ta);
  newsdoc_free(tt);
  newsdoc_doc_free(a);
  newsdoc_doc_free(t);
}

/* Limits: a style chain longer than max-style-chain, more nodes than
 * max-nodes. */
Test(docx_corpus, limits) {
  const char *p = tu_shared("corpus/docx/oxpt-RP051-Arabic-Accepted.docx");
  if (!p) cr_skip_test("../shared not found");
  p = tu_shared("corpus/docx/pandoc-headers.docx");
  newsdoc_options *o;
  newsdoc_options_new(&o);
  newsdoc_options_set(o, "max-style-chain", "1");
  newsdoc_doc *d = NULL;
  cr_assert_eq(newsdoc_read_file(&d, p, "docx", o), NEWSDOC_ELIMIT_COUNT);
  cr_assert(strstr(newsdoc_error_last()->message, "max-style-chain"), "%s", newsdoc_error_last()->message);
  cr_assert_null(d);
  newsdoc_options_set(o, "max-style-chain", NULL);
  newsdoc_options_set(o, "max-nodes", "10");
  cr_assert_eq(newsdoc_read_file(&d, p, "docx", o), NEWSDOC_ELIMIT_COUNT);
  cr_assert(strstr(newsdoc_error_last()->message, "max-nodes"), "%s", newsdoc_error_last()->message);
  newsdoc_options_free(o);
  /* not a package at all */
  static const char not_zip[] = "PK\x03\x04 not really a zip archive, just bytes";
  cr_assert_eq(newsdoc_read(&d, not_zip, sizeof not_zip - 1, "docx", NULL, NULL), NEWSDOC_EMALFORMED);
  cr_assert(strstr(newsdoc_error_last()->message, "docx"), "%s", newsdoc_error_last()->message);
}

/* The PNG is stored (it is compressed already); the XML parts are deflated. */
Test(docx_roundtrip, images_are_stored) {
  newsdoc_doc *d = fixture();
  size_t len;
  char *out = write_docx(d, &len);
  int media = 0, xml = 0;
  for (size_t i = 0; i + 30 < len; i++) {
    if (memcmp(out + i, "PK\x03\x04", 4)) continue;
    const unsigned char *h = (const unsigned char *)out + i;
    unsigned method = h[8] | h[9] << 8, nlen = h[26] | h[27] << 8;
    if (i + 30 + nlen > len) continue;
    if (nlen > 11 && !memcmp(out + i + 30, "word/media/", 11)) {
      cr_assert_eq(method, 0, "%.*s is not stored", (int)nlen, out + i + 30);
      media++;
    } else if (nlen == 17 && !memcmp(out + i + 30, "word/document.xml", 17)) {
      cr_assert_eq(method, 8, "word/document.xml is not deflated");
      xml++;
    }
  }
  cr_assert_eq(media, 1);
  cr_assert_eq(xml, 1);
  newsdoc_free(out);
  newsdoc_doc_free(d);
}
