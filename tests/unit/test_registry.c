/* The format registry: built-ins, a custom format registered at run time
 * from outside the library, probing, ties and weak scores. */
#include <criterion/criterion.h>
#include <ctype.h>
#include <string.h>

#include "testutil.h"

/* A custom format: "UPPER\n" then one paragraph per line, written in upper case. */
static int upper_probe(const char *data, size_t len, const char *filename, void *ud) {
  (void)filename;
  (void)ud;
  return len >= 6 && !memcmp(data, "UPPER\n", 6) ? 100 : 0;
}

static int upper_read(newsdoc_doc **out, const char *data, size_t len, newsdoc_ctx *ctx, void *ud) {
  (*(int *)ud)++;
  if (len < 6 || memcmp(data, "UPPER\n", 6)) return newsdoc_error_set(NEWSDOC_EMALFORMED, "upper: no magic");
  newsdoc_doc *d;
  int rc = newsdoc_doc_new(&d);
  if (rc) return rc;
  size_t i = 6;
  while (i < len) {
    size_t e = i;
    while (e < len && data[e] != '\n') e++;
    if (e > i) {
      newsdoc_node *p, *t;
      newsdoc_node_new(&p, NEWSDOC_NODE_PARAGRAPH);
      newsdoc_node_new(&t, NEWSDOC_NODE_TEXT);
      newsdoc_node_set_literal(t, data + i, e - i);
      newsdoc_node_append_child(p, t);
      newsdoc_node_append_child(newsdoc_doc_root(d), p);
    }
    i = e + 1;
  }
  newsdoc_ctx_warn(ctx, "read %zu bytes", len);
  *out = d;
  return 0;
}

static int upper_write(const newsdoc_doc *doc, newsdoc_sink *sink, newsdoc_ctx *ctx, void *ud) {
  (void)ud;
  int rc = newsdoc_sink_write(sink, "UPPER\n", 6);
  const char *prefix = newsdoc_ctx_option(ctx, "upper-prefix");
  for (const newsdoc_node *n = newsdoc_node_first_child(newsdoc_doc_root_const(doc)); n && !rc; n = newsdoc_node_next(n)) {
    char *s;
    size_t len;
    if ((rc = newsdoc_node_text(n, &s, &len))) break;
    for (size_t i = 0; i < len; i++) s[i] = (char)toupper((unsigned char)s[i]);
    if (prefix) rc = newsdoc_sink_write(sink, prefix, strlen(prefix));
    if (!rc) rc = newsdoc_sink_write(sink, s, len);
    if (!rc) rc = newsdoc_sink_write(sink, "\n", 1);
    newsdoc_free(s);
  }
  return rc;
}

static int reads;

static newsdoc_format upper_format(void) {
  newsdoc_format f = NEWSDOC_FORMAT_INIT;
  f.name = "upper";
  f.description = "a test format";
  f.extensions = "up,upper";
  f.mime_types = "text/x-upper";
  f.flags = NEWSDOC_FORMAT_TEXTUAL;
  f.probe = upper_probe;
  f.read = upper_read;
  f.write = upper_write;
  f.userdata = &reads;
  return f;
}

static int warnings;
static void on_warn(const char *format, const char *msg, void *ud) {
  (void)ud;
  if (!strcmp(format, "upper") && strstr(msg, "read ")) warnings++;
}

Test(registry, builtins_register_through_the_public_struct) {
  newsdoc_format f;
  cr_assert_eq(newsdoc_format_find("json", &f), 0);
  cr_assert_eq(f.version, NEWSDOC_FORMAT_VERSION);
  cr_assert_not_null(f.read);
  cr_assert_not_null(f.write);
  cr_assert_eq(newsdoc_format_find("no-such-format", &f), NEWSDOC_ENOTFOUND);
  size_t n = newsdoc_format_count();
  cr_assert_geq(n, 1);
  int seen_json = 0;
  for (size_t i = 0; i < n; i++) {
    cr_assert_eq(newsdoc_format_at(i, &f), 0);
    seen_json |= !strcmp(f.name, "json");
  }
  cr_assert(seen_json);
  cr_assert_eq(newsdoc_format_at(n, &f), NEWSDOC_ENOTFOUND);
  cr_assert_eq(newsdoc_format_for_filename("dir.v2/article.JSON", 1, &f), 0);
  cr_assert_str_eq(f.name, "json");
  cr_assert_eq(newsdoc_format_for_filename("article", 0, &f), NEWSDOC_ENOTFOUND);
}

