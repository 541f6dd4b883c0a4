/* reader.c - JSON (schema version 1) into the model. */
#include <stdio.h>
#include <stdlib.h>

#include "json.h"
#include "value.h"

static int bad(const char *where, const char *what) {
  return newsdoc_error_set(NEWSDOC_EMALFORMED, "json: %s: %s", where, what);
}

static int get_int(const nd_jv *o, const char *k, long min, long max, long dflt, long *out, const char *where) {
  const nd_jv *v = nd_jv_get(o, k);
  if (!v) { *out = dflt; return 0; }
  if (v->type != JV_NUMBER) return bad(where, "a number was expected");
  char *end;
  long x = strtol(v->str, &end, 10);
  if (*end || x < min || x > max) return bad(where, "a whole number is out of range");
  *out = x;
  return 0;
}

static const char *get_str(const nd_jv *o, const char *k) {
  const nd_jv *v = nd_jv_get(o, k);
  return v && v->type == JV_STRING ? v->str : NULL;
}

static int check_strings(const nd_jv *o, const char *where) {
  static const char *const S[] = {"type", "lang", "dir", "id", "url", "title", "info", "text", "list_type"};
  for (size_t i = 0; i < sizeof S / sizeof *S; i++) {
    const nd_jv *v = nd_jv_get(o, S[i]);
    if (v && v->type != JV_STRING) return bad(where, "a string was expected");
    if (v && i != 7 && memchr(v->str, 0, v->len)) return bad(where, "NUL in a string");
  }
  return 0;
}

/* Builds one node from its object (without children). */
static int make_node(const nd_jv *o, newsdoc_node **out, const char *where) {
  *out = NULL;
  if (o->type != JV_OBJECT) return bad(where, "a node must be an object");
  int rc = check_strings(o, where);
  if (rc) return rc;
  newsdoc_node_type t = newsdoc_node_type_from_name(get_str(o, "type"));
  if (t == NEWSDOC_NODE_NONE || t == NEWSDOC_NODE_BODY) return bad(where, "unknown node type");
  newsdoc_node *n = nd_node_alloc(t);
  if (!n) return nd_oom("json");
  long x = 0;
  const char *s;
  if (t == NEWSDOC_NODE_SECTION) {
    if ((rc = get_int(o, "level", 1, 6, 1, &x, where))) goto fail;
    n->level = (int)x;
  }
  if (t == NEWSDOC_NODE_LIST) {
    s = get_str(o, "list_type");
    if (s && strcmp(s, "bullet") && strcmp(s, "ordered")) { rc = bad(where, "list_type is bullet or ordered"); goto fail; }
    n->list_type = s && !strcmp(s, "ordered") ? NEWSDOC_LIST_ORDERED : NEWSDOC_LIST_BULLET;
    if ((rc = get_int(o, "start", 0, 999999999, 1, &x, where))) goto fail;
    n->start = (int)x;
    const nd_jv *tight = nd_jv_get(o, "tight");
    if (tight && tight->type == JV_FALSE) n->flags &= (uint8_t)~ND_NODE_TIGHT;
  }
  if (t == NEWSDOC_NODE_TABLE) {
    const nd_jv *a = nd_jv_get(o, "aligns");
    if (a) {
      if (a->type != JV_ARRAY || a->n > 10000) { rc = bad(where, "aligns must be an array"); goto fail; }
      newsdoc_align tmp[64], *al = a->n <= 64 ? tmp : nd_malloc(a->n * sizeof *al);
      if (!al) { rc = nd_oom("json"); goto fail; }
      for (size_t i = 0; i < a->n; i++) {
        const char *v = a->items[i]->type == JV_STRING ? a->items[i]->str : "";
        al[i] = !strcmp(v, "start") ? NEWSDOC_ALIGN_START : !strcmp(v, "center") ? NEWSDOC_ALIGN_CENTER
              : !strcmp(v, "end") ? NEWSDOC_ALIGN_END : NEWSDOC_ALIGN_DEFAULT;
        if (al[i] == NEWSDOC_ALIGN_DEFAULT && strcmp(v, "default")) { rc = bad(where, "unknown alignment"); break; }
      }
      if (!rc) rc = newsdoc_node_set_column_aligns(n, al, a->n);
      if (al != tmp) nd_free(al);
      if (rc) goto fail;
    }
  }
  if (t == NEWSDOC_NODE_TABLE_ROW) {
    const nd_jv *h = nd_jv_get(o, "header");
    if (h && h->type == JV_TRUE) n->flags |= ND_NODE_HEADER;
  }
  if (t == NEWSDOC_NODE_TABLE_CELL) {
    long cs = 1, rs = 1;
    if ((rc = get_int(o, "colspan", 1, 1000, 1, &cs, where)) || (rc = get_int(o, "rowspan", 1, 1000, 1, &rs, where))) goto fail;
    n->colspan = (int)cs;
    n->rowspan = (int)rs;
  }
  if ((s = get_str(o, "dir"))) {
    if (!strcmp(s, "ltr")) n->dir = NEWSDOC_DIR_LTR;
    else if (!strcmp(s, "rtl")) n->dir = NEWSDOC_DIR_RTL;
    else if (!strcmp(s, "auto")) n->dir = NEWSDOC_DIR_AUTO;
    else { rc = bad(where, "dir is ltr, rtl or auto"); goto fail; }
  }
  if (((s = get_str(o, "lang")) && (rc = newsdoc_node_set_lang(n, s))) ||
      ((s = get_str(o, "id")) && (rc = newsdoc_node_set_id(n, s))) ||
      ((s = get_str(o, "url")) && (rc = newsdoc_node_set_url(n, s))) ||
      ((s = get_str(o, "title")) && (rc = newsdoc_node_set_title(n, s))) ||
      ((s = get_str(o, "info")) && (rc = newsdoc_node_set_info(n, s)))) {
    rc = rc == NEWSDOC_EUSAGE ? bad(where, "an attribute that does not apply to this node type") : rc;
    goto fail;
  }
  const nd_jv *text = nd_jv_get(o, "text");
  if (text) {
    if ((rc = newsdoc_node_set_literal(n, text->str, text->len))) {
      rc = rc == NEWSDOC_EUSAGE ? bad(where, "text does not apply to this node type") : rc;
      goto fail;
    }
  }
  *out = n;
  return 0;
fail:
  newsdoc_node_free(n);
  return rc;
}

