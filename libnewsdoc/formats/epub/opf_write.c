/* opf_write.c - writing META-INF/container.xml, the package document,
 * nav.xhtml, the NCX, the stylesheet and the frame of content documents.
 * Every text goes through nd_xml_escape*; the output depends only on the
 * book description, so it is reproducible. */
#include <stdio.h>

#include "epub.h"

static void esc(nd_buf *b, const char *s) { nd_xml_escape(b, s, strlen(s)); }
static void esc_attr(nd_buf *b, const char *s) { nd_xml_escape_attr(b, s, strlen(s)); }

/* Keys the package document writes as elements of their own (or uses
 * elsewhere); every other key goes to <meta property="newsdoc:KEY">. */
static const char *const MAPPED[] = {
    NEWSDOC_META_TITLE, "title-alternate", "title-alternate-lang", NEWSDOC_META_SUBTITLE, NEWSDOC_META_AUTHOR,
    NEWSDOC_META_LANG, NEWSDOC_META_DIR, NEWSDOC_META_PUBLISHER, NEWSDOC_META_IDENTIFIER, NEWSDOC_META_DESCRIPTION,
    NEWSDOC_META_KEYWORD, "contributor", "rights", "source", NULL};

int nd_epub_meta_is_mapped(const char *key) {
  for (size_t i = 0; MAPPED[i]; i++)
    if (!strcmp(MAPPED[i], key)) return 1;
  return 0;
}

/* A key usable as the reference part of a property: a letter, then
 * letters, digits, '-', '_', '.'. */
static int key_ok(const char *k) {
  if (!((k[0] >= 'a' && k[0] <= 'z') || (k[0] >= 'A' && k[0] <= 'Z'))) return 0;
  for (size_t i = 1; k[i]; i++) {
    char c = k[i];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
          c == '.'))
      return 0;
  }
  return 1;
}

void nd_epub_write_container(nd_buf *b) {
  nd_buf_puts(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                 "<container version=\"1.0\" xmlns=\"urn:oasis:names:tc:opendocument:xmlns:container\">\n"
                 "  <rootfiles>\n"
                 "    <rootfile full-path=\"" ND_EPUB_OPF_PATH "\" media-type=\"application/oebps-package+xml\"/>\n"
                 "  </rootfiles>\n"
                 "</container>\n");
}

static void dc(nd_buf *b, const char *el, const char *id, const char *value) {
  nd_buf_printf(b, "    <dc:%s", el);
  if (id) nd_buf_printf(b, " id=\"%s\"", id);
  nd_buf_putc(b, '>');
  esc(b, value);
  nd_buf_printf(b, "</dc:%s>\n", el);
}

static int nonempty(const char *s) {
  if (!s) return 0;
  for (; *s; s++)
    if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r') return 1;
  return 0;
}

