/* writer.c - the model as a WordprocessingML package (.docx).
 *
 * Parts: [Content_Types].xml, _rels/.rels, docProps/core.xml,
 * docProps/app.xml, word/document.xml, word/styles.xml,
 * word/numbering.xml, word/settings.xml, word/footnotes.xml (only when the
 * document has notes), their relationships and word/media/imageN.EXT.
 *
 * Structure uses Word's built-in styles by their real names and IDs
 * (styles.c): Title/Subtitle/Author/Date for the metadata, "heading N" for
 * sections, "Body Text" for paragraphs, Quote, "List Paragraph" with real
 * numbering, Caption, "Table Grid", "footnote text"/"footnote reference",
 * Hyperlink, and pandoc's "Source Code"/"Verbatim Char" for code.
 *
 * Right to left as Word writes it: w:bidi on right-to-left paragraphs,
 * w:rtl on right-to-left runs and w:rtl w:val="0" on left-to-right islands
 * inside them (runs are split by the direction of their characters),
 * w:bCs/w:iCs beside w:b/w:i, w:lang w:bidi="xx-YY" on right-to-left runs,
 * w:bidi in the section properties and w:bidiVisual on tables.
 *
 * Dates: dcterms:created/modified (and the zip timestamps) come from the
 * document's date; else SOURCE_DATE_EPOCH; else, with the option
 * date-from-clock, the current time; else the fixed date
 * 1980-01-01T00:00:00Z.  The same input gives byte-identical output.
 *
 * Every walk is iterative (parent links), never recursive. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unicode/uchar.h>

#include "docx.h"

/* ---- direction helpers (also used by the reader) ---------------------------- */

