/* writer.c - the EPUB writer: EPUB 3.3 (package version 3.0) with an NCX
 * for EPUB 2 reading systems.
 *
 * Layout of the container (every path fixed, so output is reproducible):
 *   mimetype                 first, stored
 *   META-INF/container.xml
 *   EPUB/package.opf         metadata, manifest, spine (page-progression-
 *                            direction from the document's direction)
 *   EPUB/nav.xhtml, EPUB/toc.ncx, EPUB/style.css
 *   EPUB/text/chNNN.xhtml    one content document per top-level section;
 *                            blocks before the first section (the lead)
 *                            make a first document of their own
 *   EPUB/images/NAME         the media the content uses, under their own
 *                            name when it is a plain ASCII file name, else
 *                            imgNNN.EXT (numbered in order of first use)
 *
 * Choices (documented in newsdoc/format.h's epub section as well):
 *  - language: the "lang" metadata; none (or a malformed tag) gives "und"
 *    and a warning.  Never the environment.
 *  - direction: the "dir" metadata, else right-to-left when the language
 *    is, else the majority of the text's strong characters, else ltr.
 *  - title: the "title" metadata, else the option "title", else the first
 *    heading's text, else "Untitled"; the last three warn.
 *  - identifier: the "identifier" metadata, else urn:uuid:... made from a
 *    128-bit hash of the document's JSON (same content, same identifier).
 *  - time stamps (dcterms:modified and the zip entries): the document's
 *    date, else SOURCE_DATE_EPOCH, else the option "date" (ISO 8601 or
 *    seconds since 1970), else the current time when date-from-clock=1,
 *    else 2000-01-01T00:00:00Z.
 *  - images: media of type image/jpeg, image/png, image/gif or
 *    image/svg+xml are embedded; other types, missing media and remote
 *    images are left out with a warning (a remote image becomes a link).
 *  - links: "#id" links point into the content document holding the id;
 *    links to ids that do not exist, and relative links to files outside
 *    the book, become plain text with a warning.
 */
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>
#include <time.h>

#include "epub.h"
#include "epub_date.h"

#define ND_EPUB_FIXED_EPOCH 946684800LL /* 2000-01-01T00:00:00Z */

/* ---- small helpers ---------------------------------------------------------- */

static int lang_ok(const char *s) {
  /* BCP 47 well-formedness, loosely: alpha{2,8} then (-alnum{1,8})* */
  size_t i = 0, run = 0;
  while (s[i] && s[i] != '-') {
    char c = s[i++];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) return 0;
    run++;
  }
  if (run < 2 || run > 8) return 0;
  while (s[i] == '-') {
    i++;
    run = 0;
    while (s[i] && s[i] != '-') {
      char c = s[i++];
      if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) return 0;
      run++;
    }
    if (run < 1 || run > 8) return 0;
  }
  return s[i] == 0;
}

/* The text of a node, whitespace collapsed, into *out (caller frees).
 * 0, or NEWSDOC_ENOMEM. */
static int node_text(const newsdoc_node *n, char **out) {
  *out = NULL;
  int rc = newsdoc_node_text(n, out, NULL);
  if (rc) return rc;
  nd_epub_collapse_ws(*out);
  return 0;
}

/* A 128-bit hash of the model: its metadata, every node's fields and text
 * in document order, and the media, read straight from the tree (each
 * string as its length then its bytes, each node closed by a marker, so
 * two different models give different streams).  Two 64-bit lanes, each a
 * multiply and a shift per 8-byte word read little-endian, the length
 * folded in, then mixed (murmur3's finaliser).  Hashing the JSON instead
 * was 7% of a one-file text->epub process, the JSON writer's escaping
 * being most of it. */
typedef struct idhash {
  uint64_t h[2];
  uint64_t total;
  unsigned char tail[8];
  size_t ntail;
} idhash;

