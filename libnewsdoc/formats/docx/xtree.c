/* xtree.c - libxml2's SAX2 parser into the DOCX reader's small trees (see
 * xtree.h).  libxml2's own tree costs an xmlNode, an xmlAttr and a text
 * node per attribute, a namespace search per element and as many frees;
 * these trees are a node per element and per run of character data, the
 * attributes an array, everything in a few large blocks.
 *
 * The parser is the same as before: one context for every part, the same
 * options (XML_PARSE_NONET, no entity substitution, no DTD loading), the
 * well-formedness verdict and error text from libxml2.  A DOCTYPE stops
 * the parse at once: no declaration in it is ever read. */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/SAX2.h>

#include "docx.h"
#include "xtree.h"

struct xchunk {
  xchunk *next;
  size_t used, cap;
  /* data follows, aligned as a pointer */
};

#define CHUNK_MIN ((size_t)16384)
#define CHUNK_MAX ((size_t)1 << 19) /* below the CLI's mmap threshold (1 MiB) */

static char *chunk_data(xchunk *c) { return (char *)(c + 1); }

/* A new block for n bytes (the current one is full). */
static void *xalloc_slow(xtree *t, size_t n) {
  size_t size = t->next_chunk ? t->next_chunk : CHUNK_MIN;
  if (size < CHUNK_MAX) t->next_chunk = size * 2;
  if (n > size) size = n;
  if (size > (size_t)-1 - sizeof(xchunk)) return NULL;
  xchunk *c = nd_malloc(sizeof(xchunk) + size);
  if (!c) return NULL;
  c->cap = size;
  c->used = n;
  /* a large block on its own goes behind the current one, which keeps its room */
  if (t->chunks && size == n && t->chunks->cap - t->chunks->used > 256) {
    c->next = t->chunks->next;
    t->chunks->next = c;
  } else {
    c->next = t->chunks;
    t->chunks = c;
  }
  return chunk_data(c);
}

/* n bytes aligned to `align` (a power of two), NULL when out of memory. */
static inline void *xalloc(xtree *t, size_t n, size_t align) {
  xchunk *c = t->chunks;
  if (c) {
    size_t at = (c->used + align - 1) & ~(align - 1);
    if (at <= c->cap && c->cap - at >= n) {
      c->used = at + n;
      return chunk_data(c) + at;
    }
  }
  return xalloc_slow(t, n);
}

static char *xstrdup(xtree *t, const char *s, size_t len) {
  char *d = xalloc(t, len + 1, 1);
  if (!d) return NULL;
  memcpy(d, s, len);
  d[len] = 0;
  return d;
}

/* ---- namespaces ------------------------------------------------------------------------ */

int nd_xtree_ns_kind(const char *h) {
  if (!h) return NS_OTHER;
  if (!strcmp(h, ND_NS_W) || !strcmp(h, ND_NS_W_STRICT)) return NS_W;
  if (!strcmp(h, ND_NS_R) || !strcmp(h, ND_NS_R_STRICT)) return NS_R;
  if (!strcmp(h, ND_NS_WP) || !strcmp(h, "http://purl.oclc.org/ooxml/drawingml/wordprocessingDrawing")) return NS_WP;
  if (!strcmp(h, ND_NS_A) || !strcmp(h, "http://purl.oclc.org/ooxml/drawingml/main")) return NS_A;
  if (!strcmp(h, ND_NS_PIC) || !strcmp(h, "http://purl.oclc.org/ooxml/drawingml/picture")) return NS_PIC;
  if (!strcmp(h, "urn:schemas-microsoft-com:vml")) return NS_V;
  if (!strcmp(h, "urn:schemas-microsoft-com:office:office")) return NS_O;
  if (!strcmp(h, "http://schemas.openxmlformats.org/markup-compatibility/2006")) return NS_MC;
  if (!strcmp(h, "http://purl.org/dc/elements/1.1/")) return NS_DC;
  if (!strcmp(h, "http://schemas.openxmlformats.org/package/2006/metadata/core-properties") ||
      !strcmp(h, "http://purl.oclc.org/ooxml/officeDocument/coreProperties"))
    return NS_CP;
  if (!strcmp(h, "http://purl.org/dc/terms/")) return NS_DCTERMS;
  if (!strcmp(h, ND_NS_PKG_REL)) return NS_REL;
  return NS_OTHER;
}