int nd_docx_cp_dir(uint32_t cp) {
  if (cp < 0x80) return ((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z') ? 1 : 0;
  const nd_ucp *e = nd_ucp_get(cp); /* the scripts of news text, from ICU once */
  UCharDirection d = e ? (UCharDirection)e->dir : u_charDirection((UChar32)cp);
  if (d == U_LEFT_TO_RIGHT) return 1;
  if (d == U_RIGHT_TO_LEFT || d == U_RIGHT_TO_LEFT_ARABIC) return 2;
  return 0;
}

int nd_docx_text_dir(const char *s, size_t len) {
  size_t i = 0;
  while (i < len) {
    int d = nd_docx_next_dir(s, len, &i);
    if (d) return d;
  }
  return 0;
}

/* One list of right-to-left languages for the library (core/lang.c). */
int nd_docx_lang_rtl(const char *lang) { return nd_lang_is_rtl(lang); }

/* Word's language IDs carry a region: "ar" -> "ar-SA" (as Word writes). */
static void word_lang(char *out, size_t cap, const char *lang, int rtl_fallback_hebrew) {
  static const char *const MAP[][2] = {
    {"ar", "ar-SA"}, {"he", "he-IL"}, {"iw", "he-IL"}, {"fa", "fa-IR"}, {"ur", "ur-PK"}, {"ps", "ps-AF"},
    {"sd", "sd-Arab-PK"}, {"ug", "ug-CN"}, {"yi", "yi-Hebr"}, {"dv", "dv-MV"}, {"ckb", "ku-Arab-IQ"},
    {"syr", "syr-SY"}, {"en", "en-US"}, {"fr", "fr-FR"}, {"de", "de-DE"}, {"es", "es-ES"}, {"ru", "ru-RU"},
    {"ks", "ks-Arab"}, {"prs", "prs-AF"}, {NULL, NULL}};
  if (!lang || !*lang) {
    snprintf(out, cap, "%s", rtl_fallback_hebrew ? "he-IL" : "ar-SA");
    return;
  }
  if (!strchr(lang, '-') && !strchr(lang, '_')) {
    for (int i = 0; MAP[i][0]; i++)
      if (!strcasecmp(lang, MAP[i][0])) {
        snprintf(out, cap, "%s", MAP[i][1]);
        return;
      }
  }
  snprintf(out, cap, "%s", lang);
  for (char *p = out; *p; p++)
    if (*p == '_') *p = '-';
}

/* ---- the writer's state ----------------------------------------------------------- */

typedef struct rel {
  char *id;
  char *type;   /* short name: hyperlink, image */
  char *target;
  int external;
} rel;

typedef struct relset {
  rel *v;
  size_t n, cap;
  int next; /* next rId number */
} relset;

typedef struct media_out {
  size_t index; /* in doc->media */
  char *part;   /* word/media/imageN.ext */
  char *ext;
  unsigned px_w, px_h;
} media_out;

typedef struct list_frame {
  const newsdoc_node *list;
  int num_id;
} list_frame;

typedef struct dw {
  const newsdoc_doc *doc;
  newsdoc_ctx *ctx;
  int doc_rtl;
  const char *doc_lang;
  nd_buf *out;        /* the part being written */
  nd_zpart *spill;    /* when set, out is deflated into it as it grows */
  relset *rels;       /* its relationships */
  relset doc_rels, note_rels;
  nd_buf abstracts, nums;
  nd_buf merged;      /* adjacent text of one run (write_inlines) */
  int nlists;
  list_frame *lists;
  size_t nlstack, caplstack;
  const newsdoc_node **notes;
  size_t nnotes, capnotes;
  int in_note;        /* writing footnotes.xml */
  int note_ref_pending;
  media_out *media;
  size_t nmedia, capmedia;
  unsigned docpr_id;
  unsigned bookmark_id;
  const char *lc_lang; /* the run language put_rpr saw last, and for it: */
  int lc_rtl;          /* a right-to-left language */
  char lc_word[64];    /* Word's name (word_lang) */
  int rc;
} dw;

static void fail(dw *w, int rc) {
  if (!w->rc) w->rc = rc;
}

/* Moves what the part has so far into its deflated form (w->spill), so
 * that a large document.xml is never held whole. */
static void spill_out(dw *w) {
  if (!w->spill || w->out->failed || w->rc) return;
  int rc = nd_zpart_put(w->spill, w->out->data, w->out->len);
  nd_buf_clear(w->out);
  if (rc) fail(w, rc);
}

static void esc(nd_buf *b, const char *s) {
  if (s) nd_xml_escape(b, s, strlen(s));
}
static void esc_attr(nd_buf *b, const char *s) {
  if (s) nd_xml_escape_attr(b, s, strlen(s));
}

static const char *rel_add(dw *w, relset *rs, const char *type, const char *target, int external) {
  /* Reuse the relationship of an image used twice (images are few; links
   * get one each, so many links cost no quadratic search). */
  if (!external)
    for (size_t i = 0; i < rs->n; i++)
      if (!rs->v[i].external && !strcmp(rs->v[i].type, type) && !strcmp(rs->v[i].target, target)) return rs->v[i].id;
  if (nd_grow(&rs->v, &rs->cap, rs->n, sizeof *rs->v, 16, "docx: relationships")) { fail(w, NEWSDOC_ENOMEM); return NULL; }
  char id[32];
  snprintf(id, sizeof id, "rId%d", rs->next++);
  rel *r = &rs->v[rs->n];
  r->id = nd_strdup(id);
  r->type = nd_strdup(type);
  r->target = nd_strdup(target);
  r->external = external;
  if (!r->id || !r->type || !r->target) {
    nd_free(r->id); nd_free(r->type); nd_free(r->target);
    fail(w, nd_oom("docx: relationships"));
    return NULL;
  }
  rs->n++;
  return r->id;
}

static void relset_free(relset *rs) {
  for (size_t i = 0; i < rs->n; i++) {
    nd_free(rs->v[i].id);
    nd_free(rs->v[i].type);
    nd_free(rs->v[i].target);
  }
  nd_free(rs->v);
}

/* ---- images ------------------------------------------------------------------------ */

static unsigned be32(const unsigned char *p) { return (unsigned)p[0] << 24 | (unsigned)p[1] << 16 | (unsigned)p[2] << 8 | p[3]; }

/* Pixel size from PNG, GIF or JPEG headers; 0 when unknown. */
static void image_size(const unsigned char *d, size_t n, unsigned *w, unsigned *h) {
  *w = *h = 0;
  if (n >= 24 && !memcmp(d, "\x89PNG\r\n\x1a\n", 8) && !memcmp(d + 12, "IHDR", 4)) {
    *w = be32(d + 16);
    *h = be32(d + 20);
  } else if (n >= 10 && (!memcmp(d, "GIF87a", 6) || !memcmp(d, "GIF89a", 6))) {
    *w = d[6] | (unsigned)d[7] << 8;
    *h = d[8] | (unsigned)d[9] << 8;
  } else if (n >= 4 && d[0] == 0xFF && d[1] == 0xD8) {
    size_t i = 2;
    while (i + 9 < n) {
      if (d[i] != 0xFF) { i++; continue; }
      unsigned char m = d[i + 1];
      if (m == 0xFF) { i++; continue; }
      if (m == 0xD8 || m == 0x01 || (m >= 0xD0 && m <= 0xD7)) { i += 2; continue; }
      size_t seglen = (size_t)d[i + 2] << 8 | d[i + 3];
      if ((m >= 0xC0 && m <= 0xCF) && m != 0xC4 && m != 0xC8 && m != 0xCC) {
        *h = (unsigned)d[i + 5] << 8 | d[i + 6];
        *w = (unsigned)d[i + 7] << 8 | d[i + 8];
        return;
      }
      if (seglen < 2) return;
      i += 2 + seglen;
    }
  }
  if (*w > 100000 || *h > 100000) *w = *h = 0;
}

static const char *mime_ext(const char *mime, const char *name) {
  if (mime) {
    if (!strcmp(mime, "image/png")) return "png";
    if (!strcmp(mime, "image/jpeg") || !strcmp(mime, "image/jpg")) return "jpeg";
    if (!strcmp(mime, "image/gif")) return "gif";
    if (!strcmp(mime, "image/svg+xml")) return "svg";
    if (!strcmp(mime, "image/bmp")) return "bmp";
    if (!strcmp(mime, "image/tiff")) return "tiff";
    if (!strcmp(mime, "image/webp")) return "webp";
    if (!strcmp(mime, "image/x-emf") || !strcmp(mime, "image/emf")) return "emf";
    if (!strcmp(mime, "image/x-wmf") || !strcmp(mime, "image/wmf")) return "wmf";
  }
  const char *dot = name ? strrchr(name, '.') : NULL;
  if (dot && dot[1] && strlen(dot + 1) <= 5) {
    int ok = 1;
    for (const char *p = dot + 1; *p; p++)
      if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9'))) ok = 0;
    if (ok) return dot + 1;
  }
  return "bin";
}

/* The package entry for a media item, added once. */
static media_out *media_use(dw *w, size_t index) {
  for (size_t i = 0; i < w->nmedia; i++)
    if (w->media[i].index == index) return &w->media[i];
  if (nd_grow(&w->media, &w->capmedia, w->nmedia, sizeof *w->media, 8, "docx: media")) { fail(w, NEWSDOC_ENOMEM); return NULL; }
  const nd_media *m = &w->doc->media[index];
  media_out *o = &w->media[w->nmedia];
  memset(o, 0, sizeof *o);
  o->index = index;
  const char *ext = mime_ext(m->mime, m->name);
  /* the media's own name when it is a plain one with this extension (a
   * reader gets the same name back), else imageN.EXT */
  char part[160];
  int plain = strlen(m->name) < 100;
  for (const char *q = m->name; plain && *q; q++)
    if (!((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') || (*q >= '0' && *q <= '9') || *q == '.' || *q == '-' ||
          *q == '_'))
      plain = 0;
  const char *dot = strrchr(m->name, '.');
  if (plain && dot && dot != m->name && !strcmp(dot + 1, ext)) snprintf(part, sizeof part, "word/media/%s", m->name);
  else snprintf(part, sizeof part, "word/media/image%zu.%s", w->nmedia + 1, ext);
  for (size_t k = 0; k < w->nmedia; k++)
    if (!strcmp(w->media[k].part, part)) snprintf(part, sizeof part, "word/media/image%zu.%s", w->nmedia + 1, ext);
  o->part = nd_strdup(part);
  o->ext = nd_strdup(ext);
  if (!o->part || !o->ext) {
    nd_free(o->part); nd_free(o->ext);
    fail(w, nd_oom("docx: media"));
    return NULL;
  }
  image_size(m->data, m->len, &o->px_w, &o->px_h);
  w->nmedia++;
  return o;
}

/* An inline DrawingML picture for "media:NAME"; a remote or missing image
 * becomes its description as text (nothing is fetched). */
static void write_picture(dw *w, const char *url, const char *alt, const char *rpr) {
  nd_buf *b = w->out;
  size_t idx;
  if (!url || strncmp(url, "media:", 6) || newsdoc_media_find(w->doc, url, &idx)) {
    newsdoc_ctx_warn(w->ctx, "docx: image \"%s\" is not in the document's media; written as its description",
                     url ? url : "");
    const char *t = alt && *alt ? alt : url;
    if (t && *t) {
      nd_buf_printf(b, "<w:r>%s<w:t xml:space=\"preserve\">[", rpr);
      esc(b, t);
      nd_buf_puts(b, "]</w:t></w:r>");
    }
    return;
  }
  media_out *m = media_use(w, idx);
  if (!m) return;
  const char *rid = rel_add(w, w->rels, "image", m->part + 5 /* relative to word/ */, 0);
  if (!rid) return;
  unsigned pw = m->px_w ? m->px_w : 400, ph = m->px_h ? m->px_h : 300;
  unsigned long long cx = (unsigned long long)pw * 9525ULL, cy = (unsigned long long)ph * 9525ULL;
  const unsigned long long maxw = 5486400ULL; /* 6 inches */
  if (cx > maxw) {
    cy = cy * maxw / cx;
    cx = maxw;
  }
  unsigned id = ++w->docpr_id;
  nd_buf_printf(b,
                "<w:r>%s<w:drawing><wp:inline distT=\"0\" distB=\"0\" distL=\"0\" distR=\"0\">"
                "<wp:extent cx=\"%llu\" cy=\"%llu\"/><wp:effectExtent l=\"0\" t=\"0\" r=\"0\" b=\"0\"/>"
                "<wp:docPr id=\"%u\" name=\"Picture %u\" descr=\"",
                rpr, cx, cy, id, id);
  esc_attr(b, alt);
  nd_buf_printf(b,
                "\"/><wp:cNvGraphicFramePr><a:graphicFrameLocks noChangeAspect=\"1\"/></wp:cNvGraphicFramePr>"
                "<a:graphic><a:graphicData uri=\"http://schemas.openxmlformats.org/drawingml/2006/picture\">"
                "<pic:pic><pic:nvPicPr><pic:cNvPr id=\"0\" name=\"%s\" descr=\"",
                m->part + 11);
  esc_attr(b, alt);
  nd_buf_printf(b,
                "\"/><pic:cNvPicPr/></pic:nvPicPr><pic:blipFill><a:blip r:embed=\"%s\"/><a:stretch><a:fillRect/>"
                "</a:stretch></pic:blipFill><pic:spPr><a:xfrm><a:off x=\"0\" y=\"0\"/><a:ext cx=\"%llu\" cy=\"%llu\"/>"
                "</a:xfrm><a:prstGeom prst=\"rect\"><a:avLst/></a:prstGeom></pic:spPr></pic:pic></a:graphicData>"
                "</a:graphic></wp:inline></w:drawing></w:r>",
                rid, cx, cy);
}

/* ---- runs ------------------------------------------------------------------------- */

typedef struct fmt {
  int bold, italic, code, link;
  int base_dir;       /* 1 ltr, 2 rtl: the direction the text sits in */
  int para_rtl;
  const char *lang;   /* effective language */
  const char *rstyle; /* character style */
} fmt;

/* Run properties in the schema's order. */
static void put_rpr(dw *w, const fmt *f, int rtl_run) {
  nd_buf *b = w->out;
  nd_buf_puts(b, "<w:rPr>");
  if (f->rstyle) {
    nd_buf_puts(b, "<w:rStyle w:val=\"");
    nd_buf_puts(b, f->rstyle);
    nd_buf_puts(b, "\"/>");
  }
  if (f->bold) nd_buf_puts(b, "<w:b/><w:bCs/>");
  if (f->italic) nd_buf_puts(b, "<w:i/><w:iCs/>");
  if (rtl_run) nd_buf_puts(b, "<w:rtl/>");
  else if (f->para_rtl) nd_buf_puts(b, "<w:rtl w:val=\"0\"/>");
  if (f->lang && f->lang != w->lc_lang) { /* most runs share their language */
    w->lc_lang = f->lang;
    w->lc_rtl = nd_docx_lang_rtl(f->lang);
    word_lang(w->lc_word, sizeof w->lc_word, f->lang, 0);
  }
  if (rtl_run) {
    /* the complex-script language, when the text's language is a
     * right-to-left one (a guess would come back as a language) */
    if (f->lang && w->lc_rtl) {
      nd_buf_puts(b, "<w:lang w:bidi=\"");
      esc_attr(b, w->lc_word);
      nd_buf_puts(b, "\"/>");
    }
  } else if (f->lang && !w->lc_rtl && (!w->doc_lang || strcmp(f->lang, w->doc_lang))) {
    nd_buf_puts(b, "<w:lang w:val=\"");
    esc_attr(b, w->lc_word);
    nd_buf_puts(b, "\"/>");
  }
  nd_buf_puts(b, "</w:rPr>");
}

/* One run of one direction; tabs become w:tab, newlines w:br. */
static void put_run(dw *w, const fmt *f, int rtl_run, const char *s, size_t len) {
  if (!len) return;
  nd_buf *b = w->out;
  nd_buf_puts(b, "<w:r>");
  put_rpr(w, f, rtl_run);
  size_t start = 0;
  for (size_t i = 0; i <= len; i++) {
    char c = i < len ? s[i] : 0;
    if (i < len && c != '\t' && c != '\n' && c != '\r') continue;
    if (i > start) {
      /* xml:space="preserve" where spaces would otherwise go: at either
       * end, or two in a row (Word writes it only there too) */
      const char *t = s + start;
      size_t tl = i - start;
      int keep = t[0] == ' ' || t[tl - 1] == ' ';
      for (const char *q = t, *e = t + tl; !keep && (q = memchr(q, ' ', (size_t)(e - q))) && q + 1 < e; q += 2)
        keep = q[1] == ' ';
      nd_buf_puts(b, keep ? "<w:t xml:space=\"preserve\">" : "<w:t>");
      nd_xml_escape(b, s + start, i - start);
      nd_buf_puts(b, "</w:t>");
    }
    if (i < len) {
      if (c == '\t') nd_buf_puts(b, "<w:tab/>");
      else if (c == '\n') nd_buf_puts(b, "<w:br/>");
      else if (c == '\r' && !(i + 1 < len && s[i + 1] == '\n')) nd_buf_puts(b, "<w:br/>");
    }
    start = i + 1;
  }
  nd_buf_puts(b, "</w:r>");
}

/* Text split into runs by direction: islands of the other direction inside
 * the base direction become their own runs (an LTR island in RTL text is
 * marked w:rtl w:val="0"; an RTL island in LTR text w:rtl).  An island runs
 * from its first to its last strong character of that direction. */
static void put_text(dw *w, const fmt *f, const char *s, size_t len) {
  if (f->code) {
    put_run(w, f, f->base_dir == 2, s, len);
    return;
  }
  int base = f->base_dir ? f->base_dir : 1;
  size_t seg = 0, i = 0;
  int cur = base;
  size_t island_last = 0; /* end of the last strong char of the island */
  while (i < len) {
    size_t at = i;
    int d = nd_docx_next_dir(s, len, &i);
    if (cur == base) {
      if (d && d != base) {
        put_run(w, f, base == 2, s + seg, at - seg);
        seg = at;
        cur = d;
        island_last = i;
      }
    } else {
      if (d == cur) island_last = i;
      else if (d == base) {
        put_run(w, f, cur == 2, s + seg, island_last - seg);
        seg = island_last;
        cur = base;
      }
    }
  }
  if (cur != base) {
    put_run(w, f, cur == 2, s + seg, island_last - seg);
    seg = island_last;
  }
  put_run(w, f, base == 2, s + seg, len - seg);
}

/* The formatting in force at an inline node, from its ancestors up to the
 * block `top`. */
static void fmt_at(dw *w, const newsdoc_node *n, const newsdoc_node *top, int para_dir, fmt *f) {
  memset(f, 0, sizeof *f);
  f->para_rtl = para_dir == 2;
  for (const newsdoc_node *a = n; a && a != top->parent; a = a->parent) {
    switch (a->type) {
    case NEWSDOC_NODE_STRONG: f->bold = 1; break;
    case NEWSDOC_NODE_EMPH: f->italic = 1; break;
    case NEWSDOC_NODE_LINK: f->link = 1; break;
    case NEWSDOC_NODE_CODE: f->code = 1; break;
    default: break;
    }
    if (!f->base_dir && a != top && (a->dir == NEWSDOC_DIR_LTR || a->dir == NEWSDOC_DIR_RTL)) f->base_dir = a->dir == NEWSDOC_DIR_RTL ? 2 : 1;
    if (!f->lang && a->lang && *a->lang) f->lang = a->lang;
    if (a == top) break;
  }
  if (!f->base_dir) f->base_dir = para_dir;
  if (!f->lang) f->lang = w->doc_lang;
  if (f->code) f->rstyle = "VerbatimChar";
  else if (f->link) f->rstyle = "Hyperlink";
}

/* Whether inline node b, after a, can go into a's run: a TEXT or a SOFT_BREAK
 * with the same direction and language. */
static int merges_with(const newsdoc_node *a, const newsdoc_node *b) {
  if (!b || (b->type != NEWSDOC_NODE_TEXT && b->type != NEWSDOC_NODE_SOFT_BREAK) || a->dir != b->dir) return 0;
  if (!a->lang || !b->lang) return !a->lang && !b->lang;
  return !strcmp(a->lang, b->lang);
}

/* Writes the inline children of `block` (a HEADING, PARAGRAPH, CAPTION or
 * TABLE_CELL). */
static void write_inlines(dw *w, const newsdoc_node *block, int para_dir) {
  nd_buf *b = w->out;
  const newsdoc_node *n = block->first;
  int link_depth = 0;
  while (n) {
    fmt f;
    int descend = 0;
    switch (n->type) {
    case NEWSDOC_NODE_TEXT:
      fmt_at(w, n, block, para_dir, &f);
      if (merges_with(n, n->next)) {
        /* text and soft breaks side by side, in the same direction and
         * language: one piece of text, so runs are not split for nothing
         * (a run per sentence and one per space between them) */
        nd_buf *t = &w->merged;
        t->len = 0;
        nd_buf_put(t, n->literal ? n->literal : "", n->literal_len);
        while (merges_with(n, n->next)) {
          n = n->next;
          if (n->type == NEWSDOC_NODE_SOFT_BREAK) nd_buf_putc(t, ' ');
          else nd_buf_put(t, n->literal ? n->literal : "", n->literal_len);
        }
        if (!nd_buf_ok(t)) { fail(w, nd_oom("docx: text")); return; }
        put_text(w, &f, t->data, t->len);
      } else {
        put_text(w, &f, n->literal ? n->literal : "", n->literal_len);
      }
      break;
    case NEWSDOC_NODE_CODE:
      fmt_at(w, n, block, para_dir, &f);
      put_text(w, &f, n->literal ? n->literal : "", n->literal_len);
      break;
    case NEWSDOC_NODE_SOFT_BREAK:
      fmt_at(w, n, block, para_dir, &f);
      put_run(w, &f, f.base_dir == 2, " ", 1);
      break;
    case NEWSDOC_NODE_LINE_BREAK:
      nd_buf_puts(b, "<w:r><w:br/></w:r>");
      break;
    case NEWSDOC_NODE_IMAGE: {
      fmt_at(w, n, block, para_dir, &f);
      write_picture(w, nd_url(n), nd_title(n), "");
      break;
    }
    case NEWSDOC_NODE_NOTE:
      if (w->in_note) {
        newsdoc_ctx_warn(w->ctx, "docx: a note inside a note cannot be a footnote; its text is kept in brackets");
        fmt_at(w, n, block, para_dir, &f);
        char *t = NULL;
        size_t tl = 0;
        int trc = newsdoc_node_text(n, &t, &tl);
        if (trc) { fail(w, trc); return; }
        if (t) {
          for (size_t k = 0; k < tl; k++)
            if (t[k] == '\n') t[k] = ' ';
          put_run(w, &f, f.base_dir == 2, " [", 2);
          put_text(w, &f, t, tl);
          put_run(w, &f, f.base_dir == 2, "]", 1);
        }
        newsdoc_free(t);
      } else {
        if (nd_grow(&w->notes, &w->capnotes, w->nnotes, sizeof *w->notes, 16, "docx: notes")) { fail(w, NEWSDOC_ENOMEM); return; }
        w->notes[w->nnotes++] = n;
        nd_buf_printf(b, "<w:r><w:rPr><w:rStyle w:val=\"FootnoteReference\"/>%s</w:rPr><w:footnoteReference w:id=\"%zu\"/></w:r>",
                      para_dir == 2 ? "<w:rtl/>" : "", w->nnotes);
      }
      break;
    case NEWSDOC_NODE_RAW_INLINE:
      newsdoc_ctx_warn(w->ctx, "docx: raw %s inline content dropped", nd_info(n) ? nd_info(n) : "");
      break;
    case NEWSDOC_NODE_LINK:
      if (!link_depth && nd_url(n) && *nd_url(n)) {
        if (nd_url(n)[0] == '#') {
          nd_buf_puts(b, "<w:hyperlink w:anchor=\"");
          esc_attr(b, nd_url(n) + 1);
          nd_buf_puts(b, "\"");
        } else {
          const char *rid = rel_add(w, w->rels, "hyperlink", nd_url(n), 1);
          if (!rid) return;
          nd_buf_printf(b, "<w:hyperlink r:id=\"%s\"", rid);
        }
        if (nd_title(n) && *nd_title(n)) {
          nd_buf_puts(b, " w:tooltip=\"");
          esc_attr(b, nd_title(n));
          nd_buf_puts(b, "\"");
        }
        nd_buf_puts(b, " w:history=\"1\">");
      }
      link_depth++;
      descend = 1;
      break;
    case NEWSDOC_NODE_QUOTED: {
      fmt_at(w, n, block, para_dir, &f);
      put_text(w, &f, "\xE2\x80\x9C", 3);
      descend = 1;
      break;
    }
    default:
      descend = 1;
      break;
    }
    if (descend && n->first) {
      n = n->first;
      continue;
    }
    if (descend) {
      /* an empty container: close it now */
      if (n->type == NEWSDOC_NODE_LINK && --link_depth == 0 && nd_url(n) && *nd_url(n)) nd_buf_puts(b, "</w:hyperlink>");
      if (n->type == NEWSDOC_NODE_QUOTED) {
        fmt_at(w, n, block, para_dir, &f);
        put_text(w, &f, "\xE2\x80\x9D", 3);
      }
    }
    while (n && n != block && !n->next) {
      n = n->parent;
      if (n == block) { n = NULL; break; }
      if (n->type == NEWSDOC_NODE_LINK && --link_depth == 0 && nd_url(n) && *nd_url(n)) nd_buf_puts(b, "</w:hyperlink>");
      if (n->type == NEWSDOC_NODE_QUOTED) {
        fmt f2;
        fmt_at(w, n, block, para_dir, &f2);
        put_text(w, &f2, "\xE2\x80\x9D", 3);
      }
    }
    if (n) n = n->next;
  }
}

/* ---- paragraphs and blocks -------------------------------------------------------- */

/* 2 when the block reads right to left, 1 otherwise. */
static int block_dir(dw *w, const newsdoc_node *n) {
  newsdoc_dir d = newsdoc_node_effective_dir(n, w->doc);
  if (d == NEWSDOC_DIR_RTL) return 2;
  if (d == NEWSDOC_DIR_LTR) return 1;
  if (d == NEWSDOC_DIR_AUTO || d == NEWSDOC_DIR_UNSET) {
    /* decide from the content (first strong character) */
    char *t = NULL;
    size_t tl = 0;
    int r = 0;
    int rc = newsdoc_node_text(n, &t, &tl);
    if (rc) fail(w, rc);
    else if (t) r = nd_docx_text_dir(t, tl);
    newsdoc_free(t);
    if (r) return r;
  }
  return w->doc_rtl ? 2 : 1;
}

typedef struct ppr {
  const char *style;
  int dir;           /* 1/2 */
  int num_id, ilvl;  /* num_id 0: none */
  int ind_left;      /* twips, 0: none */
  int keep_next;
  int border_bottom;
} ppr;

static void open_para(dw *w, const ppr *p, const char *bookmark) {
  nd_buf *b = w->out;
  nd_buf_puts(b, "<w:p><w:pPr>");
  if (p->style) nd_buf_printf(b, "<w:pStyle w:val=\"%s\"/>", p->style);
  if (p->keep_next) nd_buf_puts(b, "<w:keepNext/>");
  if (p->num_id) nd_buf_printf(b, "<w:numPr><w:ilvl w:val=\"%d\"/><w:numId w:val=\"%d\"/></w:numPr>", p->ilvl, p->num_id);
  if (p->border_bottom)
    nd_buf_puts(b, "<w:pBdr><w:bottom w:val=\"single\" w:sz=\"6\" w:space=\"1\" w:color=\"auto\"/></w:pBdr>");
  if (p->dir == 2) nd_buf_puts(b, "<w:bidi/>");
  if (p->ind_left) nd_buf_printf(b, "<w:ind w:left=\"%d\" w:right=\"%d\"/>", p->ind_left, p->style && !strcmp(p->style, "Quote") ? p->ind_left : 0);
  if (p->dir == 2) nd_buf_puts(b, "<w:rPr><w:rtl/></w:rPr>");
  nd_buf_puts(b, "</w:pPr>");
  if (w->note_ref_pending) {
    w->note_ref_pending = 0;
    nd_buf_printf(b, "<w:r><w:rPr><w:rStyle w:val=\"FootnoteReference\"/>%s</w:rPr><w:footnoteRef/></w:r>"
                     "<w:r>%s<w:t xml:space=\"preserve\"> </w:t></w:r>",
                  p->dir == 2 ? "<w:rtl/>" : "", p->dir == 2 ? "<w:rPr><w:rtl/></w:rPr>" : "");
  }
  if (bookmark && *bookmark) {
    unsigned id = w->bookmark_id++;
    nd_buf_printf(b, "<w:bookmarkStart w:id=\"%u\" w:name=\"", id);
    esc_attr(b, bookmark);
    nd_buf_printf(b, "\"/><w:bookmarkEnd w:id=\"%u\"/>", id);
  }
}

static int quote_depth(const newsdoc_node *n) {
  int q = 0;
  for (const newsdoc_node *a = n->parent; a; a = a->parent)
    if (a->type == NEWSDOC_NODE_BLOCKQUOTE) q++;
  return q;
}

/* Paragraph properties from where a block sits: in a note, a quote, a list
 * item. */
static void context_ppr(dw *w, const newsdoc_node *n, ppr *p, const char *body_style) {
  memset(p, 0, sizeof *p);
  p->dir = block_dir(w, n);
  p->style = w->in_note ? "FootnoteText" : body_style;
  int q = quote_depth(n);
  const newsdoc_node *item = NULL;
  for (const newsdoc_node *a = n->parent; a; a = a->parent)
    if (a->type == NEWSDOC_NODE_ITEM) { item = a; break; }
  if (item && w->nlstack) {
    int ilvl = (int)w->nlstack - 1;
    if (ilvl > 8) ilvl = 8;
    if (n->parent == item && item->first == n) {
      p->num_id = w->lists[w->nlstack - 1].num_id;
      p->ilvl = ilvl;
      if (!w->in_note) p->style = "ListParagraph";
    } else {
      if (!w->in_note) p->style = "ListParagraph";
      p->ind_left = 720 * (ilvl + 1);
    }
  } else if (q) {
    if (!w->in_note) p->style = "Quote";
    if (q > 1) p->ind_left = 864 * q;
  }
}

static void write_table(dw *w, const newsdoc_node *t) {
  nd_buf *b = w->out;
  /* The grid: columns = the widest row, counting spans and cells covered
   * by row spans from above. */
  size_t ncols = 0, nrows = 0;
  for (const newsdoc_node *r = t->first; r; r = r->next) nrows++;
  if (!nrows) return;
  /* remaining[c]: rows still covered by a rowspan in column c */
  size_t cap = 16;
  int *remaining = nd_calloc(cap, sizeof *remaining);
  if (!remaining) { fail(w, nd_oom("docx: table")); return; }
  /* first pass: count columns */
  for (const newsdoc_node *r = t->first; r; r = r->next) {
    size_t c = 0;
    for (const newsdoc_node *cell = r->first; cell; cell = cell->next) {
      while (c < cap && remaining[c] > 0) c++;
      size_t need = c + (size_t)cell->colspan;
      if (need > 16384) {
        nd_free(remaining);
        fail(w, newsdoc_error_set(NEWSDOC_ELIMIT_COUNT, "docx: a table wider than 16384 columns"));
        return;
      }
      if (need > cap) {
        size_t nc = cap;
        while (nc < need) nc *= 2;
        int *nv = nd_realloc(remaining, nc * sizeof *nv);
        if (!nv) { nd_free(remaining); fail(w, nd_oom("docx: table")); return; }
        memset(nv + cap, 0, (nc - cap) * sizeof *nv);
        remaining = nv;
        cap = nc;
      }
      for (int k = 0; k < cell->colspan; k++) remaining[c + (size_t)k] = cell->rowspan;
      c += (size_t)cell->colspan;
    }
    for (size_t k = 0; k < cap; k++) {
      if (k >= c && remaining[k] > 0 && k + 1 > c) c = k + 1;
    }
    if (c > ncols) ncols = c;
    for (size_t k = 0; k < cap; k++)
      if (remaining[k] > 0) remaining[k]--;
  }
  if (!ncols) ncols = 1;
  memset(remaining, 0, cap * sizeof *remaining);
  int tdir = block_dir(w, t);
  nd_buf_puts(b, "<w:tbl><w:tblPr><w:tblStyle w:val=\"TableGrid\"/>");
  if (tdir == 2) nd_buf_puts(b, "<w:bidiVisual/>");
  int first_header = t->first && (t->first->flags & ND_NODE_HEADER);
  nd_buf_printf(b, "<w:tblW w:w=\"5000\" w:type=\"pct\"/><w:tblLook w:val=\"%s\" w:firstRow=\"%d\" w:lastRow=\"0\" "
                   "w:firstColumn=\"0\" w:lastColumn=\"0\" w:noHBand=\"0\" w:noVBand=\"1\"/></w:tblPr><w:tblGrid>",
                first_header ? "0420" : "0400", first_header);
  unsigned colw = (unsigned)(9000 / ncols);
  if (colw < 100) colw = 100;
  for (size_t c = 0; c < ncols; c++) nd_buf_printf(b, "<w:gridCol w:w=\"%u\"/>", colw);
  nd_buf_puts(b, "</w:tblGrid>");
  int *span_of = nd_calloc(cap, sizeof *span_of); /* colspan of the merged cell covering c */
  if (!span_of) { nd_free(remaining); fail(w, nd_oom("docx: table")); return; }
  for (const newsdoc_node *r = t->first; r; r = r->next) {
    nd_buf_puts(b, "<w:tr>");
    if (r->flags & ND_NODE_HEADER) nd_buf_puts(b, "<w:trPr><w:tblHeader/></w:trPr>");
    size_t c = 0;
    const newsdoc_node *cell = r->first;
    while (c < ncols || cell) {
      if (c < cap && remaining[c] > 0) {
        /* a continuation of a cell merged from above */
        int span = span_of[c] > 0 ? span_of[c] : 1;
        nd_buf_puts(b, "<w:tc><w:tcPr>");
        if (span > 1) nd_buf_printf(b, "<w:gridSpan w:val=\"%d\"/>", span);
        nd_buf_puts(b, "<w:vMerge/></w:tcPr><w:p/></w:tc>");
        for (int k = 0; k < span && c < cap; k++, c++) remaining[c]--;
        continue;
      }
      if (!cell) break;
      nd_buf_puts(b, "<w:tc><w:tcPr>");
      nd_buf_printf(b, "<w:tcW w:w=\"%u\" w:type=\"dxa\"/>", colw * (unsigned)cell->colspan);
      if (cell->colspan > 1) nd_buf_printf(b, "<w:gridSpan w:val=\"%d\"/>", cell->colspan);
      if (cell->rowspan > 1) nd_buf_puts(b, "<w:vMerge w:val=\"restart\"/>");
      nd_buf_puts(b, "</w:tcPr>");
      ppr p;
      memset(&p, 0, sizeof p);
      p.dir = block_dir(w, cell);
      p.style = w->in_note ? "FootnoteText" : "Compact";
      open_para(w, &p, nd_id(cell));
      write_inlines(w, cell, p.dir);
      nd_buf_puts(b, "</w:p></w:tc>");
      for (int k = 0; k < cell->colspan && c + (size_t)k < cap; k++) {
        remaining[c + (size_t)k] = cell->rowspan - 1;
        span_of[c + (size_t)k] = cell->colspan;
      }
      c += (size_t)cell->colspan;
      cell = cell->next;
    }
    nd_buf_puts(b, "</w:tr>");
  }
  nd_free(remaining);
  nd_free(span_of);
  nd_buf_puts(b, "</w:tbl>");
}

static void write_code_block(dw *w, const newsdoc_node *n) {
  ppr p;
  context_ppr(w, n, &p, "SourceCode");
  if (!w->in_note && !p.num_id && strcmp(p.style, "ListParagraph")) p.style = "SourceCode";
  p.dir = 1;
  open_para(w, &p, nd_id(n));
  size_t len = n->literal_len;
  const char *s = n->literal ? n->literal : "";
  if (len && s[len - 1] == '\n') len--;
  fmt f;
  memset(&f, 0, sizeof f);
  f.rstyle = "VerbatimChar";
  f.code = 1;
  f.base_dir = 1;
  put_run(w, &f, 0, s, len);
  nd_buf_puts(w->out, "</w:p>");
}

static void write_leaf(dw *w, const newsdoc_node *n) {
  nd_buf *b = w->out;
  ppr p;
  switch (n->type) {
  case NEWSDOC_NODE_HEADING: {
    int level = n->parent && n->parent->type == NEWSDOC_NODE_SECTION ? n->parent->level : 1;
    if (level < 1) level = 1;
    if (level > 6) level = 6;
    char style[16];
    snprintf(style, sizeof style, "Heading%d", level);
    memset(&p, 0, sizeof p);
    p.dir = block_dir(w, n);
    p.style = style;
    if (w->in_note) p.style = "FootnoteText";
    const char *bm = nd_id(n) ? nd_id(n) : (n->parent ? nd_id(n->parent) : NULL);
    open_para(w, &p, bm);
    write_inlines(w, n, p.dir);
    nd_buf_puts(b, "</w:p>");
    break;
  }
  case NEWSDOC_NODE_PARAGRAPH:
    context_ppr(w, n, &p, "BodyText");
    open_para(w, &p, nd_id(n));
    write_inlines(w, n, p.dir);
    nd_buf_puts(b, "</w:p>");
    break;
  case NEWSDOC_NODE_FIGURE: {
    context_ppr(w, n, &p, "CaptionedFigure");
    if (!strcmp(p.style, "BodyText")) p.style = "CaptionedFigure";
    open_para(w, &p, nd_id(n));
    write_picture(w, nd_url(n), nd_title(n), "");
    nd_buf_puts(b, "</w:p>");
    if (n->first && n->first->type == NEWSDOC_NODE_CAPTION) {
      context_ppr(w, n->first, &p, "Caption");
      if (!p.num_id && !w->in_note) p.style = "Caption";
      p.num_id = 0;
      open_para(w, &p, NULL);
      write_inlines(w, n->first, p.dir);
      nd_buf_puts(b, "</w:p>");
    }
    break;
  }
  case NEWSDOC_NODE_TABLE:
    write_table(w, n);
    break;
  case NEWSDOC_NODE_CODE_BLOCK:
    write_code_block(w, n);
    break;
  case NEWSDOC_NODE_THEMATIC_BREAK:
    context_ppr(w, n, &p, "BodyText");
    p.border_bottom = 1;
    open_para(w, &p, nd_id(n));
    nd_buf_puts(b, "</w:p>");
    break;
  case NEWSDOC_NODE_RAW_BLOCK:
    newsdoc_ctx_warn(w->ctx, "docx: raw %s block dropped", nd_info(n) ? nd_info(n) : "");
    break;
  default:
    break;
  }
}

static int is_block_container(int t) {
  return t == NEWSDOC_NODE_SECTION || t == NEWSDOC_NODE_BLOCKQUOTE || t == NEWSDOC_NODE_LIST || t == NEWSDOC_NODE_ITEM;
}

/* The numbering definition of one list: its own abstractNum (so nested
 * lists of another kind keep their kind) and a num pointing at it. */
static int list_numbering(dw *w, const newsdoc_node *list, int ilvl) {
  int id = ++w->nlists;
  int ordered = list->list_type == NEWSDOC_LIST_ORDERED;
  nd_buf *a = &w->abstracts;
  nd_buf_printf(a, "<w:abstractNum w:abstractNumId=\"%d\"><w:multiLevelType w:val=\"hybridMultilevel\"/>", id - 1);
  static const char *const BULLETS[] = {"\xE2\x80\xA2", "\xE2\x97\xA6", "\xE2\x96\xAA"};
  static const char *const FORMATS[] = {"decimal", "lowerLetter", "lowerRoman"};
  for (int l = 0; l < 9; l++) {
    int start = ordered && l == ilvl ? list->start : 1;
    nd_buf_printf(a, "<w:lvl w:ilvl=\"%d\"><w:start w:val=\"%d\"/>", l, start);
    if (ordered) nd_buf_printf(a, "<w:numFmt w:val=\"%s\"/><w:lvlText w:val=\"%%%d.\"/>", FORMATS[l % 3], l + 1);
    else nd_buf_printf(a, "<w:numFmt w:val=\"bullet\"/><w:lvlText w:val=\"%s\"/>", BULLETS[l % 3]);
    nd_buf_printf(a, "<w:lvlJc w:val=\"left\"/><w:pPr><w:ind w:left=\"%d\" w:hanging=\"360\"/></w:pPr>", 720 * (l + 1));
    nd_buf_puts(a, "</w:lvl>");
  }
  nd_buf_puts(a, "</w:abstractNum>");
  nd_buf_printf(&w->nums, "<w:num w:numId=\"%d\"><w:abstractNumId w:val=\"%d\"/></w:num>", id, id - 1);
  return id;
}

/* Writes the blocks under `root` (BODY or a NOTE) into w->out. */
static void write_blocks(dw *w, const newsdoc_node *root) {
  const newsdoc_node *n = root->first;
  size_t counter = 0;
  while (n && !w->rc) {
    if ((++counter & 1023) == 0) {
      int rc = newsdoc_ctx_check(w->ctx);
      if (rc) { fail(w, rc); return; }
    }
    if (is_block_container(n->type)) {
      if (n->type == NEWSDOC_NODE_LIST) {
        if (nd_grow(&w->lists, &w->caplstack, w->nlstack, sizeof *w->lists, 8, "docx: lists")) { fail(w, NEWSDOC_ENOMEM); return; }
        int ilvl = (int)w->nlstack > 8 ? 8 : (int)w->nlstack;
        w->lists[w->nlstack].list = n;
        w->lists[w->nlstack].num_id = list_numbering(w, n, ilvl);
        w->nlstack++;
      }
      if (n->first) {
        n = n->first;
        continue;
      }
      if (n->type == NEWSDOC_NODE_LIST) w->nlstack--;
    } else {
      write_leaf(w, n);
      if (w->spill && w->out->len >= (256u << 10)) spill_out(w);
    }
    while (n && !n->next) {
      n = n->parent;
      if (!n || n == root) { n = NULL; break; }
      if (n->type == NEWSDOC_NODE_LIST && w->nlstack) w->nlstack--;
    }
    if (n) n = n->next;
  }
}

/* ---- the fixed parts --------------------------------------------------------------- */

#define XML_DECL "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
#define W_NS_DECLS                                                                                                     \
  " xmlns:w=\"" ND_NS_W "\" xmlns:r=\"" ND_NS_R "\" xmlns:wp=\"" ND_NS_WP "\" xmlns:a=\"" ND_NS_A "\" xmlns:pic=\"" \
  ND_NS_PIC "\""

static void write_rels(nd_buf *b, const relset *rs, const char *fixed) {
  nd_buf_puts(b, XML_DECL "<Relationships xmlns=\"" ND_NS_PKG_REL "\">");
  if (fixed) nd_buf_puts(b, fixed);
  for (size_t i = 0; i < rs->n; i++) {
    const rel *r = &rs->v[i];
    nd_buf_printf(b, "<Relationship Id=\"%s\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/%s\" Target=\"",
                  r->id, r->type);
    esc_attr(b, r->target);
    nd_buf_puts(b, r->external ? "\" TargetMode=\"External\"/>" : "\"/>");
  }
  nd_buf_puts(b, "</Relationships>");
}

/* ---- dates ---------------------------------------------------------------------------- */

static int digits(const char *s, int n, int *out) {
  int v = 0;
  for (int i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9') return 0;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return 1;
}

/* ISO 8601 (YYYY, YYYY-MM, YYYY-MM-DD, with an optional THH:MM[:SS][.fff][Z|+HH:MM]) to a Unix time. */
static int parse_iso(const char *s, long long *out) {
  if (!s) return 0;
  struct tm tm;
  memset(&tm, 0, sizeof tm);
  int y, mo = 1, d = 1, h = 0, mi = 0, se = 0;
  size_t n = strlen(s);
  if (n < 4 || !digits(s, 4, &y)) return 0;
  const char *p = s + 4;
  if (*p == '-') {
    if (!digits(p + 1, 2, &mo)) return 0;
    p += 3;
    if (*p == '-') {
      if (!digits(p + 1, 2, &d)) return 0;
      p += 3;
    }
  }
  long off = 0;
  if (*p == 'T' || *p == ' ') {
    if (!digits(p + 1, 2, &h) || p[3] != ':' || !digits(p + 4, 2, &mi)) return 0;
    p += 6;
    if (*p == ':') {
      if (!digits(p + 1, 2, &se)) return 0;
      p += 3;
    }
    if (*p == '.')
      for (p++; *p >= '0' && *p <= '9'; p++) {}
    if (*p == 'Z') p++;
    else if (*p == '+' || *p == '-') {
      int oh, om = 0;
      if (!digits(p + 1, 2, &oh)) return 0;
      const char *q = p + 3;
      if (*q == ':') q++;
      if (*q) {
        if (!digits(q, 2, &om)) return 0;
        q += 2;
      }
      off = (oh * 3600L + om * 60L) * (*p == '-' ? -1 : 1);
      p = q;
    }
  }
  if (*p) return 0;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60 || y < 1) return 0;
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = se;
  *out = (long long)timegm(&tm) - off;
  return 1;
}

static long long doc_time(dw *w) {
  long long t;
  if (parse_iso(newsdoc_meta_get(w->doc, NEWSDOC_META_DATE), &t)) return t;
  const char *sde = getenv("SOURCE_DATE_EPOCH");
  if (sde && *sde) {
    char *end;
    long long v = strtoll(sde, &end, 10);
    if (!*end && v >= 0) return v;
  }
  if (newsdoc_options_get_bool(newsdoc_ctx_options(w->ctx), "date-from-clock", 0)) return (long long)time(NULL);
  return 315532800LL; /* 1980-01-01T00:00:00Z */
}

static void put_w3cdtf(nd_buf *b, long long t) {
  time_t tt = (time_t)t;
  struct tm tm;
  if (!gmtime_r(&tt, &tm)) memset(&tm, 0, sizeof tm);
  nd_buf_printf(b, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                tm.tm_sec);
}

static void write_core(dw *w, nd_buf *b, long long t) {
  const newsdoc_doc *d = w->doc;
  nd_buf_puts(b, XML_DECL "<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" "
                 "xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" "
                 "xmlns:dcmitype=\"http://purl.org/dc/dcmitype/\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">");
  const char *title = newsdoc_meta_get(d, NEWSDOC_META_TITLE);
  if (title) { nd_buf_puts(b, "<dc:title>"); esc(b, title); nd_buf_puts(b, "</dc:title>"); }
  const char *sub = newsdoc_meta_get(d, NEWSDOC_META_SUBTITLE);
  if (sub) { nd_buf_puts(b, "<dc:subject>"); esc(b, sub); nd_buf_puts(b, "</dc:subject>"); }
  size_t na = newsdoc_meta_count(d, NEWSDOC_META_AUTHOR);
  if (na) {
    nd_buf_puts(b, "<dc:creator>");
    for (size_t i = 0; i < na; i++) {
      if (i) nd_buf_puts(b, "; ");
      esc(b, newsdoc_meta_get_nth(d, NEWSDOC_META_AUTHOR, i));
    }
    nd_buf_puts(b, "</dc:creator>");
  } else if (newsdoc_meta_get(d, NEWSDOC_META_BYLINE)) {
    nd_buf_puts(b, "<dc:creator>");
    esc(b, newsdoc_meta_get(d, NEWSDOC_META_BYLINE));
    nd_buf_puts(b, "</dc:creator>");
  }
  size_t nk = newsdoc_meta_count(d, NEWSDOC_META_KEYWORD);
  if (nk) {
    nd_buf_puts(b, "<cp:keywords>");
    for (size_t i = 0; i < nk; i++) {
      if (i) nd_buf_puts(b, ", ");
      esc(b, newsdoc_meta_get_nth(d, NEWSDOC_META_KEYWORD, i));
    }
    nd_buf_puts(b, "</cp:keywords>");
  }
  const char *desc = newsdoc_meta_get(d, NEWSDOC_META_DESCRIPTION);
  if (desc) { nd_buf_puts(b, "<dc:description>"); esc(b, desc); nd_buf_puts(b, "</dc:description>"); }
  const char *ident = newsdoc_meta_get(d, NEWSDOC_META_IDENTIFIER);
  if (!ident) ident = newsdoc_meta_get(d, NEWSDOC_META_SOURCE_URL);
  if (ident) { nd_buf_puts(b, "<dc:identifier>"); esc(b, ident); nd_buf_puts(b, "</dc:identifier>"); }
  if (w->doc_lang) { nd_buf_puts(b, "<dc:language>"); esc(b, w->doc_lang); nd_buf_puts(b, "</dc:language>"); }
  nd_buf_puts(b, "<dcterms:created xsi:type=\"dcterms:W3CDTF\">");
  put_w3cdtf(b, t);
  nd_buf_puts(b, "</dcterms:created><dcterms:modified xsi:type=\"dcterms:W3CDTF\">");
  put_w3cdtf(b, t);
  nd_buf_puts(b, "</dcterms:modified></cp:coreProperties>");
}

static void write_app(dw *w, nd_buf *b) {
  nd_buf_puts(b, XML_DECL "<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\" "
                 "xmlns:vt=\"http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes\">"
                 "<Application>libnewsdoc</Application><DocSecurity>0</DocSecurity>");
  const char *pub = newsdoc_meta_get(w->doc, NEWSDOC_META_PUBLISHER);
  if (pub) { nd_buf_puts(b, "<Company>"); esc(b, pub); nd_buf_puts(b, "</Company>"); }
  nd_buf_puts(b, "<LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc>"
                 "<HyperlinksChanged>false</HyperlinksChanged></Properties>");
}

static void write_settings(dw *w, nd_buf *b, const char *lang_val, const char *lang_bidi) {
  nd_buf_puts(b, XML_DECL "<w:settings xmlns:w=\"" ND_NS_W "\"><w:zoom w:percent=\"100\"/>"
                 "<w:defaultTabStop w:val=\"720\"/><w:characterSpacingControl w:val=\"doNotCompress\"/>");
  if (w->nnotes) nd_buf_puts(b, "<w:footnotePr><w:footnote w:id=\"-1\"/><w:footnote w:id=\"0\"/></w:footnotePr>");
  nd_buf_puts(b, "<w:compat><w:compatSetting w:name=\"compatibilityMode\" w:uri=\"http://schemas.microsoft.com/office/word\" "
                 "w:val=\"15\"/></w:compat><w:themeFontLang w:val=\"");
  esc_attr(b, lang_val);
  nd_buf_puts(b, "\"");
  if (lang_bidi) {
    nd_buf_puts(b, " w:bidi=\"");
    esc_attr(b, lang_bidi);
    nd_buf_puts(b, "\"");
  }
  nd_buf_puts(b, "/><w:decimalSymbol w:val=\".\"/><w:listSeparator w:val=\",\"/></w:settings>");
}

/* ---- the title block --------------------------------------------------------------- */

static void meta_para(dw *w, const char *style, const char *text) {
  if (!text || !*text) return;
  ppr p;
  memset(&p, 0, sizeof p);
  p.style = style;
  int d = nd_docx_text_dir(text, strlen(text));
  p.dir = d ? d : (w->doc_rtl ? 2 : 1);
  open_para(w, &p, NULL);
  fmt f;
  memset(&f, 0, sizeof f);
  f.para_rtl = p.dir == 2;
  f.base_dir = p.dir;
  f.lang = w->doc_lang;
  put_text(w, &f, text, strlen(text));
  nd_buf_puts(w->out, "</w:p>");
}

/* ---- the package ----------------------------------------------------------------------- */

/* JPEG, PNG, GIF and WebP are compressed already: stored, not deflated again
 * (as the EPUB writer does). */
static int compressed_image(const char *mime) {
  static const char *const T[] = {"image/jpeg", "image/png", "image/gif", "image/webp"};
  for (size_t i = 0; mime && i < sizeof T / sizeof *T; i++)
    if (!strcasecmp(mime, T[i])) return 1;
  return 0;
}

int nd_docx_write(const newsdoc_doc *doc, newsdoc_sink *sink, newsdoc_ctx *ctx, void *ud) {
  (void)ud;
  dw w;
  memset(&w, 0, sizeof w);
  w.doc = doc;
  w.ctx = ctx;
  w.doc_lang = newsdoc_meta_get(doc, NEWSDOC_META_LANG);
  if (w.doc_lang && !*w.doc_lang) w.doc_lang = NULL;
  newsdoc_dir dd = newsdoc_doc_dir(doc);
  if (dd == NEWSDOC_DIR_RTL) w.doc_rtl = 1;
  else if (dd == NEWSDOC_DIR_LTR) w.doc_rtl = 0;
  else w.doc_rtl = nd_docx_lang_rtl(w.doc_lang);
  w.doc_rels.next = 10;
  w.note_rels.next = 1;
  w.bookmark_id = 0;

  nd_buf docx = ND_BUF_INIT, notes = ND_BUF_INIT, styles = ND_BUF_INIT, numbering = ND_BUF_INIT, settings = ND_BUF_INIT,
         core = ND_BUF_INIT, app = ND_BUF_INIT, ctypes = ND_BUF_INIT, rootrels = ND_BUF_INIT, docrels = ND_BUF_INIT,
         noterels = ND_BUF_INIT;
  nd_buf_init(&w.abstracts);
  nd_buf_init(&w.merged);
  nd_buf_init(&w.nums);
  nd_buf *all[] = {&docx, &notes, &styles, &numbering, &settings, &core, &app, &ctypes, &rootrels, &docrels, &noterels};
  nd_zipw *z = NULL;
  nd_zpart docz = ND_ZPART_INIT;
  int rc = 0;

  /* word/document.xml */
  w.out = &docx;
  w.spill = &docz;
  w.rels = &w.doc_rels;
  nd_buf_puts(&docx, XML_DECL "<w:document" W_NS_DECLS "><w:body>");
  meta_para(&w, "Title", newsdoc_meta_get(doc, NEWSDOC_META_TITLE));
  meta_para(&w, "Subtitle", newsdoc_meta_get(doc, NEWSDOC_META_SUBTITLE));
  size_t na = newsdoc_meta_count(doc, NEWSDOC_META_AUTHOR);
  const char *byline = newsdoc_meta_get(doc, NEWSDOC_META_BYLINE);
  if (byline) meta_para(&w, "Author", byline);
  else
    for (size_t i = 0; i < na; i++) meta_para(&w, "Author", newsdoc_meta_get_nth(doc, NEWSDOC_META_AUTHOR, i));
  meta_para(&w, "Date", newsdoc_meta_get(doc, NEWSDOC_META_DATE));
  write_blocks(&w, doc->root);
  nd_buf_puts(&docx, "<w:sectPr><w:pgSz w:w=\"11906\" w:h=\"16838\"/><w:pgMar w:top=\"1440\" w:right=\"1440\" "
                     "w:bottom=\"1440\" w:left=\"1440\" w:header=\"708\" w:footer=\"708\" w:gutter=\"0\"/>"
                     "<w:cols w:space=\"708\"/>");
  if (w.doc_rtl) nd_buf_puts(&docx, "<w:bidi/>");
  nd_buf_puts(&docx, "<w:docGrid w:linePitch=\"360\"/></w:sectPr></w:body></w:document>");
  spill_out(&w);
  w.spill = NULL;

  /* word/footnotes.xml */
  if (!w.rc && w.nnotes) {
    w.out = &notes;
    w.rels = &w.note_rels;
    w.in_note = 1;
    nd_buf_puts(&notes, XML_DECL "<w:footnotes" W_NS_DECLS ">"
                        "<w:footnote w:type=\"separator\" w:id=\"-1\"><w:p><w:pPr><w:spacing w:after=\"0\" w:line=\"240\" "
                        "w:lineRule=\"auto\"/></w:pPr><w:r><w:separator/></w:r></w:p></w:footnote>"
                        "<w:footnote w:type=\"continuationSeparator\" w:id=\"0\"><w:p><w:pPr><w:spacing w:after=\"0\" "
                        "w:line=\"240\" w:lineRule=\"auto\"/></w:pPr><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>");
    for (size_t i = 0; i < w.nnotes && !w.rc; i++) {
      nd_buf_printf(&notes, "<w:footnote w:id=\"%zu\">", i + 1);
      w.note_ref_pending = 1;
      write_blocks(&w, w.notes[i]);
      if (w.note_ref_pending) {
        /* an empty note still needs a paragraph */
        ppr p;
        memset(&p, 0, sizeof p);
        p.style = "FootnoteText";
        p.dir = w.doc_rtl ? 2 : 1;
        open_para(&w, &p, NULL);
        nd_buf_puts(&notes, "</w:p>");
      }
      nd_buf_puts(&notes, "</w:footnote>");
    }
    nd_buf_puts(&notes, "</w:footnotes>");
  }
  if ((rc = w.rc)) goto done;

  /* languages as Word stores them */
  char lang_val[64], lang_bidi[64];
  const char *lb = NULL;
  if (w.doc_lang && !nd_docx_lang_rtl(w.doc_lang)) word_lang(lang_val, sizeof lang_val, w.doc_lang, 0);
  else snprintf(lang_val, sizeof lang_val, "en-US");
  if (w.doc_lang && nd_docx_lang_rtl(w.doc_lang)) {
    word_lang(lang_bidi, sizeof lang_bidi, w.doc_lang, 0);
    lb = lang_bidi;
  } else if (w.doc_rtl) {
    snprintf(lang_bidi, sizeof lang_bidi, "ar-SA");
    lb = lang_bidi;
  }
  /* the language of the text only when the document says it (a reader
   * takes it from there) */
  nd_docx_styles(&styles, w.doc_lang ? lang_val : NULL, w.doc_lang ? lb : NULL, w.doc_rtl);

  nd_buf_puts(&numbering, XML_DECL "<w:numbering xmlns:w=\"" ND_NS_W "\">");
  nd_buf_put(&numbering, w.abstracts.data, w.abstracts.len);
  nd_buf_put(&numbering, w.nums.data, w.nums.len);
  nd_buf_puts(&numbering, "</w:numbering>");

  write_settings(&w, &settings, lang_val, lb);
  long long t = doc_time(&w);
  write_core(&w, &core, t);
  write_app(&w, &app);

  /* content types: one Default per media extension, in order of use */
  nd_buf_puts(&ctypes, XML_DECL "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
                       "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
                       "<Default Extension=\"xml\" ContentType=\"application/xml\"/>");
  for (size_t i = 0; i < w.nmedia; i++) {
    int seen = 0;
    for (size_t k = 0; k < i; k++)
      if (!strcmp(w.media[k].ext, w.media[i].ext)) seen = 1;
    if (seen) continue;
    const nd_media *m = &doc->media[w.media[i].index];
    nd_buf_printf(&ctypes, "<Default Extension=\"%s\" ContentType=\"", w.media[i].ext);
    esc_attr(&ctypes, m->mime && *m->mime ? m->mime : "application/octet-stream");
    nd_buf_puts(&ctypes, "\"/>");
  }
  nd_buf_puts(&ctypes,
              "<Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>"
              "<Override PartName=\"/word/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml\"/>"
              "<Override PartName=\"/word/numbering.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml\"/>"
              "<Override PartName=\"/word/settings.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml\"/>");
  if (w.nnotes)
    nd_buf_puts(&ctypes, "<Override PartName=\"/word/footnotes.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml\"/>");
  nd_buf_puts(&ctypes,
              "<Override PartName=\"/docProps/core.xml\" ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/>"
              "<Override PartName=\"/docProps/app.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.extended-properties+xml\"/>"
              "</Types>");

  nd_buf_puts(&rootrels, XML_DECL "<Relationships xmlns=\"" ND_NS_PKG_REL "\">"
                         "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/>"
                         "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" Target=\"docProps/core.xml\"/>"
                         "<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties\" Target=\"docProps/app.xml\"/>"
                         "</Relationships>");
  write_rels(&docrels, &w.doc_rels,
             w.nnotes ? "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>"
                        "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering\" Target=\"numbering.xml\"/>"
                        "<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings\" Target=\"settings.xml\"/>"
                        "<Relationship Id=\"rId4\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes\" Target=\"footnotes.xml\"/>"
                      : "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>"
                        "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering\" Target=\"numbering.xml\"/>"
                        "<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings\" Target=\"settings.xml\"/>");
  if (w.nnotes && w.note_rels.n) write_rels(&noterels, &w.note_rels, NULL);

  if ((rc = w.rc)) goto done;
  if (w.abstracts.failed || w.nums.failed) { rc = nd_oom("docx: writing the numbering"); goto done; }
  for (size_t i = 0; i < sizeof all / sizeof *all; i++)
    if (all[i]->failed) { rc = nd_oom("docx: writing the parts"); goto done; }

  if ((rc = nd_zipw_new(&z, t))) goto done;
  struct { const char *name; nd_buf *b; } parts[] = {
    {"[Content_Types].xml", &ctypes}, {"_rels/.rels", &rootrels}, {"docProps/core.xml", &core},
    {"docProps/app.xml", &app}, {"word/document.xml", &docx}, {"word/_rels/document.xml.rels", &docrels},
    {"word/styles.xml", &styles}, {"word/numbering.xml", &numbering}, {"word/settings.xml", &settings},
    {"word/footnotes.xml", &notes}, {"word/_rels/footnotes.xml.rels", &noterels}};
  for (size_t i = 0; i < sizeof parts / sizeof *parts; i++) {
    if (parts[i].b == &docx) { /* deflated already */
      if ((rc = nd_zipw_add_zpart(z, parts[i].name, &docz))) goto done;
      continue;
    }
    if (!parts[i].b->len) continue;
    if ((rc = nd_zipw_add(z, parts[i].name, parts[i].b->data, parts[i].b->len, 0))) goto done;
  }
  for (size_t i = 0; i < w.nmedia; i++) {
    const nd_media *m = &doc->media[w.media[i].index];
    if ((rc = nd_zipw_add(z, w.media[i].part, m->data, m->len, compressed_image(m->mime)))) goto done;
  }
  rc = nd_zipw_finish(z, sink);
  z = NULL;

done:
  nd_zipw_free(z);
  nd_zpart_free(&docz);
  for (size_t i = 0; i < sizeof all / sizeof *all; i++) nd_buf_free(all[i]);
  nd_buf_free(&w.abstracts);
  nd_buf_free(&w.merged);
  nd_buf_free(&w.nums);
  relset_free(&w.doc_rels);
  relset_free(&w.note_rels);
  for (size_t i = 0; i < w.nmedia; i++) {
    nd_free(w.media[i].part);
    nd_free(w.media[i].ext);
  }
  nd_free(w.media);
  nd_free(w.notes);
  nd_free(w.lists);
  return rc;
}
