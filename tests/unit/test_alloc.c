/* The allocator hooks: every allocation of the library goes through them. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

static long live, total;
static long fail_at = -1;

static void *my_malloc(size_t n, void *ud) {
  (void)ud;
  if (fail_at >= 0 && total++ == fail_at) return NULL;
  if (fail_at < 0) total++;
  void *p = malloc(n + 16);
  if (!p) return NULL;
  memcpy(p, "NEWSDOCHDR______", 16);
  live++;
  return (char *)p + 16;
}

static void *my_realloc(void *p, size_t n, void *ud) {
  (void)ud;
  if (fail_at >= 0 && total++ == fail_at) return NULL;
  if (fail_at < 0) total++;
  char *base = (char *)p - 16;
  cr_assert_eq(memcmp(base, "NEWSDOCHDR", 10), 0, "realloc of memory the hook did not make");
  char *q = realloc(base, n + 16);
  return q ? q + 16 : NULL;
}

static void my_free(void *p, void *ud) {
  (void)ud;
  char *base = (char *)p - 16;
  cr_assert_eq(memcmp(base, "NEWSDOCHDR", 10), 0, "free of memory the hook did not make");
  live--;
  free(base);
}

static const newsdoc_allocator HOOK = {NEWSDOC_ALLOCATOR_VERSION, my_malloc, my_realloc, my_free, NULL};

static const char *SAMPLE_JSON =
  "{\"newsdoc\":1,\"meta\":[[\"title\",\"عنوان\"],[\"lang\",\"ar\"]],\"media\":[{\"name\":\"a.gif\",\"mime\":\"image/gif\","
  "\"data\":\"R0lGODlh\"}],\"body\":[{\"type\":\"section\",\"level\":1,\"children\":[{\"type\":\"heading\",\"children\":"
  "[{\"type\":\"text\",\"text\":\"h\"}]},{\"type\":\"paragraph\",\"children\":[{\"type\":\"text\",\"text\":\"p\"}]}]}]}\n";

Test(alloc, every_allocation_goes_through_the_hook) {
  /* Make sure the registry exists first: it lives for the whole process. */
  newsdoc_format_count();
  cr_assert_eq(newsdoc_set_allocator(&HOOK), 0);
  live = total = 0;
  newsdoc_doc *d;
  cr_assert_eq(newsdoc_read(&d, SAMPLE_JSON, strlen(SAMPLE_JSON), "json", NULL, NULL), 0);
  char *out;
  size_t len;
  cr_assert_eq(newsdoc_write(d, "json", NULL, &out, &len), 0);
  cr_assert_gt(total, 10);
  cr_assert_eq(memcmp(out - 16, "NEWSDOCHDR", 10), 0, "output not from the hook");
  cr_assert_str_eq(out, SAMPLE_JSON);
  newsdoc_free(out);
  newsdoc_doc_free(d);
  cr_assert_eq(live, 0, "%ld allocations leaked", live);
  cr_assert_eq(newsdoc_set_allocator(NULL), 0);
}

Test(alloc, every_failure_is_enomem_and_leaks_nothing) {
  newsdoc_format_count();
  cr_assert_eq(newsdoc_set_allocator(&HOOK), 0);
  int ok = 0;
  long n;
  for (n = 0; n < 10000 && !ok; n++) {
    fail_at = n;
    live = total = 0;
    newsdoc_doc *d = NULL;
    char *out = NULL;
    size_t len;
    int rc = newsdoc_read(&d, SAMPLE_JSON, strlen(SAMPLE_JSON), "json", NULL, NULL);
    if (!rc) rc = newsdoc_write(d, "json", NULL, &out, &len);
    cr_assert(rc == 0 || rc == NEWSDOC_ENOMEM, "allocation %ld: %d %s", n, rc, newsdoc_error_last()->message);
    if (!rc) {
      cr_assert_str_eq(out, SAMPLE_JSON);
      ok = 1;
    }
    newsdoc_free(out);
    newsdoc_doc_free(d);
    cr_assert_eq(live, 0, "allocation %ld failing leaked %ld blocks", n, live);
  }
  fail_at = -1;
  cr_assert(ok);
  cr_assert_gt(n, 10, "too few allocation sites walked: %ld", n);
  cr_assert_eq(newsdoc_set_allocator(NULL), 0);
}

Test(alloc, rejects_incomplete_hooks) {
  newsdoc_allocator bad = HOOK;
  bad.free_fn = NULL;
  cr_assert_eq(newsdoc_set_allocator(&bad), NEWSDOC_EUSAGE);
  bad = HOOK;
  bad.version = 99;
  cr_assert_eq(newsdoc_set_allocator(&bad), NEWSDOC_EUSAGE);
}
