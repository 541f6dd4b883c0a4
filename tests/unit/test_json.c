/* The json format: the whole model, byte-identical round trips, errors. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "testutil.h"

/* Every node type and attribute, metadata with repeats, media. */
static const char *FULL =
  "{\"newsdoc\":1,\"meta\":[[\"title\",\"التعاون العسكري\"],[\"subtitle\",\"تقرير\"],[\"author\",\"محمد\"],"
  "[\"author\",\"Dana Levi\"],[\"byline\",\"بقلم محمد\"],[\"date\",\"2025-03-01\"],[\"lang\",\"ar\"],[\"dir\",\"rtl\"],"
  "[\"keyword\",\"أمن\"],[\"x-source\",\"kept as is\"]],"
  "\"media\":[{\"name\":\"pic.png\",\"mime\":\"image/png\",\"data\":\"iVBORw0KGgo=\"}],"
  "\"body\":[{\"type\":\"paragraph\",\"children\":[{\"type\":\"text\",\"text\":\"مقدمة \\\"مقتبسة\\\"\\n\\t\\u0001\"},"
  "{\"type\":\"emph\",\"children\":[{\"type\":\"text\",\"text\":\"مائل\"}]},{\"type\":\"strong\",\"children\":[{\"type\":\"text\","
  "\"text\":\"عريض\"}]},{\"type\":\"link\",\"url\":\"https://example.com/a?b=1\",\"title\":\"t\",\"children\":[{\"type\":\"text\","
  "\"text\":\"رابط\"}]},{\"type\":\"quoted\",\"children\":[{\"type\":\"text\",\"text\":\"q\"}]},{\"type\":\"code\",\"text\":\"x<y\"},"
  "{\"type\":\"line_break\"},{\"type\":\"soft_break\"},{\"type\":\"image\",\"url\":\"media:pic.png\",\"title\":\"alt\"},"
  "{\"type\":\"note\",\"children\":[{\"type\":\"paragraph\",\"children\":[{\"type\":\"text\",\"text\":\"حاشية\"}]}]},"
  "{\"type\":\"span\",\"lang\":\"en\",\"dir\":\"ltr\",\"id\":\"s1\",\"children\":[{\"type\":\"text\",\"text\":\"USA\"}]},"
  "{\"type\":\"raw_inline\",\"info\":\"html\",\"text\":\"<kbd>\"}]},"
  "{\"type\":\"section\",\"level\":1,\"id\":\"sec-1\",\"children\":[{\"type\":\"heading\",\"children\":[{\"type\":\"text\",\"text\":\"خلفية\"}]},"
  "{\"type\":\"blockquote\",\"children\":[{\"type\":\"paragraph\",\"lang\":\"fa\",\"children\":[{\"type\":\"text\",\"text\":\"می\u200cخواهم\"}]}]},"
  "{\"type\":\"list\",\"list_type\":\"ordered\",\"start\":3,\"tight\":false,\"children\":[{\"type\":\"item\",\"children\":"
  "[{\"type\":\"paragraph\",\"children\":[{\"type\":\"text\",\"text\":\"١\"}]}]}]},"
  "{\"type\":\"list\",\"list_type\":\"bullet\",\"tight\":true,\"children\":[{\"type\":\"item\"}]},"
  "{\"type\":\"table\",\"aligns\":[\"start\",\"center\",\"default\"],\"children\":[{\"type\":\"table_row\",\"header\":true,"
  "\"children\":[{\"type\":\"table_cell\",\"colspan\":2,\"children\":[{\"type\":\"text\",\"text\":\"h\"}]},{\"type\":\"table_cell\"}]},"
  "{\"type\":\"table_row\",\"children\":[{\"type\":\"table_cell\",\"rowspan\":2}]}]},"
  "{\"type\":\"figure\",\"url\":\"media:pic.png\",\"title\":\"alt\",\"children\":[{\"type\":\"caption\",\"children\":"
  "[{\"type\":\"text\",\"text\":\"cap\"}]}]},{\"type\":\"code_block\",\"info\":\"c\",\"text\":\"int x;\\n\"},"
  "{\"type\":\"thematic_break\"},{\"type\":\"raw_block\",\"info\":\"html\",\"text\":\"<div>x</div>\"},"
  "{\"type\":\"section\",\"level\":2,\"lang\":\"en\",\"dir\":\"ltr\",\"children\":[{\"type\":\"heading\",\"children\":"
  "[{\"type\":\"text\",\"text\":\"Sub\"}]}]}]}]}\n";

