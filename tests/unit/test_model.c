/* The document model: nodes, shape rules, attributes, metadata, media. */
#include <criterion/criterion.h>
#include <string.h>

#include "testutil.h"

static newsdoc_node *mk(newsdoc_node_type t) {
  newsdoc_node *n = NULL;
  cr_assert_eq(newsdoc_node_new(&n, t), 0);
  return n;
}

static newsdoc_node *mktext(const char *s) {
  newsdoc_node *n = mk(NEWSDOC_NODE_TEXT);
  cr_assert_eq(newsdoc_node_set_literal(n, s, strlen(s)), 0);
  return n;
}

Test(model, new_document_is_empty) {
  newsdoc_doc *d;
  cr_assert_eq(newsdoc_doc_new(&d), 0);
  newsdoc_node *root = newsdoc_doc_root(d);
  cr_assert_eq(newsdoc_node_get_type(root), NEWSDOC_NODE_BODY);
  cr_assert_null(newsdoc_node_first_child(root));
  cr_assert_eq(newsdoc_meta_entry_count(d), 0);
  cr_assert_eq(newsdoc_media_count(d), 0);
  newsdoc_doc_free(d);
}

Test(model, shape_rules) {
  newsdoc_node *p = mk(NEWSDOC_NODE_PARAGRAPH), *sec = mk(NEWSDOC_NODE_SECTION), *list = mk(NEWSDOC_NODE_LIST);
  newsdoc_node *t = mktext("x");
  cr_assert_eq(newsdoc_node_append_child(p, t), 0);
  cr_assert_eq(newsdoc_node_append_child(p, sec), NEWSDOC_EUSAGE, "a paragraph took a section");
  cr_assert(strstr(newsdoc_error_last()->message, "paragraph cannot hold a section"));
  cr_assert_eq(newsdoc_node_append_child(list, p), NEWSDOC_EUSAGE, "a list took a paragraph");
  cr_assert_eq(newsdoc_node_append_child(sec, p), 0);
  newsdoc_node *em = mk(NEWSDOC_NODE_EMPH);
  cr_assert_eq(newsdoc_node_append_child(t, em), NEWSDOC_EUSAGE);
  newsdoc_node_free(em);
  cr_assert_eq(newsdoc_node_append_child(p, sec), NEWSDOC_EUSAGE, "a node took its own ancestor");
  cr_assert(newsdoc_node_can_contain(NEWSDOC_NODE_NOTE, NEWSDOC_NODE_PARAGRAPH));
  cr_assert(!newsdoc_node_can_contain(NEWSDOC_NODE_TABLE_CELL, NEWSDOC_NODE_PARAGRAPH));
  cr_assert(newsdoc_node_is_block(NEWSDOC_NODE_FIGURE) && newsdoc_node_is_inline(NEWSDOC_NODE_NOTE));
  newsdoc_node_free(sec);
  newsdoc_node_free(list);
  newsdoc_node *b;
  cr_assert_eq(newsdoc_node_new(&b, NEWSDOC_NODE_BODY), NEWSDOC_EUSAGE);
  cr_assert_eq(newsdoc_node_new(&b, (newsdoc_node_type)999), NEWSDOC_EUSAGE);
}

Test(model, links_and_order) {
  newsdoc_node *p = mk(NEWSDOC_NODE_PARAGRAPH);
  newsdoc_node *a = mktext("a"), *b = mktext("b"), *c = mktext("c"), *z = mktext("z");
  cr_assert_eq(newsdoc_node_append_child(p, b), 0);
  cr_assert_eq(newsdoc_node_prepend_child(p, a), 0);
  cr_assert_eq(newsdoc_node_insert_after(b, c), 0);
  cr_assert_eq(newsdoc_node_insert_before(a, z), 0);
  cr_assert_eq(newsdoc_node_child_count(p), 4);
  char *s;
  cr_assert_eq(newsdoc_node_text(p, &s, NULL), 0);
  cr_assert_str_eq(s, "zabc");
  newsdoc_free(s);
  newsdoc_node_unlink(z);
  cr_assert_null(newsdoc_node_parent(z));
  cr_assert_eq(newsdoc_node_first_child(p), a);
  cr_assert_eq(newsdoc_node_previous(a), NULL);
  cr_assert_eq(newsdoc_node_last_child(p), c);
  newsdoc_node_free(z);
  newsdoc_node_free(b); /* unlinks first */
  cr_assert_eq(newsdoc_node_next(a), c);
  cr_assert_eq(newsdoc_node_previous(c), a);
  newsdoc_node_free(p);
}

