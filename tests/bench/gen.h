/* gen.h - varied news articles for the benchmark, built with the public
 * API from the project's own sample article (../shared/samples). */
#ifndef NEWSDOC_BENCH_GEN_H
#define NEWSDOC_BENCH_GEN_H

#include <stddef.h>
#include <newsdoc/newsdoc.h>

typedef struct gen_sample {
  char **sentences; /* from the sample's paragraphs */
  size_t nsentences;
  char **h1, **h2; /* its headings */
  size_t nh1, nh2;
  char *byline;
  char *lang, *dir;
} gen_sample;

/* Load the sample article: `dir`/mauritania-us-military-cooperation.txt
 * and its .outline (which says which lines are headings).  0 or -1 (a
 * message on stderr). */
int gen_sample_load(gen_sample *s, const char *dir);
void gen_sample_free(gen_sample *s);

/* A new article (exits on failure: the generator's own bug): metadata,
 * a lead, sections and subsections whose paragraphs are drawn from the
 * sample's sentences, with emphasis, links, quotes, English spans,
 * footnotes, lists, block quotes, tables, a figure with an image.  Its
 * text adds up to about `target` bytes.  Same seed and target, same
 * article. */
newsdoc_doc *gen_article(const gen_sample *s, unsigned long long seed, size_t target);

/* The text size of article i of a corpus: 5 to 50 KB, log-uniform. */
size_t gen_corpus_target(unsigned long long i);

#endif
