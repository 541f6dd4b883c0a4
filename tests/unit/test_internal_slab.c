/* The node slab (core/slab.c): nodes come from per-thread chunks, and a
 * chunk is freed when its last node is, on whatever thread, in whatever
 * document.  nd_slab_chunks() counts the chunks not yet freed: after every
 * node is gone only the calling thread's current chunk may remain.  Where
 * the slab is off (ASan, valgrind, a custom allocator) the same trees are
 * built and freed and every node must be its own allocation. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "testutil.h"

#define MANY 50000

/* Chunks left once everything is freed: the current one of this thread. */
static size_t settled(void) { return nd_slab_active() ? 1 : 0; }

/* A document with `paras` paragraphs of a few inline nodes each. */
static newsdoc_doc *build(size_t paras, const char *tag) {
  newsdoc_doc *d;
  cr_assert_eq(newsdoc_doc_new(&d), 0);
  newsdoc_node *body = newsdoc_doc_root(d);
  char buf[64];
  for (size_t i = 0; i < paras; i++) {
    newsdoc_node *p = nd_node_add(body, NEWSDOC_NODE_PARAGRAPH);
    cr_assert(p);
    snprintf(buf, sizeof buf, "%s %zu", tag, i);
    cr_assert(nd_node_add_text(p, buf, strlen(buf)));
    newsdoc_node *e = nd_node_add(p, NEWSDOC_NODE_EMPH);
    cr_assert(e);
    cr_assert(nd_node_add_text(e, "x", 1));
  }
  return d;
}

/* Every paragraph still holds "tag i": no node was freed with another's chunk. */
static void check(newsdoc_doc *d, const char *tag, size_t first, size_t step, size_t count) {
  char buf[64];
  size_t i = first, seen = 0;
  for (newsdoc_node *p = newsdoc_doc_root(d)->first; p; p = p->next, i += step, seen++) {
    snprintf(buf, sizeof buf, "%s %zu", tag, i);
    cr_assert_eq(p->type, NEWSDOC_NODE_PARAGRAPH);
    cr_assert_str_eq(p->first->literal, buf);
    cr_assert_str_eq(p->last->first->literal, "x");
  }
  cr_assert_eq(seen, count);
}

Test(slab, many_nodes_in_one_document) {
  newsdoc_doc *d = build(MANY, "p");
  size_t made = nd_slab_chunks();
  if (nd_slab_active()) {
    /* 200,001 nodes of about 100 bytes: several 64 KiB chunks, all in use */
    cr_assert_gt(made, 200);
    cr_assert_not_null(newsdoc_doc_root(d)->first->slab);
  } else {
    cr_assert_eq(made, 0);
    cr_assert_null(newsdoc_doc_root(d)->first->slab);
  }
  check(d, "p", 0, 1, MANY);
  newsdoc_doc_free(d);
  cr_assert_eq(nd_slab_chunks(), settled(), "chunks left: %zu", nd_slab_chunks());
}

/* Moves every other paragraph of a into b. */
static void move_half(newsdoc_doc *a, newsdoc_doc *b) {
  newsdoc_node *p = newsdoc_doc_root(a)->first;
  while (p && p->next) {
    newsdoc_node *m = p->next;
    p = m->next;
    cr_assert_eq(newsdoc_node_append_child(newsdoc_doc_root(b), m), 0);
  }
}

static void moved_between_documents(int free_a_first) {
  newsdoc_doc *a = build(MANY / 2, "a"), *b;
  cr_assert_eq(newsdoc_doc_new(&b), 0);
  move_half(a, b);
  /* and a node made on its own through the public API, moved in too */
  newsdoc_node *t;
  cr_assert_eq(newsdoc_node_new(&t, NEWSDOC_NODE_THEMATIC_BREAK), 0);
  cr_assert_eq(newsdoc_node_append_child(newsdoc_doc_root(a), t), 0);
  newsdoc_node_free(newsdoc_doc_root(a)->last);
  if (free_a_first) {
    newsdoc_doc_free(a);
    /* b's nodes share every chunk with a's: they must still be there */
    check(b, "a", 1, 2, MANY / 4);
    if (nd_slab_active()) cr_assert_gt(nd_slab_chunks(), 100);
    newsdoc_doc_free(b);
  } else {
    newsdoc_doc_free(b);
    check(a, "a", 0, 2, MANY / 4);
    newsdoc_doc_free(a);
  }
  cr_assert_eq(nd_slab_chunks(), settled(), "chunks left: %zu", nd_slab_chunks());
}

