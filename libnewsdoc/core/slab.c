/* slab.c - where nodes come from: chunks bump-allocated per thread.
 *
 * A large input has one node for every few dozen bytes; one malloc and one
 * free per node made freeing a 10 MB document mostly glibc consolidating its
 * fast bins.  Here a node (struct plus inline literal) is carved from the
 * calling thread's current chunk and records that chunk; the chunk goes back
 * to the allocator when its last node is freed, on whatever thread.
 *
 * The live count of a chunk starts at ND_SLAB_HELD (the reference of the
 * thread whose current chunk it is) and each free subtracts the number of
 * nodes freed; the owner counts its allocations in a plain field and, when it
 * gives the chunk up (full, or the thread exits), subtracts
 * ND_SLAB_HELD - nalloc.  So allocating takes no atomic operation, freeing a
 * run of nodes of one chunk takes one, and the count reaches zero exactly
 * once, after the last node is freed and the owner has let go.
 *
 * The slab is bypassed (every node its own nd_malloc, chunk NULL) when:
 * - a custom allocator is installed (newsdoc_set_allocator): the host sees
 *   every node, and the out-of-memory walks fail node by node as before;
 * - under AddressSanitizer (compile time) and memcheck (RUNNING_ON_VALGRIND,
 *   at run time): they see each node as its own block, so a use after free,
 *   an overflow or a leak of a node is reported exactly as without the slab;
 * - the library is built with -DND_NO_SLAB (to measure without it);
 *   -DND_SLAB_UNDER_VALGRIND keeps it under valgrind (to count a build's
 *   instructions with callgrind as it runs);
 * - a node is larger than a quarter of the chunk it would go into.
 * ThreadSanitizer keeps the slab: the cross-thread release is what it checks.
 */
#include <pthread.h>
#include <stdatomic.h>

#include "../internal.h"

#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define ND_HAVE_VALGRIND 1
#endif
#endif

#if defined(__SANITIZE_ADDRESS__)
#define ND_SLAB_OFF 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer)
#define ND_SLAB_OFF 1
#endif
#endif
#if defined(ND_NO_SLAB)
#define ND_SLAB_OFF 1
#endif

#define ND_SLAB_FIRST ((size_t)4 << 10) /* a thread's first chunk */
#define ND_SLAB_HELD ((size_t)1 << (sizeof(size_t) * 8 - 2))
#define ND_SLAB_ALIGN sizeof(void *)

struct nd_slab {
  atomic_size_t live; /* ND_SLAB_HELD while held, minus the nodes freed */
};
#define ND_SLAB_HDR ((sizeof(nd_slab) + 15) & ~(size_t)15)

_Thread_local nd_slab_thread nd_slab_tl __attribute__((tls_model("initial-exec")));
#define tl nd_slab_tl

static pthread_once_t g_once = PTHREAD_ONCE_INIT;
static pthread_key_t g_key;
static int g_key_ok, g_off;
static atomic_size_t g_chunks; /* chunks not yet freed, for the tests */

size_t nd_slab_put(nd_slab *s, size_t count) {
  size_t left = atomic_fetch_sub_explicit(&s->live, count, memory_order_acq_rel) - count;
  if (!left) {
    atomic_fetch_sub_explicit(&g_chunks, 1, memory_order_relaxed);
    nd_default_free(s);
  }
  return left;
}

/* The thread lets its current chunk go: the nodes still live keep it. */
static void slab_drop(void) {
  nd_slab *s = tl.cur;
  tl.cur = NULL;
  tl.top = tl.end = NULL;
  if (s) nd_slab_put(s, ND_SLAB_HELD - tl.nalloc);
}

/* pthread_key destructor: the exiting thread's current chunk (p == tl.cur) */
static void thread_exit(void *p) {
  (void)p;
  slab_drop();
}

static void slab_init(void) {
#if defined(ND_SLAB_OFF)
  g_off = 1;
#elif defined(ND_HAVE_VALGRIND) && !defined(ND_SLAB_UNDER_VALGRIND)
  g_off = RUNNING_ON_VALGRIND != 0;
#endif
  g_key_ok = !pthread_key_create(&g_key, thread_exit);
}

/* If the library is unloaded, no destructor must point into it any more
 * (the chunks of threads still running then stay with them). */
__attribute__((destructor)) static void slab_fini(void) {
  if (g_key_ok) pthread_key_delete(g_key);
  g_key_ok = 0;
}

static size_t round_up(size_t n) { return (n + ND_SLAB_ALIGN - 1) & ~(ND_SLAB_ALIGN - 1); }

/* A new current chunk that has room for `size` bytes, or NULL: the node then
 * goes to nd_malloc on its own (too big, no slab here, or out of memory for
 * a chunk: the single allocation then reports it). */
static nd_slab *slab_new(size_t size) {
  pthread_once(&g_once, slab_init);
  if (g_off || !g_key_ok) return NULL;
  size_t csize = tl.next_size ? tl.next_size : ND_SLAB_FIRST;
  if (size > (csize - ND_SLAB_HDR) / 4) return NULL;
  nd_slab *s = nd_default_malloc(csize);
  if (!s) return NULL;
  atomic_init(&s->live, ND_SLAB_HELD);
  if (pthread_setspecific(g_key, s)) {
    nd_default_free(s);
    return NULL;
  }
  atomic_fetch_add_explicit(&g_chunks, 1, memory_order_relaxed);
  slab_drop();
  tl.cur = s;
  tl.top = (char *)s + ND_SLAB_HDR;
  tl.end = (char *)s + csize;
  tl.nalloc = 0;
  tl.next_size = csize < ND_SLAB_MAX ? csize * 2 : ND_SLAB_MAX;
  return s;
}

/* Nodes are carved upwards from the start of the chunk, their tails (inline
 * literals) downwards from its end: the nodes of a tree lie together, and a
 * walk over them (nd_node_free_tree) does not stream the text in between. */
void *nd_slab_alloc_slow(size_t size, size_t tail, char **tailp, nd_slab **slab) {
  *slab = NULL;
  /* nd_slab_alloc found no room (or no chunk): a new chunk has room */
  if (nd_alloc_std && size <= ND_SLAB_MAX && tail <= ND_SLAB_MAX && slab_new(round_up(size) + tail))
    return nd_slab_carve(&tl, round_up(size), tail, tailp, slab);
  if (tail > (size_t)-1 - size) return NULL;
  char *p = nd_malloc(size + tail);
  *tailp = p ? p + size : NULL;
  return p;
}

int nd_slab_active(void) {
  pthread_once(&g_once, slab_init);
  return !g_off && g_key_ok && nd_alloc_std;
}

size_t nd_slab_chunks(void) { return atomic_load_explicit(&g_chunks, memory_order_relaxed); }
