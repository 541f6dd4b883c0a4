/*
 * Out-of-memory injection (issue #9).  For every registered format, a
 * conversion that reads the format and writes it again is run with
 * allocation N failing, for N = 1, 2, ... until a run makes fewer than N
 * allocations: once with only allocation N failing (transient), once with
 * N and every later one failing (persistent).  Every run must return
 * NEWSDOC_ENOMEM (with that code in newsdoc_error_last()) or succeed with
 * the same output as a run without failures, must leave no allocation of
 * the library alive, and the next conversion must work.
 *
 * NEWSDOC_OOM_STRIDE=k walks N = 1, 1+k, 1+2k, ... (for the slow
 * valgrind/sanitizer runs); the default walks every N.
 */
#define _GNU_SOURCE 1 /* dladdr */
#include <criterion/criterion.h>
#include <dlfcn.h>
#include <execinfo.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

/* Every node type, metadata with repeats, a medium, RTL and LTR text. */
static const char *DOC_JSON =
  "{\"newsdoc\":1,\"meta\":[[\"title\",\"اجتماع الحكومة\"],[\"subtitle\",\"تقرير\"],[\"author\",\"سارة\"],"
  "[\"author\",\"Dan Levi\"],[\"byline\",\"بقلم سارة\"],[\"date\",\"2025-03-01\"],[\"lang\",\"ar\"],[\"dir\",\"rtl\"],"
  "[\"keyword\",\"سياسة\"],[\"publisher\",\"وكالة\"]],"
  "\"media\":[{\"name\":\"pic.png\",\"mime\":\"image/png\",\"data\":"
  "\"iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==\"}],"
  "\"body\":[{\"type\":\"paragraph\",\"children\":[{\"type\":\"text\",\"text\":\"قالت الحكومة \"},"
  "{\"type\":\"emph\",\"children\":[{\"type\":\"text\",\"text\":\"اليوم\"}]},{\"type\":\"text\",\"text\":\" إن \"},"
  "{\"type\":\"strong\",\"children\":[{\"type\":\"text\",\"text\":\"الاجتماع\"}]},{\"type\":\"soft_break\"},"
  "{\"type\":\"link\",\"url\":\"https://example.org/a?b=1\",\"title\":\"t\",\"children\":[{\"type\":\"text\",\"text\":\"رابط\"}]},"
  "{\"type\":\"quoted\",\"children\":[{\"type\":\"text\",\"text\":\"قول\"}]},{\"type\":\"code\",\"text\":\"x<y\"},"
  "{\"type\":\"line_break\"},{\"type\":\"image\",\"url\":\"media:pic.png\",\"title\":\"صورة\"},"
  "{\"type\":\"note\",\"children\":[{\"type\":\"paragraph\",\"children\":[{\"type\":\"text\",\"text\":\"حاشية\"}]}]},"
  "{\"type\":\"span\",\"lang\":\"en\",\"dir\":\"ltr\",\"children\":[{\"type\":\"text\",\"text\":\"USA\"}]}]},"
  "{\"type\":\"section\",\"level\":1,\"children\":[{\"type\":\"heading\",\"children\":[{\"type\":\"text\",\"text\":\"خلفية\"}]},"
  "{\"type\":\"blockquote\",\"children\":[{\"type\":\"paragraph\",\"lang\":\"fa\",\"children\":[{\"type\":\"text\","
  "\"text\":\"می\u200cخواهم\"}]}]},"
  "{\"type\":\"list\",\"list_type\":\"ordered\",\"start\":3,\"children\":[{\"type\":\"item\",\"children\":"
  "[{\"type\":\"paragraph\",\"children\":[{\"type\":\"text\",\"text\":\"أول\"}]}]},{\"type\":\"item\",\"children\":"
  "[{\"type\":\"paragraph\",\"children\":[{\"type\":\"text\",\"text\":\"ثان\"}]}]}]},"
  "{\"type\":\"list\",\"children\":[{\"type\":\"item\",\"children\":[{\"type\":\"paragraph\",\"children\":"
  "[{\"type\":\"text\",\"text\":\"بند\"}]}]}]},"
  "{\"type\":\"table\",\"aligns\":[\"start\",\"end\"],\"children\":[{\"type\":\"table_row\",\"header\":true,"
  "\"children\":[{\"type\":\"table_cell\",\"children\":[{\"type\":\"text\",\"text\":\"أ\"}]},{\"type\":\"table_cell\","
  "\"children\":[{\"type\":\"text\",\"text\":\"ب\"}]}]},{\"type\":\"table_row\",\"children\":[{\"type\":\"table_cell\","
  "\"children\":[{\"type\":\"text\",\"text\":\"١\"}]},{\"type\":\"table_cell\",\"children\":[{\"type\":\"text\",\"text\":\"٢\"}]}]}]},"
  "{\"type\":\"figure\",\"url\":\"media:pic.png\",\"title\":\"صورة\",\"children\":[{\"type\":\"caption\",\"children\":"
  "[{\"type\":\"text\",\"text\":\"تعليق\"}]}]},{\"type\":\"code_block\",\"info\":\"c\",\"text\":\"int x;\\n\"},"
  "{\"type\":\"thematic_break\"},"
  "{\"type\":\"section\",\"level\":2,\"children\":[{\"type\":\"heading\",\"children\":[{\"type\":\"text\",\"text\":\"تفاصيل\"}]},"
  "{\"type\":\"paragraph\",\"lang\":\"en\",\"dir\":\"ltr\",\"children\":[{\"type\":\"text\",\"text\":\"English text.\"}]}]}]}]}";

