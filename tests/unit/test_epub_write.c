/* The epub writer: the OCF layout, byte-identical output, time stamps,
 * the warnings for what a book cannot hold.  Content checks of the parts
 * themselves (OPF, nav, XHTML) are in tests/epub (epubcheck, pandoc). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

/* A small Arabic article: lead, two sections, an English island, an
 * image, a footnote, a list and a table. */
static const char *ARTICLE =
    "{\"newsdoc\":1,\"meta\":[[\"title\",\"التعاون العسكري\"],[\"author\",\"محمد عالي\"],[\"author\",\"Dana Levi\"],"
    "[\"byline\",\"بقلم محمد عالي\"],[\"date\",\"2025-03-01\"],[\"lang\",\"ar\"],[\"dir\",\"rtl\"],"
    "[\"keyword\",\"أمن\"],[\"keyword\",\"موريتانيا\"],[\"publisher\",\"الضمير\"],[\"description\",\"ملخص قصير\"]],"
    "\"media\":[{\"name\":\"pic.png\",\"mime\":\"image/png\",\"data\":"
    "\"iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC\"}],"
    "\"body\":[{\"type\":\"paragraph\",\"children\":[{\"type\":\"text\",\"text\":\"مقدمة عن \"},"
    "{\"type\":\"span\",\"lang\":\"en\",\"dir\":\"ltr\",\"children\":[{\"type\":\"text\",\"text\":\"AFRICOM 2024\"}]},"
    "{\"type\":\"text\",\"text\":\" والمي\u200cخواهم ١٢٣\"},"
    "{\"type\":\"note\",\"children\":[{\"type\":\"paragraph\",\"children\":[{\"type\":\"text\",\"text\":\"حاشية\"}]}]}]},"
    "{\"type\":\"section\",\"level\":1,\"id\":\"bg\",\"children\":[{\"type\":\"heading\",\"children\":[{\"type\":\"text\","
    "\"text\":\"خلفية\"}]},{\"type\":\"paragraph\",\"children\":[{\"type\":\"text\",\"text\":\"نص \"},"
    "{\"type\":\"link\",\"url\":\"#more\",\"children\":[{\"type\":\"text\",\"text\":\"المزيد\"}]}]},"
    "{\"type\":\"figure\",\"url\":\"media:pic.png\",\"title\":\"صورة\",\"children\":[{\"type\":\"caption\",\"children\":"
    "[{\"type\":\"text\",\"text\":\"تعليق\"}]}]},"
    "{\"type\":\"section\",\"level\":2,\"children\":[{\"type\":\"heading\",\"children\":[{\"type\":\"text\",\"text\":\"تدريب\"}]},"
    "{\"type\":\"list\",\"list_type\":\"bullet\",\"tight\":true,\"children\":[{\"type\":\"item\",\"children\":"
    "[{\"type\":\"paragraph\",\"children\":[{\"type\":\"text\",\"text\":\"أول\"}]}]}]}]}]},"
    "{\"type\":\"section\",\"level\":1,\"id\":\"more\",\"children\":[{\"type\":\"heading\",\"children\":[{\"type\":\"text\","
    "\"text\":\"الخلاصة\"}]},{\"type\":\"table\",\"children\":[{\"type\":\"table_row\",\"header\":true,\"children\":"
    "[{\"type\":\"table_cell\",\"children\":[{\"type\":\"text\",\"text\":\"سنة\"}]}]},{\"type\":\"table_row\",\"children\":"
    "[{\"type\":\"table_cell\",\"children\":[{\"type\":\"text\",\"text\":\"2024\"}]}]}]}]}]}\n";

static newsdoc_doc *from_json(const char *s) {
  newsdoc_doc *d = NULL;
  int rc = newsdoc_read(&d, s, strlen(s), "json", NULL, NULL);
  cr_assert_eq(rc, 0, "json: %s", newsdoc_error_last()->message);
  return d;
}

static char *write_epub(const newsdoc_doc *d, const newsdoc_options *o, size_t *len) {
  char *out = NULL;
  int rc = newsdoc_write(d, "epub", o, &out, len);
  cr_assert_eq(rc, 0, "epub: %s", newsdoc_error_last()->message);
  return out;
}

typedef struct {
  char text[8192];
  size_t n;
} warnings;

static void on_warn(const char *format, const char *message, void *ud) {
  warnings *w = ud;
  size_t used = strlen(w->text);
  snprintf(w->text + used, sizeof w->text - used, "%s: %s\n", format, message);
  w->n++;
}

static void setup(void) { unsetenv("SOURCE_DATE_EPOCH"); }

TestSuite(epub_write, .init = setup);