static inline uint64_t le64(const unsigned char *p) {
  uint64_t w;
  memcpy(&w, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  w = __builtin_bswap64(w);
#endif
  return w;
}

static inline void idhash_word(idhash *x, uint64_t w) {
  x->h[0] = (x->h[0] ^ w) * 0x9e3779b97f4a7c15ULL;
  x->h[0] ^= x->h[0] >> 32;
  x->h[1] = (x->h[1] ^ w) * 0xff51afd7ed558ccdULL;
  x->h[1] ^= x->h[1] >> 29;
}

static int idhash_put(const void *data, size_t len, void *ud) {
  idhash *x = ud;
  const unsigned char *p = data;
  x->total += len;
  if (x->ntail) {
    size_t n = 8 - x->ntail < len ? 8 - x->ntail : len;
    memcpy(x->tail + x->ntail, p, n);
    x->ntail += n;
    p += n;
    len -= n;
    if (x->ntail < 8) return 0;
    idhash_word(x, le64(x->tail));
    x->ntail = 0;
  }
  for (; len >= 8; p += 8, len -= 8) idhash_word(x, le64(p));
  memcpy(x->tail, p, len);
  x->ntail = len;
  return 0;
}

static void idhash_end(idhash *x) {
  memset(x->tail + x->ntail, 0, 8 - x->ntail);
  idhash_word(x, le64(x->tail));
  idhash_word(x, x->total);
  for (int k = 0; k < 2; k++) {
    uint64_t v = x->h[k] ^ (k ? x->h[0] : x->h[1]);
    v ^= v >> 33;
    v *= 0xff51afd7ed558ccdULL;
    v ^= v >> 33;
    v *= 0xc4ceb9fe1a85ec53ULL;
    v ^= v >> 33;
    x->h[k] = v;
  }
}

static void idhash_u64(idhash *x, uint64_t v) {
  unsigned char b[8];
  for (int k = 0; k < 8; k++) b[k] = (unsigned char)(v >> (8 * k));
  idhash_put(b, 8, x);
}

/* A string as its length (0: none, else length + 1) and its bytes. */
static void idhash_bytes(idhash *x, const void *s, size_t len) {
  idhash_u64(x, s ? (uint64_t)len + 1 : 0);
  if (s && len) idhash_put(s, len, x);
}

static void idhash_str(idhash *x, const char *s) { idhash_bytes(x, s, s ? strlen(s) : 0); }

static void idhash_node(idhash *x, const newsdoc_node *n) {
  idhash_u64(x, (uint64_t)n->type | (uint64_t)n->dir << 8 | (uint64_t)n->list_type << 16 |
                    (uint64_t)n->flags << 24 | (uint64_t)n->colspan << 32 | (uint64_t)n->rowspan << 48);
  idhash_u64(x, (uint64_t)(uint32_t)n->level | (uint64_t)(uint32_t)n->start << 32);
  idhash_bytes(x, n->literal, n->literal_len);
  idhash_str(x, n->lang);
  if (n->ext) {
    idhash_str(x, n->ext->url);
    idhash_str(x, n->ext->title);
    idhash_str(x, n->ext->info);
    idhash_str(x, n->ext->id);
    idhash_bytes(x, n->ext->aligns, n->ext->naligns);
  } else {
    idhash_u64(x, 0);
  }
}

/* Metadata, the tree (pre-order, iterative: any depth), then the media. */
static void idhash_model(idhash *x, const newsdoc_doc *doc) {
  idhash_u64(x, doc->nmeta);
  for (size_t i = 0; i < doc->nmeta; i++) {
    idhash_str(x, doc->meta[i].key);
    idhash_str(x, doc->meta[i].value);
  }
  const newsdoc_node *root = doc->root, *n = root;
  while (n) {
    idhash_node(x, n);
    if (n->first) {
      n = n->first;
      continue;
    }
    /* a leaf: close it, then every ancestor this was the last child of */
    for (;;) {
      idhash_u64(x, ~(uint64_t)0);
      if (n == root) {
        n = NULL;
        break;
      }
      if (n->next) {
        n = n->next;
        break;
      }
      n = n->parent;
    }
  }
  idhash_u64(x, doc->nmedia);
  for (size_t i = 0; i < doc->nmedia; i++) {
    idhash_str(x, doc->media[i].name);
    idhash_str(x, doc->media[i].mime);
    idhash_bytes(x, doc->media[i].data, doc->media[i].len);
  }
}

static int derive_identifier(const newsdoc_doc *doc, char out[64]) {
  idhash x = {{0xcbf29ce484222325ULL, 0x84222325cbf29ce4ULL ^ 0x9e3779b97f4a7c15ULL}, 0, {0}, 0};
  idhash_model(&x, doc);
  idhash_end(&x);
  uint64_t *h = x.h;
  /* RFC 9562 layout: version 8 (custom), variant 10. */
  h[0] = (h[0] & 0xffffffffffff0fffULL) | 0x0000000000008000ULL;
  h[1] = (h[1] & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;
  snprintf(out, 64, "urn:uuid:%08llx-%04llx-%04llx-%04llx-%012llx", (unsigned long long)(h[0] >> 32),
           (unsigned long long)((h[0] >> 16) & 0xffff), (unsigned long long)(h[0] & 0xffff),
           (unsigned long long)(h[1] >> 48), (unsigned long long)(h[1] & 0xffffffffffffULL));
  return 0;
}

static int all_digits(const char *s) {
  if (!s || !*s) return 0;
  for (; *s; s++)
    if (*s < '0' || *s > '9') return 0;
  return 1;
}

/* The time stamp and dc:date (see the top of the file). */
static void choose_time(const newsdoc_doc *doc, newsdoc_ctx *ctx, long long *t, char *date, size_t datecap) {
  date[0] = 0;
  const char *d = newsdoc_meta_get(doc, NEWSDOC_META_DATE);
  int w3c = 0;
  if (d && nd_epub_parse_date(d, t, &w3c)) {
    if (w3c) snprintf(date, datecap, "%s", d);
    else {
      char iso[32];
      nd_epub_format_time(iso, *t);
      /* keep the precision written: a date stays a date */
      if (strlen(d) <= 10) snprintf(date, datecap, "%.*s", (int)strlen(d), iso);
      else snprintf(date, datecap, "%s", iso);
    }
    return;
  }
  if (d) newsdoc_ctx_warn(ctx, "date \"%s\" is not ISO 8601; kept as newsdoc:date, not dc:date", d);
  const char *sde = getenv("SOURCE_DATE_EPOCH");
  if (all_digits(sde) && strlen(sde) < 15) {
    *t = strtoll(sde, NULL, 10);
    return;
  }
  const char *opt = newsdoc_ctx_option(ctx, "date");
  if (opt) {
    if (all_digits(opt) && strlen(opt) < 15) {
      *t = strtoll(opt, NULL, 10);
      return;
    }
    if (nd_epub_parse_date(opt, t, NULL)) return;
    newsdoc_ctx_warn(ctx, "option date=\"%s\" is neither ISO 8601 nor seconds since 1970; ignored", opt);
  }
  if (newsdoc_options_get_bool(newsdoc_ctx_options(ctx), "date-from-clock", 0)) {
    *t = (long long)time(NULL);
    return;
  }
  *t = ND_EPUB_FIXED_EPOCH;
}

/* ---- the state of one write ---------------------------------------------------- */

typedef struct chunk {
  const newsdoc_node *first; /* first top-level node of the chunk */
  size_t count;              /* number of top-level nodes */
} chunk;

typedef struct wstate {
  const newsdoc_doc *doc;
  newsdoc_ctx *ctx;
  nd_epub_book book;
  chunk *chunks;
  size_t nchunks;
  /* media used: index into doc->media per resource, and the renamed
   * entries given to the renderer */
  size_t *res_media;
  nd_media *rmedia;
  size_t cap_res;
  /* ids: which chunk holds each id */
  char **ids;
  size_t *id_chunk;
  size_t nids, capids;
  /* media refused (warned once), by index */
  size_t rejected[64];
  size_t nrejected;
  /* the metadata given to the HTML renderer (borrowed strings) */
  nd_meta_entry *vmeta;
  size_t nvmeta;
} wstate;

static void wstate_free(wstate *w) {
  for (size_t i = 0; i < w->book.nchapters; i++) {
    nd_free(w->book.chapters[i].href);
    nd_free(w->book.chapters[i].id);
    nd_free(w->book.chapters[i].label);
  }
  nd_free(w->book.chapters);
  for (size_t i = 0; i < w->book.nres; i++) {
    nd_free(w->book.res[i].href);
    nd_free(w->book.res[i].id);
    nd_free(w->rmedia[i].name);
  }
  nd_free(w->book.res);
  nd_free(w->res_media);
  nd_free(w->rmedia);
  nd_free(w->chunks);
  nd_free(w->ids);
  nd_free(w->id_chunk);
  nd_free(w->vmeta);
}

/* The renderer's metadata: the document's, with "title", "lang" and "dir"
 * those of the book (so every content document says them). */
static int make_view_meta(wstate *w) {
  const newsdoc_doc *d = w->doc;
  w->vmeta = nd_calloc(d->nmeta + 3, sizeof *w->vmeta);
  if (!w->vmeta) return nd_oom("epub writer");
  static char klang[] = NEWSDOC_META_LANG, kdir[] = NEWSDOC_META_DIR, ktitle[] = NEWSDOC_META_TITLE, rtl[] = "rtl",
              ltr[] = "ltr";
  size_t n = 0;
  w->vmeta[n].key = ktitle;
  w->vmeta[n++].value = (char *)w->book.title;
  for (size_t i = 0; i < d->nmeta; i++)
    if (strcmp(d->meta[i].key, NEWSDOC_META_LANG) && strcmp(d->meta[i].key, NEWSDOC_META_DIR) &&
        strcmp(d->meta[i].key, NEWSDOC_META_TITLE))
      w->vmeta[n++] = d->meta[i];
  w->vmeta[n].key = klang;
  w->vmeta[n++].value = (char *)w->book.lang;
  w->vmeta[n].key = kdir;
  w->vmeta[n++].value = w->book.dir == NEWSDOC_DIR_RTL ? rtl : ltr;
  w->nvmeta = n;
  return 0;
}

static newsdoc_node *walk_next(newsdoc_node *n, const newsdoc_node *top) {
  if (n->first) return n->first;
  while (n && n != top) {
    if (n->next) return n->next;
    n = n->parent;
  }
  return NULL;
}

/* The chunks: a new one at each top-level SECTION. */
static int make_chunks(wstate *w) {
  const newsdoc_node *root = w->doc->root;
  size_t n = 0;
  for (const newsdoc_node *c = root->first; c; c = c->next)
    if (c->type == NEWSDOC_NODE_SECTION || c == root->first) n++;
  if (!n) n = 1;
  w->chunks = nd_calloc(n, sizeof *w->chunks);
  if (!w->chunks) return nd_oom("epub writer");
  size_t k = 0;
  for (const newsdoc_node *c = root->first; c; c = c->next) {
    if (c == root->first || c->type == NEWSDOC_NODE_SECTION) {
      if (c != root->first) k++;
      w->chunks[k].first = c;
    }
    w->chunks[k].count++;
  }
  w->nchunks = n;
  return 0;
}

/* Which chunk a top-level node is in (walk up to the root's child). */
static int index_ids(wstate *w) {
  for (size_t k = 0; k < w->nchunks; k++) {
    const newsdoc_node *c = w->chunks[k].first;
    for (size_t i = 0; i < w->chunks[k].count; i++, c = c->next) {
      for (newsdoc_node *n = (newsdoc_node *)c; n; n = walk_next(n, c)) {
        if (!nd_id(n)) continue;
        if (w->nids == w->capids) {
          size_t nc = w->capids ? w->capids * 2 : 32;
          char **a = nd_realloc(w->ids, nc * sizeof *a);
          if (!a) return nd_oom("epub writer");
          w->ids = a;
          size_t *b = nd_realloc(w->id_chunk, nc * sizeof *b);
          if (!b) return nd_oom("epub writer");
          w->id_chunk = b;
          w->capids = nc;
        }
        w->ids[w->nids] = nd_id(n);
        w->id_chunk[w->nids++] = k;
      }
    }
  }
  return 0;
}

static long find_id(const wstate *w, const char *id) {
  for (size_t i = 0; i < w->nids; i++)
    if (!strcmp(w->ids[i], id)) return (long)w->id_chunk[i];
  return -1;
}

static const char *image_ext(const char *mime) {
  if (!mime) return NULL;
  if (!strcmp(mime, "image/jpeg")) return "jpg";
  if (!strcmp(mime, "image/png")) return "png";
  if (!strcmp(mime, "image/gif")) return "gif";
  if (!strcmp(mime, "image/svg+xml")) return "svg";
  return NULL;
}

static int name_safe(const char *s) {
  if (!s || !*s || *s == '.') return 0;
  for (; *s; s++)
    if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '.' || *s == '-' ||
          *s == '_'))
      return 0;
  return 1;
}

