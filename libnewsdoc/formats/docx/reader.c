/* reader.c - a .docx package into the model.
 *
 * Reads word/document.xml (found through _rels/.rels) with styles.xml
 * (w:basedOn chains, cycle-safe, at most max-style-chain links),
 * numbering.xml (num -> abstractNum, numStyleLink), relationships,
 * docProps/core.xml, footnotes and endnotes.  Transitional and Strict
 * namespaces both; a BOM at the start of a part is accepted; a DOCTYPE is
 * refused (NEWSDOC_EMALFORMED).
 *
 * Structure, as pandoc reads it: headings by style *name* ("heading N",
 * through w:basedOn) or by w:outlineLvl, never by style ID; Title,
 * Subtitle, Author, Date and Abstract paragraphs at the start into the
 * metadata; list paragraphs (w:numPr, direct or from the style) into
 * nested lists; Quote / Intense Quote / Block Text styles and paragraphs
 * indented more than their style into block quotes; "Source Code" into code
 * blocks; tables with header rows, w:gridSpan and w:vMerge; hyperlinks
 * (external through the relationships, internal w:anchor, HYPERLINK
 * fields); bold and italic with their complex-script twins (w:bCs/w:iCs
 * for right-to-left runs); images (a:blip r:embed, VML v:imagedata);
 * footnotes and endnotes as NOTE inlines.
 *
 * Tracked changes are read as accepted: w:ins and w:moveTo kept, w:del,
 * w:delText and w:moveFrom dropped, a deleted paragraph mark joins the
 * paragraph to the next.  Fields are read from their cached result.
 * Nothing outside the package is loaded: linked images (r:link) keep their
 * URL only, w:altChunk and external targets are skipped with a warning.
 *
 * Direction: w:bidi (paragraph, style, section), w:rtl (runs) and
 * w:bidiVisual (tables).  The document's direction is that of most
 * paragraphs, else the section's; a block carries its own only where it
 * differs, a span where a run's direction differs from its paragraph's
 * and the run has a strong character of its own direction.
 *
 * The parts are parsed by libxml2 into xtree.h's small trees; every walk
 * over them is iterative (parent links). */
#include <stdio.h>
#include <stdlib.h>
#include <unicode/uchar.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "docx.h"
#include "xtree.h"

/* ---- elements and attributes ---------------------------------------------------------- */

static int is_el(const xnode *n, int ns, const char *local) {
  return n && n->type == XN_ELEMENT && n->ns == ns && !strcmp(n->name, local);
}
/* A w: element by its tag (xtree.h). */
static int is_w(const xnode *n, int tag) { return n && n->tag == tag; }

/* An attribute by local name in namespace `ns` (NS_OTHER: no namespace). */
static const char *attr_ns(const xnode *n, int ns, const char *local) {
  if (!n || n->type != XN_ELEMENT) return NULL;
  for (uint32_t i = 0; i < n->n; i++) {
    const xattr *a = &n->u.attrs[i];
    if (a->ns == ns && !strcmp(a->name, local)) return a->value;
  }
  return NULL;
}
/* w:NAME, or NAME without a namespace (some producers). */
static const char *wattr(const xnode *n, const char *local) {
  const char *v = attr_ns(n, NS_W, local);
  return v ? v : attr_ns(n, NS_OTHER, local);
}
static const char *rattr(const xnode *n, const char *local) { return attr_ns(n, NS_R, local); }

static xnode *child_w(const xnode *n, int tag) {
  for (xnode *c = n ? n->children : NULL; c; c = c->next)
    if (c->tag == tag) return c;
  return NULL;
}

/* On/off properties: absent val is on; "0", "false", "off", "none" are off. */
static int onoff(const xnode *n) {
  const char *v = wattr(n, "val");
  if (!v) return 1;
  return !(!strcmp(v, "0") || !strcmp(v, "false") || !strcmp(v, "off") || !strcmp(v, "none"));
}

static long num_attr(const xnode *n, const char *local, long dflt) {
  const char *v = wattr(n, local);
  if (!v || !*v) return dflt;
  char *end;
  double d = strtod(v, &end);
  if (end == v) return dflt;
  if (d > 1e9) d = 1e9;
  if (d < -1e9) d = -1e9;
  return (long)d;
}

/* The next node of a pre-order walk below `root`; `descend` 0 skips n's children. */
static xnode *walk_next(xnode *n, const xnode *root, int descend) {
  if (descend && n->children) return n->children;
  while (n && n != root) {
    if (n->next) return n->next;
    n = n->parent;
  }
  return NULL;
}

/* ---- the reader's state -------------------------------------------------------------- */

typedef struct style {
  char *id, *name; /* name lowercased */
  char *based;
  int type;        /* 1 paragraph, 2 character, 3 table, 4 numbering */
  long parent;     /* index, -1 */
  unsigned mark;
  int outline, bidi, num_id, ilvl;
  long ind_left, ind_hang;
  int has_left, has_hang;
  int b, bcs, i, ics, rtl;
} style;

typedef struct rel {
  char *id, *type, *target;
  int external;
} rel;

typedef struct rels {
  rel *v;
  size_t n;
  char *base; /* the part they belong to */
} rels;

typedef struct lvl {
  int bullet, start;
} lvl;
typedef struct absnum {
  long id;
  lvl lv[9];
  char *style_link; /* numStyleLink */
} absnum;
typedef struct num {
  long id, abs;
  int override_start[9]; /* -1 none */
} num;

typedef struct noteref {
  newsdoc_node *note;
  xnode *xml;
  int endnote;
} noteref;

typedef struct idnode {
  long id;
  xnode *xml;
} idnode;

typedef struct media_map {
  char *part, *name;
} media_map;

typedef struct rd {
  newsdoc_doc *doc;
  newsdoc_ctx *ctx;
  nd_zip *zip;
  char *main_part;
  rels doc_rels, fn_rels, en_rels;
  style *styles;
  size_t nstyles;
  unsigned epoch;
  unsigned long long chain_max;
  absnum *abs;
  size_t nabs;
  num *nums;
  size_t nnums;
  idnode *footnotes, *endnotes;
  size_t nfoot, nend;
  noteref *pending;
  size_t npending, cappending;
  media_map *media;
  size_t nmedia, capmedia;
  int rtl_paras, ltr_paras, sect_bidi;
  unsigned long long nodes, max_nodes;
  int warned_textbox;
  /* the direction (0, 1, 2) of the two-byte characters, a row of 64 per
   * lead byte 0xC2-0xDF, filled from core/ucache.h as text needs it */
  uint32_t dir2_ready;
  uint8_t dir2[30][64];
  char *creator; /* dc:creator */
  xtree xt; /* every part's tree, one parser for every part */
} rd;

static int count_node(rd *r) {
  if (++r->nodes > r->max_nodes)
    return newsdoc_error_set(NEWSDOC_ELIMIT_COUNT, "docx: more than max-nodes (%llu) nodes in %s", r->max_nodes,
                             r->main_part ? r->main_part : "word/document.xml");
  return 0;
}

/* ---- parts ---------------------------------------------------------------------------- */

/* The attribute pre-scan's two steps, 16 bytes at a time where SSE2 is
 * there (x86-64 always): the first of '"', '\'', '=', '>' at or after i, and
 * the closing quote ch at or after i; n when there is none. */
static inline size_t tag_stop_at(const char *p, size_t i, size_t n) {
#ifdef __SSE2__
  const __m128i q2 = _mm_set1_epi8('"'), q1 = _mm_set1_epi8('\''), eq = _mm_set1_epi8('='), gt = _mm_set1_epi8('>');
  for (; n - i >= 16; i += 16) {
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
    __m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, q2), _mm_cmpeq_epi8(v, q1)),
                             _mm_or_si128(_mm_cmpeq_epi8(v, eq), _mm_cmpeq_epi8(v, gt)));
    unsigned mask = (unsigned)_mm_movemask_epi8(m);
    if (mask) return i + (size_t)__builtin_ctz(mask);
  }
#endif
  static const unsigned char stop[256] = {['"'] = 1, ['\''] = 1, ['='] = 1, ['>'] = 1};
  while (i < n && !stop[(unsigned char)p[i]]) i++;
  return i;
}

static inline size_t quote_end(const char *p, size_t i, size_t n, char ch) {
#ifdef __SSE2__
  if (n - i >= 16) {
    unsigned mask = (unsigned)_mm_movemask_epi8(
        _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(const void *)(p + i)), _mm_set1_epi8(ch)));
    if (mask) return i + (size_t)__builtin_ctz(mask);
    i += 16;
  }
#endif
  const char *q = i < n ? memchr(p + i, ch, n - i) : NULL;
  return q ? (size_t)(q - p) : n;
}

static int parse_part(rd *r, const char *name, xnode **out) {
  *out = NULL;
  char *data = NULL;
  size_t len = 0;
  int rc = nd_zip_read(r->zip, name, &data, &len);
  if (rc) return rc;
  const char *p = data;
  size_t n = len;
  if (n >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3)) {
    p += 3;
    n -= 3;
  }
  /* A DOCTYPE (and with it any entity declaration) has no place in OOXML:
   * "<!DOCTYPE" starting in the first 4096 bytes ('!' is rare in XML). */
  size_t lim = n < 4097 ? n : 4097;
  for (const char *q = lim > 1 ? memchr(p + 1, '!', lim - 1) : NULL; q;
       q = (size_t)(q + 1 - p) < lim ? memchr(q + 1, '!', lim - (size_t)(q + 1 - p)) : NULL) {
    size_t i = (size_t)(q - p) - 1;
    if (p[i] == '<' && i + 9 <= n && !memcmp(p + i, "<!DOCTYPE", 9)) {
      nd_free(data);
      return newsdoc_error_set(NEWSDOC_EMALFORMED, "docx: %s: a DOCTYPE is not allowed in a package part", name);
    }
  }
  /* libxml2 checks duplicate attributes pairwise: refuse an element with
   * more than max-attributes before parsing (one linear scan, counting the
   * '=' outside quoted values in each tag). */
  unsigned long long max_attr = newsdoc_ctx_limit(r->ctx, NEWSDOC_LIMIT_ATTRIBUTES);
  size_t i = 0;
  while (i < n) {
    if (p[i] != '<') { /* text: straight to the next tag */
      const char *lt = memchr(p + i, '<', n - i);
      if (!lt) break;
      i = (size_t)(lt - p);
    }
    if (++i >= n) break;
    if (p[i] == '!' || p[i] == '?' || p[i] == '/') continue; /* not a start tag */
    unsigned long long nattr = 0;
    for (;;) {
      i = tag_stop_at(p, i, n);
      if (i >= n) break;
      char ch = p[i++];
      if (ch == '"' || ch == '\'') {
        i = quote_end(p, i, n, ch);
        if (i >= n) break;
        i++;
      } else if (ch == '=') {
        if (++nattr > max_attr) {
          nd_free(data);
          return newsdoc_error_set(NEWSDOC_ELIMIT_COUNT,
                                   "docx: %s: an element with more than max-attributes (%llu) attributes", name, max_attr);
        }
      } else {
        break; /* '>' */
      }
    }
  }
  rc = nd_xtree_parse(&r->xt, p, n, name, out);
  nd_free(data);
  return rc;
}

/* "word/_rels/document.xml.rels" for "word/document.xml". */
static char *rels_name(const char *part) {
  const char *slash = strrchr(part, '/');
  nd_buf b = ND_BUF_INIT;
  if (slash) nd_buf_put(&b, part, (size_t)(slash - part + 1));
  nd_buf_puts(&b, "_rels/");
  nd_buf_puts(&b, slash ? slash + 1 : part);
  nd_buf_puts(&b, ".rels");
  return nd_buf_detach(&b, NULL);
}

/* A package-internal target resolved against the part it belongs to:
 * 0 with *out NULL when it is outside the package, NEWSDOC_ENOMEM. */
static int resolve_target(const char *base, const char *target, char **out) {
  *out = NULL;
  if (!target) return 0;
  if (target[0] == '/') return nd_zip_resolve_ex("", target + 1, out);
  return nd_zip_resolve_ex(base, target, out);
}

static int rel_cmp(const void *a, const void *b) { return strcmp(((const rel *)a)->id, ((const rel *)b)->id); }

static void rels_free(rels *rs) {
  for (size_t i = 0; i < rs->n; i++) {
    nd_free(rs->v[i].id);
    nd_free(rs->v[i].type);
    nd_free(rs->v[i].target);
  }
  nd_free(rs->v);
  nd_free(rs->base);
  memset(rs, 0, sizeof *rs);
}

