/* The DOCX reader's XML trees (formats/docx/xtree.c) and the checks around
 * them in reader.c: what the tree keeps of character data, attributes and
 * namespaces (as libxml2's own tree had it), the DOCTYPE refusal, the
 * attribute pre-scan at its boundary, out-of-memory inside the parse. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "formats/docx/docx.h"
#include "formats/docx/xtree.h"

#define W "xmlns:w=\"" ND_NS_W "\""

static xnode *parse(xtree *t, const char *xml, int expect) {
  xnode *root = NULL;
  int rc = nd_xtree_parse(t, xml, strlen(xml), "test.xml", &root);
  cr_assert_eq(rc, expect, "rc %d, expected %d: %s", rc, expect, newsdoc_error_last()->message);
  if (!rc) cr_assert_not_null(root);
  return root;
}

static const char *attr(const xnode *n, int ns, const char *name) {
  for (uint32_t i = 0; i < n->n; i++)
    if (n->u.attrs[i].ns == ns && !strcmp(n->u.attrs[i].name, name)) return n->u.attrs[i].value;
  return NULL;
}

Test(docx_xtree, character_data_as_libxml2_merges_it) {
  xtree t;
  memset(&t, 0, sizeof t);
  xnode *r = parse(&t, "<w:t " W ">ab&amp;c<![CDATA[<x>]]><![CDATA[y]]>d<!-- c -->e<?pi z?>f<![CDATA[]]>g</w:t>", 0);
  cr_assert_eq(r->tag, W_t);
  cr_assert_eq(r->ns, NS_W);
  static const struct { int type; const char *text; } want[] = {
    {XN_TEXT, "ab&c"}, {XN_CDATA, "<x>y"}, {XN_TEXT, "d"}, {XN_TEXT, "e"}, {XN_TEXT, "f"}, {XN_CDATA, ""}, {XN_TEXT, "g"}};
  size_t k = 0;
  for (xnode *c = r->children; c; c = c->next, k++) {
    cr_assert_lt(k, sizeof want / sizeof *want);
    cr_assert_eq(c->type, want[k].type, "node %zu", k);
    cr_assert_str_eq(c->u.text, want[k].text, "node %zu", k);
    cr_assert_eq(c->n, strlen(want[k].text));
    cr_assert_eq(c->parent, r);
  }
  cr_assert_eq(k, sizeof want / sizeof *want);
  nd_xtree_free(&t);
}

Test(docx_xtree, attributes_names_and_namespaces) {
  xtree t;
  memset(&t, 0, sizeof t);
  xnode *r = parse(&t,
                   "<w:document " W " xmlns:r=\"" ND_NS_R "\" xmlns:x=\"urn:other\">"
                   "<w:hyperlink r:id=\"rId1\" w:anchor=\"a&amp;b&#38;c&#x26;d&amp;#38;e&lt;f&#233;\" plain=\"1\" "
                   "x:plain=\"2\" xml:lang=\"ar\" q:u=\"3\"/><q:p>x</q:p><w:unknownThing/>"
                   "<p xmlns=\"" ND_NS_W "\"><r/></p></w:document>",
                   0);
  cr_assert_eq(r->tag, W_document);
  xnode *h = r->children;
  cr_assert_eq(h->tag, W_hyperlink);
  cr_assert_str_eq(attr(h, NS_R, "id"), "rId1");
  cr_assert_str_eq(attr(h, NS_W, "anchor"), "a&b&c&d&#38;e<f\xC3\xA9");
  /* no namespace, an unknown one and xml: all count as NS_OTHER, in document order */
  cr_assert_eq(h->n, 6);
  cr_assert_str_eq(h->u.attrs[2].name, "plain");
  cr_assert_str_eq(h->u.attrs[2].value, "1");
  cr_assert_eq(h->u.attrs[3].ns, NS_OTHER);
  cr_assert_str_eq(h->u.attrs[3].value, "2");
  cr_assert_str_eq(attr(h, NS_OTHER, "lang"), "ar");
  /* an undeclared prefix: "prefix:local" and no namespace, as libxml2 names it */
  cr_assert_str_eq(h->u.attrs[5].name, "q:u");
  xnode *qp = h->next;
  cr_assert_str_eq(qp->name, "q:p");
  cr_assert_eq(qp->ns, NS_OTHER);
  cr_assert_eq(qp->tag, W_NONE);
  xnode *unk = qp->next;
  cr_assert_eq(unk->ns, NS_W);
  cr_assert_eq(unk->tag, W_NONE);
  xnode *p = unk->next; /* the default namespace */
  cr_assert_eq(p->tag, W_p);
  cr_assert_eq(p->children->tag, W_r);
  cr_assert_null(p->next);
  /* a second part through the same parser and the same tables */
  xnode *r2 = parse(&t, "<w:p " W "><w:r><w:t>z</w:t></w:r></w:p>", 0);
  cr_assert_eq(r2->tag, W_p);
  cr_assert_eq(r2->children->children->tag, W_t);
  cr_assert_eq(p->tag, W_p); /* the first tree is still there */
  nd_xtree_free(&t);
}

