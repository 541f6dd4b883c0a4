/* opf_read.c - reading container.xml, the package document (OPF), nav.xhtml
 * and the NCX with libxml2.  Every XML part is parsed without network,
 * entity substitution or DTD loading; text is gathered from text nodes
 * only (entity references are never expanded).  Trees are walked with
 * parent links, never by recursion. */
#include <limits.h>
#include <stdio.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "epub.h"

/* ---- small helpers ---------------------------------------------------------- */

void nd_epub_pkg_free(nd_epub_pkg *pkg) {
  if (!pkg) return;
  for (size_t i = 0; i < pkg->nitems; i++) {
    nd_free(pkg->items[i].id);
    nd_free(pkg->items[i].href);
    nd_free(pkg->items[i].media_type);
    nd_free(pkg->items[i].properties);
  }
  nd_free(pkg->items);
  nd_free(pkg->spine);
  nd_free(pkg->ppd);
  nd_free(pkg->ncx_id);
  for (size_t i = 0; i < pkg->ntoc; i++) {
    nd_free(pkg->toc[i].href);
    nd_free(pkg->toc[i].label);
  }
  nd_free(pkg->toc);
  memset(pkg, 0, sizeof *pkg);
}

static int grow(void **arr, size_t *cap, size_t n, size_t elem) {
  if (n < *cap) return 0;
  size_t nc = *cap ? *cap * 2 : 16;
  if (nc > SIZE_MAX / elem) return nd_oom("epub");
  void *p = nd_realloc(*arr, nc * elem);
  if (!p) return nd_oom("epub");
  *arr = p;
  *cap = nc;
  return 0;
}

static int is_ws(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

void nd_epub_collapse_ws(char *s) {
  if (!s) return;
  size_t o = 0;
  int space = 0;
  for (size_t i = 0; s[i]; i++) {
    if (is_ws(s[i])) {
      space = 1;
      continue;
    }
    if (space && o) s[o++] = ' ';
    space = 0;
    s[o++] = s[i];
  }
  s[o] = 0;
}

static void trim(char *s) {
  size_t n = strlen(s), a = 0;
  while (n && is_ws(s[n - 1])) n--;
  while (a < n && is_ws(s[a])) a++;
  memmove(s, s + a, n - a);
  s[n - a] = 0;
}

int nd_epub_attr_scan(const char *data, size_t len, unsigned long long max, size_t *line_out) {
  /* Text is passed over with memchr; the line of an offending tag is
   * counted only when there is one. */
  size_t i = 0;
  while (i < len) {
    const char *lt = memchr(data + i, '<', len - i);
    if (!lt) break;
    i = (size_t)(lt - data);
    /* comments, CDATA, processing instructions, declarations: skipped */
    static const struct {
      const char *open, *close;
    } skip[] = {{"<!--", "-->"}, {"<![CDATA[", "]]>"}, {"<?", "?>"}};
    int skipped = 0;
    for (size_t k = 0; k < 3 && !skipped; k++) {
      size_t ol = strlen(skip[k].open), cl = strlen(skip[k].close);
      if (len - i < ol || memcmp(data + i, skip[k].open, ol)) continue;
      i += ol;
      while (i < len && !(len - i >= cl && !memcmp(data + i, skip[k].close, cl))) i++;
      i += cl;
      skipped = 1;
    }
    if (skipped) continue;
    if (i + 1 < len && data[i + 1] == '!') { /* <!DOCTYPE ...[ ... ]> */
      int depth = 0;
      for (i += 2; i < len; i++) {
        if (data[i] == '[') depth++;
        else if (data[i] == ']' && depth) depth--;
        else if (data[i] == '>' && !depth) break;
      }
      i++;
      continue;
    }
    /* a tag: count the '=' outside quoted values */
    unsigned long long n = 0;
    size_t tag_start = i;
    for (i++; i < len && data[i] != '>'; i++) {
      if (data[i] == '=') n++;
      else if (data[i] == '"' || data[i] == '\'') {
        const char *q = memchr(data + i + 1, data[i], len - i - 1);
        if (!q) {
          i = len;
          break;
        }
        i = (size_t)(q - data);
      }
    }
    if (n > max) {
      if (line_out) {
        size_t line = 1;
        for (size_t k = 0; k < tag_start; k++) line += data[k] == '\n';
        *line_out = line;
      }
      return 1;
    }
    i++;
  }
  return 0;
}

int nd_epub_xml_parse(xmlDoc **out, const char *data, size_t len, const char *part, newsdoc_ctx *ctx) {
  *out = NULL;
  if (len > INT_MAX) return newsdoc_error_set(NEWSDOC_ELIMIT_SIZE, "epub: %s: too large to parse", part);
  /* libxml2 checks attribute names for duplicates pairwise: refuse an
   * element with more than max-attributes before it gets to see it. */
  unsigned long long max_attrs = newsdoc_ctx_limit(ctx, NEWSDOC_LIMIT_ATTRIBUTES);
  size_t at_line = 0;
  if (nd_epub_attr_scan(data, len, max_attrs, &at_line))
    return newsdoc_error_set(NEWSDOC_ELIMIT_COUNT, "epub: %s: an element at line %zu has more than max-attributes (%llu)",
                             part, at_line, max_attrs);
  xmlParserCtxtPtr p = xmlNewParserCtxt();
  if (!p) return nd_oom("epub: XML parser");
  xmlDocPtr d = xmlCtxtReadMemory(p, data, (int)len, part, NULL,
                                  XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA);
  if (!d || !p->wellFormed || !xmlDocGetRootElement(d)) {
    const xmlError *e = xmlCtxtGetLastError(p);
    char msg[256];
    snprintf(msg, sizeof msg, "%s", e && e->message ? e->message : "no root element");
    size_t ml = strlen(msg);
    while (ml && (msg[ml - 1] == '\n' || msg[ml - 1] == ' ')) msg[--ml] = 0; /* libxml2 ends with a newline */
    int rc = newsdoc_error_set(NEWSDOC_EMALFORMED, "epub: %s is not well-formed XML (line %d): %s", part,
                               e ? e->line : 0, msg);
    if (d) xmlFreeDoc(d);
    xmlFreeParserCtxt(p);
    return rc;
  }
  xmlFreeParserCtxt(p);
  *out = d;
  return 0;
}

/* The next node in document order below `top` (NULL at the end). */
static xmlNode *walk_next(xmlNode *n, const xmlNode *top, int descend) {
  /* top is only compared.  Only elements are entered: the children of an
   * entity reference belong to the entity's declaration, and their parent
   * links lead out of the tree. */
  if (descend && n->children && n->type == XML_ELEMENT_NODE) return n->children;
  while (n && n != top) {
    if (n->next) return n->next;
    n = n->parent;
  }
  return NULL;
}

static int name_is(const xmlNode *n, const char *local) {
  return n && n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, local);
}