typedef struct { const nd_jv *arr; size_t i; newsdoc_node *parent; } frame;

static int build_tree(newsdoc_doc *doc, const nd_jv *body, newsdoc_ctx *ctx) {
  if (body->type != JV_ARRAY) return bad("body", "must be an array");
  size_t cap = 64, depth = 0;
  unsigned long long max_nodes = newsdoc_ctx_limit(ctx, NEWSDOC_LIMIT_NODES), nodes = 0;
  frame *st = nd_malloc(cap * sizeof *st);
  if (!st) return nd_oom("json");
  st[depth++] = (frame){body, 0, doc->root};
  int rc = 0;
  char where[64];
  while (depth && !rc) {
    frame *f = &st[depth - 1];
    if (f->i >= f->arr->n) { depth--; continue; }
    const nd_jv *o = f->arr->items[f->i++];
    snprintf(where, sizeof where, "node %llu", nodes + 1);
    if (++nodes > max_nodes) { rc = newsdoc_error_set(NEWSDOC_ELIMIT_COUNT, "json: more than max-nodes (%llu) nodes", max_nodes); break; }
    if ((nodes & 1023) == 0 && (rc = newsdoc_ctx_check(ctx))) break;
    newsdoc_node *n;
    if ((rc = make_node(o, &n, where))) break;
    if (newsdoc_node_append_child(f->parent, n)) {
      char msg[128];
      snprintf(msg, sizeof msg, "a %s cannot hold a %s", newsdoc_node_type_name(f->parent->type), newsdoc_node_type_name(n->type));
      newsdoc_node_free(n);
      rc = bad(where, msg);
      break;
    }
    const nd_jv *kids = nd_jv_get(o, "children");
    if (!kids) continue;
    if (kids->type != JV_ARRAY) { rc = bad(where, "children must be an array"); break; }
    if (!kids->n) continue;
    if ((rc = nd_check_depth(ctx, depth, where))) break;
    if (depth == cap) {
      frame *p = nd_realloc(st, cap * 2 * sizeof *st);
      if (!p) { rc = nd_oom("json"); break; }
      st = p;
      cap *= 2;
    }
    st[depth++] = (frame){kids, 0, n};
  }
  nd_free(st);
  return rc;
}