void nd_epub_write_opf(nd_buf *b, const nd_epub_book *bk, newsdoc_ctx *ctx) {
  const newsdoc_doc *doc = bk->doc;
  const char *dirs = bk->dir == NEWSDOC_DIR_RTL ? "rtl" : "ltr";
  nd_buf_puts(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                 "<package xmlns=\"http://www.idpf.org/2007/opf\" version=\"3.0\" unique-identifier=\"pub-id\"");
  nd_buf_puts(b, " xml:lang=\"");
  esc_attr(b, bk->lang);
  nd_buf_printf(b, "\" dir=\"%s\" prefix=\"newsdoc: " ND_EPUB_PREFIX_IRI "\">\n", dirs);
  nd_buf_puts(b, "  <metadata xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n");
  dc(b, "identifier", "pub-id", bk->identifier);
  dc(b, "title", "title", bk->title);
  const char *alt = newsdoc_meta_get(doc, "title-alternate");
  const char *sub = newsdoc_meta_get(doc, NEWSDOC_META_SUBTITLE);
  if (nonempty(sub)) nd_buf_puts(b, "    <meta refines=\"#title\" property=\"title-type\">main</meta>\n");
  if (nonempty(alt)) {
    const char *al = newsdoc_meta_get(doc, "title-alternate-lang");
    nd_buf_puts(b, "    <meta refines=\"#title\" property=\"alternate-script\"");
    if (nonempty(al)) {
      nd_buf_puts(b, " xml:lang=\"");
      esc_attr(b, al);
      nd_buf_putc(b, '"');
    }
    nd_buf_putc(b, '>');
    esc(b, alt);
    nd_buf_puts(b, "</meta>\n");
  }
  size_t nsub = newsdoc_meta_count(doc, NEWSDOC_META_SUBTITLE);
  for (size_t i = 0, k = 0; i < nsub; i++) {
    const char *s = newsdoc_meta_get_nth(doc, NEWSDOC_META_SUBTITLE, i);
    if (!nonempty(s)) continue;
    char id[32];
    snprintf(id, sizeof id, "subtitle%zu", ++k);
    dc(b, "title", id, s);
    nd_buf_printf(b, "    <meta refines=\"#%s\" property=\"title-type\">subtitle</meta>\n", id);
  }
  size_t na = newsdoc_meta_count(doc, NEWSDOC_META_AUTHOR);
  for (size_t i = 0, k = 0; i < na; i++) {
    const char *s = newsdoc_meta_get_nth(doc, NEWSDOC_META_AUTHOR, i);
    if (!nonempty(s)) continue;
    char id[32];
    snprintf(id, sizeof id, "creator%zu", ++k);
    dc(b, "creator", id, s);
    nd_buf_printf(b, "    <meta refines=\"#%s\" property=\"role\" scheme=\"marc:relators\">aut</meta>\n", id);
    nd_buf_printf(b, "    <meta refines=\"#%s\" property=\"display-seq\">%zu</meta>\n", id, k);
  }
  size_t nc = newsdoc_meta_count(doc, "contributor");
  for (size_t i = 0; i < nc; i++) {
    const char *s = newsdoc_meta_get_nth(doc, "contributor", i);
    if (nonempty(s)) dc(b, "contributor", NULL, s);
  }
  dc(b, "language", NULL, bk->lang);
  if (bk->date) dc(b, "date", NULL, bk->date);
  static const struct {
    const char *key, *el;
  } simple[] = {{NEWSDOC_META_PUBLISHER, "publisher"},
                {NEWSDOC_META_DESCRIPTION, "description"},
                {NEWSDOC_META_KEYWORD, "subject"},
                {"rights", "rights"},
                {"source", "source"}};
  for (size_t s = 0; s < sizeof simple / sizeof simple[0]; s++) {
    size_t n = newsdoc_meta_count(doc, simple[s].key);
    for (size_t i = 0; i < n; i++) {
      const char *v = newsdoc_meta_get_nth(doc, simple[s].key, i);
      if (nonempty(v)) dc(b, simple[s].el, NULL, v);
    }
  }
  nd_buf_printf(b, "    <meta property=\"dcterms:modified\">%s</meta>\n", bk->modified);
  /* Everything else, in the document's order, under our prefix. */
  size_t ne = newsdoc_meta_entry_count(doc);
  for (size_t i = 0; i < ne; i++) {
    const char *k, *v;
    if (newsdoc_meta_entry(doc, i, &k, &v)) continue;
    if (nd_epub_meta_is_mapped(k) || !nonempty(v)) continue;
    if (!strcmp(k, NEWSDOC_META_DATE) && bk->date) continue; /* written as dc:date */
    if (!key_ok(k)) {
      newsdoc_ctx_warn(ctx, "metadata key \"%s\" cannot be an EPUB property name; left out", k);
      continue;
    }
    nd_buf_printf(b, "    <meta property=\"newsdoc:%s\">", k);
    esc(b, v);
    nd_buf_puts(b, "</meta>\n");
  }
  nd_buf_puts(b, "  </metadata>\n  <manifest>\n");
  nd_buf_puts(b, "    <item id=\"nav\" href=\"" ND_EPUB_NAV_HREF "\" media-type=\"application/xhtml+xml\" "
                 "properties=\"nav\"/>\n"
                 "    <item id=\"ncx\" href=\"" ND_EPUB_NCX_HREF "\" media-type=\"application/x-dtbncx+xml\"/>\n"
                 "    <item id=\"css\" href=\"" ND_EPUB_CSS_HREF "\" media-type=\"text/css\"/>\n");
  for (size_t i = 0; i < bk->nchapters; i++)
    nd_buf_printf(b, "    <item id=\"%s\" href=\"%s\" media-type=\"application/xhtml+xml\"/>\n", bk->chapters[i].id,
                  bk->chapters[i].href);
  for (size_t i = 0; i < bk->nres; i++) {
    nd_buf_printf(b, "    <item id=\"%s\" href=\"%s\" media-type=\"", bk->res[i].id, bk->res[i].href);
    esc_attr(b, bk->res[i].mime);
    nd_buf_puts(b, "\"/>\n");
  }
  nd_buf_printf(b, "  </manifest>\n  <spine toc=\"ncx\" page-progression-direction=\"%s\">\n", dirs);
  for (size_t i = 0; i < bk->nchapters; i++) nd_buf_printf(b, "    <itemref idref=\"%s\"/>\n", bk->chapters[i].id);
  nd_buf_puts(b, "  </spine>\n</package>\n");
}

