/* reader.c - CommonMark (plus pipe tables) into the model, on md4c.
 *
 * md4c calls back enter/leave block, enter/leave span and text; the tree is
 * built with an explicit stack of open nodes (no recursion the input
 * controls).  Headings at the top level become nested SECTIONs.  See
 * README.md in this folder for every choice made here. */
#include <md4c.h>
#include <stdlib.h>
#include <strings.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>

#include "entities.h"
#include "markdown.h"
#include "../../core/ucache.h"

#define MD_FLAGS (MD_FLAG_TABLES | MD_FLAG_STRIKETHROUGH)
#define ND_MD_NOT_NFC 1 /* split_defs()/read_body(): the text needs normalise_input() */

enum {
  K_NODE,     /* a node whose children come from md4c */
  K_PASS,     /* an md4c block or span without a node (THEAD, TBODY, DEL) */
  K_IMPLICIT, /* a PARAGRAPH made for the text of a tight list item */
  K_SPAN,     /* a SPAN opened by raw <span dir/lang> */
  K_CODE,     /* CODE_BLOCK or CODE: text collected in r->lit */
  K_HTML,     /* an HTML block: text collected in r->lit */
  K_LEAF      /* THEMATIC_BREAK */
};

typedef struct {
  newsdoc_node *node;
  newsdoc_node *near; /* node, or the nearest frame's below it that has one */
  unsigned char kind;
  unsigned char md; /* the md4c block/span type + 1 for blocks, + 64 for spans */
} md_frame;

typedef struct {
  size_t level; /* the stack size at which the <div> was seen */
  char *lang;
  newsdoc_dir dir;
} md_scope;

typedef struct {
  const char *label;
  size_t label_len;
  newsdoc_node *note; /* parsed NOTE, owned until used */
  int used;
} md_def;

typedef struct md_reader {
  newsdoc_doc *doc;
  newsdoc_ctx *ctx;
  newsdoc_node *root;      /* BODY, or the NOTE being read */
  const char *doc_lang;    /* the document's language and direction (the */
  newsdoc_dir doc_dir;     /* front matter is read before the body) */
  int sections_allowed;    /* top-level headings make SECTIONs */
  const char *src;
  size_t srclen;
  md_frame *stack;
  size_t n, cap;
  newsdoc_node *sect[7];
  int nsect;
  md_scope *scopes;
  size_t nscopes, capscopes;
  nd_buf text;             /* pending text, flushed into a TEXT node */
  const char *pend;        /* or, while text is empty, one piece of src */
  size_t pend_len;
  newsdoc_node *text_parent;
  nd_buf lit;              /* code / raw HTML being collected */
  nd_buf alt;              /* image alt text */
  int img_depth;
  newsdoc_node *img;
  int last_html;           /* the last callback was inline HTML */
  int in_thead;
  size_t cell_index;
  newsdoc_align *aligns;
  size_t ncols;
  md_def *defs;            /* sorted by label */
  size_t ndefs;
  const char *skip_until;  /* footnote reference text already consumed */
  unsigned long long depth_max; /* max-depth, read once */
  unsigned long long nodes, nodes_max;
  unsigned counter;
  int err;
  int warned_del, warned_heading, warned_imgtitle, warned_dupnote;
} md_reader;

/* ---- helpers ------------------------------------------------------------------ */

static int fail(md_reader *r, int code) {
  if (!r->err) r->err = code ? code : NEWSDOC_ENOMEM;
  return -1;
}

static int flush_buffer(md_reader *r);

/* The pending text into a TEXT node of text_parent. */
static int flush_text(md_reader *r) {
  if (r->text.failed) return fail(r, nd_oom("markdown: text"));
  const char *pend = r->pend;
  r->pend = NULL;
  if (pend && r->text_parent) {
    /* one piece of the source: copied once, straight into the node */
    int rc = nd_node_append_text(r->text_parent, pend, r->pend_len);
    if (rc) return fail(r, rc);
  } else if (r->text.len && r->text_parent) {
    int rc = flush_buffer(r);
    if (rc) return rc;
  } else {
    nd_buf_clear(&r->text);
    return 0;
  }
  if (++r->nodes > r->nodes_max)
    return fail(r, newsdoc_error_set(NEWSDOC_ELIMIT_COUNT, "markdown: more than max-nodes (%llu) nodes", r->nodes_max));
  return 0;
}

static int flush_buffer(md_reader *r) {
  newsdoc_node *last = r->text_parent->last;
  int rc = 0;
  if (r->text.len > 4096 && !(last && last->type == NEWSDOC_NODE_TEXT)) {
    /* a long run: hand the buffer to a new TEXT node instead of copying */
    newsdoc_node *t = nd_node_add(r->text_parent, NEWSDOC_NODE_TEXT);
    if (!t) return fail(r, newsdoc_error_last()->code);
    size_t len;
    t->literal = nd_buf_detach(&r->text, &len);
    t->literal_len = len;
    if (!t->literal) return fail(r, nd_oom("markdown: text"));
  } else {
    rc = nd_node_append_text(r->text_parent, r->text.data, r->text.len);
    nd_buf_clear(&r->text);
  }
  return rc ? fail(r, rc) : 0;
}

static int count_node(md_reader *r) {
  if (++r->nodes > r->nodes_max)
    return fail(r, newsdoc_error_set(NEWSDOC_ELIMIT_COUNT, "markdown: more than max-nodes (%llu) nodes", r->nodes_max));
  if ((++r->counter & 1023) == 0) {
    int rc = newsdoc_ctx_check(r->ctx);
    if (rc) return fail(r, rc);
  }
  return 0;
}

static size_t tree_depth(md_reader *r) { return (size_t)r->nsect + r->n + 1; }

static int push(md_reader *r, newsdoc_node *node, int kind, int md) {
  if (tree_depth(r) > r->depth_max && nd_check_depth(r->ctx, tree_depth(r), "markdown nesting"))
    return fail(r, NEWSDOC_ELIMIT_DEPTH);
  if (nd_grow(&r->stack, &r->cap, r->n, sizeof *r->stack, 32, "markdown: stack")) return fail(r, NEWSDOC_ENOMEM);
  r->stack[r->n].node = node;
  r->stack[r->n].near = node ? node : r->n ? r->stack[r->n - 1].near : NULL;
  r->stack[r->n].kind = (unsigned char)kind;
  r->stack[r->n].md = (unsigned char)md;
  r->n++;
  return 0;
}

static void drop_scopes(md_reader *r) {
  while (r->nscopes && r->scopes[r->nscopes - 1].level > r->n) {
    r->nscopes--;
    nd_free(r->scopes[r->nscopes].lang);
  }
}

static void pop(md_reader *r) {
  if (r->n) r->n--;
  drop_scopes(r);
}

/* The node new blocks go into. */
static int leave_span(MD_SPANTYPE type, void *detail, void *ud);

static newsdoc_node *block_parent(md_reader *r) {
  /* md4c 0.4.8 can start a block inside spans it never closes: in
   * "- *[](*)\n  >" the emphasis opened before the link is still open when
   * the quote begins.  Those spans end where the block begins (as if md4c
   * had left them), so that a block never lands in inline content. */
  while (r->img_depth && !r->err) leave_span(MD_SPAN_IMG, NULL, r);
  while (r->n && !r->err) {
    md_frame f = r->stack[r->n - 1];
    if (f.kind == K_SPAN) {
      if (flush_text(r)) break;
      pop(r);
    } else if (f.kind != K_IMPLICIT && f.md >= 64) {
      leave_span((MD_SPANTYPE)(f.md - 64), NULL, r);
    } else {
      break;
    }
  }
  /* a block ends the implicit paragraph of a tight item, and any raw
   * <span> left open in it */
  int implicit = 0;
  for (size_t i = r->n; i > 0 && !implicit; i--) {
    unsigned char k = r->stack[i - 1].kind;
    if (k == K_IMPLICIT) implicit = 1;
    else if (k != K_SPAN) break;
  }
  if (implicit) {
    flush_text(r);
    while (r->n && (r->stack[r->n - 1].kind == K_SPAN || r->stack[r->n - 1].kind == K_IMPLICIT)) {
      int was_implicit = r->stack[r->n - 1].kind == K_IMPLICIT;
      pop(r);
      if (was_implicit) break;
    }
  }
  if (r->n && r->stack[r->n - 1].near) return r->stack[r->n - 1].near;
  return r->nsect ? r->sect[r->nsect - 1] : r->root;
}

static newsdoc_node *add_node(md_reader *r, newsdoc_node *parent, newsdoc_node_type t) {
  if (flush_text(r) || count_node(r)) return NULL;
  newsdoc_node *n = nd_node_add(parent, t);
  if (!n) { fail(r, newsdoc_error_last()->code); return NULL; }
  return n;
}

