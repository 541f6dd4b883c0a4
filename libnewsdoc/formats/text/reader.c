/* reader.c - recover a news article's structure from plain text.
 *
 * Four linear passes, no recursion:
 *  1. decode to UTF-8 NFC and cut into lines, each classified once (blank,
 *     text, a rule of one repeated character, bullet or numbered item,
 *     quote, '#' heading, a "**X**" subheading line);
 *  2. choose the paragraph style: one paragraph per line, or hard-wrapped
 *     lines joined back (a line is a wrapped one when the next line's first
 *     word would not have fitted after it);
 *  3. group lines into top-level blocks (paragraph candidates, explicit
 *     headings, lists and quotes built on the spot with explicit stacks);
 *  4. decide title, byline and plain headings from the blocks' shapes, and
 *     build sections with a level stack.
 *
 * The rules look at punctuation, length and position only, so they work
 * for every script: nothing here is Latin-only. */
#include "text.h"

enum { L_BLANK, L_TEXT, L_RULE, L_BULLET, L_ORDERED, L_QUOTE, L_ATX, L_BOLD };

typedef struct {
  size_t start, end;   /* the line without its newline and trailing spaces */
  size_t off, len;     /* the content: after indentation and any marker */
  uint32_t indent;     /* leading columns (tab = to the next multiple of 4) */
  uint32_t width;      /* grapheme clusters from start to end */
  uint32_t cwidth;     /* grapheme clusters of the content */
  uint32_t fword;      /* grapheme clusters of the content's first word */
  uint32_t col;        /* items: the column where the item's text starts */
  int number;          /* numbered items */
  uint8_t kind;
  uint8_t ch;          /* L_RULE: the character; items: the marker */
  uint8_t spaced;      /* L_RULE: "* * *" */
  uint8_t depth;       /* L_QUOTE: how many '>'; L_ATX: how many '#' */
} tline;

enum { TB_PARA, TB_HEAD, TB_BOLD, TB_NODE };
enum { R_PARA, R_TITLE, R_BYLINE, R_HEAD, R_DROP };

typedef struct {
  uint8_t kind;
  uint8_t hch;           /* TB_HEAD: underline character or '#' */
  uint8_t blank_before, blank_after;
  uint8_t role;
  int level;             /* TB_HEAD: '#' count; final level for R_HEAD */
  size_t toff, tlen;     /* text in the arena */
  uint32_t nlines, words, width;
  newsdoc_node *node;    /* TB_NODE: a detached list, quote or break */
} tblock;

typedef struct {
  newsdoc_ctx *ctx;
  newsdoc_doc *doc;
  const char *s; /* decoded text */
  size_t n;
  tline *lines;
  size_t nlines;
  tblock *blocks;
  size_t nblocks, capblocks;
  nd_buf arena; /* joined paragraph texts */
  int wrapped; /* 0: a paragraph per line; 1: wrapped lines joined; 2: blocks */
  uint32_t maxw;
  newsdoc_dir doc_dir;
  const char *doc_lang;
  unsigned long long nodes, max_nodes;
} reader;

/* ---- small helpers ----------------------------------------------------------- */

static int is_ws(char c) { return c == ' ' || c == '\t'; }

static uint32_t width_of(const reader *r, const char *s, size_t len) {
  (void)r;
  size_t w = nd_text_width_fast(s, len);
  return w > UINT32_MAX ? UINT32_MAX : (uint32_t)w;
}

static uint32_t count_words(const char *s, size_t len) {
  uint32_t n = 0;
  int in = 0;
  for (size_t i = 0; i < len; i++) {
    int sp = is_ws(s[i]);
    if (!sp && !in) n++;
    in = !sp;
  }
  return n;
}

/* The last code point of s (trailing spaces skipped), or 0. */
static uint32_t last_cp(const char *s, size_t len, size_t *at) {
  while (len && is_ws(s[len - 1])) len--;
  if (!len) return 0;
  size_t i = len - 1;
  while (i > 0 && ((unsigned char)s[i] & 0xC0) == 0x80) i--;
  if (at) *at = i;
  size_t j = i;
  return nd_utf8_next(s, len, &j);
}

static int is_closing_quote(uint32_t c) {
  return c == '"' || c == '\'' || c == 0x201D || c == 0x2019 || c == 0xBB || c == 0x201C || c == 0xAB;
}

/* Sentence-final punctuation per the issue: . ! ? ؟ … : ؛ plus ; , ، ۔ ׃
 * and closing quotes. */
static int ends_sentence(const char *s, size_t len) {
  uint32_t c = last_cp(s, len, NULL);
  return c == '.' || c == '!' || c == '?' || c == 0x061F || c == 0x2026 || c == ':' || c == 0x061B || c == ';' ||
         c == ',' || c == 0x060C || c == 0x06D4 || c == 0x05C3 || is_closing_quote(c) || c == 0xFF1F || c == 0xFF01 ||
         c == 0x3002;
}

/* A title may end with ? ! … ".." or a quote, not with a lone period or a
 * comma, colon or semicolon (those continue into the text). */
static int title_ending_ok(const char *s, size_t len) {
  size_t at = 0;
  uint32_t c = last_cp(s, len, &at);
  if (c == '.') return at > 0 && s[at - 1] == '.';
  return !(c == ',' || c == 0x060C || c == ':' || c == ';' || c == 0x061B || c == 0x06D4);
}

static int has_letter(const char *s, size_t len) {
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)s[i];
    if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') return 1;
    if (c >= 0xC3) return 1; /* any non-Latin-1-punctuation character */
  }
  return 0;
}

