/* frontmatter.c - YAML front matter (libyaml's event API, with the nesting
 * depth counted and bounded), and metadata values as Markdown inline text,
 * the way pandoc reads and writes them. */
#include <md4c.h>
#include <stdlib.h>
#include <yaml.h>

#include "markdown.h"

/* ---- finding the block ------------------------------------------------------------- */

static size_t line_end(const char *s, size_t len, size_t i) {
  while (i < len && s[i] != '\n') i++;
  return i;
}

static int only_ws(const char *s, size_t a, size_t b) {
  for (size_t i = a; i < b; i++)
    if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r') return 0;
  return 1;
}

int nd_md_frontmatter_find(const char *src, size_t len, size_t *yaml_off, size_t *yaml_len, size_t *body_off) {
  if (len < 4 || memcmp(src, "---", 3)) return 0;
  size_t e = line_end(src, len, 0);
  if (e >= len || !only_ws(src, 3, e)) return 0;
  size_t start = e + 1;
  size_t e2 = line_end(src, len, start);
  if (only_ws(src, start, e2)) return 0; /* "---" then a blank line: a thematic break */
  for (size_t i = start; i < len;) {
    size_t le = line_end(src, len, i);
    if (le - i >= 3 && (!memcmp(src + i, "---", 3) || !memcmp(src + i, "...", 3)) && only_ws(src, i + 3, le)) {
      *yaml_off = start;
      *yaml_len = i - start;
      *body_off = le < len ? le + 1 : le;
      return 1;
    }
    i = le + 1;
  }
  return 0;
}

/* ---- Markdown inline -> plain text ------------------------------------------------- */

typedef struct {
  nd_buf *out;
  int blocks;
} plain_ctx;

static int pl_enter_block(MD_BLOCKTYPE t, void *d, void *ud) {
  plain_ctx *p = ud;
  (void)d;
  if (t == MD_BLOCK_DOC || t == MD_BLOCK_UL || t == MD_BLOCK_OL || t == MD_BLOCK_QUOTE) return 0;
  if (p->blocks++ && p->out->len && p->out->data[p->out->len - 1] != ' ') nd_buf_putc(p->out, ' ');
  return 0;
}
static int pl_leave_block(MD_BLOCKTYPE t, void *d, void *ud) { (void)t; (void)d; (void)ud; return 0; }
static int pl_span(MD_SPANTYPE t, void *d, void *ud) { (void)t; (void)d; (void)ud; return 0; }
static int pl_text(MD_TEXTTYPE t, const MD_CHAR *s, MD_SIZE n, void *ud) {
  plain_ctx *p = ud;
  if (t == MD_TEXT_ENTITY) nd_md_put_entity(p->out, s, n);
  else if (t == MD_TEXT_NULLCHAR) nd_buf_puts(p->out, "\xEF\xBF\xBD");
  else if (t == MD_TEXT_BR || t == MD_TEXT_SOFTBR) nd_buf_putc(p->out, ' ');
  else nd_buf_put(p->out, s, n);
  return 0;
}

static int needs_markdown(const char *s, size_t len) {
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c < 0x80 && c > 0x20 && strchr("\\*_`[]<>&!#~|-+=:0123456789>", c)) return 1;
    if (c == '\n' || c == '\t' || c == 0) return 1;
  }
  return len && (s[0] == ' ' || s[len - 1] == ' ');
}

int nd_md_plain(nd_buf *out, const char *s, size_t len) {
  if (!needs_markdown(s, len)) {
    nd_buf_put(out, s, len);
    return out->failed ? nd_oom("markdown: metadata") : 0;
  }
  plain_ctx p = {out, 0};
  MD_PARSER parser;
  memset(&parser, 0, sizeof parser);
  parser.flags = MD_FLAG_TABLES | MD_FLAG_STRIKETHROUGH;
  parser.enter_block = pl_enter_block;
  parser.leave_block = pl_leave_block;
  parser.enter_span = pl_span;
  parser.leave_span = pl_span;
  parser.text = pl_text;
  nd_buf copy = ND_BUF_INIT;
  int rc = nd_md_text_for_md4c(&copy, &s, len);
  if (rc) return rc;
  rc = md_parse(s, (MD_SIZE)len, &parser, &p);
  nd_buf_free(&copy);
  if (rc) return newsdoc_error_set(NEWSDOC_ENOMEM, "markdown: md4c failed on metadata");
  while (out->len && out->data[out->len - 1] == ' ') out->len--;
  return out->failed ? nd_oom("markdown: metadata") : 0;
}

/* ---- reading ---------------------------------------------------------------------- */

static const char *canonical_key(const char *k) {
  if (!strcmp(k, "authors")) return NEWSDOC_META_AUTHOR;
  if (!strcmp(k, "keywords")) return NEWSDOC_META_KEYWORD;
  return k;
}


