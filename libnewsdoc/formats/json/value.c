/* value.c - an iterative JSON parser (RFC 8259) into nd_jv trees. */
#include <stdlib.h>

#include "value.h"

typedef struct {
  const char *s;
  size_t len, pos;
  newsdoc_ctx *ctx;
} lexer;

static int fail(const lexer *lx, const char *what) {
  size_t line = 1, col = 1;
  for (size_t i = 0; i < lx->pos && i < lx->len; i++) {
    if (lx->s[i] == '\n') { line++; col = 1; }
    else col++;
  }
  return newsdoc_error_set(NEWSDOC_EMALFORMED, "json: line %zu, column %zu: %s", line, col, what);
}

static void skip_ws(lexer *lx) {
  while (lx->pos < lx->len) {
    char c = lx->s[lx->pos];
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') break;
    lx->pos++;
  }
}

void nd_jv_free(nd_jv *root) {
  /* Iterative: children are pushed on a work list kept in a growing array. */
  if (!root) return;
  nd_jv **stack = NULL;
  size_t n = 0, cap = 0;
  nd_jv *v = root;
  for (;;) {
    for (size_t i = 0; i < v->n; i++) {
      if (v->keys) nd_free(v->keys[i]);
      if (n == cap) {
        size_t nc = cap ? cap * 2 : 64;
        nd_jv **p = nd_realloc(stack, nc * sizeof *p);
        if (!p) { /* cannot grow: free this child's subtree the slow way */
          nd_jv_free(v->items[i]);
          continue;
        }
        stack = p;
        cap = nc;
      }
      stack[n++] = v->items[i];
    }
    nd_free(v->items);
    nd_free(v->keys);
    nd_free(v->str);
    nd_free(v);
    if (!n) break;
    v = stack[--n];
  }
  nd_free(stack);
}

static nd_jv *new_value(nd_jv_type t) {
  nd_jv *v = nd_calloc(1, sizeof *v);
  if (v) v->type = t;
  return v;
}

static int push_item(nd_jv *c, char *key, nd_jv *item) {
  if (c->n == c->cap) {
    /* items and keys grow together; c->cap changes once both have */
    size_t icap = c->cap, kcap = c->cap;
    if (nd_grow(&c->items, &icap, c->n, sizeof *c->items, 4, "json")) return -1;
    if (c->type == JV_OBJECT && nd_grow(&c->keys, &kcap, c->n, sizeof *c->keys, 4, "json")) return -1;
    c->cap = icap;
  }
  c->items[c->n] = item;
  if (c->type == JV_OBJECT) c->keys[c->n] = key;
  c->n++;
  return 0;
}