static int count_node(reader *r) {
  if (++r->nodes > r->max_nodes)
    return newsdoc_error_set(NEWSDOC_ELIMIT_COUNT, "text: more than max-nodes (%llu) nodes", r->max_nodes);
  return 0;
}

/* Direction and language of a block where they differ from the document. */
static int mark_dir(reader *r, newsdoc_node *node, const char *s, size_t len) {
  newsdoc_dir d = nd_text_dir(s, len);
  if (d == NEWSDOC_DIR_UNSET || d == r->doc_dir) return 0;
  if (newsdoc_node_set_dir(node, d)) return NEWSDOC_ENOMEM;
  const char *lang = nd_guess_lang(s, len);
  if (lang && (!r->doc_lang || strcmp(lang, r->doc_lang)))
    if (newsdoc_node_set_lang(node, lang)) return NEWSDOC_ENOMEM;
  return 0;
}

/* A PARAGRAPH or HEADING with inline content, appended to parent. */
static newsdoc_node *add_textblock(reader *r, newsdoc_node *parent, newsdoc_node_type type, const char *s,
                                   size_t len) {
  if (count_node(r)) return NULL;
  newsdoc_node *p = nd_node_add(parent, type);
  if (!p) return NULL;
  if (nd_text_inlines(p, s, len) || mark_dir(r, p, s, len)) {
    nd_oom("text: paragraph");
    return NULL;
  }
  r->nodes += newsdoc_node_child_count(p);
  return p;
}

/* ---- pass 1: lines ------------------------------------------------------------- */

static int parse_digit(const char *s, size_t len, size_t *i, int *val) {
  unsigned char c = (unsigned char)s[*i];
  if (c >= '0' && c <= '9') {
    *val = c - '0';
    (*i)++;
    return 1;
  }
  /* U+0660-0669 (D9 A0-A9), U+06F0-06F9 (DB B0-B9) */
  if (*i + 1 < len && c == 0xD9 && (unsigned char)s[*i + 1] >= 0xA0 && (unsigned char)s[*i + 1] <= 0xA9) {
    *val = (unsigned char)s[*i + 1] - 0xA0;
    *i += 2;
    return 1;
  }
  if (*i + 1 < len && c == 0xDB && (unsigned char)s[*i + 1] >= 0xB0 && (unsigned char)s[*i + 1] <= 0xB9) {
    *val = (unsigned char)s[*i + 1] - 0xB0;
    *i += 2;
    return 1;
  }
  return 0;
}

static void classify(reader *r, tline *L) {
  const char *s = r->s;
  size_t p = L->start;
  uint32_t col = 0;
  while (p < L->end && is_ws(s[p])) {
    col = s[p] == '\t' ? (col / 4 + 1) * 4 : col + 1;
    p++;
  }
  L->indent = col;
  L->off = p;
  L->len = L->end - p;
  if (!L->len) {
    L->kind = L_BLANK;
    return;
  }
  const char *c = s + p;
  size_t n = L->len;
  L->kind = L_TEXT;
  /* a rule: one character repeated, "* * *" style spacing for - * _ */
  if (n >= 3 && strchr("-=*_~^\"+`", c[0])) {
    char ch = c[0];
    size_t cnt = 0, k = 0;
    int spaced = 0, ok = 1;
    for (; k < n; k++) {
      if (c[k] == ch) cnt++;
      else if (is_ws(c[k])) spaced = 1;
      else {
        ok = 0;
        break;
      }
    }
    if (ok && cnt >= 3 && (!spaced || ch == '-' || ch == '*' || ch == '_')) {
      L->kind = L_RULE;
      L->ch = (uint8_t)ch;
      L->spaced = (uint8_t)spaced;
      return;
    }
  }
  /* '#' headings */
  if (c[0] == '#') {
    size_t k = 0;
    while (k < n && c[k] == '#') k++;
    if (k <= 6 && k < n && is_ws(c[k])) {
      size_t a = k;
      while (a < n && is_ws(c[a])) a++;
      size_t e = n;
      size_t t = e;
      while (t > a && c[t - 1] == '#') t--;
      if (t < e && t > a && is_ws(c[t - 1])) e = t;
      while (e > a && is_ws(c[e - 1])) e--;
      if (e > a) {
        L->kind = L_ATX;
        L->depth = (uint8_t)k;
        L->off = p + a;
        L->len = e - a;
        return;
      }
    }
  }
  /* quotes */
  if (c[0] == '>') {
    size_t k = 0, d = 0;
    while (k < n && c[k] == '>') {
      d++;
      k++;
      if (k < n && c[k] == ' ') k++;
      while (k < n && c[k] == ' ' && k + 1 < n && c[k + 1] == '>') k++;
    }
    L->kind = L_QUOTE;
    L->depth = (uint8_t)(d > 255 ? 255 : d);
    L->off = p + k;
    L->len = n - k;
    return;
  }
  /* bullets: - * • · followed by a space */
  size_t mk = 0;
  if (c[0] == '-' || c[0] == '*' || c[0] == '+') mk = 1;
  else if (n >= 3 && !memcmp(c, "\xE2\x80\xA2", 3)) mk = 3; /* • */
  else if (n >= 2 && !memcmp(c, "\xC2\xB7", 2)) mk = 2;     /* · */
  if (mk && mk < n && is_ws(c[mk])) {
    size_t a = mk;
    while (a < n && is_ws(c[a])) a++;
    if (a < n) {
      L->kind = L_BULLET;
      L->ch = (uint8_t)(mk == 1 ? c[0] : mk == 3 ? 'o' : '.');
      L->col = L->indent + 1 + (uint32_t)(a - mk);
      L->off = p + a;
      L->len = n - a;
      return;
    }
  }
  /* numbered: up to 9 digits (ASCII, Arabic-Indic, Persian) then . or ) */
  {
    size_t k = 0;
    int val = 0, nd = 0, dv;
    while (k < n && nd < 9 && parse_digit(c, n, &k, &dv)) {
      val = val * 10 + dv;
      nd++;
    }
    if (nd && k + 1 < n && (c[k] == '.' || c[k] == ')') && is_ws(c[k + 1])) {
      size_t a = k + 1;
      while (a < n && is_ws(c[a])) a++;
      if (a < n) {
        L->kind = L_ORDERED;
        L->ch = (uint8_t)c[k];
        L->number = val;
        L->col = L->indent + (uint32_t)nd + 1 + (uint32_t)(a - k - 1);
        L->off = p + a;
        L->len = n - a;
        return;
      }
    }
  }
  /* "**X**" or "**X**:" alone on a line: a subheading */
  if (n >= 5 && c[0] == '*' && c[1] == '*' && c[2] != '*' && !is_ws(c[2])) {
    size_t e = n;
    if (c[e - 1] == ':') e--;
    else if (e >= 2 && (unsigned char)c[e - 2] == 0xD8 && (unsigned char)c[e - 1] == 0x9B) e -= 2; /* ؛ */
    if (e >= 5 && c[e - 1] == '*' && c[e - 2] == '*' && c[e - 3] != '*' && !is_ws(c[e - 3])) {
      int inner_ok = 1;
      for (size_t k = 2; k + 2 < e - 1; k++)
        if (c[k] == '*' && c[k + 1] == '*') inner_ok = 0;
      const char *in = c + 2;
      size_t inlen = e - 4;
      if (inner_ok && count_words(in, inlen) <= 12 && !ends_sentence(in, inlen)) {
        L->kind = L_BOLD;
        L->off = p + 2;
        L->len = inlen;
        return;
      }
    }
  }
}

