/* writer.c - the model as HTML: a standalone HTML5 page (or XHTML for
 * EPUB), or a body fragment that matches cmark's HTML for Markdown input.
 *
 * Direction: <html> carries the document's lang and dir; a block or span
 * whose language or direction differs from what the HTML around it has
 * established gets its own lang/dir.  A paragraph, heading, caption, cell
 * or tight list item without a direction of its own whose strong letters
 * are mostly of the other direction gets dir too (an English paragraph in
 * an Arabic article stays LTR).  Inside text, runs of the opposite
 * direction (and the numbers that follow them) are isolated with <bdi> so
 * punctuation and digits land on the right side.
 *
 * The walk is iterative with an explicit stack of frames. */
#include <stdio.h>
#include <strings.h>

#include <libxml/parser.h>

#include "html.h"

typedef struct {
  const newsdoc_node *n;
  uint8_t mdir, rdir;        /* model's effective / established by the HTML */
  const char *mlang, *rlang;
  const char *close;         /* written when the node is left */
  int cr_close;              /* newline before close unless at line start */
  int col;                   /* TABLE_ROW: next column */
  int body_started;          /* TABLE: a body row was written */
  int in_head;               /* TABLE_ROW: inside <thead> */
  int heading_tag;           /* HEADING: N of <hN> */
} frame;

enum { RAW_SAFE, RAW_OMIT, RAW_UNSAFE };
enum { TEXT_SEEN = 64 };

typedef struct {
  nd_buf *b;
  int raw_mode; /* RAW_* from the option raw-html */
  const newsdoc_doc *doc;
  const nd_html_opts *o;
  newsdoc_ctx *ctx;
  int shift; /* 1 when the title is the page's h1 */
  const newsdoc_node **notes;
  size_t nnotes, capnotes;
  frame *st;
  size_t nst, capst;
  const newsdoc_node *dir_n; /* want_dir()'s last answer: for dir_n in dir_ctx */
  uint8_t dir_ctx, dir_res;
  /* What count_dirs() saw in each TEXT of the block it last counted, in
   * the order the walk writes them (the first TEXT_SEEN of them) */
  struct {
    const newsdoc_node *n;
    uint8_t has_l, has_r, esc;
  } seen[TEXT_SEEN];
  size_t nseen, iseen;
} W;

static const char *const DIRNAME[] = {"", "ltr", "rtl", "auto"};
static const char *const H_OPEN[] = {"", "<h1", "<h2", "<h3", "<h4", "<h5", "<h6"};
static const char *const H_CLOSE[] = {"", "</h1>\n", "</h2>\n", "</h3>\n", "</h4>\n", "</h5>\n", "</h6>\n"};

/* The attribute dir="..." (without printf: it is written for many spans). */
static void put_dir(nd_buf *b, uint8_t dir) {
  nd_buf_puts(b, " dir=\"");
  nd_buf_puts(b, DIRNAME[dir & 3]);
  nd_buf_putc(b, '"');
}

static void cr(nd_buf *b) {
  if (b->len && b->data[b->len - 1] != '\n') nd_buf_putc(b, '\n');
}

/* Text as cmark escapes it: & < > and " (the last through &quot;). */
static void esc_text(nd_buf *b, const char *s, size_t len) { nd_html_escape_quot(b, s, len); }

static void esc_attr(nd_buf *b, const char *s) { nd_xml_escape_attr(b, s, strlen(s)); }

static int lang_eq(const char *a, const char *b) {
  if (a == b) return 1; /* mostly: the language a frame took from its parent */
  if (!a || !*a) return !b || !*b;
  return b && !strcasecmp(a, b);
}

static int push(W *w, frame f) {
  if (nd_grow(&w->st, &w->capst, w->nst, sizeof *w->st, 32, "html: writer stack")) return NEWSDOC_ENOMEM;
  w->st[w->nst++] = f;
  return 0;
}

static const newsdoc_node *pre_next(const newsdoc_node *x, const newsdoc_node *root, int descend) {
  if (descend && x->first) return x->first;
  while (x && x != root) {
    if (x->next) return x->next;
    x = x->parent;
  }
  return NULL;
}

/* Strong letters of each direction in a block's text (notes and code left
 * out).  With w, what each TEXT holds is kept for put_text_node(). */
static void count_dirs(W *w, const newsdoc_node *root, size_t *l, size_t *r) {
  const newsdoc_node *x = root->first;
  if (w) w->nseen = w->iseen = 0;
  while (x) {
    if (x->type == NEWSDOC_NODE_TEXT && x->literal) {
      size_t l0 = *l, r0 = *r;
      int esc = nd_html_bidi_scan(x->literal, x->literal_len, l, r);
      if (w && w->nseen < TEXT_SEEN) {
        w->seen[w->nseen].n = x;
        w->seen[w->nseen].has_l = *l > l0;
        w->seen[w->nseen].has_r = *r > r0;
        w->seen[w->nseen].esc = (uint8_t)esc;
        w->nseen++;
      }
    }
    x = pre_next(x, root, x->type != NEWSDOC_NODE_NOTE);
  }
}

static int tight_para(const newsdoc_node *n) {
  const newsdoc_node *p = n->parent;
  return n->type == NEWSDOC_NODE_PARAGRAPH && p && p->type == NEWSDOC_NODE_ITEM && p->parent &&
         p->parent->type == NEWSDOC_NODE_LIST && (p->parent->flags & ND_NODE_TIGHT);
}

