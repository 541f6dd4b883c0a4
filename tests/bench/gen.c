/* gen.c - varied news articles for the benchmark (see gen.h). */
#include "gen.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void die(const char *what) {
  const newsdoc_error *e = newsdoc_error_last();
  fprintf(stderr, "newsdoc-bench: generator: %s: %s\n", what, e->code ? e->message : "failed");
  exit(1);
}

static char *xstrndup(const char *s, size_t n) {
  char *p = malloc(n + 1);
  if (!p) die("out of memory");
  memcpy(p, s, n);
  p[n] = 0;
  return p;
}

static void push(char ***v, size_t *n, char *s) {
  char **p = realloc(*v, (*n + 1) * sizeof *p);
  if (!p) die("out of memory");
  p[(*n)++] = s;
  *v = p;
}

static char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  size_t cap = 1 << 16, n = 0;
  char *b = malloc(cap);
  for (size_t got; b && (got = fread(b + n, 1, cap - n - 1, f)) > 0;) {
    n += got;
    if (cap - n < 2) b = realloc(b, cap *= 2);
  }
  fclose(f);
  if (!b) return NULL;
  b[n] = 0;
  *len = n;
  return b;
}

/* Trims spaces and a "**...**:" wrapper (the sample's bold sub-headings). */
static char *clean_line(const char *s, size_t n) {
  while (n && (s[n - 1] == ' ' || s[n - 1] == '\r' || s[n - 1] == ':')) n--;
  while (n && *s == ' ') s++, n--;
  if (n >= 4 && !strncmp(s, "**", 2) && !strncmp(s + n - 2, "**", 2)) s += 2, n -= 4;
  return xstrndup(s, n);
}

int gen_sample_load(gen_sample *s, const char *dir) {
  memset(s, 0, sizeof *s);
  char path[4096];
  size_t tlen, olen;
  snprintf(path, sizeof path, "%s/mauritania-us-military-cooperation.txt", dir);
  char *txt = slurp(path, &tlen);
  snprintf(path, sizeof path, "%s/mauritania-us-military-cooperation.outline", dir);
  char *outl = slurp(path, &olen);
  if (!txt || !outl) {
    fprintf(stderr, "newsdoc-bench: cannot read the sample article in %s\n", dir);
    free(txt);
    free(outl);
    return -1;
  }
  /* The outline: "key: value" lines, then one line per block: P, H1 ..., H2 ... */
  char **kinds = NULL;
  size_t nkinds = 0;
  for (char *line = strtok(outl, "\n"); line; line = strtok(NULL, "\n")) {
    if (!strncmp(line, "lang: ", 6)) s->lang = xstrndup(line + 6, strlen(line + 6));
    else if (!strncmp(line, "dir: ", 5)) s->dir = xstrndup(line + 5, strlen(line + 5));
    else if (!strncmp(line, "byline: ", 8)) s->byline = xstrndup(line + 8, strlen(line + 8));
    else if (line[0] == 'P' || line[0] == 'H') push(&kinds, &nkinds, line);
  }
  /* The text: one block per non-empty line, in the outline's order. */
  size_t k = 0;
  for (char *p = txt, *end = txt + tlen; p < end;) {
    char *nl = memchr(p, '\n', (size_t)(end - p));
    size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
    if (n > 1 && k < nkinds) {
      const char *kind = kinds[k++];
      if (kind[0] == 'H') {
        char *h = clean_line(p, n);
        if (kind[1] == '1') push(&s->h1, &s->nh1, h);
        else push(&s->h2, &s->nh2, h);
      } else { /* split the paragraph into sentences at ". " */
        size_t a = 0;
        for (size_t i = 0; i < n; i++) {
          if ((p[i] == '.' && i + 1 < n && p[i + 1] == ' ') || i + 1 == n) {
            size_t e = i + 1;
            while (a < e && p[a] == ' ') a++;
            if (e - a > 20) push(&s->sentences, &s->nsentences, xstrndup(p + a, e - a));
            a = e;
          }
        }
      }
    }
    p += n + 1;
  }
  free(kinds);
  free(txt);
  free(outl);
  if (!s->nsentences || !s->nh1 || !s->nh2) {
    fprintf(stderr, "newsdoc-bench: the sample article in %s has no paragraphs or headings\n", dir);
    return -1;
  }
  if (!s->lang) s->lang = xstrndup("ar", 2);
  if (!s->dir) s->dir = xstrndup("rtl", 3);
  return 0;
}

