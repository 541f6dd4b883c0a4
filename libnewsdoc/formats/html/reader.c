/* reader.c - HTML pages (ours and others') into the model.
 *
 * 1. Decode: BOM, else the charset named by <meta charset> / http-equiv /
 *    the XML declaration in the first 1024 bytes, else detection
 *    (nd_decode_text).
 * 2. Parse with libxml2 (HTML parser, or the XML parser for XHTML), safe
 *    options only: no network, no entity loading.
 * 3. Metadata from <head>: <title>, og:*, article:*, author, description,
 *    keywords, JSON-LD datePublished/headline, lang and dir.
 * 4. Find the article: itemprop=articleBody, <article>, <main>/role=main,
 *    else the element holding the most paragraph text; our own pages have
 *    an <article>.  Fragments and XHTML use the whole body.
 * 5. Walk the article with an explicit stack of frames, building blocks
 *    and inlines; headings open sections; notes are looked up by id.
 *    Scripts, styles, navigation, form controls, buttons, svg, iframes and
 *    comments are not content; on other sites' pages neither are asides,
 *    footers, share/tag/related boxes, small forms and blocks made mostly
 *    of links.  (A <form> is not dropped whole: ASP.NET pages wrap the
 *    entire page in one.)  A block or span whose lang/dir (from its
 *    own or an ancestor's attribute) differs from the model around it gets
 *    its own. */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "html.h"
#include "../../core/ucache.h"

/* ---- small DOM helpers ------------------------------------------------------ */

/* The element's name, or "" (in an array long enough for is_heading's
 * look at n[1] and n[2], which gcc -O3 cannot see are never reached). */
static const char no_name[4] = "";
static const char *ename(xmlNodePtr n) { return n && n->type == XML_ELEMENT_NODE ? (const char *)n->name : no_name; }
static int is(xmlNodePtr n, const char *name) { return n && n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, name); }

/* An attribute's value (borrowed), matching "prefix:name" for namespaced
 * attributes of XHTML (epub:type) and plain names otherwise. */
static const char *attr(xmlNodePtr el, const char *name) {
  if (!el || el->type != XML_ELEMENT_NODE) return NULL;
  for (xmlAttrPtr a = el->properties; a; a = a->next) {
    const char *an = (const char *)a->name;
    int match;
    if (a->ns && a->ns->prefix) {
      size_t pl = strlen((const char *)a->ns->prefix);
      match = !strncmp(name, (const char *)a->ns->prefix, pl) && name[pl] == ':' && !strcmp(name + pl + 1, an);
    } else {
      match = !strcmp(an, name);
    }
    if (!match) continue;
    if (a->children && (a->children->type == XML_TEXT_NODE || a->children->type == XML_CDATA_SECTION_NODE) &&
        !a->children->next)
      return a->children->content ? (const char *)a->children->content : "";
    return "";
  }
  return NULL;
}

static const char *lang_attr(xmlNodePtr el) {
  const char *l = attr(el, "xml:lang");
  if (!l) l = attr(el, "lang");
  return l;
}

static size_t attr_count(xmlNodePtr el) {
  size_t n = 0;
  for (xmlAttrPtr a = el->properties; a; a = a->next) n++;
  return n;
}

/* Whether a space-separated attribute value holds `word` (ASCII case-insensitive). */
static int has_word(const char *v, const char *word) {
  if (!v) return 0;
  size_t n = strlen(word);
  const char *p = v;
  while (*p) {
    while (*p && isspace((unsigned char)*p)) p++;
    const char *s = p;
    while (*p && !isspace((unsigned char)*p)) p++;
    if ((size_t)(p - s) == n && !strncasecmp(s, word, n)) return 1;
  }
  return 0;
}

static int contains_ci(const char *v, const char *needle) {
  if (!v) return 0;
  size_t n = strlen(needle);
  for (const char *p = v; *p; p++)
    if (!strncasecmp(p, needle, n)) return 1;
  return 0;
}

static newsdoc_dir parse_dir(const char *v) {
  if (!v) return NEWSDOC_DIR_UNSET;
  while (isspace((unsigned char)*v)) v++;
  if (!strncasecmp(v, "rtl", 3)) return NEWSDOC_DIR_RTL;
  if (!strncasecmp(v, "ltr", 3)) return NEWSDOC_DIR_LTR;
  if (!strncasecmp(v, "auto", 4)) return NEWSDOC_DIR_AUTO;
  return NEWSDOC_DIR_UNSET;
}

/* Preorder successor of x inside root (descend into children or not). */
static xmlNodePtr dom_next(xmlNodePtr x, xmlNodePtr root, int descend) {
  if (descend && x->children && x->type == XML_ELEMENT_NODE) return x->children;
  while (x && x != root) {
    if (x->next) return x->next;
    x = x->parent;
  }
  return NULL;
}

/* Elements that are never content (by name; a switch on the first letter
 * keeps this cheap: it runs for every element, several times). */
static int dropped_name(const char *n) {
  switch (n[0]) {
  case 'a': return !strcmp(n, "audio") || !strcmp(n, "applet") || !strcmp(n, "area");
  case 'b': return !strcmp(n, "button") || !strcmp(n, "base");
  case 'c': return !strcmp(n, "canvas");
  case 'd': return !strcmp(n, "dialog");
  case 'e': return !strcmp(n, "embed");
  case 'f': return !strcmp(n, "frame") || !strcmp(n, "frameset");
  case 'h': return !strcmp(n, "head");
  case 'i': return !strcmp(n, "input") || !strcmp(n, "iframe");
  case 'l': return !strcmp(n, "link") || !strcmp(n, "label");
  case 'm': return !strcmp(n, "meta") || !strcmp(n, "math") || !strcmp(n, "menu") || !strcmp(n, "map");
  case 'n': return !strcmp(n, "nav") || !strcmp(n, "noscript");
  case 'o': return !strcmp(n, "object") || !strcmp(n, "option");
  case 's': return !strcmp(n, "script") || !strcmp(n, "style") || !strcmp(n, "select") || !strcmp(n, "svg") ||
                   !strcmp(n, "source");
  case 't': return !strcmp(n, "template") || !strcmp(n, "textarea") || !strcmp(n, "title") || !strcmp(n, "track");
  case 'v': return !strcmp(n, "video");
  default: return 0;
  }
}

static int dropped(xmlNodePtr el) {
  if (!el || el->type != XML_ELEMENT_NODE) return 0;
  if (dropped_name((const char *)el->name)) return 1;
  for (xmlAttrPtr a = el->properties; a; a = a->next) {
    const char *an = (const char *)a->name;
    if (an[0] != 'h' && an[0] != 'a' && an[0] != 's') continue;
    if (!strcmp(an, "hidden")) return 1;
    const char *v = a->children && a->children->type == XML_TEXT_NODE ? (const char *)a->children->content : NULL;
    if (!v) continue;
    if (!strcmp(an, "aria-hidden") && !strcasecmp(v, "true")) return 1;
    if (!strcmp(an, "style") && (contains_ci(v, "display:none") || contains_ci(v, "display: none"))) return 1;
  }
  return 0;
}

/* Page furniture, dropped outside the article (and when scoring). */
static int furniture(xmlNodePtr el) {
  const char *n = ename(el);
  if (!strcmp(n, "header") || !strcmp(n, "footer") || !strcmp(n, "aside")) return 1;
  const char *role = attr(el, "role");
  return role && (has_word(role, "navigation") || has_word(role, "banner") || has_word(role, "contentinfo") ||
                  has_word(role, "complementary") || has_word(role, "search"));
}

static int is_heading(xmlNodePtr el) {
  const char *n = ename(el);
  return n[0] == 'h' && n[1] >= '1' && n[1] <= '6' && !n[2];
}

static int is_block_el(xmlNodePtr el) {
  if (is_heading(el)) return 1;
  const char *n = ename(el);
  switch (n[0]) {
  case 'a': return !strcmp(n, "article") || !strcmp(n, "aside") || !strcmp(n, "address");
  case 'b': return !strcmp(n, "blockquote") || !strcmp(n, "body");
  case 'c': return !strcmp(n, "caption") || !strcmp(n, "center");
  case 'd': return !strcmp(n, "div") || !strcmp(n, "dl") || !strcmp(n, "dt") || !strcmp(n, "dd") || !strcmp(n, "details");
  case 'f': return !strcmp(n, "footer") || !strcmp(n, "figure") || !strcmp(n, "figcaption") || !strcmp(n, "fieldset");
  case 'h': return !strcmp(n, "header") || !strcmp(n, "hr") || !strcmp(n, "html") || !strcmp(n, "hgroup");
  case 'l': return !strcmp(n, "li");
  case 'm': return !strcmp(n, "main");
  case 'o': return !strcmp(n, "ol");
  case 'p': return !strcmp(n, "p") || !strcmp(n, "pre") || !strcmp(n, "picture");
  case 's': return !strcmp(n, "section") || !strcmp(n, "summary");
  case 't': return !strcmp(n, "table") || !strcmp(n, "thead") || !strcmp(n, "tbody") || !strcmp(n, "tfoot") ||
                   !strcmp(n, "tr") || !strcmp(n, "td") || !strcmp(n, "th");
  case 'u': return !strcmp(n, "ul");
  default: return 0;
  }
}

/* All text below a node (scripts and styles left out), appended to b. */
static void text_content(nd_buf *b, xmlNodePtr root) {
  xmlNodePtr x = root->children;
  if (root->type == XML_TEXT_NODE || root->type == XML_CDATA_SECTION_NODE) {
    if (root->content) nd_buf_puts(b, (const char *)root->content);
    return;
  }
  while (x) {
    int descend = 1;
    if (x->type == XML_TEXT_NODE || x->type == XML_CDATA_SECTION_NODE) {
      if (x->content) nd_buf_puts(b, (const char *)x->content);
    } else if (x->type == XML_ELEMENT_NODE) {
      if (is(x, "script") || is(x, "style") || is(x, "template")) descend = 0;
      else if (is(x, "br")) nd_buf_putc(b, '\n');
    }
    x = dom_next(x, root, descend);
  }
}

/* HTML's whitespace: space, tab, LF, CR and FF (not VT). */
static const unsigned char html_ws[256] = {[' '] = 1, ['\t'] = 1, ['\n'] = 1, ['\r'] = 1, ['\f'] = 1};

/* Whitespace collapsed and trimmed; caller frees.  NULL in -> NULL out;
 * otherwise NULL means out of memory. */
static char *clean_text(const char *s) {
  if (!s) return NULL;
  const unsigned char *u = (const unsigned char *)s;
  size_t len = strlen(s), i = 0;
  nd_buf b = ND_BUF_INIT;
  while (i < len) {
    while (i < len && html_ws[u[i]]) i++;
    if (i >= len) break;
    /* words and single spaces: as they are */
    size_t st = i;
    i = nd_html_words_end(s, i, len);
    if (b.len) nd_buf_putc(&b, ' ');
    nd_buf_put(&b, s + st, i - st);
  }
  char *r = nd_buf_detach(&b, NULL);
  return r;
}


/* ---- the reader's state ------------------------------------------------------ */

enum { CTX_BLOCK, CTX_INLINE, CTX_LIST };

typedef struct {
  xmlNodePtr cur, end;     /* children still to visit: [cur, end) */
  int kind;                /* CTX_* */
  newsdoc_node *inl;       /* CTX_INLINE: where inlines go; CTX_LIST: the LIST */
  int restore;             /* restore blk/implicit/ws when popped */
  newsdoc_node *saved_blk, *saved_implicit;
  int saved_ws;
  newsdoc_node *finish;    /* block to tidy when popped */
  int reset_ws;            /* start of a new inline block */
  int sep_after;           /* a block element flattened into inline text */
  int own;                 /* CTX_INLINE: inl was made for this element */
  xmlNodePtr section_el;   /* a DOM <section>: restore the section on exit */
  uint8_t dir;             /* DOM's effective direction here */
  const char *lang;        /* DOM's effective language here */
} rframe;

typedef struct {
  const char *id;
  xmlNodePtr el;
  int used;
  size_t seq; /* document order, for repeated ids */
} note_def;

