/* writer.c - the model as JSON (schema: docs/json-schema.md).  The output
 * is canonical: keys in a fixed order, defaults left out, so reading it
 * back and writing again gives the same bytes. */
#include "../../internal.h"
#include "json.h"

static void put_str(nd_buf *b, const char *s, size_t len) {
  static const char hex[] = "0123456789abcdef";
  nd_buf_putc(b, '"');
  size_t start = 0;
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)s[i];
    const char *rep = NULL;
    char u[7];
    if (c == '"') rep = "\\\"";
    else if (c == '\\') rep = "\\\\";
    else if (c == '\n') rep = "\\n";
    else if (c == '\t') rep = "\\t";
    else if (c == '\r') rep = "\\r";
    else if (c < 0x20) {
      u[0] = '\\'; u[1] = 'u'; u[2] = '0'; u[3] = '0'; u[4] = hex[c >> 4]; u[5] = hex[c & 15]; u[6] = 0;
      rep = u;
    }
    if (!rep) continue;
    nd_buf_put(b, s + start, i - start);
    nd_buf_puts(b, rep);
    start = i + 1;
  }
  nd_buf_put(b, s + start, len - start);
  nd_buf_putc(b, '"');
}

static void put_cstr(nd_buf *b, const char *s) { put_str(b, s, strlen(s)); }

static void key(nd_buf *b, const char *k) {
  nd_buf_puts(b, ",\"");
  nd_buf_puts(b, k);
  nd_buf_puts(b, "\":");
}

static const char *const DIRS[] = {"", "ltr", "rtl", "auto"};
static const char *const ALIGNS[] = {"default", "start", "center", "end"};

static void open_node(nd_buf *b, const newsdoc_node *n) {
  nd_buf_puts(b, "{\"type\":");
  put_cstr(b, newsdoc_node_type_name((newsdoc_node_type)n->type));
  switch (n->type) {
  case NEWSDOC_NODE_SECTION: key(b, "level"); nd_buf_printf(b, "%d", n->level); break;
  case NEWSDOC_NODE_LIST:
    key(b, "list_type"); put_cstr(b, n->list_type == NEWSDOC_LIST_ORDERED ? "ordered" : "bullet");
    if (n->list_type == NEWSDOC_LIST_ORDERED) { key(b, "start"); nd_buf_printf(b, "%d", n->start); }
    key(b, "tight"); nd_buf_puts(b, (n->flags & ND_NODE_TIGHT) ? "true" : "false");
    break;
  case NEWSDOC_NODE_TABLE:
    if (nd_naligns(n)) {
      key(b, "aligns");
      nd_buf_putc(b, '[');
      for (size_t i = 0; i < nd_naligns(n); i++) {
        if (i) nd_buf_putc(b, ',');
        put_cstr(b, ALIGNS[nd_aligns(n)[i] & 3]);
      }
      nd_buf_putc(b, ']');
    }
    break;
  case NEWSDOC_NODE_TABLE_ROW:
    if (n->flags & ND_NODE_HEADER) { key(b, "header"); nd_buf_puts(b, "true"); }
    break;
  case NEWSDOC_NODE_TABLE_CELL:
    if (n->colspan != 1) { key(b, "colspan"); nd_buf_printf(b, "%d", n->colspan); }
    if (n->rowspan != 1) { key(b, "rowspan"); nd_buf_printf(b, "%d", n->rowspan); }
    break;
  default: break;
  }
  if (n->lang) { key(b, "lang"); put_cstr(b, n->lang); }
  if (n->dir) { key(b, "dir"); put_cstr(b, DIRS[n->dir & 3]); }
  if (nd_id(n)) { key(b, "id"); put_cstr(b, nd_id(n)); }
  if (nd_url(n)) { key(b, "url"); put_cstr(b, nd_url(n)); }
  if (nd_title(n)) { key(b, "title"); put_cstr(b, nd_title(n)); }
  if (nd_info(n)) { key(b, "info"); put_cstr(b, nd_info(n)); }
  if (n->literal) { key(b, "text"); put_str(b, n->literal, n->literal_len); }
}

int nd_json_write(const newsdoc_doc *doc, newsdoc_sink *sink, newsdoc_ctx *ctx, void *ud) {
  (void)ud;
  int pretty = newsdoc_options_get_bool(newsdoc_ctx_options(ctx), "json-pretty", 0);
  nd_buf b = ND_BUF_INIT;
  nd_buf_printf(&b, "{\"newsdoc\":%d,\"meta\":[", ND_JSON_SCHEMA_VERSION);
  for (size_t i = 0; i < doc->nmeta; i++) {
    nd_buf_puts(&b, i ? "," : "");
    if (pretty) nd_buf_puts(&b, "\n  ");
    nd_buf_putc(&b, '[');
    put_cstr(&b, doc->meta[i].key);
    nd_buf_putc(&b, ',');
    put_cstr(&b, doc->meta[i].value);
    nd_buf_putc(&b, ']');
  }
  nd_buf_puts(&b, "],\"media\":[");
  for (size_t i = 0; i < doc->nmedia; i++) {
    nd_buf_puts(&b, i ? "," : "");
    if (pretty) nd_buf_puts(&b, "\n  ");
    nd_buf_puts(&b, "{\"name\":");
    put_cstr(&b, doc->media[i].name);
    nd_buf_puts(&b, ",\"mime\":");
    put_cstr(&b, doc->media[i].mime);
    nd_buf_puts(&b, ",\"data\":\"");
    nd_base64_encode(&b, doc->media[i].data, doc->media[i].len);
    nd_buf_puts(&b, "\"}");
  }
  nd_buf_puts(&b, "],\"body\":[");
  /* Walk the tree without recursion. */
  const newsdoc_node *root = doc->root, *n = root->first;
  size_t depth = 1;
  int first = 1;
  while (n) {
    if (!first) nd_buf_putc(&b, ',');
    if (pretty) {
      nd_buf_putc(&b, '\n');
      for (size_t k = 0; k < depth; k++) nd_buf_puts(&b, "  ");
    }
    first = 0;
    open_node(&b, n);
    if (n->first) {
      nd_buf_puts(&b, ",\"children\":[");
      n = n->first;
      depth++;
      first = 1;
      continue;
    }
    nd_buf_putc(&b, '}');
    while (n && !n->next) {
      n = n->parent;
      if (n == root) { n = NULL; break; }
      nd_buf_puts(&b, "]}");
      depth--;
    }
    if (n) n = n->next;
    if (b.len > (1u << 20)) {
      /* stream large documents out */
      int rc = nd_sink_put_buf(sink, &b);
      if (rc) { nd_buf_free(&b); return rc; }
      nd_buf_clear(&b);
    }
  }
  nd_buf_puts(&b, pretty ? "\n]}\n" : "]}\n");
  int rc = nd_sink_put_buf(sink, &b);
  nd_buf_free(&b);
  return rc;
}