static int auto_dir_capable(const newsdoc_node *n) {
  switch (n->type) {
  case NEWSDOC_NODE_PARAGRAPH: return !tight_para(n);
  case NEWSDOC_NODE_HEADING: case NEWSDOC_NODE_CAPTION: case NEWSDOC_NODE_TABLE_CELL: return 1;
  case NEWSDOC_NODE_ITEM: return n->parent && (n->parent->flags & ND_NODE_TIGHT);
  default: return 0;
  }
}

/* The direction a node should have: its own, else (for blocks holding
 * text) the opposite of the context when most of its letters are, else
 * the context's. */
static uint8_t want_dir(W *w, const newsdoc_node *n, uint8_t ctx) {
  if (n->dir) return n->dir;
  if ((ctx == NEWSDOC_DIR_LTR || ctx == NEWSDOC_DIR_RTL) && auto_dir_capable(n)) {
    /* needs_attrs() and child_frame() ask in turn about the same node */
    if (w->dir_n == n && w->dir_ctx == ctx) return w->dir_res;
    size_t l = 0, r = 0;
    uint8_t res = ctx;
    count_dirs(w, n, &l, &r);
    if (ctx == NEWSDOC_DIR_RTL && l > r) res = NEWSDOC_DIR_LTR;
    if (ctx == NEWSDOC_DIR_LTR && r > l) res = NEWSDOC_DIR_RTL;
    w->dir_n = n;
    w->dir_ctx = ctx;
    w->dir_res = res;
    return res;
  }
  return ctx;
}

/* A child frame for `n` under `p`; writes id/lang/dir when `element` (the
 * node has an element of its own to carry them). */
static frame child_frame(W *w, const newsdoc_node *n, const frame *p, int element) {
  frame f;
  memset(&f, 0, sizeof f);
  f.n = n;
  f.mdir = want_dir(w, n, p->mdir);
  f.mlang = n->lang && *n->lang ? n->lang : p->mlang;
  f.rdir = p->rdir;
  f.rlang = p->rlang;
  if (element) {
    if (nd_id(n) && *nd_id(n)) {
      nd_buf_puts(w->b, " id=\"");
      esc_attr(w->b, nd_id(n));
      nd_buf_putc(w->b, '"');
    }
    if (!lang_eq(f.mlang, f.rlang) && f.mlang) {
      nd_buf_puts(w->b, " lang=\"");
      esc_attr(w->b, f.mlang);
      nd_buf_putc(w->b, '"');
      f.rlang = f.mlang;
    }
    if (f.mdir != f.rdir && f.mdir) {
      put_dir(w->b, f.mdir);
      f.rdir = f.mdir;
    }
  }
  return f;
}

/* Whether the node needs an element to carry id/lang/dir. */
static int needs_attrs(W *w, const newsdoc_node *n, const frame *p) {
  if (nd_id(n) && *nd_id(n)) return 1;
  const char *lang = n->lang && *n->lang ? n->lang : p->mlang;
  if (!lang_eq(lang, p->rlang)) return 1;
  return want_dir(w, n, p->mdir) != p->rdir;
}

static void put_plain(nd_buf *b, const char *s, size_t len, int esc) {
  if (esc) esc_text(b, s, len);
  else nd_buf_put(b, s, len);
}

/* Text, with runs of the direction opposite to `dir` inside <bdi>. */
static void put_text(W *w, const char *s, size_t len, uint8_t dir) {
  if (dir != NEWSDOC_DIR_LTR && dir != NEWSDOC_DIR_RTL) {
    esc_text(w->b, s, len);
    return;
  }
  newsdoc_dir opp = dir == NEWSDOC_DIR_RTL ? NEWSDOC_DIR_LTR : NEWSDOC_DIR_RTL;
  size_t at = 0, rs, re;
  int esc_before = 1, esc_run;
  /* text the escaper would copy unchanged is copied straight away */
  while (at < len && nd_html_bidi_next_run(s, len, at, opp, &rs, &re, &esc_before, &esc_run)) {
    put_plain(w->b, s + at, rs - at, esc_before);
    nd_buf_puts(w->b, "<bdi>");
    put_plain(w->b, s + rs, re - rs, esc_run);
    nd_buf_puts(w->b, "</bdi>");
    at = re;
    esc_before = 1;
  }
  put_plain(w->b, s + at, len - at, esc_before);
}

/* A TEXT node: put_text(), or a plain copy when count_dirs() saw that it
 * holds nothing to isolate and nothing to escape. */
static void put_text_node(W *w, const newsdoc_node *n, uint8_t dir) {
  if (w->iseen < w->nseen && w->seen[w->iseen].n == n) {
    int ltr = dir == NEWSDOC_DIR_LTR, rtl = dir == NEWSDOC_DIR_RTL;
    int esc = w->seen[w->iseen].esc, has_l = w->seen[w->iseen].has_l, has_r = w->seen[w->iseen].has_r;
    w->iseen++;
    if (!(rtl && has_l) && !(ltr && has_r)) {
      put_plain(w->b, n->literal, n->literal_len, esc);
      return;
    }
  }
  put_text(w, n->literal, n->literal_len, dir);
}