typedef struct {
  newsdoc_doc *doc;
  newsdoc_node *top;       /* where the import goes */
  newsdoc_ctx *ctx;
  int is_xhtml, fragment;
  newsdoc_node *blk;       /* current block container */
  newsdoc_node *implicit;  /* open paragraph for loose inline content */
  int ws;                  /* 1: whitespace would be leading/doubled here */
  int shift;               /* heading level shift (1 when the h1 is the title) */
  int any_block;           /* a block was created */
  int cleanup;             /* someone else's page: drop boilerplate in the article */
  const char *base;        /* cleanup: absolute URL relative links resolve against */
  size_t *tot, *lnk;       /* cleanup: text and link text per element (_private - 1) */
  size_t nel;
  xmlNodePtr *els;
  xmlNodePtr title_h1, own_header, section_pending;
  rframe *st;
  size_t nst, capst;
  note_def *notes;
  size_t nnotes, capnotes;
  xmlNodePtr *skip;        /* note containers, not content */
  size_t nskip, capskip;
  unsigned long long nodes, max_nodes;
  size_t media_seq;
  int rc;
  /* while the body is walked (the metadata does not change then): the
   * document's language and direction, looked up once */
  int meta_cached;
  const char *doc_lang;
  newsdoc_dir doc_dir;
} R;

static int fail(R *r, int rc) {
  if (!r->rc) r->rc = rc;
  return rc;
}

/* The text of an element, cleaned; NULL (with ENOMEM recorded) when out of
 * memory. */
static char *node_text_clean(R *r, xmlNodePtr el) {
  nd_buf b = ND_BUF_INIT;
  text_content(&b, el);
  char *raw = nd_buf_detach(&b, NULL);
  char *t = raw ? clean_text(raw) : NULL;
  nd_free(raw);
  if (!t) fail(r, nd_oom("html: text"));
  return t;
}

static int count_node(R *r) {
  if (++r->nodes > r->max_nodes)
    return fail(r, newsdoc_error_set(NEWSDOC_ELIMIT_COUNT, "html: more than max-nodes (%llu) nodes", r->max_nodes));
  return 0;
}

static newsdoc_node *add(R *r, newsdoc_node *parent, newsdoc_node_type t) {
  if (r->rc || count_node(r)) return NULL;
  newsdoc_node *n = nd_node_add(parent, t);
  if (!n) fail(r, newsdoc_error_last()->code ? newsdoc_error_last()->code : NEWSDOC_ENOMEM);
  return n;
}

/* newsdoc_node_effective_lang/_dir, with the document's own from the cache
 * while the body is walked. */
static const char *eff_lang(R *r, const newsdoc_node *n) {
  if (!r->meta_cached) return newsdoc_node_effective_lang(n, r->doc);
  const newsdoc_node *top = n;
  for (const newsdoc_node *a = n; a; a = a->parent) {
    if (a->lang && *a->lang) return a->lang;
    top = a;
  }
  return n && top == r->doc->root ? r->doc_lang : NULL;
}

static newsdoc_dir eff_dir(R *r, const newsdoc_node *n) {
  if (!r->meta_cached) return newsdoc_node_effective_dir(n, r->doc);
  const newsdoc_node *top = n;
  for (const newsdoc_node *a = n; a; a = a->parent) {
    if (a->dir != NEWSDOC_DIR_UNSET) return (newsdoc_dir)a->dir;
    top = a;
  }
  return n && top == r->doc->root ? r->doc_dir : NEWSDOC_DIR_UNSET;
}

/* Give a new node the DOM's lang/dir where they differ from the model's. */
static void set_lang_dir(R *r, newsdoc_node *n, uint8_t dir, const char *lang) {
  if (!n || !n->parent) return;
  newsdoc_dir md = eff_dir(r, n->parent);
  if (dir != md && dir != NEWSDOC_DIR_UNSET) n->dir = dir;
  const char *ml = eff_lang(r, n->parent);
  if (lang && *lang && (!ml || strcasecmp(ml, lang)))
    if (nd_node_set_str(&n->lang, lang)) fail(r, NEWSDOC_ENOMEM);
}

static void set_id(R *r, newsdoc_node *n, xmlNodePtr el) {
  const char *id = attr(el, "id");
  if (id && *id && nd_node_set_id(n, id)) fail(r, NEWSDOC_ENOMEM);
}

static int push(R *r, rframe f) {
  if (nd_grow(&r->st, &r->capst, r->nst, sizeof *r->st, 64, "html: reader stack")) return fail(r, NEWSDOC_ENOMEM);
  int rc = nd_check_depth(r->ctx, r->nst, "an HTML element");
  if (rc) return fail(r, rc);
  r->st[r->nst++] = f;
  return 0;
}

static rframe frame_for(xmlNodePtr el, int kind, newsdoc_node *inl, const rframe *parent) {
  rframe f;
  memset(&f, 0, sizeof f);
  f.cur = el ? el->children : NULL;
  f.kind = kind;
  f.inl = inl;
  f.dir = parent ? parent->dir : 0;
  f.lang = parent ? parent->lang : NULL;
  if (el) {
    newsdoc_dir d = parse_dir(attr(el, "dir"));
    if (d) f.dir = (uint8_t)d;
    const char *l = lang_attr(el);
    if (l && *l) f.lang = l;
  }
  return f;
}

/* Remove trailing whitespace and breaks at the end of an inline block. */
static void trim_end(newsdoc_node *blk) {
  newsdoc_node *c = blk;
  while (c) {
    newsdoc_node *last = c->last;
    if (!last) {
      if (c == blk) return;
      newsdoc_node *up = c->parent;
      if (c->type == NEWSDOC_NODE_SPAN && !nd_id(c)) newsdoc_node_free(c);
      else return;
      c = up;
      continue;
    }
    if (last->type == NEWSDOC_NODE_SOFT_BREAK || last->type == NEWSDOC_NODE_LINE_BREAK) {
      newsdoc_node_free(last);
      continue;
    }
    if (last->type == NEWSDOC_NODE_TEXT) {
      while (last->literal_len && (last->literal[last->literal_len - 1] == ' ')) last->literal[--last->literal_len] = 0;
      if (!last->literal_len) {
        newsdoc_node_free(last);
        continue;
      }
      return;
    }
    if (last->type == NEWSDOC_NODE_EMPH || last->type == NEWSDOC_NODE_STRONG || last->type == NEWSDOC_NODE_SPAN ||
        last->type == NEWSDOC_NODE_LINK || last->type == NEWSDOC_NODE_QUOTED) {
      c = last;
      continue;
    }
    return;
  }
}

/* Text that shows nothing: spaces, NBSP, BOM/ZWNBSP, ZWSP. */
static int invisible(const char *s, size_t len) {
  size_t i = 0;
  while (i < len) {
    uint32_t c = nd_utf8_next(s, len, &i);
    if (!(c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0xA0 || c == 0xFEFF || c == 0x200B)) return 0;
  }
  return 1;
}

/* Tidies a finished block; returns 1 when it was empty and freed. */
static int finish_block(R *r, newsdoc_node *b) {
  if (!b) return 0;
  trim_end(b);
  if (b->type == NEWSDOC_NODE_PARAGRAPH && b->first && b->first == b->last && b->first->type == NEWSDOC_NODE_TEXT &&
      invisible(b->first->literal, b->first->literal_len))
    newsdoc_node_free(b->first);
  if (!b->first && b->type == NEWSDOC_NODE_PARAGRAPH && !nd_id(b)) {
    if (r->implicit == b) r->implicit = NULL;
    newsdoc_node_free(b);
    return 1;
  }
  return 0;
}

static void close_implicit(R *r) {
  if (r->implicit) {
    newsdoc_node *p = r->implicit;
    r->implicit = NULL;
    finish_block(r, p);
  }
  r->ws = 1;
}

/* The paragraph loose inline content goes into. */
static newsdoc_node *implicit_para(R *r, const rframe *f) {
  if (r->implicit && r->implicit->parent == r->blk && r->blk->last == r->implicit) return r->implicit;
  close_implicit(r);
  newsdoc_node *p = add(r, r->blk, NEWSDOC_NODE_PARAGRAPH);
  if (!p) return NULL;
  set_lang_dir(r, p, f->dir, f->lang);
  r->implicit = p;
  r->any_block = 1;
  r->section_pending = NULL;
  r->ws = 1;
  return p;
}

/* Append text with HTML whitespace rules: runs collapse to one space, or
 * to a soft break when they hold a newline; leading ones are dropped.
 * Words are gathered in a buffer and appended once per run of text, so a
 * long paragraph costs linear time. */
static void flush_text(R *r, newsdoc_node *inl, nd_buf *b) {
  if (r->rc) return;
  if (b->failed) { fail(r, nd_oom("html: text")); return; }
  if (!b->len) return;
  if (!(inl->last && inl->last->type == NEWSDOC_NODE_TEXT) && count_node(r)) return;
  if (nd_node_append_text(inl, b->data, b->len)) fail(r, newsdoc_error_last()->code);
  nd_buf_clear(b);
}

/* Text that reaches the model as it is (words and single spaces) is
 * appended straight from s, a run at a time; only what changes (other
 * blanks, runs of them, leading ones, soft breaks) goes through b. */
static void put_run(R *r, newsdoc_node *inl, nd_buf *b, const char *s, size_t len) {
  if (b->len || b->failed) {
    nd_buf_put(b, s, len);
    return;
  }
  /* as flush_text() would append it from b */
  if (r->rc || !len) return;
  if (!(inl->last && inl->last->type == NEWSDOC_NODE_TEXT) && count_node(r)) return;
  if (nd_node_append_text(inl, s, len)) fail(r, newsdoc_error_last()->code);
}

static void put_text(R *r, newsdoc_node *inl, const char *s, size_t len) {
  const unsigned char *u = (const unsigned char *)s;
  nd_buf b = ND_BUF_INIT;
  size_t i = 0, run = 0; /* s[run..i) goes out as it is */
  while (i < len && !r->rc) {
    size_t st = i;
    int nl = 0;
    while (i < len && html_ws[u[i]]) {
      if (u[i] == '\n') nl = 1;
      i++;
    }
    if (i > st) {
      if (r->ws) { /* dropped */
        put_run(r, inl, &b, s + run, st - run);
        run = i;
      } else if (nl) {
        put_run(r, inl, &b, s + run, st - run);
        flush_text(r, inl, &b);
        run = i;
        if (!add(r, inl, NEWSDOC_NODE_SOFT_BREAK)) break;
        r->ws = 1;
      } else if (i - st != 1 || u[st] != ' ') { /* one space for the run */
        put_run(r, inl, &b, s + run, st - run);
        nd_buf_putc(&b, ' ');
        run = i;
        r->ws = 1;
      } else {
        r->ws = 1;
      }
    }
    /* words and the single spaces between them: as they are */
    st = i;
    i = nd_html_words_end(s, i, len);
    if (i > st) r->ws = 0;
  }
  if (run < i) put_run(r, inl, &b, s + run, i - run);
  flush_text(r, inl, &b);
  nd_buf_free(&b);
}

/* Resolve a relative reference against an absolute http(s) base (RFC 3986
 * section 5.2, with dot segments removed).  Caller frees; NULL: keep as is,
 * or out of memory (then *oom is set). */
static char *resolve_url(const char *base, const char *ref, int *oom) {
  if (!base || !ref) return NULL;
  const char *p = ref;
  while (isalnum((unsigned char)*p) || *p == '+' || *p == '-' || *p == '.') p++;
  if (*p == ':' && p > ref) return NULL; /* has a scheme */
  if (ref[0] == '#' || !ref[0]) return NULL;
  const char *colon = strstr(base, "://");
  if (!colon) return NULL;
  const char *auth_end = colon + 3;
  while (*auth_end && *auth_end != '/' && *auth_end != '?' && *auth_end != '#') auth_end++;
  nd_buf b = ND_BUF_INIT;
  if (ref[0] == '/' && ref[1] == '/') {
    nd_buf_put(&b, base, (size_t)(colon - base) + 1);
    nd_buf_puts(&b, ref);
    char *u = nd_buf_detach(&b, NULL);
    if (!u) *oom = 1;
    return u;
  }
  nd_buf path = ND_BUF_INIT;
  if (ref[0] == '/') {
    nd_buf_puts(&path, ref);
  } else {
    const char *pe = auth_end;
    while (*pe && *pe != '?' && *pe != '#') pe++;
    const char *slash = pe;
    while (slash > auth_end && slash[-1] != '/') slash--;
    if (slash == auth_end) nd_buf_putc(&path, '/');
    else nd_buf_put(&path, auth_end, (size_t)(slash - auth_end));
    nd_buf_puts(&path, ref);
  }
  if (path.failed) {
    nd_buf_free(&path);
    nd_buf_free(&b);
    *oom = 1;
    return NULL;
  }
  /* remove dot segments in the path part (before ? or #) */
  size_t plen = 0;
  while (plen < path.len && path.data[plen] != '?' && path.data[plen] != '#') plen++;
  nd_buf out = ND_BUF_INIT;
  size_t i = 0;
  while (i < plen) {
    size_t j = i + 1;
    while (j < plen && path.data[j] != '/') j++;
    size_t seglen = j - i - 1;
    const char *seg = path.data + i + 1;
    if (seglen == 1 && seg[0] == '.') {
      if (j >= plen) nd_buf_putc(&out, '/');
    } else if (seglen == 2 && seg[0] == '.' && seg[1] == '.') {
      while (out.len && out.data[out.len - 1] != '/') out.len--;
      if (out.len) out.len--;
      if (j >= plen) nd_buf_putc(&out, '/');
    } else {
      nd_buf_put(&out, path.data + i, j - i);
    }
    i = j;
  }
  if (!out.len) nd_buf_putc(&out, '/');
  nd_buf_put(&out, path.data + plen, path.len - plen);
  nd_buf_put(&b, base, (size_t)(auth_end - base));
  nd_buf_put(&b, out.data, out.len);
  if (out.failed) b.failed = 1;
  nd_buf_free(&out);
  nd_buf_free(&path);
  char *u = nd_buf_detach(&b, NULL);
  if (!u) *oom = 1;
  return u;
}