static int ns_is(const xmlNode *n, const char *ns) { return n->ns && n->ns->href && !strcmp((const char *)n->ns->href, ns); }

/* An attribute by local name (any or no namespace); borrowed text of its
 * first text child, or NULL. */
static const char *attr(const xmlNode *n, const char *local) {
  for (const xmlAttr *a = n->properties; a; a = a->next)
    if (!strcmp((const char *)a->name, local)) {
      if (a->children && a->children->type == XML_TEXT_NODE && a->children->content)
        return (const char *)a->children->content;
      return "";
    }
  return NULL;
}

/* An attribute in a given namespace. */
static const char *attr_ns(const xmlNode *n, const char *local, const char *ns) {
  for (const xmlAttr *a = n->properties; a; a = a->next)
    if (!strcmp((const char *)a->name, local) && a->ns && a->ns->href && !strcmp((const char *)a->ns->href, ns)) {
      if (a->children && a->children->type == XML_TEXT_NODE && a->children->content)
        return (const char *)a->children->content;
      return "";
    }
  return NULL;
}

/* The text of an element: its descendant text nodes in order (entity
 * references are skipped, never expanded).  Caller frees; NULL on OOM. */
static char *text_of(const xmlNode *el) {
  nd_buf b = ND_BUF_INIT;
  const xmlNode *top = el;
  for (xmlNode *n = el->children; n; n = walk_next(n, top, n->type != XML_ENTITY_REF_NODE))
    if ((n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) && n->content)
      nd_buf_puts(&b, (const char *)n->content);
  return nd_buf_detach(&b, NULL);
}

