/* reader.c - the EPUB reader (EPUB 2 and 3).
 *
 * META-INF/container.xml -> the package document -> the spine, in order;
 * each content document goes through the HTML reader (XHTML mode).  The
 * zip layer (nd_zip_*) does every container check and limit; resources
 * are looked up only inside the container (nd_zip_resolve_ex) and remote
 * ones are never fetched.
 *
 * What the model gets:
 *  - metadata from the package document (see nd_epub_opf_parse), put in a
 *    fixed order so that writing and reading again gives the same model;
 *  - "dir": the spine's page-progression-direction, else the content's
 *    dir, else rtl when the language is written right to left, else ltr;
 *    "lang": dc:language, else the content's, else "und" (warned);
 *  - a content document without any heading whose table-of-contents entry
 *    (nav.xhtml, else the NCX) has a title other than the book's becomes a
 *    level-1 section under that title;
 *  - images the content uses become media named after their file;
 *  - links into other content documents become "#id" links; links to ids
 *    that do not exist and to other files of the book become plain text.
 */
#include <stdio.h>

#include <strings.h>

#include "epub.h"

typedef struct rstate {
  newsdoc_doc *doc;
  newsdoc_ctx *ctx;
  nd_zip *z;
  nd_epub_pkg pkg;
  char *opf_path;
  char **spine_paths; /* resolved, per spine entry (NULL: skipped) */
  unsigned char *spine_dup; /* per spine entry: names a document already read */
  /* media added: the container path of each (to share one media) */
  char **media_paths;
  char **media_names;
  size_t nmedia, capmedia;
} rstate;

static void rstate_free(rstate *r) {
  nd_zip_close(r->z);
  if (r->spine_paths)
    for (size_t i = 0; i < r->pkg.nspine; i++) nd_free(r->spine_paths[i]);
  nd_free(r->spine_paths);
  nd_free(r->spine_dup);
  nd_epub_pkg_free(&r->pkg);
  nd_free(r->opf_path);
  for (size_t i = 0; i < r->nmedia; i++) {
    nd_free(r->media_paths[i]);
    nd_free(r->media_names[i]);
  }
  nd_free(r->media_paths);
  nd_free(r->media_names);
}

static newsdoc_node *walk_next(newsdoc_node *n, const newsdoc_node *top) {
  if (n->first) return n->first;
  while (n && n != top) {
    if (n->next) return n->next;
    n = n->parent;
  }
  return NULL;
}

static int has_token(const char *list, const char *tok) {
  size_t tl = strlen(tok);
  for (const char *p = list; p && *p;) {
    while (*p == ' ' || *p == '\t' || *p == '\n') p++;
    size_t n = strcspn(p, " \t\n");
    if (n == tl && !strncmp(p, tok, tl)) return 1;
    p += n;
  }
  return 0;
}

/* Read an entry that the package names: ENOTFOUND becomes a warning
 * (return 1) unless `required`. */
static int read_part(rstate *r, const char *path, char **data, size_t *len, int required, const char *what) {
  int rc = nd_zip_read(r->z, path, data, len);
  if (rc == NEWSDOC_ENOTFOUND) {
    if (required)
      return newsdoc_error_set(NEWSDOC_EMALFORMED, "epub: %s names \"%s\", which is not in the container", what, path);
    newsdoc_ctx_warn(r->ctx, "%s \"%s\" is not in the container; skipped", what, path);
    return 1;
  }
  return rc;
}

/* The table of contents: nav.xhtml, else the NCX.  Entry hrefs become
 * container paths (fragments dropped). */
