/* The ENTER/EXIT iterator. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "testutil.h"

static newsdoc_node *add(newsdoc_node *parent, newsdoc_node_type t, const char *text) {
  newsdoc_node *n;
  cr_assert_eq(newsdoc_node_new(&n, t), 0);
  if (text) cr_assert_eq(newsdoc_node_set_literal(n, text, strlen(text)), 0);
  if (parent) cr_assert_eq(newsdoc_node_append_child(parent, n), 0);
  return n;
}

Test(iter, enter_exit_order) {
  newsdoc_doc *d;
  newsdoc_doc_new(&d);
  newsdoc_node *root = newsdoc_doc_root(d);
  newsdoc_node *p = add(root, NEWSDOC_NODE_PARAGRAPH, NULL);
  add(p, NEWSDOC_NODE_TEXT, "a");
  newsdoc_node *em = add(p, NEWSDOC_NODE_EMPH, NULL);
  add(em, NEWSDOC_NODE_TEXT, "b");
  add(root, NEWSDOC_NODE_THEMATIC_BREAK, NULL);
  add(root, NEWSDOC_NODE_BLOCKQUOTE, NULL);
  newsdoc_iter *it;
  cr_assert_eq(newsdoc_iter_new(&it, root), 0);
  char trace[256] = "";
  newsdoc_event ev;
  while ((ev = newsdoc_iter_next(it)) != NEWSDOC_EVENT_DONE) {
    strcat(trace, ev == NEWSDOC_EVENT_ENTER ? "+" : "-");
    strcat(trace, newsdoc_node_type_name(newsdoc_node_get_type(newsdoc_iter_node(it))));
    char dep[8];
    snprintf(dep, sizeof dep, "%zu ", newsdoc_iter_depth(it));
    strcat(trace, dep);
  }
  cr_assert_str_eq(trace, "+body0 +paragraph1 +text2 +emph2 +text3 -emph2 -paragraph1 +thematic_break1 "
                          "+blockquote1 -blockquote1 -body0 ");
  cr_assert_eq(newsdoc_iter_next(it), NEWSDOC_EVENT_DONE, "DONE is sticky");
  newsdoc_iter_free(it);
  newsdoc_doc_free(d);
}

Test(iter, subtree_and_reset) {
  newsdoc_node *p = add(NULL, NEWSDOC_NODE_PARAGRAPH, NULL);
  newsdoc_node *em = add(p, NEWSDOC_NODE_EMPH, NULL);
  add(em, NEWSDOC_NODE_TEXT, "x");
  add(p, NEWSDOC_NODE_TEXT, "y");
  newsdoc_iter *it;
  newsdoc_iter_new(&it, em);
  int n = 0;
  while (newsdoc_iter_next(it) != NEWSDOC_EVENT_DONE) n++;
  cr_assert_eq(n, 3, "a subtree iterator left its root");
  newsdoc_iter_free(it);
  newsdoc_iter_new(&it, p);
  newsdoc_iter_next(it);
  newsdoc_iter_next(it); /* enter emph */
  newsdoc_iter_reset(it, em, NEWSDOC_EVENT_EXIT); /* skip its children */
  cr_assert_eq(newsdoc_iter_event(it), NEWSDOC_EVENT_EXIT);
  cr_assert_eq(newsdoc_iter_next(it), NEWSDOC_EVENT_ENTER);
  size_t len;
  cr_assert_str_eq(newsdoc_node_get_literal(newsdoc_iter_node(it), &len), "y");
  newsdoc_iter_free(it);
  newsdoc_node_free(p);
}

Test(iter, removing_exited_nodes_is_safe) {
  newsdoc_doc *d;
  newsdoc_doc_new(&d);
  newsdoc_node *root = newsdoc_doc_root(d);
  for (int i = 0; i < 5; i++) add(add(root, NEWSDOC_NODE_PARAGRAPH, NULL), NEWSDOC_NODE_TEXT, "t");
  newsdoc_iter *it;
  newsdoc_iter_new(&it, root);
  newsdoc_event ev;
  newsdoc_node *prev_exited = NULL;
  int paragraphs = 0;
  while ((ev = newsdoc_iter_next(it)) != NEWSDOC_EVENT_DONE) {
    if (prev_exited) { newsdoc_node_free(prev_exited); prev_exited = NULL; }
    newsdoc_node *n = newsdoc_iter_node(it);
    if (ev == NEWSDOC_EVENT_EXIT && newsdoc_node_get_type(n) == NEWSDOC_NODE_PARAGRAPH) { paragraphs++; prev_exited = n; }
  }
  cr_assert_eq(paragraphs, 5);
  cr_assert_eq(newsdoc_node_child_count(root), 0);
  newsdoc_iter_free(it);
  newsdoc_doc_free(d);
}