static int name_used(const wstate *w, const char *name) {
  for (size_t i = 0; i < w->book.nres; i++)
    if (!strcasecmp(w->rmedia[i].name, name)) return 1;
  return 0;
}

/* The image type the bytes say (PNG, JPEG, GIF, SVG), or NULL. */
static const char *sniff_image(const unsigned char *d, size_t n) {
  if (n >= 8 && !memcmp(d, "\x89PNG\r\n\x1a\n", 8)) return "image/png";
  if (n >= 3 && d[0] == 0xFF && d[1] == 0xD8 && d[2] == 0xFF) return "image/jpeg";
  if (n >= 6 && (!memcmp(d, "GIF87a", 6) || !memcmp(d, "GIF89a", 6))) return "image/gif";
  size_t lim = n < 1024 ? n : 1024;
  for (size_t i = 0; i + 4 <= lim; i++)
    if (!memcmp(d + i, "<svg", 4)) return "image/svg+xml";
  return NULL;
}

/* The resource for doc media `mi` (added on first use): its index; -1 out
 * of memory, -2 a type EPUB cannot take (warned). */
static long use_media(wstate *w, size_t mi) {
  for (size_t i = 0; i < w->book.nres; i++)
    if (w->res_media[i] == mi) return (long)i;
  for (size_t i = 0; i < w->nrejected; i++)
    if (w->rejected[i] == mi) return -3;
  const nd_media *m = &w->doc->media[mi];
  /* The bytes decide: a declared type that does not match them would make
   * the book invalid. */
  const char *mime = sniff_image(m->data, m->len);
  const char *ext = image_ext(mime);
  if (!ext) {
    newsdoc_ctx_warn(w->ctx, "image \"%s\" (%s) is not PNG, JPEG, GIF or SVG, which EPUB takes without a fallback; left out",
                     m->name, m->mime ? m->mime : "no type");
    if (w->nrejected < sizeof w->rejected / sizeof w->rejected[0]) w->rejected[w->nrejected++] = mi;
    return -2;
  }
  if (!m->mime || strcmp(m->mime, mime))
    newsdoc_ctx_warn(w->ctx, "image \"%s\" is declared %s but its bytes are %s; written as %s", m->name,
                     m->mime ? m->mime : "(no type)", mime, mime);
  if (w->book.nres == w->cap_res) {
    size_t nc = w->cap_res ? w->cap_res * 2 : 8;
    nd_epub_res *r = nd_realloc(w->book.res, nc * sizeof *r);
    if (!r) return -1;
    w->book.res = r;
    size_t *rm = nd_realloc(w->res_media, nc * sizeof *rm);
    if (!rm) return -1;
    w->res_media = rm;
    nd_media *md = nd_realloc(w->rmedia, nc * sizeof *md);
    if (!md) return -1;
    w->rmedia = md;
    w->cap_res = nc;
  }
  size_t k = w->book.nres;
  /* The media's own name when it is a plain, unused file name (so books
   * read back and written again keep their names), else imgNNN.EXT. */
  char name[128], href[160], id[32];
  int own = name_safe(m->name) && strlen(m->name) < sizeof name && !name_used(w, m->name);
  if (own) snprintf(name, sizeof name, "%s", m->name);
  for (size_t n = k + 1; !own; n++) {
    snprintf(name, sizeof name, "img%03zu.%s", n, ext);
    own = !name_used(w, name);
  }
  snprintf(href, sizeof href, "images/%s", name);
  snprintf(id, sizeof id, "img%03zu", k + 1);
  nd_epub_res *r = &w->book.res[k];
  r->href = nd_strdup(href);
  r->id = nd_strdup(id);
  r->mime = mime;
  w->rmedia[k].name = nd_strdup(name);
  w->rmedia[k].mime = (char *)mime;
  w->rmedia[k].data = m->data;
  w->rmedia[k].len = m->len;
  w->res_media[k] = mi;
  w->book.nres++;
  if (!r->href || !r->id || !w->rmedia[k].name) return -1;
  return (long)k;
}