static int load_toc(rstate *r) {
  nd_epub_pkg *p = &r->pkg;
  long nav = -1, ncx = -1;
  for (size_t i = 0; i < p->nitems; i++) {
    if (nav < 0 && p->items[i].properties && has_token(p->items[i].properties, "nav")) nav = (long)i;
    if (ncx < 0 && p->ncx_id && !strcmp(p->items[i].id, p->ncx_id)) ncx = (long)i;
  }
  if (ncx < 0)
    for (size_t i = 0; i < p->nitems; i++)
      if (p->items[i].media_type && !strcmp(p->items[i].media_type, "application/x-dtbncx+xml")) {
        ncx = (long)i;
        break;
      }
  long order[2] = {nav, ncx};
  for (int k = 0; k < 2; k++) {
    if (order[k] < 0) continue;
    char *path = NULL;
    int rc = nd_zip_resolve_ex(r->opf_path, p->items[order[k]].href, &path);
    if (rc) return rc; /* out of memory */
    if (!path) continue; /* outside the container */
    char *data = NULL;
    size_t len = 0;
    rc = read_part(r, path, &data, &len, 0, k ? "the NCX" : "the navigation document");
    if (rc < 0) {
      nd_free(path);
      return rc;
    }
    if (rc == 0) {
      size_t before = p->ntoc;
      rc = k ? nd_epub_ncx_parse(p, data, len, path, r->ctx) : nd_epub_nav_parse(p, data, len, path, r->ctx);
      nd_free(data);
      if (rc == NEWSDOC_EMALFORMED) {
        newsdoc_ctx_warn(r->ctx, "%s; its table of contents is not used", newsdoc_error_last()->message);
        rc = 0;
      }
      if (rc) {
        nd_free(path);
        return rc;
      }
      for (size_t i = before; i < p->ntoc; i++) {
        char *res = NULL;
        if ((rc = nd_zip_resolve_ex(path, p->toc[i].href, &res))) {
          nd_free(path);
          return rc; /* out of memory */
        }
        nd_free(p->toc[i].href);
        p->toc[i].href = res; /* NULL: remote or outside */
      }
      if (p->ntoc > before) {
        nd_free(path);
        return 0;
      }
    }
    nd_free(path);
  }
  return 0;
}

static const char *toc_label(const rstate *r, const char *path) {
  for (size_t i = 0; i < r->pkg.ntoc; i++)
    if (r->pkg.toc[i].href && !strcmp(r->pkg.toc[i].href, path) && r->pkg.toc[i].label[0]) return r->pkg.toc[i].label;
  return NULL;
}

static int is_spine_path(const rstate *r, const char *path) {
  for (size_t i = 0; i < r->pkg.nspine; i++)
    if (r->spine_paths[i] && !strcmp(r->spine_paths[i], path)) return 1;
  return 0;
}

/* The media type of a container path into *out: 0, or NEWSDOC_ENOMEM. */
static int mime_for(const rstate *r, const char *path, const char **out) {
  for (size_t i = 0; i < r->pkg.nitems; i++) {
    if (!r->pkg.items[i].media_type) continue;
    char *p = NULL;
    int rc = nd_zip_resolve_ex(r->opf_path, r->pkg.items[i].href, &p);
    if (rc) return rc; /* out of memory */
    int same = p && !strcmp(p, path);
    nd_free(p);
    if (same) {
      *out = r->pkg.items[i].media_type;
      return 0;
    }
  }
  *out = "application/octet-stream";
  const char *dot = strrchr(path, '.');
  if (dot) {
    static const char *const ext[][2] = {{".jpg", "image/jpeg"}, {".jpeg", "image/jpeg"}, {".png", "image/png"},
                                         {".gif", "image/gif"},  {".svg", "image/svg+xml"}, {".webp", "image/webp"}};
    for (size_t i = 0; i < sizeof ext / sizeof ext[0]; i++)
      if (!strcasecmp(dot, ext[i][0])) {
        *out = ext[i][1];
        break;
      }
  }
  return 0;
}

/* The media name for a container path (added on first use).  NULL with
 * *rc 0: not available (warned). */