Test(model, attributes_apply_only_where_they_belong) {
  newsdoc_node *link = mk(NEWSDOC_NODE_LINK), *p = mk(NEWSDOC_NODE_PARAGRAPH), *sec = mk(NEWSDOC_NODE_SECTION);
  newsdoc_node *list = mk(NEWSDOC_NODE_LIST), *table = mk(NEWSDOC_NODE_TABLE), *row = mk(NEWSDOC_NODE_TABLE_ROW);
  newsdoc_node *cell = mk(NEWSDOC_NODE_TABLE_CELL), *code = mk(NEWSDOC_NODE_CODE_BLOCK);
  cr_assert_eq(newsdoc_node_set_url(link, "https://example.com/"), 0);
  cr_assert_eq(newsdoc_node_set_title(link, "t"), 0);
  cr_assert_str_eq(newsdoc_node_get_url(link), "https://example.com/");
  cr_assert_eq(newsdoc_node_set_url(p, "x"), NEWSDOC_EUSAGE);
  cr_assert_eq(newsdoc_node_set_literal(p, "x", 1), NEWSDOC_EUSAGE);
  cr_assert_eq(newsdoc_node_set_level(sec, 3), 0);
  cr_assert_eq(newsdoc_node_get_level(sec), 3);
  cr_assert_eq(newsdoc_node_set_level(sec, 7), NEWSDOC_EUSAGE);
  cr_assert_eq(newsdoc_node_set_level(p, 1), NEWSDOC_EUSAGE);
  cr_assert_eq(newsdoc_node_set_list_type(list, NEWSDOC_LIST_ORDERED), 0);
  cr_assert_eq(newsdoc_node_set_list_start(list, 7), 0);
  cr_assert_eq(newsdoc_node_set_list_tight(list, 0), 0);
  cr_assert_eq(newsdoc_node_get_list_start(list), 7);
  cr_assert_eq(newsdoc_node_get_list_tight(list), 0);
  newsdoc_align al[3] = {NEWSDOC_ALIGN_START, NEWSDOC_ALIGN_CENTER, NEWSDOC_ALIGN_END};
  cr_assert_eq(newsdoc_node_set_column_aligns(table, al, 3), 0);
  cr_assert_eq(newsdoc_node_get_column_count(table), 3);
  cr_assert_eq(newsdoc_node_get_column_align(table, 1), NEWSDOC_ALIGN_CENTER);
  cr_assert_eq(newsdoc_node_get_column_align(table, 9), NEWSDOC_ALIGN_DEFAULT);
  cr_assert_eq(newsdoc_node_set_header(row, 1), 0);
  cr_assert(newsdoc_node_get_header(row));
  cr_assert_eq(newsdoc_node_set_spans(cell, 2, 3), 0);
  cr_assert_eq(newsdoc_node_get_colspan(cell), 2);
  cr_assert_eq(newsdoc_node_get_rowspan(cell), 3);
  cr_assert_eq(newsdoc_node_set_spans(cell, 0, 1), NEWSDOC_EUSAGE);
  cr_assert_eq(newsdoc_node_set_info(code, "python"), 0);
  cr_assert_eq(newsdoc_node_set_literal(code, "a\0b", 3), 0, "literals may hold any bytes");
  size_t len;
  cr_assert_eq(memcmp(newsdoc_node_get_literal(code, &len), "a\0b", 3), 0);
  cr_assert_eq(len, 3);
  cr_assert_eq(newsdoc_node_set_lang(p, "en"), 0);
  cr_assert_eq(newsdoc_node_set_lang(p, NULL), 0);
  cr_assert_null(newsdoc_node_get_lang(p));
  newsdoc_node *nodes[] = {link, p, sec, list, table, row, cell, code};
  for (size_t i = 0; i < 8; i++) newsdoc_node_free(nodes[i]);
}