/* A link or image URL for the model: resolved on someone else's page.
 * NULL: out of memory (recorded in r). */
static char *model_url(R *r, const char *url) {
  int oom = 0;
  char *abs = r->cleanup ? resolve_url(r->base, url, &oom) : NULL;
  char *u = abs ? abs : oom ? NULL : nd_strdup(url);
  if (!u) fail(r, nd_oom("html: URL"));
  return u;
}

static const char *ext_for_mime(const char *mime) {
  if (!strcasecmp(mime, "image/png")) return "png";
  if (!strcasecmp(mime, "image/jpeg")) return "jpg";
  if (!strcasecmp(mime, "image/gif")) return "gif";
  if (!strcasecmp(mime, "image/webp")) return "webp";
  return "bin";
}

/* An image source for the model: data:image/...;base64 becomes a media
 * item; unsafe URLs give NULL.  Caller frees. */
static char *image_url(R *r, const char *src) {
  if (!src) return NULL;
  while (*src == ' ' || *src == '\t' || *src == '\n' || *src == '\r') src++;
  if (!*src) return NULL;
  if (nd_html_url_unsafe(src)) {
    newsdoc_ctx_warn(r->ctx, "html: image source \"%.40s\" dropped (unsafe)", src);
    return NULL;
  }
  if (!strncasecmp(src, "data:", 5)) {
    const char *comma = strchr(src, ',');
    const char *semi = strchr(src, ';');
    if (!comma || !semi || semi > comma || strncasecmp(semi, ";base64,", 8)) {
      newsdoc_ctx_warn(r->ctx, "html: a data: image that is not base64 was dropped");
      return NULL;
    }
    char mime[64];
    size_t ml = (size_t)(semi - src - 5);
    if (ml >= sizeof mime) return NULL;
    memcpy(mime, src + 5, ml);
    mime[ml] = 0;
    nd_buf data = ND_BUF_INIT;
    int drc = nd_base64_decode(&data, comma + 1, strlen(comma + 1));
    if (!drc && data.failed) drc = nd_oom("html: a data: image");
    if (drc == NEWSDOC_ENOMEM) {
      nd_buf_free(&data);
      fail(r, drc);
      return NULL;
    }
    if (drc) {
      nd_buf_free(&data);
      newsdoc_ctx_warn(r->ctx, "html: a data: image with bad base64 was dropped");
      return NULL;
    }
    char name[64];
    int rc;
    do {
      snprintf(name, sizeof name, "image%zu.%s", ++r->media_seq, ext_for_mime(mime));
      rc = newsdoc_media_add(r->doc, name, mime, data.data ? data.data : "", data.len);
    } while (rc == NEWSDOC_EEXISTS && r->media_seq < 1000000);
    nd_buf_free(&data);
    if (rc) { fail(r, rc); return NULL; }
    char url[80];
    snprintf(url, sizeof url, "media:%s", name);
    char *u = nd_strdup(url);
    if (!u) fail(r, nd_oom("html: image"));
    return u;
  }
  return model_url(r, src);
}

/* An image's source: src, or the lazy-loading data-src when src is
 * missing or a placeholder. */
static const char *img_src(xmlNodePtr img) {
  const char *src = attr(img, "src"), *lazy = attr(img, "data-src");
  if (lazy && *lazy && (!src || !*src || !strncasecmp(src, "data:", 5))) return lazy;
  return src;
}

/* Notes and note containers are sorted once collected and then looked up
 * by binary search: a page with many notes stays linear-logarithmic. */
static int cmp_note(const void *a, const void *b) {
  const note_def *x = a, *y = b;
  int c = strcmp(x->id, y->id);
  return c ? c : (x->seq > y->seq) - (x->seq < y->seq);
}

static int cmp_ptr(const void *a, const void *b) {
  uintptr_t x = (uintptr_t)*(const xmlNodePtr *)a, y = (uintptr_t)*(const xmlNodePtr *)b;
  return x < y ? -1 : x > y;
}

static note_def *find_note(R *r, const char *href) {
  if (!href || href[0] != '#' || !href[1] || !r->nnotes) return NULL;
  /* ids are unique after collection, so compare by id only */
  size_t lo = 0, hi = r->nnotes;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int c = strcmp(href + 1, r->notes[mid].id);
    if (!c) return &r->notes[mid];
    if (c < 0) hi = mid;
    else lo = mid + 1;
  }
  return NULL;
}

static int skipped(R *r, xmlNodePtr el) {
  return r->nskip && bsearch(&el, r->skip, r->nskip, sizeof *r->skip, cmp_ptr) != NULL;
}

static int add_skip(R *r, xmlNodePtr el) {
  if (nd_grow(&r->skip, &r->capskip, r->nskip, sizeof *r->skip, 8, "html: notes")) return fail(r, NEWSDOC_ENOMEM);
  r->skip[r->nskip++] = el;
  return 0;
}

static int add_note(R *r, const char *id, xmlNodePtr el) {
  if (!id || !*id) return 0;
  if (nd_grow(&r->notes, &r->capnotes, r->nnotes, sizeof *r->notes, 8, "html: notes")) return fail(r, NEWSDOC_ENOMEM);
  r->notes[r->nnotes].id = id;
  r->notes[r->nnotes].el = el;
  r->notes[r->nnotes].used = 0;
  r->notes[r->nnotes].seq = r->nnotes;
  r->nnotes++;
  return 0;
}

/* Notes: <section class="footnotes"> / role=doc-endnotes lists, and
 * EPUB's <aside epub:type="footnote">. */
static void collect_notes(R *r, xmlNodePtr root) {
  xmlNodePtr x = root;
  while (x && !r->rc) {
    int descend = 1;
    if (x->type == XML_ELEMENT_NODE) {
      const char *role = attr(x, "role"), *et = attr(x, "epub:type"), *cls = attr(x, "class");
      int list = has_word(role, "doc-endnotes") || has_word(et, "endnotes") || has_word(et, "footnotes") ||
                 (is(x, "section") && has_word(cls, "footnotes")) || (is(x, "div") && has_word(cls, "footnotes"));
      int single = has_word(role, "doc-footnote") || has_word(role, "doc-endnote") || has_word(et, "footnote") ||
                   has_word(et, "endnote") || has_word(et, "rearnote");
      if (list) {
        add_skip(r, x);
        for (xmlNodePtr y = x; y; y = dom_next(y, x, 1))
          if (is(y, "li") || (y != x && (has_word(attr(y, "epub:type"), "endnote") || has_word(attr(y, "role"), "doc-endnote"))))
            add_note(r, attr(y, "id"), y);
        descend = 0;
      } else if (single && attr(x, "id")) {
        add_skip(r, x);
        add_note(r, attr(x, "id"), x);
        descend = 0;
      }
    }
    x = dom_next(x, root, descend);
  }
}

static int is_backlink(xmlNodePtr el) {
  if (!is(el, "a")) return 0;
  const char *role = attr(el, "role"), *cls = attr(el, "class"), *et = attr(el, "epub:type");
  return has_word(role, "doc-backlink") || has_word(cls, "footnote-backref") || has_word(et, "backlink");
}

static int is_noteref(R *r, xmlNodePtr el, note_def **out) {
  if (!is(el, "a")) return 0;
  note_def *d = find_note(r, attr(el, "href"));
  if (!d || d->used) return 0;
  const char *role = attr(el, "role"), *et = attr(el, "epub:type"), *cls = attr(el, "class");
  if (has_word(role, "doc-noteref") || has_word(et, "noteref") || has_word(cls, "footnote-ref") || is(el->parent, "sup") ||
      has_word(attr(el->parent, "class"), "footnote-ref")) {
    *out = d;
    return 1;
  }
  return 0;
}

/* A table whose cells hold blocks is layout, not data. */
static int layout_table(xmlNodePtr table) {
  for (xmlNodePtr y = table->children; y; y = dom_next(y, table, 1)) {
    if (y->type != XML_ELEMENT_NODE) continue;
    if (is(y, "table") || is(y, "p") || is(y, "div") || is(y, "ul") || is(y, "ol") || is(y, "blockquote") ||
        is(y, "pre") || is_heading(y) || is(y, "figure") || is(y, "article") || is(y, "section"))
      return 1;
  }
  return 0;
}

static newsdoc_align align_of(xmlNodePtr cell, uint8_t dir) {
  const char *st = attr(cell, "style");
  const char *v = NULL;
  if (st) {
    const char *p = strstr(st, "text-align");
    if (p) {
      p += 10;
      while (*p == ' ' || *p == ':') p++;
      v = p;
    }
  }
  if (!v) v = attr(cell, "align");
  if (!v) return NEWSDOC_ALIGN_DEFAULT;
  if (!strncasecmp(v, "center", 6)) return NEWSDOC_ALIGN_CENTER;
  if (!strncasecmp(v, "start", 5)) return NEWSDOC_ALIGN_START;
  if (!strncasecmp(v, "end", 3)) return NEWSDOC_ALIGN_END;
  int rtl = dir == NEWSDOC_DIR_RTL;
  if (!strncasecmp(v, "left", 4)) return rtl ? NEWSDOC_ALIGN_END : NEWSDOC_ALIGN_START;
  if (!strncasecmp(v, "right", 5)) return rtl ? NEWSDOC_ALIGN_START : NEWSDOC_ALIGN_END;
  return NEWSDOC_ALIGN_DEFAULT;
}

static int span_attr(const char *v) {
  if (!v || !*v) return 1;
  long n = strtol(v, NULL, 10);
  return n < 1 ? 1 : n > 1000 ? 1000 : (int)n;
}

/* A data table: rows and cells now, then a frame per cell (pushed in
 * reverse so they are read in document order). */