static const char *media_for(rstate *r, const char *path, int *rc) {
  *rc = 0;
  for (size_t i = 0; i < r->nmedia; i++)
    if (!strcmp(r->media_paths[i], path)) return r->media_names[i];
  char *data = NULL;
  size_t len = 0;
  int e = read_part(r, path, &data, &len, 0, "image");
  if (e) {
    if (e < 0) *rc = e;
    return NULL;
  }
  const char *base = strrchr(path, '/');
  base = base ? base + 1 : path;
  const char *mime = NULL;
  if ((e = mime_for(r, path, &mime))) {
    nd_free(data);
    *rc = e;
    return NULL;
  }
  nd_buf name = ND_BUF_INIT;
  int added = 0;
  for (int attempt = 1; attempt < 1000 && !added; attempt++) {
    nd_buf_clear(&name);
    if (attempt == 1) nd_buf_puts(&name, base);
    else {
      const char *dot = strrchr(base, '.');
      size_t stem = dot && dot != base ? (size_t)(dot - base) : strlen(base);
      if (attempt < 500) nd_buf_printf(&name, "%.*s-%d%s", (int)stem, base, attempt, base + stem);
      else nd_buf_printf(&name, "image-%d%s", attempt, dot ? dot : "");
    }
    if (name.failed) break;
    e = newsdoc_media_add(r->doc, name.data, mime, data, len);
    if (!e) added = 1;
    else if (e == NEWSDOC_EUSAGE && attempt < 500) attempt = 499; /* a name the model refuses */
    else if (e != NEWSDOC_EEXISTS && e != NEWSDOC_EUSAGE) break;
  }
  nd_free(data);
  if (!added) {
    int oom = e == NEWSDOC_ENOMEM || name.failed;
    nd_buf_free(&name);
    if (oom) *rc = nd_oom("epub: media");
    else newsdoc_ctx_warn(r->ctx, "image \"%s\" could not be added as media; skipped", path);
    return NULL;
  }
  if (r->nmedia == r->capmedia) {
    size_t nc = r->capmedia ? r->capmedia * 2 : 8;
    char **a = nd_realloc(r->media_paths, nc * sizeof *a);
    if (a) r->media_paths = a;
    char **b = a ? nd_realloc(r->media_names, nc * sizeof *b) : NULL;
    if (b) r->media_names = b;
    if (!a || !b) {
      nd_buf_free(&name);
      *rc = nd_oom("epub: media");
      return NULL;
    }
    r->capmedia = nc;
  }
  r->media_paths[r->nmedia] = nd_strdup(path);
  r->media_names[r->nmedia] = nd_buf_detach(&name, NULL);
  if (!r->media_paths[r->nmedia] || !r->media_names[r->nmedia]) {
    nd_free(r->media_paths[r->nmedia]);
    nd_free(r->media_names[r->nmedia]);
    *rc = nd_oom("epub: media");
    return NULL;
  }
  return r->media_names[r->nmedia++];
}

/* Merge `b` into `a` when both are TEXT (b is freed).  *kept gets the
 * node that remains.  0, or NEWSDOC_ENOMEM (both left as they were). */
static int merge_text(newsdoc_node *a, newsdoc_node *b, newsdoc_node **kept) {
  *kept = b;
  if (!a || !b || a->type != NEWSDOC_NODE_TEXT || b->type != NEWSDOC_NODE_TEXT) return 0;
  nd_buf t = ND_BUF_INIT;
  nd_buf_put(&t, a->literal ? a->literal : "", a->literal_len);
  nd_buf_put(&t, b->literal ? b->literal : "", b->literal_len);
  if (t.failed) {
    nd_buf_free(&t);
    return nd_oom("epub: merging text");
  }
  int rc = newsdoc_node_set_literal(a, t.data ? t.data : "", t.len);
  nd_buf_free(&t);
  if (rc) return rc; /* out of memory */
  newsdoc_node_free(b);
  *kept = a;
  return 0;
}

/* Replace a link by its children; text that meets text is merged, as the
 * HTML reader would have made it.  0, or NEWSDOC_ENOMEM. */
static int unwrap(newsdoc_node *n) {
  newsdoc_node *c, *prev = n->prev, *firstmoved = NULL;
  while ((c = n->first)) {
    newsdoc_node_unlink(c);
    if (newsdoc_node_insert_before(n, c)) nd_node_free_tree(c);
    else if (!firstmoved) firstmoved = c;
  }
  newsdoc_node *next = n->next;
  newsdoc_node_free(n);
  newsdoc_node *x = prev ? prev : firstmoved;
  while (x && x->next && x != next) {
    newsdoc_node *y = x->next;
    int stop = y == next;
    newsdoc_node *kept;
    int rc = merge_text(x, y, &kept);
    if (rc) return rc;
    if (kept == y) x = y;
    if (stop) break;
  }
  return 0;
}

