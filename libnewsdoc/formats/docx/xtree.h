/* xtree.h - the DOCX reader's XML trees: libxml2's parser through its SAX2
 * interface into a small read-only tree of our own, kept in an arena and
 * freed in one go (xtree.c).
 *
 * What the reader used to take from libxml2's DOM, the same way: an
 * element's local name ("prefix:local" when the prefix is undeclared, as
 * libxml2 names it), its namespace (as a kind, NS_*), its attributes, and
 * its text and CDATA children, adjacent character data merged into one
 * node as libxml2 merges it (a comment or a processing instruction
 * between them keeps them apart; neither is kept). */
#ifndef ND_DOCX_XTREE_H
#define ND_DOCX_XTREE_H

#include <stddef.h>
#include <stdint.h>

/* The namespaces the reader knows; NS_OTHER is none or any other. */
enum { NS_OTHER = 0, NS_W, NS_R, NS_WP, NS_A, NS_PIC, NS_V, NS_O, NS_MC, NS_DC, NS_CP, NS_DCTERMS, NS_REL };

enum { XN_ELEMENT = 1, XN_TEXT = 3, XN_CDATA = 4 }; /* libxml2's numbers */

/* The WordprocessingML elements the reader looks for, in strcmp order: an
 * element of the w: namespace with one of these names gets its W_ tag, so
 * that the walk compares numbers instead of strings. */
#define ND_W_TAGS(X) \
  X(abstractNum) X(abstractNumId) X(altChunk) X(attachedTemplate) X(b) X(bCs) X(basedOn) X(bdo) X(bidi) \
  X(bidiVisual) X(body) X(bookmarkStart) X(bottom) X(br) X(cr) X(cs) X(customXml) X(del) X(dir) \
  X(docDefaults) X(document) X(drawing) X(endnote) X(endnoteReference) X(fldChar) X(fldSimple) X(footnote) \
  X(footnoteReference) X(gridBefore) X(gridSpan) X(hyperlink) X(i) X(iCs) X(ilvl) X(ind) X(ins) X(instrText) \
  X(lang) X(lvl) X(lvlOverride) X(moveFrom) X(moveTo) X(name) X(noBreakHyphen) X(num) X(numFmt) X(numId) \
  X(numPr) X(numStyleLink) X(object) X(outlineLvl) X(p) X(pBdr) X(pPr) X(pStyle) X(pict) X(ptab) X(r) X(rPr) \
  X(rPrDefault) X(rStyle) X(rtl) X(sdt) X(sdtContent) X(sectPr) X(smartTag) X(softHyphen) X(start) \
  X(startOverride) X(style) X(sym) X(t) X(tab) X(tbl) X(tblHeader) X(tblLook) X(tblPr) X(tc) X(tcPr) X(tr) \
  X(trPr) X(vMerge)
#define ND_W_ENUM(n) W_##n,
enum { W_NONE = 0, ND_W_TAGS(ND_W_ENUM) W_COUNT };
#undef ND_W_ENUM

typedef struct xattr {
  const char *name;  /* local name */
  const char *value; /* NUL-terminated, entities and character references decoded */
  uint8_t ns;        /* NS_* */
} xattr;

typedef struct xnode {
  struct xnode *parent, *children, *next;
  const char *name;  /* element: local name; text: NULL */
  union {
    xattr *attrs;     /* element */
    const char *text; /* text, CDATA: NUL-terminated */
  } u;
  uint32_t n;        /* element: attributes; text: bytes */
  uint16_t tag;      /* element of NS_W: W_*, else W_NONE */
  uint8_t type;      /* XN_* */
  uint8_t ns;        /* element: NS_* */
} xnode;

typedef struct xchunk xchunk;

/* Every tree parsed with one xtree lives until nd_xtree_free. */
typedef struct xtree {
  void *pctxt; /* the parser context (xmlParserCtxtPtr), one for every part */
  void **dicts; /* the name dictionaries the trees point into, referenced */
  size_t ndicts;
  xchunk *chunks;
  size_t next_chunk;
  /* while parsing */
  xnode *cur, *last, *root;
  char *pend;        /* character data not yet in a node */
  size_t npend, cappend;
  int pend_type;     /* 0 none, XN_TEXT, XN_CDATA */
  const void *uri[4]; /* namespace URI -> NS_* (the URIs are the dictionary's) */
  struct { const void *name; uint16_t tag; } tags[128]; /* local name -> W_*, by address */
  unsigned ntags;
  uint8_t urik[4];
  unsigned urin;
  int oom, doctype;
} xtree;

/* Parses one part; *root is its root element.  The part name is for the
 * messages.  0, NEWSDOC_EMALFORMED (not well-formed, or a DOCTYPE),
 * NEWSDOC_ELIMIT_SIZE, NEWSDOC_ENOMEM, with the error set. */
int nd_xtree_parse(xtree *t, const char *data, size_t len, const char *part, xnode **root);
void nd_xtree_free(xtree *t);

/* The namespace kind of a URI. */
int nd_xtree_ns_kind(const char *uri);

#endif