static void build_table(R *r, xmlNodePtr table, const rframe *f) {
  newsdoc_node *t = add(r, r->blk, NEWSDOC_NODE_TABLE);
  if (!t) return;
  rframe tf = frame_for(table, CTX_BLOCK, NULL, f);
  set_lang_dir(r, t, tf.dir, tf.lang);
  set_id(r, t, table);
  r->any_block = 1;
  /* rows: direct, or inside thead/tbody/tfoot */
  size_t ncells = 0, cap = 0;
  struct cell { xmlNodePtr el; newsdoc_node *n; rframe f; } *cells = NULL;
  newsdoc_align *aligns = NULL;
  size_t naligns = 0;
  int has_thead = 0;
  for (xmlNodePtr g = table->children; g; g = g->next)
    if (is(g, "thead")) has_thead = 1;
  int first_row = 1;
  for (xmlNodePtr g = table->children; g && !r->rc; g = g->next) {
    xmlNodePtr rows_parent = NULL;
    if (is(g, "thead") || is(g, "tbody") || is(g, "tfoot")) rows_parent = g;
    xmlNodePtr start = rows_parent ? rows_parent->children : g;
    for (xmlNodePtr tr = start; tr && !r->rc; tr = rows_parent ? tr->next : NULL) {
      if (!is(tr, "tr")) continue;
      newsdoc_node *row = add(r, t, NEWSDOC_NODE_TABLE_ROW);
      if (!row) break;
      int all_th = 1, any = 0;
      for (xmlNodePtr c = tr->children; c; c = c->next)
        if (is(c, "td")) all_th = 0, any = 1;
        else if (is(c, "th")) any = 1;
      if (is(rows_parent, "thead") || (!has_thead && first_row && any && all_th)) row->flags |= ND_NODE_HEADER;
      rframe rf = frame_for(tr, CTX_BLOCK, NULL, &tf);
      size_t col = 0;
      for (xmlNodePtr c = tr->children; c && !r->rc; c = c->next) {
        if (!is(c, "td") && !is(c, "th")) continue;
        newsdoc_node *cell = add(r, row, NEWSDOC_NODE_TABLE_CELL);
        if (!cell) break;
        cell->colspan = span_attr(attr(c, "colspan"));
        cell->rowspan = span_attr(attr(c, "rowspan"));
        rframe cf = frame_for(c, CTX_INLINE, cell, &rf);
        set_lang_dir(r, cell, cf.dir, cf.lang);
        newsdoc_align al = align_of(c, cf.dir);
        if (al && first_row) {
          if (col >= naligns) {
            size_t nn = col + (size_t)cell->colspan;
            newsdoc_align *a = nd_realloc(aligns, nn * sizeof *a);
            if (!a) { fail(r, nd_oom("html: table")); break; }
            for (size_t k = naligns; k < nn; k++) a[k] = NEWSDOC_ALIGN_DEFAULT;
            aligns = a;
            naligns = nn;
          }
          aligns[col] = al;
        }
        col += (size_t)cell->colspan;
        if (nd_grow(&cells, &cap, ncells, sizeof *cells, 16, "html: table")) { fail(r, NEWSDOC_ENOMEM); break; }
        cf.finish = cell;
        cf.reset_ws = 1;
        cells[ncells].el = c;
        cells[ncells].n = cell;
        cells[ncells].f = cf;
        ncells++;
      }
      first_row = 0;
      if (!rows_parent) break;
    }
  }
  if (!r->rc && naligns && newsdoc_node_set_column_aligns(t, aligns, naligns)) fail(r, newsdoc_error_last()->code);
  nd_free(aligns);
  for (size_t i = ncells; i-- > 0 && !r->rc;) push(r, cells[i].f);
  nd_free(cells);
}

/* Headings: a section at the right level, or bold text where sections
 * cannot go (lists, quotes, notes). */
static void open_heading(R *r, xmlNodePtr el, const rframe *f) {
  int n = ((const char *)el->name)[1] - '0'; /* el is h1..h6 (is_heading) */
  const char *al = attr(el, "aria-level");
  if (al) {
    long v = strtol(al, NULL, 10);
    if (v >= 1 && v <= 7) n = (int)v;
  }
  int level = n - r->shift;
  if (level < 1) level = 1;
  if (level > 6) level = 6;
  close_implicit(r);
  newsdoc_node *target = r->blk;
  while (target != r->top && target->type == NEWSDOC_NODE_SECTION && target->level >= level) target = target->parent;
  int ok = target->type == NEWSDOC_NODE_BODY || target->type == NEWSDOC_NODE_SECTION;
  if (ok && target->type == NEWSDOC_NODE_SECTION && target->level >= level) {
    if (target->level >= 6) ok = 0;
    else level = target->level + 1;
  }
  rframe hf = frame_for(el, CTX_INLINE, NULL, f);
  hf.reset_ws = 1;
  if (!ok) {
    newsdoc_node *p = add(r, r->blk, NEWSDOC_NODE_PARAGRAPH);
    if (!p) return;
    set_lang_dir(r, p, hf.dir, hf.lang);
    newsdoc_node *s = add(r, p, NEWSDOC_NODE_STRONG);
    if (!s) return;
    hf.inl = s;
    hf.finish = p;
    r->any_block = 1;
    push(r, hf);
    return;
  }
  newsdoc_node *sec = add(r, target, NEWSDOC_NODE_SECTION);
  if (!sec) return;
  sec->level = level;
  /* the section takes the direction around the heading; the heading its own */
  set_lang_dir(r, sec, f->dir, f->lang);
  if (r->section_pending) set_id(r, sec, r->section_pending);
  r->section_pending = NULL;
  newsdoc_node *h = add(r, sec, NEWSDOC_NODE_HEADING);
  if (!h) return;
  set_lang_dir(r, h, hf.dir, hf.lang);
  set_id(r, h, el);
  r->blk = sec;
  r->any_block = 1;
  hf.inl = h;
  hf.finish = h;
  push(r, hf);
}

static int list_is_tight(xmlNodePtr list) {
  for (xmlNodePtr li = list->children; li; li = li->next) {
    if (!is(li, "li")) continue;
    for (xmlNodePtr c = li->children; c; c = c->next)
      if (is(c, "p")) return 0;
  }
  return 1;
}

static void code_block(R *r, xmlNodePtr pre, const rframe *f) {
  close_implicit(r);
  newsdoc_node *cb = add(r, r->blk, NEWSDOC_NODE_CODE_BLOCK);
  if (!cb) return;
  rframe pf = frame_for(pre, CTX_BLOCK, NULL, f);
  set_lang_dir(r, cb, pf.dir, pf.lang);
  set_id(r, cb, pre);
  r->any_block = 1;
  nd_buf b = ND_BUF_INIT;
  text_content(&b, pre);
  if (b.failed) { nd_buf_free(&b); fail(r, nd_oom("html: code")); return; }
  if (newsdoc_node_set_literal(cb, b.data ? b.data : "", b.len)) fail(r, newsdoc_error_last()->code);
  nd_buf_free(&b);
  const char *cls = NULL;
  for (xmlNodePtr c = pre->children; c; c = c->next)
    if (is(c, "code")) { cls = attr(c, "class"); break; }
  if (!cls) cls = attr(pre, "class");
  if (cls) {
    const char *p = cls;
    while (*p) {
      while (*p == ' ') p++;
      const char *s = p;
      while (*p && *p != ' ') p++;
      if (p - s > 9 && !strncmp(s, "language-", 9)) {
        char *info = nd_strndup(s + 9, (size_t)(p - s - 9));
        if (!info) { fail(r, nd_oom("html: code")); return; }
        if (nd_node_take_info(cb, info)) { fail(r, NEWSDOC_ENOMEM); return; }
        break;
      }
    }
  }
}

static void figure(R *r, xmlNodePtr el, xmlNodePtr img, const rframe *f) {
  close_implicit(r);
  char *url = image_url(r, img_src(img));
  if (!url) return;
  newsdoc_node *fig = add(r, r->blk, NEWSDOC_NODE_FIGURE);
  if (!fig) { nd_free(url); return; }
  if (nd_node_take_url(fig, url)) { fail(r, NEWSDOC_ENOMEM); return; }
  const char *alt = attr(img, "alt");
  if (alt && *alt && nd_node_set_title(fig, alt)) fail(r, NEWSDOC_ENOMEM);
  rframe ff = frame_for(el, CTX_BLOCK, NULL, f);
  set_lang_dir(r, fig, ff.dir, ff.lang);
  set_id(r, fig, el);
  r->any_block = 1;
  xmlNodePtr cap = NULL;
  if (el != img)
    for (xmlNodePtr y = el->children; y; y = dom_next(y, el, 1))
      if (is(y, "figcaption")) { cap = y; break; }
  if (!cap) return;
  newsdoc_node *c = add(r, fig, NEWSDOC_NODE_CAPTION);
  if (!c) return;
  rframe cf = frame_for(cap, CTX_INLINE, c, &ff);
  set_lang_dir(r, c, cf.dir, cf.lang);
  cf.finish = c;
  cf.reset_ws = 1;
  push(r, cf);
}

static xmlNodePtr first_img(xmlNodePtr el) {
  for (xmlNodePtr y = el->children; y; y = dom_next(y, el, 1))
    if (is(y, "img")) return y;
  return NULL;
}

/* An inline element inside `inl`. */
static void inline_element(R *r, xmlNodePtr el, newsdoc_node *inl, const rframe *f) {
  const char *n = ename(el);
  rframe cf = frame_for(el, CTX_INLINE, inl, f);
  note_def *nd;
  if (is(el, "br")) {
    if (add(r, inl, NEWSDOC_NODE_LINE_BREAK)) r->ws = 1;
    return;
  }
  if (is(el, "img")) {
    char *url = image_url(r, img_src(el));
    if (!url) return;
    newsdoc_node *im = add(r, inl, NEWSDOC_NODE_IMAGE);
    if (!im) { nd_free(url); return; }
    if (nd_node_take_url(im, url)) { fail(r, NEWSDOC_ENOMEM); return; }
    const char *alt = attr(el, "alt");
    if (alt && *alt && nd_node_set_title(im, alt)) fail(r, NEWSDOC_ENOMEM);
    set_lang_dir(r, im, cf.dir, cf.lang);
    r->ws = 0;
    return;
  }
  if (is_backlink(el)) return;
  if (is_noteref(r, el, &nd)) {
    newsdoc_node *note = add(r, inl, NEWSDOC_NODE_NOTE);
    if (!note) return;
    nd->used = 1;
    r->ws = 0;
    rframe nf = frame_for(nd->el, CTX_BLOCK, NULL, f);
    nf.restore = 1;
    nf.saved_blk = r->blk;
    nf.saved_implicit = r->implicit;
    nf.saved_ws = r->ws;
    r->blk = note;
    r->implicit = NULL;
    r->ws = 1;
    push(r, nf);
    return;
  }
  if (!strcmp(n, "code") || !strcmp(n, "kbd") || !strcmp(n, "samp") || !strcmp(n, "tt")) {
    newsdoc_node *c = add(r, inl, NEWSDOC_NODE_CODE);
    if (!c) return;
    nd_buf b = ND_BUF_INIT;
    text_content(&b, el);
    if (b.failed || newsdoc_node_set_literal(c, b.data ? b.data : "", b.len)) fail(r, NEWSDOC_ENOMEM);
    nd_buf_free(&b);
    set_lang_dir(r, c, cf.dir, cf.lang);
    r->ws = 0;
    return;
  }
  newsdoc_node_type t = NEWSDOC_NODE_NONE;
  if (!strcmp(n, "em") || !strcmp(n, "i") || !strcmp(n, "cite") || !strcmp(n, "dfn") || !strcmp(n, "var"))
    t = NEWSDOC_NODE_EMPH;
  else if (!strcmp(n, "strong") || !strcmp(n, "b")) t = NEWSDOC_NODE_STRONG;
  else if (!strcmp(n, "q")) t = NEWSDOC_NODE_QUOTED;
  else if (!strcmp(n, "a") && attr(el, "href")) t = NEWSDOC_NODE_LINK;
  if (t == NEWSDOC_NODE_LINK) {
    for (newsdoc_node *a = inl; a && newsdoc_node_is_inline(a->type); a = a->parent)
      if (a->type == NEWSDOC_NODE_LINK) t = NEWSDOC_NODE_NONE; /* no link inside a link */
  }
  if (t == NEWSDOC_NODE_LINK && nd_html_url_unsafe(attr(el, "href"))) {
    newsdoc_ctx_warn(r->ctx, "html: unsafe link \"%.40s\" kept as text", attr(el, "href"));
    t = NEWSDOC_NODE_NONE;
  }
  /* Anything else is transparent, unless it carries a direction, a
   * language or an id: then a span. */
  int block = is_block_el(el);
  if (t == NEWSDOC_NODE_NONE && !block) {
    const char *l = lang_attr(el);
    newsdoc_dir d = parse_dir(attr(el, "dir"));
    const char *ml = eff_lang(r, inl);
    newsdoc_dir md = eff_dir(r, inl);
    const char *id = attr(el, "id");
    if ((d && d != md) || (l && *l && (!ml || strcasecmp(l, ml))) || (id && *id && strcmp(n, "a") && !r->cleanup))
      t = NEWSDOC_NODE_SPAN;
  }
  if (t != NEWSDOC_NODE_NONE) {
    newsdoc_node *c = add(r, inl, t);
    if (!c) return;
    if (t == NEWSDOC_NODE_LINK) {
      char *u = model_url(r, attr(el, "href"));
      if (!u) return;
      if (nd_node_take_url(c, u)) { fail(r, NEWSDOC_ENOMEM); return; }
      const char *ti = attr(el, "title");
      if (ti && *ti && nd_node_set_title(c, ti)) { fail(r, NEWSDOC_ENOMEM); return; }
    }
    set_lang_dir(r, c, cf.dir, cf.lang);
    if (t == NEWSDOC_NODE_SPAN && !r->cleanup) set_id(r, c, el);
    cf.inl = c;
    cf.own = 1;
  } else if (block) {
    /* a block flattened into inline content: keep words apart */
    if (!r->ws && inl->first) {
      if (nd_node_append_text(inl, " ", 1)) { fail(r, NEWSDOC_ENOMEM); return; }
      r->ws = 1;
    }
    cf.sep_after = 1;
  }
  push(r, cf);
}