static int split_lines(reader *r) {
  const char *s = r->s;
  size_t n = r->n, cap = 64, count = 0;
  tline *lines = nd_malloc(cap * sizeof *lines);
  if (!lines) return nd_oom("text: lines");
  size_t i = 0;
  while (i <= n) {
    size_t a = i;
    while (i < n && s[i] != '\n' && s[i] != '\r') i++;
    size_t e = i;
    if (i < n && s[i] == '\r' && i + 1 < n && s[i + 1] == '\n') i += 2;
    else i++;
    if (a == n && e == n && count > 0) break; /* no empty line after a final newline */
    while (e > a && (is_ws(s[e - 1]))) e--;
    if (count == cap) {
      tline *nl = nd_realloc(lines, cap * 2 * sizeof *lines);
      if (!nl) {
        nd_free(lines);
        return nd_oom("text: lines");
      }
      lines = nl;
      cap *= 2;
    }
    tline *L = &lines[count++];
    memset(L, 0, sizeof *L);
    L->start = a;
    L->end = e;
    classify(r, L);
    if (L->kind != L_BLANK) {
      /* one pass over the content; the marker before it and anything
       * after it ("**:") are short */
      L->cwidth = width_of(r, s + L->off, L->len);
      L->width = width_of(r, s + a, L->off - a) + L->cwidth + width_of(r, s + L->off + L->len, e - L->off - L->len);
      size_t w = L->off;
      while (w < L->off + L->len && !is_ws(s[w])) w++;
      L->fword = width_of(r, s + L->off, w - L->off);
    }
    if ((count & 4095) == 0) {
      int rc = newsdoc_ctx_check(r->ctx);
      if (rc) {
        nd_free(lines);
        return rc;
      }
    }
  }
  r->lines = lines;
  r->nlines = count;
  /* The wrap width: the widest line that shares its block with another
   * text line and has a space to break at (a title, a heading or a lone
   * long URL says nothing about where lines were wrapped). */
  for (size_t k = 0; k < count; k++) {
    const tline *L = &lines[k];
    if (L->kind != L_TEXT && L->kind != L_QUOTE && L->kind != L_BULLET && L->kind != L_ORDERED) continue;
    int nb = 0;
    if (k > 0 && lines[k - 1].kind != L_BLANK && lines[k - 1].kind != L_RULE) nb = 1;
    if (k + 1 < count && lines[k + 1].kind != L_BLANK && lines[k + 1].kind != L_RULE) nb = 1;
    if (k + 1 < count && lines[k + 1].kind == L_RULE) continue;
    if (!nb || !memchr(s + L->off, ' ', L->len)) continue;
    if (L->width > r->maxw) r->maxw = L->width;
  }
  return 0;
}

/* ---- pass 2: paragraph style ----------------------------------------------------- */

/* Line b continues line a's paragraph when b's first word would not have
 * fitted at the end of a (greedy wrapping at the widest line's width). */
static int wrap_joined(const reader *r, const tline *a, const tline *b) {
  if (r->wrapped == 2) return 1; /* "block": every line of a block joins */
  return (uint64_t)a->width + 1 + b->fword > r->maxw;
}