/* Normalise to NFC; returns an allocated string or NULL (ENOMEM). */
static char *nfc_copy(const char *s) {
  nd_buf b = ND_BUF_INIT;
  if (nd_nfc(&b, s, strlen(s))) {
    nd_buf_free(&b);
    return NULL;
  }
  return nd_buf_detach(&b, NULL);
}

/* ---- container.xml ------------------------------------------------------------ */

int nd_epub_container_parse(const char *data, size_t len, char **path_out, newsdoc_ctx *ctx) {
  *path_out = NULL;
  xmlDoc *d;
  int rc = nd_epub_xml_parse(&d, data, len, "META-INF/container.xml", ctx);
  if (rc) return rc;
  xmlNode *root = xmlDocGetRootElement(d);
  const char *best = NULL;
  if (name_is(root, "container")) {
    for (xmlNode *n = root; n; n = walk_next(n, root, 1)) {
      if (!name_is(n, "rootfile")) continue;
      const char *fp = attr(n, "full-path"), *mt = attr(n, "media-type");
      if (!fp || !*fp) continue;
      if (mt && !strcmp(mt, "application/oebps-package+xml")) {
        best = fp;
        break;
      }
      if (!best) best = fp;
    }
  }
  if (!best) {
    xmlFreeDoc(d);
    return newsdoc_error_set(NEWSDOC_EMALFORMED, "epub: META-INF/container.xml names no rootfile full-path");
  }
  *path_out = nd_strdup(best);
  xmlFreeDoc(d);
  return *path_out ? 0 : nd_oom("epub: container.xml");
}

/* ---- the package document --------------------------------------------------- */

typedef struct refine {
  const char *id; /* without '#' */
  const char *property;
  const xmlNode *node;
} refine;

static const char *refined(const refine *r, size_t nr, const char *id, const char *property, const xmlNode **node) {
  if (!id) return NULL;
  for (size_t i = 0; i < nr; i++)
    if (!strcmp(r[i].id, id) && !strcmp(r[i].property, property)) {
      if (node) *node = r[i].node;
      const xmlNode *c = r[i].node->children;
      return c && c->type == XML_TEXT_NODE && c->content ? (const char *)c->content : "";
    }
  return NULL;
}

static int add_meta(newsdoc_doc *doc, const char *key, const char *value, int set) {
  if (!value || !*value) return 0;
  char *v = nfc_copy(value);
  if (!v) return nd_oom("epub: metadata");
  int rc = set ? newsdoc_meta_set(doc, key, v, strlen(v)) : newsdoc_meta_add(doc, key, v, strlen(v));
  nd_free(v);
  if (rc == NEWSDOC_EUSAGE) rc = 0; /* an unusable value (e.g. NUL inside) is dropped */
  return rc;
}

/* The text of a dc element, whitespace collapsed (kept but trimmed for
 * description).  Caller frees; NULL on OOM. */
static char *dc_text(const xmlNode *n, int keep_lines) {
  char *s = text_of(n);
  if (!s) return NULL;
  if (keep_lines) trim(s);
  else nd_epub_collapse_ws(s);
  return s;
}