static int has_scheme(const char *u) {
  for (const char *p = u; *p && *p != '/' && *p != '?' && *p != '#'; p++)
    if (*p == ':') return p > u;
  return 0;
}

/* Replace `n` by its children (which move up to its place). */
static void unwrap(newsdoc_node *n) {
  newsdoc_node *c;
  while ((c = n->first)) {
    newsdoc_node_unlink(c);
    if (newsdoc_node_insert_before(n, c)) {
      nd_node_free_tree(c);
    }
  }
  newsdoc_node_free(n);
}

/* Fix up the clone of one chunk: images to resources, links to ids. */
static int fix_chunk(wstate *w, newsdoc_node *body, size_t k) {
  size_t cap = 0, nfix = 0;
  newsdoc_node **fix = NULL;
  for (newsdoc_node *n = body; n; n = walk_next(n, body)) {
    if (!(n->type == NEWSDOC_NODE_IMAGE || n->type == NEWSDOC_NODE_FIGURE || n->type == NEWSDOC_NODE_LINK) ||
        !nd_url(n))
      continue;
    if (nfix == cap) {
      size_t nc = cap ? cap * 2 : 16;
      newsdoc_node **a = nd_realloc(fix, nc * sizeof *a);
      if (!a) {
        nd_free(fix);
        return nd_oom("epub writer");
      }
      fix = a;
      cap = nc;
    }
    fix[nfix++] = n;
  }
  int rc = 0;
  for (size_t i = 0; i < nfix && !rc; i++) {
    newsdoc_node *n = fix[i];
    const char *u = nd_url(n);
    if (n->type == NEWSDOC_NODE_LINK) {
      if (u[0] == '#') {
        long c = u[1] ? find_id(w, u + 1) : -1;
        if (c == (long)k) continue;
        if (c >= 0) {
          nd_buf b = ND_BUF_INIT;
          nd_buf_printf(&b, "%s%s", w->book.chapters[c].href + strlen("text/"), u);
          char *s = nd_buf_detach(&b, NULL);
          if (!s) rc = nd_oom("epub writer");
          else rc = nd_node_take_url(n, s);
          continue;
        }
        newsdoc_ctx_warn(w->ctx, "link to \"%s\": no such id in the document; written as text", u);
        unwrap(n);
      } else if (!has_scheme(u) && strncmp(u, "//", 2)) {
        newsdoc_ctx_warn(w->ctx, "link to \"%s\": a file outside the book; written as text", u);
        unwrap(n);
      }
      continue;
    }
    /* IMAGE or FIGURE */
    size_t mi;
    if (!strncmp(u, "media:", 6) && newsdoc_media_find(w->doc, u, &mi) == 0) {
      long r = use_media(w, mi);
      if (r == -1) {
        rc = nd_oom("epub writer");
        break;
      }
      if (r >= 0) {
        nd_buf b = ND_BUF_INIT;
        nd_buf_printf(&b, "media:%s", w->rmedia[r].name);
        char *s = nd_buf_detach(&b, NULL);
        if (!s) {
          rc = nd_oom("epub writer");
          break;
        }
        if ((rc = nd_node_take_url(n, s))) break;
        continue;
      }
    } else if (!strncmp(u, "media:", 6)) {
      newsdoc_ctx_warn(w->ctx, "image \"%s\": no such media in the document; left out", u + 6);
    } else {
      newsdoc_ctx_warn(w->ctx, "image \"%s\" is not embedded media (EPUB content may not use remote images); %s", u,
                       n->type == NEWSDOC_NODE_IMAGE && has_scheme(u) ? "written as a link" : "left out");
    }
    /* -2/-3: refused (warned in use_media) */
    if (n->type == NEWSDOC_NODE_FIGURE) {
      nd_node_set_url(n, NULL); /* clearing: cannot fail */
    } else if (has_scheme(u) && strncmp(u, "data:", 5) && strncmp(u, "media:", 6)) {
      /* remote image -> link with the alt text */
      newsdoc_node *link = nd_node_alloc(NEWSDOC_NODE_LINK);
      if (!link || newsdoc_node_set_url(link, u) || newsdoc_node_insert_before(n, link)) {
        if (link && !link->parent) nd_node_free_tree(link);
        rc = nd_oom("epub writer");
        break;
      }
      const char *alt = nd_title(n) && *nd_title(n) ? nd_title(n) : u;
      if (!nd_node_add_text(link, alt, strlen(alt))) {
        rc = nd_oom("epub writer");
        break;
      }
      newsdoc_node_free(n);
    } else {
      const char *alt = nd_title(n);
      if (alt && *alt) {
        newsdoc_node *t = nd_node_alloc(NEWSDOC_NODE_TEXT);
        if (!t || newsdoc_node_set_literal(t, alt, strlen(alt)) || newsdoc_node_insert_before(n, t)) {
          if (t && !t->parent) nd_node_free_tree(t);
          rc = nd_oom("epub writer");
          break;
        }
      }
      newsdoc_node_free(n);
    }
  }
  nd_free(fix);
  return rc;
}