static void choose_style(reader *r) {
  const char *opt = newsdoc_ctx_option(r->ctx, "paragraphs");
  if (opt && !strcmp(opt, "line")) {
    r->wrapped = 0;
    return;
  }
  if (opt && !strcmp(opt, "wrapped")) {
    r->wrapped = 1;
    return;
  }
  if (opt && (!strcmp(opt, "block") || !strcmp(opt, "blank"))) {
    r->wrapped = 2;
    return;
  }
  size_t pairs = 0, joined = 0;
  for (size_t i = 0; i + 1 < r->nlines; i++) {
    const tline *a = &r->lines[i], *b = &r->lines[i + 1];
    if (a->kind == L_BLANK || b->kind != L_TEXT) continue;
    if (a->kind != L_TEXT && a->kind != L_BULLET && a->kind != L_ORDERED && a->kind != L_QUOTE) continue;
    if (a->kind == L_QUOTE) continue;
    pairs++;
    joined += wrap_joined(r, a, b);
  }
  for (size_t i = 0; i + 1 < r->nlines; i++) {
    const tline *a = &r->lines[i], *b = &r->lines[i + 1];
    if (a->kind == L_QUOTE && b->kind == L_QUOTE && a->depth == b->depth && a->len && b->len) {
      pairs++;
      joined += (uint64_t)a->width + 1 + b->fword > r->maxw;
    }
  }
  /* Hard-wrapped text has lines of about 25 to 200 columns; longer lines
   * are paragraphs written on one line, and a column of short lines is a
   * list of lines (names, verse), not a narrow paragraph. */
  r->wrapped = r->maxw >= 25 && r->maxw <= 200 && pairs >= 1 && joined * 10 >= pairs * 6;
}

/* ---- pass 3: blocks ---------------------------------------------------------------- */

static tblock *new_block(reader *r, int kind) {
  if (nd_grow(&r->blocks, &r->capblocks, r->nblocks, sizeof *r->blocks, 64, "text: blocks")) return NULL;
  tblock *b = &r->blocks[r->nblocks++];
  memset(b, 0, sizeof *b);
  b->kind = (uint8_t)kind;
  b->toff = r->arena.len;
  return b;
}

static void block_text(reader *r, tblock *b, const char *s, size_t len, uint32_t width) {
  if (b->tlen) {
    nd_buf_putc(&r->arena, ' ');
    b->width++;
  }
  b->width += width;
  nd_buf_put(&r->arena, s, len);
  b->tlen = r->arena.len - b->toff;
}

/* Whether line i is a heading underlined by line i+1. */
static int underlined(const reader *r, size_t i) {
  if (i + 1 >= r->nlines) return 0;
  const tline *t = &r->lines[i], *u = &r->lines[i + 1];
  if (t->kind != L_TEXT || u->kind != L_RULE || u->spaced || t->indent >= 4) return 0;
  if (!strchr("=-~^\"+`", u->ch)) return 0;
  uint32_t tw = t->width, uw = u->width;
  return uw >= 3 && uw * 2 >= tw && uw <= 2 * tw + 3;
}

/* A paragraph being collected inside a list or quote. */
typedef struct {
  newsdoc_node *parent;
  nd_buf text;
  const tline *last;
} pending;

static int flush_pending(reader *r, pending *p) {
  int rc = 0;
  if (!nd_buf_ok(&p->text)) rc = nd_oom("text: paragraph");
  else if (p->parent && p->text.len) {
    if (!add_textblock(r, p->parent, NEWSDOC_NODE_PARAGRAPH, p->text.data, p->text.len)) rc = newsdoc_error_last()->code ? newsdoc_error_last()->code : NEWSDOC_ENOMEM;
  }
  nd_buf_clear(&p->text);
  p->parent = NULL;
  p->last = NULL;
  return rc;
}

static void pending_add(reader *r, pending *p, newsdoc_node *parent, const tline *L) {
  p->parent = parent;
  if (p->text.len) nd_buf_putc(&p->text, ' ');
  nd_buf_put(&p->text, r->s + L->off, L->len);
  p->last = L;
}

/* Quotes: consecutive '>' lines from *i; nested by the count of '>'. */
static int build_quote(reader *r, size_t *i, newsdoc_node **out) {
  newsdoc_node *stack[64];
  size_t depth = 0;
  int rc = 0;
  pending p = {NULL, ND_BUF_INIT, NULL};
  newsdoc_node *root = nd_node_alloc(NEWSDOC_NODE_BLOCKQUOTE);
  if (!root) return nd_oom("text: quote");
  stack[depth++] = root;
  size_t j = *i;
  for (; j < r->nlines && r->lines[j].kind == L_QUOTE; j++) {
    const tline *L = &r->lines[j];
    size_t want = L->depth;
    if (want > 64 || (rc = nd_check_depth(r->ctx, want, "a quote"))) {
      if (!rc) rc = newsdoc_error_set(NEWSDOC_ELIMIT_DEPTH, "text: quotes nested deeper than 64 at line %zu", j + 1);
      break;
    }
    if (want != depth) {
      if ((rc = flush_pending(r, &p))) break;
      while (depth > want) depth--;
      while (depth < want) {
        if ((rc = count_node(r))) break;
        newsdoc_node *q = nd_node_add(stack[depth - 1], NEWSDOC_NODE_BLOCKQUOTE);
        if (!q) {
          rc = NEWSDOC_ENOMEM;
          break;
        }
        stack[depth++] = q;
      }
      if (rc) break;
    }
    if (!L->len) {
      if ((rc = flush_pending(r, &p))) break;
      continue;
    }
    int join = r->wrapped && p.last && p.parent == stack[depth - 1] && wrap_joined(r, p.last, L);
    if (!join && (rc = flush_pending(r, &p))) break;
    pending_add(r, &p, stack[depth - 1], L);
  }
  if (!rc) rc = flush_pending(r, &p);
  nd_buf_free(&p.text);
  *i = j;
  if (rc) {
    nd_node_free_tree(root);
    return rc;
  }
  *out = root;
  return 0;
}