void gen_sample_free(gen_sample *s) {
  for (size_t i = 0; i < s->nsentences; i++) free(s->sentences[i]);
  for (size_t i = 0; i < s->nh1; i++) free(s->h1[i]);
  for (size_t i = 0; i < s->nh2; i++) free(s->h2[i]);
  free(s->sentences);
  free(s->h1);
  free(s->h2);
  free(s->byline);
  free(s->lang);
  free(s->dir);
  memset(s, 0, sizeof *s);
}

/* ---- the generator -------------------------------------------------------- */

typedef struct {
  unsigned long long state;
  const gen_sample *s;
  newsdoc_doc *doc;
  size_t size; /* text bytes so far */
  int notes, links;
} gen;

static unsigned long long rnd(gen *g) { /* splitmix64 */
  unsigned long long z = (g->state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}
static unsigned pick(gen *g, unsigned n) { return (unsigned)(rnd(g) % n); }
static int chance(gen *g, unsigned percent) { return pick(g, 100) < percent; }

static newsdoc_node *add(newsdoc_node *parent, newsdoc_node_type type) {
  newsdoc_node *n = NULL;
  if (newsdoc_node_new(&n, type)) die("node_new");
  if (newsdoc_node_append_child(parent, n)) die(newsdoc_node_type_name(type));
  return n;
}

static void add_text(gen *g, newsdoc_node *parent, const char *s, size_t n) {
  if (!n) return;
  newsdoc_node *t = add(parent, NEWSDOC_NODE_TEXT);
  if (newsdoc_node_set_literal(t, s, n)) die("set_literal");
  g->size += n;
}

static const char *const ENGLISH[] = {
  "U.S. Africa Command (AFRICOM)", "Flintlock 2024", "the Sahel", "Nouakchott", "G5 Sahel",
  "Department of Defense", "Joint Military Commission",
};
static const char *const AUTHORS[] = {"محمد عبد الرحمن", "فاطمة ولد أحمد", "سيدي محمد", "Sarah Miller", "أمينة بنت علي"};
static const char *const KEYWORDS[] = {"موريتانيا", "الولايات المتحدة", "الساحل", "الأمن", "مكافحة الإرهاب", "التعاون العسكري"};

/* One paragraph's inlines: 1 to 4 sample sentences with markup. */
static void gen_inlines(gen *g, newsdoc_node *parent, unsigned max_sentences) {
  unsigned ns = 1 + pick(g, max_sentences);
  for (unsigned k = 0; k < ns; k++) {
    const char *sent = g->s->sentences[pick(g, (unsigned)g->s->nsentences)];
    size_t len = strlen(sent), run = 0; /* run: start of plain text not yet added */
    if (k) add_text(g, parent, " ", 1);
    for (size_t i = 0; i < len;) {
      /* At a word start, sometimes wrap the next 2-4 words. */
      int at_word = i == 0 || sent[i - 1] == ' ';
      if (at_word && chance(g, 4)) {
        size_t e = i;
        for (unsigned w = 2 + pick(g, 3); w && e < len; w--) {
          while (e < len && sent[e] != ' ') e++;
          if (w > 1)
            while (e < len && sent[e] == ' ') e++;
        }
        if (e > i) {
          add_text(g, parent, sent + run, i - run);
          static const newsdoc_node_type kinds[] = {NEWSDOC_NODE_STRONG, NEWSDOC_NODE_EMPH, NEWSDOC_NODE_LINK,
                                                    NEWSDOC_NODE_QUOTED, NEWSDOC_NODE_STRONG, NEWSDOC_NODE_LINK};
          newsdoc_node *c = add(parent, kinds[pick(g, 6)]);
          if (newsdoc_node_get_type(c) == NEWSDOC_NODE_LINK) {
            char url[96];
            snprintf(url, sizeof url, "https://example.org/news/%d-%llu", g->links++, rnd(g) % 100000);
            if (newsdoc_node_set_url(c, url)) die("set_url");
            g->size += strlen(url);
          }
          add_text(g, c, sent + i, e - i);
          i = run = e;
          continue;
        }
      }
      if (at_word && chance(g, 1)) { /* an English name, left to right */
        add_text(g, parent, sent + run, i - run);
        run = i;
        newsdoc_node *sp = add(parent, NEWSDOC_NODE_SPAN);
        if (newsdoc_node_set_lang(sp, "en") || newsdoc_node_set_dir(sp, NEWSDOC_DIR_LTR)) die("span");
        const char *en = ENGLISH[pick(g, sizeof ENGLISH / sizeof *ENGLISH)];
        add_text(g, sp, en, strlen(en));
        add_text(g, parent, " ", 1);
      }
      i++;
    }
    add_text(g, parent, sent + run, len - run);
    if (g->notes < 2 && chance(g, 2)) { /* a footnote */
      newsdoc_node *note = add(parent, NEWSDOC_NODE_NOTE);
      newsdoc_node *p = add(note, NEWSDOC_NODE_PARAGRAPH);
      const char *src = g->s->sentences[pick(g, (unsigned)g->s->nsentences)];
      add_text(g, p, src, strlen(src));
      g->notes++;
    }
  }
}

static void gen_paragraph(gen *g, newsdoc_node *parent) { gen_inlines(g, add(parent, NEWSDOC_NODE_PARAGRAPH), 4); }

static void gen_heading(gen *g, newsdoc_node *section, char **pool, size_t n) {
  newsdoc_node *h = add(section, NEWSDOC_NODE_HEADING);
  const char *t = pool[pick(g, (unsigned)n)];
  add_text(g, h, t, strlen(t));
}

static void gen_extra_block(gen *g, newsdoc_node *parent) {
  unsigned k = pick(g, 100);
  if (k < 30) { /* a list */
    newsdoc_node *l = add(parent, NEWSDOC_NODE_LIST);
    if (chance(g, 40) && newsdoc_node_set_list_type(l, NEWSDOC_LIST_ORDERED)) die("list type");
    for (unsigned i = 0, n = 2 + pick(g, 4); i < n; i++)
      gen_inlines(g, add(add(l, NEWSDOC_NODE_ITEM), NEWSDOC_NODE_PARAGRAPH), 1);
  } else if (k < 50) { /* a quotation */
    gen_paragraph(g, add(parent, NEWSDOC_NODE_BLOCKQUOTE));
  } else if (k < 65) { /* a table of figures */
    newsdoc_node *t = add(parent, NEWSDOC_NODE_TABLE);
    unsigned rows = 2 + pick(g, 4);
    static const char *const head[] = {"السنة", "التدريبات", "الميزانية (مليون دولار)"};
    for (unsigned r = 0; r <= rows; r++) {
      newsdoc_node *row = add(t, NEWSDOC_NODE_TABLE_ROW);
      if (!r && newsdoc_node_set_header(row, 1)) die("header row");
      for (unsigned c = 0; c < 3; c++) {
        newsdoc_node *cell = add(row, NEWSDOC_NODE_TABLE_CELL);
        char buf[64];
        if (!r) snprintf(buf, sizeof buf, "%s", head[c]);
        else if (c == 0) snprintf(buf, sizeof buf, "%u", 2015 + r);
        else snprintf(buf, sizeof buf, "%u", 3 + pick(g, 90));
        add_text(g, cell, buf, strlen(buf));
      }
    }
  } else if (k < 75) { /* a photo with a caption */
    newsdoc_node *f = add(parent, NEWSDOC_NODE_FIGURE);
    if (newsdoc_node_set_url(f, "media:photo.png") || newsdoc_node_set_title(f, "صورة من التدريبات")) die("figure");
    gen_inlines(g, add(f, NEWSDOC_NODE_CAPTION), 1);
  } else if (k < 80) {
    add(parent, NEWSDOC_NODE_THEMATIC_BREAK);
  } else {
    gen_paragraph(g, parent);
  }
}

/* A 1x1 PNG. */
static const unsigned char PNG[] = {
  0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00,
  0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4, 0x89, 0x00, 0x00, 0x00,
  0x0D, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0xF8, 0xCF, 0xC0, 0xF0, 0x1F, 0x00, 0x05, 0x00, 0x01, 0xFF,
  0x89, 0x99, 0x3D, 0x1D, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82};

static void meta(newsdoc_doc *d, const char *k, const char *v, int add_it) {
  if ((add_it ? newsdoc_meta_add : newsdoc_meta_set)(d, k, v, strlen(v))) die(k);
}

newsdoc_doc *gen_article(const gen_sample *s, unsigned long long seed, size_t target) {
  gen g = {seed * 0x2545F4914F6CDD1Dull + 1, s, NULL, 0, 0, 0};
  if (newsdoc_doc_new(&g.doc)) die("doc_new");
  newsdoc_doc *d = g.doc;
  char buf[256];
  meta(d, NEWSDOC_META_TITLE, s->h1[pick(&g, (unsigned)s->nh1)], 0);
  meta(d, NEWSDOC_META_LANG, s->lang, 0);
  meta(d, NEWSDOC_META_DIR, s->dir, 0);
  unsigned a0 = pick(&g, 5);
  meta(d, NEWSDOC_META_AUTHOR, AUTHORS[a0], 1);
  if (chance(&g, 40)) meta(d, NEWSDOC_META_AUTHOR, AUTHORS[(a0 + 1 + pick(&g, 4)) % 5], 1);
  if (s->byline) meta(d, NEWSDOC_META_BYLINE, s->byline, 0);
  snprintf(buf, sizeof buf, "2025-%02u-%02u", 1 + pick(&g, 12), 1 + pick(&g, 28));
  meta(d, NEWSDOC_META_DATE, buf, 0);
  snprintf(buf, sizeof buf, "urn:newsdoc:bench:%llu", seed);
  meta(d, NEWSDOC_META_IDENTIFIER, buf, 0);
  meta(d, NEWSDOC_META_PUBLISHER, "موقع الضمير الاخباري", 0);
  for (unsigned i = 0; i < 3; i++) meta(d, NEWSDOC_META_KEYWORD, KEYWORDS[(seed + i) % 6], 1);
  if (newsdoc_media_add(d, "photo.png", "image/png", PNG, sizeof PNG)) die("media");

  newsdoc_node *body = newsdoc_doc_root(d);
  for (unsigned i = 0, n = 1 + pick(&g, 2); i < n; i++) gen_paragraph(&g, body); /* the lead */
  while (g.size < target) {
    newsdoc_node *sec = add(body, NEWSDOC_NODE_SECTION);
    if (newsdoc_node_set_level(sec, 1)) die("level");
    gen_heading(&g, sec, s->h1, s->nh1);
    for (unsigned i = 0, n = 1 + pick(&g, 3); i < n && g.size < target; i++) gen_paragraph(&g, sec);
    if (chance(&g, 50)) gen_extra_block(&g, sec);
    if (chance(&g, 60)) {
      for (unsigned j = 0, m = 1 + pick(&g, 3); j < m && g.size < target; j++) {
        newsdoc_node *sub = add(sec, NEWSDOC_NODE_SECTION);
        if (newsdoc_node_set_level(sub, 2)) die("level");
        gen_heading(&g, sub, s->h2, s->nh2);
        for (unsigned i = 0, n = 1 + pick(&g, 3); i < n && g.size < target; i++) gen_paragraph(&g, sub);
        if (chance(&g, 30)) gen_extra_block(&g, sub);
      }
    }
  }
  return d;
}

size_t gen_corpus_target(unsigned long long i) {
  /* A fixed low-discrepancy walk over [0,1), so any N covers the range. */
  double u = (double)((i * 0x9E3779B97F4A7C15ull) >> 11) / 9007199254740992.0;
  return (size_t)(5.0 * pow(10.0, u) * 1024.0); /* 5 KB * 10^u */
}