static newsdoc_doc *read_json(const char *s, int *rc) {
  newsdoc_doc *d = NULL;
  *rc = newsdoc_read(&d, s, strlen(s), "json", NULL, NULL);
  return d;
}

Test(json, full_model_round_trips_byte_identical) {
  int rc;
  newsdoc_doc *d = read_json(FULL, &rc);
  cr_assert_eq(rc, 0, "%s", newsdoc_error_last()->message);
  char *out = tu_json(d);
  cr_assert_str_eq(out, FULL);
  newsdoc_doc *d2 = read_json(out, &rc);
  char *out2 = tu_json(d2);
  cr_assert_str_eq(out, out2);
  /* spot checks through the API */
  cr_assert_eq(newsdoc_meta_count(d, "author"), 2);
  cr_assert_str_eq(newsdoc_meta_get(d, "x-source"), "kept as is");
  const void *data;
  size_t len;
  cr_assert_eq(newsdoc_media_get(d, 0, NULL, NULL, &data, &len), 0);
  cr_assert_eq(len, 8);
  cr_assert_eq(memcmp(data, "\x89PNG\r\n\x1a\n", 8), 0);
  free(out);
  free(out2);
  newsdoc_doc_free(d);
  newsdoc_doc_free(d2);
}

Test(json, other_writers_json_is_made_canonical) {
  const char *loose = " \xEF\xBB\xBF";
  (void)loose;
  const char *in = "\xEF\xBB\xBF{ \"body\" : [ {\"children\":[{\"text\":\"\\u0627\\ud83d\\ude00\",\"type\":\"text\"}],"
                   "\"type\":\"paragraph\"} ], \"newsdoc\" : 1.0e0 }";
  int rc;
  newsdoc_doc *d = read_json(in, &rc);
  cr_assert_eq(rc, 0, "%s", newsdoc_error_last()->message);
  char *out = tu_json(d);
  cr_assert_str_eq(out, "{\"newsdoc\":1,\"meta\":[],\"media\":[],\"body\":[{\"type\":\"paragraph\",\"children\":"
                        "[{\"type\":\"text\",\"text\":\"ا😀\"}]}]}\n");
  free(out);
  newsdoc_doc_free(d);
}

static void expect_error(const char *in, int code, const char *needle) {
  int rc;
  newsdoc_doc *d = read_json(in, &rc);
  cr_expect_eq(rc, code, "input %s gave %d (%s)", in, rc, newsdoc_error_last()->message);
  cr_expect_null(d);
  if (needle) cr_expect(strstr(newsdoc_error_last()->message, needle), "message: %s", newsdoc_error_last()->message);
  newsdoc_doc_free(d);
}

Test(json, malformed_inputs_name_what_and_where) {
  expect_error("", NEWSDOC_EMALFORMED, "line 1");
  expect_error("{\"newsdoc\":1,", NEWSDOC_EMALFORMED, "column 14: expected a key");
  expect_error("{\"newsdoc\":1,\"x\":", NEWSDOC_EMALFORMED, "end of input");
  expect_error("{\"newsdoc\":1}x", NEWSDOC_EMALFORMED, "trailing");
  expect_error("[1,2]", NEWSDOC_EMALFORMED, "object");
  expect_error("{\"body\":[]}", NEWSDOC_EMALFORMED, "schema version");
  expect_error("{\"newsdoc\":2,\"body\":[]}", NEWSDOC_EUNSUPPORTED, "version 2");
  expect_error("{\"newsdoc\":1,\"body\":[{\"type\":\"blink\"}]}", NEWSDOC_EMALFORMED, "unknown node type");
  expect_error("{\"newsdoc\":1,\"body\":[{\"type\":\"text\",\"text\":\"x\"}]}", NEWSDOC_EMALFORMED, "body cannot hold a text");
  expect_error("{\"newsdoc\":1,\"body\":[{\"type\":\"section\",\"level\":9}]}", NEWSDOC_EMALFORMED, "out of range");
  expect_error("{\"newsdoc\":1,\"body\":[{\"type\":\"paragraph\",\"url\":\"x\"}]}", NEWSDOC_EMALFORMED, "does not apply");
  expect_error("{\"newsdoc\":1,\"media\":[{\"name\":\"a.png\",\"data\":\"!!\"}]}", NEWSDOC_EMALFORMED, "base64");
  expect_error("{\"newsdoc\":1,\"media\":[{\"name\":\"../a.png\",\"data\":\"\"}]}", NEWSDOC_EMALFORMED, "media");
  expect_error("{\"newsdoc\":1,\"meta\":[[\"k\"]]}", NEWSDOC_EMALFORMED, "meta");
  expect_error("{\"newsdoc\":1,\"body\":\"x\"}", NEWSDOC_EMALFORMED, "array");
  expect_error("{\"a\":\"\x01\"}", NEWSDOC_EMALFORMED, "control character");
  expect_error("{\"a\":tru}", NEWSDOC_EMALFORMED, "unexpected character");
  expect_error("{\"a\":01}", NEWSDOC_EMALFORMED, "expected , or }");
}