/* newsdoc_node_effective_lang/_dir with the document's own values read
 * once: a node of the body inherits them, one of a note not yet placed
 * does not. */
static const char *eff_lang(const md_reader *r, const newsdoc_node *n) {
  const newsdoc_node *top = n;
  for (const newsdoc_node *a = n; a; top = a, a = a->parent)
    if (a->lang && *a->lang) return a->lang;
  return top == newsdoc_doc_root(r->doc) ? r->doc_lang : NULL;
}

static newsdoc_dir eff_dir(const md_reader *r, const newsdoc_node *n) {
  const newsdoc_node *top = n;
  for (const newsdoc_node *a = n; a; top = a, a = a->parent)
    if (a->dir != NEWSDOC_DIR_UNSET) return (newsdoc_dir)a->dir;
  return top == newsdoc_doc_root(r->doc) ? r->doc_dir : NEWSDOC_DIR_UNSET;
}

static newsdoc_node *add_block(md_reader *r, newsdoc_node_type t) {
  newsdoc_node *parent = block_parent(r);
  newsdoc_node *n = add_node(r, parent, t);
  if (!n) return NULL;
  if (r->nscopes && r->scopes[r->nscopes - 1].level == r->n) {
    md_scope *s = &r->scopes[r->nscopes - 1];
    const char *pl = eff_lang(r, parent);
    if (s->lang && (!pl || strcmp(pl, s->lang)) && newsdoc_node_set_lang(n, s->lang)) {
      fail(r, newsdoc_error_last()->code);
      return NULL;
    }
    if (s->dir && eff_dir(r, parent) != s->dir) newsdoc_node_set_dir(n, s->dir);
  }
  return n;
}

/* The node inline content goes into; a tight list item gets a paragraph. */
static newsdoc_node *inline_parent(md_reader *r) {
  newsdoc_node *near = NULL;
  if (r->n) near = r->stack[r->n - 1].near;
  if (near && (near->type == NEWSDOC_NODE_ITEM || near->type == NEWSDOC_NODE_BLOCKQUOTE)) {
    newsdoc_node *p = add_node(r, near, NEWSDOC_NODE_PARAGRAPH);
    if (!p || push(r, p, K_IMPLICIT, 0)) return NULL;
    return p;
  }
  if (!near) fail(r, newsdoc_error_set(NEWSDOC_EMALFORMED, "markdown: inline content outside a block"));
  return near;
}

/* Whether s[0..len) lies in the source being parsed (not an entity's
 * decoding or a literal of ours). */
static int in_src(const md_reader *r, const char *s, size_t len) {
  uintptr_t a = (uintptr_t)s, b = (uintptr_t)r->src;
  return a >= b && a - b <= r->srclen && len <= r->srclen - (a - b);
}

static int add_text(md_reader *r, const char *s, size_t len) {
  if (!len) return 0;
  newsdoc_node *p = inline_parent(r);
  if (!p) return r->err ? -1 : 0;
  if (p != r->text_parent && flush_text(r)) return -1;
  r->text_parent = p;
  if (!r->pend && !r->text.len && in_src(r, s, len)) {
    r->pend = s; /* md4c's text lies in src, which outlives the parse */
    r->pend_len = len;
    return 0;
  }
  if (r->pend) {
    nd_buf_put(&r->text, r->pend, r->pend_len);
    r->pend = NULL;
  }
  nd_buf_put(&r->text, s, len);
  return 0;
}

static void put_cp(nd_buf *b, uint32_t cp) {
  if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
  nd_buf_put_utf8(b, cp);
}

void nd_md_put_entity(nd_buf *b, const char *s, size_t len) {
  if (len >= 4 && s[0] == '&' && s[1] == '#' && s[len - 1] == ';') {
    uint32_t cp = 0;
    int hex = s[2] == 'x' || s[2] == 'X';
    for (size_t i = hex ? 3 : 2; i + 1 < len; i++) {
      unsigned c = (unsigned char)s[i], d;
      if (c >= '0' && c <= '9') d = c - '0';
      else if (hex && (c | 32) >= 'a' && (c | 32) <= 'f') d = (c | 32) - 'a' + 10;
      else { nd_buf_put(b, s, len); return; }
      cp = cp * (hex ? 16 : 10) + d;
      if (cp > 0x10FFFF) cp = 0x110000;
    }
    put_cp(b, cp);
    return;
  }
  if (len >= 3 && s[0] == '&' && s[len - 1] == ';') {
    size_t lo = 0, hi = nd_md_entity_count, nl = len - 2;
    while (lo < hi) {
      size_t mid = (lo + hi) / 2;
      const char *name = nd_md_entities[mid].name;
      int c = strncmp(name, s + 1, nl);
      if (c == 0 && name[nl]) c = 1;
      if (c == 0) { nd_buf_put(b, nd_md_entities[mid].utf8, nd_md_entities[mid].len); return; }
      if (c < 0) lo = mid + 1;
      else hi = mid;
    }
  }
  nd_buf_put(b, s, len);
}

/* An MD_ATTRIBUTE (link target, title, code info) as plain UTF-8. */
static void put_attr(nd_buf *b, const MD_ATTRIBUTE *a) {
  if (!a->text) return;
  for (int i = 0; a->substr_offsets[i] < a->size; i++) {
    const char *s = a->text + a->substr_offsets[i];
    /* offsets must rise within the attribute (see on_text) */
    if (a->substr_offsets[i + 1] < a->substr_offsets[i] || a->substr_offsets[i + 1] > a->size) break;
    size_t n = a->substr_offsets[i + 1] - a->substr_offsets[i];
    if (a->substr_types[i] == MD_TEXT_ENTITY) nd_md_put_entity(b, s, n);
    else if (a->substr_types[i] == MD_TEXT_NULLCHAR) nd_buf_puts(b, "\xEF\xBF\xBD");
    else nd_buf_put(b, s, n);
  }
}

static char *attr_str(md_reader *r, const MD_ATTRIBUTE *a) {
  if (a->text && a->size > r->srclen + 64) { /* md4c adds at most a "mailto:" */
    fail(r, newsdoc_error_set(NEWSDOC_EMALFORMED, "markdown: the parser reported an attribute longer than the input"));
    return NULL;
  }
  nd_buf b = ND_BUF_INIT;
  put_attr(&b, a);
  char *s = nd_buf_detach(&b, NULL);
  if (!s) fail(r, nd_oom("markdown: attribute"));
  return s;
}

/* ---- <div dir/lang> and <span dir/lang> ------------------------------------------- */

/* Parse `<TAG attrs>` where every attribute is dir or lang.  Returns 1 and
 * fills lang (allocated) and dir when s (trimmed) is exactly such a tag. */