/* The parser hands namespace URIs out of its dictionary, so a few pointers
 * remember the answer (a miss only costs the comparisons). */
static int ns_of(xtree *t, const xmlChar *uri) {
  if (!uri) return NS_OTHER;
  for (unsigned i = 0; i < 4; i++)
    if (t->uri[i] == uri) return t->urik[i];
  int k = nd_xtree_ns_kind((const char *)uri);
  unsigned slot = t->urin++ & 3;
  t->uri[slot] = uri;
  t->urik[slot] = (uint8_t)k;
  return k;
}

/* ---- WordprocessingML tags ------------------------------------------------------------ */

#define ND_W_NAME(n) #n,
static const char *const W_NAMES[W_COUNT - 1] = {ND_W_TAGS(ND_W_NAME)};
#undef ND_W_NAME

static uint16_t tag_search(const char *name) {
  size_t lo = 0, hi = W_COUNT - 1;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int c = strcmp(W_NAMES[mid], name);
    if (!c) return (uint16_t)(mid + 1);
    if (c < 0) lo = mid + 1;
    else hi = mid;
  }
  return W_NONE;
}

/* The W_ tag of a local name.  The parser hands names out of its
 * dictionary, so the answer is remembered by address (a name not from the
 * dictionary would only miss). */
static uint16_t tag_of(xtree *t, const xmlChar *name) {
  size_t h = (size_t)(((uint64_t)(uintptr_t)name * 0x9E3779B97F4A7C15u) >> 57); /* Fibonacci hashing: 7 bits */
  for (unsigned k = 0; k < 128; k++, h = (h + 1) & 127) {
    if (t->tags[h].name == name) return t->tags[h].tag;
    if (!t->tags[h].name) {
      uint16_t tag = tag_search((const char *)name);
      if (t->ntags < 96) { /* keep the table sparse */
        t->tags[h].name = name;
        t->tags[h].tag = tag;
        t->ntags++;
      }
      return tag;
    }
  }
  return tag_search((const char *)name);
}

/* ---- the SAX2 handlers ------------------------------------------------------------------- */

static xtree *tree_of(void *ctx) { return (xtree *)((xmlParserCtxtPtr)ctx)->_private; }

static void stop(void *ctx, xtree *t, int oom) {
  if (oom) t->oom = 1;
  else t->doctype = 1;
  xmlStopParser((xmlParserCtxtPtr)ctx);
}

static void add_child(xtree *t, xnode *n) {
  n->parent = t->cur;
  n->next = n->children = NULL;
  if (t->last) t->last->next = n;
  else if (t->cur) t->cur->children = n;
  t->last = n;
}

/* The character data gathered so far becomes a node. */
static int flush_text_node(void *ctx, xtree *t) {
  int type = t->pend_type;
  t->pend_type = 0;
  if (!t->cur) return 0; /* outside the root: not in the tree */
  xnode *n = xalloc(t, sizeof *n, sizeof(void *));
  char *s = n ? xstrdup(t, t->pend ? t->pend : "", t->npend) : NULL;
  if (!s) {
    stop(ctx, t, 1);
    return -1;
  }
  n->name = NULL;
  n->tag = W_NONE;
  n->u.text = s;
  n->n = (uint32_t)t->npend;
  n->type = (uint8_t)type;
  n->ns = NS_OTHER;
  add_child(t, n);
  return 0;
}

static inline int flush_text(void *ctx, xtree *t) { return t->pend_type ? flush_text_node(ctx, t) : 0; }

static void chars(void *ctx, const xmlChar *ch, int len, int type) {
  xtree *t = tree_of(ctx);
  if (t->oom || t->doctype) return;
  if (t->pend_type && t->pend_type != type && flush_text(ctx, t)) return;
  if (!t->pend_type) {
    t->pend_type = type;
    t->npend = 0;
  }
  if (len <= 0) return;
  if ((size_t)len > t->cappend - t->npend) {
    size_t nc = t->cappend ? t->cappend : 256;
    while (nc - t->npend < (size_t)len) {
      if (nc > (size_t)INT_MAX) {
        stop(ctx, t, 1);
        return;
      }
      nc *= 2;
    }
    char *np = nd_realloc(t->pend, nc);
    if (!np) {
      stop(ctx, t, 1);
      return;
    }
    t->pend = np;
    t->cappend = nc;
  }
  memcpy(t->pend + t->npend, ch, (size_t)len);
  t->npend += (size_t)len;
}