static int set_url(newsdoc_node *n, const char *prefix, const char *s) {
  nd_buf b = ND_BUF_INIT;
  nd_buf_puts(&b, prefix);
  nd_buf_puts(&b, s);
  char *u = nd_buf_detach(&b, NULL);
  if (!u) return nd_oom("epub");
  return nd_node_take_url(n, u);
}

/* Links (and images, unless links_only) in the subtrees of `first` and
 * its following siblings. */
static int collect(newsdoc_node *first, newsdoc_node ***arr, size_t *n, int links_only) {
  size_t cap = 0;
  *arr = NULL;
  *n = 0;
  for (newsdoc_node *top = first; top; top = top->next)
  for (newsdoc_node *x = top; x; x = walk_next(x, top)) {
    int want = x->type == NEWSDOC_NODE_LINK ||
               (!links_only && (x->type == NEWSDOC_NODE_IMAGE || x->type == NEWSDOC_NODE_FIGURE));
    if (!want || !nd_url(x)) continue;
    if (*n == cap) {
      size_t nc = cap ? cap * 2 : 16;
      newsdoc_node **a = nd_realloc(*arr, nc * sizeof *a);
      if (!a) {
        nd_free(*arr);
        *arr = NULL;
        return nd_oom("epub");
      }
      *arr = a;
      cap = nc;
    }
    (*arr)[(*n)++] = x;
  }
  return 0;
}

/* Images to media, links into the book to "#id" (see the top). */
static int fix_chapter(rstate *r, newsdoc_node *first, const char *path) {
  newsdoc_node **arr;
  size_t n;
  int rc = collect(first, &arr, &n, 0);
  for (size_t i = 0; i < n && !rc; i++) {
    newsdoc_node *x = arr[i];
    if (!strncmp(nd_url(x), "media:", 6)) continue;
    char *target = NULL;
    if ((rc = nd_zip_resolve_ex(path, nd_url(x), &target))) break; /* out of memory */
    if (!target) continue; /* remote, data: or outside: left as written, never fetched */
    if (x->type == NEWSDOC_NODE_LINK) {
      const char *frag = strchr(nd_url(x), '#');
      if (frag && frag[1] && is_spine_path(r, target)) rc = set_url(x, "", frag);
      else if (!(frag && frag == nd_url(x))) {
        newsdoc_ctx_warn(r->ctx, "%s: link to \"%s\" inside the book kept as text", path, nd_url(x));
        rc = unwrap(x);
      }
    } else {
      const char *name = media_for(r, target, &rc);
      if (name) rc = set_url(x, "media:", name);
    }
    nd_free(target);
  }
  nd_free(arr);
  return rc;
}

static int has_heading(const newsdoc_node *first) {
  for (const newsdoc_node *c = first; c; c = c->next)
    if (c->type == NEWSDOC_NODE_SECTION || c->type == NEWSDOC_NODE_HEADING) return 1;
  return 0;
}

