#include "testutil.h"

#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *tu_shared(const char *rel) {
  static _Thread_local char path[4096];
  const char *base = getenv("NEWSDOC_SHARED");
  if (!base) return NULL;
  snprintf(path, sizeof path, "%s/%s", base, rel);
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fclose(f);
  return path;
}

char *tu_read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  size_t cap = 1 << 16, n = 0;
  char *buf = malloc(cap + 1);
  size_t got;
  while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
    n += got;
    if (n == cap) {
      char *p = realloc(buf, cap * 2 + 1);
      if (!p) { free(buf); buf = NULL; break; }
      buf = p;
      cap *= 2;
    }
  }
  fclose(f);
  if (buf) buf[n] = 0;
  if (len) *len = n;
  return buf;
}

char *tu_json(const newsdoc_doc *doc) {
  char *out = NULL;
  size_t len;
  if (newsdoc_write(doc, "json", NULL, &out, &len)) return NULL;
  char *copy = malloc(len + 1);
  memcpy(copy, out, len + 1);
  newsdoc_free(out);
  return copy;
}

char *tu_outline(const newsdoc_doc *doc) {
  size_t cap = 4096, n = 0;
  char *o = malloc(cap);
  o[0] = 0;
#define PUT(...)                                                       \
  do {                                                                 \
    int k_ = snprintf(NULL, 0, __VA_ARGS__);                           \
    while (n + (size_t)k_ + 1 > cap) o = realloc(o, cap *= 2);         \
    snprintf(o + n, cap - n, __VA_ARGS__);                             \
    n += (size_t)k_;                                                   \
  } while (0)
  const char *lang = newsdoc_meta_get(doc, "lang"), *dir = newsdoc_meta_get(doc, "dir"),
             *byline = newsdoc_meta_get(doc, "byline");
  PUT("lang: %s\ndir: %s\nbyline: %s\n", lang ? lang : "", dir ? dir : "", byline ? byline : "");
  newsdoc_iter *it;
  newsdoc_iter_new(&it, newsdoc_doc_root((newsdoc_doc *)doc));
  newsdoc_event ev;
  while ((ev = newsdoc_iter_next(it)) != NEWSDOC_EVENT_DONE) {
    newsdoc_node *nd = newsdoc_iter_node(it);
    if (ev != NEWSDOC_EVENT_ENTER) continue;
    newsdoc_node_type t = newsdoc_node_get_type(nd);
    if (t == NEWSDOC_NODE_HEADING) {
      char *text;
      newsdoc_node_text(nd, &text, NULL);
      PUT("H%d %s\n", newsdoc_node_get_level(newsdoc_node_parent(nd)), text);
      newsdoc_free(text);
    } else if (t == NEWSDOC_NODE_PARAGRAPH) {
      newsdoc_node_type pt = newsdoc_node_get_type(newsdoc_node_parent(nd));
      if (pt == NEWSDOC_NODE_BODY || pt == NEWSDOC_NODE_SECTION) PUT("P\n");
    }
  }
  newsdoc_iter_free(it);
  return o;
}

newsdoc_node *tu_add(newsdoc_node *parent, newsdoc_node_type t) {
  newsdoc_node *n = NULL;
  cr_assert_eq(newsdoc_node_new(&n, t), 0);
  cr_assert_eq(newsdoc_node_append_child(parent, n), 0, "%s in %s: %s", newsdoc_node_type_name(t),
               newsdoc_node_type_name(newsdoc_node_get_type(parent)), newsdoc_error_last()->message);
  return n;
}

newsdoc_node *tu_text(newsdoc_node *parent, const char *s) {
  newsdoc_node *n = tu_add(parent, NEWSDOC_NODE_TEXT);
  cr_assert_eq(newsdoc_node_set_literal(n, s, strlen(s)), 0);
  return n;
}