/* Lists: items from *i, nested by indentation, with continuation lines
 * (indented to the item's text) and paragraphs after blank lines. */
typedef struct {
  newsdoc_node *list;
  newsdoc_node *item; /* the last item */
  uint32_t indent, col;
  int last; /* the last item's number */
  uint8_t kind, ch;
} lframe;

static int build_list(reader *r, size_t *i, newsdoc_node **out) {
  lframe st[32];
  size_t sp = 0;
  int rc = 0, loose = 0;
  pending p = {NULL, ND_BUF_INIT, NULL};
  const tline *first = &r->lines[*i];
  newsdoc_node *root = nd_node_alloc(NEWSDOC_NODE_LIST);
  if (!root) return nd_oom("text: list");
  size_t j = *i;
  int after_blank = 0;
  while (j < r->nlines) {
    const tline *L = &r->lines[j];
    if (L->kind == L_BLANK) {
      size_t k = j;
      while (k < r->nlines && r->lines[k].kind == L_BLANK) k++;
      if (k >= r->nlines) break;
      const tline *N = &r->lines[k];
      int item = N->kind == L_BULLET || N->kind == L_ORDERED;
      /* after a blank line a numbered item goes on with the list only when
       * its number follows (a new "1." starts a new list) */
      int same_list = item && N->indent >= st[0].indent && N->kind == st[0].kind &&
                      (N->indent > st[0].indent ||
                       (N->kind == L_BULLET ? N->ch == st[0].ch : N->number == st[0].last + 1));
      int cont = !item && N->kind != L_RULE && N->kind != L_ATX && N->indent >= st[sp - 1].col && N->indent > 0;
      if (!same_list && !cont) break;
      if (!same_list && k + 1 < r->nlines && underlined(r, k)) break;
      if ((rc = flush_pending(r, &p))) break;
      loose = 1;
      after_blank = 1;
      j = k;
      continue;
    }
    int item = L->kind == L_BULLET || L->kind == L_ORDERED;
    if (item) {
      if (sp == 0) {
        st[0].list = root;
        st[0].indent = L->indent;
        st[0].col = L->col;
        st[0].kind = L->kind;
        st[0].ch = L->ch;
        st[0].item = NULL;
        sp = 1;
        if (L->kind == L_ORDERED && newsdoc_node_set_list_type(root, NEWSDOC_LIST_ORDERED)) {
          rc = NEWSDOC_ENOMEM;
          break;
        }
        if (L->kind == L_ORDERED) newsdoc_node_set_list_start(root, L->number);
      } else {
        if (L->indent < st[0].indent) break;
        if ((rc = flush_pending(r, &p))) break;
        while (sp > 1 && L->indent < st[sp - 1].indent) sp--;
        lframe *top = &st[sp - 1];
        if (L->indent >= top->col && top->item) {
          /* a nested list inside the last item */
          if (sp >= 32 || (rc = nd_check_depth(r->ctx, sp * 2 + 2, "a list"))) {
            if (!rc) rc = newsdoc_error_set(NEWSDOC_ELIMIT_DEPTH, "text: lists nested deeper than 32 at line %zu", j + 1);
            break;
          }
          if ((rc = count_node(r))) break;
          newsdoc_node *nl = nd_node_add(top->item, NEWSDOC_NODE_LIST);
          if (!nl) {
            rc = NEWSDOC_ENOMEM;
            break;
          }
          if (L->kind == L_ORDERED) {
            newsdoc_node_set_list_type(nl, NEWSDOC_LIST_ORDERED);
            newsdoc_node_set_list_start(nl, L->number);
          }
          lframe *f = &st[sp++];
          f->list = nl;
          f->item = NULL;
          f->indent = L->indent;
          f->col = L->col;
          f->kind = L->kind;
          f->ch = L->ch;
        } else if (L->kind != top->kind || (L->kind == L_BULLET && L->ch != top->ch)) {
          if (sp == 1) break; /* another list starts */
          /* a sibling list of another kind inside the parent item */
          lframe *parent = &st[sp - 2];
          if ((rc = count_node(r))) break;
          newsdoc_node *nl = nd_node_add(parent->item, NEWSDOC_NODE_LIST);
          if (!nl) {
            rc = NEWSDOC_ENOMEM;
            break;
          }
          if (L->kind == L_ORDERED) {
            newsdoc_node_set_list_type(nl, NEWSDOC_LIST_ORDERED);
            newsdoc_node_set_list_start(nl, L->number);
          }
          top->list = nl;
          top->item = NULL;
          top->kind = L->kind;
          top->ch = L->ch;
          top->indent = L->indent;
          top->col = L->col;
        }
      }
      lframe *top = &st[sp - 1];
      if ((rc = count_node(r))) break;
      top->last = L->number;
      top->item = nd_node_add(top->list, NEWSDOC_NODE_ITEM);
      if (!top->item) {
        rc = NEWSDOC_ENOMEM;
        break;
      }
      top->col = L->col;
      pending_add(r, &p, top->item, L);
      after_blank = 0;
      j++;
      continue;
    }
    if (sp == 0) break;
    /* a non-item line: continuation or a new paragraph in an item */
    if (L->kind != L_TEXT) break;
    if (underlined(r, j)) break;
    size_t f = sp;
    while (f > 0 && L->indent < st[f - 1].col) f--;
    if (f == 0) {
      /* not indented: a lazy continuation of wrapped text, else the end */
      if (after_blank || !r->wrapped || !p.last || !wrap_joined(r, p.last, L)) break;
      pending_add(r, &p, p.parent, L);
      j++;
      continue;
    }
    sp = f;
    newsdoc_node *owner = st[f - 1].item;
    if (!owner) break;
    int join = !after_blank && r->wrapped && p.last && p.parent == owner && wrap_joined(r, p.last, L);
    if (!join && (rc = flush_pending(r, &p))) break;
    pending_add(r, &p, owner, L);
    after_blank = 0;
    j++;
  }
  if (!rc) rc = flush_pending(r, &p);
  nd_buf_free(&p.text);
  (void)first;
  if (rc) {
    nd_node_free_tree(root);
    return rc;
  }
  if (loose) {
    /* every list of the tree shares the style of the outer list */
    newsdoc_iter *it = NULL;
    if ((rc = newsdoc_iter_new(&it, root))) {
      nd_node_free_tree(root);
      return rc;
    }
    newsdoc_event ev;
    while ((ev = newsdoc_iter_next(it)) != NEWSDOC_EVENT_DONE)
      if (ev == NEWSDOC_EVENT_ENTER && newsdoc_node_get_type(newsdoc_iter_node(it)) == NEWSDOC_NODE_LIST)
        newsdoc_node_set_list_tight(newsdoc_iter_node(it), 0);
    newsdoc_iter_free(it);
  }
  *i = j;
  *out = root;
  return 0;
}