static void html_start(nd_buf *b, const nd_epub_book *bk, int with_epub_ns) {
  const char *dirs = bk->dir == NEWSDOC_DIR_RTL ? "rtl" : "ltr";
  nd_buf_puts(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE html>\n"
                 "<html xmlns=\"http://www.w3.org/1999/xhtml\"");
  if (with_epub_ns) nd_buf_puts(b, " xmlns:epub=\"http://www.idpf.org/2007/ops\"");
  nd_buf_puts(b, " lang=\"");
  esc_attr(b, bk->lang);
  nd_buf_puts(b, "\" xml:lang=\"");
  esc_attr(b, bk->lang);
  nd_buf_printf(b, "\" dir=\"%s\">\n", dirs);
}

void nd_epub_write_xhtml_head(nd_buf *b, const nd_epub_book *bk, const char *title, const char *css_href) {
  html_start(b, bk, 1);
  nd_buf_puts(b, "<head>\n<meta charset=\"UTF-8\"/>\n<title>");
  esc(b, title);
  nd_buf_puts(b, "</title>\n");
  if (css_href) {
    nd_buf_puts(b, "<link rel=\"stylesheet\" type=\"text/css\" href=\"");
    esc_attr(b, css_href);
    nd_buf_puts(b, "\"/>\n");
  }
  nd_buf_puts(b, "</head>\n<body>\n");
}

void nd_epub_write_xhtml_tail(nd_buf *b) { nd_buf_puts(b, "</body>\n</html>\n"); }

void nd_epub_write_nav(nd_buf *b, const nd_epub_book *bk) {
  nd_epub_write_xhtml_head(b, bk, bk->title, ND_EPUB_CSS_HREF);
  nd_buf_puts(b, "<nav epub:type=\"toc\" id=\"toc\">\n<h1>");
  esc(b, bk->title);
  nd_buf_puts(b, "</h1>\n<ol>\n");
  size_t listed = 0;
  for (size_t i = 0; i < bk->nchapters; i++) {
    if (!bk->chapters[i].label) continue;
    nd_buf_puts(b, "<li><a href=\"");
    esc_attr(b, bk->chapters[i].href);
    nd_buf_puts(b, "\">");
    esc(b, bk->chapters[i].label);
    nd_buf_puts(b, "</a></li>\n");
    listed++;
  }
  if (!listed && bk->nchapters) { /* a nav must list something */
    nd_buf_puts(b, "<li><a href=\"");
    esc_attr(b, bk->chapters[0].href);
    nd_buf_puts(b, "\">");
    esc(b, bk->title);
    nd_buf_puts(b, "</a></li>\n");
  }
  nd_buf_puts(b, "</ol>\n</nav>\n");
  nd_epub_write_xhtml_tail(b);
}