/* Reads the relationships of `part` (absent: none). */
static int load_rels(rd *r, const char *part, rels *rs) {
  memset(rs, 0, sizeof *rs);
  if (!(rs->base = nd_strdup(part))) return nd_oom("docx: relationships");
  char *rn = rels_name(part);
  if (!rn) return nd_oom("docx: relationships");
  if (nd_zip_find(r->zip, rn) < 0) {
    nd_free(rn);
    return 0;
  }
  xnode *d;
  int rc = parse_part(r, rn, &d);
  nd_free(rn);
  if (rc) return rc;
  xnode *root = d;
  size_t cap = 0;
  for (xnode *c = root ? root->children : NULL; c; c = c->next) {
    if (c->type != XN_ELEMENT || strcmp((const char *)c->name, "Relationship")) continue;
    const char *id = attr_ns(c, NS_OTHER, "Id"), *type = attr_ns(c, NS_OTHER, "Type"),
               *target = attr_ns(c, NS_OTHER, "Target"), *mode = attr_ns(c, NS_OTHER, "TargetMode");
    if (!id || !type || !target) continue;
    if (nd_grow(&rs->v, &cap, rs->n, sizeof *rs->v, 16, "docx: relationships")) return NEWSDOC_ENOMEM;
    const char *suffix = strrchr(type, '/');
    rel *e = &rs->v[rs->n];
    e->id = nd_strdup(id);
    e->type = nd_strdup(suffix ? suffix + 1 : type);
    e->target = nd_strdup(target);
    e->external = mode && !strcmp(mode, "External");
    if (!e->id || !e->type || !e->target) {
      nd_free(e->id); nd_free(e->type); nd_free(e->target);
      return nd_oom("docx: relationships");
    }
    rs->n++;
  }
  if (rs->n > 1) qsort(rs->v, rs->n, sizeof *rs->v, rel_cmp);
  return 0;
}

static const rel *rel_find(const rels *rs, const char *id) {
  if (!id || !rs->n) return NULL;
  rel key;
  key.id = (char *)id;
  return bsearch(&key, rs->v, rs->n, sizeof *rs->v, rel_cmp);
}

static const rel *rel_by_type(const rels *rs, const char *type) {
  for (size_t i = 0; i < rs->n; i++)
    if (!strcmp(rs->v[i].type, type) && !rs->v[i].external) return &rs->v[i];
  return NULL;
}

/* ---- styles ----------------------------------------------------------------------------- */

static int style_cmp(const void *a, const void *b) { return strcmp(((const style *)a)->id, ((const style *)b)->id); }

static long style_find(const rd *r, const char *id) {
  if (!id || !r->nstyles) return -1;
  style key;
  key.id = (char *)id;
  const style *s = bsearch(&key, r->styles, r->nstyles, sizeof *r->styles, style_cmp);
  return s ? (long)(s - r->styles) : -1;
}

static void read_ppr_into(const xnode *ppr, style *s) {
  for (xnode *c = ppr ? ppr->children : NULL; c; c = c->next) {
    if (is_w(c, W_outlineLvl)) s->outline = (int)num_attr(c, "val", 9);
    else if (is_w(c, W_bidi)) s->bidi = onoff(c);
    else if (is_w(c, W_ind)) {
      const char *l = wattr(c, "left") ? "left" : wattr(c, "start") ? "start" : NULL;
      if (l) { s->ind_left = num_attr(c, l, 0); s->has_left = 1; }
      if (wattr(c, "hanging")) { s->ind_hang = num_attr(c, "hanging", 0); s->has_hang = 1; }
    } else if (is_w(c, W_numPr)) {
      xnode *il = child_w(c, W_ilvl), *ni = child_w(c, W_numId);
      if (ni) s->num_id = (int)num_attr(ni, "val", 0);
      if (il) s->ilvl = (int)num_attr(il, "val", 0);
    }
  }
}

static void read_rpr_into(const xnode *rpr, style *s) {
  for (xnode *c = rpr ? rpr->children : NULL; c; c = c->next) {
    if (is_w(c, W_b)) s->b = onoff(c);
    else if (is_w(c, W_bCs)) s->bcs = onoff(c);
    else if (is_w(c, W_i)) s->i = onoff(c);
    else if (is_w(c, W_iCs)) s->ics = onoff(c);
    else if (is_w(c, W_rtl)) s->rtl = onoff(c);
  }
}

static void style_init(style *s) {
  memset(s, 0, sizeof *s);
  s->parent = -1;
  s->outline = -1;
  s->bidi = -1;
  s->num_id = -1;
  s->ilvl = -1;
  s->b = s->bcs = s->i = s->ics = s->rtl = -1;
}

static char *lower_dup(const char *s) {
  char *d = nd_strdup(s);
  if (d)
    for (char *p = d; *p; p++)
      if (*p >= 'A' && *p <= 'Z') *p = (char)(*p + 32);
  return d;
}

static char *doc_lang_default; /* unused placeholder to keep the layout simple */

static int load_styles(rd *r, xnode *d, char **lang_val, char **lang_bidi) {
  xnode *root = d;
  size_t cap = 0;
  for (xnode *c = root ? root->children : NULL; c; c = c->next) {
    if (is_w(c, W_docDefaults)) {
      xnode *rd_ = child_w(c, W_rPrDefault);
      xnode *rpr = child_w(rd_, W_rPr);
      xnode *lang = child_w(rpr, W_lang);
      if (lang) {
        const char *v = wattr(lang, "val"), *b = wattr(lang, "bidi");
        if (v && *v && !*lang_val && !(*lang_val = nd_strdup(v))) return nd_oom("docx: styles");
        if (b && *b && !*lang_bidi && !(*lang_bidi = nd_strdup(b))) return nd_oom("docx: styles");
      }
      continue;
    }
    if (!is_w(c, W_style)) continue;
    const char *id = wattr(c, "styleId");
    if (!id) continue;
    if (nd_grow(&r->styles, &cap, r->nstyles, sizeof *r->styles, 64, "docx: styles")) return NEWSDOC_ENOMEM;
    style *s = &r->styles[r->nstyles];
    style_init(s);
    const char *type = wattr(c, "type");
    s->type = !type || !strcmp(type, "paragraph") ? 1 : !strcmp(type, "character") ? 2 : !strcmp(type, "table") ? 3 : 4;
    xnode *nm = child_w(c, W_name), *bo = child_w(c, W_basedOn);
    s->id = nd_strdup(id);
    s->name = lower_dup(nm && wattr(nm, "val") ? wattr(nm, "val") : id);
    s->based = bo && wattr(bo, "val") ? nd_strdup(wattr(bo, "val")) : NULL;
    if (!s->id || !s->name || (bo && wattr(bo, "val") && !s->based)) {
      nd_free(s->id); nd_free(s->name); nd_free(s->based);
      return nd_oom("docx: styles");
    }
    read_ppr_into(child_w(c, W_pPr), s);
    read_rpr_into(child_w(c, W_rPr), s);
    r->nstyles++;
    if ((r->nstyles & 1023) == 0) {
      int rc = newsdoc_ctx_check(r->ctx);
      if (rc) return rc;
    }
  }
  if (r->nstyles > 1) qsort(r->styles, r->nstyles, sizeof *r->styles, style_cmp);
  /* duplicates: keep the first of each id (bsearch finds any; make them equal) */
  for (size_t i = 0; i < r->nstyles; i++) r->styles[i].parent = style_find(r, r->styles[i].based);
  /* Chains longer than max-style-chain are refused; cycles are cut. */
  for (size_t i = 0; i < r->nstyles; i++) {
    r->epoch++;
    long k = (long)i;
    unsigned long long steps = 0;
    while (k >= 0) {
      style *s = &r->styles[k];
      if (s->mark == r->epoch)
        return newsdoc_error_set(NEWSDOC_ELIMIT_COUNT,
                                 "docx: word/styles.xml: the w:basedOn chain of style \"%s\" loops back to \"%s\"",
                                 r->styles[i].id, s->id);
      s->mark = r->epoch;
      if (++steps > r->chain_max)
        return newsdoc_error_set(NEWSDOC_ELIMIT_COUNT,
                                 "docx: word/styles.xml: the w:basedOn chain of style \"%s\" is longer than "
                                 "max-style-chain (%llu)",
                                 r->styles[i].id, r->chain_max);
      k = s->parent;
    }
  }
  return 0;
}

/* Whether the style or one it is based on has one of the (lowercase) names. */
static int style_is(const rd *r, long idx, const char *const *names) {
  for (unsigned long long steps = 0; idx >= 0 && steps <= r->chain_max; steps++) {
    for (int k = 0; names[k]; k++)
      if (!strcmp(r->styles[idx].name, names[k])) return 1;
    idx = r->styles[idx].parent;
  }
  return 0;
}

/* Heading level from the names "heading N" (N 1..9) in the chain, then
 * from w:outlineLvl; 0 when not a heading. */
static int style_heading(const rd *r, long idx) {
  long k = idx;
  for (unsigned long long steps = 0; k >= 0 && steps <= r->chain_max; steps++) {
    const char *n = r->styles[k].name;
    if (!strncmp(n, "heading ", 8) && n[8] >= '1' && n[8] <= '9' && !n[9]) return n[8] - '0';
    k = r->styles[k].parent;
  }
  return 0;
}

#define STYLE_INT(FIELD)                                                              \
  static int style_##FIELD(const rd *r, long idx) {                                   \
    for (unsigned long long s_ = 0; idx >= 0 && s_ <= r->chain_max; s_++) {           \
      if (r->styles[idx].FIELD >= 0) return r->styles[idx].FIELD;                     \
      idx = r->styles[idx].parent;                                                    \
    }                                                                                 \
    return -1;                                                                        \
  }
STYLE_INT(outline)
STYLE_INT(bidi)
STYLE_INT(num_id)
STYLE_INT(ilvl)
STYLE_INT(b)
STYLE_INT(bcs)
STYLE_INT(i)
STYLE_INT(ics)
STYLE_INT(rtl)

static void style_indent(const rd *r, long idx, long *left, long *hang) {
  int hl = 0, hh = 0;
  *left = *hang = 0;
  for (unsigned long long s = 0; idx >= 0 && s <= r->chain_max && (!hl || !hh); s++) {
    const style *st = &r->styles[idx];
    if (!hl && st->has_left) { *left = st->ind_left; hl = 1; }
    if (!hh && st->has_hang) { *hang = st->ind_hang; hh = 1; }
    idx = st->parent;
  }
}

/* ---- numbering ------------------------------------------------------------------------- */

static int abs_cmp(const void *a, const void *b) {
  long x = ((const absnum *)a)->id, y = ((const absnum *)b)->id;
  return x < y ? -1 : x > y;
}
static int num_cmp(const void *a, const void *b) {
  long x = ((const num *)a)->id, y = ((const num *)b)->id;
  return x < y ? -1 : x > y;
}

static int load_numbering(rd *r, xnode *d) {
  xnode *root = d;
  size_t capa = 0, capn = 0;
  for (xnode *c = root ? root->children : NULL; c; c = c->next) {
    if (is_w(c, W_abstractNum)) {
      if (nd_grow(&r->abs, &capa, r->nabs, sizeof *r->abs, 16, "docx: numbering")) return NEWSDOC_ENOMEM;
      absnum *a = &r->abs[r->nabs];
      memset(a, 0, sizeof *a);
      a->id = num_attr(c, "abstractNumId", -1);
      for (int k = 0; k < 9; k++) a->lv[k].start = 1;
      for (xnode *l = c->children; l; l = l->next) {
        if (is_w(l, W_numStyleLink) && wattr(l, "val") && !a->style_link) {
          if (!(a->style_link = nd_strdup(wattr(l, "val")))) return nd_oom("docx: numbering");
        }
        if (!is_w(l, W_lvl)) continue;
        long il = num_attr(l, "ilvl", -1);
        if (il < 0 || il > 8) continue;
        xnode *fmt = child_w(l, W_numFmt), *st = child_w(l, W_start);
        const char *fv = fmt ? wattr(fmt, "val") : NULL;
        a->lv[il].bullet = fv && !strcmp(fv, "bullet");
        if (fv && !strcmp(fv, "none")) a->lv[il].bullet = 1;
        if (st) {
          long sv = num_attr(st, "val", 1);
          a->lv[il].start = sv < 0 ? 0 : sv > 999999999 ? 999999999 : (int)sv;
        }
      }
      r->nabs++;
    } else if (is_w(c, W_num)) {
      if (nd_grow(&r->nums, &capn, r->nnums, sizeof *r->nums, 16, "docx: numbering")) return NEWSDOC_ENOMEM;
      num *n = &r->nums[r->nnums];
      n->id = num_attr(c, "numId", -1);
      xnode *an = child_w(c, W_abstractNumId);
      n->abs = an ? num_attr(an, "val", -1) : -1;
      for (int k = 0; k < 9; k++) n->override_start[k] = -1;
      for (xnode *o = c->children; o; o = o->next) {
        if (!is_w(o, W_lvlOverride)) continue;
        long il = num_attr(o, "ilvl", -1);
        xnode *so = child_w(o, W_startOverride);
        if (il >= 0 && il <= 8 && so) {
          long sv = num_attr(so, "val", 1);
          n->override_start[il] = sv < 0 ? 0 : sv > 999999999 ? 999999999 : (int)sv;
        }
      }
      r->nnums++;
    }
  }
  if (r->nabs > 1) qsort(r->abs, r->nabs, sizeof *r->abs, abs_cmp);
  if (r->nnums > 1) qsort(r->nums, r->nnums, sizeof *r->nums, num_cmp);
  return 0;
}