static int build_blocks(reader *r) {
  int blank = 1;
  size_t i = 0;
  while (i < r->nlines) {
    const tline *L = &r->lines[i];
    if ((i & 4095) == 0) {
      int rc = newsdoc_ctx_check(r->ctx);
      if (rc) return rc;
    }
    if (L->kind == L_BLANK) {
      if (r->nblocks) r->blocks[r->nblocks - 1].blank_after = 1;
      blank = 1;
      i++;
      continue;
    }
    tblock *b = NULL;
    if (L->kind == L_TEXT && underlined(r, i)) {
      b = new_block(r, TB_HEAD);
      if (!b) return NEWSDOC_ENOMEM;
      b->hch = r->lines[i + 1].ch;
      block_text(r, b, r->s + L->off, L->len, L->cwidth);
      b->nlines = 1;
      i += 2;
    } else if (L->kind == L_ATX) {
      b = new_block(r, TB_HEAD);
      if (!b) return NEWSDOC_ENOMEM;
      b->hch = '#';
      b->level = L->depth;
      block_text(r, b, r->s + L->off, L->len, L->cwidth);
      b->nlines = 1;
      i++;
    } else if (L->kind == L_BOLD) {
      b = new_block(r, TB_BOLD);
      if (!b) return NEWSDOC_ENOMEM;
      block_text(r, b, r->s + L->off, L->len, L->cwidth);
      b->nlines = 1;
      i++;
    } else if (L->kind == L_RULE && blank && (L->ch == '-' || L->ch == '*' || L->ch == '_')) {
      b = new_block(r, TB_NODE);
      if (!b) return NEWSDOC_ENOMEM;
      if (count_node(r)) return NEWSDOC_ELIMIT_COUNT;
      b->node = nd_node_alloc(NEWSDOC_NODE_THEMATIC_BREAK);
      if (!b->node) return nd_oom("text: break");
      i++;
    } else if (L->kind == L_QUOTE) {
      newsdoc_node *q = NULL;
      int rc = build_quote(r, &i, &q);
      if (rc) return rc;
      b = new_block(r, TB_NODE);
      if (!b) {
        nd_node_free_tree(q);
        return NEWSDOC_ENOMEM;
      }
      b->node = q;
    } else if (L->kind == L_BULLET || L->kind == L_ORDERED) {
      newsdoc_node *l = NULL;
      int rc = build_list(r, &i, &l);
      if (rc) return rc;
      b = new_block(r, TB_NODE);
      if (!b) {
        nd_node_free_tree(l);
        return NEWSDOC_ENOMEM;
      }
      b->node = l;
    } else {
      /* text (or a rule that is neither an underline nor a break) */
      b = new_block(r, TB_PARA);
      if (!b) return NEWSDOC_ENOMEM;
      block_text(r, b, r->s + L->off, L->len, L->cwidth);
      b->nlines = 1;
      const tline *prev = L;
      i++;
      while (r->wrapped && i < r->nlines && r->lines[i].kind == L_TEXT && !underlined(r, i) &&
             wrap_joined(r, prev, &r->lines[i])) {
        prev = &r->lines[i];
        block_text(r, b, r->s + prev->off, prev->len, prev->cwidth);
        b->nlines++;
        i++;
      }
    }
    b->blank_before = (uint8_t)blank;
    blank = 0;
    if (b->kind != TB_NODE) {
      b->words = r->arena.data ? count_words(r->arena.data + b->toff, b->tlen) : 0;
    }
    if (!nd_buf_ok(&r->arena)) return nd_oom("text: blocks");
  }
  return 0;
}

/* ---- pass 4: roles and the tree ----------------------------------------------------- */

/* The arena has no data at all when every block is empty. */
static const char *btext(const reader *r, const tblock *b) { return r->arena.data ? r->arena.data + b->toff : ""; }

static int heading_like(const reader *r, const tblock *b) {
  if (b->kind != TB_PARA || b->nlines != 1) return 0;
  const char *t = btext(r, b);
  return b->words >= 1 && b->words <= 12 && b->width <= 100 && !ends_sentence(t, b->tlen) && has_letter(t, b->tlen);
}