/* ---- the failing allocator ------------------------------------------------ */
typedef struct {
  size_t magic;
  size_t size;
} hdr;
#define MAGIC ((size_t)0x6f6f6d21ULL)
#define MAX_SITES 8192

static struct {
  long live;
  unsigned long count;   /* allocations made in this run */
  unsigned long fail_at; /* 0: never */
  int persistent;
  unsigned long injected; /* failures injected in this run */
  int bad_free;
  void *fail_frames[12]; /* where the injected failure of this run happened */
  int nfail_frames;
  uint64_t sites[MAX_SITES];
  size_t nsites;
} S;

/* Prints a call stack as function and file:line, through addr2line. */
static void print_stack(const char *title, void *const *fr, int n) {
  fprintf(stderr, "oom: %s:\n", title);
  for (int i = 0; i < n; i++) {
    Dl_info di;
    if (!dladdr(fr[i], &di) || !di.dli_fname) continue;
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "addr2line -f -s -e '%s' %#lx 2>/dev/null | paste -sd' '", di.dli_fname,
             (unsigned long)((char *)fr[i] - (char *)di.dli_fbase) - 1);
    FILE *p = popen(cmd, "r");
    char line[600] = "";
    if (p) {
      if (!fgets(line, sizeof line, p)) line[0] = 0;
      pclose(p);
    }
    line[strcspn(line, "\n")] = 0;
    fprintf(stderr, "    #%d %s (%s)\n", i, line, strrchr(di.dli_fname, '/') ? strrchr(di.dli_fname, '/') + 1 : di.dli_fname);
  }
}

static void note_site(void) {
  void *fr[12];
  int n = backtrace(fr, 12);
  memcpy(S.fail_frames, fr, sizeof fr);
  S.nfail_frames = n;
  uint64_t h = 1469598103934665603ULL;
  /* frames 0-2 are this allocator, should_fail and nd_malloc/nd_realloc */
  for (int i = 3; i < n && i < 8; i++) h = (h ^ (uint64_t)(uintptr_t)fr[i]) * 1099511628211ULL;
  for (size_t i = 0; i < S.nsites; i++)
    if (S.sites[i] == h) return;
  if (S.nsites < MAX_SITES) S.sites[S.nsites++] = h;
}

static int should_fail(void) {
  S.count++;
  if (!S.fail_at) return 0;
  if (S.count == S.fail_at || (S.persistent && S.count > S.fail_at)) {
    if (S.count == S.fail_at) note_site();
    S.injected++;
    return 1;
  }
  return 0;
}

static void *f_malloc(size_t n, void *ud) {
  (void)ud;
  if (should_fail()) return NULL;
  hdr *h = malloc(sizeof(hdr) + n);
  if (!h) return NULL;
  h->magic = MAGIC;
  h->size = n;
  S.live++;
  return h + 1;
}
static void f_free(void *p, void *ud) {
  (void)ud;
  if (!p) return;
  hdr *h = (hdr *)p - 1;
  if (h->magic != MAGIC) {
    if (!S.bad_free++) {
      void *fr[12];
      print_stack("free() of a pointer freed before, or not made by this allocator", fr, backtrace(fr, 12));
    }
    return;
  }
  h->magic = 0;
  S.live--;
  free(h);
}
static void *f_realloc(void *p, size_t n, void *ud) {
  if (!p) return f_malloc(n, ud);
  hdr *h = (hdr *)p - 1;
  if (h->magic != MAGIC) {
    if (!S.bad_free++) {
      void *fr[12];
      print_stack("realloc() of a pointer freed before, or not made by this allocator", fr, backtrace(fr, 12));
    }
    return NULL;
  }
  if (should_fail()) return NULL;
  hdr *q = realloc(h, sizeof(hdr) + n);
  if (!q) return NULL;
  q->size = n;
  return q + 1;
}