static int parse_metadata(newsdoc_doc *doc, xmlNode *md, const char *uid, newsdoc_ctx *ctx) {
  int rc = 0;
  refine *refs = NULL;
  size_t nrefs = 0, caprefs = 0;
  unsigned long long max_count = newsdoc_ctx_limit(ctx, NEWSDOC_LIMIT_NODES);
  /* Pass 1: refinements. */
  for (xmlNode *n = md; n; n = walk_next(n, md, 1)) {
    if (!name_is(n, "meta")) continue;
    const char *r = attr(n, "refines"), *p = attr(n, "property");
    if (!r || !p || r[0] != '#') continue;
    if (nrefs >= max_count) {
      rc = newsdoc_error_set(NEWSDOC_ELIMIT_COUNT, "epub: package metadata: more than max-nodes refinements");
      goto done;
    }
    if ((rc = grow((void **)&refs, &caprefs, nrefs, sizeof *refs))) goto done;
    refs[nrefs].id = r + 1;
    refs[nrefs].property = p;
    refs[nrefs].node = n;
    nrefs++;
  }
  /* Pass 2: the primary title: title-type main, else the first. */
  const xmlNode *main_title = NULL, *first_title = NULL, *uid_node = NULL, *first_id = NULL;
  for (xmlNode *n = md; n; n = walk_next(n, md, 1)) {
    if (n->type != XML_ELEMENT_NODE || !ns_is(n, ND_EPUB_NS_DC)) continue;
    if (name_is(n, "title")) {
      if (!first_title) first_title = n;
      const char *tt = refined(refs, nrefs, attr(n, "id"), "title-type", NULL);
      if (!main_title && tt && !strcmp(tt, "main")) main_title = n;
    } else if (name_is(n, "identifier")) {
      if (!first_id) first_id = n;
      const char *id = attr(n, "id");
      if (uid && id && !strcmp(id, uid)) uid_node = n;
    }
  }
  if (!main_title) main_title = first_title;
  if (!uid_node) uid_node = first_id;
  /* Pass 3: everything in order. */
  int have_date = 0, have_lang = 0;
  for (xmlNode *n = md; n && !rc; n = walk_next(n, md, 1)) {
    if (n->type != XML_ELEMENT_NODE) continue;
    if (name_is(n, "meta") && !attr(n, "refines")) {
      const char *p = attr(n, "property");
      if (p && !strncmp(p, "newsdoc:", 8) && p[8]) {
        char *v = dc_text(n, 1);
        if (!v) rc = nd_oom("epub: metadata");
        else rc = add_meta(doc, p + 8, v, 0);
        nd_free(v);
      }
      continue;
    }
    if (!ns_is(n, ND_EPUB_NS_DC)) continue;
    const char *local = (const char *)n->name;
    int keep_lines = !strcmp(local, "description");
    char *v = dc_text(n, keep_lines);
    if (!v) {
      rc = nd_oom("epub: metadata");
      break;
    }
    const char *id = attr(n, "id");
    if (!strcmp(local, "title")) {
      if (n == main_title) {
        rc = add_meta(doc, NEWSDOC_META_TITLE, v, 1);
        const xmlNode *alt = NULL;
        const char *av = refined(refs, nrefs, id, "alternate-script", &alt);
        if (!rc && av && alt) {
          char *at = dc_text(alt, 0);
          if (!at) rc = nd_oom("epub: metadata");
          else if (*at) {
            rc = add_meta(doc, "title-alternate", at, 1);
            const char *al = attr_ns(alt, "lang", "http://www.w3.org/XML/1998/namespace");
            if (!rc && al && *al) rc = add_meta(doc, "title-alternate-lang", al, 1);
          }
          nd_free(at);
        }
      } else {
        const char *tt = refined(refs, nrefs, id, "title-type", NULL);
        rc = add_meta(doc, (!tt || !strcmp(tt, "subtitle")) ? NEWSDOC_META_SUBTITLE : "title-other", v, 0);
      }
    } else if (!strcmp(local, "creator")) {
      rc = add_meta(doc, NEWSDOC_META_AUTHOR, v, 0);
    } else if (!strcmp(local, "contributor")) {
      rc = add_meta(doc, "contributor", v, 0);
    } else if (!strcmp(local, "language")) {
      if (!have_lang && *v) {
        rc = add_meta(doc, NEWSDOC_META_LANG, v, 1);
        have_lang = 1;
      }
    } else if (!strcmp(local, "date")) {
      /* EPUB 2 may give several with opf:event; publication wins. */
      const char *ev = attr(n, "event");
      if (*v && (!have_date || (ev && !strcmp(ev, "publication")))) {
        rc = add_meta(doc, NEWSDOC_META_DATE, v, 1);
        have_date = 1;
      }
    } else if (!strcmp(local, "publisher")) {
      rc = add_meta(doc, NEWSDOC_META_PUBLISHER, v, 0);
    } else if (!strcmp(local, "identifier")) {
      if (n == uid_node) rc = add_meta(doc, NEWSDOC_META_IDENTIFIER, v, 1);
    } else if (!strcmp(local, "description")) {
      rc = add_meta(doc, NEWSDOC_META_DESCRIPTION, v, 0);
    } else if (!strcmp(local, "subject")) {
      rc = add_meta(doc, NEWSDOC_META_KEYWORD, v, 0);
    } else if (!strcmp(local, "rights")) {
      rc = add_meta(doc, "rights", v, 0);
    } else if (!strcmp(local, "source")) {
      rc = add_meta(doc, "source", v, 0);
    }
    nd_free(v);
  }
done:
  nd_free(refs);
  return rc;
}