Test(epub_write, ocf_layout_mimetype_first_and_stored) {
  newsdoc_doc *d = from_json(ARTICLE);
  size_t len;
  char *out = write_epub(d, NULL, &len);
  cr_assert_gt(len, 58);
  /* local file header: signature, method 0 (stored), name "mimetype", no extra field */
  cr_assert(!memcmp(out, "PK\x03\x04", 4));
  cr_assert_eq((unsigned char)out[8] | (unsigned char)out[9] << 8, 0, "mimetype must be stored");
  cr_assert_eq((unsigned char)out[26] | (unsigned char)out[27] << 8, 8);
  cr_assert_eq((unsigned char)out[28] | (unsigned char)out[29] << 8, 0, "no extra field");
  cr_assert(!memcmp(out + 30, "mimetypeapplication/epub+zip", 28));
  const char *name = NULL;
  int score = 0;
  cr_assert_eq(newsdoc_probe(out, len, NULL, &name, &score), 0, "%s", newsdoc_error_last()->message);
  cr_assert_str_eq(name, "epub");
  cr_assert_eq(score, 100);
  newsdoc_free(out);
  newsdoc_doc_free(d);
}

Test(epub_write, two_conversions_are_byte_identical) {
  newsdoc_doc *d = from_json(ARTICLE);
  size_t l1, l2;
  char *a = write_epub(d, NULL, &l1);
  char *b = write_epub(d, NULL, &l2);
  cr_assert_eq(l1, l2);
  cr_assert(!memcmp(a, b, l1), "two writes of one document differ");
  /* and from a fresh copy of the input */
  newsdoc_doc *d2 = from_json(ARTICLE);
  size_t l3;
  char *c = write_epub(d2, NULL, &l3);
  cr_assert(l3 == l1 && !memcmp(a, c, l1));
  newsdoc_free(a);
  newsdoc_free(b);
  newsdoc_free(c);
  newsdoc_doc_free(d);
  newsdoc_doc_free(d2);
}

Test(epub_write, content_changes_change_the_book) {
  newsdoc_doc *d = from_json(ARTICLE);
  size_t l1, l2;
  char *a = write_epub(d, NULL, &l1);
  newsdoc_meta_set(d, "title", "عنوان آخر", strlen("عنوان آخر"));
  char *b = write_epub(d, NULL, &l2);
  cr_assert(l1 != l2 || memcmp(a, b, l1), "a different title gave the same bytes");
  newsdoc_free(a);
  newsdoc_free(b);
  newsdoc_doc_free(d);
}

/* Without a date in the document: SOURCE_DATE_EPOCH, then the option
 * "date", then a fixed epoch; never the clock unless asked. */
Test(epub_write, time_stamps_are_never_from_the_clock_by_default) {
  newsdoc_doc *d = from_json(ARTICLE);
  newsdoc_meta_remove(d, "date");
  size_t l0, l1, l2, l3, l4;
  char *fixed = write_epub(d, NULL, &l0);
  setenv("SOURCE_DATE_EPOCH", "1700000000", 1);
  char *sde = write_epub(d, NULL, &l1);
  char *sde2 = write_epub(d, NULL, &l2);
  unsetenv("SOURCE_DATE_EPOCH");
  cr_assert(l1 == l2 && !memcmp(sde, sde2, l1), "SOURCE_DATE_EPOCH output is not stable");
  cr_assert(l0 != l1 || memcmp(fixed, sde, l0), "SOURCE_DATE_EPOCH was ignored");
  newsdoc_options *o;
  newsdoc_options_new(&o);
  newsdoc_options_set(o, "date", "2024-06-01T10:00:00Z");
  char *opt = write_epub(d, o, &l3);
  cr_assert(l3 != l0 || memcmp(opt, fixed, l0), "the date option was ignored");
  /* the fixed epoch again: nothing else leaks in */
  char *again = write_epub(d, NULL, &l4);
  cr_assert(l4 == l0 && !memcmp(again, fixed, l0));
  newsdoc_options_free(o);
  newsdoc_free(fixed);
  newsdoc_free(sde);
  newsdoc_free(sde2);
  newsdoc_free(opt);
  newsdoc_free(again);
  newsdoc_doc_free(d);
}

Test(epub_write, missing_language_and_title_warn) {
  const char *bare = "{\"newsdoc\":1,\"body\":[{\"type\":\"section\",\"level\":1,\"children\":[{\"type\":\"heading\","
                     "\"children\":[{\"type\":\"text\",\"text\":\"First heading\"}]},{\"type\":\"paragraph\","
                     "\"children\":[{\"type\":\"text\",\"text\":\"Body text.\"}]}]}]}";
  newsdoc_doc *d = from_json(bare);
  newsdoc_options *o;
  newsdoc_options_new(&o);
  warnings w;
  memset(&w, 0, sizeof w);
  newsdoc_options_set_warning_fn(o, on_warn, &w);
  size_t len;
  char *out = write_epub(d, o, &len);
  cr_assert(strstr(w.text, "\"und\""), "no warning about the language: %s", w.text);
  cr_assert(strstr(w.text, "First heading"), "no warning naming the fallback title: %s", w.text);
  newsdoc_free(out);
  /* the option title wins over the heading */
  memset(&w, 0, sizeof w);
  newsdoc_options_set(o, "title", "From the option");
  out = write_epub(d, o, &len);
  cr_assert(strstr(w.text, "From the option"), "%s", w.text);
  newsdoc_free(out);
  newsdoc_options_free(o);
  newsdoc_doc_free(d);
}