Test(registry, custom_format_converts_both_ways) {
  newsdoc_format f = upper_format();
  cr_assert_eq(newsdoc_format_register(&f), 0);
  cr_assert_eq(newsdoc_format_register(&f), NEWSDOC_EEXISTS);
  const char *in = "UPPER\nfirst line\nsecond\n";
  newsdoc_options *o;
  newsdoc_options_new(&o);
  newsdoc_options_set_warning_fn(o, on_warn, NULL);
  newsdoc_options_set(o, "upper-prefix", "> ");
  newsdoc_doc *d;
  reads = warnings = 0;
  cr_assert_eq(newsdoc_read(&d, in, strlen(in), NULL, NULL, o), 0, "%s", newsdoc_error_last()->message);
  cr_assert_eq(reads, 1);
  cr_assert_eq(warnings, 1);
  char *out;
  size_t len;
  cr_assert_eq(newsdoc_write(d, "upper", o, &out, &len), 0);
  cr_assert_str_eq(out, "UPPER\n> FIRST LINE\n> SECOND\n");
  newsdoc_free(out);
  cr_assert_eq(newsdoc_write(d, "json", NULL, &out, &len), 0);
  cr_assert(strstr(out, "\"first line\""));
  /* and back from json through the custom writer */
  char *up;
  cr_assert_eq(newsdoc_convert(out, len, "json", "upper", NULL, &up, &len), 0);
  cr_assert_str_eq(up, "UPPER\nFIRST LINE\nSECOND\n");
  newsdoc_free(up);
  newsdoc_free(out);
  newsdoc_doc_free(d);
  newsdoc_options_free(o);
  cr_assert_eq(newsdoc_format_unregister("upper"), 0);
  cr_assert_eq(newsdoc_format_unregister("upper"), NEWSDOC_ENOTFOUND);
  cr_assert_eq(newsdoc_read(&d, in, strlen(in), "upper", NULL, NULL), NEWSDOC_EUNKNOWNFORMAT);
  const char *name;
  if (newsdoc_probe(in, strlen(in), NULL, &name, NULL) == 0) cr_assert_str_neq(name, "upper");
}

static int probe_60(const char *d, size_t l, const char *fn, void *ud) {
  (void)d; (void)fn; (void)ud;
  return l >= 4 && !memcmp(d, "TIE!", 4) ? 60 : (l >= 4 && !memcmp(d, "WEAK", 4) ? 10 : 0);
}

/* Binary bytes no built-in format claims (the text format is the fallback
 * for anything that decodes as text). */
static const char WEAK[] = "WEAK\0\1\2\3\xff\xfe\0\0\x80";

Test(registry, ties_and_weak_scores_are_errors_not_guesses) {
  newsdoc_format a = upper_format(), b = upper_format();
  a.name = "tie-a";
  b.name = "tie-b";
  a.probe = b.probe = probe_60;
  cr_assert_eq(newsdoc_format_register(&a), 0);
  cr_assert_eq(newsdoc_format_register(&b), 0);
  const char *name;
  int score;
  cr_assert_eq(newsdoc_probe("TIE!xyz", 7, NULL, &name, &score), NEWSDOC_EUNKNOWNFORMAT);
  cr_assert(strstr(newsdoc_error_last()->message, "ambiguous"), "%s", newsdoc_error_last()->message);
  cr_assert(strstr(newsdoc_error_last()->message, "tie-a 60"));
  cr_assert(strstr(newsdoc_error_last()->message, "tie-b 60"));
  cr_assert_eq(newsdoc_probe(WEAK, sizeof WEAK - 1, NULL, &name, &score), NEWSDOC_EUNKNOWNFORMAT);
  cr_assert(strstr(newsdoc_error_last()->message, "cannot tell"), "%s", newsdoc_error_last()->message);
  cr_assert(strstr(newsdoc_error_last()->message, "tie-a 10"), "%s", newsdoc_error_last()->message);
  cr_assert_eq(newsdoc_format_unregister("tie-b"), 0);
  cr_assert_eq(newsdoc_probe("TIE!xyz", 7, NULL, &name, &score), 0);
  cr_assert_str_eq(name, "tie-a");
  cr_assert_eq(score, 60);
  newsdoc_format_unregister("tie-a");
}

Test(registry, bad_registrations) {
  newsdoc_format f = upper_format();
  f.version = 42;
  cr_assert_eq(newsdoc_format_register(&f), NEWSDOC_EUSAGE);
  f = upper_format();
  f.name = "Bad Name";
  cr_assert_eq(newsdoc_format_register(&f), NEWSDOC_EUSAGE);
  f = upper_format();
  f.name = "nothing";
  f.read = NULL;
  f.write = NULL;
  cr_assert_eq(newsdoc_format_register(&f), NEWSDOC_EUSAGE);
  cr_assert_eq(newsdoc_format_register(NULL), NEWSDOC_EUSAGE);
}

Test(registry, json_probe_is_certain) {
  const char *j = "{\"newsdoc\":1,\"meta\":[],\"media\":[],\"body\":[]}\n";
  const char *name;
  int score;
  cr_assert_eq(newsdoc_probe(j, strlen(j), NULL, &name, &score), 0);
  cr_assert_str_eq(name, "json");
  cr_assert_eq(score, 100);
}