static void put_media_src(W *w, const char *url) {
  if (!strncmp(url, "media:", 6)) {
    const char *name = url + 6;
    size_t idx;
    if (w->o->embed_media && !w->o->xhtml && newsdoc_media_find(w->doc, name, &idx) == 0) {
      const nd_media *m = &w->doc->media[idx];
      nd_buf_puts(w->b, "data:");
      esc_attr(w->b, m->mime && *m->mime ? m->mime : "application/octet-stream");
      nd_buf_puts(w->b, ";base64,");
      nd_base64_encode(w->b, m->data, m->len);
      return;
    }
    if (newsdoc_media_find(w->doc, name, &idx)) newsdoc_ctx_warn(w->ctx, "html: image %s is not in the document's media", name);
    const char *prefix = w->o->media_prefix ? w->o->media_prefix : "media/";
    nd_html_escape_href(w->b, prefix, strlen(prefix));
    nd_html_escape_href(w->b, name, strlen(name));
    return;
  }
  nd_html_escape_href(w->b, url, strlen(url));
}

/* An image source we may write: not unsafe, no data: in XHTML (EPUB). */
static int src_ok(W *w, const char *url) {
  if (!url || !*url) return 0;
  if (nd_html_url_unsafe(url)) return 0;
  if (w->o->xhtml && !strncasecmp(url, "data:", 5)) return 0;
  return 1;
}

static void put_img(W *w, const newsdoc_node *n, const frame *p) {
  if (!src_ok(w, nd_url(n))) {
    newsdoc_ctx_warn(w->ctx, "html: image source \"%.60s\" left out (unsafe or not allowed here)", nd_url(n) ? nd_url(n) : "");
    if (nd_title(n)) put_text(w, nd_title(n), strlen(nd_title(n)), p->rdir);
    return;
  }
  nd_buf_puts(w->b, "<img src=\"");
  put_media_src(w, nd_url(n));
  nd_buf_puts(w->b, "\" alt=\"");
  if (nd_title(n)) esc_attr(w->b, nd_title(n));
  nd_buf_puts(w->b, "\"");
  if (n->type == NEWSDOC_NODE_IMAGE) (void)child_frame(w, n, p, 1);
  nd_buf_puts(w->b, " />");
}

/* Raw HTML, by the option raw-html: "safe" (default) makes tags that could
 * run code or load resources inert text, "omit" leaves raw HTML out,
 * "unsafe" writes it verbatim.  In XHTML only when it is well-formed XML. */