static int parse_dir_tag(const char *s, size_t len, const char *tag, char **lang, newsdoc_dir *dir) {
  size_t tl = strlen(tag), i;
  while (len && (s[len - 1] == '\n' || s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r')) len--;
  if (len < tl + 2 || s[0] != '<' || strncasecmp(s + 1, tag, tl) || s[len - 1] != '>') return 0;
  i = 1 + tl;
  *lang = NULL;
  *dir = NEWSDOC_DIR_UNSET;
  int any = 0;
  for (;;) {
    size_t ws = i;
    while (i < len - 1 && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n')) i++;
    if (i == len - 1) break;
    if (i == ws) goto no;
    size_t ns = i;
    while (i < len - 1 && ((s[i] | 32) >= 'a' && (s[i] | 32) <= 'z')) i++;
    size_t nl = i - ns;
    if (i >= len - 1 || s[i] != '=') goto no;
    i++;
    char q = s[i];
    if (q != '"' && q != '\'') goto no;
    size_t vs = ++i;
    while (i < len - 1 && s[i] != q) i++;
    if (i >= len - 1) goto no;
    size_t vl = i - vs;
    i++;
    if (nl == 4 && !strncasecmp(s + ns, "lang", 4)) {
      if (*lang || !vl || vl > 64) goto no;
      for (size_t k = vs; k < vs + vl; k++)
        if (!((s[k] | 32) >= 'a' && (s[k] | 32) <= 'z') && !(s[k] >= '0' && s[k] <= '9') && s[k] != '-') goto no;
      *lang = nd_strndup(s + vs, vl);
      if (!*lang) goto no;
    } else if (nl == 3 && !strncasecmp(s + ns, "dir", 3)) {
      if (*dir) goto no;
      if (vl == 3 && !strncasecmp(s + vs, "ltr", 3)) *dir = NEWSDOC_DIR_LTR;
      else if (vl == 3 && !strncasecmp(s + vs, "rtl", 3)) *dir = NEWSDOC_DIR_RTL;
      else if (vl == 4 && !strncasecmp(s + vs, "auto", 4)) *dir = NEWSDOC_DIR_AUTO;
      else goto no;
    } else {
      goto no;
    }
    any = 1;
  }
  if (any) return 1;
no:
  nd_free(*lang);
  *lang = NULL;
  return 0;
}

static int is_close_tag(const char *s, size_t len, const char *tag) {
  size_t tl = strlen(tag);
  while (len && (s[len - 1] == '\n' || s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r')) len--;
  return len == tl + 3 && s[0] == '<' && s[1] == '/' && !strncasecmp(s + 2, tag, tl) && s[len - 1] == '>';
}

/* ---- md4c callbacks ---------------------------------------------------------------- */

static int enter_block(MD_BLOCKTYPE type, void *detail, void *ud) {
  md_reader *r = ud;
  newsdoc_node *n;
  if (r->err) return -1;
  r->last_html = 0;
  switch (type) {
  case MD_BLOCK_DOC:
    return 0;
  case MD_BLOCK_QUOTE:
    if (!(n = add_block(r, NEWSDOC_NODE_BLOCKQUOTE))) return -1;
    return push(r, n, K_NODE, type + 1);
  case MD_BLOCK_UL:
  case MD_BLOCK_OL:
    if (!(n = add_block(r, NEWSDOC_NODE_LIST))) return -1;
    if (type == MD_BLOCK_OL) {
      MD_BLOCK_OL_DETAIL *d = detail;
      newsdoc_node_set_list_type(n, NEWSDOC_LIST_ORDERED);
      newsdoc_node_set_list_start(n, (int)(d->start > 999999999u ? 999999999u : d->start));
      newsdoc_node_set_list_tight(n, d->is_tight);
    } else {
      newsdoc_node_set_list_tight(n, ((MD_BLOCK_UL_DETAIL *)detail)->is_tight);
    }
    return push(r, n, K_NODE, type + 1);
  case MD_BLOCK_LI:
    if (!(n = add_block(r, NEWSDOC_NODE_ITEM))) return -1;
    return push(r, n, K_NODE, type + 1);
  case MD_BLOCK_HR:
    if (!(n = add_block(r, NEWSDOC_NODE_THEMATIC_BREAK))) return -1;
    return push(r, n, K_LEAF, type + 1);
  case MD_BLOCK_H: {
    int level = (int)((MD_BLOCK_H_DETAIL *)detail)->level;
    block_parent(r);
    if (r->n == 0 && r->sections_allowed) {
      if (flush_text(r)) return -1;
      while (r->nsect && r->sect[r->nsect - 1]->level >= level) r->nsect--;
      newsdoc_node *parent = r->nsect ? r->sect[r->nsect - 1] : r->root;
      if (nd_check_depth(r->ctx, tree_depth(r) + 1, "markdown sections")) return fail(r, NEWSDOC_ELIMIT_DEPTH);
      newsdoc_node *sec = add_block(r, NEWSDOC_NODE_SECTION);
      (void)parent;
      if (!sec) return -1;
      newsdoc_node_set_level(sec, level);
      r->sect[r->nsect++] = sec;
      if (!(n = add_node(r, sec, NEWSDOC_NODE_HEADING))) return -1;
      return push(r, n, K_NODE, type + 1);
    }
    if (!r->warned_heading++)
      newsdoc_ctx_warn(r->ctx, "markdown: a heading inside a quote, list or note became a paragraph");
    if (!(n = add_block(r, NEWSDOC_NODE_PARAGRAPH))) return -1;
    return push(r, n, K_NODE, type + 1);
  }
  case MD_BLOCK_CODE: {
    MD_BLOCK_CODE_DETAIL *d = detail;
    if (!(n = add_block(r, NEWSDOC_NODE_CODE_BLOCK))) return -1;
    if (d->lang.text && d->lang.size) {
      char *info = attr_str(r, &d->lang);
      if (!info) return -1;
      int rc = *info ? newsdoc_node_set_info(n, info) : 0;
      nd_free(info);
      if (rc) return fail(r, rc);
    }
    nd_buf_clear(&r->lit);
    return push(r, n, K_CODE, type + 1);
  }
  case MD_BLOCK_HTML:
    block_parent(r);
    if (flush_text(r)) return -1;
    nd_buf_clear(&r->lit);
    return push(r, NULL, K_HTML, type + 1);
  case MD_BLOCK_P:
    if (!(n = add_block(r, NEWSDOC_NODE_PARAGRAPH))) return -1;
    return push(r, n, K_NODE, type + 1);
  case MD_BLOCK_TABLE: {
    MD_BLOCK_TABLE_DETAIL *d = detail;
    if (!(n = add_block(r, NEWSDOC_NODE_TABLE))) return -1;
    nd_free(r->aligns);
    r->ncols = d->col_count;
    r->aligns = nd_calloc(r->ncols ? r->ncols : 1, sizeof *r->aligns);
    if (!r->aligns) return fail(r, nd_oom("markdown: table"));
    return push(r, n, K_NODE, type + 1);
  }
  case MD_BLOCK_THEAD:
  case MD_BLOCK_TBODY:
    r->in_thead = type == MD_BLOCK_THEAD;
    if (flush_text(r)) return -1;
    return push(r, r->n ? r->stack[r->n - 1].node : NULL, K_PASS, type + 1);
  case MD_BLOCK_TR:
    if (!(n = add_block(r, NEWSDOC_NODE_TABLE_ROW))) return -1;
    if (r->in_thead) newsdoc_node_set_header(n, 1);
    r->cell_index = 0;
    return push(r, n, K_NODE, type + 1);
  case MD_BLOCK_TH:
  case MD_BLOCK_TD: {
    MD_BLOCK_TD_DETAIL *d = detail;
    if (!(n = add_block(r, NEWSDOC_NODE_TABLE_CELL))) return -1;
    if (r->cell_index < r->ncols) {
      newsdoc_align a = d->align == MD_ALIGN_LEFT     ? NEWSDOC_ALIGN_START
                        : d->align == MD_ALIGN_CENTER ? NEWSDOC_ALIGN_CENTER
                        : d->align == MD_ALIGN_RIGHT  ? NEWSDOC_ALIGN_END
                                                      : NEWSDOC_ALIGN_DEFAULT;
      r->aligns[r->cell_index] = a;
    }
    r->cell_index++;
    return push(r, n, K_NODE, type + 1);
  }
  }
  return 0;
}

/* Close frames down to (and including) the one md4c opened as `md`. */
static int close_to(md_reader *r, int md) {
  if (flush_text(r)) return -1;
  /* md4c 0.4.8 can send a leave without its enter (e.g. "**" inside a
   * link destination paired with one after it): ignore such a leave */
  size_t k = r->n;
  while (k && !(r->stack[k - 1].md == md && r->stack[k - 1].kind != K_IMPLICIT && r->stack[k - 1].kind != K_SPAN)) k--;
  if (!k) return 0;
  while (r->n) {
    md_frame f = r->stack[r->n - 1];
    pop(r);
    if (f.md == md && f.kind != K_IMPLICIT && f.kind != K_SPAN) break;
  }
  return 0;
}

static int finish_html_block(md_reader *r) {
  char *lang = NULL;
  newsdoc_dir dir;
  const char *s = r->lit.data ? r->lit.data : "";
  size_t len = r->lit.len;
  if (r->lit.failed) return fail(r, nd_oom("markdown: raw HTML"));
  if (parse_dir_tag(s, len, "div", &lang, &dir)) {
    if (nd_grow(&r->scopes, &r->capscopes, r->nscopes, sizeof *r->scopes, 8, "markdown: div")) { nd_free(lang); return fail(r, NEWSDOC_ENOMEM); }
    if (nd_check_depth(r->ctx, r->nscopes + 1, "markdown <div> nesting")) { nd_free(lang); return fail(r, NEWSDOC_ELIMIT_DEPTH); }
    r->scopes[r->nscopes].level = r->n;
    r->scopes[r->nscopes].lang = lang;
    r->scopes[r->nscopes].dir = dir;
    r->nscopes++;
    return 0;
  }
  if (is_close_tag(s, len, "div") && r->nscopes && r->scopes[r->nscopes - 1].level == r->n) {
    r->nscopes--;
    nd_free(r->scopes[r->nscopes].lang);
    return 0;
  }
  newsdoc_node *n = add_block(r, NEWSDOC_NODE_RAW_BLOCK);
  if (!n) return -1;
  if (newsdoc_node_set_info(n, "html") || newsdoc_node_set_literal(n, s, len)) return fail(r, newsdoc_error_last()->code);
  return 0;
}

static int leave_block(MD_BLOCKTYPE type, void *detail, void *ud) {
  md_reader *r = ud;
  (void)detail;
  if (r->err) return -1;
  r->last_html = 0;
  if (type == MD_BLOCK_DOC) return flush_text(r);
  if (flush_text(r)) return -1;
  while (r->n && (r->stack[r->n - 1].kind == K_IMPLICIT || r->stack[r->n - 1].kind == K_SPAN)) pop(r);
  if (!r->n) return 0;
  md_frame *f = &r->stack[r->n - 1];
  if (f->kind == K_CODE) {
    if (r->lit.failed) return fail(r, nd_oom("markdown: code"));
    if (newsdoc_node_set_literal(f->node, r->lit.data ? r->lit.data : "", r->lit.len)) return fail(r, newsdoc_error_last()->code);
  } else if (f->kind == K_HTML) {
    pop(r);
    return finish_html_block(r);
  } else if (type == MD_BLOCK_TABLE) {
    int any = 0;
    for (size_t i = 0; i < r->ncols; i++) any |= r->aligns[i] != NEWSDOC_ALIGN_DEFAULT;
    if (any && newsdoc_node_set_column_aligns(f->node, r->aligns, r->ncols)) return fail(r, newsdoc_error_last()->code);
    /* A header row of empty cells is what a writer puts over a table that
     * has none: drop it. */
    newsdoc_node *head = newsdoc_node_first_child(f->node);
    if (head && newsdoc_node_get_header(head)) {
      int empty = 1;
      for (newsdoc_node *c = head->first; c && empty; c = c->next) empty = c->first == NULL;
      if (empty && head->next) newsdoc_node_free(head);
    }
  } else if (type == MD_BLOCK_THEAD) {
    r->in_thead = 0;
  }
  return close_to(r, type + 1);
}

static int enter_span(MD_SPANTYPE type, void *detail, void *ud) {
  md_reader *r = ud;
  newsdoc_node *n, *p;
  if (r->err) return -1;
  r->last_html = 0;
  if (r->img_depth) {
    if (type == MD_SPAN_IMG) r->img_depth++;
    return 0;
  }
  /* the paragraph of a tight item first, below the span's frame */
  if (!inline_parent(r)) return -1;
  switch (type) {
  case MD_SPAN_EM:
  case MD_SPAN_STRONG:
    if (!(p = inline_parent(r)) || !(n = add_node(r, p, type == MD_SPAN_EM ? NEWSDOC_NODE_EMPH : NEWSDOC_NODE_STRONG)))
      return -1;
    return push(r, n, K_NODE, type + 64);
  case MD_SPAN_A: {
    MD_SPAN_A_DETAIL *d = detail;
    if (!(p = inline_parent(r)) || !(n = add_node(r, p, NEWSDOC_NODE_LINK))) return -1;
    char *url = attr_str(r, &d->href), *title = NULL;
    if (!url) return -1;
    int rc = newsdoc_node_set_url(n, url);
    nd_free(url);
    if (!rc && d->title.text && d->title.size) {
      if (!(title = attr_str(r, &d->title))) return -1;
      rc = newsdoc_node_set_title(n, title);
      nd_free(title);
    }
    if (rc) return fail(r, rc);
    return push(r, n, K_NODE, type + 64);
  }
  case MD_SPAN_IMG: {
    MD_SPAN_IMG_DETAIL *d = detail;
    if (!(p = inline_parent(r)) || !(n = add_node(r, p, NEWSDOC_NODE_IMAGE))) return -1;
    char *url = attr_str(r, &d->src);
    if (!url) return -1;
    int rc = newsdoc_node_set_url(n, url);
    nd_free(url);
    if (rc) return fail(r, rc);
    if (d->title.text && d->title.size && !r->warned_imgtitle++)
      newsdoc_ctx_warn(r->ctx, "markdown: an image title was dropped (the model keeps only the alt text)");
    r->img = n;
    r->img_depth = 1;
    nd_buf_clear(&r->alt);
    return 0;
  }
  case MD_SPAN_CODE:
    if (!(p = inline_parent(r)) || !(n = add_node(r, p, NEWSDOC_NODE_CODE))) return -1;
    nd_buf_clear(&r->lit);
    return push(r, n, K_CODE, type + 64);
  case MD_SPAN_DEL:
    if (!r->warned_del++) newsdoc_ctx_warn(r->ctx, "markdown: strikethrough dropped, its text kept");
    return push(r, NULL, K_PASS, type + 64);
  default:
    return push(r, NULL, K_PASS, type + 64);
  }
}

static int leave_span(MD_SPANTYPE type, void *detail, void *ud) {
  md_reader *r = ud;
  (void)detail;
  if (r->err) return -1;
  r->last_html = 0;
  if (r->img_depth) {
    if (type == MD_SPAN_IMG && --r->img_depth == 0) {
      if (r->alt.failed) return fail(r, nd_oom("markdown: alt text"));
      if (r->alt.len) {
        nd_buf_putc(&r->alt, 0);
        if (newsdoc_node_set_title(r->img, r->alt.data)) return fail(r, newsdoc_error_last()->code);
      }
      r->img = NULL;
    }
    return 0;
  }
  if (flush_text(r)) return -1;
  if (r->n && r->stack[r->n - 1].kind == K_CODE && type == MD_SPAN_CODE) {
    if (r->lit.failed) return fail(r, nd_oom("markdown: code"));
    if (newsdoc_node_set_literal(r->stack[r->n - 1].node, r->lit.data ? r->lit.data : "", r->lit.len))
      return fail(r, newsdoc_error_last()->code);
  }
  return close_to(r, type + 64);
}

static md_def *find_def(md_reader *r, const char *label, size_t len) {
  size_t lo = 0, hi = r->ndefs;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    md_def *d = &r->defs[mid];
    size_t m = d->label_len < len ? d->label_len : len;
    int c = memcmp(d->label, label, m);
    if (!c) c = d->label_len < len ? -1 : d->label_len > len ? 1 : 0;
    if (!c) return d;
    if (c < 0) lo = mid + 1;
    else hi = mid;
  }
  return NULL;
}

/* Normal text: footnote references [^label] become NOTE nodes. */
static int normal_text(md_reader *r, const char *s, size_t n) {
  if (r->skip_until && s >= r->src && s < r->src + r->srclen) {
    if (s + n <= r->skip_until) return 0;
    if (s < r->skip_until) { n -= (size_t)(r->skip_until - s); s = r->skip_until; }
  }
  if (!r->ndefs || s < r->src || s + n > r->src + r->srclen) return add_text(r, s, n);
  const char *end = r->src + r->srclen;
  size_t start = 0;
  for (size_t i = 0; i < n; i++) {
    const char *p = memchr(s + i, '[', n - i);
    if (!p) break;
    i = (size_t)(p - s);
    if (p + 3 >= end || p[1] != '^') continue;
    size_t bs = 0;
    for (const char *q = p; q > r->src && q[-1] == '\\'; q--) bs++;
    if (bs & 1) continue;
    const char *l = p + 2, *e = l;
    while (e < end && e - l < 1000 && *e != ']' && *e != ' ' && *e != '\t' && *e != '\n' && *e != '[') e++;
    if (e >= end || *e != ']' || e == l) continue;
    md_def *d = find_def(r, l, (size_t)(e - l));
    if (!d) continue;
    if (add_text(r, s + start, i - start)) return -1;
    if (d->used) {
      if (!r->warned_dupnote++)
        newsdoc_ctx_warn(r->ctx, "markdown: footnote [^%.*s] referenced twice; the second reference kept as text",
                         (int)(e - l), l);
      if (add_text(r, p, (size_t)(e - p + 1))) return -1;
    } else {
      newsdoc_node *par = inline_parent(r);
      if (!par || flush_text(r)) return -1;
      if (newsdoc_node_append_child(par, d->note)) return fail(r, newsdoc_error_last()->code);
      d->used = 1;
    }
    r->skip_until = e + 1;
    if (s + n <= r->skip_until) return 0;
    i = (size_t)(r->skip_until - s) - 1;
    start = i + 1;
  }
  return add_text(r, s + start, n - start);
}

static int on_text(MD_TEXTTYPE type, const MD_CHAR *s, MD_SIZE size, void *ud) {
  md_reader *r = ud;
  if (r->err) return -1;
  /* No text is longer than the input (md4c's own strings are a byte or
   * two).  The fuzzer found inputs (after many others in one process)
   * where a size of some 3-4 GB arrived here (a 4.7 GB allocation): md4c
   * had read the byte after the input, left there by an earlier input
   * (see nd_md_text_for_md4c(), which now prevents that).  Kept as a
   * second line of defence. */
  if (size > r->srclen + 64) return fail(r, newsdoc_error_set(NEWSDOC_EMALFORMED, "markdown: the parser reported text longer than the input"));
  int was_html = r->last_html;
  r->last_html = 0;
  if (r->img_depth) {
    if (type == MD_TEXT_ENTITY) nd_md_put_entity(&r->alt, s, size);
    else if (type == MD_TEXT_NULLCHAR) nd_buf_puts(&r->alt, "\xEF\xBF\xBD");
    else if (type == MD_TEXT_BR || type == MD_TEXT_SOFTBR) nd_buf_putc(&r->alt, ' ');
    else nd_buf_put(&r->alt, s, size);
    return 0;
  }
  if (r->n && (r->stack[r->n - 1].kind == K_CODE || r->stack[r->n - 1].kind == K_HTML)) {
    if (type == MD_TEXT_NULLCHAR) nd_buf_puts(&r->lit, "\xEF\xBF\xBD");
    else if (type == MD_TEXT_ENTITY) nd_md_put_entity(&r->lit, s, size);
    else if (type == MD_TEXT_SOFTBR || type == MD_TEXT_BR) nd_buf_putc(&r->lit, '\n');
    else nd_buf_put(&r->lit, s, size);
    return 0;
  }
  switch (type) {
  case MD_TEXT_NORMAL:
  case MD_TEXT_CODE:
  case MD_TEXT_LATEXMATH:
    return normal_text(r, s, size);
  case MD_TEXT_NULLCHAR:
    return add_text(r, "\xEF\xBF\xBD", 3);
  case MD_TEXT_ENTITY: {
    char tmp[64];
    nd_buf b = ND_BUF_INIT;
    nd_md_put_entity(&b, s, size);
    if (b.failed) return fail(r, nd_oom("markdown: entity"));
    size_t k = b.len < sizeof tmp ? b.len : sizeof tmp;
    memcpy(tmp, b.data ? b.data : "", k);
    nd_buf_free(&b);
    return add_text(r, tmp, k);
  }
  case MD_TEXT_BR:
  case MD_TEXT_SOFTBR: {
    newsdoc_node *p = inline_parent(r);
    if (!p) return r->err ? -1 : 0;
    return add_node(r, p, type == MD_TEXT_BR ? NEWSDOC_NODE_LINE_BREAK : NEWSDOC_NODE_SOFT_BREAK) ? 0 : -1;
  }
  case MD_TEXT_HTML: {
    char *lang = NULL;
    newsdoc_dir dir;
    newsdoc_node *p = inline_parent(r), *n;
    if (!p) return r->err ? -1 : 0;
    if (parse_dir_tag(s, size, "span", &lang, &dir)) {
      /* Only what differs from the surroundings; a span that changes
       * nothing is transparent (its frame holds the parent). */
      const char *pl = eff_lang(r, p);
      if (lang && pl && !strcmp(pl, lang)) { nd_free(lang); lang = NULL; }
      if (dir && eff_dir(r, p) == dir) dir = NEWSDOC_DIR_UNSET;
      if (!lang && !dir) {
        if (flush_text(r)) return -1;
        return push(r, p, K_SPAN, 0);
      }
      n = add_node(r, p, NEWSDOC_NODE_SPAN);
      if (!n) {
        nd_free(lang);
        return -1;
      }
      n->lang = lang; /* parse_dir_tag's copy, now the span's */
      if (dir) newsdoc_node_set_dir(n, dir);
      return push(r, n, K_SPAN, 0);
    }
    if (is_close_tag(s, size, "span") && r->n && r->stack[r->n - 1].kind == K_SPAN) {
      if (flush_text(r)) return -1;
      pop(r);
      return 0;
    }
    if (flush_text(r)) return -1;
    if (was_html && p->last && p->last->type == NEWSDOC_NODE_RAW_INLINE) {
      nd_buf b = ND_BUF_INIT;
      nd_buf_put(&b, p->last->literal, p->last->literal_len);
      nd_buf_put(&b, s, size);
      int rc = b.failed ? nd_oom("markdown: raw HTML") : newsdoc_node_set_literal(p->last, b.data, b.len);
      nd_buf_free(&b);
      if (rc) return fail(r, rc);
    } else {
      if (!(n = add_node(r, p, NEWSDOC_NODE_RAW_INLINE))) return -1;
      if (newsdoc_node_set_info(n, "html") || newsdoc_node_set_literal(n, s, size)) return fail(r, newsdoc_error_last()->code);
    }
    r->last_html = 1;
    return 0;
  }
  }
  return 0;
}

/* ---- footnote definitions --------------------------------------------------------- */

typedef struct {
  size_t label_off, label_len;
  size_t content_off, content_len; /* in r->notesrc */
  size_t cut_start, cut_end;       /* the lines taken out of the body */
} md_rawdef;

static size_t line_indent(const char *s, size_t len, size_t *bytes) {
  size_t col = 0, i = 0;
  while (i < len && (s[i] == ' ' || s[i] == '\t')) {
    col = s[i] == '\t' ? (col / 4 + 1) * 4 : col + 1;
    i++;
  }
  if (bytes) *bytes = i;
  return col;
}

/* Strip `cols` columns of indentation from a line. */
static void put_dedented(nd_buf *b, const char *s, size_t len, size_t cols) {
  size_t col = 0, i = 0;
  while (i < len && col < cols && (s[i] == ' ' || s[i] == '\t')) {
    size_t next = s[i] == '\t' ? (col / 4 + 1) * 4 : col + 1;
    if (next > cols) { for (size_t k = cols; k < next; k++) nd_buf_putc(b, ' '); i++; col = next; break; }
    col = next;
    i++;
  }
  nd_buf_put(b, s + i, len - i);
}

static int is_blank(const char *s, size_t len) {
  for (size_t i = 0; i < len; i++)
    if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r') return 0;
  return 1;
}

/* A definition line "[^label]: ..." (after up to 3 spaces): the label's
 * offset/length and where the content starts. */
static int def_start(const char *s, size_t len, size_t *lo, size_t *ll, size_t *co) {
  size_t i;
  if (line_indent(s, len, &i) > 3) return 0;
  if (i + 4 > len || s[i] != '[' || s[i + 1] != '^') return 0;
  size_t l = i + 2, e = l;
  while (e < len && e - l < 1000 && s[e] != ']' && s[e] != ' ' && s[e] != '\t' && s[e] != '[') e++;
  if (e == l || e + 1 >= len || s[e] != ']' || s[e + 1] != ':') return 0;
  *lo = l;
  *ll = e - l;
  size_t c = e + 2;
  while (c < len && (s[c] == ' ' || s[c] == '\t')) c++;
  *co = c;
  return 1;
}

static int fence_start(const char *s, size_t len, char *ch, size_t *flen) {
  size_t i;
  if (line_indent(s, len, &i) > 3 || i >= len || (s[i] != '`' && s[i] != '~')) return 0;
  size_t k = i;
  while (k < len && s[k] == s[i]) k++;
  if (k - i < 3) return 0;
  if (s[i] == '`' && memchr(s + k, '`', len - k)) return 0;
  *ch = s[i];
  *flen = k - i;
  return 1;
}

static int fence_end(const char *s, size_t len, char ch, size_t flen) {
  size_t i;
  if (line_indent(s, len, &i) > 3) return 0;
  size_t k = i;
  while (k < len && s[k] == ch) k++;
  return k - i >= flen && is_blank(s + k, len - k);
}

static int lazy_ok(const char *s, size_t len) {
  size_t i;
  line_indent(s, len, &i);
  if (i >= len) return 0;
  char c = s[i];
  return !(c == '#' || c == '>' || c == '-' || c == '*' || c == '+' || c == '`' || c == '~' || c == '|' ||
           c == '[' || c == '<' || (c >= '0' && c <= '9'));
}

/* md4c matches every line against every open container, so a line that
 * opens thousands of nested quotes or lists, followed by many lines, costs
 * depth x lines before any callback could stop it.  Count the container
 * markers at the start of each line (outside top-level fenced code) and
 * refuse more than max-depth up front: linear, and the same answer the
 * tree would give.  line_depth() is one line's check (0 or the error). */
static int line_depth(const char *l, size_t ll, unsigned long long max, size_t line) {
  /* most lines start with a letter: nothing to count */
  unsigned char c0 = ll ? (unsigned char)l[0] : 0;
  if (c0 >= 0x80 || (c0 >= 'A' && c0 <= 'Z') || (c0 >= 'a' && c0 <= 'z') || c0 == '#' || c0 == '|' || c0 == '[')
    return 0;
  unsigned long long depth = 0;
  size_t k = 0;
  for (;;) {
    size_t sp = 0;
    while (k < ll && l[k] == ' ' && sp < 4) { k++; sp++; }
    if (k >= ll) break;
    char c = l[k];
    if (c == '>') {
      k++;
    } else if ((c == '-' || c == '*' || c == '+') && k + 1 < ll && (l[k + 1] == ' ' || l[k + 1] == '\t')) {
      k += 2;
    } else if (c >= '0' && c <= '9') {
      size_t d = k;
      while (d < ll && d - k < 9 && l[d] >= '0' && l[d] <= '9') d++;
      if (d + 1 < ll && (l[d] == '.' || l[d] == ')') && (l[d + 1] == ' ' || l[d + 1] == '\t')) k = d + 2;
      else break;
    } else {
      break;
    }
    if (++depth > max) {
      /* "- - - -" alone is a thematic break, not lists */
      int hr = 1;
      for (size_t q = 0; q < ll && hr; q++) hr = l[q] == ' ' || l[q] == '\t' || l[q] == c;
      if (hr) break;
      return newsdoc_error_set(NEWSDOC_ELIMIT_DEPTH,
                               "markdown: line %zu opens more than max-depth (%llu) nested quotes or lists", line,
                               max);
    }
  }
  return 0;
}

static int prescan_depth(const char *src, size_t len, newsdoc_ctx *ctx) {
  unsigned long long max = newsdoc_ctx_limit(ctx, NEWSDOC_LIMIT_DEPTH);
  int in_fence = 0, rc;
  char fch = 0;
  size_t flen = 0, line = 1;
  for (size_t i = 0; i < len; line++) {
    const char *nl = memchr(src + i, '\n', len - i);
    size_t le = nl ? (size_t)(nl - src) : len;
    const char *l = src + i;
    size_t ll = le - i;
    if (in_fence) {
      if (fence_end(l, ll, fch, flen)) in_fence = 0;
    } else if (fence_start(l, ll, &fch, &flen)) {
      in_fence = 1;
    } else if ((rc = line_depth(l, ll, max, line))) {
      return rc;
    }
    i = le < len ? le + 1 : le;
  }
  return 0;
}

/* Whether s holds only spaces, tabs and line ends. */
static int only_blank_lines(const char *s, size_t len) {
  for (size_t i = 0; i < len; i++)
    if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n') return 0;
  return 1;
}

/* Split the source into the body (definitions removed) and the
 * definitions' contents.  Only top-level definitions outside fenced code
 * are found.  The same pass checks each body line's depth as
 * prescan_depth() would (the notes are checked when they are parsed).
 * When the definitions come last (nothing but blank lines between and
 * after them, as writers put them), the body is the source before the
 * first one, not a copy: *body_src points into src or to body's data. */
static int split_defs(const char *src, size_t len, newsdoc_ctx *ctx, int check_nfc, nd_buf *body,
                      const char **body_src, size_t *body_len, nd_buf *notes, md_rawdef **defs_out,
                      size_t *ndefs_out) {
  unsigned long long max = newsdoc_ctx_limit(ctx, NEWSDOC_LIMIT_DEPTH);
  md_rawdef *defs = NULL;
  size_t ndefs = 0, cap = 0;
  int in_fence = 0, rc = 0;
  char fch = 0;
  size_t flen = 0, line_no = 1;
  size_t i = 0, checked = 0; /* src[0..checked) is valid UTF-8 and NFC */
  while (i < len) {
    /* the NFC check a few KiB behind, while those lines are in the cache
     * (a line end is always a normalisation boundary) */
    if (check_nfc && i - checked >= 4096) {
      if (!nd_nfc_quick(src + checked, i - checked)) { nd_free(defs); return ND_MD_NOT_NFC; }
      checked = i;
    }
    const char *nl = memchr(src + i, '\n', len - i);
    size_t le = nl ? (size_t)(nl - src) : len;
    size_t next = le < len ? le + 1 : le;
    const char *line = src + i;
    size_t ll = le - i;
    size_t lo, lbl, co;
    unsigned char c0 = ll ? (unsigned char)line[0] : 0;
    if (c0 >= 0x80 || ((c0 | 0x20) >= 'a' && (c0 | 0x20) <= 'z')) {
      /* most lines start with a letter: no fence, definition or container */
    } else if (in_fence) {
      if (fence_end(line, ll, fch, flen)) in_fence = 0;
    } else if (fence_start(line, ll, &fch, &flen)) {
      in_fence = 1;
    } else if (def_start(line, ll, &lo, &lbl, &co)) {
      if (ndefs == cap) {
        cap = cap ? cap * 2 : 16;
        md_rawdef *d = nd_realloc(defs, cap * sizeof *d);
        if (!d) { nd_free(defs); return nd_oom("markdown: footnotes"); }
        defs = d;
      }
      md_rawdef *d = &defs[ndefs++];
      d->label_off = i + lo;
      d->label_len = lbl;
      d->content_off = notes->len;
      d->cut_start = i;
      nd_buf_put(notes, line + co, ll - co);
      nd_buf_putc(notes, '\n');
      size_t blanks = 0, j = next;
      int prev_text = !is_blank(line + co, ll - co);
      while (j < len) {
        const char *nl2 = memchr(src + j, '\n', len - j);
        size_t e2 = nl2 ? (size_t)(nl2 - src) : len;
        const char *l2 = src + j;
        size_t n2 = e2 - j, dummy;
        size_t nx = e2 < len ? e2 + 1 : e2;
        if (is_blank(l2, n2)) { blanks++; j = nx; continue; }
        if (line_indent(l2, n2, NULL) >= 4) {
          for (; blanks; blanks--) nd_buf_putc(notes, '\n');
          put_dedented(notes, l2, n2, 4);
          nd_buf_putc(notes, '\n');
          prev_text = 1;
          next = j = nx;
          continue;
        }
        if (!blanks && prev_text && lazy_ok(l2, n2) && !def_start(l2, n2, &dummy, &dummy, &dummy)) {
          nd_buf_put(notes, l2, n2);
          nd_buf_putc(notes, '\n');
          next = j = nx;
          continue;
        }
        break;
      }
      d->content_len = notes->len - d->content_off;
      d->cut_end = next;
      /* the lines taken, counted for the messages of line_depth() */
      for (const char *q = line; (q = memchr(q, '\n', (size_t)(src + next - q))) != NULL; q++) line_no++;
      i = next;
      continue;
    } else if ((rc = line_depth(line, ll, max, line_no))) {
      nd_free(defs);
      return rc;
    }
    line_no++;
    i = next;
  }
  if (check_nfc && checked < len && !nd_nfc_quick(src + checked, len - checked)) { nd_free(defs); return ND_MD_NOT_NFC; }
  if (notes->failed) { nd_free(defs); return nd_oom("markdown: footnotes"); }
  *body_src = src;
  *body_len = len;
  if (ndefs) {
    int last = 1;
    for (size_t k = 0; k < ndefs && last; k++) {
      size_t to = k + 1 < ndefs ? defs[k + 1].cut_start : len;
      last = only_blank_lines(src + defs[k].cut_end, to - defs[k].cut_end);
    }
    if (last) {
      *body_len = defs[0].cut_start;
    } else {
      /* the lines between definitions, each cut leaving a line end that
       * keeps the blocks around it apart */
      if (nd_buf_reserve(body, len)) { nd_free(defs); return nd_oom("markdown: footnotes"); }
      size_t run = 0;
      for (size_t k = 0; k < ndefs; k++) {
        nd_buf_put(body, src + run, defs[k].cut_start - run);
        nd_buf_putc(body, '\n');
        run = defs[k].cut_end;
      }
      nd_buf_put(body, src + run, len - run);
      if (body->failed) { nd_free(defs); return nd_oom("markdown: footnotes"); }
      *body_src = body->data ? body->data : "";
      *body_len = body->len;
    }
  }
  *defs_out = defs;
  *ndefs_out = ndefs;
  return 0;
}

/* ---- the parse ------------------------------------------------------------------- */

static void reader_free(md_reader *r) {
  nd_free(r->stack);
  for (size_t i = 0; i < r->nscopes; i++) nd_free(r->scopes[i].lang);
  nd_free(r->scopes);
  nd_buf_free(&r->text);
  nd_buf_free(&r->lit);
  nd_buf_free(&r->alt);
  nd_free(r->aligns);
}

int nd_md_text_for_md4c(nd_buf *tmp, const char **s, size_t len) {
  if (!len) {
    *s = "";
    return 0;
  }
  if ((*s)[len - 1] == '\n') return 0; /* md4c stops at the line end */
  nd_buf_put(tmp, *s, len); /* NUL-terminated */
  if (tmp->failed) return nd_oom("markdown: input");
  *s = tmp->data;
  return 0;
}

/* run_md4c() on text md4c may be given (nd_md_text_for_md4c()). */
static int parse_md4c(md_reader *r, const char *src, size_t len, int prescanned) {
  MD_PARSER p;
  memset(&p, 0, sizeof p);
  p.abi_version = 0;
  p.flags = MD_FLAGS;
  p.enter_block = enter_block;
  p.leave_block = leave_block;
  p.enter_span = enter_span;
  p.leave_span = leave_span;
  p.text = on_text;
  r->src = src;
  r->srclen = len;
  if (!prescanned && (r->err = prescan_depth(src, len, r->ctx))) return r->err;
  int rc = md_parse(src, (MD_SIZE)len, &p, r);
  if (r->err) return r->err;
  if (rc) return newsdoc_error_set(NEWSDOC_ENOMEM, "markdown: md4c failed (%d)", rc);
  return flush_text(r) ? r->err : 0;
}

/* Parse src into r; prescanned: prescan_depth() already ran on it. */
static int run_md4c(md_reader *r, const char *src, size_t len, int prescanned) {
  nd_buf copy = ND_BUF_INIT;
  if ((r->err = nd_md_text_for_md4c(&copy, &src, len))) return r->err;
  int rc = parse_md4c(r, src, len, prescanned);
  nd_buf_free(&copy); /* nothing points into it: the last text is flushed */
  return rc;
}

static int cmp_def(const void *a, const void *b) {
  const md_def *x = a, *y = b;
  size_t m = x->label_len < y->label_len ? x->label_len : y->label_len;
  int c = memcmp(x->label, y->label, m);
  return c ? c : x->label_len < y->label_len ? -1 : x->label_len > y->label_len ? 1 : 0;
}

static void reader_init(md_reader *r, newsdoc_doc *doc, newsdoc_ctx *ctx, newsdoc_node *root) {
  memset(r, 0, sizeof *r);
  r->doc = doc;
  r->ctx = ctx;
  r->root = root;
  r->sections_allowed = root->type == NEWSDOC_NODE_BODY;
  r->doc_lang = newsdoc_meta_get(doc, NEWSDOC_META_LANG);
  r->doc_dir = newsdoc_doc_dir(doc);
  r->nodes_max = newsdoc_ctx_limit(ctx, NEWSDOC_LIMIT_NODES);
  r->depth_max = newsdoc_ctx_limit(ctx, NEWSDOC_LIMIT_DEPTH);
}

/* Read the Markdown body (front matter already taken) into the document.
 * check_nfc: src has not been checked yet; ND_MD_NOT_NFC (nothing read)
 * when it is not certainly valid NFC, for the caller to normalise it and
 * call again. */
static int read_body(newsdoc_doc *doc, const char *src, size_t len, newsdoc_ctx *ctx, int check_nfc) {
  md_reader r;
  int rc = 0;
  md_rawdef *raw = NULL;
  size_t nraw = 0;
  nd_buf body = ND_BUF_INIT, notes = ND_BUF_INIT, labels = ND_BUF_INIT;
  md_def *defs = NULL;
  size_t ndefs = 0;
  unsigned long long nodes = 0;

  /* one pass over the lines: footnote definitions taken out, depth checked */
  {
    const char *bsrc;
    size_t blen;
    if ((rc = split_defs(src, len, ctx, check_nfc, &body, &bsrc, &blen, &notes, &raw, &nraw))) goto out;
    if (nraw) {
      defs = nd_calloc(nraw, sizeof *defs);
      if (!defs) { rc = nd_oom("markdown: footnotes"); goto out; }
      /* the labels, copied in source order, so that the input can go */
      for (size_t i = 0; i < nraw; i++) nd_buf_put(&labels, src + raw[i].label_off, raw[i].label_len);
      if (labels.failed) { rc = nd_oom("markdown: footnotes"); goto out; }
      size_t loff = 0;
      for (size_t i = 0; i < nraw; i++) {
        newsdoc_node *note = nd_node_add(NULL, NEWSDOC_NODE_NOTE);
        if (!note) { rc = newsdoc_error_last()->code; goto out; }
        defs[ndefs].label = labels.data ? labels.data + loff : "";
        defs[ndefs].label_len = raw[i].label_len;
        loff += raw[i].label_len;
        defs[ndefs].note = note;
        ndefs++;
        reader_init(&r, doc, ctx, note);
        r.nodes = nodes;
        rc = run_md4c(&r, notes.data + raw[i].content_off, raw[i].content_len, 0);
        nodes = r.nodes;
        reader_free(&r);
        if (rc) goto out;
      }
      qsort(defs, ndefs, sizeof *defs, cmp_def);
      /* A label defined twice: the first definition wins (stable order is
       * lost by qsort, so keep the one with the lowest source offset). */
      size_t w = 0;
      for (size_t i = 0; i < ndefs; i++) {
        if (w && !cmp_def(&defs[w - 1], &defs[i])) {
          md_def *keep = defs[w - 1].label < defs[i].label ? &defs[w - 1] : &defs[i];
          md_def *drop = keep == &defs[i] ? &defs[w - 1] : &defs[i];
          newsdoc_node_free(drop->note);
          md_def k = *keep;
          defs[w - 1] = k;
          newsdoc_ctx_warn(ctx, "markdown: footnote [^%.*s] defined twice; the first definition kept",
                           (int)k.label_len, k.label);
          continue;
        }
        defs[w++] = defs[i];
      }
      ndefs = w;
      if (bsrc != src) nd_ctx_release_input(ctx); /* parsed from body from here on */
      src = bsrc;
      len = blen;
    }
  }
  reader_init(&r, doc, ctx, newsdoc_doc_root(doc));
  r.nodes = nodes;
  r.defs = defs;
  r.ndefs = ndefs;
  rc = run_md4c(&r, src, len, 1);
  reader_free(&r);
  for (size_t i = 0; !rc && i < ndefs; i++)
    if (!defs[i].used)
      newsdoc_ctx_warn(ctx, "markdown: footnote [^%.*s] is never referenced; dropped", (int)defs[i].label_len,
                       defs[i].label);
out:
  for (size_t i = 0; i < ndefs; i++)
    if (!defs[i].used) newsdoc_node_free(defs[i].note);
  nd_free(defs);
  nd_free(raw);
  nd_buf_free(&body);
  nd_buf_free(&notes);
  nd_buf_free(&labels);
  return rc;
}


/* NFC-normalise one piece of UTF-8 (valid) into out. */
static int nfc_piece(nd_buf *out, const UNormalizer2 *nfc, const char *s, size_t len, int *changed) {
  UErrorCode st = U_ZERO_ERROR;
  int32_t ulen = 0;
  u_strFromUTF8WithSub(NULL, 0, &ulen, s, (int32_t)len, 0xFFFD, NULL, &st);
  if (st != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(st))
    return newsdoc_error_set(NEWSDOC_EMALFORMED, "markdown: UTF-8: %s", u_errorName(st));
  UChar *u = nd_malloc(((size_t)ulen + 1) * sizeof(UChar));
  if (!u) return nd_oom("markdown: NFC");
  st = U_ZERO_ERROR;
  u_strFromUTF8WithSub(u, ulen + 1, NULL, s, (int32_t)len, 0xFFFD, NULL, &st);
  int32_t span = U_SUCCESS(st) ? unorm2_spanQuickCheckYes(nfc, u, ulen, &st) : 0;
  if (U_FAILURE(st)) { nd_free(u); return newsdoc_error_set(NEWSDOC_EMALFORMED, "markdown: NFC: %s", u_errorName(st)); }
  if (span == ulen) {
    nd_free(u);
    nd_buf_put(out, s, len);
    return 0;
  }
  *changed = 1;
  int32_t cap = ulen + ulen / 4 + 16;
  UChar *v = nd_malloc((size_t)cap * sizeof(UChar));
  if (!v) { nd_free(u); return nd_oom("markdown: NFC"); }
  int32_t vlen = unorm2_normalize(nfc, u, ulen, v, cap, &st);
  if (st == U_BUFFER_OVERFLOW_ERROR) {
    nd_free(v);
    cap = vlen + 1;
    v = nd_malloc((size_t)cap * sizeof(UChar));
    if (!v) { nd_free(u); return nd_oom("markdown: NFC"); }
    st = U_ZERO_ERROR;
    vlen = unorm2_normalize(nfc, u, ulen, v, cap, &st);
  }
  nd_free(u);
  int32_t blen = 0;
  if (U_SUCCESS(st)) {
    u_strToUTF8(NULL, 0, &blen, v, vlen, &st);
    if (st == U_BUFFER_OVERFLOW_ERROR) st = U_ZERO_ERROR;
  }
  if (U_FAILURE(st) || nd_buf_reserve(out, (size_t)blen + 1)) {
    nd_free(v);
    return U_FAILURE(st) ? newsdoc_error_set(NEWSDOC_EMALFORMED, "markdown: NFC: %s", u_errorName(st))
                         : nd_oom("markdown: NFC");
  }
  u_strToUTF8(out->data + out->len, blen + 1, NULL, v, vlen, &st);
  nd_free(v);
  if (U_FAILURE(st)) return newsdoc_error_set(NEWSDOC_EMALFORMED, "markdown: NFC: %s", u_errorName(st));
  out->len += (size_t)blen;
  out->data[out->len] = 0;
  return 0;
}

/* Strict UTF-8 validation (no overlongs, surrogates or values past
 * U+10FFFF), eight ASCII bytes at a time. */
static int utf8_valid_fast(const unsigned char *s, size_t len) {
  size_t i = 0;
  while (i < len) {
    if (i + 8 <= len) {
      uint64_t w;
      memcpy(&w, s + i, 8);
      if (!(w & 0x8080808080808080ull)) { i += 8; continue; }
    }
    unsigned c = s[i];
    if (c < 0x80) { i++; continue; }
    size_t n;
    uint32_t cp;
    if (c >= 0xC2 && c <= 0xDF) { n = 1; cp = c & 0x1F; }
    else if (c >= 0xE0 && c <= 0xEF) { n = 2; cp = c & 0x0F; }
    else if (c >= 0xF0 && c <= 0xF4) { n = 3; cp = c & 0x07; }
    else return 0;
    if (i + n >= len) return 0;
    for (size_t k = 1; k <= n; k++) {
      if ((s[i + k] & 0xC0) != 0x80) return 0;
      cp = (cp << 6) | (s[i + k] & 0x3F);
    }
    if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)) || (cp >= 0xD800 && cp <= 0xDFFF))
      return 0;
    i += n + 1;
  }
  return 1;
}

/* Whether a piece of valid UTF-8 is certainly NFC without asking ICU:
 * every code point is in a range whose characters are NFC_QC=Yes and
 * never compose with what precedes them (Latin-1 and Latin Extended,
 * Arabic, Persian and Hebrew letters and digits, Arabic presentation
 * forms, general punctuation with ZWNJ/ZWJ/LRM/RLM), or is an Arabic
 * haraka (U+064B..U+0652) in canonical order.  Anything else goes to
 * ICU. */
static int nfc_fast_safe(const unsigned char *s, size_t len) {
  unsigned prev_ccc = 0;
  for (size_t i = 0; i < len;) {
    unsigned c = s[i];
    uint32_t cp;
    if (c < 0x80) { cp = c; i++; }
    else if (c < 0xE0) { cp = ((c & 0x1Fu) << 6) | (s[i + 1] & 0x3Fu); i += 2; }
    else if (c < 0xF0) { cp = ((c & 0x0Fu) << 12) | ((s[i + 1] & 0x3Fu) << 6) | (s[i + 2] & 0x3Fu); i += 3; }
    else return 0;
    unsigned ccc = 0;
    if (cp < 0x300) ;
    else if (cp >= 0x64B && cp <= 0x652) {
      ccc = 27 + (cp - 0x64B);
      if (prev_ccc > ccc) return 0;
    } else if ((cp >= 0x600 && cp <= 0x64A) || (cp >= 0x660 && cp <= 0x66F) || (cp >= 0x671 && cp <= 0x6D5) ||
               (cp >= 0x6E5 && cp <= 0x6E6) || (cp >= 0x6EE && cp <= 0x6FF) || (cp >= 0x750 && cp <= 0x77F) ||
               (cp >= 0x5D0 && cp <= 0x5EA) || (cp >= 0x5F0 && cp <= 0x5F4) || (cp >= 0x2002 && cp <= 0x206F) ||
               (cp >= 0xFB50 && cp <= 0xFDFF) || (cp >= 0xFE70 && cp <= 0xFEFF)) ;
    else return 0;
    prev_ccc = ccc;
  }
  return 1;
}

/* UTF-8 with invalid bytes replaced, NFC.  Sets *out to src when nothing
 * needed changing.  Works in pieces of about 64 KiB cut before an ASCII
 * byte (always a normalisation boundary), so memory stays small and
 * text that is already NFC is never copied. */
static int normalise_input(const char *src, size_t len, nd_buf *tmp, const char **out, size_t *out_len,
                           newsdoc_ctx *ctx) {
  *out = src;
  *out_len = len;
  size_t i = 0;
  while (i < len && !((unsigned char)src[i] & 0x80)) i++;
  if (i == len) return 0; /* ASCII */
  if (nd_nfc_quick(src + i, len - i)) return 0; /* valid and certainly NFC */
  if (!utf8_valid_fast((const unsigned char *)src, len)) {
    size_t bad = nd_utf8_sanitize(tmp, src, len);
    if (tmp->failed) return nd_oom("markdown: input");
    newsdoc_ctx_warn(ctx, "markdown: %zu invalid UTF-8 sequence(s) replaced with U+FFFD", bad);
    src = tmp->data;
    *out = tmp->data;
    *out_len = len = tmp->len;
  }
  UErrorCode st = U_ZERO_ERROR;
  const UNormalizer2 *nfc = unorm2_getNFCInstance(&st);
  if (U_FAILURE(st)) return newsdoc_error_set(NEWSDOC_EUNSUPPORTED, "markdown: ICU NFC: %s", u_errorName(st));
  nd_buf res = ND_BUF_INIT, piece = ND_BUF_INIT;
  int copying = 0, rc = 0;
  size_t pos = 0;
  while (pos < len && !rc) {
    size_t end = pos + 65536;
    if (end >= len) {
      end = len;
    } else {
      while (end < len && ((unsigned char)src[end] & 0x80)) end++;
      if (end - pos > (size_t)INT32_MAX / 4) {
        rc = newsdoc_error_set(NEWSDOC_ELIMIT_SIZE, "markdown: over 512 MiB without an ASCII character");
        break;
      }
    }
    size_t k = pos;
    while (k < end && !((unsigned char)src[k] & 0x80)) k++;
    if (k == end || nfc_fast_safe((const unsigned char *)src + pos, end - pos)) {
      if (copying) nd_buf_put(&res, src + pos, end - pos);
    } else {
      int changed = 0;
      nd_buf_clear(&piece);
      rc = nfc_piece(&piece, nfc, src + pos, end - pos, &changed);
      if (!rc && changed && !copying) {
        copying = 1;
        nd_buf_put(&res, src, pos);
      }
      if (!rc && copying) nd_buf_put(&res, piece.data, piece.len);
    }
    pos = end;
  }
  nd_buf_free(&piece);
  if (!rc && copying && res.failed) rc = nd_oom("markdown: NFC");
  if (rc || !copying) {
    nd_buf_free(&res);
    return rc;
  }
  nd_buf_free(tmp);
  *tmp = res;
  *out = tmp->data;
  *out_len = tmp->len;
  return 0;
}

int nd_md_read(newsdoc_doc **out, const char *data, size_t len, newsdoc_ctx *ctx, void *userdata) {
  (void)userdata;
  *out = NULL;
  if (len > (size_t)0x7FFFFFFF)
    return newsdoc_error_set(NEWSDOC_ELIMIT_SIZE, "markdown: input larger than 2 GiB");
  if (len >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3)) { data += 3; len -= 3; }
  nd_buf tmp = ND_BUF_INIT;
  const char *src = data;
  size_t slen = len;
  /* Text that is valid and certainly NFC (the usual case) is read as it
   * is: the front matter is checked on its own, the body by the line pass
   * of split_defs() as it goes (one pass over the input less).  Otherwise
   * normalise_input() makes an NFC copy first.  A line end is always a
   * normalisation boundary, so the front matter reads the same from
   * either, and only the body is normalised when the front matter was
   * already NFC. */
  size_t yo, yl, bo;
  int has_fm = nd_md_frontmatter_find(src, slen, &yo, &yl, &bo);
  int fast = !has_fm || nd_nfc_quick(src, bo); /* the body still to check */
  int rc = 0;
  if (!fast) {
    rc = normalise_input(data, len, &tmp, &src, &slen, ctx);
    if (!rc && tmp.data) nd_ctx_release_input(ctx); /* src is our own copy now */
    if (!rc) has_fm = nd_md_frontmatter_find(src, slen, &yo, &yl, &bo);
  }
  newsdoc_doc *doc = NULL;
  if (!rc) rc = newsdoc_doc_new(&doc);
  if (!rc && has_fm) {
    rc = nd_md_frontmatter_read(doc, src + yo, yl, ctx);
    if (rc == 1) rc = 0; /* not a mapping: plain Markdown */
    else if (!rc) { src += bo; slen -= bo; }
  }
  if (!rc) rc = read_body(doc, src, slen, ctx, fast);
  if (rc == ND_MD_NOT_NFC) {
    /* nothing of the body read yet */
    rc = normalise_input(src, slen, &tmp, &src, &slen, ctx);
    if (!rc && tmp.data) nd_ctx_release_input(ctx);
    if (!rc) rc = read_body(doc, src, slen, ctx, 0);
  }
  nd_buf_free(&tmp);
  if (rc) {
    newsdoc_doc_free(doc);
    return rc;
  }
  *out = doc;
  return 0;
}