/* Body text after a heading: a sentence or a long line, a list, a quote,
 * or a subheading. */
static int body_like(const reader *r, const tblock *b) {
  if (b->kind == TB_BOLD) return 1;
  if (b->kind == TB_NODE) return newsdoc_node_get_type(b->node) != NEWSDOC_NODE_THEMATIC_BREAK;
  if (b->kind != TB_PARA) return 0;
  return !heading_like(r, b);
}

static int byline_shape(const reader *r, const tblock *b, int at_start_only) {
  if (b->kind != TB_PARA || b->nlines > 2 || b->words > 20 || b->words < 2) return 0;
  const char *t = btext(r, b);
  uint32_t c = last_cp(t, b->tlen, NULL);
  if (c == '?' || c == '!' || c == 0x061F || c == ':' || c == 0x061B) return 0;
  if (c == '.' && b->words > 8) return 0;
  size_t ms, me;
  if (!nd_text_find_marker(t, b->tlen, at_start_only, &ms, &me)) return 0;
  /* something must follow the marker */
  size_t k = me;
  while (k < b->tlen && (is_ws(t[k]) || t[k] == ':' || t[k] == '-')) k++;
  return k < b->tlen;
}

static int add_authors(reader *r, const char *t, size_t len) {
  size_t ms, me;
  if (!nd_text_find_marker(t, len, 0, &ms, &me)) return 0;
  size_t a = me;
  while (a < len && (is_ws(t[a]) || t[a] == ':' || t[a] == '-')) a++;
  /* up to the first ';', '|' or " - " (an agency or an editor follows) */
  size_t e = a;
  while (e < len && t[e] != ';' && t[e] != '|' && !(t[e] == '-' && e > a && is_ws(t[e - 1]) && e + 1 < len && is_ws(t[e + 1])))
    e++;
  /* split on , ، & and the words "and" / "و" */
  size_t s = a;
  for (size_t k = a; k <= e; k++) {
    size_t cut = 0, skip = 0;
    if (k == e) cut = 1;
    else if (t[k] == ',' || t[k] == '&') cut = 1, skip = 1;
    else if (k + 1 < e && (unsigned char)t[k] == 0xD8 && (unsigned char)t[k + 1] == 0x8C) cut = 1, skip = 2;
    else if (is_ws(t[k]) && k + 5 <= e && !memcmp(t + k, " and ", 5)) cut = 1, skip = 5;
    else if (is_ws(t[k]) && k + 4 <= e && !memcmp(t + k, " \xD9\x88 ", 4)) cut = 1, skip = 4;
    if (!cut) continue;
    size_t x = s, y = k;
    while (x < y && is_ws(t[x])) x++;
    while (y > x && (is_ws(t[y - 1]) || t[y - 1] == '.')) y--;
    if (y > x && newsdoc_meta_add(r->doc, NEWSDOC_META_AUTHOR, t + x, y - x)) return NEWSDOC_ENOMEM;
    s = k + skip;
    if (skip) k = s - 1;
  }
  return 0;
}

static int assign_roles(reader *r) {
  size_t n = r->nblocks;
  tblock *B = r->blocks;
  int explicit_heads = 0, eq_heads = 0;
  for (size_t k = 0; k < n; k++)
    if (B[k].kind == TB_HEAD) {
      explicit_heads++;
      eq_heads += B[k].hch == '=';
    }
  size_t first = 0;
  /* the title */
  if (n > 0 && B[0].kind == TB_HEAD && B[0].hch == '=') {
    B[0].role = R_TITLE;
    first = 1;
    eq_heads--;
  } else if (n > 0 && B[0].kind == TB_HEAD && B[0].hch == '#' && B[0].level == 1) {
    int others = 0;
    for (size_t k = 1; k < n; k++) others += B[k].kind == TB_HEAD && B[k].hch == '#' && B[k].level == 1;
    if (!others) {
      B[0].role = R_TITLE;
      first = 1;
      for (size_t k = 1; k < n; k++)
        if (B[k].kind == TB_HEAD && B[k].hch == '#' && B[k].level > 1) B[k].level--;
    }
  }
  /* a byline first (or right after the title) must start with a marker */
  if (first < n && byline_shape(r, &B[first], 1)) {
    B[first].role = R_BYLINE;
    first++;
  } else if (first == 0 && !explicit_heads && n > 1 && B[0].kind == TB_PARA && B[0].nlines == 1 &&
             B[0].words <= 25 && B[0].width <= 200 && has_letter(btext(r, &B[0]), B[0].tlen) &&
             title_ending_ok(btext(r, &B[0]), B[0].tlen) &&
             (B[0].blank_after || byline_shape(r, &B[1], 1) || (body_like(r, &B[1]) && B[1].width > B[0].width))) {
    B[0].role = R_TITLE;
    first = 1;
    if (first < n && byline_shape(r, &B[first], 1)) {
      B[first].role = R_BYLINE;
      first++;
    }
  }
  /* a credit line at the end: a marker anywhere in it */
  size_t last = n;
  int have_byline = 0;
  for (size_t k = 0; k < n; k++) have_byline |= B[k].role == R_BYLINE;
  if (!have_byline && n > first && byline_shape(r, &B[n - 1], 0)) {
    B[n - 1].role = R_BYLINE;
    last = n - 1;
  }
  /* plain headings: short lines without final punctuation between body
   * text; only where the author marked no heading explicitly, and only
   * when there are at least two (one such line is more often a caption or
   * a sentence missing its period) */
  size_t cand = 0;
  if (!explicit_heads) {
    for (size_t k = first; k < last; k++) {
      if (!heading_like(r, &B[k])) continue;
      if (k + 1 >= last || !body_like(r, &B[k + 1])) continue;
      if (k > first && heading_like(r, &B[k - 1])) continue;
      B[k].role = R_HEAD;
      B[k].level = 1;
      cand++;
    }
    if (cand < 2)
      for (size_t k = first; k < last; k++)
        if (B[k].role == R_HEAD && B[k].kind == TB_PARA) B[k].role = R_PARA;
  }
  /* explicit heading levels */
  static const char chars[] = "-~^\"+`";
  for (size_t k = first; k < last; k++) {
    if (B[k].kind != TB_HEAD || B[k].role != R_PARA) continue;
    B[k].role = R_HEAD;
    if (B[k].hch == '#') continue;
    if (B[k].hch == '=') {
      B[k].level = 1;
      continue;
    }
    const char *p = strchr(chars, B[k].hch);
    int lv = p ? (int)(p - chars) + 1 : 1;
    if (eq_heads > 0) lv++;
    B[k].level = lv > 6 ? 6 : lv;
  }
  return 0;
}