Test(model, effective_language_and_direction) {
  newsdoc_doc *d;
  newsdoc_doc_new(&d);
  newsdoc_meta_set(d, NEWSDOC_META_LANG, "ar", 2);
  cr_assert_eq(newsdoc_doc_set_dir(d, NEWSDOC_DIR_RTL), 0);
  cr_assert_str_eq(newsdoc_meta_get(d, "dir"), "rtl");
  newsdoc_node *p = mk(NEWSDOC_NODE_PARAGRAPH), *span = mk(NEWSDOC_NODE_SPAN), *t = mktext("USA");
  newsdoc_node_append_child(newsdoc_doc_root(d), p);
  newsdoc_node_append_child(p, span);
  newsdoc_node_append_child(span, t);
  cr_assert_str_eq(newsdoc_node_effective_lang(t, d), "ar");
  cr_assert_eq(newsdoc_node_effective_dir(t, d), NEWSDOC_DIR_RTL);
  newsdoc_node_set_lang(span, "en");
  newsdoc_node_set_dir(span, NEWSDOC_DIR_LTR);
  cr_assert_str_eq(newsdoc_node_effective_lang(t, d), "en");
  cr_assert_eq(newsdoc_node_effective_dir(t, d), NEWSDOC_DIR_LTR);
  cr_assert_eq(newsdoc_node_effective_dir(p, d), NEWSDOC_DIR_RTL);
  cr_assert_eq(newsdoc_node_effective_dir(p, NULL), NEWSDOC_DIR_UNSET);
  cr_assert_eq(newsdoc_doc_set_dir(d, NEWSDOC_DIR_UNSET), 0);
  cr_assert_null(newsdoc_meta_get(d, "dir"));
  newsdoc_doc_free(d);
}

Test(model, metadata_keeps_order_and_repeats) {
  newsdoc_doc *d;
  newsdoc_doc_new(&d);
  cr_assert_eq(newsdoc_meta_add(d, "author", "أحمد", strlen("أحمد")), 0);
  cr_assert_eq(newsdoc_meta_set(d, "title", "عنوان", strlen("عنوان")), 0);
  cr_assert_eq(newsdoc_meta_add(d, "author", "Dana", 4), 0);
  cr_assert_eq(newsdoc_meta_add(d, "x-custom", "kept", 4), 0);
  cr_assert_eq(newsdoc_meta_count(d, "author"), 2);
  cr_assert_str_eq(newsdoc_meta_get_nth(d, "author", 1), "Dana");
  cr_assert_null(newsdoc_meta_get_nth(d, "author", 2));
  const char *k, *v;
  cr_assert_eq(newsdoc_meta_entry(d, 3, &k, &v), 0);
  cr_assert_str_eq(k, "x-custom");
  cr_assert_eq(newsdoc_meta_set(d, "author", "Only", 4), 0);
  cr_assert_eq(newsdoc_meta_count(d, "author"), 1);
  cr_assert_eq(newsdoc_meta_entry(d, 0, &k, &v), 0);
  cr_assert_str_eq(k, "author", "set moved the key");
  cr_assert_str_eq(v, "Only");
  cr_assert_eq(newsdoc_meta_set(d, "bad", "a\0b", 3), NEWSDOC_EUSAGE);
  cr_assert_eq(newsdoc_meta_set(d, "bad", "\xff", 1), NEWSDOC_EUSAGE);
  cr_assert_eq(newsdoc_meta_set(d, "", "x", 1), NEWSDOC_EUSAGE);
  cr_assert_eq(newsdoc_meta_remove(d, "nope"), NEWSDOC_ENOTFOUND);
  cr_assert_eq(newsdoc_meta_remove(d, "author"), 0);
  cr_assert_eq(newsdoc_meta_entry_count(d), 2);
  newsdoc_doc_free(d);
}

Test(model, media) {
  newsdoc_doc *d;
  newsdoc_doc_new(&d);
  const unsigned char png[] = {0x89, 'P', 'N', 'G', 0, 1, 2};
  cr_assert_eq(newsdoc_media_add(d, "a.png", "image/png", png, sizeof png), 0);
  cr_assert_eq(newsdoc_media_add(d, "a.png", "image/png", png, sizeof png), NEWSDOC_EEXISTS);
  cr_assert_eq(newsdoc_media_add(d, "../x.png", "image/png", png, 1), NEWSDOC_EUSAGE);
  cr_assert_eq(newsdoc_media_add(d, "a/b.png", "image/png", png, 1), NEWSDOC_EUSAGE);
  size_t i;
  cr_assert_eq(newsdoc_media_find(d, "media:a.png", &i), 0);
  const char *name, *mime;
  const void *data;
  size_t len;
  cr_assert_eq(newsdoc_media_get(d, i, &name, &mime, &data, &len), 0);
  cr_assert_str_eq(mime, "image/png");
  cr_assert_eq(len, sizeof png);
  cr_assert_eq(memcmp(data, png, len), 0);
  cr_assert_eq(newsdoc_media_remove(d, "a.png"), 0);
  cr_assert_eq(newsdoc_media_count(d), 0);
  newsdoc_doc_free(d);
}