static void on_characters(void *ctx, const xmlChar *ch, int len) { chars(ctx, ch, len, XN_TEXT); }
static void on_cdata(void *ctx, const xmlChar *ch, int len) { chars(ctx, ch, len, XN_CDATA); }

/* A comment or a processing instruction: not kept, but character data on
 * either side of it stays apart. */
static void on_comment(void *ctx, const xmlChar *value) {
  (void)value;
  xtree *t = tree_of(ctx);
  if (!t->oom && !t->doctype) flush_text(ctx, t);
}
static void on_pi(void *ctx, const xmlChar *target, const xmlChar *data) {
  (void)target;
  on_comment(ctx, data);
}

static void on_doctype(void *ctx, const xmlChar *name, const xmlChar *ext, const xmlChar *sys) {
  (void)name; (void)ext; (void)sys;
  stop(ctx, tree_of(ctx), 0);
}

/* "prefix:local" for a prefix with no declaration, as libxml2's tree names it. */
static const char *qname(xtree *t, const xmlChar *prefix, const xmlChar *local) {
  size_t pl = strlen((const char *)prefix), ll = strlen((const char *)local);
  char *s = xalloc(t, pl + ll + 2, 1);
  if (!s) return NULL;
  memcpy(s, prefix, pl);
  s[pl] = ':';
  memcpy(s + pl + 1, local, ll + 1);
  return s;
}

/* An attribute value as the parser hands it over: without entity
 * substitution it writes an ampersand as "&#38;" (libxml2's tree turns it
 * back into '&'); nothing else needs decoding. */
static const char *attr_value(xtree *t, const xmlChar *v, const xmlChar *end) {
  size_t len = (size_t)(end - v);
  char *d = xalloc(t, len + 1, 1);
  if (!d) return NULL;
  size_t o = 0;
  for (size_t i = 0; i < len;) { /* values are short: copied here rather than by memchr and memcpy */
    if (v[i] == '&' && len - i >= 5 && !memcmp(v + i, "&#38;", 5)) {
      d[o++] = '&';
      i += 5;
    } else {
      d[o++] = (char)v[i++];
    }
  }
  d[o] = 0;
  return d;
}

static void on_start(void *ctx, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri, int nns,
                     const xmlChar **nss, int nattr, int ndefaulted, const xmlChar **attrs) {
  (void)nns; (void)nss; (void)ndefaulted;
  xtree *t = tree_of(ctx);
  if (t->oom || t->doctype) return;
  if (flush_text(ctx, t)) return;
  xnode *n = xalloc(t, sizeof *n, sizeof(void *));
  if (!n) goto oom;
  n->type = XN_ELEMENT;
  n->ns = (uint8_t)ns_of(t, uri);
  n->name = prefix && !uri ? qname(t, prefix, local) : (const char *)local;
  if (!n->name) goto oom;
  n->tag = n->ns == NS_W ? tag_of(t, local) : W_NONE;
  n->n = nattr > 0 ? (uint32_t)nattr : 0;
  n->u.attrs = NULL;
  if (nattr > 0) {
    xattr *a = xalloc(t, (size_t)nattr * sizeof *a, sizeof(void *));
    if (!a) goto oom;
    for (int i = 0; i < nattr; i++) {
      const xmlChar **at = attrs + 5 * i; /* localname, prefix, URI, value, end */
      a[i].ns = (uint8_t)ns_of(t, at[2]);
      a[i].name = at[1] && !at[2] ? qname(t, at[1], at[0]) : (const char *)at[0];
      a[i].value = attr_value(t, at[3], at[4]);
      if (!a[i].name || !a[i].value) goto oom;
    }
    n->u.attrs = a;
  }
  add_child(t, n);
  if (!t->root) t->root = n;
  t->cur = n;
  t->last = NULL;
  return;
oom:
  stop(ctx, t, 1);
}

