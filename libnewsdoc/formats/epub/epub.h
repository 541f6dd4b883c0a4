/* epub.h - what the EPUB format's files share: the package document
 * (OPF), container.xml, nav.xhtml and the NCX, read and written. */
#ifndef ND_EPUB_H
#define ND_EPUB_H

#include "../../internal.h"

#define ND_EPUB_NS_OPF "http://www.idpf.org/2007/opf"
#define ND_EPUB_NS_DC "http://purl.org/dc/elements/1.1/"
#define ND_EPUB_NS_OPS "http://www.idpf.org/2007/ops"
#define ND_EPUB_NS_XHTML "http://www.w3.org/1999/xhtml"
#define ND_EPUB_NS_NCX "http://www.daisy.org/z3986/2005/ncx/"
#define ND_EPUB_NS_CONTAINER "urn:oasis:names:tc:opendocument:xmlns:container"
/* The prefix our own metadata (keys EPUB has no element for, such as
 * "byline") is written under: <meta property="newsdoc:byline">. */
#define ND_EPUB_PREFIX_IRI "https://libnewsdoc.org/ns/epub#"

/* ---- reading ------------------------------------------------------------- */

typedef struct nd_epub_item {
  char *id;
  char *href;       /* as written in the manifest (relative to the OPF) */
  char *media_type; /* may be NULL */
  char *properties; /* may be NULL */
} nd_epub_item;

typedef struct nd_epub_toc {
  char *href;  /* as written (relative to the nav/NCX document), may hold #frag */
  char *label; /* the entry's text, whitespace collapsed */
  int depth;   /* 1 for top-level entries */
} nd_epub_toc;

typedef struct nd_epub_pkg {
  int version;          /* 2 or 3 (from package/@version) */
  nd_epub_item *items;
  size_t nitems, capitems;
  size_t *spine;        /* indices into items */
  size_t nspine, capspine;
  char *ppd;            /* page-progression-direction, or NULL */
  char *ncx_id;         /* spine/@toc */
  nd_epub_toc *toc;     /* from nav.xhtml or the NCX */
  size_t ntoc, captoc;
} nd_epub_pkg;

void nd_epub_pkg_free(nd_epub_pkg *pkg);

/* Parse an XML part safely (no network, no entities, no DTD): *out is the
 * document (xmlFreeDoc it).  `part` names the entry for messages. */
struct _xmlDoc;
int nd_epub_xml_parse(struct _xmlDoc **out, const char *data, size_t len, const char *part, newsdoc_ctx *ctx);

/* Whether some start tag in the markup has more than `max` attributes
 * (counted as '=' outside quoted values; comments, CDATA, processing
 * instructions and declarations skipped): 1 and its line, else 0.  A
 * linear pre-scan: libxml2's duplicate check is quadratic in the number of
 * attributes of one element. */
int nd_epub_attr_scan(const char *data, size_t len, unsigned long long max, size_t *line_out);

/* META-INF/container.xml: the full-path of the first package document
 * (preferring media-type application/oebps-package+xml).  Caller frees. */
int nd_epub_container_parse(const char *data, size_t len, char **path_out, newsdoc_ctx *ctx);

/* The package document: manifest, spine and page-progression-direction
 * into pkg; the metadata into doc (title, title-alternate(-lang),
 * subtitle, author..., lang, date, publisher, identifier, description,
 * keyword..., rights, contributor..., source-url, and newsdoc:* keys).
 * Errors: NEWSDOC_EMALFORMED, NEWSDOC_ELIMIT_COUNT (max-spine), ENOMEM. */
int nd_epub_opf_parse(nd_epub_pkg *pkg, newsdoc_doc *doc, const char *data, size_t len, const char *part,
                      newsdoc_ctx *ctx);

/* The table of contents of nav.xhtml (the nav with epub:type="toc", else
 * the first nav) or of an NCX's navMap, appended to pkg->toc. */
int nd_epub_nav_parse(nd_epub_pkg *pkg, const char *data, size_t len, const char *part, newsdoc_ctx *ctx);
int nd_epub_ncx_parse(nd_epub_pkg *pkg, const char *data, size_t len, const char *part, newsdoc_ctx *ctx);

/* Collapse runs of XML whitespace to one space and trim; in place. */
void nd_epub_collapse_ws(char *s);

/* ---- writing --------------------------------------------------------------- */

typedef struct nd_epub_chapter {
  char *href;  /* relative to the OPF, e.g. "text/ch001.xhtml" */
  char *id;    /* manifest id, e.g. "ch001" */
  char *label; /* the table of contents' text; NULL: not listed */
} nd_epub_chapter;

typedef struct nd_epub_res {
  char *href;       /* relative to the OPF, e.g. "images/img001.png" */
  char *id;         /* manifest id */
  const char *mime; /* borrowed */
} nd_epub_res;

typedef struct nd_epub_book {
  const newsdoc_doc *doc;
  const char *title;      /* never NULL */
  const char *lang;       /* never NULL ("und" when unknown) */
  const char *identifier; /* never NULL */
  const char *modified;   /* CCYY-MM-DDThh:mm:ssZ */
  const char *date;       /* W3CDTF, or NULL: no dc:date */
  newsdoc_dir dir;        /* LTR or RTL */
  nd_epub_chapter *chapters;
  size_t nchapters;
  nd_epub_res *res;
  size_t nres;
} nd_epub_book;

#define ND_EPUB_OPF_PATH "EPUB/package.opf"
#define ND_EPUB_DIR "EPUB/"
#define ND_EPUB_NAV_HREF "nav.xhtml"
#define ND_EPUB_NCX_HREF "toc.ncx"
#define ND_EPUB_CSS_HREF "style.css"

void nd_epub_write_container(nd_buf *b);
void nd_epub_write_opf(nd_buf *b, const nd_epub_book *book, newsdoc_ctx *ctx);
void nd_epub_write_nav(nd_buf *b, const nd_epub_book *book);
void nd_epub_write_ncx(nd_buf *b, const nd_epub_book *book);
/* The stylesheet (both directions). */
extern const char nd_epub_css[];
/* The <html ...> start tag and <head> of a content document, and the end. */
void nd_epub_write_xhtml_head(nd_buf *b, const nd_epub_book *book, const char *title, const char *css_href);
void nd_epub_write_xhtml_tail(nd_buf *b);

/* Whether a metadata key is written by the OPF as its own element. */
int nd_epub_meta_is_mapped(const char *key);

#endif