int nd_json_read(newsdoc_doc **out, const char *data, size_t len, newsdoc_ctx *ctx, void *ud) {
  (void)ud;
  nd_jv *root = NULL;
  size_t max_depth = (size_t)newsdoc_ctx_limit(ctx, NEWSDOC_LIMIT_DEPTH) * 2 + 8;
  int rc = nd_jv_parse(&root, data, len, max_depth, ctx);
  if (rc) return rc;
  newsdoc_doc *doc = NULL;
  if (root->type != JV_OBJECT) { rc = bad("top level", "an object was expected"); goto done; }
  const nd_jv *ver = nd_jv_get(root, "newsdoc");
  if (!ver || ver->type != JV_NUMBER) { rc = bad("top level", "no \"newsdoc\" schema version"); goto done; }
  double version = strtod(ver->str, NULL);
  if (!(version == (double)ND_JSON_SCHEMA_VERSION)) {
    rc = newsdoc_error_set(NEWSDOC_EUNSUPPORTED, "json: schema version %s is not supported (this library reads %d)",
                           ver->str, ND_JSON_SCHEMA_VERSION);
    goto done;
  }
  if ((rc = newsdoc_doc_new(&doc))) goto done;
  const nd_jv *meta = nd_jv_get(root, "meta");
  if (meta) {
    if (meta->type != JV_ARRAY) { rc = bad("meta", "must be an array"); goto done; }
    for (size_t i = 0; i < meta->n && !rc; i++) {
      const nd_jv *e = meta->items[i];
      if (e->type != JV_ARRAY || e->n != 2 || e->items[0]->type != JV_STRING || e->items[1]->type != JV_STRING ||
          !e->items[0]->len || memchr(e->items[0]->str, 0, e->items[0]->len) || memchr(e->items[1]->str, 0, e->items[1]->len)) {
        rc = bad("meta", "each entry is [\"key\", \"value\"] with no NUL");
        break;
      }
      rc = newsdoc_meta_add(doc, e->items[0]->str, e->items[1]->str, e->items[1]->len);
    }
    if (rc) goto done;
  }
  const nd_jv *media = nd_jv_get(root, "media");
  if (media) {
    if (media->type != JV_ARRAY) { rc = bad("media", "must be an array"); goto done; }
    for (size_t i = 0; i < media->n && !rc; i++) {
      const nd_jv *m = media->items[i];
      const char *name = get_str(m, "name"), *mime = get_str(m, "mime");
      const nd_jv *b64 = nd_jv_get(m, "data");
      if (!name || !b64 || b64->type != JV_STRING) { rc = bad("media", "each item has name, mime and data"); break; }
      nd_buf bytes = ND_BUF_INIT;
      rc = nd_base64_decode(&bytes, b64->str, b64->len);
      if (!rc) {
        rc = newsdoc_media_add(doc, name, mime, bytes.data ? bytes.data : "", bytes.len);
        if (rc == NEWSDOC_EUSAGE || rc == NEWSDOC_EEXISTS) rc = bad("media", "a bad or repeated media name");
      } else if (rc == NEWSDOC_EMALFORMED) {
        nd_error_prefix("json: media %s", name);
      }
      nd_buf_free(&bytes);
    }
    if (rc) goto done;
  }
  const nd_jv *body = nd_jv_get(root, "body");
  if (body) rc = build_tree(doc, body, ctx);
done:
  nd_jv_free(root);
  if (rc) {
    newsdoc_doc_free(doc);
    return rc;
  }
  *out = doc;
  return 0;
}