int nd_epub_opf_parse(nd_epub_pkg *pkg, newsdoc_doc *doc, const char *data, size_t len, const char *part,
                      newsdoc_ctx *ctx) {
  xmlDoc *d;
  int rc = nd_epub_xml_parse(&d, data, len, part, ctx);
  if (rc) return rc;
  xmlNode *root = xmlDocGetRootElement(d);
  if (!name_is(root, "package")) {
    rc = newsdoc_error_set(NEWSDOC_EMALFORMED, "epub: %s: the root element is <%s>, not <package>", part,
                           (const char *)root->name);
    goto out;
  }
  const char *ver = attr(root, "version");
  pkg->version = ver && ver[0] == '2' ? 2 : 3;
  xmlNode *md = NULL, *manifest = NULL, *spine = NULL;
  for (xmlNode *c = root->children; c; c = c->next) {
    if (name_is(c, "metadata") && !md) md = c;
    else if (name_is(c, "manifest") && !manifest) manifest = c;
    else if (name_is(c, "spine") && !spine) spine = c;
  }
  if (!manifest || !spine) {
    rc = newsdoc_error_set(NEWSDOC_EMALFORMED, "epub: %s: no <%s>", part, manifest ? "spine" : "manifest");
    goto out;
  }
  if (md && (rc = parse_metadata(doc, md, attr(root, "unique-identifier"), ctx))) goto out;

  unsigned long long max_items =
      newsdoc_ctx_limit(ctx, NEWSDOC_LIMIT_ZIP_ENTRIES) + newsdoc_ctx_limit(ctx, NEWSDOC_LIMIT_SPINE);
  for (xmlNode *c = manifest->children; c; c = c->next) {
    if (!name_is(c, "item")) continue;
    const char *id = attr(c, "id"), *href = attr(c, "href");
    if (!id || !href || !*href) {
      newsdoc_ctx_warn(ctx, "%s: manifest item without id or href (line %ld) ignored", part, (long)xmlGetLineNo(c));
      continue;
    }
    if (pkg->nitems >= max_items) {
      rc = newsdoc_error_set(NEWSDOC_ELIMIT_COUNT, "epub: %s: more than %llu manifest items", part, max_items);
      goto out;
    }
    if ((rc = grow((void **)&pkg->items, &pkg->capitems, pkg->nitems, sizeof *pkg->items))) goto out;
    nd_epub_item *it = &pkg->items[pkg->nitems];
    memset(it, 0, sizeof *it);
    pkg->nitems++;
    const char *mt = attr(c, "media-type"), *pr = attr(c, "properties");
    it->id = nd_strdup(id);
    it->href = nd_strdup(href);
    it->media_type = nd_strdup(mt);
    it->properties = nd_strdup(pr);
    if (!it->id || !it->href || (mt && !it->media_type) || (pr && !it->properties)) {
      rc = nd_oom("epub: manifest");
      goto out;
    }
  }

  const char *ppd = attr(spine, "page-progression-direction"), *toc = attr(spine, "toc");
  if (ppd && !(pkg->ppd = nd_strdup(ppd))) {
    rc = nd_oom("epub: spine");
    goto out;
  }
  if (toc && !(pkg->ncx_id = nd_strdup(toc))) {
    rc = nd_oom("epub: spine");
    goto out;
  }
  unsigned long long max_spine = newsdoc_ctx_limit(ctx, NEWSDOC_LIMIT_SPINE);
  for (xmlNode *c = spine->children; c; c = c->next) {
    if (!name_is(c, "itemref")) continue;
    const char *idref = attr(c, "idref");
    size_t k = pkg->nitems;
    if (idref)
      for (k = 0; k < pkg->nitems; k++)
        if (!strcmp(pkg->items[k].id, idref)) break;
    if (k == pkg->nitems) {
      newsdoc_ctx_warn(ctx, "%s: spine itemref \"%s\" (line %ld) names no manifest item; skipped", part,
                       idref ? idref : "", (long)xmlGetLineNo(c));
      continue;
    }
    if (pkg->nspine >= max_spine) {
      rc = newsdoc_error_set(NEWSDOC_ELIMIT_COUNT, "epub: %s: the spine has more than max-spine (%llu) items", part,
                             max_spine);
      goto out;
    }
    if ((rc = grow((void **)&pkg->spine, &pkg->capspine, pkg->nspine, sizeof *pkg->spine))) goto out;
    pkg->spine[pkg->nspine++] = k;
    if ((pkg->nspine & 255) == 0 && (rc = newsdoc_ctx_check(ctx))) goto out;
  }
  if (!pkg->nspine) rc = newsdoc_error_set(NEWSDOC_EMALFORMED, "epub: %s: the spine is empty", part);
out:
  xmlFreeDoc(d);
  return rc;
}