static int render_chunk(wstate *w, size_t k, nd_buf *out) {
  newsdoc_node *body = nd_node_alloc(NEWSDOC_NODE_BODY);
  if (!body) return nd_oom("epub writer");
  int rc = 0;
  const newsdoc_node *c = w->chunks[k].first;
  for (size_t i = 0; i < w->chunks[k].count && !rc; i++, c = c->next) {
    newsdoc_node *cl = NULL;
    rc = newsdoc_node_clone(&cl, c);
    if (!rc && (rc = newsdoc_node_append_child(body, cl))) nd_node_free_tree(cl);
  }
  if (!rc) rc = fix_chunk(w, body, k);
  if (!rc) {
    /* A view of the document: this chunk's body, the renamed media, and
     * the metadata with the language and direction the book uses. */
    newsdoc_doc view;
    memset(&view, 0, sizeof view);
    view.root = body;
    view.meta = w->vmeta;
    view.nmeta = w->nvmeta;
    view.media = w->rmedia;
    view.nmedia = w->book.nres;
    nd_html_opts o;
    memset(&o, 0, sizeof o);
    o.xhtml = 1;
    o.css_href = "../" ND_EPUB_CSS_HREF;
    o.media_prefix = "../images/";
    rc = nd_html_render(&view, out, &o, w->ctx);
    if (!rc && out->failed) rc = nd_oom("epub writer");
  }
  nd_node_free_tree(body);
  return rc;
}