static int build_tree(reader *r) {
  newsdoc_node *stack[8];
  int levels[8];
  size_t sp = 0;
  newsdoc_node *body = newsdoc_doc_root(r->doc);
  stack[sp] = body;
  levels[sp++] = 0;
  int plain_level = 0; /* level of the innermost non-"**" heading */
  for (size_t k = 0; k < r->nblocks; k++) {
    tblock *b = &r->blocks[k];
    const char *t = btext(r, b);
    if (b->role == R_TITLE) {
      if (newsdoc_meta_set(r->doc, NEWSDOC_META_TITLE, t, b->tlen)) return NEWSDOC_ENOMEM;
      continue;
    }
    if (b->role == R_BYLINE) {
      if (newsdoc_meta_set(r->doc, NEWSDOC_META_BYLINE, t, b->tlen) || add_authors(r, t, b->tlen)) return NEWSDOC_ENOMEM;
      continue;
    }
    int level = 0;
    if (b->kind == TB_BOLD) {
      level = plain_level + 1;
    } else if (b->role == R_HEAD) {
      level = b->level;
    }
    if (level) {
      if (level > 6) level = 6;
      if (b->kind != TB_BOLD) plain_level = level;
      while (sp > 1 && levels[sp - 1] >= level) sp--;
      if (count_node(r)) return NEWSDOC_ELIMIT_COUNT;
      newsdoc_node *sec = nd_node_add(stack[sp - 1], NEWSDOC_NODE_SECTION);
      if (!sec || newsdoc_node_set_level(sec, level)) return NEWSDOC_ENOMEM;
      stack[sp] = sec;
      levels[sp++] = level;
      if (!add_textblock(r, sec, NEWSDOC_NODE_HEADING, t, b->tlen)) return newsdoc_error_last()->code;
      continue;
    }
    newsdoc_node *parent = stack[sp - 1];
    if (b->kind == TB_NODE) {
      if (newsdoc_node_append_child(parent, b->node)) return NEWSDOC_EUSAGE;
      b->node = NULL;
      continue;
    }
    if (!add_textblock(r, parent, NEWSDOC_NODE_PARAGRAPH, t, b->tlen)) return newsdoc_error_last()->code;
  }
  return 0;
}

/* ---- entry --------------------------------------------------------------------------- */

int nd_text_read(newsdoc_doc **out, const char *data, size_t len, newsdoc_ctx *ctx, void *ud) {
  (void)ud;
  *out = NULL;
  reader r;
  memset(&r, 0, sizeof r);
  r.ctx = ctx;
  r.max_nodes = newsdoc_ctx_limit(ctx, NEWSDOC_LIMIT_NODES);
  nd_buf text = ND_BUF_INIT;
  nd_buf_init(&r.arena);
  int rc = nd_decode_text(&text, data, len, newsdoc_ctx_option(ctx, "charset"), NULL, ctx);
  if (rc) goto done;
  r.s = text.data ? text.data : "";
  r.n = text.len;
  if ((rc = newsdoc_doc_new(&r.doc))) goto done;
  /* the document's language and direction, from all of its letters */
  r.doc_lang = nd_guess_lang_dir(r.s, r.n, &r.doc_dir);
  if (r.doc_lang && (rc = newsdoc_meta_set(r.doc, NEWSDOC_META_LANG, r.doc_lang, strlen(r.doc_lang)))) goto done;
  if (r.doc_dir != NEWSDOC_DIR_UNSET && (rc = newsdoc_doc_set_dir(r.doc, r.doc_dir))) goto done;
  if ((rc = split_lines(&r))) goto done;
  choose_style(&r);
  if ((rc = build_blocks(&r))) goto done;
  if ((rc = assign_roles(&r))) goto done;
  if ((rc = build_tree(&r))) goto done;
done:
  if (rc && newsdoc_error_last()->code == 0) newsdoc_error_set(rc, "text: reading failed");
  for (size_t k = 0; k < r.nblocks; k++)
    if (r.blocks[k].node) nd_node_free_tree(r.blocks[k].node);
  nd_free(r.blocks);
  nd_free(r.lines);
  nd_buf_free(&r.arena);
  nd_buf_free(&text);
  if (rc) {
    newsdoc_doc_free(r.doc);
    return rc;
  }
  *out = r.doc;
  return 0;
}