static const num *num_find(const rd *r, long id) {
  if (!r->nnums) return NULL;
  num key;
  key.id = id;
  return bsearch(&key, r->nums, r->nnums, sizeof *r->nums, num_cmp);
}
static const absnum *abs_find(const rd *r, long id) {
  if (!r->nabs) return NULL;
  absnum key;
  key.id = id;
  return bsearch(&key, r->abs, r->nabs, sizeof *r->abs, abs_cmp);
}

/* The level definition of (numId, ilvl), following numStyleLink through
 * the numbering styles at most max-style-chain times.  0 when none. */
static int num_level(const rd *r, long num_id, int ilvl, int *bullet, int *start) {
  if (ilvl < 0) ilvl = 0;
  if (ilvl > 8) ilvl = 8;
  const num *n = num_find(r, num_id);
  if (!n) return 0;
  int ov = n->override_start[ilvl];
  const absnum *a = abs_find(r, n->abs);
  for (unsigned long long steps = 0; a && a->style_link && steps < r->chain_max; steps++) {
    long si = style_find(r, a->style_link);
    int sn = si >= 0 ? style_num_id(r, si) : -1;
    const num *n2 = sn > 0 ? num_find(r, sn) : NULL;
    const absnum *a2 = n2 ? abs_find(r, n2->abs) : NULL;
    if (!a2 || a2 == a) break;
    a = a2;
  }
  if (!a) return 0;
  *bullet = a->lv[ilvl].bullet;
  *start = ov >= 0 ? ov : a->lv[ilvl].start;
  return 1;
}

/* ---- notes ------------------------------------------------------------------------------ */

static int idnode_cmp(const void *a, const void *b) {
  long x = ((const idnode *)a)->id, y = ((const idnode *)b)->id;
  return x < y ? -1 : x > y;
}

static int load_notes(xnode *d, int el, idnode **out, size_t *nout) {
  xnode *root = d;
  size_t cap = 0;
  for (xnode *c = root ? root->children : NULL; c; c = c->next) {
    if (!is_w(c, el)) continue;
    const char *type = wattr(c, "type");
    if (type && strcmp(type, "normal")) continue; /* separators */
    if (*nout == cap) {
      size_t nc = cap ? cap * 2 : 16;
      idnode *nv = nd_realloc(*out, nc * sizeof *nv);
      if (!nv) return nd_oom("docx: notes");
      *out = nv;
      cap = nc;
    }
    (*out)[*nout].id = num_attr(c, "id", -1);
    (*out)[(*nout)++].xml = c;
  }
  if (*nout > 1) qsort(*out, *nout, sizeof **out, idnode_cmp);
  return 0;
}

static xnode *note_find(idnode *v, size_t n, long id) {
  if (!n) return NULL;
  idnode key;
  key.id = id;
  idnode *f = bsearch(&key, v, n, sizeof *v, idnode_cmp);
  return f ? f->xml : NULL;
}

/* ---- media ------------------------------------------------------------------------------- */

static const char *ext_mime(const char *name) {
  const char *dot = strrchr(name, '.');
  if (!dot) return "application/octet-stream";
  dot++;
  if (!strcasecmp(dot, "png")) return "image/png";
  if (!strcasecmp(dot, "jpg") || !strcasecmp(dot, "jpeg") || !strcasecmp(dot, "jpe")) return "image/jpeg";
  if (!strcasecmp(dot, "gif")) return "image/gif";
  if (!strcasecmp(dot, "bmp")) return "image/bmp";
  if (!strcasecmp(dot, "tif") || !strcasecmp(dot, "tiff")) return "image/tiff";
  if (!strcasecmp(dot, "svg")) return "image/svg+xml";
  if (!strcasecmp(dot, "webp")) return "image/webp";
  if (!strcasecmp(dot, "emf")) return "image/x-emf";
  if (!strcasecmp(dot, "wmf")) return "image/x-wmf";
  return "application/octet-stream";
}

/* The media name for an image part, reading it into the document once. */
static int media_for(rd *r, const char *part, const char **name_out) {
  *name_out = NULL;
  /* r->media is kept sorted by part name */
  size_t lo = 0, hi = r->nmedia;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int c = strcmp(r->media[mid].part, part);
    if (!c) {
      *name_out = r->media[mid].name;
      return 0;
    }
    if (c < 0) lo = mid + 1;
    else hi = mid;
  }
  char *data = NULL;
  size_t len = 0;
  int rc = nd_zip_read(r->zip, part, &data, &len);
  if (rc == NEWSDOC_ENOTFOUND) {
    newsdoc_ctx_warn(r->ctx, "docx: image part %s is missing; skipped", part);
    newsdoc_error_clear();
    return 0;
  }
  if (rc) return rc;
  const char *base = strrchr(part, '/');
  base = base ? base + 1 : part;
  char name[256];
  snprintf(name, sizeof name, "%s", base);
  size_t idx;
  /* a name taken by another part: a numbered one (bounded tries) */
  for (int k = 0; newsdoc_media_find(r->doc, name, &idx) == 0 && k < 4; k++)
    snprintf(name, sizeof name, "%zu-%d-%s", r->nmedia + 1, k, base);
  rc = newsdoc_media_add(r->doc, name, ext_mime(base), data, len);
  if (rc == NEWSDOC_EUSAGE) {
    snprintf(name, sizeof name, "image%zu%s", r->nmedia + 1, strrchr(base, '.') && strlen(strrchr(base, '.')) < 8 ? strrchr(base, '.') : "");
    for (char *p = name; *p; p++)
      if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '.')) *p = '_';
    rc = newsdoc_media_add(r->doc, name, ext_mime(base), data, len);
  }
  nd_free(data);
  if (rc) return rc;
  if (nd_grow(&r->media, &r->capmedia, r->nmedia, sizeof *r->media, 8, "docx: media")) return NEWSDOC_ENOMEM;
  media_map m;
  m.part = nd_strdup(part);
  m.name = nd_strdup(name);
  if (!m.part || !m.name) {
    nd_free(m.part); nd_free(m.name);
    return nd_oom("docx: media");
  }
  memmove(r->media + lo + 1, r->media + lo, (r->nmedia - lo) * sizeof *r->media);
  r->media[lo] = m;
  r->nmedia++;
  *name_out = r->media[lo].name;
  return 0;
}

/* ---- paragraphs: inline content ------------------------------------------------------------ */

typedef struct runkey {
  int b, i, code, dir;
} runkey;

typedef struct cstack {
  const xnode *xml; /* the element that opened it; NULL for a field */
  newsdoc_node *prev;
} cstack;

typedef struct field {
  int result;          /* past w:separate */
  nd_buf instr;
  newsdoc_node *link;  /* LINK opened for a HYPERLINK field */
  newsdoc_node *prev;
} field;

typedef struct pctx {
  rd *r;
  const rels *rs;
  int in_note;
  long pstyle;
  int para_dir;       /* 1/2 */
  newsdoc_node *cur;  /* where inlines go */
  /* merging adjacent runs with the same formatting */
  newsdoc_node *last_top, *last_leaf, *last_parent;
  runkey last_key;
  cstack *stack;
  size_t nstack, capstack;
  field *fields;
  size_t nfields, capfields;
  int instr_depth;    /* fields whose instruction is being read */
  char *bookmark;
  const char *lang;   /* w:lang of the runs in the paragraph's direction */
  int lang_mixed;
  int content;        /* something visible was added */
} pctx;

static void merge_reset(pctx *p) { p->last_top = p->last_leaf = p->last_parent = NULL; }

static int add_inline(pctx *p, newsdoc_node *n) {
  int rc = count_node(p->r);
  if (rc) { newsdoc_node_free(n); return rc; }
  if ((rc = newsdoc_node_append_child(p->cur, n))) { newsdoc_node_free(n); return rc; }
  merge_reset(p);
  return 0;
}

static int push_container(pctx *p, const xnode *xml, newsdoc_node *n) {
  int rc = add_inline(p, n);
  if (rc) return rc;
  if (nd_grow(&p->stack, &p->capstack, p->nstack, sizeof *p->stack, 8, "docx: inline nesting")) return NEWSDOC_ENOMEM;
  p->stack[p->nstack].xml = xml;
  p->stack[p->nstack].prev = p->cur;
  p->nstack++;
  p->cur = n;
  return nd_check_depth(p->r->ctx, p->nstack + 8, "inline nesting");
}

static int append_literal(newsdoc_node *n, const char *s, size_t len) {
  size_t ol = n->literal_len;
  if (len > (size_t)-1 / 2 - ol) return nd_oom("docx: text");
  return nd_node_append_literal(n, s, len) ? nd_oom("docx: text") : 0;
}

/* Adds text with the formatting of its run, merging with the previous run
 * when the formatting is the same. */
static int emit_piece(pctx *p, const runkey *k, const char *s, size_t len);

static void dir2_fill(rd *r, unsigned row) {
  for (uint32_t k = 0; k < 64; k++) {
    uint8_t d = nd_ucp_get(((row + 0xC2u - 0xC0u) << 6) | k)->dir;
    r->dir2[row][k] = d == U_LEFT_TO_RIGHT ? 1 : d == U_RIGHT_TO_LEFT || d == U_RIGHT_TO_LEFT_ARABIC ? 2 : 0;
  }
  r->dir2_ready |= 1u << row;
}

/* nd_docx_next_dir, with the two-byte sequences (Hebrew, Arabic) looked up
 * in the reader's rows: the per-character step of emit_text. */
static inline int next_dir(rd *r, const char *s, size_t len, size_t *i) {
  const unsigned char *u = (const unsigned char *)s + *i;
  if (u[0] >= 0xC2 && u[0] <= 0xDF && *i + 1 < len && (u[1] & 0xC0) == 0x80) {
    unsigned row = u[0] - 0xC2u;
    if (!(r->dir2_ready >> row & 1)) dir2_fill(r, row);
    *i += 2;
    return r->dir2[row][u[1] & 0x3F];
  }
  return nd_docx_next_dir(s, len, i);
}

/* Text in the direction of its characters: an island of the other
 * direction (from its first to its last strong character, as the writer
 * splits runs) becomes a span with its own direction; the rest follows the
 * paragraph.  The same text always gives the same spans, so reading what
 * we wrote gives the model back. */