void nd_epub_write_ncx(nd_buf *b, const nd_epub_book *bk) {
  nd_buf_puts(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                 "<ncx xmlns=\"http://www.daisy.org/z3986/2005/ncx/\" version=\"2005-1\" xml:lang=\"");
  esc_attr(b, bk->lang);
  nd_buf_puts(b, "\">\n<head>\n<meta name=\"dtb:uid\" content=\"");
  esc_attr(b, bk->identifier);
  nd_buf_puts(b, "\"/>\n<meta name=\"dtb:depth\" content=\"1\"/>\n"
                 "<meta name=\"dtb:totalPageCount\" content=\"0\"/>\n"
                 "<meta name=\"dtb:maxPageNumber\" content=\"0\"/>\n</head>\n<docTitle><text>");
  esc(b, bk->title);
  nd_buf_puts(b, "</text></docTitle>\n<navMap>\n");
  size_t order = 0;
  for (size_t i = 0; i < bk->nchapters; i++) {
    if (!bk->chapters[i].label) continue;
    order++;
    nd_buf_printf(b, "<navPoint id=\"np%zu\" playOrder=\"%zu\"><navLabel><text>", order, order);
    esc(b, bk->chapters[i].label);
    nd_buf_puts(b, "</text></navLabel><content src=\"");
    esc_attr(b, bk->chapters[i].href);
    nd_buf_puts(b, "\"/></navPoint>\n");
  }
  if (!order && bk->nchapters) {
    nd_buf_puts(b, "<navPoint id=\"np1\" playOrder=\"1\"><navLabel><text>");
    esc(b, bk->title);
    nd_buf_puts(b, "</text></navLabel><content src=\"");
    esc_attr(b, bk->chapters[0].href);
    nd_buf_puts(b, "\"/></navPoint>\n");
  }
  nd_buf_puts(b, "</navMap>\n</ncx>\n");
}

/* Works in both directions: the direction itself comes from the dir
 * attributes of the markup (EPUB style sheets may not set "direction" or
 * "unicode-bidi"); alignment and list indents follow it per direction. */
const char nd_epub_css[] =
    "/* libnewsdoc EPUB stylesheet: right-to-left and left-to-right */\n"
    "body { margin: 0 1em; line-height: 1.6; }\n"
    "[dir=\"rtl\"] { text-align: right; }\n"
    "[dir=\"ltr\"] { text-align: left; }\n"
    "h1, h2, h3, h4, h5, h6 { line-height: 1.3; page-break-after: avoid; }\n"
    "p { margin: 0 0 0.8em 0; }\n"
    "blockquote { margin: 1em 2em; }\n"
    "ul, ol { margin: 0.5em 0; padding-left: 2em; padding-right: 0; }\n"
    "[dir=\"rtl\"] ul, [dir=\"rtl\"] ol, ul[dir=\"rtl\"], ol[dir=\"rtl\"] { padding-left: 0; padding-right: 2em; }\n"
    "[dir=\"ltr\"] ul, [dir=\"ltr\"] ol, ul[dir=\"ltr\"], ol[dir=\"ltr\"] { padding-left: 2em; padding-right: 0; }\n"
    "table { border-collapse: collapse; margin: 1em 0; }\n"
    "th, td { border: 1px solid #888; padding: 0.2em 0.5em; text-align: start; }\n"
    "figure { margin: 1em 0; text-align: center; }\n"
    "img { max-width: 100%; height: auto; }\n"
    "pre, code { font-family: monospace; }\n"
    "pre { white-space: pre-wrap; text-align: left; }\n"
    "nav ol { list-style: none; }\n";