static int read_chapter(rstate *r, size_t si) {
  const nd_epub_item *it = &r->pkg.items[r->pkg.spine[si]];
  const char *mt = it->media_type;
  int xhtml = !mt || !strcmp(mt, "application/xhtml+xml");
  if (mt && !xhtml && strcmp(mt, "text/html")) {
    newsdoc_ctx_warn(r->ctx, "spine item \"%s\" has type %s, not XHTML; skipped", it->href, mt);
    return 0;
  }
  if (r->spine_dup && r->spine_dup[si]) return 0;
  const char *path = r->spine_paths[si];
  if (!path) {
    newsdoc_ctx_warn(r->ctx, "spine item \"%s\" is not inside the container; skipped", it->href);
    return 0;
  }
  if (!strcmp(path, r->opf_path) || !strcmp(path, "META-INF/container.xml") || !strcmp(path, "mimetype")) {
    newsdoc_ctx_warn(r->ctx, "spine item \"%s\" is not a content document; skipped", it->href);
    return 0;
  }
  char *data = NULL;
  size_t len = 0;
  int rc = read_part(r, path, &data, &len, 0, "spine item");
  if (rc) return rc < 0 ? rc : 0;
  unsigned long long max_attrs = newsdoc_ctx_limit(r->ctx, NEWSDOC_LIMIT_ATTRIBUTES);
  size_t at_line = 0;
  if (nd_epub_attr_scan(data, len, max_attrs, &at_line)) {
    nd_free(data);
    return newsdoc_error_set(NEWSDOC_ELIMIT_COUNT, "epub: %s: an element at line %zu has more than max-attributes (%llu)",
                             path, at_line, max_attrs);
  }
  /* The HTML reader appends to the document's body (so lang and dir are
   * compared with the book's); this chapter is what follows `last`. */
  newsdoc_node *root = r->doc->root, *last = root->last;
  rc = nd_html_parse_into(r->doc, root, data, len, xhtml, r->ctx);
  if (rc == NEWSDOC_EMALFORMED && xhtml) {
    newsdoc_ctx_warn(r->ctx, "%s: %s; read as HTML instead", path, newsdoc_error_last()->message);
    newsdoc_node *x;
    while ((x = last ? last->next : root->first)) newsdoc_node_free(x);
    rc = nd_html_parse_into(r->doc, root, data, len, 0, r->ctx);
  }
  nd_free(data);
  newsdoc_node *first = last ? last->next : root->first;
  if (!rc && first) rc = fix_chapter(r, first, path);
  first = last ? last->next : root->first; /* unwrapping may not touch it, but be exact */
  if (!rc && !has_heading(first)) {
    const char *label = toc_label(r, path);
    const char *title = newsdoc_meta_get(r->doc, NEWSDOC_META_TITLE);
    if (label && !(title && !strcmp(title, label))) {
      newsdoc_node *sec = nd_node_alloc(NEWSDOC_NODE_SECTION);
      newsdoc_node *h = sec ? nd_node_add(sec, NEWSDOC_NODE_HEADING) : NULL;
      if (!h || !nd_node_add_text(h, label, strlen(label))) {
        nd_node_free_tree(sec);
        rc = nd_oom("epub");
      } else {
        sec->level = 1;
        /* A title in the other direction (a French chapter title in an
         * Arabic book) says so, as the HTML reader does for a block. */
        newsdoc_dir bd = newsdoc_doc_dir(r->doc);
        if (bd != NEWSDOC_DIR_LTR && bd != NEWSDOC_DIR_RTL) {
          const char *lang = newsdoc_meta_get(r->doc, NEWSDOC_META_LANG);
          bd = lang && nd_lang_is_rtl(lang) ? NEWSDOC_DIR_RTL : NEWSDOC_DIR_LTR;
        }
        newsdoc_dir ld = nd_text_majority_dir(label, strlen(label));
        if ((ld == NEWSDOC_DIR_LTR || ld == NEWSDOC_DIR_RTL) && ld != bd) h->dir = (uint8_t)ld;
        newsdoc_node *c;
        while (!rc && (c = last ? last->next : root->first)) {
          newsdoc_node_unlink(c);
          if ((rc = newsdoc_node_append_child(sec, c))) nd_node_free_tree(c);
        }
        if (!rc && (rc = newsdoc_node_append_child(root, sec))) nd_node_free_tree(sec);
      }
    }
  }
  return rc;
}

