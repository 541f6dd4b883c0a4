/*
 * libFuzzer harness: read -> write -> read.  The first byte picks the
 * input format and the output format among the registered ones; the rest
 * is read as the input format.  A document that reads must be written by
 * the output format, and what a writer made must be read back by the same
 * format (limits aside: wrappers may add nesting), then written again.
 */
#define FUZZ_FORMAT "roundtrip"
#define FUZZ_NO_READER_ENTRY
#include "fuzz_reader.c"

#define MAXF 16
static char rd[MAXF][65], wr[MAXF][65];
static int nr, nw;

static int is_limit(int rc) {
  return rc == NEWSDOC_ELIMIT || rc == NEWSDOC_ELIMIT_SIZE || rc == NEWSDOC_ELIMIT_DEPTH ||
         rc == NEWSDOC_ELIMIT_ZIP || rc == NEWSDOC_ELIMIT_COUNT || rc == NEWSDOC_ECANCELLED;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!opts) {
    if (fuzz_setup_options(&opts)) abort();
    for (size_t i = 0; i < newsdoc_format_count() && i < MAXF; i++) {
      newsdoc_format f;
      if (newsdoc_format_at(i, &f)) abort();
      if (f.read) snprintf(rd[nr++], 65, "%s", f.name);
      if (f.write && f.read) snprintf(wr[nw++], 65, "%s", f.name);
    }
    if (!nr || !nw) abort();
  }
  if (size < 1) return 0;
  const char *from = rd[data[0] % nr], *to = wr[(data[0] / nr) % nw];
  newsdoc_doc *doc = NULL, *back = NULL;
  char *out = NULL, *out2 = NULL;
  size_t len = 0, len2 = 0;
  int rc = newsdoc_read(&doc, (const char *)data + 1, size - 1, from, NULL, opts);
  CHECK(fuzz_code_ok(rc) && rc != NEWSDOC_EUNKNOWNFORMAT, "%s: read returned %d", from, rc);
  if (rc) return 0;
  rc = newsdoc_write(doc, to, opts, &out, &len);
  CHECK(rc == 0 || is_limit(rc), "%s -> %s: the writer failed with %d", from, to, rc);
  if (!rc) {
    rc = newsdoc_read(&back, out, len, to, NULL, opts);
    CHECK(rc == 0 || is_limit(rc), "%s -> %s: the %s reader refuses its writer's output with %d", from, to, to, rc);
    if (!rc) {
      rc = newsdoc_write(back, to, opts, &out2, &len2);
      CHECK(rc == 0 || is_limit(rc), "%s -> %s -> %s: the second write failed with %d", from, to, to, rc);
    }
  }
  newsdoc_free(out);
  newsdoc_free(out2);
  newsdoc_doc_free(back);
  newsdoc_doc_free(doc);
  return 0;
}