/* A child element of a block context. */
static void block_element(R *r, xmlNodePtr el, rframe *f) {
  const char *n = ename(el);
  if (el == r->title_h1 || el == r->own_header) return;
  if (is_heading(el)) { open_heading(r, el, f); return; }
  if (!strcmp(n, "p")) {
    close_implicit(r);
    newsdoc_node *p = add(r, r->blk, NEWSDOC_NODE_PARAGRAPH);
    if (!p) return;
    rframe pf = frame_for(el, CTX_INLINE, p, f);
    set_lang_dir(r, p, pf.dir, pf.lang);
    set_id(r, p, el);
    r->any_block = 1;
    r->section_pending = NULL;
    pf.finish = p;
    pf.reset_ws = 1;
    push(r, pf);
    return;
  }
  if (!strcmp(n, "ul") || !strcmp(n, "ol")) {
    close_implicit(r);
    newsdoc_node *l = add(r, r->blk, NEWSDOC_NODE_LIST);
    if (!l) return;
    rframe lf = frame_for(el, CTX_LIST, l, f);
    set_lang_dir(r, l, lf.dir, lf.lang);
    set_id(r, l, el);
    if (!strcmp(n, "ol")) {
      l->list_type = NEWSDOC_LIST_ORDERED;
      const char *s = attr(el, "start");
      if (s) {
        long v = strtol(s, NULL, 10);
        if (v >= 0 && v <= 999999999) l->start = (int)v;
      }
    }
    if (!list_is_tight(el)) l->flags &= (uint8_t)~ND_NODE_TIGHT;
    r->any_block = 1;
    r->section_pending = NULL;
    push(r, lf);
    return;
  }
  if (!strcmp(n, "blockquote")) {
    close_implicit(r);
    newsdoc_node *q = add(r, r->blk, NEWSDOC_NODE_BLOCKQUOTE);
    if (!q) return;
    rframe qf = frame_for(el, CTX_BLOCK, NULL, f);
    set_lang_dir(r, q, qf.dir, qf.lang);
    set_id(r, q, el);
    qf.restore = 1;
    qf.saved_blk = r->blk;
    qf.saved_implicit = NULL;
    qf.saved_ws = 1;
    r->blk = q;
    r->any_block = 1;
    r->section_pending = NULL;
    push(r, qf);
    return;
  }
  if (!strcmp(n, "pre")) { code_block(r, el, f); return; }
  if (!strcmp(n, "hr")) {
    close_implicit(r);
    newsdoc_node *h = add(r, r->blk, NEWSDOC_NODE_THEMATIC_BREAK);
    if (h) set_id(r, h, el);
    return;
  }
  if (!strcmp(n, "table") && !layout_table(el)) {
    close_implicit(r);
    build_table(r, el, f);
    return;
  }
  if (!strcmp(n, "figure")) {
    xmlNodePtr img = first_img(el);
    if (img) { figure(r, el, img, f); return; }
  }
  if (!strcmp(n, "img") && (!r->implicit || r->blk->last != r->implicit)) {
    figure(r, el, el, f);
    return;
  }
  if (!strcmp(n, "br")) {
    /* loose text: one <br> is a line break, two end the paragraph */
    if (r->implicit && r->blk->last == r->implicit) {
      newsdoc_node *last = r->implicit->last;
      size_t chars = 0;
      if (r->cleanup && r->implicit->last && r->implicit->last->type == NEWSDOC_NODE_TEXT)
        chars = r->implicit->last->literal_len;
      if ((last && last->type == NEWSDOC_NODE_LINE_BREAK) || chars >= 160) close_implicit(r);
      else if (r->implicit->first && add(r, r->implicit, NEWSDOC_NODE_LINE_BREAK)) r->ws = 1;
    }
    return;
  }
  if (is_block_el(el)) {
    /* transparent containers: div, section, article, li outside lists... */
    close_implicit(r);
    rframe bf = frame_for(el, CTX_BLOCK, NULL, f);
    if (!strcmp(n, "section") || !strcmp(n, "article")) {
      bf.section_el = el;
      bf.saved_blk = r->blk;
      r->section_pending = el;
    }
    bf.finish = NULL;
    push(r, bf);
    return;
  }
  /* inline content in a block: into the open paragraph */
  newsdoc_node *p = implicit_para(r, f);
  if (p) inline_element(r, el, p, f);
}

static void pop(R *r) {
  rframe f = r->st[--r->nst];
  if (f.finish) {
    /* the frame's inline container is the block or inside it */
    if ((f.finish->type != NEWSDOC_NODE_HEADING || f.finish->first) && finish_block(r, f.finish)) f.inl = NULL;
    r->ws = 1;
  }
  if (f.kind == CTX_LIST && f.inl && !f.inl->first) newsdoc_node_free(f.inl);
  if (r->cleanup && f.own && f.inl && !f.inl->first && !nd_id(f.inl)) {
    newsdoc_node_free(f.inl);
    f.inl = NULL;
  }
  if (f.sep_after) {
    if (!r->ws && f.inl && f.inl->first) {
      if (nd_node_append_text(f.inl, " ", 1)) fail(r, NEWSDOC_ENOMEM);
      r->ws = 1;
    }
  }
  if (f.kind == CTX_BLOCK) close_implicit(r);
  if (f.restore) {
    r->blk = f.saved_blk;
    r->implicit = f.saved_implicit;
    r->ws = f.saved_ws;
  } else if (f.section_el && f.saved_blk) {
    /* back to where the DOM section started, if that still encloses us */
    for (newsdoc_node *a = r->blk; a; a = a->parent)
      if (a == f.saved_blk) { r->blk = f.saved_blk; break; }
    if (r->section_pending == f.section_el) r->section_pending = NULL;
  }
}

/* Cleanup of someone else's page: text and link text below each element of
 * the article, for link density.  Elements are numbered through _private. */
static void compute_density(R *r, xmlNodePtr root) {
  size_t cap = 0;
  long *parent = NULL;
  unsigned char *inlink = NULL;
  for (xmlNodePtr x = root; x && !r->rc; x = dom_next(x, root, x->type == XML_ELEMENT_NODE && !dropped(x))) {
    if (x->type != XML_ELEMENT_NODE || (x != root && dropped(x))) continue;
    if (r->nel == cap) {
      size_t nc = cap ? cap * 2 : 256;
      xmlNodePtr *e = nd_realloc(r->els, nc * sizeof *e);
      if (e) r->els = e;
      size_t *t = e ? nd_realloc(r->tot, nc * sizeof *t) : NULL;
      if (t) r->tot = t;
      size_t *l = t ? nd_realloc(r->lnk, nc * sizeof *l) : NULL;
      if (l) r->lnk = l;
      long *p = l ? nd_realloc(parent, nc * sizeof *p) : NULL;
      if (p) parent = p;
      unsigned char *il = p ? nd_realloc(inlink, nc) : NULL;
      if (!il) { fail(r, nd_oom("html: cleanup")); break; }
      inlink = il;
      cap = nc;
    }
    size_t i = r->nel++;
    r->els[i] = x;
    x->_private = (void *)(uintptr_t)(i + 1);
    parent[i] = x == root || !x->parent->_private ? -1 : (long)(uintptr_t)x->parent->_private - 1;
    inlink[i] = is(x, "a") || (parent[i] >= 0 && inlink[parent[i]]);
    r->tot[i] = r->lnk[i] = 0;
    for (xmlNodePtr t = x->children; t; t = t->next) {
      if (t->type != XML_TEXT_NODE || !t->content) continue;
      size_t len = 0;
      for (const unsigned char *q = t->content; *q; q++)
        if (*q > ' ' && (*q & 0xC0) != 0x80) len++;
      r->tot[i] += len;
      if (inlink[i]) r->lnk[i] += len;
    }
  }
  for (size_t i = r->nel; i-- > 0 && !r->rc;)
    if (parent[i] >= 0) {
      r->tot[parent[i]] += r->tot[i];
      r->lnk[parent[i]] += r->lnk[i];
    }
  nd_free(parent);
  nd_free(inlink);
}

/* Boilerplate inside someone else's article: asides, share bars, related
 * links, comment boxes, blocks that are mostly links. */
static int boilerplate(R *r, xmlNodePtr el) {
  if (!r->cleanup || !el->_private) return 0;
  size_t i = (uintptr_t)el->_private - 1;
  if (i >= r->nel || r->els[i] != el) return 0;
  if (is(el, "aside") || is(el, "footer") || (is(el, "header") && el != r->own_header) || furniture(el)) return 1;
  static const char *const UNLIKELY[] = {"share", "sharing", "social", "comment", "related", "breadcrumb",
                                         "sidebar", "widget", "promo", "advert", "ad", "ads", "subscribe",
                                         "newsletter", "popup", "sponsor", "outbrain", "taboola", "mostread",
                                         "trending", "cookie", "menu", "tag", "login", "banner", "print",
                                         "hidden", "none", "sr", "only", "invisible", "recommended"};
  /* class/id split into words ("article_details_tags" -> article, details,
   * tags); a small box named for page furniture is not content */
  const char *ids[2] = {attr(el, "class"), attr(el, "id")};
  for (int k = 0; k < 2 && r->tot[i] < 200; k++) {
    const char *p = ids[k];
    while (p && *p) {
      while (*p && !isalnum((unsigned char)*p)) p++;
      const char *w = p;
      while (*p && isalnum((unsigned char)*p)) p++;
      size_t wl = (size_t)(p - w);
      if (!wl) break;
      for (size_t u = 0; u < sizeof UNLIKELY / sizeof *UNLIKELY; u++) {
        size_t ul = strlen(UNLIKELY[u]);
        /* the word, or its plural */
        if ((wl == ul || (wl == ul + 1 && (w[ul] == 's' || w[ul] == 'S'))) && !strncasecmp(w, UNLIKELY[u], ul)) {
          if ((!strcmp(UNLIKELY[u], "none") || !strcmp(UNLIKELY[u], "only")) && w == ids[k]) continue; /* d-none, sr-only: not first */
          return 1;
        }
      }
    }
  }
  /* a form inside the article is a comment box or a search field; a form
   * wrapping the whole page (ASP.NET) is walked like a div */
  if (is(el, "form") && r->tot[i] - r->lnk[i] < 500) return 1;
  if (!(is_block_el(el) || is_heading(el))) return 0;
  size_t tot = r->tot[i], lnk = r->lnk[i];
  if (tot && lnk * 2 > tot && tot - lnk < 80) return 1;
  if (!tot && (is(el, "ul") || is(el, "ol") || is(el, "li") || is_heading(el))) return 1;
  return 0;
}

