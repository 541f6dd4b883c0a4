/*
 * Several threads converting different documents at once (issue #9), run
 * under ThreadSanitizer by scripts/sanitize.sh.  Each thread has its own
 * document and converts it through every pair of registered formats
 * (read as F, write as G); the outputs must equal those of a single-
 * threaded run.  Meanwhile every thread also provokes errors and checks
 * that newsdoc_error_last() holds its own, and one thread registers and
 * unregisters a format of its own (the registry's lock).
 */
#ifndef THREADS_STANDALONE
#include <criterion/criterion.h>
#else
/* Built alone (scripts/sanitize.sh, ThreadSanitizer): Criterion's worker
 * arena cannot be set up under TSan, so a few stand-ins run the test. */
#include <stdio.h>
#include <stdlib.h>
static int shim_failed;
#define SHIM_CHECK(cond, fatal, ...)                                              \
  do {                                                                            \
    if (!(cond)) {                                                                \
      fprintf(stderr, "threads: FAIL at line %d: %s\n", __LINE__, #cond);         \
      shim_failed = 1;                                                            \
      if (fatal) exit(1);                                                         \
    }                                                                             \
  } while (0)
#define cr_assert_eq(a, b, ...) SHIM_CHECK((a) == (b), 1, __VA_ARGS__)
#define cr_assert_gt(a, b, ...) SHIM_CHECK((a) > (b), 1, __VA_ARGS__)
#define cr_expect_eq(a, b, ...) SHIM_CHECK((a) == (b), 0, __VA_ARGS__)
#define Test(suite, name, ...)                                                    \
  static void suite##_##name(void);                                               \
  int main(void) {                                                                \
    suite##_##name();                                                             \
    fprintf(stderr, "threads: %s\n", shim_failed ? "FAILED" : "passed");          \
    return shim_failed;                                                           \
  }                                                                               \
  static void suite##_##name(void)
#endif
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

#define NTHREADS 6
#define ROUNDS 3 /* NEWSDOC_THREADS_ROUNDS overrides (valgrind runs 1) */
static int rounds = ROUNDS;
#define MAXF 16

static const char *DOC_FMT =
  "{\"newsdoc\":1,\"meta\":[[\"title\",\"خبر رقم %d\"],[\"author\",\"كاتب %d\"],[\"lang\",\"%s\"],[\"dir\",\"%s\"]],"
  "\"media\":[],\"body\":[{\"type\":\"paragraph\",\"children\":[{\"type\":\"text\",\"text\":\"%s %d \"},"
  "{\"type\":\"strong\",\"children\":[{\"type\":\"text\",\"text\":\"مهم\"}]},"
  "{\"type\":\"link\",\"url\":\"https://example.org/%d\",\"children\":[{\"type\":\"text\",\"text\":\"رابط\"}]}]},"
  "{\"type\":\"section\",\"level\":1,\"children\":[{\"type\":\"heading\",\"children\":[{\"type\":\"text\",\"text\":\"قسم %d\"}]},"
  "{\"type\":\"list\",\"children\":[{\"type\":\"item\",\"children\":[{\"type\":\"paragraph\",\"children\":"
  "[{\"type\":\"text\",\"text\":\"بند %d\"}]}]}]},"
  "{\"type\":\"table\",\"children\":[{\"type\":\"table_row\",\"header\":true,\"children\":[{\"type\":\"table_cell\","
  "\"children\":[{\"type\":\"text\",\"text\":\"%d\"}]}]}]},"
  "{\"type\":\"blockquote\",\"children\":[{\"type\":\"paragraph\",\"children\":[{\"type\":\"text\",\"text\":\"%s\"}]}]}]}]}";

static const char *LANGS[][3] = {
  {"ar", "rtl", "قالت الحكومة إن الاجتماع سيعقد غداً"},
  {"he", "rtl", "הממשלה הודיעה כי הפגישה תתקיים מחר"},
  {"fa", "rtl", "دولت اعلام کرد که نشست فردا برگزار می‌شود"},
  {"en", "ltr", "The government said the meeting will be held tomorrow"},
};

static int nreaders, nwriters;
static char readers[MAXF][65], writers[MAXF][65];

typedef struct {
  int id;
  char *json;
  char *ref[MAXF][MAXF]; /* ref[r][w]: read as readers[r] (after writing it), write as writers[w] */
  size_t ref_len[MAXF][MAXF];
  int ref_rc[MAXF][MAXF];
  char failure[512];
} job;

static job jobs[NTHREADS];

/* json -> (write F) -> (read F) -> write G */
static int convert(const char *json, const char *f, const char *g, char **out, size_t *len) {
  newsdoc_doc *d = NULL, *d2 = NULL;
  char *mid = NULL;
  size_t mid_len = 0;
  *out = NULL;
  *len = 0;
  int rc = newsdoc_read(&d, json, strlen(json), "json", NULL, NULL);
  if (!rc) rc = newsdoc_write(d, f, NULL, &mid, &mid_len);
  if (!rc) rc = newsdoc_read(&d2, mid, mid_len, f, NULL, NULL);
  if (!rc) rc = newsdoc_write(d2, g, NULL, out, len);
  newsdoc_free(mid);
  newsdoc_doc_free(d);
  newsdoc_doc_free(d2);
  return rc;
}

static int dummy_read(newsdoc_doc **out, const char *data, size_t len, newsdoc_ctx *ctx, void *ud) {
  (void)data; (void)len; (void)ctx; (void)ud;
  return newsdoc_doc_new(out);
}

static void *worker(void *arg) {
  job *j = arg;
  char name[32];
  snprintf(name, sizeof name, "thread-fmt-%d", j->id);
  for (int round = 0; round < rounds && !j->failure[0]; round++) {
    for (int r = 0; r < nreaders && !j->failure[0]; r++) {
      for (int w = 0; w < nwriters && !j->failure[0]; w++) {
        char *out;
        size_t len;
        int rc = convert(j->json, readers[r], writers[w], &out, &len);
        if (rc != j->ref_rc[r][w] || (rc == 0 && (len != j->ref_len[r][w] || memcmp(out, j->ref[r][w], len))))
          snprintf(j->failure, sizeof j->failure, "thread %d, %s -> %s, round %d: rc %d (alone: %d), %zu bytes "
                   "(alone: %zu): %s", j->id, readers[r], writers[w], round, rc, j->ref_rc[r][w], len,
                   j->ref_len[r][w], rc ? newsdoc_error_last()->message : "output differs");
        newsdoc_free(out);
        /* An error of our own, then check it is still ours. */
        char bad[64];
        int blen = snprintf(bad, sizeof bad, "{\"newsdoc\":1,\"body\":[{\"type\":\"nosuch%d\"}]}", j->id);
        newsdoc_doc *d = NULL;
        rc = newsdoc_read(&d, bad, (size_t)blen, "json", NULL, NULL);
        const newsdoc_error *e = newsdoc_error_last();
        if (rc != NEWSDOC_EMALFORMED || e->code != NEWSDOC_EMALFORMED || !strstr(e->message, "json"))
          snprintf(j->failure, sizeof j->failure, "thread %d: error report not its own: %d %s", j->id, e->code,
                   e->message);
      }
    }
    /* The registry: a format of this thread's own, registered and removed. */
    newsdoc_format f = NEWSDOC_FORMAT_INIT;
    f.name = name;
    f.read = dummy_read;
    if (newsdoc_format_register(&f) || newsdoc_format_find(name, NULL) || newsdoc_format_unregister(name))
      snprintf(j->failure, sizeof j->failure, "thread %d: registry: %s", j->id, newsdoc_error_last()->message);
  }
  return NULL;
}

Test(threads, convert_at_once, .timeout = 600) {
  for (size_t i = 0; i < newsdoc_format_count() && i < MAXF; i++) {
    newsdoc_format f;
    cr_assert_eq(newsdoc_format_at(i, &f), 0);
    if (f.read && f.write) snprintf(readers[nreaders++], 65, "%s", f.name);
    if (f.write) snprintf(writers[nwriters++], 65, "%s", f.name);
  }
  cr_assert_gt(nreaders, 0);
  if (getenv("NEWSDOC_THREADS_ROUNDS") && atoi(getenv("NEWSDOC_THREADS_ROUNDS")) > 0)
    rounds = atoi(getenv("NEWSDOC_THREADS_ROUNDS"));
  fprintf(stderr, "threads: %d threads x %d rounds x %d read formats x %d write formats\n", NTHREADS, rounds,
          nreaders, nwriters);
  static const char *known[] = {"text", "markdown", "html", "epub", "docx", "json"};
  for (size_t k = 0; k < 6; k++)
    if (newsdoc_format_find(known[k], NULL)) fprintf(stderr, "threads: SKIP %s: not registered (yet)\n", known[k]);

  for (int t = 0; t < NTHREADS; t++) {
    job *j = &jobs[t];
    j->id = t;
    const char **L = LANGS[t % 4];
    size_t cap = strlen(DOC_FMT) + 4096;
    j->json = malloc(cap);
    snprintf(j->json, cap, DOC_FMT, t, t, L[0], L[1], L[2], t, t, t, t, t, L[2]);
    for (int r = 0; r < nreaders; r++)
      for (int w = 0; w < nwriters; w++)
        j->ref_rc[r][w] = convert(j->json, readers[r], writers[w], &j->ref[r][w], &j->ref_len[r][w]);
  }
  pthread_t th[NTHREADS];
  for (int t = 0; t < NTHREADS; t++) cr_assert_eq(pthread_create(&th[t], NULL, worker, &jobs[t]), 0);
  for (int t = 0; t < NTHREADS; t++) pthread_join(th[t], NULL);
  int ok_pairs = 0;
  for (int t = 0; t < NTHREADS; t++) {
    cr_expect_eq(jobs[t].failure[0], 0, "%s", jobs[t].failure);
    for (int r = 0; r < nreaders; r++)
      for (int w = 0; w < nwriters; w++) {
        ok_pairs += jobs[t].ref_rc[r][w] == 0;
        newsdoc_free(jobs[t].ref[r][w]);
      }
    free(jobs[t].json);
  }
  /* Every pair of the first document must convert at all. */
  cr_assert_eq(ok_pairs, NTHREADS * nreaders * nwriters, "some conversions fail even without threads");
}