/* Links to "#id" where no node has that id become text. */
static int drop_dangling_links(rstate *r) {
  newsdoc_node *root = r->doc->root;
  newsdoc_node **arr;
  size_t n;
  int rc = root->first ? collect(root->first, &arr, &n, 1) : 0;
  if (!root->first) return 0;
  if (rc) return rc;
  for (size_t i = 0; i < n; i++) {
    newsdoc_node *x = arr[i];
    if (nd_url(x)[0] != '#') continue;
    int found = 0;
    for (newsdoc_node *y = root; y && !found; y = walk_next(y, root))
      if (nd_id(y) && !strcmp(nd_id(y), nd_url(x) + 1)) found = 1;
    if (!found) {
      newsdoc_ctx_warn(r->ctx, "link to \"%s\": no such id in the book; kept as text", nd_url(x));
      if ((rc = unwrap(x))) break;
    }
    if ((i & 255) == 255 && (rc = newsdoc_ctx_check(r->ctx))) break;
  }
  nd_free(arr);
  return rc;
}

static int meta_rank(const char *k) {
  static const char *const order[] = {NEWSDOC_META_IDENTIFIER,
                                      NEWSDOC_META_TITLE,
                                      "title-alternate",
                                      "title-alternate-lang",
                                      NEWSDOC_META_SUBTITLE,
                                      NEWSDOC_META_AUTHOR,
                                      "contributor",
                                      NEWSDOC_META_LANG,
                                      NEWSDOC_META_DATE,
                                      NEWSDOC_META_PUBLISHER,
                                      NEWSDOC_META_DESCRIPTION,
                                      NEWSDOC_META_KEYWORD,
                                      "rights",
                                      "source",
                                      NULL};
  for (int i = 0; order[i]; i++)
    if (!strcmp(order[i], k)) return i;
  if (!strcmp(k, NEWSDOC_META_DIR)) return 1000;
  return 100;
}

/* Stable insertion sort of the metadata into the order the writer uses. */
static void sort_meta(newsdoc_doc *doc) {
  for (size_t i = 1; i < doc->nmeta; i++) {
    nd_meta_entry e = doc->meta[i];
    int rk = meta_rank(e.key);
    size_t j = i;
    while (j > 0 && meta_rank(doc->meta[j - 1].key) > rk) {
      doc->meta[j] = doc->meta[j - 1];
      j--;
    }
    doc->meta[j] = e;
  }
}

static int finish_meta(rstate *r) {
  newsdoc_doc *doc = r->doc;
  int rc = 0;
  const char *lang = newsdoc_meta_get(doc, NEWSDOC_META_LANG);
  if (!lang) {
    newsdoc_ctx_warn(r->ctx, "the book names no language; \"und\"");
    if ((rc = newsdoc_meta_set(doc, NEWSDOC_META_LANG, "und", 3))) return rc;
    lang = "und";
  }
  newsdoc_dir dir = NEWSDOC_DIR_UNSET;
  if (r->pkg.ppd && !strcmp(r->pkg.ppd, "rtl")) dir = NEWSDOC_DIR_RTL;
  else if (r->pkg.ppd && !strcmp(r->pkg.ppd, "ltr")) dir = NEWSDOC_DIR_LTR;
  else {
    dir = newsdoc_doc_dir(doc); /* from the content's dir, when the HTML reader set it */
    if (dir != NEWSDOC_DIR_RTL && dir != NEWSDOC_DIR_LTR) dir = nd_lang_is_rtl(lang) ? NEWSDOC_DIR_RTL : NEWSDOC_DIR_LTR;
  }
  if ((rc = newsdoc_doc_set_dir(doc, dir))) return rc;
  sort_meta(doc);
  return 0;
}