static void walk(R *r, xmlNodePtr root, uint8_t dir, const char *lang) {
  rframe base;
  memset(&base, 0, sizeof base);
  base.cur = root->children;
  base.kind = CTX_BLOCK;
  base.dir = dir;
  base.lang = lang;
  r->blk = r->top;
  r->ws = 1;
  r->doc_lang = newsdoc_meta_get(r->doc, NEWSDOC_META_LANG);
  r->doc_dir = newsdoc_doc_dir(r->doc);
  r->meta_cached = 1;
  if (push(r, base)) {
    r->meta_cached = 0;
    return;
  }
  unsigned counter = 0;
  size_t max_attrs = (size_t)newsdoc_ctx_limit(r->ctx, NEWSDOC_LIMIT_ATTRIBUTES);
  while (r->nst && !r->rc) {
    if ((++counter & 1023) == 0) {
      int rc = newsdoc_ctx_check(r->ctx);
      if (rc) { fail(r, rc); break; }
    }
    rframe *f = &r->st[r->nst - 1];
    xmlNodePtr c = f->cur;
    if (f->reset_ws) { r->ws = 1; f->reset_ws = 0; }
    if (!c || c == f->end) {
      pop(r);
      continue;
    }
    f->cur = c->next;
    if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
      const char *s = (const char *)c->content;
      if (!s) continue;
      size_t len = strlen(s);
      if (f->kind == CTX_INLINE) {
        put_text(r, f->inl, s, len);
      } else if (f->kind == CTX_BLOCK) {
        size_t k = 0;
        while (k < len && (s[k] == ' ' || s[k] == '\t' || s[k] == '\n' || s[k] == '\r' || s[k] == '\f')) k++;
        if (k == len && (!r->implicit || r->blk->last != r->implicit)) continue;
        newsdoc_node *p = implicit_para(r, f);
        if (p) put_text(r, p, s, len);
      } else if (f->kind == CTX_LIST) {
        size_t k = 0;
        while (k < len && (s[k] == ' ' || s[k] == '\t' || s[k] == '\n' || s[k] == '\r' || s[k] == '\f')) k++;
        if (k == len) continue;
        /* loose text in a list: an item of its own */
        newsdoc_node *it = add(r, f->inl, NEWSDOC_NODE_ITEM);
        if (!it) break;
        newsdoc_node *saved = r->blk;
        close_implicit(r);
        r->blk = it;
        newsdoc_node *p = implicit_para(r, f);
        if (p) put_text(r, p, s, len);
        close_implicit(r);
        r->blk = saved;
      }
      continue;
    }
    if (c->type != XML_ELEMENT_NODE) continue;
    if (attr_count(c) > max_attrs) {
      fail(r, newsdoc_error_set(NEWSDOC_ELIMIT_COUNT, "html: <%s> has more than max-attributes (%zu) attributes",
                                ename(c), max_attrs));
      break;
    }
    if (dropped(c) || skipped(r, c) || boilerplate(r, c)) continue;
    if (f->kind == CTX_INLINE) {
      inline_element(r, c, f->inl, f);
    } else if (f->kind == CTX_LIST) {
      newsdoc_node *it = add(r, f->inl, NEWSDOC_NODE_ITEM);
      if (!it) break;
      rframe itf = frame_for(is(c, "li") ? c : NULL, CTX_BLOCK, NULL, f);
      if (!is(c, "li")) {
        itf.cur = c;
        itf.end = c->next;
      }
      set_lang_dir(r, it, itf.dir, itf.lang);
      if (is(c, "li")) set_id(r, it, c);
      itf.restore = 1;
      itf.saved_blk = r->blk;
      itf.saved_implicit = NULL;
      itf.saved_ws = 1;
      close_implicit(r);
      r->blk = it;
      push(r, itf);
    } else {
      block_element(r, c, f);
    }
  }
  while (r->nst) pop(r);
  close_implicit(r);
  r->meta_cached = 0;
}

/* ---- metadata ------------------------------------------------------------------ */

/* Dates are kept only in ISO 8601 form (YYYY-MM-DD...): a later source may
 * have one where an earlier has "2 تير 1399" or "Monday". */
static int iso_date(const char *v) {
  for (int i = 0; i < 4; i++)
    if (v[i] < '0' || v[i] > '9') return 0;
  return v[4] == '-' && v[5] >= '0' && v[5] <= '9';
}

static void meta_set(R *r, const char *key, const char *value) {
  if (!value || r->rc) return;
  r->meta_cached = 0;
  char *v = clean_text(value);
  if (!v) { fail(r, nd_oom("html: metadata")); return; }
  if (*v && (strcmp(key, NEWSDOC_META_DATE) || iso_date(v)) && !newsdoc_meta_get(r->doc, key) && nd_utf8_valid(v, strlen(v))) {
    int rc = newsdoc_meta_set(r->doc, key, v, strlen(v));
    if (rc) fail(r, rc);
  }
  nd_free(v);
}

static void meta_add(R *r, const char *key, const char *value) {
  if (!value || r->rc) return;
  r->meta_cached = 0;
  char *v = clean_text(value);
  if (!v) { fail(r, nd_oom("html: metadata")); return; }
  if (*v && nd_utf8_valid(v, strlen(v))) {
    int dup = 0;
    for (size_t i = 0; i < newsdoc_meta_count(r->doc, key); i++)
      if (!strcmp(newsdoc_meta_get_nth(r->doc, key, i), v)) dup = 1;
    if (!dup) {
      int rc = newsdoc_meta_add(r->doc, key, v, strlen(v));
      if (rc) fail(r, rc);
    }
  }
  nd_free(v);
}

/* Finds "key": "value" in JSON-LD text (first match); caller frees.
 * NULL: not found, or out of memory (recorded in r). */
static char *jsonld_string(R *r, const char *s, const char *key) {
  size_t kl = strlen(key);
  for (const char *p = s; (p = strstr(p, key)); p += kl) {
    if (p == s || p[-1] != '"' || p[kl] != '"') continue;
    const char *q = p + kl + 1;
    while (*q == ' ' || *q == '\t' || *q == '\n' || *q == '\r') q++;
    if (*q != ':') continue;
    q++;
    while (*q == ' ' || *q == '\t' || *q == '\n' || *q == '\r') q++;
    if (*q != '"') continue;
    q++;
    nd_buf b = ND_BUF_INIT;
    while (*q && *q != '"') {
      if (*q == '\\' && q[1]) {
        q++;
        if (*q == 'u' && isxdigit((unsigned char)q[1]) && isxdigit((unsigned char)q[2]) && isxdigit((unsigned char)q[3]) &&
            isxdigit((unsigned char)q[4])) {
          char hex[5] = {q[1], q[2], q[3], q[4], 0};
          uint32_t cp = (uint32_t)strtoul(hex, NULL, 16);
          if (cp >= 0xD800 && cp <= 0xDFFF) cp = 0xFFFD;
          nd_buf_put_utf8(&b, cp);
          q += 5;
          continue;
        }
        nd_buf_putc(&b, *q == 'n' ? ' ' : *q == 't' ? ' ' : *q);
        q++;
        continue;
      }
      nd_buf_putc(&b, *q++);
    }
    char *v = nd_buf_detach(&b, NULL);
    if (!v) fail(r, nd_oom("html: JSON-LD"));
    return v;
  }
  return NULL;
}

/* Strip " - Site", " | Site", "Site - " from a page title. */
static char *strip_site(R *r, const char *title, const char *site) {
  char *t = clean_text(title);
  if (!t && title) fail(r, nd_oom("html: title"));
  if (!t || !site || !*site) return t;
  char *s = clean_text(site);
  if (!s) {
    nd_free(t);
    fail(r, nd_oom("html: title"));
    return NULL;
  }
  size_t tl = strlen(t), sl = strlen(s);
  static const char *const SEP[] = {" - ", " | ", " – ", " — ", " :: ", " « ", " » ", " : "};
  if (sl && tl > sl + 3) {
    for (size_t i = 0; i < sizeof SEP / sizeof *SEP; i++) {
      size_t pl = strlen(SEP[i]);
      if (tl > sl + pl && !strcmp(t + tl - sl, s) && !strncmp(t + tl - sl - pl, SEP[i], pl)) {
        t[tl - sl - pl] = 0;
        break;
      }
      if (tl > sl + pl && !strncmp(t, s, sl) && !strncmp(t + sl, SEP[i], pl)) {
        memmove(t, t + sl + pl, tl - sl - pl + 1);
        break;
      }
    }
  }
  nd_free(s);
  return t;
}

static int is_url(const char *v) { return v && (!strncasecmp(v, "http://", 7) || !strncasecmp(v, "https://", 8)); }

typedef struct {
  const char *og_title, *og_site, *title_el_text_src;
  char *title_text, *ld_date, *ld_headline, *ld_author;
  const char *content_lang, *og_locale;
  int ours; /* written by libnewsdoc */
} page_meta;

/* What one element of the page tells about the article (title, JSON-LD,
 * canonical link, <meta>): called for every element in document order by
 * the walk that checks depth and attributes (one walk over the page, not
 * two: on a page of some MB each walk is a chase through cold memory). */
static void head_meta_node(R *r, xmlNodePtr x, page_meta *pm) {
  {
    if (is(x, "title") && !pm->title_text) {
      pm->title_text = node_text_clean(r, x);
      return;
    }
    if (is(x, "script")) {
      const char *ty = attr(x, "type");
      if (ty && contains_ci(ty, "ld+json")) {
        nd_buf b = ND_BUF_INIT;
        text_content(&b, x);
        char *s = nd_buf_detach(&b, NULL);
        if (!s) { fail(r, nd_oom("html: JSON-LD")); return; }
        if (!pm->ld_date) pm->ld_date = jsonld_string(r, s, "datePublished");
        if (!pm->ld_headline && !r->rc) pm->ld_headline = jsonld_string(r, s, "headline");
        if (!pm->ld_author && !r->rc) {
          const char *a = strstr(s, "\"author\"");
          if (a) pm->ld_author = jsonld_string(r, a, "name");
        }
        nd_free(s);
      }
      return;
    }
    if (is(x, "link")) {
      const char *rel = attr(x, "rel");
      if (has_word(rel, "canonical") && is_url(attr(x, "href"))) meta_set(r, NEWSDOC_META_SOURCE_URL, attr(x, "href"));
      return;
    }
    if (!is(x, "meta")) return;
    const char *name = attr(x, "name");
    if (!name) name = attr(x, "property");
    if (!name) name = attr(x, "itemprop");
    const char *he = attr(x, "http-equiv");
    const char *content = attr(x, "content");
    if (!content) return;
    if (he && !strcasecmp(he, "content-language")) { pm->content_lang = content; return; }
    if (!name) return;
    if (!strcasecmp(name, "og:title")) pm->og_title = content;
    else if (!strcasecmp(name, "og:site_name")) pm->og_site = content;
    else if (!strcasecmp(name, "og:locale")) pm->og_locale = content;
    else if (!strcasecmp(name, "generator")) pm->ours = !strncmp(content, "libnewsdoc", 10);
    else if (!strcasecmp(name, "description") || !strcasecmp(name, "og:description"))
      meta_set(r, NEWSDOC_META_DESCRIPTION, content);
    else if (!strcasecmp(name, "author") || !strcasecmp(name, "article:author") || !strcasecmp(name, "dc.creator")) {
      if (!is_url(content)) meta_add(r, NEWSDOC_META_AUTHOR, content);
    } else if (!strcasecmp(name, "byl")) meta_set(r, NEWSDOC_META_BYLINE, content);
    else if (!strcasecmp(name, "article:published_time") || !strcasecmp(name, "og:article:published_time") ||
             !strcasecmp(name, "datePublished") || !strcasecmp(name, "pubdate") || !strcasecmp(name, "publishdate") ||
             !strcasecmp(name, "publish-date") || !strcasecmp(name, "dc.date.issued") || !strcasecmp(name, "dc.date") ||
             !strcasecmp(name, "sailthru.date") || !strcasecmp(name, "parsely-pub-date") || !strcasecmp(name, "date"))
      meta_set(r, NEWSDOC_META_DATE, content);
    else if (!strcasecmp(name, "keywords") || !strcasecmp(name, "news_keywords")) {
      if (newsdoc_meta_count(r->doc, NEWSDOC_META_KEYWORD)) return;
      char *all = nd_strdup(content);
      if (!all) { fail(r, nd_oom("html: keywords")); return; }
      char *p = all;
      while (*p) {
        char *e = p;
        while (*e && *e != ',' && strncmp(e, "\xD8\x8C", 2)) e++;
        char save = *e;
        *e = 0;
        meta_add(r, NEWSDOC_META_KEYWORD, p);
        if (!save) break;
        p = e + (save == ',' ? 1 : 2);
      }
      nd_free(all);
    } else if (!strcasecmp(name, "publisher") || !strcasecmp(name, "dc.publisher")) meta_set(r, NEWSDOC_META_PUBLISHER, content);
    else if (!strcasecmp(name, "dc.identifier")) meta_set(r, NEWSDOC_META_IDENTIFIER, content);
    else if (!strncmp(name, "newsdoc:", 8) && name[8]) {
      const char *k = name + 8;
      if (!strcmp(k, "subtitle")) meta_set(r, NEWSDOC_META_SUBTITLE, content);
      else if (!strcmp(k, "byline")) meta_set(r, NEWSDOC_META_BYLINE, content);
      else meta_add(r, k, content);
    }
  }
}

/* Our <header> (and readability-style article headers): title, subtitle,
 * byline, date; the header is then not content. */