static int emit_text(pctx *p, const runkey *k, const char *s, size_t len) {
  if (!len || p->instr_depth) return 0;
  for (size_t i = 0; i < len; i++)
    if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r') { p->content = 1; break; }
  runkey key = *k;
  if (key.code) {
    key.dir = 0;
    return emit_piece(p, &key, s, len);
  }
  int base = p->para_dir == 2 ? 2 : 1, cur = base, rc = 0;
  size_t seg = 0, i = 0, island_last = 0;
  const unsigned char *u = (const unsigned char *)s;
  rd *r = p->r;
  while (i < len && !rc) {
    size_t at = i;
    int d;
    if (cur == base) {
      /* most of the text: straight on to the first strong character of
       * the other direction (next_dir inlined) */
      for (;;) {
        at = i;
        unsigned c = u[i];
        if (c < 0x80) {
          i++;
          d = (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
        } else if (c - 0xC2u < 30u && i + 1 < len && (u[i + 1] & 0xC0) == 0x80) {
          unsigned row = c - 0xC2u;
          if (!(r->dir2_ready >> row & 1)) dir2_fill(r, row);
          d = r->dir2[row][u[i + 1] & 0x3F];
          i += 2;
        } else {
          d = nd_docx_next_dir(s, len, &i);
        }
        if ((d && d != base) || i >= len) break;
      }
      if (!d || d == base) break; /* the end, no island */
      key.dir = 0;
      if (at > seg) rc = emit_piece(p, &key, s + seg, at - seg);
      seg = at;
      cur = d;
      island_last = i;
      continue;
    }
    d = next_dir(r, s, len, &i);
    if (d == cur) {
      island_last = i;
    } else if (d == base) {
      key.dir = cur;
      rc = emit_piece(p, &key, s + seg, island_last - seg);
      seg = island_last;
      cur = base;
    }
  }
  if (!rc && cur != base) {
    key.dir = cur;
    rc = emit_piece(p, &key, s + seg, island_last - seg);
    seg = island_last;
  }
  key.dir = 0;
  if (!rc && len > seg) rc = emit_piece(p, &key, s + seg, len - seg);
  return rc;
}

static int emit_piece(pctx *p, const runkey *k, const char *s, size_t len) {
  if (!len) return 0;
  runkey key = *k;
  if (p->last_top && p->last_parent == p->cur && p->cur->last == p->last_top && !memcmp(&key, &p->last_key, sizeof key)) {
    if (key.code) return append_literal(p->last_leaf, s, len);
    return nd_node_append_text(p->last_leaf, s, len);
  }
  newsdoc_node *top = NULL, *leaf = NULL;
  int rc = 0;
#define WRAP(TYPE)                                                            \
  do {                                                                        \
    newsdoc_node *w_ = nd_node_alloc(TYPE);                                   \
    if (!w_) { rc = nd_oom("docx: text"); goto fail; }                        \
    if ((rc = count_node(p->r))) { nd_node_free_tree(w_); goto fail; }       \
    if (!top) top = w_;                                                       \
    else if ((rc = newsdoc_node_append_child(leaf, w_))) { nd_node_free_tree(w_); goto fail; } \
    leaf = w_;                                                                \
  } while (0)
  if (key.dir) {
    WRAP(NEWSDOC_NODE_SPAN);
    leaf->dir = (uint8_t)(key.dir == 2 ? NEWSDOC_DIR_RTL : NEWSDOC_DIR_LTR);
  }
  if (key.b) WRAP(NEWSDOC_NODE_STRONG);
  if (key.i) WRAP(NEWSDOC_NODE_EMPH);
  if (key.code) {
    WRAP(NEWSDOC_NODE_CODE);
    if ((rc = newsdoc_node_set_literal(leaf, s, len))) goto fail;
  } else if (leaf) {
    if ((rc = nd_node_append_text(leaf, s, len))) goto fail;
  }
#undef WRAP
  if (!top) {
    /* plain text straight into the container (merged with a text before) */
    newsdoc_node *last = p->cur->last;
    if (!(last && last->type == NEWSDOC_NODE_TEXT && !last->dir && !last->lang) && (rc = count_node(p->r))) return rc;
    if ((rc = nd_node_append_text(p->cur, s, len))) return rc;
    merge_reset(p);
    return 0;
  }
  if ((rc = newsdoc_node_append_child(p->cur, top))) goto fail;
  p->last_top = top;
  p->last_leaf = leaf;
  p->last_parent = p->cur;
  p->last_key = key;
  return 0;
fail:
  if (top) nd_node_free_tree(top);
  return rc;
}

/* Resolved formatting of a run. */
static void run_key(pctx *p, const xnode *run, runkey *k) {
  rd *r = p->r;
  memset(k, 0, sizeof *k);
  int b = -1, bcs = -1, i = -1, ics = -1, rtl = -1, cs = 0;
  long cstyle = -1;
  xnode *rpr = child_w(run, W_rPr);
  for (xnode *c = rpr ? rpr->children : NULL; c; c = c->next) {
    if (is_w(c, W_b)) b = onoff(c);
    else if (is_w(c, W_bCs)) bcs = onoff(c);
    else if (is_w(c, W_i)) i = onoff(c);
    else if (is_w(c, W_iCs)) ics = onoff(c);
    else if (is_w(c, W_rtl)) rtl = onoff(c);
    else if (is_w(c, W_cs)) cs = onoff(c);
    else if (is_w(c, W_rStyle)) cstyle = style_find(r, wattr(c, "val"));
  }
  /* Bold and italic from the character style only (as pandoc: a heading
   * style's own bold is not emphasis); direction from the paragraph style too. */
#define RESOLVE(V, F)                                      \
  if (V < 0 && cstyle >= 0) V = style_##F(r, cstyle);
  RESOLVE(b, b)
  RESOLVE(bcs, bcs)
  RESOLVE(i, i)
  RESOLVE(ics, ics)
  RESOLVE(rtl, rtl)
#undef RESOLVE
  if (rtl < 0 && p->pstyle >= 0) rtl = style_rtl(r, p->pstyle);
  static const char *const VERBATIM[] = {"verbatim char", NULL};
  k->code = cstyle >= 0 && style_is(r, cstyle, VERBATIM);
  /* complex-script formatting applies to right-to-left runs */
  int complex = rtl > 0 || cs > 0;
  k->b = complex ? bcs > 0 : b > 0;
  k->i = complex ? ics > 0 : i > 0;
  k->dir = 0; /* set per piece of text by emit_text */
}

static int add_image(pctx *p, const char *rid, int linked, const char *alt) {
  rd *r = p->r;
  const rel *e = rel_find(p->rs, rid);
  if (!e) {
    newsdoc_ctx_warn(r->ctx, "docx: image relationship %s not found; skipped", rid ? rid : "");
    return 0;
  }
  newsdoc_node *img = nd_node_alloc(NEWSDOC_NODE_IMAGE);
  if (!img) return nd_oom("docx: image");
  int rc = 0;
  if (linked || e->external) {
    newsdoc_ctx_warn(r->ctx, "docx: linked image %s is not loaded (only its address is kept)", e->target);
    rc = newsdoc_node_set_url(img, e->target);
  } else {
    char *part = NULL;
    const char *name = NULL;
    if ((rc = resolve_target(p->rs->base, e->target, &part))) {
      nd_node_free_tree(img);
      return rc;
    }
    if (part) rc = media_for(r, part, &name);
    nd_free(part);
    if (!rc && !name) {
      nd_node_free_tree(img);
      return 0;
    }
    if (!rc) {
      char url[300];
      snprintf(url, sizeof url, "media:%s", name);
      rc = newsdoc_node_set_url(img, url);
    }
  }
  if (!rc && alt && *alt) rc = newsdoc_node_set_title(img, alt);
  if (rc) {
    nd_node_free_tree(img);
    return rc;
  }
  p->content = 1;
  return add_inline(p, img);
}

/* The first descendant of n matching (ns, local), iteratively. */
static xnode *find_desc(xnode *n, int ns, const char *local) {
  for (xnode *c = n->children ? n->children : NULL; c; c = walk_next(c, n, 1))
    if (is_el(c, ns, local)) return c;
  return NULL;
}

static int do_drawing(pctx *p, xnode *d) {
  const char *alt = NULL;
  xnode *docpr = find_desc(d, NS_WP, "docPr");
  if (docpr) {
    alt = attr_ns(docpr, NS_OTHER, "descr");
    if (!alt || !*alt) alt = attr_ns(docpr, NS_OTHER, "title");
  }
  for (xnode *c = d->children; c; c = walk_next(c, d, 1)) {
    if (is_el(c, NS_A, "blip")) {
      const char *emb = rattr(c, "embed"), *lnk = rattr(c, "link");
      if (emb && *emb) return add_image(p, emb, 0, alt);
      if (lnk && *lnk) return add_image(p, lnk, 1, alt);
    }
  }
  if (find_desc(d, NS_OTHER, "txbx") || find_desc(d, NS_W, "txbxContent")) {
    if (!p->r->warned_textbox) newsdoc_ctx_warn(p->r->ctx, "docx: text boxes are skipped");
    p->r->warned_textbox = 1;
  }
  return 0;
}

static int do_vml(pctx *p, xnode *pict) {
  for (xnode *c = pict->children; c; c = walk_next(c, pict, 1)) {
    if (is_el(c, NS_V, "imagedata")) {
      const char *id = rattr(c, "id");
      if (!id) id = rattr(c, "pict");
      const char *alt = attr_ns(c, NS_O, "title");
      if (id && *id) return add_image(p, id, 0, alt);
    }
  }
  return 0;
}

static int note_ref(pctx *p, xnode *ref, int endnote) {
  rd *r = p->r;
  if (p->in_note) {
    newsdoc_ctx_warn(r->ctx, "docx: a note reference inside a note is dropped");
    return 0;
  }
  long id = num_attr(ref, "id", -1);
  xnode *x = endnote ? note_find(r->endnotes, r->nend, id) : note_find(r->footnotes, r->nfoot, id);
  if (!x) {
    newsdoc_ctx_warn(r->ctx, "docx: %s %ld not found", endnote ? "endnote" : "footnote", id);
    return 0;
  }
  newsdoc_node *note = nd_node_alloc(NEWSDOC_NODE_NOTE);
  if (!note) return nd_oom("docx: note");
  int rc = add_inline(p, note);
  if (rc) return rc;
  if (nd_grow(&r->pending, &r->cappending, r->npending, sizeof *r->pending, 16, "docx: notes")) return NEWSDOC_ENOMEM;
  r->pending[r->npending].note = note;
  r->pending[r->npending].xml = x;
  r->pending[r->npending].endnote = endnote;
  r->npending++;
  p->content = 1;
  return 0;
}

/* The target of a HYPERLINK field instruction into *out (NULL when none);
 * 0 or NEWSDOC_ENOMEM. */
static int field_link(const char *instr, size_t len, char **out) {
  *out = NULL;
  size_t i = 0;
  while (i < len && (instr[i] == ' ' || instr[i] == '\t')) i++;
  if (len - i < 9 || strncasecmp(instr + i, "HYPERLINK", 9)) return 0;
  i += 9;
  nd_buf url = ND_BUF_INIT, anchor = ND_BUF_INIT;
  while (i < len) {
    while (i < len && instr[i] == ' ') i++;
    if (i >= len) break;
    int is_anchor = 0;
    if (instr[i] == '\\') {
      char sw = i + 1 < len ? instr[i + 1] : 0;
      i += 2;
      if (sw == 'l') is_anchor = 1;
      else if (sw == 'o' || sw == 't') {
        /* skip its argument */
        while (i < len && instr[i] == ' ') i++;
        if (i < len && instr[i] == '"') {
          i++;
          while (i < len && instr[i] != '"') i++;
          i++;
        } else
          while (i < len && instr[i] != ' ') i++;
        continue;
      } else
        continue;
      while (i < len && instr[i] == ' ') i++;
    }
    nd_buf *dst = is_anchor ? &anchor : &url;
    if (i < len && instr[i] == '"') {
      i++;
      size_t s = i;
      while (i < len && instr[i] != '"') i++;
      if (!dst->len) nd_buf_put(dst, instr + s, i - s);
      i++;
    } else {
      size_t s = i;
      while (i < len && instr[i] != ' ') i++;
      if (!dst->len) nd_buf_put(dst, instr + s, i - s);
    }
  }
  if (anchor.len) {
    nd_buf_putc(&url, '#');
    nd_buf_put(&url, anchor.data, anchor.len);
  }
  int failed = url.failed || anchor.failed;
  nd_buf_free(&anchor);
  if (failed) {
    nd_buf_free(&url);
    return nd_oom("docx: field");
  }
  if (!url.len) {
    nd_buf_free(&url);
    return 0;
  }
  *out = nd_buf_detach(&url, NULL);
  return *out ? 0 : nd_oom("docx: field");
}

static int field_push(pctx *p) {
  if (nd_grow(&p->fields, &p->capfields, p->nfields, sizeof *p->fields, 4, "docx: fields")) return NEWSDOC_ENOMEM;
  field *f = &p->fields[p->nfields++];
  memset(f, 0, sizeof *f);
  nd_buf_init(&f->instr);
  p->instr_depth++;
  return nd_check_depth(p->r->ctx, p->nfields + 8, "nested fields");
}

static int open_link(pctx *p, const xnode *xml, const char *url, newsdoc_node **out) {
  newsdoc_node *l = nd_node_alloc(NEWSDOC_NODE_LINK);
  if (!l) return nd_oom("docx: link");
  int rc = newsdoc_node_set_url(l, url);
  if (rc) { nd_node_free_tree(l); return rc; }
  if (out) *out = l;
  return push_container(p, xml, l);
}

static int field_char(pctx *p, const xnode *fc) {
  const char *t = wattr(fc, "fldCharType");
  if (!t) return 0;
  if (!strcmp(t, "begin")) return field_push(p);
  if (!p->nfields) return 0;
  field *f = &p->fields[p->nfields - 1];
  if (!strcmp(t, "separate")) {
    if (f->result) return 0;
    f->result = 1;
    p->instr_depth--;
    if (f->instr.failed) return nd_oom("docx: field");
    char *url = NULL;
    int rc = field_link(f->instr.data ? f->instr.data : "", f->instr.len, &url);
    if (rc) return rc;
    if (url && !p->instr_depth) {
      f->prev = p->cur;
      rc = open_link(p, NULL, url, &f->link);
      nd_free(url);
      return rc;
    }
    nd_free(url);
    return 0;
  }
  if (!strcmp(t, "end")) {
    if (!f->result) p->instr_depth--;
    if (f->link && p->cur == f->link && p->nstack && p->stack[p->nstack - 1].xml == NULL) {
      p->cur = p->stack[--p->nstack].prev;
      merge_reset(p);
    }
    nd_buf_free(&f->instr);
    p->nfields--;
  }
  return 0;
}

static int do_run(pctx *p, xnode *run) {
  runkey k;
  run_key(p, run, &k);
  int rc = 0;
  for (xnode *c = run->children; c && !rc; c = c->next) {
    if (c->type != XN_ELEMENT) continue;
    int ns = c->ns;
    const char *n = c->name;
    int tag = c->tag;
    if (ns == NS_MC && !strcmp(n, "AlternateContent")) {
      /* the first Choice, else the Fallback */
      xnode *pick = NULL;
      for (xnode *a = c->children; a; a = a->next)
        if (is_el(a, NS_MC, "Choice")) { pick = a; break; }
      if (!pick)
        for (xnode *a = c->children; a; a = a->next)
          if (is_el(a, NS_MC, "Fallback")) { pick = a; break; }
      if (pick) {
        xnode *dr = find_desc(pick, NS_W, "drawing");
        xnode *pi = dr ? NULL : find_desc(pick, NS_W, "pict");
        if (dr) rc = do_drawing(p, dr);
        else if (pi) rc = do_vml(p, pi);
      }
      continue;
    }
    if (ns != NS_W) continue;
    if (tag == W_t) {
      /* text may be split over several text nodes */
      for (xnode *t = c->children; t && !rc; t = t->next) {
        if (t->type != XN_TEXT && t->type != XN_CDATA) continue;
        size_t tl = t->n;
        /* the language of text in the paragraph's direction (islands of
         * the other direction do not decide it) */
        if (!p->instr_depth && !p->lang_mixed && nd_docx_text_dir(t->u.text, tl) == p->para_dir) {
          xnode *lg = child_w(child_w(run, W_rPr), W_lang);
          const char *lv = lg ? wattr(lg, p->para_dir == 2 ? "bidi" : "val") : NULL;
          if (lv && *lv) {
            if (!p->lang) p->lang = lv;
            else if (strcmp(p->lang, lv)) p->lang_mixed = 1;
          }
        }
        rc = emit_text(p, &k, t->u.text, tl);
      }
    } else if (tag == W_instrText) {
      if (p->nfields && !p->fields[p->nfields - 1].result)
        for (xnode *t = c->children; t; t = t->next)
          if (t->type == XN_TEXT || t->type == XN_CDATA) nd_buf_put(&p->fields[p->nfields - 1].instr, t->u.text, t->n);
    } else if (tag == W_tab || tag == W_ptab) {
      rc = emit_text(p, &k, "\t", 1);
    } else if (tag == W_br || tag == W_cr) {
      const char *type = wattr(c, "type");
      if (p->instr_depth || (type && strcmp(type, "textWrapping"))) continue;
      newsdoc_node *br = nd_node_alloc(NEWSDOC_NODE_LINE_BREAK);
      if (!br) return nd_oom("docx: break");
      rc = add_inline(p, br);
    } else if (tag == W_sym) {
      /* a symbol-font character: F0xx is the font's xx */
      const char *ch = wattr(c, "char");
      unsigned long cp = ch ? strtoul(ch, NULL, 16) : 0;
      if (cp >= 0xF000 && cp <= 0xF0FF) cp -= 0xF000;
      if (cp == 0x2A) cp = 0x2217;
      if (cp && nd_xml_char_ok((uint32_t)cp)) {
        nd_buf t = ND_BUF_INIT;
        nd_buf_put_utf8(&t, (uint32_t)cp);
        rc = t.failed ? nd_oom("docx: symbol") : emit_text(p, &k, t.data, t.len);
        nd_buf_free(&t);
      }
    } else if (tag == W_noBreakHyphen) {
      rc = emit_text(p, &k, "\xE2\x80\x91", 3);
    } else if (tag == W_softHyphen) {
      rc = emit_text(p, &k, "\xC2\xAD", 2);
    } else if (tag == W_drawing) {
      if (!p->instr_depth) rc = do_drawing(p, c);
    } else if (tag == W_pict || tag == W_object) {
      if (!p->instr_depth) rc = do_vml(p, c);
    } else if (tag == W_footnoteReference) {
      rc = note_ref(p, c, 0);
    } else if (tag == W_endnoteReference) {
      rc = note_ref(p, c, 1);
    } else if (tag == W_fldChar) {
      rc = field_char(p, c);
    }
  }
  return rc;
}

/* Reads the inline content of a w:p into p->cur.  Returns 0 or a code. */
static int para_inlines(pctx *p, xnode *para) {
  rd *r = p->r;
  int rc = 0;
  size_t base_stack = p->nstack;
  xnode *n = para->children;
  unsigned counter = 0;
  while (n && !rc) {
    int descend = 0;
    if ((++counter & 4095) == 0 && (rc = newsdoc_ctx_check(r->ctx))) break;
    if (n->type == XN_ELEMENT) {
      int ns = n->ns;
      const char *name = n->name;
      int tag = n->tag;
      if (ns == NS_W) {
        if (tag == W_r) rc = do_run(p, n);
        else if (tag == W_hyperlink) {
          const char *rid = rattr(n, "id"), *anchor = wattr(n, "anchor");
          const rel *e = rid ? rel_find(p->rs, rid) : NULL;
          nd_buf url = ND_BUF_INIT;
          if (e) nd_buf_puts(&url, e->target);
          if (anchor && *anchor) {
            nd_buf_putc(&url, '#');
            nd_buf_puts(&url, anchor);
          }
          if (url.len && !url.failed && !p->instr_depth) rc = open_link(p, n, url.data, NULL);
          else if (url.failed) rc = nd_oom("docx: link");
          nd_buf_free(&url);
          descend = 1;
        } else if (tag == W_fldSimple) {
          const char *instr = wattr(n, "instr");
          char *url = NULL;
          if (instr) rc = field_link(instr, strlen(instr), &url);
          if (!rc && url && !p->instr_depth) rc = open_link(p, n, url, NULL);
          nd_free(url);
          descend = 1;
        } else if (tag == W_dir || tag == W_bdo) {
          const char *v = wattr(n, "val");
          newsdoc_node *sp = nd_node_alloc(NEWSDOC_NODE_SPAN);
          if (!sp) return nd_oom("docx: span");
          sp->dir = (uint8_t)(v && !strcmp(v, "rtl") ? NEWSDOC_DIR_RTL : NEWSDOC_DIR_LTR);
          rc = push_container(p, n, sp);
          descend = 1;
        } else if (tag == W_ins || tag == W_moveTo || tag == W_smartTag ||
                   tag == W_customXml || tag == W_sdt || tag == W_sdtContent) {
          descend = 1;
        } else if (tag == W_bookmarkStart) {
          const char *bn = wattr(n, "name");
          if (bn && *bn && strcmp(bn, "_GoBack") && !p->bookmark && !(p->bookmark = nd_strdup(bn))) rc = nd_oom("docx: bookmark");
        }
        /* w:del, w:moveFrom, w:pPr, w:sdtPr, comments, proofing marks: skipped */
      } else if (ns == NS_MC && !strcmp(name, "AlternateContent")) {
        descend = 1;
      } else if (ns == NS_MC && !strcmp(name, "Choice")) {
        descend = 1;
      } else if (ns == NS_MC && !strcmp(name, "Fallback")) {
        /* used only when there is no Choice */
        int choice = 0;
        for (xnode *s = n->parent->children; s; s = s->next)
          if (is_el(s, NS_MC, "Choice")) choice = 1;
        descend = !choice;
      } else if (ns == NS_OTHER || ns == NS_W) {
        descend = 0;
      }
    }
    if (descend && n->children) {
      n = n->children;
      continue;
    }
    /* climb, closing the containers opened by the elements we leave */
    for (;;) {
      while (p->nstack > base_stack && p->stack[p->nstack - 1].xml == n) {
        p->cur = p->stack[--p->nstack].prev;
        merge_reset(p);
      }
      if (n == para) { n = NULL; break; }
      if (n->next) { n = n->next; break; }
      n = n->parent;
      if (n == para) { n = NULL; break; }
    }
  }
  /* close what fields left open */
  while (p->nstack > base_stack) p->cur = p->stack[--p->nstack].prev;
  for (size_t i = 0; i < p->nfields; i++) nd_buf_free(&p->fields[i].instr);
  p->nfields = 0;
  p->instr_depth = 0;
  merge_reset(p);
  return rc;
}

/* ---- blocks --------------------------------------------------------------------------------- */

enum { K_PARA, K_HEADING, K_TITLE, K_SUBTITLE, K_AUTHOR, K_DATE, K_ABSTRACT, K_QUOTE, K_CODE, K_LISTPARA, K_CAPTION };

typedef struct lframe {
  newsdoc_node *list, *item;
  long num_id;
  int ilvl;
} lframe;

typedef struct bctx {
  rd *r;
  const rels *rs;
  newsdoc_node *root;   /* BODY or NOTE */
  int in_note;
  int at_start;         /* metadata paragraphs still allowed */
  newsdoc_node **sections;
  size_t nsections, capsections;
  lframe *lists;
  size_t nlists, caplists;
  newsdoc_node *quote;  /* the open block quote */
  newsdoc_node *code;   /* the open code block */
  newsdoc_node *carry;  /* a paragraph whose mark was deleted */
  int first_para;       /* in a note: the first paragraph */
} bctx;

static newsdoc_node *flow(bctx *b) { return b->nsections ? b->sections[b->nsections - 1] : b->root; }

static void close_open(bctx *b, int lists) {
  if (lists) b->nlists = 0;
  b->quote = NULL;
  b->code = NULL;
}

static int append_block(bctx *b, newsdoc_node *parent, newsdoc_node *n) {
  int rc = count_node(b->r);
  if (!rc) rc = newsdoc_node_append_child(parent, n);
  if (rc) newsdoc_node_free(n);
  return rc;
}

/* Whether a paragraph has visible content (text, image, note). */
static int trim_inlines(newsdoc_node *para) {
  /* drop leading and trailing white space in plain text children */
  newsdoc_node *f = para->first;
  while (f && f->type == NEWSDOC_NODE_TEXT) {
    size_t i = 0;
    while (i < f->literal_len && (f->literal[i] == ' ' || f->literal[i] == '\t')) i++;
    if (i == f->literal_len) {
      newsdoc_node *nx = f->next;
      newsdoc_node_free(f);
      f = nx;
      continue;
    }
    if (i) {
      memmove(f->literal, f->literal + i, f->literal_len - i + 1);
      f->literal_len -= i;
    }
    break;
  }
  newsdoc_node *l = para->last;
  while (l && l->type == NEWSDOC_NODE_TEXT) {
    size_t n = l->literal_len;
    while (n && (l->literal[n - 1] == ' ' || l->literal[n - 1] == '\t')) n--;
    if (!n) {
      newsdoc_node *pv = l->prev;
      newsdoc_node_free(l);
      l = pv;
      continue;
    }
    l->literal[n] = 0;
    l->literal_len = n;
    break;
  }
  while (para->last && para->last->type == NEWSDOC_NODE_LINE_BREAK) newsdoc_node_free(para->last);
  while (para->first && para->first->type == NEWSDOC_NODE_LINE_BREAK) newsdoc_node_free(para->first);
  return para->first != NULL;
}

/* The text of n appended to out; 0 or NEWSDOC_ENOMEM. */
static int inline_text(newsdoc_node *n, nd_buf *out) {
  char *t = NULL;
  size_t tl = 0;
  int rc = newsdoc_node_text(n, &t, &tl);
  if (!rc && t) nd_buf_put(out, t, tl);
  newsdoc_free(t);
  if (!rc && out->failed) rc = nd_oom("docx: text");
  return rc;
}

static int set_meta_from(rd *r, const char *key, newsdoc_node *para, int add) {
  nd_buf t = ND_BUF_INIT;
  int rc = inline_text(para, &t);
  if (rc) {
    /* the error is set */
  } else if (t.failed) rc = nd_oom("docx: metadata");
  else if (t.len) {
    for (size_t i = 0; i < t.len; i++)
      if (t.data[i] == '\n') t.data[i] = ' ';
    if (add) rc = newsdoc_meta_add(r->doc, key, t.data, t.len);
    else if (!newsdoc_meta_get(r->doc, key)) rc = newsdoc_meta_set(r->doc, key, t.data, t.len);
  }
  nd_buf_free(&t);
  return rc;
}

typedef struct pinfo {
  long pstyle;
  int kind, level;
  int dir;           /* 1/2 */
  long num_id;
  int ilvl;
  long rel_indent;
  int mark_deleted;
} pinfo;

static void para_info(bctx *b, xnode *para, pinfo *pi) {
  rd *r = b->r;
  memset(pi, 0, sizeof *pi);
  pi->pstyle = -1;
  pi->num_id = -1;
  pi->ilvl = -1;
  int bidi = -1, outline = -1;
  long left = 0, hang = 0;
  int has_left = 0, has_hang = 0;
  xnode *ppr = child_w(para, W_pPr);
  for (xnode *c = ppr ? ppr->children : NULL; c; c = c->next) {
    if (is_w(c, W_pStyle)) pi->pstyle = style_find(r, wattr(c, "val"));
    else if (is_w(c, W_bidi)) bidi = onoff(c);
    else if (is_w(c, W_outlineLvl)) outline = (int)num_attr(c, "val", 9);
    else if (is_w(c, W_numPr)) {
      xnode *il = child_w(c, W_ilvl), *ni = child_w(c, W_numId);
      if (ni) pi->num_id = num_attr(ni, "val", 0);
      if (il) pi->ilvl = (int)num_attr(il, "val", 0);
    } else if (is_w(c, W_ind)) {
      const char *l = wattr(c, "left") ? "left" : wattr(c, "start") ? "start" : NULL;
      if (l) { left = num_attr(c, l, 0); has_left = 1; }
      if (wattr(c, "hanging")) { hang = num_attr(c, "hanging", 0); has_hang = 1; }
    } else if (is_w(c, W_rPr)) {
      for (xnode *d = c->children; d; d = d->next)
        if (is_w(d, W_del) || is_w(d, W_moveFrom)) pi->mark_deleted = 1;
    } else if (is_w(c, W_sectPr)) {
      if (child_w(c, W_bidi) && onoff(child_w(c, W_bidi))) r->sect_bidi = 1;
    }
  }
  long ps = pi->pstyle;
  if (ps < 0) ps = style_find(r, "Normal");
  if (bidi < 0 && ps >= 0) bidi = style_bidi(r, ps);
  pi->dir = bidi > 0 ? 2 : 1;
  /* w:numId 0 (or a number with no definition) on the paragraph itself: a
   * list paragraph without a marker, i.e. a continuation (as pandoc) */
  int bad_num = 0, bul, st;
  if (pi->num_id >= 0 && !num_level(r, pi->num_id, pi->ilvl < 0 ? 0 : pi->ilvl, &bul, &st)) bad_num = 1;
  if (pi->num_id < 0 && ps >= 0) {
    int sn = style_num_id(r, ps);
    if (sn >= 0) {
      pi->num_id = sn;
      if (pi->ilvl < 0) pi->ilvl = style_ilvl(r, ps);
    }
  }
  if (pi->ilvl < 0) pi->ilvl = 0;
  long sl = 0, sh = 0;
  if (ps >= 0) style_indent(r, ps, &sl, &sh);
  pi->rel_indent = ((has_left ? left : sl) - (has_hang ? hang : sh)) - (sl - sh);

  static const char *const TITLE[] = {"title", NULL}, *const SUBTITLE[] = {"subtitle", NULL},
                           *const AUTHOR[] = {"author", NULL}, *const DATE[] = {"date", NULL},
                           *const ABSTRACT[] = {"abstract", NULL},
                           *const QUOTE[] = {"quote", "intense quote", "block text", "block quote", "block quotation", NULL},
                           *const CODE[] = {"source code", NULL}, *const LISTP[] = {"list paragraph", "compact", NULL},
                           *const CAPTION[] = {"caption", "image caption", NULL};
  pi->kind = K_PARA;
  if (pi->pstyle >= 0) {
    int h = style_heading(r, pi->pstyle);
    if (h) {
      pi->kind = K_HEADING;
      pi->level = h;
    } else if (style_is(r, pi->pstyle, TITLE)) pi->kind = K_TITLE;
    else if (style_is(r, pi->pstyle, SUBTITLE)) pi->kind = K_SUBTITLE;
    else if (style_is(r, pi->pstyle, AUTHOR)) pi->kind = K_AUTHOR;
    else if (style_is(r, pi->pstyle, DATE)) pi->kind = K_DATE;
    else if (style_is(r, pi->pstyle, ABSTRACT)) pi->kind = K_ABSTRACT;
    else if (style_is(r, pi->pstyle, QUOTE)) pi->kind = K_QUOTE;
    else if (style_is(r, pi->pstyle, CODE)) pi->kind = K_CODE;
    else if (style_is(r, pi->pstyle, LISTP)) pi->kind = K_LISTPARA;
    else if (style_is(r, pi->pstyle, CAPTION)) pi->kind = K_CAPTION;
  }
  if (bad_num && pi->kind == K_PARA) pi->kind = K_LISTPARA;
  if (pi->kind == K_PARA || pi->kind == K_LISTPARA) {
    if (outline < 0 && pi->pstyle >= 0) outline = style_outline(r, pi->pstyle);
    if (outline >= 0 && outline <= 8) {
      pi->kind = K_HEADING;
      pi->level = outline + 1;
    }
  }
  if (pi->level > 6) pi->level = 6;
}

static int start_section(bctx *b, int level, newsdoc_node **out) {
  while (b->nsections && b->sections[b->nsections - 1]->level >= level) b->nsections--;
  newsdoc_node *s = nd_node_alloc(NEWSDOC_NODE_SECTION);
  if (!s) return nd_oom("docx: section");
  s->level = level;
  int rc = append_block(b, flow(b), s);
  if (rc) return rc;
  if (nd_grow(&b->sections, &b->capsections, b->nsections, sizeof *b->sections, 8, "docx: sections")) return NEWSDOC_ENOMEM;
  b->sections[b->nsections++] = s;
  *out = s;
  return 0;
}

static int list_item(bctx *b, const pinfo *pi, int bullet, int start, newsdoc_node **item_out) {
  int ilvl = pi->ilvl;
  while (b->nlists && b->lists[b->nlists - 1].ilvl > ilvl) b->nlists--;
  if (b->nlists) {
    lframe *top = &b->lists[b->nlists - 1];
    int same_type = (top->list->list_type == NEWSDOC_LIST_BULLET) == (bullet != 0);
    if (top->ilvl == ilvl && (top->num_id != pi->num_id || !same_type)) b->nlists--;
  }
  if (!b->nlists || b->lists[b->nlists - 1].ilvl < ilvl) {
    newsdoc_node *parent = b->nlists ? b->lists[b->nlists - 1].item : NULL;
    if (!parent) {
      b->quote = NULL;
      b->code = NULL;
      parent = flow(b);
    }
    newsdoc_node *l = nd_node_alloc(NEWSDOC_NODE_LIST);
    if (!l) return nd_oom("docx: list");
    l->list_type = (uint8_t)(bullet ? NEWSDOC_LIST_BULLET : NEWSDOC_LIST_ORDERED);
    l->start = bullet ? 1 : start;
    int rc = append_block(b, parent, l);
    if (rc) return rc;
    if ((rc = nd_check_depth(b->r->ctx, nd_node_depth(l), "nested lists"))) return rc;
    if (nd_grow(&b->lists, &b->caplists, b->nlists, sizeof *b->lists, 8, "docx: lists")) return NEWSDOC_ENOMEM;
    lframe *f = &b->lists[b->nlists++];
    f->list = l;
    f->item = NULL;
    f->num_id = pi->num_id;
    f->ilvl = ilvl;
  }
  lframe *top = &b->lists[b->nlists - 1];
  newsdoc_node *item = nd_node_alloc(NEWSDOC_NODE_ITEM);
  if (!item) return nd_oom("docx: list item");
  int rc = append_block(b, top->list, item);
  if (rc) return rc;
  top->item = item;
  *item_out = item;
  return 0;
}

static int do_paragraph(bctx *b, xnode *para) {
  rd *r = b->r;
  pinfo pi;
  para_info(b, para, &pi);
  newsdoc_node *pn = nd_node_alloc(NEWSDOC_NODE_PARAGRAPH);
  if (!pn) return nd_oom("docx: paragraph");
  pctx p;
  memset(&p, 0, sizeof p);
  p.r = r;
  p.rs = b->rs;
  p.in_note = b->in_note;
  p.pstyle = pi.pstyle;
  p.para_dir = pi.dir;
  p.cur = pn;
  int rc = 0;
  if (b->carry) {
    /* the previous paragraph's mark was deleted: it joins this one */
    while (b->carry->first) {
      newsdoc_node *c = b->carry->first;
      newsdoc_node_unlink(c);
      newsdoc_node_append_child(pn, c);
    }
    newsdoc_node_free(b->carry);
    b->carry = NULL;
    p.content = pn->first != NULL;
  }
  rc = para_inlines(&p, para);
  nd_free(p.stack);
  nd_free(p.fields);
  if (rc) {
    nd_free(p.bookmark);
    nd_node_free_tree(pn);
    return rc;
  }
  if (pi.mark_deleted) {
    b->carry = pn;
    nd_free(p.bookmark);
    return 0;
  }
  if (b->in_note && b->first_para) {
    b->first_para = 0;
  }
  int has = trim_inlines(pn);
  if (!has || (!p.content && pi.kind != K_CODE)) {
    nd_free(p.bookmark);
    nd_node_free_tree(pn);
    /* an empty paragraph drawn as a rule: a bottom border (what we write)
     * or a VML horizontal rule (o:hr, what pandoc writes) */
    xnode *bdr = child_w(child_w(para, W_pPr), W_pBdr);
    xnode *rect = find_desc(para, NS_V, "rect");
    const char *hr = rect ? attr_ns(rect, NS_O, "hr") : NULL;
    if ((bdr && child_w(bdr, W_bottom)) || (hr && (!strcmp(hr, "t") || !strcmp(hr, "true")))) {
      b->at_start = 0;
      close_open(b, 1);
      newsdoc_node *tb = nd_node_alloc(NEWSDOC_NODE_THEMATIC_BREAK);
      if (!tb) return nd_oom("docx: rule");
      return append_block(b, flow(b), tb);
    }
    return 0;
  }
  if (!b->in_note) {
    if (pi.dir == 2) r->rtl_paras++;
    else r->ltr_paras++;
  }
  pn->dir = (uint8_t)(pi.dir == 2 ? NEWSDOC_DIR_RTL : NEWSDOC_DIR_LTR);
  /* metadata paragraphs at the start */
  if (b->at_start && pi.kind >= K_TITLE && pi.kind <= K_ABSTRACT) {
    static const char *const KEYS[] = {NULL, NULL, NEWSDOC_META_TITLE, NEWSDOC_META_SUBTITLE, NEWSDOC_META_AUTHOR,
                                       NEWSDOC_META_DATE, NEWSDOC_META_DESCRIPTION};
    rc = set_meta_from(r, KEYS[pi.kind], pn, pi.kind == K_AUTHOR);
    nd_free(p.bookmark);
    nd_node_free_tree(pn);
    return rc;
  }
  b->at_start = 0;
  if (p.bookmark) {
    rc = nd_node_take_id(pn, p.bookmark);
    p.bookmark = NULL;
    if (rc) { nd_node_free_tree(pn); return rc; }
  }
  /* kept only where it differs from the document's (normalise_dirs) */
  if (p.lang && !p.lang_mixed && nd_utf8_valid(p.lang, strlen(p.lang)) && !(pn->lang = nd_strdup(p.lang))) {
    nd_node_free_tree(pn);
    return nd_oom("docx: language");
  }
  int bullet = 0, start = 1;
  if (pi.kind == K_HEADING && !b->in_note) {
    close_open(b, 1);
    newsdoc_node *sec = NULL;
    if ((rc = start_section(b, pi.level, &sec))) { nd_node_free_tree(pn); return rc; }
    pn->type = NEWSDOC_NODE_HEADING;
    return append_block(b, sec, pn);
  }
  if (pi.num_id > 0 && num_level(r, pi.num_id, pi.ilvl, &bullet, &start)) {
    newsdoc_node *item = NULL;
    if ((rc = list_item(b, &pi, bullet, start, &item))) { nd_node_free_tree(pn); return rc; }
    return append_block(b, item, pn);
  }
  if (pi.kind == K_LISTPARA && b->nlists && b->lists[b->nlists - 1].item) {
    return append_block(b, b->lists[b->nlists - 1].item, pn);
  }
  if (pi.kind == K_CODE) {
    nd_buf t = ND_BUF_INIT;
    rc = inline_text(pn, &t);
    nd_node_free_tree(pn);
    b->nlists = 0;
    b->quote = NULL;
    if (rc) { nd_buf_free(&t); return rc; }
    if (t.failed) { nd_buf_free(&t); return nd_oom("docx: code"); }
    if (b->code && b->code->parent == flow(b) && flow(b)->last == b->code) {
      rc = append_literal(b->code, "\n", 1);
      if (!rc && t.len) rc = append_literal(b->code, t.data, t.len);
    } else {
      newsdoc_node *cb = nd_node_alloc(NEWSDOC_NODE_CODE_BLOCK);
      if (!cb) rc = nd_oom("docx: code");
      else if ((rc = newsdoc_node_set_literal(cb, t.data ? t.data : "", t.len))) nd_node_free_tree(cb);
      else if (!(rc = append_block(b, flow(b), cb))) b->code = cb;
    }
    nd_buf_free(&t);
    return rc;
  }
  b->nlists = 0;
  b->code = NULL;
  /* a caption right after a paragraph that is only an image: a figure */
  newsdoc_node *prev = flow(b)->last;
  if (pi.kind == K_CAPTION && prev && prev->type == NEWSDOC_NODE_PARAGRAPH && prev->first &&
      prev->first == prev->last && prev->first->type == NEWSDOC_NODE_IMAGE) {
    newsdoc_node *fig = nd_node_alloc(NEWSDOC_NODE_FIGURE), *img = prev->first;
    if (!fig) { nd_node_free_tree(pn); return nd_oom("docx: figure"); }
    if (img->ext || prev->ext) {
      nd_node_ext *fe = nd_node_ext_get(fig);
      if (!fe) { nd_node_free_tree(fig); nd_node_free_tree(pn); return NEWSDOC_ENOMEM; }
      if (img->ext) { fe->url = img->ext->url; fe->title = img->ext->title; img->ext->url = img->ext->title = NULL; }
      if (prev->ext) { fe->id = prev->ext->id; prev->ext->id = NULL; }
    }
    fig->dir = prev->dir;
    fig->lang = prev->lang;
    prev->lang = NULL;
    if ((rc = newsdoc_node_insert_before(prev, fig))) {
      nd_node_free_tree(fig);
      nd_node_free_tree(pn);
      return rc;
    }
    newsdoc_node_free(prev);
    pn->type = NEWSDOC_NODE_CAPTION;
    b->quote = NULL;
    return append_block(b, fig, pn);
  }
  if (pi.kind == K_QUOTE || (pi.rel_indent > 0 && pi.kind != K_LISTPARA)) {
    if (!(b->quote && b->quote->parent == flow(b) && flow(b)->last == b->quote)) {
      newsdoc_node *q = nd_node_alloc(NEWSDOC_NODE_BLOCKQUOTE);
      if (!q) { nd_node_free_tree(pn); return nd_oom("docx: quote"); }
      if ((rc = append_block(b, flow(b), q))) { nd_node_free_tree(pn); return rc; }
      b->quote = q;
    }
    return append_block(b, b->quote, pn);
  }
  b->quote = NULL;
  return append_block(b, flow(b), pn);
}

/* The cells of a table; a cell's paragraphs (nested tables too) become its
 * inline content, separated by line breaks. */
static int do_table(bctx *b, xnode *tbl, newsdoc_node *parent) {
  rd *r = b->r;
  newsdoc_node *t = nd_node_alloc(NEWSDOC_NODE_TABLE);
  if (!t) return nd_oom("docx: table");
  xnode *tpr = child_w(tbl, W_tblPr);
  xnode *bv = child_w(tpr, W_bidiVisual);
  t->dir = (uint8_t)(bv && onoff(bv) ? NEWSDOC_DIR_RTL : NEWSDOC_DIR_LTR);
  /* The table style's first-row formatting (w:tblLook firstRow) makes the
   * first row a header row, as Word shows it and pandoc reads it. */
  int first_row_header = 0;
  xnode *look = child_w(tpr, W_tblLook);
  if (look) {
    const char *fr = wattr(look, "firstRow"), *v = wattr(look, "val");
    if (fr) first_row_header = !strcmp(fr, "1") || !strcmp(fr, "true") || !strcmp(fr, "on");
    else if (v) first_row_header = (strtoul(v, NULL, 16) & 0x0020) != 0;
  }
  int rc = append_block(b, parent, t);
  if (rc) return rc;
  newsdoc_node **vm = NULL; /* per grid column: the cell a vertical merge continues */
  size_t capvm = 0;
  /* rows, through sdt/customXml wrappers */
  for (xnode *rn = tbl->children; rn && !rc;
       rn = walk_next(rn, tbl, is_w(rn, W_sdt) || is_w(rn, W_sdtContent) || is_w(rn, W_customXml) || is_w(rn, W_ins))) {
    if (!is_w(rn, W_tr)) continue;
    xnode *trpr = child_w(rn, W_trPr);
    if (trpr) {
      int deleted = 0;
      for (xnode *c = trpr->children; c; c = c->next)
        if (is_w(c, W_del)) deleted = 1;
      if (deleted) continue;
    }
    newsdoc_node *row = nd_node_alloc(NEWSDOC_NODE_TABLE_ROW);
    if (!row) { rc = nd_oom("docx: table"); break; }
    if (trpr && child_w(trpr, W_tblHeader) && onoff(child_w(trpr, W_tblHeader))) row->flags |= ND_NODE_HEADER;
    if (first_row_header && !t->first) row->flags |= ND_NODE_HEADER;
    if ((rc = append_block(b, t, row))) break;
    size_t col = 0;
    xnode *gb = trpr ? child_w(trpr, W_gridBefore) : NULL;
    if (gb) {
      long v = num_attr(gb, "val", 0);
      if (v > 0) col = (size_t)(v > 1000 ? 1000 : v);
    }
    for (xnode *cn = rn->children; cn && !rc; cn = walk_next(cn, rn, is_w(cn, W_sdt) || is_w(cn, W_sdtContent) || is_w(cn, W_customXml))) {
      if (!is_w(cn, W_tc)) continue;
      xnode *tcpr = child_w(cn, W_tcPr);
      long span = 1;
      int vmerge = 0; /* 1 restart, 2 continue */
      if (tcpr) {
        xnode *gs = child_w(tcpr, W_gridSpan), *vmn = child_w(tcpr, W_vMerge);
        if (gs) span = num_attr(gs, "val", 1);
        if (vmn) {
          const char *v = wattr(vmn, "val");
          vmerge = v && !strcmp(v, "restart") ? 1 : 2;
        }
      }
      if (span < 1) span = 1;
      if (span > 1000) span = 1000;
      if (col + (size_t)span > 16384) {
        rc = newsdoc_error_set(NEWSDOC_ELIMIT_COUNT, "docx: %s: a table wider than 16384 columns", r->main_part);
        break;
      }
      if (col + (size_t)span > capvm) {
        size_t nc = capvm ? capvm : 16;
        while (nc < col + (size_t)span) nc *= 2;
        newsdoc_node **nv = nd_realloc(vm, nc * sizeof *nv);
        if (!nv) { rc = nd_oom("docx: table"); break; }
        memset(nv + capvm, 0, (nc - capvm) * sizeof *nv);
        vm = nv;
        capvm = nc;
      }
      if (vmerge == 2 && vm[col]) {
        if (vm[col]->rowspan < 1000) vm[col]->rowspan++;
        col += (size_t)span;
        continue;
      }
      newsdoc_node *cell = nd_node_alloc(NEWSDOC_NODE_TABLE_CELL);
      if (!cell) { rc = nd_oom("docx: table"); break; }
      cell->colspan = (int)span;
      if ((rc = append_block(b, row, cell))) break;
      for (long k = 0; k < span; k++) vm[col + (size_t)k] = vmerge == 1 ? cell : NULL;
      col += (size_t)span;
      /* the paragraphs of the cell, nested tables included */
      int first = 1, cdir = 0;
      for (xnode *pn = cn->children; pn && !rc; ) {
        int descend = 0;
        if (is_w(pn, W_p)) {
          pinfo pi;
          para_info(b, pn, &pi);
          if (!cdir) cdir = pi.dir;
          newsdoc_node *br = NULL;
          if (!first) {
            br = nd_node_alloc(NEWSDOC_NODE_LINE_BREAK);
            if (!br) { rc = nd_oom("docx: table"); break; }
            if ((rc = newsdoc_node_append_child(cell, br))) { nd_node_free_tree(br); break; }
          }
          pctx p;
          memset(&p, 0, sizeof p);
          p.r = r;
          p.rs = b->rs;
          p.in_note = b->in_note;
          p.pstyle = pi.pstyle;
          p.para_dir = pi.dir;
          p.cur = cell;
          rc = para_inlines(&p, pn);
          nd_free(p.stack);
          nd_free(p.fields);
          nd_free(p.bookmark);
          /* a paragraph that added nothing takes its separating break back */
          if (br && cell->last == br) newsdoc_node_free(br);
          else if (cell->first) first = 0;
        } else if (is_w(pn, W_tbl) || is_w(pn, W_tr) || is_w(pn, W_tc) || is_w(pn, W_sdt) || is_w(pn, W_sdtContent) ||
                   is_w(pn, W_customXml) || is_w(pn, W_ins) || is_w(pn, W_moveTo)) {
          descend = 1;
        }
        pn = walk_next(pn, cn, descend);
      }
      trim_inlines(cell);
      if (cdir) cell->dir = (uint8_t)(cdir == 2 ? NEWSDOC_DIR_RTL : NEWSDOC_DIR_LTR);
    }
  }
  nd_free(vm);
  return rc;
}

/* Reads the blocks of a body or a note into b->root. */
static int do_blocks(bctx *b, xnode *container) {
  rd *r = b->r;
  int rc = 0;
  unsigned counter = 0;
  for (xnode *n = container->children; n && !rc;) {
    int descend = 0;
    if ((++counter & 1023) == 0 && (rc = newsdoc_ctx_check(r->ctx))) break;
    if (n->type == XN_ELEMENT) {
      int ns = n->ns;
      const char *name = n->name;
      int tag = n->tag;
      if (ns == NS_W) {
        if (tag == W_p) rc = do_paragraph(b, n);
        else if (tag == W_tbl) {
          close_open(b, 1);
          b->at_start = 0;
          rc = do_table(b, n, flow(b));
        } else if (tag == W_sdt || tag == W_sdtContent || tag == W_customXml ||
                   tag == W_ins || tag == W_moveTo || tag == W_smartTag)
          descend = 1;
        else if (tag == W_altChunk)
          newsdoc_ctx_warn(r->ctx, "docx: w:altChunk (imported content) is not loaded");
        else if (tag == W_sectPr) {
          if (child_w(n, W_bidi) && onoff(child_w(n, W_bidi))) r->sect_bidi = 1;
        }
      } else if (ns == NS_MC && !strcmp(name, "AlternateContent")) {
        descend = 1;
      } else if (ns == NS_MC && !strcmp(name, "Choice")) {
        descend = 1;
      } else if (ns == NS_MC && !strcmp(name, "Fallback")) {
        int choice = 0;
        for (xnode *s = n->parent->children; s; s = s->next)
          if (is_el(s, NS_MC, "Choice")) choice = 1;
        descend = !choice;
      }
    }
    n = walk_next(n, container, descend);
  }
  if (!rc && b->carry) {
    /* a deleted mark on the last paragraph: keep its text as a paragraph */
    newsdoc_node *c = b->carry;
    b->carry = NULL;
    if (trim_inlines(c)) rc = append_block(b, flow(b), c);
    else newsdoc_node_free(c);
  }
  return rc;
}

/* ---- core properties ---------------------------------------------------------------------------- */

/* The text below n (libxml2's xmlNodeGetContent), white space collapsed. */
static int text_of(xnode *n, nd_buf *out) {
  int sp = 0;
  for (xnode *c = n->children; c; c = walk_next(c, n, 1)) {
    if (c->type != XN_TEXT && c->type != XN_CDATA) continue;
    for (const char *s = c->u.text; *s; s++) {
      if (*s == ' ' || *s == '\n' || *s == '\r' || *s == '\t') {
        sp = out->len > 0;
        continue;
      }
      if (sp) nd_buf_putc(out, ' ');
      sp = 0;
      nd_buf_putc(out, *s);
    }
  }
  return out->failed ? nd_oom("docx: core properties") : 0;
}

static int read_core(rd *r, const char *part, char **lang) {
  xnode *d;
  int rc = parse_part(r, part, &d);
  if (rc) return rc;
  xnode *root = d;
  for (xnode *c = root ? root->children : NULL; c && !rc; c = c->next) {
    if (c->type != XN_ELEMENT) continue;
    int ns = c->ns;
    const char *name = (const char *)c->name;
    nd_buf t = ND_BUF_INIT;
    if ((rc = text_of(c, &t))) { nd_buf_free(&t); break; }
    if (!t.len) { nd_buf_free(&t); continue; }
    if (!nd_utf8_valid(t.data, t.len)) { nd_buf_free(&t); continue; }
    if (ns == NS_DC && !strcmp(name, "title")) {
      if (!newsdoc_meta_get(r->doc, NEWSDOC_META_TITLE)) rc = newsdoc_meta_set(r->doc, NEWSDOC_META_TITLE, t.data, t.len);
    } else if (ns == NS_DC && !strcmp(name, "creator")) {
      if (!r->creator && !(r->creator = nd_strndup(t.data, t.len))) rc = nd_oom("docx: core properties");
    } else if (ns == NS_DC && !strcmp(name, "description")) {
      if (!newsdoc_meta_get(r->doc, NEWSDOC_META_DESCRIPTION))
        rc = newsdoc_meta_set(r->doc, NEWSDOC_META_DESCRIPTION, t.data, t.len);
    } else if (ns == NS_DC && !strcmp(name, "identifier")) {
      rc = newsdoc_meta_set(r->doc, NEWSDOC_META_IDENTIFIER, t.data, t.len);
    } else if (ns == NS_DC && !strcmp(name, "language")) {
      if (!*lang && !(*lang = nd_strndup(t.data, t.len))) rc = nd_oom("docx: core properties");
    } else if (ns == NS_CP && !strcmp(name, "keywords")) {
      size_t s = 0;
      for (size_t i = 0; i <= t.len && !rc; i++) {
        if (i < t.len && t.data[i] != ',' && t.data[i] != ';') continue;
        size_t a = s, e = i;
        while (a < e && t.data[a] == ' ') a++;
        while (e > a && t.data[e - 1] == ' ') e--;
        if (e > a) rc = newsdoc_meta_add(r->doc, NEWSDOC_META_KEYWORD, t.data + a, e - a);
        s = i + 1;
      }
    }
    nd_buf_free(&t);
  }
  return rc;
}

/* Authors and byline.  Author paragraphs are the authors; but one Author
 * paragraph that is not dc:creator is the credit line as written (what our
 * writer does with a byline: the paragraph shows it, dc:creator lists the
 * authors).  dc:creator ("A; B") gives the authors when no paragraph does. */
static int add_creators(rd *r) {
  const char *t = r->creator;
  size_t len = strlen(t), s = 0;
  int rc = 0;
  for (size_t i = 0; i <= len && !rc; i++) {
    if (i < len && t[i] != ';') continue;
    size_t a = s, e = i;
    while (a < e && t[a] == ' ') a++;
    while (e > a && t[e - 1] == ' ') e--;
    if (e > a) rc = newsdoc_meta_add(r->doc, NEWSDOC_META_AUTHOR, t + a, e - a);
    s = i + 1;
  }
  return rc;
}

static int authors(rd *r) {
  size_t na = newsdoc_meta_count(r->doc, NEWSDOC_META_AUTHOR);
  if (!r->creator || !*r->creator) return 0;
  if (!na) return add_creators(r);
  if (na == 1) {
    const char *a = newsdoc_meta_get(r->doc, NEWSDOC_META_AUTHOR);
    if (strcmp(a, r->creator)) {
      char *byline = nd_strdup(a);
      if (!byline) return nd_oom("docx: byline");
      newsdoc_meta_remove(r->doc, NEWSDOC_META_AUTHOR);
      int rc = newsdoc_meta_set(r->doc, NEWSDOC_META_BYLINE, byline, strlen(byline));
      nd_free(byline);
      return rc ? rc : add_creators(r);
    }
  }
  return 0;
}

/* Metadata in one order whatever part it came from (title paragraph or
 * core.xml), so that reading what we wrote gives the same model. */
static int meta_rank(const char *k) {
  static const char *const ORDER[] = {NEWSDOC_META_TITLE, NEWSDOC_META_SUBTITLE, NEWSDOC_META_BYLINE,
                                      NEWSDOC_META_AUTHOR, NEWSDOC_META_DATE, NEWSDOC_META_DESCRIPTION,
                                      NEWSDOC_META_KEYWORD, NEWSDOC_META_IDENTIFIER, NEWSDOC_META_DIR,
                                      NEWSDOC_META_LANG, NULL};
  for (int i = 0; ORDER[i]; i++)
    if (!strcmp(k, ORDER[i])) return i;
  return 100;
}

static void sort_meta(newsdoc_doc *d) {
  for (size_t i = 1; i < d->nmeta; i++) {
    nd_meta_entry e = d->meta[i];
    int r = meta_rank(e.key);
    size_t j = i;
    while (j > 0 && meta_rank(d->meta[j - 1].key) > r) {
      d->meta[j] = d->meta[j - 1];
      j--;
    }
    d->meta[j] = e;
  }
}

/* ---- direction clean-up ------------------------------------------------------------------------------ */

/* Blocks keep their direction only where it differs from their parent's. */
/* Languages: the same language as the parent's (ar-SA under ar) is not
 * repeated. */
static int same_language(const char *a, const char *b) {
  if (!a || !b) return 0;
  size_t la = strcspn(a, "-_"), lb = strcspn(b, "-_");
  return la == lb && !strncasecmp(a, b, la);
}

static void normalise_dirs(newsdoc_doc *doc) {
  newsdoc_node *root = doc->root;
  for (newsdoc_node *n = root->first; n;) {
    if (n->dir && newsdoc_node_is_block((newsdoc_node_type)n->type)) {
      newsdoc_dir pd = newsdoc_node_effective_dir(n->parent, doc);
      if (pd == NEWSDOC_DIR_UNSET) pd = NEWSDOC_DIR_LTR;
      if (pd == n->dir) n->dir = NEWSDOC_DIR_UNSET;
    }
    if (n->lang && newsdoc_node_is_block((newsdoc_node_type)n->type)) {
      const char *pl = newsdoc_node_effective_lang(n->parent, doc);
      if (pl && same_language(pl, n->lang)) {
        nd_free(n->lang);
        n->lang = NULL;
      }
    }
    if (n->first) { n = n->first; continue; }
    while (n && n != root && !n->next) n = n->parent;
    if (!n || n == root) break;
    n = n->next;
  }
}

/* ---- the package ---------------------------------------------------------------------------------------- */

static void rd_free(rd *r) {
  rels_free(&r->doc_rels);
  rels_free(&r->fn_rels);
  rels_free(&r->en_rels);
  for (size_t i = 0; i < r->nstyles; i++) {
    nd_free(r->styles[i].id);
    nd_free(r->styles[i].name);
    nd_free(r->styles[i].based);
  }
  nd_free(r->styles);
  for (size_t i = 0; i < r->nabs; i++) nd_free(r->abs[i].style_link);
  nd_free(r->abs);
  nd_free(r->nums);
  nd_free(r->footnotes);
  nd_free(r->endnotes);
  nd_free(r->pending);
  for (size_t i = 0; i < r->nmedia; i++) {
    nd_free(r->media[i].part);
    nd_free(r->media[i].name);
  }
  nd_free(r->media);
  nd_free(r->main_part);
  nd_free(r->creator);
  nd_xtree_free(&r->xt);
  nd_zip_close(r->zip);
}

static int optional_part(rd *r, const rels *rs, const char *type, xnode **out, char **name_out) {
  *out = NULL;
  if (name_out) *name_out = NULL;
  const rel *e = rel_by_type(rs, type);
  if (!e) return 0;
  char *name = NULL;
  int rc = resolve_target(rs->base, e->target, &name);
  if (rc) return rc;
  if (!name || nd_zip_find(r->zip, name) < 0) {
    nd_free(name);
    return 0;
  }
  rc = parse_part(r, name, out);
  if (name_out && !rc) *name_out = name;
  else nd_free(name);
  return rc;
}

int nd_docx_read(newsdoc_doc **out, const char *data, size_t len, newsdoc_ctx *ctx, void *ud) {
  (void)ud;
  (void)doc_lang_default;
  *out = NULL;
  rd r;
  memset(&r, 0, sizeof r);
  r.ctx = ctx;
  r.chain_max = newsdoc_ctx_limit(ctx, NEWSDOC_LIMIT_STYLE_CHAIN);
  r.max_nodes = newsdoc_ctx_limit(ctx, NEWSDOC_LIMIT_NODES);
  char *lang = NULL, *lang_val = NULL, *lang_bidi = NULL;
  int rc = nd_zip_open(&r.zip, data, len, ctx);
  if (rc) return rc;
  if ((rc = newsdoc_doc_new(&r.doc))) goto done;

  /* the main part, through the package relationships */
  rels pkg;
  if ((rc = load_rels(&r, "", &pkg))) { rels_free(&pkg); goto done; }
  const rel *od = rel_by_type(&pkg, "officeDocument");
  if (od && (rc = resolve_target("", od->target, &r.main_part))) { rels_free(&pkg); goto done; }
  const rel *cp = rel_by_type(&pkg, "core-properties");
  if (!cp) cp = rel_by_type(&pkg, "metadata/core-properties");
  char *core = NULL;
  if (cp && (rc = resolve_target("", cp->target, &core))) { rels_free(&pkg); goto done; }
  rels_free(&pkg);
  if (!r.main_part || nd_zip_find(r.zip, r.main_part) < 0) {
    nd_free(r.main_part);
    r.main_part = nd_strdup("word/document.xml");
    if (!r.main_part) { nd_free(core); rc = nd_oom("docx"); goto done; }
    if (nd_zip_find(r.zip, r.main_part) < 0) {
      nd_free(core);
      rc = newsdoc_error_set(NEWSDOC_EMALFORMED, "docx: no main document part (word/document.xml) in the package");
      goto done;
    }
  }
  if ((rc = load_rels(&r, r.main_part, &r.doc_rels))) { nd_free(core); goto done; }

  xnode *sd, *nd, *fd, *ed, *setd;
  char *fname = NULL, *ename = NULL;
  if ((rc = optional_part(&r, &r.doc_rels, "styles", &sd, NULL))) { nd_free(core); goto done; }
  if (sd && (rc = load_styles(&r, sd, &lang_val, &lang_bidi))) { nd_free(core); goto done; }
  if ((rc = optional_part(&r, &r.doc_rels, "numbering", &nd, NULL))) { nd_free(core); goto done; }
  if (nd && (rc = load_numbering(&r, nd))) { nd_free(core); goto done; }
  if ((rc = optional_part(&r, &r.doc_rels, "footnotes", &fd, &fname))) { nd_free(core); goto done; }
  if (fd && (rc = load_notes(fd, W_footnote, &r.footnotes, &r.nfoot))) { nd_free(core); nd_free(fname); goto done; }
  if (fname) { rc = load_rels(&r, fname, &r.fn_rels); nd_free(fname); if (rc) { nd_free(core); goto done; } }
  if ((rc = optional_part(&r, &r.doc_rels, "endnotes", &ed, &ename))) { nd_free(core); goto done; }
  if (ed && (rc = load_notes(ed, W_endnote, &r.endnotes, &r.nend))) { nd_free(core); nd_free(ename); goto done; }
  if (ename) { rc = load_rels(&r, ename, &r.en_rels); nd_free(ename); if (rc) { nd_free(core); goto done; } }
  if ((rc = optional_part(&r, &r.doc_rels, "settings", &setd, NULL))) { nd_free(core); goto done; }
  if (setd) {
    xnode *root = setd;
    if (child_w(root, W_attachedTemplate))
      newsdoc_ctx_warn(ctx, "docx: the attached template is not loaded");
  }

  xnode *dd;
  if ((rc = parse_part(&r, r.main_part, &dd))) { nd_free(core); goto done; }
  xnode *droot = dd;
  if (!is_w(droot, W_document)) {
    nd_free(core);
    rc = newsdoc_error_set(NEWSDOC_EMALFORMED, "docx: %s: the root element is not w:document", r.main_part);
    goto done;
  }
  xnode *body = child_w(droot, W_body);
  if (!body) {
    nd_free(core);
    rc = newsdoc_error_set(NEWSDOC_EMALFORMED, "docx: %s: no w:body", r.main_part);
    goto done;
  }
  bctx b;
  memset(&b, 0, sizeof b);
  b.r = &r;
  b.rs = &r.doc_rels;
  b.root = r.doc->root;
  b.at_start = 1;
  rc = do_blocks(&b, body);
  nd_free(b.sections);
  nd_free(b.lists);
  if (b.carry) newsdoc_node_free(b.carry);
  if (rc) { nd_free(core); goto done; }

  /* notes, after the body: their references never nest */
  for (size_t i = 0; i < r.npending && !rc; i++) {
    bctx nb;
    memset(&nb, 0, sizeof nb);
    nb.r = &r;
    nb.rs = r.pending[i].endnote ? &r.en_rels : &r.fn_rels;
    nb.root = r.pending[i].note;
    nb.in_note = 1;
    nb.first_para = 1;
    rc = do_blocks(&nb, r.pending[i].xml);
    nd_free(nb.sections);
    nd_free(nb.lists);
    if (nb.carry) newsdoc_node_free(nb.carry);
  }
  if (rc) { nd_free(core); goto done; }

  if (core && nd_zip_find(r.zip, core) >= 0) rc = read_core(&r, core, &lang);
  nd_free(core);
  if (rc) goto done;

  if ((rc = authors(&r))) goto done;

  /* the document's direction and language */
  int rtl = r.rtl_paras > r.ltr_paras || (r.rtl_paras == r.ltr_paras && r.sect_bidi);
  if ((rc = newsdoc_doc_set_dir(r.doc, rtl ? NEWSDOC_DIR_RTL : NEWSDOC_DIR_LTR))) goto done;
  const char *l = lang ? lang : rtl ? lang_bidi : lang_val;
  {
    /* Word's and LibreOffice's defaults name the installation's languages
     * (w:bidi="ar-SA" in a Hebrew letter, dc:language en-US on Hebrew
     * text): when the letters contradict the direction or the
     * right-to-left language, the letters win; with no language, a guess. */
    char *all = NULL;
    size_t alen = 0;
    if ((rc = newsdoc_node_text(r.doc->root, &all, &alen))) goto done;
    if (all) {
      const char *g = nd_guess_lang(all, alen);
      size_t lp = l ? strcspn(l, "-_") : 0, gp = g ? strlen(g) : 0;
      if (g && (!l || nd_lang_is_rtl(l) != nd_lang_is_rtl(g) ||
                (nd_lang_is_rtl(l) && (lp != gp || strncasecmp(l, g, lp)))))
        l = g;
    }
    newsdoc_free(all);
  }
  if (l && *l && nd_utf8_valid(l, strlen(l)) && (rc = newsdoc_meta_set(r.doc, NEWSDOC_META_LANG, l, strlen(l)))) goto done;
  normalise_dirs(r.doc);
  sort_meta(r.doc);
  *out = r.doc;
  r.doc = NULL;

done:
  nd_free(lang);
  nd_free(lang_val);
  nd_free(lang_bidi);
  newsdoc_doc_free(r.doc);
  rd_free(&r);
  return rc;
}