/* ---- the conversion ------------------------------------------------------------ */
typedef struct {
  const char *from, *to;
  const char *input;
  size_t input_len;
} conv;

/* Reads conv->input as `from`, writes `to`.  Returns the code; *out gets
 * the output (malloc'd copy) on success. */
static int convert(const conv *c, char **out, size_t *out_len) {
  newsdoc_doc *doc = NULL;
  *out = NULL;
  *out_len = 0;
  int rc = newsdoc_read(&doc, c->input, c->input_len, c->from, NULL, NULL);
  if (rc == 0) {
    char *o = NULL;
    size_t n = 0;
    rc = newsdoc_write(doc, c->to, NULL, &o, &n);
    if (rc == 0) {
      *out = malloc(n + 1);
      memcpy(*out, o, n);
      *out_len = n;
    }
    newsdoc_free(o);
  }
  newsdoc_doc_free(doc);
  return rc;
}

static int can(const char *fmt, int write) {
  newsdoc_format f;
  if (newsdoc_format_find(fmt, &f)) return -1;
  return write ? f.write != NULL : f.read != NULL;
}

static void walk(const char *fmt) {
  int r = can(fmt, 0), w = can(fmt, 1);
  if (r < 0) cr_skip_test("format %s is not registered (yet)", fmt);
  cr_assert(r || w);
  long stride = getenv("NEWSDOC_OOM_STRIDE") ? atol(getenv("NEWSDOC_OOM_STRIDE")) : 1;
  if (stride < 1) stride = 1;

  /* The input: the document written as `fmt` (or JSON when fmt cannot
   * write), with the ordinary allocator. */
  newsdoc_doc *src = NULL;
  cr_assert_eq(newsdoc_read(&src, DOC_JSON, strlen(DOC_JSON), "json", NULL, NULL), 0, "%s",
               newsdoc_error_last()->message);
  conv c = {w ? fmt : "json", r ? fmt : "json", NULL, 0};
  char *in = NULL;
  size_t in_len = 0;
  cr_assert_eq(newsdoc_write(src, c.from, NULL, &in, &in_len), 0, "writing the %s input: %s", c.from,
               newsdoc_error_last()->message);
  newsdoc_doc_free(src);
  c.input = in;
  c.input_len = in_len;
  if (!r) c.from = "json";

  /* Reference output, still with the ordinary allocator (lazy one-time
   * setup of libxml2/ICU happens here, outside the counted runs). */
  char *ref = NULL;
  size_t ref_len = 0;
  cr_assert_eq(convert(&c, &ref, &ref_len), 0, "%s -> %s: %s", c.from, c.to, newsdoc_error_last()->message);

  newsdoc_allocator al = {NEWSDOC_ALLOCATOR_VERSION, f_malloc, f_realloc, f_free, NULL};
  char *first_copy = malloc(in_len + 1);
  memcpy(first_copy, in, in_len);
  c.input = first_copy; /* `in` was made by the library's old allocator */
  newsdoc_free(in);
  cr_assert_eq(newsdoc_set_allocator(&al), 0);

  /* Every problem is counted and the walk goes on, so that one run shows
   * them all; the first few are described with the failed allocation's
   * call stack. */
  unsigned long total = 0, runs = 0, enomem = 0, graceful = 0, problems = 0;
  unsigned long leaks = 0, bad_frees = 0, wrong_code = 0, wrong_output = 0, next_fails = 0;
#define PROBLEM(counter, ...)                                                     \
  do {                                                                            \
    counter++;                                                                    \
    if (problems++ < 6) {                                                         \
      fprintf(stderr, "oom: PROBLEM: " __VA_ARGS__);                              \
      fprintf(stderr, "\n");                                                      \
      if (injected) print_stack("the failed allocation", S.fail_frames, S.nfail_frames); \
    }                                                                             \
  } while (0)
  for (int persistent = 0; persistent <= 1; persistent++) {
    const char *mode = persistent ? "persistent" : "transient";
    for (unsigned long n = 1;; n += (unsigned long)stride) {
      cr_assert_lt(n, 10000000UL, "%s: the walk does not end", fmt);
      S.count = 0;
      S.injected = 0;
      S.fail_at = n;
      S.persistent = persistent;
      S.bad_free = 0;
      char *out = NULL;
      size_t out_len = 0;
      newsdoc_error_clear();
      int rc = convert(&c, &out, &out_len);
      unsigned long made = S.count, injected = S.injected;
      S.fail_at = 0;
      runs++;
      if (S.live)
        PROBLEM(leaks, "%s %s -> %s, %s failure at allocation %lu: %ld allocations leaked (rc %d: %s)", fmt, c.from,
                c.to, mode, n, S.live, rc, newsdoc_error_last()->message);
      S.live = 0;
      if (S.bad_free)
        PROBLEM(bad_frees, "%s %s -> %s, %s failure at allocation %lu: a pointer freed twice or not made by the "
                "allocator", fmt, c.from, c.to, mode, n);
      if (rc) {
        if (rc != NEWSDOC_ENOMEM || newsdoc_error_last()->code != NEWSDOC_ENOMEM || !injected)
          PROBLEM(wrong_code, "%s %s -> %s, %s failure at allocation %lu: returned %d (%s), not ENOMEM", fmt, c.from,
                  c.to, mode, n, rc, newsdoc_error_last()->message);
        else
          enomem++;
      } else if (out_len != ref_len || memcmp(out, ref, ref_len)) {
        PROBLEM(wrong_output, "%s %s -> %s, %s failure at allocation %lu: succeeded with a different output (%zu "
                "bytes, reference %zu): the failure was ignored", fmt, c.from, c.to, mode, n, out_len, ref_len);
      } else if (injected) {
        graceful++;
      }
      free(out);
      if (!injected) {
        if (!persistent) total = made;
        break; /* fewer than n allocations: the walk is complete */
      }
      /* The next conversion works. */
      rc = convert(&c, &out, &out_len);
      if (rc || out_len != ref_len || memcmp(out, ref, ref_len) || S.live)
        PROBLEM(next_fails, "%s: the conversion after a failure at %lu does not work (rc %d: %s)", fmt, n, rc,
                rc ? newsdoc_error_last()->message : "different output or leak");
      S.live = 0;
      free(out);
    }
  }
  newsdoc_set_allocator(NULL);
  fprintf(stderr,
          "oom: %-8s %s -> %s: %lu allocations per conversion, walked transient and persistent (stride %ld): %lu runs, "
          "%lu ENOMEM, %lu succeeded despite a failure, %zu distinct allocation sites failed; problems: %lu leaks, "
          "%lu double/foreign frees, %lu wrong codes, %lu ignored failures, %lu broken next conversions\n",
          fmt, c.from, c.to, total, stride, runs, enomem, graceful, S.nsites, leaks, bad_frees, wrong_code,
          wrong_output, next_fails);
  cr_expect_eq(problems, 0, "%s: %lu problems in the out-of-memory walk (see above)", fmt, problems);
  cr_assert_gt(total, 0);
  free(ref);
  free(first_copy);
}

/* Registry and libraries set up before the allocator is replaced. */
static void setup(void) {
  newsdoc_format_count();
  void *fr[2];
  backtrace(fr, 2); /* loads libgcc_s now, not inside a counted run */
}

TestSuite(oom, .init = setup, .timeout = 600);

Test(oom, json) { walk("json"); }
Test(oom, text) { walk("text"); }
Test(oom, markdown) { walk("markdown"); }
Test(oom, html) { walk("html"); }
Test(oom, epub) { walk("epub"); }
Test(oom, docx) { walk("docx"); }

/* Formats registered beyond the six built-in ones. */
Test(oom, others) {
  static const char *known[] = {"json", "text", "markdown", "html", "epub", "docx"};
  size_t done = 0;
  for (size_t i = 0; i < newsdoc_format_count(); i++) {
    newsdoc_format f;
    cr_assert_eq(newsdoc_format_at(i, &f), 0);
    int is_known = 0;
    for (size_t k = 0; k < 6; k++) is_known |= !strcmp(known[k], f.name);
    if (!is_known) {
      walk(f.name);
      done++;
    }
  }
  if (!done) cr_skip_test("no formats beyond the six built-in ones");
}