static void read_article_header(R *r, xmlNodePtr hdr, char **h1_title) {
  for (xmlNodePtr y = hdr->children; y; y = dom_next(y, hdr, 1)) {
    if (y->type != XML_ELEMENT_NODE) continue;
    const char *cls = attr(y, "class");
    if (is(y, "h1") && !*h1_title) *h1_title = node_text_clean(r, y);
    else if (has_word(cls, "subtitle")) {
      char *t = node_text_clean(r, y);
      meta_set(r, NEWSDOC_META_SUBTITLE, t);
      nd_free(t);
    } else if (has_word(cls, "byline")) {
      char *t = node_text_clean(r, y);
      meta_set(r, NEWSDOC_META_BYLINE, t);
      nd_free(t);
    } else if (is(y, "time") && attr(y, "datetime")) {
      meta_set(r, NEWSDOC_META_DATE, attr(y, "datetime"));
    }
  }
}

/* ---- finding the article ------------------------------------------------------------ */

typedef struct {
  size_t direct, subtree;
  long parent;
} score;

static xmlNodePtr find_body(xmlDocPtr d) {
  xmlNodePtr root = xmlDocGetRootElement(d);
  for (xmlNodePtr x = root; x; x = dom_next(x, root, 1))
    if (is(x, "body")) return x;
  return root;
}

/* The element holding the article.  Scores are kept in an array indexed
 * through each element's _private field (preorder numbers). */
static xmlNodePtr find_article(R *r, xmlNodePtr body) {
  size_t n = 0, cap = 0;
  score *sc = NULL;
  xmlNodePtr *els = NULL;
  /* number the elements (not inside dropped/furniture subtrees) */
  size_t depth_guard = (size_t)newsdoc_ctx_limit(r->ctx, NEWSDOC_LIMIT_DEPTH);
  for (xmlNodePtr x = body; x; ) {
    int descend = 1;
    if (x->type == XML_ELEMENT_NODE) {
      if (x != body && (dropped(x) || furniture(x))) {
        descend = 0;
        x->_private = NULL;
      } else {
        if (n == cap) {
          size_t nc = cap ? cap * 2 : 256;
          score *a = nd_realloc(sc, nc * sizeof *a);
          xmlNodePtr *e = a ? nd_realloc(els, nc * sizeof *e) : NULL;
          if (a) sc = a;
          if (e) els = e;
          if (!a || !e) {
            fail(r, nd_oom("html: scoring"));
            for (size_t i = 0; i < n; i++) els[i]->_private = NULL;
            nd_free(sc);
            nd_free(els);
            return body;
          }
          cap = nc;
        }
        sc[n].direct = sc[n].subtree = 0;
        sc[n].parent = x == body || !x->parent || !x->parent->_private ? -1 : (long)(uintptr_t)x->parent->_private - 1;
        els[n] = x;
        x->_private = (void *)(uintptr_t)(n + 1);
        n++;
      }
    }
    x = dom_next(x, body, descend);
  }
  /* text lengths: into the parent of the enclosing <p>, else the parent
   * element; link text does not count */
  for (size_t i = 0; i < n; i++) {
    for (xmlNodePtr t = els[i]->children; t; t = t->next) {
      if (t->type != XML_TEXT_NODE || !t->content) continue;
      size_t len = 0;
      for (const unsigned char *p = t->content; *p; p++)
        if (*p > ' ' && (*p & 0xC0) != 0x80) len++;
      if (len < 2) continue;
      xmlNodePtr a = els[i];
      int in_link = 0;
      xmlNodePtr para = NULL;
      for (size_t k = 0; a && a != body && k < depth_guard; k++, a = a->parent) {
        if (is(a, "a")) in_link = 1;
        if (is(a, "p") || is(a, "li") || is(a, "blockquote")) { para = a; break; }
      }
      if (in_link) continue;
      xmlNodePtr owner = para ? para->parent : els[i];
      if (!owner || !owner->_private) continue;
      sc[(uintptr_t)owner->_private - 1].direct += len;
    }
  }
  for (size_t i = n; i-- > 0;) {
    sc[i].subtree += sc[i].direct;
    if (sc[i].parent >= 0) sc[sc[i].parent].subtree += sc[i].subtree;
  }
  size_t best = 0;
  for (size_t i = 0; i < n; i++)
    if (sc[i].direct > sc[best].direct) best = i;
  xmlNodePtr result = n ? els[best] : body;
  size_t best_sub = n ? sc[best].subtree : 0;
  /* semantic containers, if they hold the bulk of the text */
  const int kinds = 3;
  for (int kind = 0; kind < kinds && n; kind++) {
    long pick = -1;
    for (size_t i = 0; i < n; i++) {
      xmlNodePtr x = els[i];
      int ok = kind == 0 ? has_word(attr(x, "itemprop"), "articleBody")
               : kind == 1 ? is(x, "article")
                           : is(x, "main") || has_word(attr(x, "role"), "main");
      if (ok && (pick < 0 || sc[i].subtree > sc[pick].subtree)) pick = (long)i;
    }
    if (pick >= 0 && sc[pick].subtree * 2 >= best_sub && sc[pick].subtree > 0) {
      result = els[pick];
      break;
    }
  }
  if (n && !sc[best].direct) result = body;
  for (size_t i = 0; i < n; i++) els[i]->_private = NULL;
  nd_free(sc);
  nd_free(els);
  return result;
}

static int page_has_furniture(xmlNodePtr body) {
  for (xmlNodePtr x = body; x; x = dom_next(x, body, 1))
    if (x->type == XML_ELEMENT_NODE && x != body && (furniture(x) || is(x, "nav") || is(x, "script") || is(x, "form")))
      return 1;
  return 0;
}

/* ---- decoding --------------------------------------------------------------------- */

/* The charset a page names in its first 1024 bytes, into buf. */
static const char *sniff_charset(const char *data, size_t len, char *buf, size_t cap) {
  size_t n = len < 1024 ? len : 1024;
  for (size_t i = 0; i + 8 < n; i++) {
    if (strncasecmp(data + i, "charset", 7) && strncasecmp(data + i, "encoding", 8)) continue;
    size_t j = i + (data[i] == 'c' || data[i] == 'C' ? 7 : 8);
    while (j < n && (data[j] == ' ' || data[j] == '\t')) j++;
    if (j >= n || data[j] != '=') continue;
    j++;
    while (j < n && (data[j] == ' ' || data[j] == '"' || data[j] == '\'')) j++;
    size_t k = 0;
    while (j < n && k + 1 < cap && (isalnum((unsigned char)data[j]) || data[j] == '-' || data[j] == '_' || data[j] == ':' ||
                                    data[j] == '.'))
      buf[k++] = data[j++];
    buf[k] = 0;
    if (k) return buf;
  }
  return NULL;
}

/* ---- entry points ---------------------------------------------------------------- */