static void on_end(void *ctx, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri) {
  (void)local; (void)prefix; (void)uri;
  xtree *t = tree_of(ctx);
  if (t->oom || t->doctype || !t->cur) return;
  if (flush_text(ctx, t)) return;
  t->last = t->cur;
  t->cur = t->cur->parent;
}

/* ---- parsing -------------------------------------------------------------------------------- */

static int keep_dict(xtree *t, xmlDictPtr d) {
  for (size_t i = 0; i < t->ndicts; i++)
    if (t->dicts[i] == d) return 0;
  void **nv = nd_realloc(t->dicts, (t->ndicts + 1) * sizeof *nv);
  if (!nv) return -1;
  t->dicts = nv;
  if (xmlDictReference(d)) return -1;
  t->dicts[t->ndicts++] = d;
  return 0;
}

int nd_xtree_parse(xtree *t, const char *data, size_t len, const char *part, xnode **root) {
  *root = NULL;
  if (len > (size_t)INT_MAX) return newsdoc_error_set(NEWSDOC_ELIMIT_SIZE, "docx: %s: part too large", part);
  if (!t->pctxt && !(t->pctxt = xmlNewParserCtxt())) return nd_oom("docx: XML parser");
  xmlParserCtxtPtr c = t->pctxt;
  /* the handlers: our tree instead of libxml2's; no document, no DTD */
  xmlSAXHandler *h = c->sax;
  memset(h, 0, sizeof *h);
  h->initialized = XML_SAX2_MAGIC;
  h->startElementNs = on_start;
  h->endElementNs = on_end;
  h->characters = on_characters;
  h->ignorableWhitespace = on_characters;
  h->cdataBlock = on_cdata;
  h->comment = on_comment;
  h->processingInstruction = on_pi;
  h->internalSubset = on_doctype;
  h->getEntity = xmlSAX2GetEntity; /* the predefined entities only: there is no DTD */
  c->_private = t;
  t->cur = t->last = t->root = NULL;
  t->pend_type = 0;
  t->npend = 0;
  t->oom = t->doctype = 0;
  /* the same options as with libxml2's tree (XML_PARSE_COMPACT is a tree option) */
  xmlDoc *d = xmlCtxtReadMemory(c, data, (int)len, part, NULL,
                                XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_COMPACT);
  if (d) xmlFreeDoc(d); /* never: no handler makes one */
  int rc = 0;
  if (t->oom) {
    rc = nd_oom("docx: XML tree");
  } else if (t->doctype) {
    rc = newsdoc_error_set(NEWSDOC_EMALFORMED, "docx: %s: a DOCTYPE is not allowed in a package part", part);
  } else if (!c->wellFormed || !t->root) {
    const xmlError *e = xmlCtxtGetLastError(c);
    char msg[256];
    snprintf(msg, sizeof msg, "%s", e && e->message ? e->message : "parse error");
    size_t ml = strlen(msg);
    while (ml && (msg[ml - 1] == '\n' || msg[ml - 1] == ' ')) msg[--ml] = 0;
    rc = newsdoc_error_set(NEWSDOC_EMALFORMED, "docx: %s: not well-formed XML at line %d: %s", part, e ? e->line : 0,
                           msg);
  } else if (c->dict && keep_dict(t, c->dict)) {
    rc = nd_oom("docx: XML tree");
  }
  t->cur = t->last = NULL;
  if (!rc) *root = t->root;
  return rc;
}

void nd_xtree_free(xtree *t) {
  for (xchunk *c = t->chunks, *nx; c; c = nx) {
    nx = c->next;
    nd_free(c);
  }
  t->chunks = NULL;
  nd_free(t->pend);
  t->pend = NULL;
  t->npend = t->cappend = 0;
  if (t->pctxt) xmlFreeParserCtxt(t->pctxt);
  t->pctxt = NULL;
  for (size_t i = 0; i < t->ndicts; i++) xmlDictFree(t->dicts[i]);
  nd_free(t->dicts);
  t->dicts = NULL;
  t->ndicts = 0;
}
