/* The epub format's internals (linked against the static library, see
 * tests/epub/tests.cmake): dates, the package document parser, the NCX and
 * nav parsers, container.xml. */
#include <criterion/criterion.h>
#include <string.h>

#include "formats/epub/epub.h"
#include "formats/epub/epub_date.h"

Test(epub_internal, dates_parse_and_format) {
  long long t;
  int w3c;
  char buf[32];
  cr_assert(nd_epub_parse_date("2024-11-05", &t, &w3c));
  cr_assert_eq(t, 1730764800LL);
  cr_assert_eq(w3c, 1);
  nd_epub_format_time(buf, t);
  cr_assert_str_eq(buf, "2024-11-05T00:00:00Z");
  cr_assert(nd_epub_parse_date("2013-01-25T19:27:38Z", &t, &w3c) && w3c);
  nd_epub_format_time(buf, t);
  cr_assert_str_eq(buf, "2013-01-25T19:27:38Z");
  cr_assert(nd_epub_parse_date("2013-01-25T21:27:38+02:00", &t, &w3c) && w3c);
  nd_epub_format_time(buf, t);
  cr_assert_str_eq(buf, "2013-01-25T19:27:38Z");
  /* no zone: read as UTC, but not W3CDTF as written */
  cr_assert(nd_epub_parse_date("2013-01-25 19:27", &t, &w3c) && !w3c);
  cr_assert(nd_epub_parse_date("2012", &t, &w3c) && w3c);
  nd_epub_format_time(buf, t);
  cr_assert_str_eq(buf, "2012-01-01T00:00:00Z");
  cr_assert(nd_epub_parse_date("2000-02-29", &t, NULL));
  cr_assert_not(nd_epub_parse_date("1900-02-29", &t, NULL));
  cr_assert_not(nd_epub_parse_date("2024-13-01", &t, NULL));
  cr_assert_not(nd_epub_parse_date("yesterday", &t, NULL));
  cr_assert_not(nd_epub_parse_date("2024-01-01Tjunk", &t, NULL));
  cr_assert_not(nd_epub_parse_date("١٤٤٥", &t, NULL));
  nd_epub_format_time(buf, 0);
  cr_assert_str_eq(buf, "1970-01-01T00:00:00Z");
  nd_epub_format_time(buf, -86400);
  cr_assert_str_eq(buf, "1969-12-31T00:00:00Z");
}

static const char OPF[] =
    "<?xml version='1.0'?><package xmlns='http://www.idpf.org/2007/opf' version='3.0' unique-identifier='b'>"
    "<metadata xmlns:dc='http://purl.org/dc/elements/1.1/'>"
    "<dc:identifier id='a'>other</dc:identifier><dc:identifier id='b'>the-one</dc:identifier>"
    "<dc:title id='t'>  Le   Titre </dc:title>"
    "<meta refines='#t' property='alternate-script' xml:lang='ar'>العنوان</meta>"
    "<dc:title id='s'>Second</dc:title><meta refines='#s' property='title-type'>subtitle</meta>"
    "<dc:creator>B</dc:creator><dc:creator>A</dc:creator><dc:language>ar</dc:language>"
    "<dc:description>line one\nline two</dc:description><dc:subject>x</dc:subject><dc:subject>y</dc:subject>"
    "<meta property='newsdoc:byline'>by B</meta></metadata>"
    "<manifest><item id='c1' href='text/c1.xhtml' media-type='application/xhtml+xml'/>"
    "<item id='c2' href='text/c%202.xhtml' media-type='application/xhtml+xml'/>"
    "<item id='n' href='nav.xhtml' media-type='application/xhtml+xml' properties='nav scripted'/></manifest>"
    "<spine page-progression-direction='rtl'><itemref idref='c2'/><itemref idref='missing'/><itemref idref='c1'/></spine>"
    "</package>";

Test(epub_internal, package_document) {
  newsdoc_doc *doc;
  cr_assert_eq(newsdoc_doc_new(&doc), 0);
  nd_epub_pkg pkg;
  memset(&pkg, 0, sizeof pkg);
  newsdoc_ctx ctx;
  nd_ctx_init(&ctx, NULL, "epub", NULL);
  int rc = nd_epub_opf_parse(&pkg, doc, OPF, sizeof OPF - 1, "p.opf", &ctx);
  cr_assert_eq(rc, 0, "%s", newsdoc_error_last()->message);
  cr_assert_str_eq(newsdoc_meta_get(doc, "identifier"), "the-one");
  cr_assert_str_eq(newsdoc_meta_get(doc, "title"), "Le Titre");
  cr_assert_str_eq(newsdoc_meta_get(doc, "title-alternate"), "العنوان");
  cr_assert_str_eq(newsdoc_meta_get(doc, "title-alternate-lang"), "ar");
  cr_assert_str_eq(newsdoc_meta_get(doc, "subtitle"), "Second");
  cr_assert_str_eq(newsdoc_meta_get_nth(doc, "author", 0), "B");
  cr_assert_str_eq(newsdoc_meta_get_nth(doc, "author", 1), "A");
  cr_assert_str_eq(newsdoc_meta_get(doc, "description"), "line one\nline two");
  cr_assert_eq(newsdoc_meta_count(doc, "keyword"), 2);
  cr_assert_str_eq(newsdoc_meta_get(doc, "byline"), "by B");
  cr_assert_str_eq(pkg.ppd, "rtl");
  cr_assert_eq(pkg.nitems, 3);
  cr_assert_eq(pkg.nspine, 2, "the dangling itemref is skipped with a warning");
  cr_assert_str_eq(pkg.items[pkg.spine[0]].id, "c2");
  cr_assert_eq(newsdoc_ctx_warning_count(&ctx), 1);
  nd_epub_pkg_free(&pkg);
  newsdoc_doc_free(doc);
}