/* Whether s[i] starts the tag <name (followed by space, '>' or '/'). */
static int tag_at(const char *s, size_t len, size_t i, const char *name) {
  size_t n = strlen(name);
  if (i + 1 + n >= len || s[i] != '<' || strncasecmp(s + i + 1, name, n)) return 0;
  char c = s[i + 1 + n];
  return c == '>' || c == '/' || c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/* A fragment: no <html>, <head>, <body> or doctype near the start. */
/* Elements with more than `max` attributes, found before libxml2 sees the
 * page (its duplicate-attribute check is quadratic).  Skips comments,
 * scripts and styles; counts the words inside each tag, quotes aware.
 * Returns the 1-based line of the first such tag, or 0. */
static size_t attr_bomb(const char *s, size_t len, size_t max) {
  size_t i = 0;
  while (i < len) {
    /* the next '<' (memchr: the text between tags is most of the page) */
    const char *lt = memchr(s + i, '<', len - i);
    if (!lt) break;
    i = (size_t)(lt - s);
    if (i + 1 >= len) break;
    if (len - i >= 4 && !memcmp(s + i, "<!--", 4)) {
      const char *end = NULL;
      for (size_t j = i + 4; !end && j + 3 <= len; j++) {
        const char *d = memchr(s + j, '-', len - j - 2);
        if (!d) break;
        j = (size_t)(d - s);
        if (d[1] == '-' && d[2] == '>') end = d;
      }
      if (!end) break; /* not closed */
      i = (size_t)(end - s) + 3;
      continue;
    }
    const char *raw = NULL;
    if (len - i >= 7 && !strncasecmp(s + i, "<script", 7)) raw = "</script";
    else if (len - i >= 6 && !strncasecmp(s + i, "<style", 6)) raw = "</style";
    if (!isalpha((unsigned char)s[i + 1])) { i++; continue; }
    size_t words = 0, start = i;
    int in_word = 0, after_eq = 0;
    char quote = 0;
    size_t j = i + 1;
    for (; j < len; j++) {
      char d = s[j];
      if (quote) { if (d == quote) quote = 0; continue; }
      if (d == '"' || d == '\'') { quote = d; after_eq = 0; continue; }
      if (d == '>') break;
      if (d == '=') { after_eq = 1; in_word = 0; continue; }
      int space = d == ' ' || d == '\t' || d == '\n' || d == '\r' || d == '\f' || d == '/';
      if (!space && !in_word) {
        if (after_eq) after_eq = 0; /* an unquoted value */
        else words++;
      }
      in_word = !space;
      if (words > max + 1) {
        /* its line: counted only now */
        size_t line = 1;
        for (const char *p = s; (p = memchr(p, '\n', (size_t)(s + start - p))) != NULL; p++) line++;
        return line;
      }
    }
    i = j + 1;
    if (raw) {
      /* to the closing tag (or to the last '<' that could not start one) */
      size_t rl = strlen(raw);
      while (i + rl <= len) {
        const char *q = memchr(s + i, '<', len - i);
        if (!q) { i = len; break; }
        i = (size_t)(q - s);
        if (i + rl > len || !strncasecmp(s + i, raw, rl)) break;
        i++;
      }
    }
  }
  return 0;
}

static int looks_like_fragment(const char *s, size_t len) {
  size_t n = len < 4096 ? len : 4096;
  for (size_t i = 0; i < n; i++) {
    if (s[i] != '<') continue;
    if (tag_at(s, len, i, "html") || tag_at(s, len, i, "body") || tag_at(s, len, i, "head") ||
        tag_at(s, len, i, "!doctype"))
      return 0;
  }
  return 1;
}

int nd_html_parse_into(newsdoc_doc *doc, newsdoc_node *parent, const char *data, size_t len, int is_xhtml,
                       newsdoc_ctx *ctx) {
  if (!doc || !parent || (!data && len)) return newsdoc_error_set(NEWSDOC_EUSAGE, "html: nd_html_parse_into: NULL argument");
  if (!data) data = "";
  char csbuf[64];
  const char *hint = sniff_charset(data, len, csbuf, sizeof csbuf);
  nd_buf text = ND_BUF_INIT;
  int rc = nd_decode_text(&text, data, len, hint, NULL, ctx);
  if (rc) {
    nd_buf_free(&text);
    return rc;
  }
  if (text.failed) return nd_oom("html: decoding");
  if (text.len > 0x7fffffff) {
    nd_buf_free(&text);
    return newsdoc_error_set(NEWSDOC_ELIMIT_SIZE, "html: the page is larger than 2 GiB");
  }
  const char *s = text.data ? text.data : "";
  int slen = (int)text.len;
  size_t max_attrs = (size_t)newsdoc_ctx_limit(ctx, NEWSDOC_LIMIT_ATTRIBUTES);
  size_t bomb = attr_bomb(s, text.len, max_attrs);
  if (bomb) {
    nd_buf_free(&text);
    return newsdoc_error_set(NEWSDOC_ELIMIT_COUNT, "html: an element with more than max-attributes (%zu) attributes at line %zu",
                             max_attrs, bomb);
  }
  xmlDocPtr d = NULL;
  if (is_xhtml) {
    xmlParserCtxtPtr pc = xmlNewParserCtxt();
    if (!pc) { nd_buf_free(&text); return nd_oom("html: parser"); }
    /* COMPACT: short text nodes (the blank lines between elements) keep
     * their text inside the node, one allocation less each; the walk never
     * changes the tree, which that option requires */
    d = xmlCtxtReadMemory(pc, s, slen, NULL, "UTF-8",
                          XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA | XML_PARSE_COMPACT);
    if (!d || !pc->wellFormed) {
      const xmlError *e = xmlCtxtGetLastError(pc);
      rc = newsdoc_error_set(NEWSDOC_EMALFORMED, "html: XHTML is not well-formed: %s at line %d",
                             e && e->message ? e->message : "unknown error", e ? e->line : 0);
      xmlFreeDoc(d);
      xmlFreeParserCtxt(pc);
      nd_buf_free(&text);
      return rc;
    }
    xmlFreeParserCtxt(pc);
  } else {
    htmlParserCtxtPtr pc = htmlNewParserCtxt();
    if (!pc) { nd_buf_free(&text); return nd_oom("html: parser"); }
    d = htmlCtxtReadMemory(pc, s, slen, NULL, "UTF-8", HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_COMPACT);
    if (!d) {
      const xmlError *e = xmlCtxtGetLastError(pc);
      rc = newsdoc_error_set(NEWSDOC_EMALFORMED, "html: cannot parse the page: %s",
                             e && e->message ? e->message : "unknown error");
      htmlFreeParserCtxt(pc);
      nd_buf_free(&text);
      return rc;
    }
    /* libxml2 stops at its own depth limit and keeps what it read: say so */
    const xmlError *e = xmlCtxtGetLastError(pc);
    if (e && e->message && strstr(e->message, "Excessive depth")) {
      rc = newsdoc_error_set(NEWSDOC_ELIMIT_DEPTH, "html: elements nested deeper than the parser allows (line %d)", e->line);
      xmlFreeDoc(d);
      htmlFreeParserCtxt(pc);
      nd_buf_free(&text);
      return rc;
    }
    htmlFreeParserCtxt(pc);
  }
  R r;
  memset(&r, 0, sizeof r);
  r.doc = doc;
  r.top = parent;
  r.ctx = ctx;
  r.is_xhtml = is_xhtml;
  r.fragment = !is_xhtml && looks_like_fragment(s, text.len);
  r.max_nodes = newsdoc_ctx_limit(ctx, NEWSDOC_LIMIT_NODES);
  nd_buf_free(&text);

  xmlNodePtr html = xmlDocGetRootElement(d);
  xmlNodePtr body = html ? find_body(d) : NULL;
  page_meta pm;
  memset(&pm, 0, sizeof pm);
  char *h1_title = NULL;
  if (body) {
    /* depth check of the whole tree first: later walks rely on it */
    size_t maxd = (size_t)newsdoc_ctx_limit(ctx, NEWSDOC_LIMIT_DEPTH);
    size_t depth = 0;
    size_t max_attrs = (size_t)newsdoc_ctx_limit(ctx, NEWSDOC_LIMIT_ATTRIBUTES);
    for (xmlNodePtr x = html; x && !r.rc;) {
      if (x->type == XML_ELEMENT_NODE && attr_count(x) > max_attrs) {
        fail(&r, newsdoc_error_set(NEWSDOC_ELIMIT_COUNT, "html: <%s> has more than max-attributes (%zu) attributes (line %d)",
                                   ename(x), max_attrs, (int)xmlGetLineNo(x)));
        break;
      }
      if (x->type == XML_ELEMENT_NODE) head_meta_node(&r, x, &pm);
      if (x->type == XML_ELEMENT_NODE && x->children) {
        depth++;
        if (depth > maxd) { fail(&r, nd_check_depth(ctx, depth, ename(x))); break; }
        x = x->children;
        continue;
      }
      while (x && x != html && !x->next) { x = x->parent; depth--; }
      if (!x || x == html) break;
      x = x->next;
    }
  }
  if (body && !r.rc) {
    xmlNodePtr root = body;
    if (!is_xhtml && !r.fragment && !pm.ours && page_has_furniture(body)) {
      root = find_article(&r, body);
      r.cleanup = 1;
    } else if (!is_xhtml && !r.fragment) {
      for (xmlNodePtr x = body; x && root == body; x = dom_next(x, body, 1))
        if (is(x, "article") || has_word(attr(x, "itemprop"), "articleBody")) root = x;
      for (xmlNodePtr x = body; x && root == body; x = dom_next(x, body, 1))
        if (is(x, "main") || has_word(attr(x, "role"), "main")) root = x;
    }
    /* through wrappers holding nothing else */
    for (;;) {
      xmlNodePtr only = NULL;
      int others = 0;
      for (xmlNodePtr c = root->children; c; c = c->next) {
        if (c->type == XML_ELEMENT_NODE && !dropped(c)) {
          if (only) others = 1;
          only = c;
        } else if (c->type == XML_TEXT_NODE && c->content) {
          for (const xmlChar *p = c->content; *p; p++)
            if (*p > ' ') others = 1;
        }
      }
      if (!only || others || !(is(only, "div") || is(only, "main") || is(only, "article") || is(only, "center")))
        break;
      root = only;
    }
    /* the article's header (ours, or a header element right inside it);
     * in XHTML (EPUB chapters) only in pages we wrote */
    if (!r.fragment && (!is_xhtml || pm.ours)) {
      for (xmlNodePtr c = root->children; c; c = c->next) {
        if (is(c, "header")) {
          for (xmlNodePtr y = c; y; y = dom_next(y, c, 1)) {
            const char *cls = attr(y, "class");
            if (is(y, "h1")) { r.own_header = c; r.shift = 1; break; }
            if (has_word(cls, "byline") || has_word(cls, "subtitle") || has_word(cls, "dateline") ||
                has_word(cls, "authors"))
              r.own_header = c;
          }
          if (r.own_header) break;
        }
      }
      if (r.own_header) {
        read_article_header(&r, r.own_header, &h1_title);
      } else if (!is_xhtml) {
        /* a single h1 in the article, before any text: the title */
        xmlNodePtr only = NULL;
        int count = 0, text_before = 0, seen_text = 0;
        for (xmlNodePtr y = root; y; y = dom_next(y, root, !dropped(y))) {
          if (is(y, "h1")) {
            if (!count) { only = y; text_before = seen_text; }
            count++;
          } else if (is(y, "p")) seen_text = 1;
        }
        if (count == 1 && !text_before) {
          r.title_h1 = only;
          h1_title = node_text_clean(&r, only);
          r.shift = 1;
        }
      }
      /* a byline element in the article */
      for (int pass = 0; pass < 2 && !newsdoc_meta_get(doc, NEWSDOC_META_BYLINE) && !pm.ours; pass++) {
        xmlNodePtr scope = pass ? body : root;
        for (xmlNodePtr y = scope; y; y = dom_next(y, scope, y->type == XML_ELEMENT_NODE && !dropped(y))) {
          if (y->type != XML_ELEMENT_NODE) continue;
          const char *cls = attr(y, "class");
          if (has_word(attr(y, "rel"), "author") || has_word(attr(y, "itemprop"), "author") || contains_ci(cls, "byline")) {
            char *t = node_text_clean(&r, y);
            if (t && *t && strlen(t) < 200) meta_set(&r, NEWSDOC_META_BYLINE, t);
            nd_free(t);
            if (newsdoc_meta_get(doc, NEWSDOC_META_BYLINE)) break;
          }
        }
      }
    }
    /* title */
    if (pm.og_title) {
      char *t = strip_site(&r, pm.og_title, pm.og_site);
      meta_set(&r, NEWSDOC_META_TITLE, t);
      nd_free(t);
    }
    if (h1_title && r.own_header) meta_set(&r, NEWSDOC_META_TITLE, h1_title);
    if (pm.title_text) {
      char *t = strip_site(&r, pm.title_text, pm.og_site);
      meta_set(&r, NEWSDOC_META_TITLE, t);
      nd_free(t);
    }
    if (h1_title) meta_set(&r, NEWSDOC_META_TITLE, h1_title);
    if (pm.ld_headline) meta_set(&r, NEWSDOC_META_TITLE, pm.ld_headline);
    if (pm.ld_date) meta_set(&r, NEWSDOC_META_DATE, pm.ld_date);
    if (pm.ld_author && !newsdoc_meta_count(doc, NEWSDOC_META_AUTHOR)) meta_add(&r, NEWSDOC_META_AUTHOR, pm.ld_author);
    if (!newsdoc_meta_get(doc, NEWSDOC_META_DATE)) {
      for (xmlNodePtr y = root; y; y = dom_next(y, root, 1))
        if (is(y, "time") && attr(y, "datetime")) { meta_set(&r, NEWSDOC_META_DATE, attr(y, "datetime")); break; }
    }
    /* language and direction: the nearest ancestor of the article */
    uint8_t dir = 0;
    const char *lang = NULL;
    for (xmlNodePtr a = root; a && a->type == XML_ELEMENT_NODE; a = a->parent) {
      if (!dir) dir = (uint8_t)parse_dir(attr(a, "dir"));
      if (!lang) {
        const char *l = lang_attr(a);
        if (l && *l) lang = l;
      }
    }
    if (!lang && pm.content_lang && *pm.content_lang) lang = pm.content_lang;
    char locale[16];
    if (!lang && pm.og_locale && *pm.og_locale) {
      size_t k = 0;
      while (pm.og_locale[k] && k + 1 < sizeof locale) {
        locale[k] = pm.og_locale[k] == '_' ? '-' : pm.og_locale[k];
        k++;
      }
      locale[k] = 0;
      lang = locale;
    }
    /* Someone else's page with no language, or one its text contradicts
     * (dir="rtl" lang="en-US" over Arabic text): the language of the text. */
    nd_buf atext = ND_BUF_INIT;
    if (!dir || r.cleanup) text_content(&atext, root);
    if (atext.failed) fail(&r, nd_oom("html: the page's text"));
    newsdoc_dir tdir = atext.len && !atext.failed ? nd_text_majority_dir(atext.data, atext.len) : NEWSDOC_DIR_UNSET;
    if (r.cleanup && tdir == NEWSDOC_DIR_RTL && (!lang || !nd_lang_is_rtl(lang))) {
      const char *guess = nd_guess_lang(atext.data, atext.len);
      if (guess && nd_lang_is_rtl(guess)) {
        if (lang) newsdoc_ctx_warn(ctx, "html: lang=\"%.20s\" does not fit the page's text; taken as \"%s\"", lang, guess);
        lang = guess;
      }
    }
    if (lang) meta_set(&r, NEWSDOC_META_LANG, lang);
    if (!dir && lang && nd_lang_is_rtl(lang)) dir = NEWSDOC_DIR_RTL;
    if (!dir && tdir == NEWSDOC_DIR_RTL) dir = NEWSDOC_DIR_RTL;
    nd_buf_free(&atext);
    if (dir && !newsdoc_meta_get(doc, NEWSDOC_META_DIR)) {
      int x = newsdoc_doc_set_dir(doc, (newsdoc_dir)dir);
      if (x) fail(&r, x);
    }
    if (r.cleanup) {
      for (xmlNodePtr x = html; x && !r.base; x = dom_next(x, html, !is(x, "body")))
        if (is(x, "base") && is_url(attr(x, "href"))) r.base = attr(x, "href");
      if (!r.base) {
        const char *u = newsdoc_meta_get(doc, NEWSDOC_META_SOURCE_URL);
        if (is_url(u)) r.base = u;
      }
    }
    if (!r.rc && r.cleanup) compute_density(&r, root);
    if (!r.rc) collect_notes(&r, root);
    if (r.nnotes) {
      qsort(r.notes, r.nnotes, sizeof *r.notes, cmp_note);
      /* a repeated id: the first one wins */
      size_t k = 0;
      for (size_t i = 0; i < r.nnotes; i++)
        if (!k || strcmp(r.notes[k - 1].id, r.notes[i].id)) r.notes[k++] = r.notes[i];
      r.nnotes = k;
    }
    if (r.nskip) qsort(r.skip, r.nskip, sizeof *r.skip, cmp_ptr);
    if (!r.rc) walk(&r, root, dir, lang);
  }
  nd_free(h1_title);
  nd_free(pm.title_text);
  nd_free(pm.ld_date);
  nd_free(pm.ld_headline);
  nd_free(pm.ld_author);
  for (size_t i = 0; i < r.nel; i++) r.els[i]->_private = NULL;
  nd_free(r.els);
  nd_free(r.tot);
  nd_free(r.lnk);
  nd_free(r.st);
  nd_free(r.notes);
  nd_free(r.skip);
  xmlFreeDoc(d);
  return r.rc;
}

int nd_html_read(newsdoc_doc **out, const char *data, size_t len, newsdoc_ctx *ctx, void *ud) {
  (void)ud;
  newsdoc_doc *doc = NULL;
  int rc = newsdoc_doc_new(&doc);
  if (rc) return rc;
  rc = nd_html_parse_into(doc, newsdoc_doc_root(doc), data, len, 0, ctx);
  if (rc) {
    newsdoc_doc_free(doc);
    return rc;
  }
  *out = doc;
  return 0;
}
