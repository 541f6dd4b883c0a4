/*
 * libFuzzer harness for one reader (FUZZ_FORMAT, set by CMake): the input
 * is read as that format with tighter limits than the defaults, so that
 * each run stays small; a document that reads is written as JSON.
 *
 * Invariants checked (abort() on violation, which libFuzzer reports):
 *  - the result is 0 or a document error code, never EUSAGE, EIO or an
 *    unknown code; newsdoc_error_last() has the same code and a message;
 *  - a failed read returns no document, a successful one returns one;
 *  - the document of a successful read can be written as JSON.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <newsdoc/newsdoc.h>

#ifndef FUZZ_FORMAT
#error "FUZZ_FORMAT must name a format"
#endif

static newsdoc_options *opts;

int fuzz_setup_options(newsdoc_options **out);
int fuzz_setup_options(newsdoc_options **out) {
  if (newsdoc_options_new(out)) return -1;
  static const char *const kv[][2] = {{"max-input-size", "4M"},       {"max-zip-entry-size", "16M"},
                                      {"max-zip-total-size", "32M"},  {"max-nodes", "200000"},
                                      {"max-output-size", "64M"},     {"time-budget-ms", "20000"}};
  for (size_t i = 0; i < sizeof kv / sizeof *kv; i++)
    if (newsdoc_options_set(*out, kv[i][0], kv[i][1])) return -1;
  return 0;
}

int fuzz_code_ok(int rc);
int fuzz_code_ok(int rc) {
  switch (rc) {
  case 0: case NEWSDOC_EMALFORMED: case NEWSDOC_EUNSUPPORTED: case NEWSDOC_ELIMIT: case NEWSDOC_ELIMIT_SIZE:
  case NEWSDOC_ELIMIT_DEPTH: case NEWSDOC_ELIMIT_ZIP: case NEWSDOC_ELIMIT_COUNT: case NEWSDOC_EENCODING:
  case NEWSDOC_ECANCELLED: case NEWSDOC_EUNKNOWNFORMAT:
    return 1;
  default:
    return 0;
  }
}

#define CHECK(cond, ...)                                  \
  do {                                                    \
    if (!(cond)) {                                        \
      fprintf(stderr, "fuzz invariant: " __VA_ARGS__);    \
      fprintf(stderr, " [%s]\n", newsdoc_error_last()->message); \
      abort();                                            \
    }                                                     \
  } while (0)

#ifndef FUZZ_NO_READER_ENTRY
static int registered = -1;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (registered < 0) {
    registered = newsdoc_format_find(FUZZ_FORMAT, NULL) == 0;
    if (!registered) fprintf(stderr, "fuzz: SKIP: format %s is not registered (yet)\n", FUZZ_FORMAT);
    if (fuzz_setup_options(&opts)) abort();
  }
  if (!registered) return 0;
  newsdoc_doc *doc = NULL;
  int rc = newsdoc_read(&doc, (const char *)data, size, FUZZ_FORMAT, NULL, opts);
  CHECK(fuzz_code_ok(rc) && rc != NEWSDOC_EUNKNOWNFORMAT, "%s: read returned %d", FUZZ_FORMAT, rc);
  if (rc) {
    const newsdoc_error *e = newsdoc_error_last();
    CHECK(e->code == rc && e->message && e->message[0], "%s: error_last() has code %d for %d", FUZZ_FORMAT, e->code, rc);
    CHECK(doc == NULL, "%s: a failed read returned a document", FUZZ_FORMAT);
    return 0;
  }
  CHECK(doc != NULL, "%s: read succeeded without a document", FUZZ_FORMAT);
  char *out = NULL;
  size_t len = 0;
  rc = newsdoc_write(doc, "json", opts, &out, &len);
  CHECK(rc == 0 || rc == NEWSDOC_ELIMIT_SIZE, "%s: the JSON writer failed with %d", FUZZ_FORMAT, rc);
  newsdoc_free(out);
  newsdoc_doc_free(doc);
  return 0;
}
#endif