int nd_epub_read(newsdoc_doc **out, const char *data, size_t len, newsdoc_ctx *ctx, void *ud) {
  (void)ud;
  *out = NULL;
  rstate r;
  memset(&r, 0, sizeof r);
  r.ctx = ctx;
  char *buf = NULL;
  size_t blen = 0;
  int rc = nd_zip_open(&r.z, data, len, ctx);
  if (rc) goto out;

  /* mimetype: checked, but a wrong one is only a warning */
  rc = nd_zip_read(r.z, "mimetype", &buf, &blen);
  if (rc == 0) {
    size_t n = blen;
    while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r' || buf[n - 1] == ' ')) n--;
    if (n != 20 || memcmp(buf, "application/epub+zip", 20))
      newsdoc_ctx_warn(ctx, "the mimetype entry is not \"application/epub+zip\"");
  } else if (rc == NEWSDOC_ENOTFOUND) {
    newsdoc_ctx_warn(ctx, "no mimetype entry");
  } else {
    goto out;
  }
  nd_free(buf);
  buf = NULL;

  rc = nd_zip_read(r.z, "META-INF/container.xml", &buf, &blen);
  if (rc == NEWSDOC_ENOTFOUND) {
    rc = newsdoc_error_set(NEWSDOC_EMALFORMED, "epub: no META-INF/container.xml");
    goto out;
  }
  if (rc) goto out;
  rc = nd_epub_container_parse(buf, blen, &r.opf_path, ctx);
  nd_free(buf);
  buf = NULL;
  if (rc) goto out;
  {
    /* the path as the zip names it (normalised, inside the container) */
    char *norm = NULL;
    if ((rc = nd_zip_resolve_ex(NULL, r.opf_path, &norm))) goto out; /* out of memory */
    if (!norm) {
      rc = newsdoc_error_set(NEWSDOC_EMALFORMED, "epub: container.xml: rootfile \"%s\" is not a path inside the container",
                             r.opf_path);
      goto out;
    }
    nd_free(r.opf_path);
    r.opf_path = norm;
  }
  if (!strcmp(r.opf_path, "META-INF/container.xml")) {
    rc = newsdoc_error_set(NEWSDOC_EMALFORMED, "epub: container.xml names itself as the package document");
    goto out;
  }
  if ((rc = read_part(&r, r.opf_path, &buf, &blen, 1, "META-INF/container.xml"))) goto out;

  if ((rc = newsdoc_doc_new(&r.doc))) goto out;
  rc = nd_epub_opf_parse(&r.pkg, r.doc, buf, blen, r.opf_path, ctx);
  nd_free(buf);
  buf = NULL;
  if (rc) goto out;

  r.spine_paths = nd_calloc(r.pkg.nspine, sizeof *r.spine_paths);
  if (!r.spine_paths) {
    rc = nd_oom("epub: spine");
    goto out;
  }
  for (size_t i = 0; i < r.pkg.nspine; i++) /* NULL: outside the container */
    if ((rc = nd_zip_resolve_ex(r.opf_path, r.pkg.items[r.pkg.spine[i]].href, &r.spine_paths[i]))) goto out;
  /* A content document is read once, however often the spine names it
   * (EPUB requires unique itemrefs; repeating one would multiply the
   * book's size without bound). */
  if (!(r.spine_dup = nd_calloc(r.pkg.nspine ? r.pkg.nspine : 1, 1))) {
    rc = nd_oom("epub: spine");
    goto out;
  }
  for (size_t i = 1; i < r.pkg.nspine; i++) {
    if (!r.spine_paths[i]) continue;
    for (size_t j = 0; j < i; j++)
      if (r.spine_paths[j] && !r.spine_dup[j] && !strcmp(r.spine_paths[j], r.spine_paths[i])) {
        newsdoc_ctx_warn(ctx, "spine item \"%s\" repeats; read once", r.spine_paths[i]);
        r.spine_dup[i] = 1;
        break;
      }
  }
  if ((rc = load_toc(&r))) goto out;
  /* The book's direction first, so content in that direction needs no
   * dir of its own. */
  if (r.pkg.ppd && (!strcmp(r.pkg.ppd, "rtl") || !strcmp(r.pkg.ppd, "ltr")) &&
      (rc = newsdoc_doc_set_dir(r.doc, !strcmp(r.pkg.ppd, "rtl") ? NEWSDOC_DIR_RTL : NEWSDOC_DIR_LTR)))
    goto out;
  for (size_t i = 0; i < r.pkg.nspine && !rc; i++) {
    rc = read_chapter(&r, i);
    if (!rc) rc = newsdoc_ctx_check(ctx);
  }
  if (!rc) rc = drop_dangling_links(&r);
  if (!rc) rc = finish_meta(&r);
out:
  nd_free(buf);
  if (rc) {
    newsdoc_doc_free(r.doc);
    r.doc = NULL;
  }
  *out = r.doc;
  rstate_free(&r);
  return rc;
}