static int add_value(newsdoc_doc *doc, const char *key, const char *v, size_t len, int append) {
  nd_buf b = ND_BUF_INIT;
  int rc = nd_md_plain(&b, v, len);
  if (!rc && b.len) {
    if (b.failed) rc = nd_oom("markdown: metadata");
    else if (append) rc = newsdoc_meta_add(doc, key, b.data, b.len);
    else rc = newsdoc_meta_set(doc, key, b.data, b.len);
  }
  nd_buf_free(&b);
  return rc;
}

int nd_md_frontmatter_read(newsdoc_doc *doc, const char *yaml, size_t len, newsdoc_ctx *ctx) {
  yaml_parser_t p;
  yaml_event_t ev;
  if (!yaml_parser_initialize(&p)) return nd_oom("markdown: YAML parser");
  yaml_parser_set_input_string(&p, (const unsigned char *)yaml, len);
  yaml_parser_set_encoding(&p, YAML_UTF8_ENCODING);
  unsigned long long max = newsdoc_ctx_limit(ctx, NEWSDOC_LIMIT_DEPTH);
  /* metadata lookups are linear in the number of entries: bound them */
  unsigned long long max_entries = newsdoc_ctx_limit(ctx, NEWSDOC_LIMIT_ATTRIBUTES), entries = 0;
  size_t depth = 0;
  int rc = 0, root_map = -1, have_key = 0, in_seq = 0, done = 0, warned = 0;
  char *key = NULL;
  size_t key_container_depth = 0; /* a container used as a key, open at this depth */
  while (!done && !rc) {
    if (!yaml_parser_parse(&p, &ev)) {
      rc = newsdoc_error_set(NEWSDOC_EMALFORMED, "markdown: front matter YAML, line %lu: %s",
                             (unsigned long)p.problem_mark.line + 2, p.problem ? p.problem : "syntax error");
      break;
    }
    switch (ev.type) {
    case YAML_STREAM_END_EVENT:
    case YAML_DOCUMENT_END_EVENT:
      done = 1;
      break;
    case YAML_MAPPING_START_EVENT:
    case YAML_SEQUENCE_START_EVENT:
      if (++depth > max) {
        rc = newsdoc_error_set(NEWSDOC_ELIMIT_DEPTH, "markdown: front matter YAML nested deeper than max-depth (%llu), line %lu",
                               max, (unsigned long)ev.start_mark.line + 2);
        break;
      }
      if (depth == 1) {
        root_map = ev.type == YAML_MAPPING_START_EVENT;
      } else if (depth == 2 && root_map == 1) {
        if (!have_key) {
          key_container_depth = 2; /* a complex key: ignored, and its value too */
          nd_free(key);
          key = NULL;
          have_key = 1;
        } else if (ev.type == YAML_SEQUENCE_START_EVENT && key) {
          in_seq = 1;
        } else if (key && !warned++) {
          newsdoc_ctx_warn(ctx, "markdown: front matter key '%s' holds a mapping; skipped", key);
        }
      }
      break;
    case YAML_MAPPING_END_EVENT:
    case YAML_SEQUENCE_END_EVENT:
      if (depth == 2 && root_map == 1) {
        if (key_container_depth == 2) key_container_depth = 0; /* the key ends; its value follows */
        else { have_key = 0; in_seq = 0; }
      }
      if (depth) depth--;
      break;
    case YAML_SCALAR_EVENT: {
      const char *v = (const char *)ev.data.scalar.value;
      size_t vl = ev.data.scalar.length;
      if (++entries > 2 * max_entries) {
        rc = newsdoc_error_set(NEWSDOC_ELIMIT_COUNT,
                               "markdown: front matter has more than max-attributes (%llu) entries, line %lu",
                               max_entries, (unsigned long)ev.start_mark.line + 2);
        break;
      }
      if (depth == 0) {
        root_map = 0;
      } else if (depth == 1 && root_map == 1) {
        if (!have_key) {
          nd_free(key);
          key = NULL;
          if (vl && !memchr(v, 0, vl) && nd_utf8_valid(v, vl)) {
            key = nd_strndup(v, vl);
            if (!key) rc = nd_oom("markdown: front matter");
          }
          have_key = 1;
        } else {
          if (key) {
            const char *k = canonical_key(key);
            rc = add_value(doc, k, v, vl, 0);
          }
          have_key = 0;
        }
      } else if (depth == 2 && in_seq && key) {
        rc = add_value(doc, canonical_key(key), v, vl, 1);
      }
      break;
    }
    case YAML_ALIAS_EVENT:
      if (depth == 1 && root_map == 1) {
        if (have_key) have_key = 0;
        else { nd_free(key); key = NULL; have_key = 1; }
      }
      break;
    default:
      break;
    }
    yaml_event_delete(&ev);
  }
  nd_free(key);
  yaml_parser_delete(&p);
  if (rc) return rc;
  return root_map == 1 ? 0 : 1;
}

/* ---- writing ---------------------------------------------------------------------- */

/* Characters YAML 1.1 allows in a document (c-printable); others are
 * dropped from what the writer puts in the front matter. */