Test(slab, moved_nodes_first_document_freed_first) { moved_between_documents(1); }
Test(slab, moved_nodes_second_document_freed_first) { moved_between_documents(0); }

Test(slab, single_nodes_freed_one_by_one) {
  newsdoc_doc *d = build(MANY / 10, "s");
  newsdoc_node *body = newsdoc_doc_root(d);
  /* from the end, so every put is of one node and the chunks empty out */
  while (body->last) newsdoc_node_free(body->last);
  newsdoc_doc_free(d);
  cr_assert_eq(nd_slab_chunks(), settled(), "chunks left: %zu", nd_slab_chunks());
}

static void *build_thread(void *arg) {
  *(newsdoc_doc **)arg = build(MANY / 5, "t");
  return NULL;
}

static void *free_thread(void *arg) {
  newsdoc_doc_free(arg);
  return NULL;
}

Test(slab, built_on_one_thread_freed_on_another) {
  newsdoc_doc *keep = build(10, "k"); /* this thread has a current chunk */
  size_t before = nd_slab_chunks();
  newsdoc_doc *d = NULL;
  pthread_t th;
  cr_assert_eq(pthread_create(&th, NULL, build_thread, &d), 0);
  cr_assert_eq(pthread_join(th, NULL), 0);
  cr_assert_not_null(d);
  /* the builder has exited: its current chunk is held by d's nodes only */
  if (nd_slab_active()) cr_assert_gt(nd_slab_chunks(), before + 20);
  check(d, "t", 0, 1, MANY / 5);
  newsdoc_doc_free(d);
  cr_assert_eq(nd_slab_chunks(), before, "chunks left: %zu, before %zu", nd_slab_chunks(), before);

  /* and the other way: built here, freed on a thread of its own */
  d = build(MANY / 5, "u");
  cr_assert_eq(pthread_create(&th, NULL, free_thread, d), 0);
  cr_assert_eq(pthread_join(th, NULL), 0);
  newsdoc_doc_free(keep);
  cr_assert_eq(nd_slab_chunks(), settled(), "chunks left: %zu", nd_slab_chunks());
}

/* Several threads build at once; then half of each document is moved into
 * another and all of them are freed at once, two threads per chunk. */
Test(slab, threads_free_each_others_nodes) {
  enum { N = 3 };
  newsdoc_node *warm; /* this thread's current chunk exists before counting */
  cr_assert_eq(newsdoc_node_new(&warm, NEWSDOC_NODE_PARAGRAPH), 0);
  size_t before = nd_slab_chunks();
  newsdoc_doc *mine[N], *moved[N];
  pthread_t th[2 * N];
  for (int i = 0; i < N; i++) cr_assert_eq(pthread_create(&th[i], NULL, build_thread, &mine[i]), 0);
  for (int i = 0; i < N; i++) cr_assert_eq(pthread_join(th[i], NULL), 0);
  for (int i = 0; i < N; i++) {
    cr_assert_eq(newsdoc_doc_new(&moved[i]), 0);
    move_half(mine[i], moved[i]);
  }
  for (int i = 0; i < N; i++) {
    cr_assert_eq(pthread_create(&th[2 * i], NULL, free_thread, mine[i]), 0);
    cr_assert_eq(pthread_create(&th[2 * i + 1], NULL, free_thread, moved[i]), 0);
  }
  for (int i = 0; i < 2 * N; i++) cr_assert_eq(pthread_join(th[i], NULL), 0);
  newsdoc_node_free(warm);
  cr_assert_eq(nd_slab_chunks(), before, "chunks left: %zu, before %zu", nd_slab_chunks(), before);
}