/* ---- table of contents -------------------------------------------------------- */

static int add_toc(nd_epub_pkg *pkg, const char *href, char *label, int depth, newsdoc_ctx *ctx) {
  /* takes label */
  if (pkg->ntoc >= newsdoc_ctx_limit(ctx, NEWSDOC_LIMIT_NODES)) {
    nd_free(label);
    return newsdoc_error_set(NEWSDOC_ELIMIT_COUNT, "epub: the table of contents has more than max-nodes entries");
  }
  int rc = grow((void **)&pkg->toc, &pkg->captoc, pkg->ntoc, sizeof *pkg->toc);
  if (rc) {
    nd_free(label);
    return rc;
  }
  nd_epub_toc *t = &pkg->toc[pkg->ntoc];
  t->href = nd_strdup(href);
  t->label = label;
  t->depth = depth;
  if (!t->href) {
    nd_free(label);
    return nd_oom("epub: table of contents");
  }
  pkg->ntoc++;
  return 0;
}

int nd_epub_nav_parse(nd_epub_pkg *pkg, const char *data, size_t len, const char *part, newsdoc_ctx *ctx) {
  xmlDoc *d;
  int rc = nd_epub_xml_parse(&d, data, len, part, ctx);
  if (rc) return rc;
  xmlNode *root = xmlDocGetRootElement(d), *nav = NULL, *first = NULL;
  for (xmlNode *n = root; n; n = walk_next(n, root, 1)) {
    if (!name_is(n, "nav")) continue;
    if (!first) first = n;
    const char *t = attr_ns(n, "type", ND_EPUB_NS_OPS);
    if (t && strstr(t, "toc")) {
      nav = n;
      break;
    }
  }
  if (!nav) nav = first;
  for (xmlNode *n = nav; n && !rc; n = walk_next(n, nav, 1)) {
    if (!name_is(n, "a")) continue;
    const char *href = attr(n, "href");
    if (!href || !*href) continue;
    int depth = 0;
    for (xmlNode *p = n->parent; p && p != nav; p = p->parent)
      if (name_is(p, "ol")) depth++;
    char *label = text_of(n);
    if (!label) {
      rc = nd_oom("epub: nav");
      break;
    }
    nd_epub_collapse_ws(label);
    rc = add_toc(pkg, href, label, depth ? depth : 1, ctx);
  }
  xmlFreeDoc(d);
  return rc;
}

int nd_epub_ncx_parse(nd_epub_pkg *pkg, const char *data, size_t len, const char *part, newsdoc_ctx *ctx) {
  xmlDoc *d;
  int rc = nd_epub_xml_parse(&d, data, len, part, ctx);
  if (rc) return rc;
  xmlNode *root = xmlDocGetRootElement(d), *map = NULL;
  for (xmlNode *n = root; n; n = walk_next(n, root, 1))
    if (name_is(n, "navMap")) {
      map = n;
      break;
    }
  for (xmlNode *n = map; n && !rc; n = walk_next(n, map, 1)) {
    if (!name_is(n, "navPoint")) continue;
    const char *src = NULL;
    char *label = NULL;
    for (xmlNode *c = n->children; c; c = c->next) {
      if (name_is(c, "content") && !src) src = attr(c, "src");
      if (name_is(c, "navLabel") && !label) {
        label = text_of(c);
        if (!label) {
          rc = nd_oom("epub: NCX");
          break;
        }
      }
    }
    if (rc) break;
    if (!src || !*src) {
      nd_free(label);
      continue;
    }
    int depth = 0;
    for (xmlNode *p = n; p && p != map; p = p->parent)
      if (name_is(p, "navPoint")) depth++;
    if (!label) label = nd_strdup("");
    if (!label) {
      rc = nd_oom("epub: NCX");
      break;
    }
    nd_epub_collapse_ws(label);
    rc = add_toc(pkg, src, label, depth, ctx);
  }
  xmlFreeDoc(d);
  return rc;
}