static int yaml_printable(uint32_t c) {
  return c == 0x9 || (c >= 0x20 && c <= 0x7E) || c == 0x85 || (c >= 0xA0 && c <= 0xD7FF) ||
         (c >= 0xE000 && c <= 0xFFFD && c != 0xFEFF) || (c >= 0x10000 && c <= 0x10FFFF);
}

/* s inside single quotes: ' doubled, line breaks as spaces, characters
 * YAML forbids dropped. */
static void put_single_quoted(nd_buf *out, const char *s, size_t len) {
  nd_buf_putc(out, '\'');
  for (size_t i = 0; i < len;) {
    size_t start = i;
    uint32_t c = nd_utf8_next(s, len, &i);
    if (c == '\n' || c == '\r' || c == 0x85 || c == 0x2028 || c == 0x2029) c = ' ';
    if (!yaml_printable(c)) continue;
    if (c == '\'') nd_buf_putc(out, '\'');
    if (c == ' ' && (s[start] != ' ')) nd_buf_putc(out, ' ');
    else nd_buf_put(out, s + start, i - start);
  }
  nd_buf_putc(out, '\'');
}

static void put_yaml_key(nd_buf *out, const char *k) {
  int plain = (k[0] >= 'a' && k[0] <= 'z') || (k[0] >= 'A' && k[0] <= 'Z') || k[0] == '_';
  for (const char *p = k; plain && *p; p++)
    plain = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_' || *p == '-';
  if (plain) nd_buf_puts(out, k);
  else put_single_quoted(out, k, strlen(k));
  nd_buf_putc(out, ':');
}

/* A value: Markdown-escaped (pandoc reads metadata as Markdown), then a
 * single-quoted YAML scalar (only ' needs doubling there). */
static void put_yaml_value(nd_buf *out, const char *v) {
  nd_buf esc = ND_BUF_INIT;
  nd_buf flat = ND_BUF_INIT;
  for (const char *p = v; *p; p++) {
    unsigned char c = (unsigned char)*p;
    nd_buf_putc(&flat, c == '\n' || c == '\r' || c == '\t' ? ' ' : (char)c);
  }
  size_t s = 0, e = flat.len;
  while (s < e && flat.data[s] == ' ') s++;
  while (e > s && flat.data[e - 1] == ' ') e--;
  if (e > s) nd_md_escape_text(&esc, flat.data + s, e - s, 1, 0);
  put_single_quoted(out, esc.data ? esc.data : "", esc.len);
  if (esc.failed || flat.failed) out->failed = 1;
  nd_buf_free(&esc);
  nd_buf_free(&flat);
}

typedef struct {
  const char *key;
  size_t index;
} fm_ent;

static int cmp_ent(const void *a, const void *b) {
  const fm_ent *x = a, *y = b;
  int c = strcmp(x->key, y->key);
  return c ? c : x->index < y->index ? -1 : x->index > y->index;
}

static int cmp_first(const void *a, const void *b) {
  const fm_ent *x = *(const fm_ent *const *)a, *y = *(const fm_ent *const *)b;
  return x->index < y->index ? -1 : x->index > y->index;
}

/* Keys in order of first appearance, each with all its values (a list when
 * there are several): sorted, so O(n log n) in the number of entries. */
void nd_md_frontmatter_write(const newsdoc_doc *doc, nd_buf *out) {
  size_t n = newsdoc_meta_entry_count(doc);
  if (!n) return;
  fm_ent *e = nd_malloc(n * sizeof *e);
  const fm_ent **groups = nd_malloc(n * sizeof *groups);
  if (!e || !groups) {
    nd_free(e);
    nd_free((void *)groups);
    out->failed = 1;
    return;
  }
  for (size_t i = 0; i < n; i++) {
    const char *v;
    newsdoc_meta_entry(doc, i, &e[i].key, &v);
    e[i].index = i;
  }
  qsort(e, n, sizeof *e, cmp_ent);
  size_t ng = 0;
  for (size_t i = 0; i < n; i++)
    if (!i || strcmp(e[i].key, e[i - 1].key)) groups[ng++] = &e[i];
  qsort((void *)groups, ng, sizeof *groups, cmp_first);
  nd_buf_puts(out, "---\n");
  for (size_t g = 0; g < ng; g++) {
    const fm_ent *first = groups[g];
    size_t count = 1;
    while (first + count < e + n && !strcmp(first[count].key, first->key)) count++;
    const char *k = first->key;
    put_yaml_key(out, !strcmp(k, NEWSDOC_META_KEYWORD) ? "keywords" : k);
    for (size_t j = 0; j < count; j++) {
      const char *kk, *v;
      newsdoc_meta_entry(doc, first[j].index, &kk, &v);
      nd_buf_puts(out, count == 1 ? " " : j ? "- " : "\n- ");
      put_yaml_value(out, v);
      nd_buf_putc(out, '\n');
    }
  }
  nd_buf_puts(out, "---\n\n");
  nd_free(e);
  nd_free((void *)groups);
}