Test(epub_write, unsupported_and_remote_images_are_left_out_with_a_warning) {
  const char *doc = "{\"newsdoc\":1,\"meta\":[[\"title\",\"t\"],[\"lang\",\"en\"]],"
                    "\"media\":[{\"name\":\"x.bmp\",\"mime\":\"image/bmp\",\"data\":\"Qk0=\"},"
                    "{\"name\":\"y.png\",\"mime\":\"image/png\",\"data\":"
                    "\"R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==\"}],"
                    "\"body\":[{\"type\":\"paragraph\",\"children\":[{\"type\":\"image\",\"url\":\"media:x.bmp\","
                    "\"title\":\"bitmap\"},{\"type\":\"image\",\"url\":\"https://example.com/a.png\",\"title\":\"remote\"},"
                    "{\"type\":\"image\",\"url\":\"media:missing.png\"},{\"type\":\"image\",\"url\":\"media:y.png\"}]}]}";
  newsdoc_doc *d = from_json(doc);
  newsdoc_options *o;
  newsdoc_options_new(&o);
  warnings w;
  memset(&w, 0, sizeof w);
  newsdoc_options_set_warning_fn(o, on_warn, &w);
  size_t len;
  char *out = write_epub(d, o, &len);
  cr_assert(strstr(w.text, "image/bmp"), "%s", w.text);
  cr_assert(strstr(w.text, "https://example.com/a.png"), "%s", w.text);
  cr_assert(strstr(w.text, "missing.png"), "%s", w.text);
  /* a GIF declared as PNG is written as the GIF it is */
  cr_assert(strstr(w.text, "declared image/png but its bytes are image/gif"), "%s", w.text);
  newsdoc_free(out);
  newsdoc_options_free(o);
  newsdoc_doc_free(d);
}

Test(epub_write, empty_document_still_makes_a_book) {
  newsdoc_doc *d = NULL;
  cr_assert_eq(newsdoc_doc_new(&d), 0);
  size_t len;
  char *out = write_epub(d, NULL, &len);
  cr_assert_gt(len, 100);
  newsdoc_free(out);
  newsdoc_doc_free(d);
}

Test(epub_write, output_limit_is_an_error_not_a_crash) {
  newsdoc_doc *d = from_json(ARTICLE);
  newsdoc_options *o;
  newsdoc_options_new(&o);
  newsdoc_options_set(o, "max-output-size", "100");
  char *out = NULL;
  size_t len = 0;
  int rc = newsdoc_write(d, "epub", o, &out, &len);
  cr_assert_eq(rc, NEWSDOC_ELIMIT_SIZE, "rc %d: %s", rc, newsdoc_error_last()->message);
  cr_assert_null(out);
  newsdoc_options_free(o);
  newsdoc_doc_free(d);
}

/* The identifier derived from the content (no "identifier" metadata): the
 * same for the same document, different when one letter of the body
 * changes (in the first word or past the first 8 bytes of the JSON's last
 * word), in RFC 9562's version 8 layout. */
static char *derived_identifier(const char *json) {
  newsdoc_doc *d = from_json(json);
  size_t len;
  char *epub = write_epub(d, NULL, &len);
  newsdoc_doc *back = NULL;
  cr_assert_eq(newsdoc_read(&back, epub, len, "epub", NULL, NULL), 0, "%s", newsdoc_error_last()->message);
  const char *id = newsdoc_meta_get(back, "identifier");
  cr_assert(id);
  char *copy = strdup(id);
  newsdoc_doc_free(back);
  newsdoc_free(epub);
  newsdoc_doc_free(d);
  return copy;
}

Test(epub_write, derived_identifier_follows_the_content) {
  char *a = derived_identifier(ARTICLE);
  char *b = derived_identifier(ARTICLE);
  cr_assert_str_eq(a, b);
  cr_assert_eq(strlen(a), 45, "%s", a);
  cr_assert(!strncmp(a, "urn:uuid:", 9) && a[23] == '8' && strchr("89ab", a[28]), "%s", a);
  /* text, metadata, a node's type (same text), an attribute, the media */
  const char *edits[][2] = {{"مقدمة عن ", "مقدمة في "},
                            {"\"2024\"}]}]}]}]}]}", "\"2025\"}]}]}]}]}]}"},
                            {"\"type\":\"span\",\"lang\":\"en\"", "\"type\":\"emph\",\"lang\":\"en\""},
                            {"\"url\":\"#more\"", "\"url\":\"#mora\""},
                            {"AAAADElEQVR4", "AAAADElEQVR5"}};
  for (size_t k = 0; k < sizeof edits / sizeof edits[0]; k++) {
    char *changed = strdup(ARTICLE);
    char *at = strstr(changed, edits[k][0]);
    cr_assert(at && strlen(edits[k][0]) == strlen(edits[k][1]));
    memcpy(at, edits[k][1], strlen(edits[k][1]));
    char *c = derived_identifier(changed);
    cr_assert_str_neq(a, c, "edit %zu kept the identifier", k);
    free(c);
    free(changed);
  }
  free(a);
  free(b);
}