Test(model, clone_is_deep_and_equal) {
  newsdoc_doc *d, *c;
  cr_assert_eq(newsdoc_doc_new(&d), 0);
  newsdoc_meta_set(d, "title", "T", 1);
  newsdoc_media_add(d, "i.gif", "image/gif", "GIF89a", 6);
  newsdoc_node *sec = mk(NEWSDOC_NODE_SECTION), *h = mk(NEWSDOC_NODE_HEADING), *p = mk(NEWSDOC_NODE_PARAGRAPH);
  newsdoc_node_append_child(newsdoc_doc_root(d), sec);
  newsdoc_node_append_child(sec, h);
  newsdoc_node_append_child(h, mktext("head"));
  newsdoc_node_append_child(sec, p);
  newsdoc_node_append_child(p, mktext("body"));
  cr_assert_eq(newsdoc_doc_clone(&c, d), 0);
  char *j1 = tu_json(d), *j2 = tu_json(c);
  cr_assert_str_eq(j1, j2);
  newsdoc_node_set_level(newsdoc_node_first_child(newsdoc_doc_root(c)), 2);
  cr_assert_eq(newsdoc_node_get_level(sec), 1, "the clone shares nodes with the original");
  free(j1);
  free(j2);
  newsdoc_doc_free(c);
  newsdoc_doc_free(d);
}

Test(model, deep_trees_are_freed_and_cloned_without_recursion) {
  /* 200 000 nested quotes would overflow a recursive walk. */
  newsdoc_doc *d;
  newsdoc_doc_new(&d);
  newsdoc_node *parent = newsdoc_doc_root(d);
  for (int i = 0; i < 200000; i++) {
    newsdoc_node *q = mk(NEWSDOC_NODE_BLOCKQUOTE);
    cr_assert_eq(newsdoc_node_append_child(parent, q), 0);
    parent = q;
  }
  newsdoc_doc *c;
  cr_assert_eq(newsdoc_doc_clone(&c, d), 0);
  char *s;
  cr_assert_eq(newsdoc_node_text(newsdoc_doc_root(c), &s, NULL), 0);
  newsdoc_free(s);
  newsdoc_doc_free(c);
  newsdoc_doc_free(d);
}

Test(model, plain_text_of_a_node) {
  newsdoc_node *sec = mk(NEWSDOC_NODE_SECTION), *h = mk(NEWSDOC_NODE_HEADING), *p = mk(NEWSDOC_NODE_PARAGRAPH);
  newsdoc_node *em = mk(NEWSDOC_NODE_EMPH), *note = mk(NEWSDOC_NODE_NOTE), *np = mk(NEWSDOC_NODE_PARAGRAPH);
  newsdoc_node_append_child(sec, h);
  newsdoc_node_append_child(h, mktext("عنوان"));
  newsdoc_node_append_child(sec, p);
  newsdoc_node_append_child(p, mktext("نص "));
  newsdoc_node_append_child(p, em);
  newsdoc_node_append_child(em, mktext("مائل"));
  newsdoc_node_append_child(p, mk(NEWSDOC_NODE_SOFT_BREAK));
  newsdoc_node_append_child(p, note);
  newsdoc_node_append_child(note, np);
  newsdoc_node_append_child(np, mktext("hidden note"));
  newsdoc_node_append_child(p, mktext("۱۲۳"));
  char *s;
  size_t len;
  cr_assert_eq(newsdoc_node_text(sec, &s, &len), 0);
  cr_assert_str_eq(s, "عنوان\nنص مائل ۱۲۳");
  cr_assert_eq(len, strlen(s));
  newsdoc_free(s);
  cr_assert_eq(newsdoc_node_text(note, &s, NULL), 0);
  cr_assert_str_eq(s, "hidden note", "a note's own text");
  newsdoc_free(s);
  cr_assert_eq(newsdoc_node_section_heading(sec), h);
  newsdoc_node_free(sec);
}