static void put_raw(W *w, const newsdoc_node *n, int block) {
  if (w->raw_mode == RAW_OMIT) {
    newsdoc_ctx_warn(w->ctx, "html: raw HTML left out (raw-html=omit)");
    return;
  }
  if (!nd_info(n) || strcasecmp(nd_info(n), "html")) {
    newsdoc_ctx_warn(w->ctx, "html: raw %s content left out", nd_info(n) ? nd_info(n) : "(untyped)");
    return;
  }
  const char *s = n->literal ? n->literal : "";
  size_t len = n->literal ? n->literal_len : 0;
  if (w->o->xhtml) {
    nd_buf tmp = ND_BUF_INIT;
    nd_buf_puts(&tmp, "<r>");
    nd_buf_put(&tmp, s, len);
    nd_buf_puts(&tmp, "</r>");
    if (tmp.failed) { /* out of memory, not malformed: the output fails */
      nd_buf_free(&tmp);
      w->b->failed = 1;
      return;
    }
    int ok = 0;
    xmlParserCtxtPtr c = tmp.failed || tmp.len > 0x7fffffff ? NULL : xmlNewParserCtxt();
    if (c) {
      xmlDocPtr d = xmlCtxtReadMemory(c, tmp.data, (int)tmp.len, NULL, "UTF-8",
                                      XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
      ok = d && c->wellFormed;
      xmlFreeDoc(d);
      xmlFreeParserCtxt(c);
    }
    nd_buf_free(&tmp);
    if (!ok) {
      newsdoc_ctx_warn(w->ctx, "html: raw HTML that is not well-formed XML left out of XHTML");
      return;
    }
  }
  if (block) cr(w->b);
  if (w->raw_mode == RAW_UNSAFE) {
    nd_buf_put(w->b, s, len);
  } else if (nd_html_raw_safe(w->b, s, len)) {
    newsdoc_ctx_warn(w->ctx, "html: raw HTML that could run code or load resources written as text (raw-html=unsafe keeps it)");
  }
  if (block) cr(w->b);
}

static const char *align_css(uint8_t a) {
  return a == NEWSDOC_ALIGN_START ? "start" : a == NEWSDOC_ALIGN_CENTER ? "center" : a == NEWSDOC_ALIGN_END ? "end" : NULL;
}

/* Enter a node: 1 when a frame was pushed (a container), 0 for leaves and
 * skipped subtrees, <0 on error. */
static int enter(W *w, const newsdoc_node *n) {
  frame *p = &w->st[w->nst - 1];
  frame f;
  nd_buf *b = w->b;
  int frag = w->o->fragment;
  switch ((newsdoc_node_type)n->type) {
  case NEWSDOC_NODE_SECTION:
    if (frag) {
      f = child_frame(w, n, p, 0);
      f.close = "";
    } else {
      cr(b);
      nd_buf_puts(b, "<section");
      f = child_frame(w, n, p, 1);
      nd_buf_puts(b, ">\n");
      f.close = "</section>\n";
      f.cr_close = 1;
    }
    break;
  case NEWSDOC_NODE_HEADING: {
    int level = n->parent && n->parent->type == NEWSDOC_NODE_SECTION ? n->parent->level : 1;
    int h = level + w->shift;
    cr(b);
    if (h >= 1) nd_buf_puts(b, H_OPEN[h > 6 ? 6 : h]);
    else nd_buf_printf(b, "<h%d", h);
    f = child_frame(w, n, p, 1);
    if (h > 6) nd_buf_printf(b, " aria-level=\"%d\"", h);
    nd_buf_putc(b, '>');
    f.heading_tag = h > 6 ? 6 : h;
    f.close = NULL;
    break;
  }
  case NEWSDOC_NODE_PARAGRAPH:
    if (tight_para(n) && !needs_attrs(w, n, p)) {
      f = child_frame(w, n, p, 0);
      f.close = "";
    } else {
      cr(b);
      nd_buf_puts(b, "<p");
      f = child_frame(w, n, p, 1);
      nd_buf_putc(b, '>');
      f.close = "</p>\n";
    }
    break;
  case NEWSDOC_NODE_BLOCKQUOTE:
    cr(b);
    nd_buf_puts(b, "<blockquote");
    f = child_frame(w, n, p, 1);
    nd_buf_puts(b, ">\n");
    f.close = "</blockquote>\n";
    f.cr_close = 1;
    break;
  case NEWSDOC_NODE_LIST:
    cr(b);
    if (n->list_type == NEWSDOC_LIST_ORDERED) {
      nd_buf_puts(b, "<ol");
      if (n->start != 1) nd_buf_printf(b, " start=\"%d\"", n->start);
    } else {
      nd_buf_puts(b, "<ul");
    }
    f = child_frame(w, n, p, 1);
    nd_buf_puts(b, ">\n");
    f.close = n->list_type == NEWSDOC_LIST_ORDERED ? "</ol>\n" : "</ul>\n";
    break;
  case NEWSDOC_NODE_ITEM:
    cr(b);
    nd_buf_puts(b, "<li");
    f = child_frame(w, n, p, 1);
    nd_buf_putc(b, '>');
    f.close = "</li>\n";
    break;
  case NEWSDOC_NODE_TABLE:
    cr(b);
    nd_buf_puts(b, "<table");
    f = child_frame(w, n, p, 1);
    nd_buf_puts(b, ">\n");
    f.close = "</table>\n";
    break;
  case NEWSDOC_NODE_TABLE_ROW: {
    int head = (n->flags & ND_NODE_HEADER) && !p->body_started;
    if (head && (!n->prev || !(n->prev->flags & ND_NODE_HEADER))) nd_buf_puts(b, "<thead>\n");
    if (!head && !p->body_started) {
      nd_buf_puts(b, "<tbody>\n");
      p->body_started = 1;
    }
    nd_buf_puts(b, "<tr");
    f = child_frame(w, n, p, 1);
    nd_buf_puts(b, ">\n");
    f.in_head = head;
    f.close = head && (!n->next || !(n->next->flags & ND_NODE_HEADER)) ? "</tr>\n</thead>\n"
              : !head && !n->next ? "</tr>\n</tbody>\n" : "</tr>\n";
    break;
  }
  case NEWSDOC_NODE_TABLE_CELL: {
    int th = n->parent && (n->parent->flags & ND_NODE_HEADER);
    const newsdoc_node *table = n->parent ? n->parent->parent : NULL;
    uint8_t al = 0;
    if (table && p->col >= 0 && (size_t)p->col < nd_naligns(table)) al = nd_aligns(table)[p->col];
    p->col += n->colspan > 0 ? n->colspan : 1;
    nd_buf_puts(b, th ? "<th" : "<td");
    if (al && frag) {
      const char *phys = al == NEWSDOC_ALIGN_CENTER ? "center"
                         : (al == NEWSDOC_ALIGN_START) == (p->rdir != NEWSDOC_DIR_RTL) ? "left" : "right";
      nd_buf_printf(b, " align=\"%s\"", phys);
    } else if (al) {
      nd_buf_printf(b, " style=\"text-align: %s\"", align_css(al));
    }
    if (n->colspan > 1) nd_buf_printf(b, " colspan=\"%d\"", n->colspan);
    if (n->rowspan > 1) nd_buf_printf(b, " rowspan=\"%d\"", n->rowspan);
    f = child_frame(w, n, p, 1);
    nd_buf_putc(b, '>');
    f.close = th ? "</th>\n" : "</td>\n";
    break;
  }
  case NEWSDOC_NODE_FIGURE:
    cr(b);
    nd_buf_puts(b, "<figure");
    f = child_frame(w, n, p, 1);
    nd_buf_puts(b, ">\n");
    if (nd_url(n)) {
      put_img(w, n, &f);
      nd_buf_putc(b, '\n');
    }
    f.close = "</figure>\n";
    f.cr_close = 1;
    break;
  case NEWSDOC_NODE_CAPTION:
    cr(b);
    nd_buf_puts(b, "<figcaption");
    f = child_frame(w, n, p, 1);
    nd_buf_putc(b, '>');
    f.close = "</figcaption>\n";
    break;
  case NEWSDOC_NODE_CODE_BLOCK: {
    cr(b);
    nd_buf_puts(b, "<pre");
    f = child_frame(w, n, p, 1);
    nd_buf_puts(b, "><code");
    if (nd_info(n) && *nd_info(n)) {
      size_t k = 0;
      while (nd_info(n)[k] && nd_info(n)[k] != ' ' && nd_info(n)[k] != '\t' && nd_info(n)[k] != '\n') k++;
      nd_buf_puts(b, " class=\"language-");
      nd_xml_escape_attr(b, nd_info(n), k);
      nd_buf_putc(b, '"');
    }
    nd_buf_putc(b, '>');
    if (n->literal) esc_text(b, n->literal, n->literal_len);
    nd_buf_puts(b, "</code></pre>\n");
    return 0;
  }
  case NEWSDOC_NODE_THEMATIC_BREAK:
    cr(b);
    nd_buf_puts(b, "<hr");
    child_frame(w, n, p, 1);
    nd_buf_puts(b, " />\n");
    return 0;
  case NEWSDOC_NODE_RAW_BLOCK:
    put_raw(w, n, 1);
    return 0;
  case NEWSDOC_NODE_TEXT:
    if (n->literal) put_text_node(w, n, p->rdir);
    return 0;
  case NEWSDOC_NODE_CODE:
    nd_buf_puts(b, "<code");
    child_frame(w, n, p, 1);
    nd_buf_putc(b, '>');
    if (n->literal) esc_text(b, n->literal, n->literal_len);
    nd_buf_puts(b, "</code>");
    return 0;
  case NEWSDOC_NODE_LINE_BREAK:
    nd_buf_puts(b, "<br />\n");
    return 0;
  case NEWSDOC_NODE_SOFT_BREAK:
    nd_buf_putc(b, '\n');
    return 0;
  case NEWSDOC_NODE_RAW_INLINE:
    put_raw(w, n, 0);
    return 0;
  case NEWSDOC_NODE_IMAGE:
    put_img(w, n, p);
    return 0;
  case NEWSDOC_NODE_NOTE: {
    if (nd_grow(&w->notes, &w->capnotes, w->nnotes, sizeof *w->notes, 8, "html: notes")) return NEWSDOC_ENOMEM;
    w->notes[w->nnotes++] = n;
    size_t k = w->nnotes;
    nd_buf_printf(b, "<sup class=\"footnote-ref\"><a href=\"#fn-%zu\" id=\"fnref-%zu\" role=\"doc-noteref\"%s>%zu</a></sup>",
                  k, k, w->o->xhtml ? " epub:type=\"noteref\"" : "", k);
    return 0;
  }
  case NEWSDOC_NODE_EMPH:
  case NEWSDOC_NODE_STRONG:
  case NEWSDOC_NODE_QUOTED:
  case NEWSDOC_NODE_SPAN: {
    const char *tag = n->type == NEWSDOC_NODE_EMPH ? "em" : n->type == NEWSDOC_NODE_STRONG ? "strong"
                      : n->type == NEWSDOC_NODE_QUOTED ? "q" : "span";
    nd_buf_putc(b, '<');
    nd_buf_puts(b, tag);
    f = child_frame(w, n, p, 1);
    nd_buf_putc(b, '>');
    f.close = n->type == NEWSDOC_NODE_EMPH ? "</em>" : n->type == NEWSDOC_NODE_STRONG ? "</strong>"
              : n->type == NEWSDOC_NODE_QUOTED ? "</q>" : "</span>";
    break;
  }
  case NEWSDOC_NODE_LINK: {
    /* a link inside a link is not allowed in HTML: the inner one is text */
    int nested = 0;
    for (const newsdoc_node *a = n->parent; a && newsdoc_node_is_inline((newsdoc_node_type)a->type); a = a->parent)
      if (a->type == NEWSDOC_NODE_LINK) nested = 1;
    if (!nd_url(n) || nested || nd_html_url_unsafe(nd_url(n))) {
      if (nd_url(n) && !nested) newsdoc_ctx_warn(w->ctx, "html: unsafe link \"%.60s\" written as plain text", nd_url(n));
      if (needs_attrs(w, n, p)) {
        nd_buf_puts(b, "<span");
        f = child_frame(w, n, p, 1);
        nd_buf_putc(b, '>');
        f.close = "</span>";
      } else {
        f = child_frame(w, n, p, 0);
        f.close = "";
      }
      break;
    }
    nd_buf_puts(b, "<a href=\"");
    nd_html_escape_href(b, nd_url(n), strlen(nd_url(n)));
    nd_buf_putc(b, '"');
    if (nd_title(n) && *nd_title(n)) {
      nd_buf_puts(b, " title=\"");
      esc_attr(b, nd_title(n));
      nd_buf_putc(b, '"');
    }
    f = child_frame(w, n, p, 1);
    nd_buf_putc(b, '>');
    f.close = "</a>";
    break;
  }
  default:
    newsdoc_ctx_warn(w->ctx, "html: a %s node left out", newsdoc_node_type_name((newsdoc_node_type)n->type));
    return 0;
  }
  int rc = push(w, f);
  return rc ? rc : 1;
}

static void leave(W *w) {
  frame *f = &w->st[--w->nst];
  if (f->heading_tag) {
    if (f->heading_tag >= 1 && f->heading_tag <= 6) nd_buf_puts(w->b, H_CLOSE[f->heading_tag]);
    else nd_buf_printf(w->b, "</h%d>\n", f->heading_tag);
    return;
  }
  if (f->cr_close) cr(w->b);
  if (f->close) nd_buf_puts(w->b, f->close);
}

/* Render the children of `root` under the frame `base`. */
/* Writes all the output but its last bytes (cr() and put_notes() look
 * back at them) to the sink, so that a large page is never held whole. */
static int spill(W *w) {
  nd_buf *b = w->b;
  size_t keep = 16, n = b->len - keep;
  int rc = newsdoc_sink_write(w->o->sink, b->data, n);
  memmove(b->data, b->data + n, keep);
  b->len = keep;
  b->data[keep] = 0;
  return rc;
}

static int walk(W *w, const newsdoc_node *root, frame base) {
  size_t floor = w->nst;
  int rc = push(w, base);
  if (rc) return rc;
  const newsdoc_node *x = root->first;
  unsigned counter = 0;
  while (x) {
    if ((++counter & 1023) == 0 && (rc = newsdoc_ctx_check(w->ctx))) break;
    if (w->b->failed) { rc = nd_oom("html: output"); break; }
    if (w->o->sink && w->b->len >= (256u << 10) && (rc = spill(w))) break;
    int r = enter(w, x);
    if (r < 0) { rc = r; break; }
    if (r == 1 && x->first) {
      x = x->first;
      continue;
    }
    if (r == 1) leave(w);
    while (x) {
      if (x->next) { x = x->next; break; }
      x = x->parent;
      if (!x || x == root) { x = NULL; break; }
      leave(w);
    }
  }
  w->nst = floor;
  return rc;
}

static void put_meta(nd_buf *b, const char *attr, const char *name, const char *value, int xhtml) {
  (void)xhtml;
  nd_buf_printf(b, "<meta %s=\"", attr);
  esc_attr(b, name);
  nd_buf_puts(b, "\" content=\"");
  esc_attr(b, value);
  nd_buf_puts(b, "\" />\n");
}

static int known_meta(const char *k) {
  static const char *const K[] = {NEWSDOC_META_TITLE, NEWSDOC_META_SUBTITLE, NEWSDOC_META_AUTHOR, NEWSDOC_META_BYLINE,
                                  NEWSDOC_META_PUBLISHER, NEWSDOC_META_DATE, NEWSDOC_META_LANG, NEWSDOC_META_DIR,
                                  NEWSDOC_META_IDENTIFIER, NEWSDOC_META_DESCRIPTION, NEWSDOC_META_KEYWORD,
                                  NEWSDOC_META_SOURCE_URL};
  for (size_t i = 0; i < sizeof K / sizeof *K; i++)
    if (!strcmp(k, K[i])) return 1;
  return 0;
}

static void put_head(W *w, const char *lang, uint8_t dir) {
  nd_buf *b = w->b;
  const newsdoc_doc *d = w->doc;
  if (w->o->xhtml) {
    nd_buf_puts(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE html>\n");
    nd_buf_puts(b, "<html xmlns=\"http://www.w3.org/1999/xhtml\" xmlns:epub=\"http://www.idpf.org/2007/ops\"");
  } else {
    nd_buf_puts(b, "<!DOCTYPE html>\n<html");
  }
  if (lang) {
    nd_buf_puts(b, " lang=\"");
    esc_attr(b, lang);
    nd_buf_putc(b, '"');
    if (w->o->xhtml) {
      nd_buf_puts(b, " xml:lang=\"");
      esc_attr(b, lang);
      nd_buf_putc(b, '"');
    }
  }
  if (dir) nd_buf_printf(b, " dir=\"%s\"", DIRNAME[dir & 3]);
  nd_buf_puts(b, ">\n<head>\n<meta charset=\"utf-8\" />\n");
  if (!w->o->xhtml) nd_buf_puts(b, "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\" />\n");
  nd_buf_puts(b, "<meta name=\"generator\" content=\"libnewsdoc\" />\n");
  const char *title = newsdoc_meta_get(d, NEWSDOC_META_TITLE);
  nd_buf_puts(b, "<title>");
  if (title) esc_text(b, title, strlen(title));
  nd_buf_puts(b, "</title>\n");
  for (size_t i = 0; i < newsdoc_meta_count(d, NEWSDOC_META_AUTHOR); i++)
    put_meta(b, "name", "author", newsdoc_meta_get_nth(d, NEWSDOC_META_AUTHOR, i), w->o->xhtml);
  const char *v;
  if ((v = newsdoc_meta_get(d, NEWSDOC_META_DESCRIPTION))) put_meta(b, "name", "description", v, w->o->xhtml);
  size_t nk = newsdoc_meta_count(d, NEWSDOC_META_KEYWORD);
  if (nk) {
    nd_buf kw = ND_BUF_INIT;
    for (size_t i = 0; i < nk; i++) {
      if (i) nd_buf_puts(&kw, ", ");
      nd_buf_puts(&kw, newsdoc_meta_get_nth(d, NEWSDOC_META_KEYWORD, i));
    }
    if (kw.failed) b->failed = 1; /* nd_html_render reports ENOMEM */
    else if (kw.len) put_meta(b, "name", "keywords", kw.data, w->o->xhtml);
    nd_buf_free(&kw);
  }
  if ((v = newsdoc_meta_get(d, NEWSDOC_META_PUBLISHER))) put_meta(b, "name", "publisher", v, w->o->xhtml);
  if ((v = newsdoc_meta_get(d, NEWSDOC_META_DATE))) put_meta(b, "property", "article:published_time", v, w->o->xhtml);
  if ((v = newsdoc_meta_get(d, NEWSDOC_META_IDENTIFIER))) put_meta(b, "name", "dc.identifier", v, w->o->xhtml);
  if ((v = newsdoc_meta_get(d, NEWSDOC_META_SOURCE_URL)) && !nd_html_url_unsafe(v)) {
    nd_buf_puts(b, "<link rel=\"canonical\" href=\"");
    nd_html_escape_href(b, v, strlen(v));
    nd_buf_puts(b, "\" />\n");
  }
  if (!w->o->with_title_header) {
    if ((v = newsdoc_meta_get(d, NEWSDOC_META_SUBTITLE))) put_meta(b, "name", "newsdoc:subtitle", v, w->o->xhtml);
    if ((v = newsdoc_meta_get(d, NEWSDOC_META_BYLINE))) put_meta(b, "name", "newsdoc:byline", v, w->o->xhtml);
  }
  for (size_t i = 0; i < d->nmeta; i++) {
    if (known_meta(d->meta[i].key)) continue;
    nd_buf name = ND_BUF_INIT;
    nd_buf_puts(&name, "newsdoc:");
    nd_buf_puts(&name, d->meta[i].key);
    if (name.failed) b->failed = 1;
    else put_meta(b, "name", name.data, d->meta[i].value, w->o->xhtml);
    nd_buf_free(&name);
  }
  if (w->o->css_href && *w->o->css_href) {
    nd_buf_puts(b, "<link rel=\"stylesheet\" href=\"");
    nd_html_escape_href(b, w->o->css_href, strlen(w->o->css_href));
    nd_buf_puts(b, "\" />\n");
  } else if (w->o->standalone_css) {
    nd_buf_puts(b, "<style>\n");
    nd_buf_puts(b, nd_html_stylesheet);
    nd_buf_puts(b, "</style>\n");
  }
  nd_buf_puts(b, "</head>\n<body>\n<article>\n");
}

/* A block of the header holding text, with a direction of its own when
 * most of its letters are of the other direction. */
static void header_line(W *w, const char *open_tag, const char *cls, const char *s, uint8_t dir, const char *close) {
  size_t l = 0, r = 0;
  nd_html_bidi_count(s, strlen(s), &l, &r);
  uint8_t d = dir;
  if (dir == NEWSDOC_DIR_RTL && l > r) d = NEWSDOC_DIR_LTR;
  if (dir == NEWSDOC_DIR_LTR && r > l) d = NEWSDOC_DIR_RTL;
  nd_buf_printf(w->b, "<%s", open_tag);
  if (cls) nd_buf_printf(w->b, " class=\"%s\"", cls);
  if (d != dir) nd_buf_printf(w->b, " dir=\"%s\"", DIRNAME[d & 3]);
  nd_buf_putc(w->b, '>');
  put_text(w, s, strlen(s), d);
  nd_buf_puts(w->b, close);
}

static void put_header(W *w, uint8_t dir) {
  const newsdoc_doc *d = w->doc;
  const char *title = newsdoc_meta_get(d, NEWSDOC_META_TITLE);
  const char *sub = newsdoc_meta_get(d, NEWSDOC_META_SUBTITLE);
  const char *byline = newsdoc_meta_get(d, NEWSDOC_META_BYLINE);
  const char *date = newsdoc_meta_get(d, NEWSDOC_META_DATE);
  size_t nauth = newsdoc_meta_count(d, NEWSDOC_META_AUTHOR);
  if (!title && !sub && !byline && !date && !nauth) return;
  nd_buf_puts(w->b, "<header>\n");
  if (title) header_line(w, "h1", NULL, title, dir, "</h1>\n");
  if (sub) header_line(w, "p", "subtitle", sub, dir, "</p>\n");
  if (byline) {
    header_line(w, "p", "byline", byline, dir, "</p>\n");
  } else if (nauth) {
    nd_buf all = ND_BUF_INIT;
    for (size_t i = 0; i < nauth; i++) {
      if (i) nd_buf_puts(&all, dir == NEWSDOC_DIR_RTL ? "، " : ", ");
      nd_buf_puts(&all, newsdoc_meta_get_nth(d, NEWSDOC_META_AUTHOR, i));
    }
    if (all.failed) w->b->failed = 1;
    else if (all.len) header_line(w, "p", "authors", all.data, dir, "</p>\n");
    nd_buf_free(&all);
  }
  if (date) {
    nd_buf_puts(w->b, "<p class=\"dateline\"><time datetime=\"");
    esc_attr(w->b, date);
    nd_buf_puts(w->b, "\">");
    esc_text(w->b, date, strlen(date));
    nd_buf_puts(w->b, "</time></p>\n");
  }
  nd_buf_puts(w->b, "</header>\n");
}

static int put_notes(W *w, frame base) {
  if (!w->nnotes) return 0;
  nd_buf *b = w->b;
  cr(b);
  nd_buf_printf(b, "<section class=\"footnotes\" role=\"doc-endnotes\"%s>\n<ol>\n",
                w->o->xhtml ? " epub:type=\"endnotes\"" : "");
  /* Notes found inside notes are appended to the list as it is walked. */
  for (size_t i = 0; i < w->nnotes; i++) {
    const newsdoc_node *note = w->notes[i];
    nd_buf_printf(b, "<li id=\"fn-%zu\"%s>\n", i + 1, w->o->xhtml ? " epub:type=\"endnote\"" : "");
    int rc = walk(w, note, base);
    if (rc) return rc;
    char back[160];
    snprintf(back, sizeof back, "<a href=\"#fnref-%zu\" class=\"footnote-backref\" role=\"doc-backlink\">\xE2\x86\xA9</a>", i + 1);
    if (b->len >= 5 && !b->failed && !memcmp(b->data + b->len - 5, "</p>\n", 5)) {
      b->len -= 5;
      nd_buf_putc(b, ' ');
      nd_buf_puts(b, back);
      nd_buf_puts(b, "</p>\n");
    } else {
      cr(b);
      nd_buf_printf(b, "<p>%s</p>\n", back);
    }
    nd_buf_puts(b, "</li>\n");
  }
  nd_buf_puts(b, "</ol>\n</section>\n");
  return 0;
}

int nd_html_render(const newsdoc_doc *doc, nd_buf *out, const nd_html_opts *o, newsdoc_ctx *ctx) {
  if (!doc || !out || !o) return newsdoc_error_set(NEWSDOC_EUSAGE, "html: nd_html_render: NULL argument");
  W w;
  memset(&w, 0, sizeof w);
  w.b = out;
  w.doc = doc;
  w.o = o;
  w.ctx = ctx;
  const char *raw = newsdoc_ctx_option(ctx, "raw-html");
  if (!raw || !strcmp(raw, "safe")) w.raw_mode = RAW_SAFE;
  else if (!strcmp(raw, "omit")) w.raw_mode = RAW_OMIT;
  else if (!strcmp(raw, "unsafe")) w.raw_mode = RAW_UNSAFE;
  else return newsdoc_error_set(NEWSDOC_EUSAGE, "html: raw-html is safe, omit or unsafe, not \"%s\"", raw);
  const char *lang = newsdoc_meta_get(doc, NEWSDOC_META_LANG);
  if (lang && !*lang) lang = NULL;
  uint8_t dir = (uint8_t)newsdoc_doc_dir(doc);
  if (!dir && lang && nd_lang_is_rtl(lang)) dir = NEWSDOC_DIR_RTL;
  if (!dir && !o->fragment) {
    /* no direction and no right-to-left language: the text decides, so an
     * Arabic article without metadata still reads right to left (and reads
     * back the same: the reader does the same from the text) */
    size_t l = 0, r = 0;
    count_dirs(NULL, doc->root, &l, &r);
    if (r > l) dir = NEWSDOC_DIR_RTL;
  }
  int header = !o->fragment && o->with_title_header && newsdoc_meta_get(doc, NEWSDOC_META_TITLE);
  w.shift = header ? 1 : 0;
  if (!o->fragment) {
    put_head(&w, lang, dir);
    if (o->with_title_header) put_header(&w, dir);
  }
  frame base;
  memset(&base, 0, sizeof base);
  base.n = doc->root;
  base.mdir = base.rdir = dir;
  base.mlang = base.rlang = lang;
  base.close = "";
  int rc = walk(&w, doc->root, base);
  if (!rc) rc = put_notes(&w, base);
  if (!rc && !o->fragment) {
    cr(out);
    nd_buf_puts(out, "</article>\n</body>\n</html>\n");
  }
  nd_free(w.notes);
  nd_free(w.st);
  if (!rc && out->failed) rc = nd_oom("html: output");
  return rc;
}

int nd_html_write(const newsdoc_doc *doc, newsdoc_sink *sink, newsdoc_ctx *ctx, void *ud) {
  (void)ud;
  const newsdoc_options *opts = newsdoc_ctx_options(ctx);
  nd_html_opts o;
  memset(&o, 0, sizeof o);
  o.fragment = newsdoc_options_get_bool(opts, "fragment", 0);
  o.xhtml = newsdoc_options_get_bool(opts, "xhtml", 0);
  const char *css = newsdoc_ctx_option(ctx, "css");
  o.standalone_css = !css || !*css;
  o.css_href = css && *css && strcmp(css, "none") ? css : NULL;
  o.embed_media = newsdoc_options_get_bool(opts, "embed-media", 1);
  o.media_prefix = "media/";
  o.with_title_header = 1;
  if (!sink->fn && sink->buf && !sink->buf->len && !sink->buf->failed && !sink->written && !sink->error) {
    /* Writing into an empty memory buffer (newsdoc_write): render straight
     * into it rather than copying the page over afterwards (a large page
     * is as many bytes again to copy and to fault in), then apply the
     * size limit as newsdoc_sink_write() would have. */
    nd_buf *b = sink->buf;
    int rc = nd_html_render(doc, b, &o, ctx); /* ENOMEM when b failed */
    if (!rc && b->len > sink->limit) {
      sink->error = NEWSDOC_ELIMIT_SIZE;
      rc = newsdoc_error_set(NEWSDOC_ELIMIT_SIZE, "output: larger than max-output-size (%llu bytes)", sink->limit);
    }
    if (rc) {
      nd_buf_free(b);
      return rc;
    }
    sink->written = b->len;
    return 0;
  }
  /* Anything else (a file, a callback): the page goes to the sink as it is
   * made, so a large page is never whole in memory. */
  o.sink = sink;
  nd_buf b = ND_BUF_INIT;
  int rc = nd_html_render(doc, &b, &o, ctx);
  if (!rc) rc = nd_sink_put_buf(sink, &b);
  nd_buf_free(&b);
  return rc;
}