Test(slab, big_literals_go_to_their_own_allocation) {
  size_t big = 40000;
  char *s = malloc(big);
  cr_assert(s);
  memset(s, 'b', big);
  newsdoc_doc *d;
  cr_assert_eq(newsdoc_doc_new(&d), 0);
  newsdoc_node *p = nd_node_add(newsdoc_doc_root(d), NEWSDOC_NODE_PARAGRAPH);
  newsdoc_node *small = nd_node_add_text(p, "small", 5);
  newsdoc_node *large = nd_node_add_text(p, s, big);
  cr_assert(small && large);
  cr_assert_null(large->slab);
  cr_assert_eq(large->literal, (char *)(large + 1), "the literal stays inline");
  cr_assert_eq(large->literal_len, big);
  cr_assert_eq(large->literal[big - 1], 'b');
  cr_assert_eq(large->literal[big], 0);
  cr_assert(small->flags & ND_NODE_LIT_INLINE);
  if (nd_slab_active()) cr_assert_not_null(small->slab);
  /* a literal grown past the node moves out; the node stays where it is */
  cr_assert_eq(nd_node_append_literal(small, s, 3000), 0);
  cr_assert_not(small->flags & ND_NODE_LIT_INLINE);
  cr_assert_str_eq(small->literal + 3000, "bbbbb");
  cr_assert_eq(memcmp(small->literal, "small", 5), 0);
  cr_assert_eq(small->literal_len, 3005);
  /* sizes around a quarter of the first chunk: some fit, the rest fall back */
  for (size_t n = 500; n < 3000; n += 97) cr_assert(nd_node_add_text(p, s, n));
  size_t len = 0;
  for (newsdoc_node *k = p->first->next->next; k; k = k->next) len += k->literal_len;
  cr_assert_gt(len, 40000);
  newsdoc_doc_free(d);
  free(s);
  cr_assert_eq(nd_slab_chunks(), settled(), "chunks left: %zu", nd_slab_chunks());
}

static long n_malloc, n_free;
static void *count_malloc(size_t n, void *ud) { (void)ud; n_malloc++; return malloc(n); }
static void *count_realloc(void *p, size_t n, void *ud) { (void)ud; return realloc(p, n); }
static void count_free(void *p, void *ud) { (void)ud; n_free++; free(p); }

Test(slab, a_custom_allocator_sees_every_node) {
  /* a chunk from before the hook, and a node in it freed under the hook */
  newsdoc_node *old;
  cr_assert_eq(newsdoc_node_new(&old, NEWSDOC_NODE_PARAGRAPH), 0);
  newsdoc_allocator al = {NEWSDOC_ALLOCATOR_VERSION, count_malloc, count_realloc, count_free, NULL};
  cr_assert_eq(newsdoc_set_allocator(&al), 0);
  cr_assert_not(nd_slab_active());
  for (int i = 0; i < 100; i++) {
    newsdoc_node *n;
    n_malloc = n_free = 0;
    cr_assert_eq(newsdoc_node_new(&n, i % 2 ? NEWSDOC_NODE_PARAGRAPH : NEWSDOC_NODE_EMPH), 0);
    cr_assert_eq(n_malloc, 1, "node %d: %ld allocations", i, n_malloc);
    cr_assert_null(n->slab);
    newsdoc_node *t = nd_node_add_text(i % 2 ? n : NULL, "abc", 3);
    cr_assert(t);
    cr_assert_eq(n_malloc, 2);
    if (!(i % 2)) newsdoc_node_free(t);
    newsdoc_node_free(n);
    cr_assert_eq(n_free, 2);
  }
  n_free = 0;
  int in_chunk = old->slab != NULL;
  newsdoc_node_free(old); /* back to the chunk, never to the hook */
  cr_assert_eq(n_free, in_chunk ? 0 : 1);
  cr_assert_eq(newsdoc_set_allocator(NULL), 0);
  cr_assert_eq(nd_slab_chunks(), settled(), "chunks left: %zu", nd_slab_chunks());
}