Test(docx_xtree, refusals) {
  xtree t;
  memset(&t, 0, sizeof t);
  parse(&t, "<!DOCTYPE a [<!ENTITY e \"x\">]><a>&e;</a>", NEWSDOC_EMALFORMED);
  cr_assert(strstr(newsdoc_error_last()->message, "DOCTYPE"), "%s", newsdoc_error_last()->message);
  parse(&t, "<a><b></a>", NEWSDOC_EMALFORMED);
  cr_assert(strstr(newsdoc_error_last()->message, "not well-formed XML at line 1"), "%s", newsdoc_error_last()->message);
  parse(&t, "<a>&undefined;</a>", NEWSDOC_EMALFORMED);
  parse(&t, "", NEWSDOC_EMALFORMED);
  /* the parser works again after a refusal */
  xnode *r = parse(&t, "<a x=\"1\"/>", 0);
  cr_assert_str_eq(r->name, "a");
  nd_xtree_free(&t);
}

/* ---- through the reader ---------------------------------------------------------------- */

static char *package(const char *document, size_t *len) {
  nd_zipw *w;
  cr_assert_eq(nd_zipw_new(&w, 1700000000), 0);
  static const char types[] =
      "<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
      "<Override PartName=\"/word/document.xml\" ContentType=\"application/"
      "vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/></Types>";
  static const char rels[] =
      "<?xml version=\"1.0\"?><Relationships xmlns=\"" ND_NS_PKG_REL "\"><Relationship Id=\"rId1\" "
      "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" "
      "Target=\"word/document.xml\"/></Relationships>";
  cr_assert_eq(nd_zipw_add(w, "[Content_Types].xml", types, strlen(types), 0), 0);
  cr_assert_eq(nd_zipw_add(w, "_rels/.rels", rels, strlen(rels), 0), 0);
  cr_assert_eq(nd_zipw_add(w, "word/document.xml", document, strlen(document), 0), 0);
  nd_buf b = ND_BUF_INIT;
  newsdoc_sink sink;
  nd_sink_init_buf(&sink, &b, 1ULL << 32);
  cr_assert_eq(nd_zipw_finish(w, &sink), 0);
  return nd_buf_detach(&b, len);
}

static int read_with(const char *document, const char *max_attr, newsdoc_doc **out) {
  size_t len;
  char *zip = package(document, &len);
  newsdoc_options *o;
  newsdoc_options_new(&o);
  if (max_attr) newsdoc_options_set(o, "max-attributes", max_attr);
  *out = NULL;
  int rc = newsdoc_read(out, zip, len, "docx", NULL, o);
  newsdoc_options_free(o);
  nd_free(zip);
  return rc;
}

/* An element with n attributes whose values hold '=', '>' and the other
 * quote, and long values between short ones (the pre-scan's 16-byte steps). */
static char *document_with(int n) {
  nd_buf b = ND_BUF_INIT;
  nd_buf_puts(&b, "<?xml version=\"1.0\"?><!-- a > b = c --><w:document " W "><w:body><w:p><w:r><w:t ");
  for (int i = 0; i < n; i++) {
    if (i % 3 == 0) nd_buf_printf(&b, "a%d=\"x=y>z'\" ", i);
    else if (i % 3 == 1) nd_buf_printf(&b, "a%d='%s' ", i, "a long value = with > and \" inside it, past sixteen");
    else nd_buf_printf(&b, "a%d=\"\"\n", i);
  }
  nd_buf_puts(&b, ">text = more &gt; text</w:t></w:r></w:p></w:body></w:document>");
  cr_assert(!b.failed);
  return nd_buf_detach(&b, NULL);
}

Test(docx_xtree, attribute_prescan_boundary) {
  char *doc = document_with(40);
  newsdoc_doc *d;
  cr_assert_eq(read_with(doc, "40", &d), 0, "%s", newsdoc_error_last()->message);
  char *text = NULL;
  size_t tl;
  cr_assert_eq(newsdoc_node_text(newsdoc_doc_root(d), &text, &tl), 0);
  cr_assert_str_eq(text, "text = more > text");
  newsdoc_free(text);
  newsdoc_doc_free(d);
  cr_assert_eq(read_with(doc, "39", &d), NEWSDOC_ELIMIT_COUNT);
  cr_assert(strstr(newsdoc_error_last()->message, "max-attributes"), "%s", newsdoc_error_last()->message);
  cr_assert_null(d);
  nd_free(doc);
}

Test(docx_xtree, doctype_anywhere_is_refused) {
  /* in the first 4096 bytes: the byte check; further on: the parser stops at it */
  for (int pad = 0; pad <= 6000; pad += 6000) {
    nd_buf b = ND_BUF_INIT;
    nd_buf_puts(&b, "<?xml version=\"1.0\"?><!--");
    for (int i = 0; i < pad; i++) nd_buf_putc(&b, 'x');
    nd_buf_puts(&b, "--><!DOCTYPE w:document [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><w:document " W
                    "><w:body><w:p><w:r><w:t>&e;</w:t></w:r></w:p></w:body></w:document>");
    cr_assert(!b.failed);
    newsdoc_doc *d;
    int rc = read_with(b.data, NULL, &d);
    nd_buf_free(&b);
    cr_assert_eq(rc, NEWSDOC_EMALFORMED, "pad %d", pad);
    cr_assert(strstr(newsdoc_error_last()->message, "DOCTYPE"), "%s", newsdoc_error_last()->message);
    cr_assert_null(d);
  }
}