static int hex4(const char *p, uint32_t *out) {
  uint32_t v = 0;
  for (int i = 0; i < 4; i++) {
    char c = p[i];
    v <<= 4;
    if (c >= '0' && c <= '9') v |= (uint32_t)(c - '0');
    else if (c >= 'a' && c <= 'f') v |= (uint32_t)(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F') v |= (uint32_t)(c - 'A' + 10);
    else return -1;
  }
  *out = v;
  return 0;
}

/* Reads a string at lx->pos (on the opening quote). */
static int read_string(lexer *lx, char **out, size_t *len_out) {
  nd_buf b = ND_BUF_INIT;
  size_t i = lx->pos + 1, start = i;
  int bad_utf8 = 0;
  for (;;) {
    if (i >= lx->len) { lx->pos = i; nd_buf_free(&b); return fail(lx, "unterminated string"); }
    unsigned char c = (unsigned char)lx->s[i];
    if (c == '"') break;
    if (c < 0x20) { lx->pos = i; nd_buf_free(&b); return fail(lx, "control character in a string"); }
    if (c == '\\') {
      nd_buf_put(&b, lx->s + start, i - start);
      if (i + 1 >= lx->len) { lx->pos = i; nd_buf_free(&b); return fail(lx, "unterminated escape"); }
      char e = lx->s[i + 1];
      i += 2;
      switch (e) {
      case '"': nd_buf_putc(&b, '"'); break;
      case '\\': nd_buf_putc(&b, '\\'); break;
      case '/': nd_buf_putc(&b, '/'); break;
      case 'b': nd_buf_putc(&b, '\b'); break;
      case 'f': nd_buf_putc(&b, '\f'); break;
      case 'n': nd_buf_putc(&b, '\n'); break;
      case 'r': nd_buf_putc(&b, '\r'); break;
      case 't': nd_buf_putc(&b, '\t'); break;
      case 'u': {
        uint32_t cp, lo;
        if (i + 4 > lx->len || hex4(lx->s + i, &cp)) { lx->pos = i; nd_buf_free(&b); return fail(lx, "bad \\u escape"); }
        i += 4;
        if (cp >= 0xD800 && cp <= 0xDBFF && i + 6 <= lx->len && lx->s[i] == '\\' && lx->s[i + 1] == 'u' &&
            !hex4(lx->s + i + 2, &lo) && lo >= 0xDC00 && lo <= 0xDFFF) {
          cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          i += 6;
        } else if (cp >= 0xD800 && cp <= 0xDFFF) {
          cp = 0xFFFD;
          bad_utf8 = 1;
        }
        if (cp == 0) { cp = 0xFFFD; bad_utf8 = 1; } /* no NUL inside model strings */
        nd_buf_put_utf8(&b, cp);
        break;
      }
      default: lx->pos = i - 1; nd_buf_free(&b); return fail(lx, "unknown escape");
      }
      start = i;
      continue;
    }
    i++;
  }
  nd_buf_put(&b, lx->s + start, i - start);
  lx->pos = i + 1;
  if (b.failed) return nd_oom("json string");
  if (!b.data) nd_buf_reserve(&b, 0);
  if (b.failed) return nd_oom("json string");
  if (!nd_utf8_valid(b.data, b.len)) {
    nd_buf s2 = ND_BUF_INIT;
    nd_utf8_sanitize(&s2, b.data, b.len);
    nd_buf_free(&b);
    if (s2.failed || !s2.data) { nd_buf_free(&s2); return nd_oom("json string"); }
    b = s2;
    bad_utf8 = 1;
  }
  if (bad_utf8) newsdoc_ctx_warn(lx->ctx, "invalid UTF-8 or a lone surrogate in a string replaced with U+FFFD");
  *len_out = b.len;
  *out = nd_buf_detach(&b, NULL);
  return *out ? 0 : nd_oom("json string");
}

static int read_number(lexer *lx, nd_jv *v) {
  size_t i = lx->pos;
  const char *s = lx->s;
  if (i < lx->len && s[i] == '-') i++;
  if (i < lx->len && s[i] == '0') i++;
  else if (i < lx->len && s[i] >= '1' && s[i] <= '9') while (i < lx->len && s[i] >= '0' && s[i] <= '9') i++;
  else return fail(lx, "bad number");
  if (i < lx->len && s[i] == '.') {
    i++;
    if (i >= lx->len || s[i] < '0' || s[i] > '9') return fail(lx, "bad number");
    while (i < lx->len && s[i] >= '0' && s[i] <= '9') i++;
  }
  if (i < lx->len && (s[i] == 'e' || s[i] == 'E')) {
    i++;
    if (i < lx->len && (s[i] == '+' || s[i] == '-')) i++;
    if (i >= lx->len || s[i] < '0' || s[i] > '9') return fail(lx, "bad number");
    while (i < lx->len && s[i] >= '0' && s[i] <= '9') i++;
  }
  if (i - lx->pos > 64) return fail(lx, "number too long");
  v->str = nd_strndup(s + lx->pos, i - lx->pos);
  if (!v->str) return nd_oom("json number");
  v->len = i - lx->pos;
  lx->pos = i;
  return 0;
}

int nd_jv_parse(nd_jv **out, const char *s, size_t len, size_t max_depth, newsdoc_ctx *ctx) {
  lexer lx = {s, len, 0, ctx};
  nd_jv **stack = NULL;
  size_t depth = 0, cap = 0;
  nd_jv *root = NULL;
  char *key = NULL;
  int rc = 0;
  *out = NULL;
  if (len >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3)) lx.pos = 3;
  for (;;) {
    skip_ws(&lx);
    nd_jv *top = depth ? stack[depth - 1] : NULL;
    if (top && top->type == JV_OBJECT && !key) {
      /* expecting a key or the end of the object */
      if (lx.pos < len && s[lx.pos] == '}' ) {
        if (top->n && !top->keys) { rc = fail(&lx, "internal"); break; }
        lx.pos++;
        depth--;
        goto after_value;
      }
      if (top->n) {
        if (lx.pos >= len || s[lx.pos] != ',') { rc = fail(&lx, "expected , or }"); break; }
        lx.pos++;
        skip_ws(&lx);
      }
      if (lx.pos >= len || s[lx.pos] != '"') { rc = fail(&lx, "expected a key"); break; }
      size_t klen;
      if ((rc = read_string(&lx, &key, &klen))) break;
      skip_ws(&lx);
      if (lx.pos >= len || s[lx.pos] != ':') { rc = fail(&lx, "expected :"); break; }
      lx.pos++;
      continue;
    }
    if (top && top->type == JV_ARRAY) {
      if (lx.pos < len && s[lx.pos] == ']') {
        lx.pos++;
        depth--;
        goto after_value;
      }
      if (top->n) {
        if (lx.pos >= len || s[lx.pos] != ',') { rc = fail(&lx, "expected , or ]"); break; }
        lx.pos++;
        skip_ws(&lx);
      }
    }
    /* a value */
    if (lx.pos >= len) { rc = fail(&lx, "unexpected end of input"); break; }
    {
      char c = s[lx.pos];
      nd_jv *v = NULL;
      if (c == '{' || c == '[') {
        v = new_value(c == '{' ? JV_OBJECT : JV_ARRAY);
        lx.pos++;
      } else if (c == '"') {
        v = new_value(JV_STRING);
        if (v && (rc = read_string(&lx, &v->str, &v->len))) { nd_jv_free(v); break; }
      } else if (c == '-' || (c >= '0' && c <= '9')) {
        v = new_value(JV_NUMBER);
        if (v && (rc = read_number(&lx, v))) { nd_jv_free(v); break; }
      } else if (len - lx.pos >= 4 && !memcmp(s + lx.pos, "true", 4)) { v = new_value(JV_TRUE); lx.pos += 4; }
      else if (len - lx.pos >= 5 && !memcmp(s + lx.pos, "false", 5)) { v = new_value(JV_FALSE); lx.pos += 5; }
      else if (len - lx.pos >= 4 && !memcmp(s + lx.pos, "null", 4)) { v = new_value(JV_NULL); lx.pos += 4; }
      else { rc = fail(&lx, "unexpected character"); break; }
      if (!v) { rc = nd_oom("json"); break; }
      if (top) {
        if (push_item(top, key, v)) { nd_jv_free(v); rc = nd_oom("json"); break; }
        key = NULL;
      } else {
        root = v;
      }
      if (v->type == JV_OBJECT || v->type == JV_ARRAY) {
        if (depth >= max_depth) { rc = newsdoc_error_set(NEWSDOC_ELIMIT_DEPTH, "json: nesting deeper than %zu", max_depth); break; }
        if (nd_grow(&stack, &cap, depth, sizeof *stack, 32, "json")) { rc = NEWSDOC_ENOMEM; break; }
        stack[depth++] = v;
        if ((depth & 63) == 0 && (rc = newsdoc_ctx_check(ctx))) break;
        continue;
      }
    }
  after_value:
    if (depth == 0) {
      skip_ws(&lx);
      if (lx.pos != len) rc = fail(&lx, "trailing characters after the value");
      break;
    }
  }
  nd_free(key);
  nd_free(stack);
  if (rc) {
    nd_jv_free(root);
    return rc;
  }
  *out = root;
  return 0;
}

const nd_jv *nd_jv_get(const nd_jv *o, const char *key) {
  if (!o || o->type != JV_OBJECT) return NULL;
  for (size_t i = 0; i < o->n; i++)
    if (!strcmp(o->keys[i], key)) return o->items[i];
  return NULL;
}
