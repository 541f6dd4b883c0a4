/* alloc.c - the one place every allocation of the library goes through. */
#include <stdlib.h>

#include "../internal.h"

static void *std_malloc(size_t n, void *ud) { (void)ud; return malloc(n); }
static void *std_realloc(void *p, size_t n, void *ud) { (void)ud; return realloc(p, n); }
static void std_free(void *p, void *ud) { (void)ud; free(p); }

static newsdoc_allocator g_alloc = {NEWSDOC_ALLOCATOR_VERSION, std_malloc, std_realloc, std_free, NULL};
int nd_alloc_std = 1;

int newsdoc_set_allocator(const newsdoc_allocator *alloc) {
  if (!alloc) {
    g_alloc.malloc_fn = std_malloc;
    g_alloc.realloc_fn = std_realloc;
    g_alloc.free_fn = std_free;
    g_alloc.userdata = NULL;
    nd_alloc_std = 1;
    return 0;
  }
  if (alloc->version != NEWSDOC_ALLOCATOR_VERSION || !alloc->malloc_fn || !alloc->realloc_fn ||
      !alloc->free_fn)
    return newsdoc_error_set(NEWSDOC_EUSAGE, "newsdoc_set_allocator: version %u or a function missing",
                             alloc->version);
  g_alloc = *alloc;
  nd_alloc_std = 0;
  return 0;
}

void *nd_malloc(size_t n) { return g_alloc.malloc_fn(n ? n : 1, g_alloc.userdata); }

void *nd_calloc(size_t count, size_t size) {
  if (size && count > (size_t)-1 / size) return NULL;
  void *p = nd_malloc(count * size);
  if (p && count && size) memset(p, 0, count * size);
  return p;
}

void *nd_realloc(void *p, size_t n) {
  if (!p) return nd_malloc(n);
  return g_alloc.realloc_fn(p, n ? n : 1, g_alloc.userdata);
}

void nd_free(void *p) {
  if (p) g_alloc.free_fn(p, g_alloc.userdata);
}

void *nd_default_malloc(size_t n) { return malloc(n); }
void nd_default_free(void *p) { free(p); }

char *nd_strndup(const char *s, size_t n) {
  if (n == (size_t)-1) return NULL;
  char *p = nd_malloc(n + 1);
  if (!p) return NULL;
  if (n) memcpy(p, s, n);
  p[n] = 0;
  return p;
}

char *nd_strdup(const char *s) { return s ? nd_strndup(s, strlen(s)) : NULL; }

void *newsdoc_malloc(size_t size) { return nd_malloc(size); }
void newsdoc_free(void *ptr) { nd_free(ptr); }

int nd_grow(void *pitems, size_t *cap, size_t n, size_t elem, size_t first, const char *what) {
  if (n < *cap) return 0;
  size_t nc = *cap ? *cap : first;
  if (*cap && nc > SIZE_MAX / 2 / elem) return nd_oom(what);
  if (*cap) nc *= 2;
  if (nc > SIZE_MAX / elem) return nd_oom(what);
  void *old;
  memcpy(&old, pitems, sizeof old);
  void *p = nd_realloc(old, nc * elem);
  if (!p) return nd_oom(what);
  memcpy(pitems, &p, sizeof p);
  *cap = nc;
  return 0;
}