Test(epub_internal, spine_limit) {
  newsdoc_doc *doc;
  newsdoc_doc_new(&doc);
  newsdoc_options *o;
  newsdoc_options_new(&o);
  newsdoc_options_set(o, "max-spine", "1");
  newsdoc_ctx ctx;
  nd_ctx_init(&ctx, o, "epub", NULL);
  nd_epub_pkg pkg;
  memset(&pkg, 0, sizeof pkg);
  cr_assert_eq(nd_epub_opf_parse(&pkg, doc, OPF, sizeof OPF - 1, "p.opf", &ctx), NEWSDOC_ELIMIT_COUNT);
  cr_assert(strstr(newsdoc_error_last()->message, "max-spine"));
  nd_epub_pkg_free(&pkg);
  newsdoc_options_free(o);
  newsdoc_doc_free(doc);
}

Test(epub_internal, container_and_toc) {
  static const char C[] = "<container xmlns='urn:oasis:names:tc:opendocument:xmlns:container'><rootfiles>"
                          "<rootfile full-path='x.pdf' media-type='application/pdf'/>"
                          "<rootfile full-path='OPS/book.opf' media-type='application/oebps-package+xml'/>"
                          "</rootfiles></container>";
  char *path = NULL;
  cr_assert_eq(nd_epub_container_parse(C, sizeof C - 1, &path, NULL), 0);
  cr_assert_str_eq(path, "OPS/book.opf");
  nd_free(path);
  static const char BAD[] = "<container><rootfiles/></container>";
  cr_assert_eq(nd_epub_container_parse(BAD, sizeof BAD - 1, &path, NULL), NEWSDOC_EMALFORMED);

  static const char NAV[] = "<html xmlns='http://www.w3.org/1999/xhtml' xmlns:epub='http://www.idpf.org/2007/ops'><body>"
                            "<nav epub:type='landmarks'><ol><li><a href='x.xhtml'>Landmark</a></li></ol></nav>"
                            "<nav epub:type='toc'><ol><li><a href='a.xhtml'> One\n two </a><ol><li>"
                            "<a href='a.xhtml#s'>Inner</a></li></ol></li></ol></nav></body></html>";
  nd_epub_pkg pkg;
  memset(&pkg, 0, sizeof pkg);
  cr_assert_eq(nd_epub_nav_parse(&pkg, NAV, sizeof NAV - 1, "nav.xhtml", NULL), 0);
  cr_assert_eq(pkg.ntoc, 2);
  cr_assert_str_eq(pkg.toc[0].label, "One two");
  cr_assert_eq(pkg.toc[0].depth, 1);
  cr_assert_eq(pkg.toc[1].depth, 2);
  nd_epub_pkg_free(&pkg);

  static const char NCX[] = "<ncx xmlns='http://www.daisy.org/z3986/2005/ncx/'><navMap><navPoint id='a'><navLabel>"
                            "<text>Chapter</text></navLabel><content src='c.xhtml'/><navPoint id='b'><navLabel><text>Sub"
                            "</text></navLabel><content src='c.xhtml#b'/></navPoint></navPoint></navMap></ncx>";
  memset(&pkg, 0, sizeof pkg);
  cr_assert_eq(nd_epub_ncx_parse(&pkg, NCX, sizeof NCX - 1, "toc.ncx", NULL), 0);
  cr_assert_eq(pkg.ntoc, 2);
  cr_assert_str_eq(pkg.toc[1].label, "Sub");
  cr_assert_eq(pkg.toc[1].depth, 2);
  nd_epub_pkg_free(&pkg);
}

/* The linear pre-scan that keeps libxml2's quadratic attribute check away. */
Test(epub_internal, attribute_scan) {
  size_t line = 0;
  static const char OK[] = "<?xml version='1.0'?><!DOCTYPE x [<!ENTITY a 'b=c=d'>]><!-- a=b=c=d -->"
                           "<x a='1' b=\"=2=\"><![CDATA[x=y=z=w]]><y c='3'/></x>";
  cr_assert_eq(nd_epub_attr_scan(OK, sizeof OK - 1, 2, &line), 0);
  static const char BAD[] = "<x>\n<y a='1' b='2'\n c='3'/></x>";
  cr_assert_eq(nd_epub_attr_scan(BAD, sizeof BAD - 1, 2, &line), 1);
  cr_assert_eq(line, 2);
  cr_assert_eq(nd_epub_attr_scan(BAD, sizeof BAD - 1, 3, &line), 0);
  /* the line counts newlines in comments and quoted values too */
  static const char LATE[] = "<!--\n--><x>\n<a t='x\ny>'/>\n<y a='1' b='2' c='3'/></x>";
  cr_assert_eq(nd_epub_attr_scan(LATE, sizeof LATE - 1, 2, &line), 1);
  cr_assert_eq(line, 5);
  /* unterminated input ends the scan without reading past the end */
  static const char CUT[] = "<x a='1";
  cr_assert_eq(nd_epub_attr_scan(CUT, sizeof CUT - 1, 5, &line), 0);
  cr_assert_eq(nd_epub_attr_scan("<!--", 4, 5, &line), 0);
}