Test(json, deep_nesting_hits_the_depth_limit_not_the_stack) {
  size_t depth = 100000;
  char *s = malloc(depth * 2 + 64);
  size_t n = 0;
  n += (size_t)sprintf(s, "{\"newsdoc\":1,\"x\":");
  for (size_t i = 0; i < depth; i++) s[n++] = '[';
  for (size_t i = 0; i < depth; i++) s[n++] = ']';
  s[n++] = '}';
  s[n] = 0;
  expect_error(s, NEWSDOC_ELIMIT_DEPTH, "nesting");
  free(s);
  /* deep but legal model nesting beyond max-depth */
  char buf[20000];
  n = (size_t)sprintf(buf, "{\"newsdoc\":1,\"body\":");
  for (int i = 0; i < 300; i++) n += (size_t)sprintf(buf + n, "[{\"type\":\"blockquote\",\"children\":");
  n += (size_t)sprintf(buf + n, "[]");
  for (int i = 0; i < 300; i++) n += (size_t)sprintf(buf + n, "}]");
  sprintf(buf + n, "}");
  expect_error(buf, NEWSDOC_ELIMIT_DEPTH, NULL);
}

Test(json, invalid_utf8_is_replaced_with_a_warning) {
  const char *in = "{\"newsdoc\":1,\"meta\":[[\"title\",\"a\xff" "b\\udc00\"]]}";
  newsdoc_doc *d;
  cr_assert_eq(newsdoc_read(&d, in, strlen(in), "json", NULL, NULL), 0);
  cr_assert_str_eq(newsdoc_meta_get(d, "title"), "a\xEF\xBF\xBD" "b\xEF\xBF\xBD");
  newsdoc_doc_free(d);
}

Test(json, pretty_output_reads_back_the_same) {
  int rc;
  newsdoc_doc *d = read_json(FULL, &rc);
  newsdoc_options *o;
  newsdoc_options_new(&o);
  newsdoc_options_set(o, "json-pretty", "1");
  char *pretty;
  size_t len;
  cr_assert_eq(newsdoc_write(d, "json", o, &pretty, &len), 0);
  cr_assert(strchr(pretty, '\n') != strrchr(pretty, '\n'), "not pretty");
  newsdoc_doc *d2 = read_json(pretty, &rc);
  cr_assert_eq(rc, 0);
  char *out = tu_json(d2);
  cr_assert_str_eq(out, FULL);
  free(out);
  newsdoc_free(pretty);
  newsdoc_options_free(o);
  newsdoc_doc_free(d);
  newsdoc_doc_free(d2);
}

Test(json, versions_and_base64_are_strict) {
  expect_error("{\"newsdoc\":1e400,\"body\":[]}", NEWSDOC_EUNSUPPORTED, "version");
  expect_error("{\"newsdoc\":1.5,\"body\":[]}", NEWSDOC_EUNSUPPORTED, "version");
  const char *bad[] = {"QQ=", "Q", "QQ==QQ==", "QQ=A", "QUJD="};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    char in[256];
    snprintf(in, sizeof in, "{\"newsdoc\":1,\"media\":[{\"name\":\"a.png\",\"mime\":\"image/png\",\"data\":\"%s\"}]}", bad[i]);
    expect_error(in, NEWSDOC_EMALFORMED, "base64");
  }
  const char *good[] = {"QQ==", "QUI=", "QUJD", "QQ", "QUI", " Q U J D \\n"};
  for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
    char in[256];
    snprintf(in, sizeof in, "{\"newsdoc\":1,\"media\":[{\"name\":\"a.png\",\"mime\":\"image/png\",\"data\":\"%s\"}]}", good[i]);
    int rc;
    newsdoc_doc *d = read_json(in, &rc);
    cr_expect_eq(rc, 0, "%s: %s", good[i], newsdoc_error_last()->message);
    newsdoc_doc_free(d);
  }
}