/* ---- the writer ------------------------------------------------------------------ */

int nd_epub_write(const newsdoc_doc *doc, newsdoc_sink *sink, newsdoc_ctx *ctx, void *ud) {
  (void)ud;
  wstate w;
  memset(&w, 0, sizeof w);
  w.doc = doc;
  w.ctx = ctx;
  nd_epub_book *bk = &w.book;
  bk->doc = doc;
  char *title_alloc = NULL;
  nd_zipw *z = NULL;
  /* nd_zipw_add keeps a pointer to the data until the archive is finished,
   * so every part has its own buffer that lives until then. */
  nd_buf b = ND_BUF_INIT, opf = ND_BUF_INIT, nav = ND_BUF_INIT, ncx = ND_BUF_INIT, page = ND_BUF_INIT;
  nd_zpart *pages = NULL; /* deflated as soon as written: a large book is not held whole */
  int rc = 0;

  /* language */
  const char *lang = newsdoc_meta_get(doc, NEWSDOC_META_LANG);
  if (lang && !lang_ok(lang)) {
    newsdoc_ctx_warn(ctx, "language \"%s\" is not a BCP 47 tag; written as \"und\"", lang);
    lang = NULL;
  } else if (!lang) {
    newsdoc_ctx_warn(ctx, "the document has no language; dc:language is \"und\"");
  }
  bk->lang = lang ? lang : "und";

  /* direction */
  newsdoc_dir dir = newsdoc_doc_dir(doc);
  if (dir != NEWSDOC_DIR_LTR && dir != NEWSDOC_DIR_RTL) {
    if (lang) dir = nd_lang_is_rtl(lang) ? NEWSDOC_DIR_RTL : NEWSDOC_DIR_LTR;
    else {
      char *t = NULL;
      size_t tl = 0;
      dir = NEWSDOC_DIR_LTR;
      if ((rc = newsdoc_node_text(doc->root, &t, &tl))) goto out;
      if (nd_text_majority_dir(t, tl) == NEWSDOC_DIR_RTL) dir = NEWSDOC_DIR_RTL;
      newsdoc_free(t);
    }
  }
  bk->dir = dir;

  if ((rc = make_chunks(&w))) goto out;

  /* title */
  const char *title = newsdoc_meta_get(doc, NEWSDOC_META_TITLE);
  if (!title || !*title) {
    const char *opt = newsdoc_ctx_option(ctx, "title");
    if (opt && *opt) {
      title = opt;
      newsdoc_ctx_warn(ctx, "the document has no title; using the option title=\"%s\"", opt);
    } else {
      for (newsdoc_node *n = doc->root; n && !title; n = walk_next(n, doc->root))
        if (n->type == NEWSDOC_NODE_HEADING) {
          nd_free(title_alloc);
          if ((rc = node_text(n, &title_alloc))) goto out;
          if (title_alloc && *title_alloc) title = title_alloc;
        }
      if (!title) title = "Untitled";
      newsdoc_ctx_warn(ctx, "the document has no title; using \"%s\"%s", title,
                       title_alloc && title == title_alloc ? " (its first heading)" : "");
    }
  }
  bk->title = title;

  /* identifier */
  char uuid[64];
  const char *ident = newsdoc_meta_get(doc, NEWSDOC_META_IDENTIFIER);
  if (!ident || !*ident) {
    if ((rc = derive_identifier(doc, uuid))) goto out;
    ident = uuid;
  }
  bk->identifier = ident;

  /* dates */
  long long t = 0;
  char date[64], modified[32];
  choose_time(doc, ctx, &t, date, sizeof date);
  nd_epub_format_time(modified, t);
  bk->modified = modified;
  bk->date = date[0] ? date : NULL;

  /* chapters */
  bk->chapters = nd_calloc(w.nchunks, sizeof *bk->chapters);
  if (!bk->chapters) {
    rc = nd_oom("epub writer");
    goto out;
  }
  for (size_t k = 0; k < w.nchunks; k++) {
    char href[64], id[32];
    snprintf(href, sizeof href, "text/ch%03zu.xhtml", k + 1);
    snprintf(id, sizeof id, "ch%03zu", k + 1);
    nd_epub_chapter *ch = &bk->chapters[k];
    bk->nchapters++;
    ch->href = nd_strdup(href);
    ch->id = nd_strdup(id);
    if (!ch->href || !ch->id) {
      rc = nd_oom("epub writer");
      goto out;
    }
    const newsdoc_node *f = w.chunks[k].first;
    if (f && f->type == NEWSDOC_NODE_SECTION) {
      const newsdoc_node *h = newsdoc_node_section_heading(f);
      if (h) {
        if ((rc = node_text(h, &ch->label))) goto out;
        if (ch->label && !*ch->label) {
          nd_free(ch->label);
          ch->label = NULL;
        }
      }
    }
  }
  if ((rc = index_ids(&w))) goto out;
  if ((rc = make_view_meta(&w))) goto out;

  if ((rc = nd_zipw_new(&z, t))) goto out;
  if ((rc = nd_zipw_add(z, "mimetype", "application/epub+zip", 20, 1))) goto out;
  nd_epub_write_container(&b);
  if (b.failed) {
    rc = nd_oom("epub writer");
    goto out;
  }
  if ((rc = nd_zipw_add(z, "META-INF/container.xml", b.data, b.len, 0))) goto out;

  /* Content first: it decides which media are used. */
  pages = nd_calloc(w.nchunks, sizeof *pages);
  if (!pages) {
    rc = nd_oom("epub writer");
    goto out;
  }
  for (size_t k = 0; k < w.nchunks && !rc; k++) {
    rc = render_chunk(&w, k, &page);
    if (!rc) rc = nd_zpart_put(&pages[k], page.data, page.len);
    if (!rc) rc = nd_zpart_finish(&pages[k]);
    nd_buf_clear(&page);
    if (!rc) rc = newsdoc_ctx_check(ctx);
  }
  if (!rc) {
    nd_epub_write_opf(&opf, bk, ctx);
    rc = opf.failed ? nd_oom("epub writer") : nd_zipw_add(z, ND_EPUB_OPF_PATH, opf.data, opf.len, 0);
  }
  if (!rc) {
    nd_epub_write_nav(&nav, bk);
    nd_epub_write_ncx(&ncx, bk);
    if (nav.failed || ncx.failed) rc = nd_oom("epub writer");
  }
  if (!rc) rc = nd_zipw_add(z, ND_EPUB_DIR ND_EPUB_NAV_HREF, nav.data, nav.len, 0);
  if (!rc) rc = nd_zipw_add(z, ND_EPUB_DIR ND_EPUB_NCX_HREF, ncx.data, ncx.len, 0);
  if (!rc) rc = nd_zipw_add(z, ND_EPUB_DIR ND_EPUB_CSS_HREF, nd_epub_css, strlen(nd_epub_css), 0);
  char path[128];
  for (size_t k = 0; k < w.nchunks && !rc; k++) {
    snprintf(path, sizeof path, ND_EPUB_DIR "%s", bk->chapters[k].href);
    rc = nd_zipw_add_zpart(z, path, &pages[k]);
  }
  for (size_t i = 0; i < bk->nres && !rc; i++) {
    snprintf(path, sizeof path, ND_EPUB_DIR "%s", bk->res[i].href);
    /* images are already compressed, except SVG */
    rc = nd_zipw_add(z, path, w.rmedia[i].data, w.rmedia[i].len, strcmp(bk->res[i].mime, "image/svg+xml") != 0);
  }
  if (!rc) {
    rc = nd_zipw_finish(z, sink);
    z = NULL;
  }
out:
  nd_zipw_free(z);
  if (pages)
    for (size_t k = 0; k < w.nchunks; k++) nd_zpart_free(&pages[k]);
  nd_free(pages);
  nd_buf_free(&page);
  nd_buf_free(&b);
  nd_buf_free(&opf);
  nd_buf_free(&nav);
  nd_buf_free(&ncx);
  nd_free(title_alloc);
  wstate_free(&w);
  return rc;
}
