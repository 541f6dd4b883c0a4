/* writer.c - the model as CommonMark that CommonMark readers and pandoc
 * read back to the same structure: YAML front matter, ATX headings,
 * minimal escaping, fenced code, pipe tables, [^n] notes.  Blocks are
 * walked with an explicit stack and inlines with parent links: no
 * recursion.  See README.md for the choices. */
#include <stdio.h>

#include "markdown.h"
#include "../../core/ucache.h"

typedef struct {
  const newsdoc_node *node;
  size_t prefix_len;         /* prefix length to restore on exit */
  int written;               /* child blocks written so far */
  newsdoc_node_type last;    /* type of the last child written */
  int div;                   /* a <div> wrapper to close */
  int index;                 /* LIST: items so far */
  char marker;               /* LIST: '-', '*', '.' or ')' */
} wframe;

typedef struct {
  const newsdoc_doc *doc;
  newsdoc_ctx *ctx;
  newsdoc_sink *sink;
  nd_buf out;
  nd_buf prefix;
  nd_buf inl; /* one block's inline content */
  int at_bol;
  wframe *st;
  size_t n, cap;
  const newsdoc_node **notes;
  size_t nnotes, capnotes;
  size_t *marks; /* where each open EMPH/STRONG's delimiter starts in inl */
  size_t nmarks, capmarks;
  int err;
  int warned_raw, warned_span, warned_break, warned_attr, warned_cell;
  const char *doc_lang; /* the document's language and direction (its */
  newsdoc_dir doc_dir;  /* metadata does not change while it is written) */
} md_writer;

/* ---- escaping ----------------------------------------------------------------- */

static int is_alnum_ascii(unsigned char c) {
  return (c >= '0' && c <= '9') || ((c | 32) >= 'a' && (c | 32) <= 'z');
}

static int is_roman(unsigned char c) { return c && strchr("ivxlcdmIVXLCDM", c) != NULL; }

/* At the start of a line: how much of s (from i) would start a block, and
 * where a backslash must go.  Returns the offset of the character to
 * escape, or (size_t)-1. */
size_t nd_md_line_start_escape(const char *s, size_t len, size_t i) {
  if (i >= len) return (size_t)-1;
  unsigned char c = (unsigned char)s[i];
  unsigned char n1 = i + 1 < len ? (unsigned char)s[i + 1] : 0;
  switch (c) {
  case '#': case '>': case '-': case '=': case '%':
    return i;
  case '+': case ':':
    return (n1 == 0 || n1 == ' ' || n1 == '\t') ? i : (size_t)-1;
  case '(': {
    size_t k = i + 1;
    while (k < len && is_alnum_ascii((unsigned char)s[k]) && k - i < 12) k++;
    return (k > i + 1 && k < len && s[k] == ')') ? i : (size_t)-1;
  }
  default:
    break;
  }
  size_t k = i;
  if (c >= '0' && c <= '9') {
    while (k < len && k - i < 10 && s[k] >= '0' && s[k] <= '9') k++;
  } else if (is_roman(c) || ((c | 32) >= 'a' && (c | 32) <= 'z')) {
    k = i + 1;
    if (is_roman(c))
      while (k < len && k - i < 10 && is_roman((unsigned char)s[k])) k++;
  } else {
    return (size_t)-1;
  }
  if (k < len && (s[k] == '.' || s[k] == ')')) {
    unsigned char a = k + 1 < len ? (unsigned char)s[k + 1] : 0;
    if (a == 0 || a == ' ' || a == '\t') return k;
  }
  return (size_t)-1;
}

/* The bytes nd_md_escape_text() looks at: what may need a backslash, the
 * line breaks and the controls it drops.  Every other byte (letters,
 * digits, blanks, UTF-8 past ASCII) is copied as it is, a run at a time. */
static const unsigned char md_special[256] = {
    1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    0, 1, 0, 0, 1, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0,
    1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1,
    1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 1, 0,
    /* 0x80-0xFF: 0 */
};

#if ND_AVX2
/* md_special for 32 bytes at a time: a byte is special when its low
 * nibble's entry in MD_LO and its high nibble's in MD_HI share a bit
 * (bit h for the high nibble h < 8; none for bytes past ASCII). */
static const unsigned char MD_LO[32] = {
    0x53, 0x07, 0x03, 0x03, 0x07, 0x03, 0x07, 0x03, 0x03, 0x02, 0x07, 0xA3, 0xAB, 0x23, 0xA3, 0x23,
    0x53, 0x07, 0x03, 0x03, 0x07, 0x03, 0x07, 0x03, 0x03, 0x02, 0x07, 0xA3, 0xAB, 0x23, 0xA3, 0x23};
static const unsigned char MD_HI[32] = {
    0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};

/* The first special byte of u[i..lim), or where fewer than 32 bytes are
 * left. */
static ND_TARGET_AVX2 size_t md_skip_blocks(const unsigned char *u, size_t i, size_t lim) {
  const __m256i lo = _mm256_loadu_si256((const __m256i *)MD_LO), hi = _mm256_loadu_si256((const __m256i *)MD_HI);
  const __m256i nib = _mm256_set1_epi8(0x0F), zero = _mm256_setzero_si256();
  while (lim - i >= 32) {
    __m256i v = _mm256_loadu_si256((const __m256i *)(u + i));
    __m256i l = _mm256_shuffle_epi8(lo, _mm256_and_si256(v, nib));
    __m256i h = _mm256_shuffle_epi8(hi, _mm256_and_si256(_mm256_srli_epi16(v, 4), nib));
    unsigned m = ~(unsigned)_mm256_movemask_epi8(_mm256_cmpeq_epi8(_mm256_and_si256(l, h), zero));
    if (m) return i + (size_t)__builtin_ctz(m);
    i += 32;
  }
  return i;
}
#endif

/* The first byte of u[i..lim) that md_special marks, or lim. */
static size_t md_skip(const unsigned char *u, size_t i, size_t lim) {
#if ND_AVX2
  if (lim - i >= 32 && nd_have_avx2()) i = md_skip_blocks(u, i, lim);
#endif
  while (i < lim && !md_special[u[i]]) i++;
  return i;
}

void nd_md_escape_text(nd_buf *out, const char *s, size_t len, int line_start, int in_table) {
  const unsigned char *u = (const unsigned char *)s;
  size_t esc_at = (size_t)-1;
  size_t i = 0;
  if (line_start) {
    while (i < len && (s[i] == ' ' || s[i] == '\t')) i++;
    esc_at = nd_md_line_start_escape(s, len, i);
  }
  size_t run = i;
  while (i < len) {
    /* the bytes copied as they are, up to the next special one or the
     * character a line start makes special */
    i = md_skip(u, i, esc_at < len ? esc_at : len);
    if (i >= len) break;
    unsigned char c = u[i];
    int esc = 0;
    if (i == esc_at) {
      esc = 1;
      esc_at = (size_t)-1;
    } else {
      switch (c) {
      case '\\': case '`': case '*': case '[': case ']': case '<': case '~': case '^': case '$': case '|':
      case '{':
        esc = 1;
        break;
      case '_': {
        unsigned char p = i ? u[i - 1] : 0, nx = i + 1 < len ? u[i + 1] : 0;
        esc = !(is_alnum_ascii(p) && is_alnum_ascii(nx));
        break;
      }
      case '&': {
        unsigned char nx = i + 1 < len ? u[i + 1] : 0;
        esc = nx == '#' || is_alnum_ascii(nx);
        break;
      }
      case '@': {
        unsigned char p = i ? u[i - 1] : 0;
        esc = !is_alnum_ascii(p);
        break;
      }
      case '!':
        esc = i + 1 == len;
        break;
      case '\n':
      case '\r':
        /* A newline inside text: a soft break.  Trailing blanks would make
         * a hard break; leading blanks would be lost or make code. */
        nd_buf_put(out, s + run, i - run);
        while (out->len && (out->data[out->len - 1] == ' ' || out->data[out->len - 1] == '\t')) out->len--;
        if (c == '\r' && i + 1 < len && s[i + 1] == '\n') i++;
        nd_buf_putc(out, in_table ? ' ' : '\n');
        i++;
        /* blanks and further newlines: one soft break (a blank line
         * would end the paragraph) */
        while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) i++;
        esc_at = in_table ? (size_t)-1 : nd_md_line_start_escape(s, len, i);
        run = i;
        continue;
      default:
        if (c < 0x20 && c != '\t') { /* controls: dropped */
          nd_buf_put(out, s + run, i - run);
          run = i + 1;
        }
        break;
      }
    }
    if (esc) {
      nd_buf_put(out, s + run, i - run);
      nd_buf_putc(out, '\\');
      run = i;
    }
    i++;
  }
  nd_buf_put(out, s + run, len - run);
}

/* ---- output ----------------------------------------------------------------- */

static int flush(md_writer *w) {
  if (w->err) return w->err;
  if (w->out.failed || w->prefix.failed || w->inl.failed) return w->err = nd_oom("markdown: output");
  if (w->out.len) {
    int rc = nd_sink_put_buf(w->sink, &w->out);
    nd_buf_clear(&w->out);
    if (rc) return w->err = rc;
  }
  return 0;
}

/* Write s (may hold newlines) with the prefix at every line start. */
static void emit(md_writer *w, const char *s, size_t len) {
  size_t i = 0;
  while (i < len) {
    if (w->at_bol) {
      if (s[i] == '\n') { /* a blank line: the prefix without trailing blanks */
        size_t pl = w->prefix.len;
        while (pl && (w->prefix.data[pl - 1] == ' ')) pl--;
        nd_buf_put(&w->out, w->prefix.data, pl);
      } else {
        nd_buf_put(&w->out, w->prefix.data, w->prefix.len);
      }
      w->at_bol = 0;
    }
    const char *nl = memchr(s + i, '\n', len - i);
    size_t e = nl ? (size_t)(nl - s) + 1 : len;
    nd_buf_put(&w->out, s + i, e - i);
    if (nl) w->at_bol = 1;
    i = e;
  }
}

static void emits(md_writer *w, const char *s) { emit(w, s, strlen(s)); }

static void end_line(md_writer *w) {
  if (!w->at_bol) emit(w, "\n", 1);
}

/* ---- inlines ------------------------------------------------------------------ */

static void put_attrs_html(nd_buf *b, const char *lang, newsdoc_dir dir) {
  static const char *const DIRS[] = {"", "ltr", "rtl", "auto"};
  if (dir) { nd_buf_puts(b, " dir=\""); nd_buf_puts(b, DIRS[dir & 3]); nd_buf_putc(b, '"'); }
  if (lang) { nd_buf_puts(b, " lang=\""); nd_xml_escape_attr(b, lang, strlen(lang)); nd_buf_putc(b, '"'); }
}

/* newsdoc_node_effective_lang/_dir with the document's own looked up once. */
static const char *eff_lang(const md_writer *w, const newsdoc_node *n) {
  const newsdoc_node *top = n;
  for (const newsdoc_node *a = n; a; a = a->parent) {
    if (a->lang && *a->lang) return a->lang;
    top = a;
  }
  return top == w->doc->root ? w->doc_lang : NULL;
}

static newsdoc_dir eff_dir(const md_writer *w, const newsdoc_node *n) {
  const newsdoc_node *top = n;
  for (const newsdoc_node *a = n; a; a = a->parent) {
    if (a->dir != NEWSDOC_DIR_UNSET) return (newsdoc_dir)a->dir;
    top = a;
  }
  return top == w->doc->root ? w->doc_dir : NEWSDOC_DIR_UNSET;
}

/* The lang/dir a node sets that differ from its parent's. */
static int own_attrs(md_writer *w, const newsdoc_node *n, const char **lang, newsdoc_dir *dir) {
  *lang = NULL;
  *dir = NEWSDOC_DIR_UNSET;
  const newsdoc_node *p = n->parent;
  if (n->lang) {
    const char *pl = p ? eff_lang(w, p) : w->doc_lang;
    if (!pl || strcmp(pl, n->lang)) *lang = n->lang;
  }
  if (n->dir) {
    newsdoc_dir pd = p ? eff_dir(w, p) : w->doc_dir;
    if (pd != (newsdoc_dir)n->dir) *dir = (newsdoc_dir)n->dir;
  }
  return *lang || *dir;
}

static void put_code_span(nd_buf *b, const char *s, size_t len) {
  size_t longest = 0, cur = 0;
  for (size_t i = 0; i < len; i++) {
    if (s[i] == '`') { if (++cur > longest) longest = cur; }
    else cur = 0;
  }
  size_t fence = longest + 1;
  int pad = len && (s[0] == '`' || s[len - 1] == '`' || (s[0] == ' ' && s[len - 1] == ' '));
  int all_space = 1;
  for (size_t i = 0; i < len && all_space; i++) all_space = s[i] == ' ';
  if (all_space) pad = 0;
  for (size_t i = 0; i < fence; i++) nd_buf_putc(b, '`');
  if (pad) nd_buf_putc(b, ' ');
  for (size_t i = 0; i < len; i++) nd_buf_putc(b, s[i] == '\n' || s[i] == '\r' ? ' ' : s[i]);
  if (pad) nd_buf_putc(b, ' ');
  for (size_t i = 0; i < fence; i++) nd_buf_putc(b, '`');
}

static void put_url(nd_buf *b, const char *u) {
  size_t len = strlen(u);
  int angle = len == 0;
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)u[i];
    if (c <= ' ' || c == '<' || c == '>') angle = 1;
  }
  if (angle) nd_buf_putc(b, '<');
  size_t run = 0; /* u[run..i) goes out as it is */
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)u[i];
    if (c == '\n' || c == '\r') {
      nd_buf_put(b, u + run, i - run);
      nd_buf_puts(b, "%0A");
      run = i + 1;
      continue;
    }
    if (c == '\\' || c == '<' || c == '>' || c == '*' || c == '`' || (!angle && (c == '(' || c == ')')) ||
        (c == '&' && i + 1 < len && (u[i + 1] == '#' || is_alnum_ascii((unsigned char)u[i + 1])))) {
      nd_buf_put(b, u + run, i - run);
      nd_buf_putc(b, '\\');
      run = i;
    }
  }
  nd_buf_put(b, u + run, len - run);
  if (angle) nd_buf_putc(b, '>');
}

static void put_title(nd_buf *b, const char *t) {
  nd_buf_puts(b, " \"");
  for (const char *p = t; *p; p++) {
    if (*p == '"' || *p == '\\' || (*p == '&' && (p[1] == '#' || is_alnum_ascii((unsigned char)p[1]))))
      nd_buf_putc(b, '\\');
    nd_buf_putc(b, *p == '\n' ? ' ' : *p);
  }
  nd_buf_putc(b, '"');
}

static int add_note(md_writer *w, const newsdoc_node *note) {
  if (nd_grow(&w->notes, &w->capnotes, w->nnotes, sizeof *w->notes, 16, "markdown: notes")) return w->err = NEWSDOC_ENOMEM;
  w->notes[w->nnotes++] = note;
  return (int)w->nnotes;
}

/* The delimiter of an EMPH/STRONG: '*' and "**", or '_' and "__" when it
 * is the first thing inside one of its own kind (so that "**" is not read
 * as strong). */
static const char *emph_delim(const newsdoc_node *n) {
  int inner = n->parent && n->parent->type == n->type && n->parent->first == n;
  if (n->type == NEWSDOC_NODE_EMPH) return inner ? "_" : "*";
  return inner ? "__" : "**";
}

/* Close an emphasis opened at `pos`: blanks at the edges of its content
 * move outside the delimiters (else they would not be emphasis), and an
 * empty one is dropped. */
static void close_emph(nd_buf *b, size_t pos, const char *delim) {
  size_t dl = strlen(delim);
  if (b->failed || pos + dl > b->len) return;
  size_t cs = pos + dl, ce = b->len;
  size_t lead = 0, trail = 0;
  while (cs + lead < ce && (b->data[cs + lead] == ' ' || b->data[cs + lead] == '\t' || b->data[cs + lead] == '\n')) lead++;
  if (cs + lead == ce) { /* empty or blank: no emphasis */
    memmove(b->data + pos, b->data + cs, lead);
    b->len = pos + lead;
    b->data[b->len] = 0;
    return;
  }
  while (trail < ce - cs && (b->data[ce - 1 - trail] == ' ' || b->data[ce - 1 - trail] == '\t' || b->data[ce - 1 - trail] == '\n')) trail++;
  if (lead) {
    char tmp[8];
    memcpy(tmp, delim, dl);
    memmove(b->data + pos, b->data + cs, lead);
    memcpy(b->data + pos + lead, tmp, dl);
  }
  char spaces[64];
  size_t keep = trail < sizeof spaces ? trail : sizeof spaces;
  memcpy(spaces, b->data + ce - trail, keep);
  b->len = ce - trail;
  nd_buf_puts(b, delim);
  nd_buf_put(b, spaces, keep);
}

/* mode: 0 paragraph, 1 heading (one line), 2 table cell (one line, | escaped) */
static int enter_inline(md_writer *w, nd_buf *b, const newsdoc_node *n, int mode, int *bol) {
  const char *lang;
  newsdoc_dir dir;
  switch (n->type) {
  case NEWSDOC_NODE_TEXT:
    if (own_attrs(w, n, &lang, &dir)) {
      nd_buf_puts(b, "<span");
      put_attrs_html(b, lang, dir);
      nd_buf_putc(b, '>');
      nd_md_escape_text(b, n->literal ? n->literal : "", n->literal_len, 0, mode != 0);
      nd_buf_puts(b, "</span>");
    } else {
      size_t before = b->len;
      nd_md_escape_text(b, n->literal ? n->literal : "", n->literal_len, *bol, mode != 0);
      if (b->len == before) return 0;
    }
    break;
  case NEWSDOC_NODE_EMPH:
  case NEWSDOC_NODE_STRONG:
    if (nd_grow(&w->marks, &w->capmarks, w->nmarks, sizeof *w->marks, 16, "markdown: emphasis")) { w->err = NEWSDOC_ENOMEM; return 0; }
    w->marks[w->nmarks++] = b->len;
    nd_buf_puts(b, emph_delim(n));
    break;
  case NEWSDOC_NODE_LINK: nd_buf_putc(b, '['); break;
  case NEWSDOC_NODE_QUOTED: nd_buf_putc(b, '"'); break;
  case NEWSDOC_NODE_SPAN:
    if (own_attrs(w, n, &lang, &dir)) {
      nd_buf_puts(b, "<span");
      put_attrs_html(b, lang, dir);
      nd_buf_putc(b, '>');
    }
    break;
  case NEWSDOC_NODE_CODE:
    put_code_span(b, n->literal ? n->literal : "", n->literal_len);
    break;
  case NEWSDOC_NODE_LINE_BREAK:
    if (mode) {
      nd_buf_putc(b, ' ');
      if (!w->warned_break++) newsdoc_ctx_warn(w->ctx, "markdown: a line break in a heading or table cell became a space");
    } else {
      nd_buf_puts(b, "\\\n");
      *bol = 1;
      return 1;
    }
    break;
  case NEWSDOC_NODE_SOFT_BREAK:
    while (b->len && (b->data[b->len - 1] == ' ' || b->data[b->len - 1] == '\t')) b->len--;
    nd_buf_putc(b, mode ? ' ' : '\n');
    *bol = mode == 0;
    return 1;
  case NEWSDOC_NODE_IMAGE: {
    nd_buf_puts(b, "![");
    const char *alt = nd_title(n) ? nd_title(n) : "";
    nd_md_escape_text(b, alt, strlen(alt), 0, 1);
    nd_buf_puts(b, "](");
    put_url(b, nd_url(n) ? nd_url(n) : "");
    nd_buf_putc(b, ')');
    break;
  }
  case NEWSDOC_NODE_NOTE: {
    int k = add_note(w, n);
    if (k < 0) return 0;
    nd_buf_printf(b, "[^%d]", k);
    break;
  }
  case NEWSDOC_NODE_RAW_INLINE:
    if (nd_info(n) && !strcmp(nd_info(n), "html")) {
      for (size_t i = 0; i < n->literal_len; i++) {
        char c = n->literal[i];
        nd_buf_putc(b, (mode && (c == '\n' || c == '\r')) ? ' ' : c);
      }
    } else if (!w->warned_raw++) {
      newsdoc_ctx_warn(w->ctx, "markdown: raw %s content dropped", nd_info(n) ? nd_info(n) : "(unknown)");
    }
    break;
  default:
    break;
  }
  *bol = 0;
  return 1;
}

static void exit_inline(md_writer *w, nd_buf *b, const newsdoc_node *n) {
  const char *lang;
  newsdoc_dir dir;
  switch (n->type) {
  case NEWSDOC_NODE_EMPH:
  case NEWSDOC_NODE_STRONG:
    if (w->nmarks) close_emph(b, w->marks[--w->nmarks], emph_delim(n));
    break;
  case NEWSDOC_NODE_QUOTED: nd_buf_putc(b, '"'); break;
  case NEWSDOC_NODE_LINK:
    nd_buf_puts(b, "](");
    put_url(b, nd_url(n) ? nd_url(n) : "");
    if (nd_title(n) && *nd_title(n)) put_title(b, nd_title(n));
    nd_buf_putc(b, ')');
    break;
  case NEWSDOC_NODE_SPAN:
    if (own_attrs(w, n, &lang, &dir)) nd_buf_puts(b, "</span>");
    break;
  default:
    break;
  }
}

/* Render the inline children of `c` into w->inl (cleared first). */
static void render_inlines(md_writer *w, const newsdoc_node *c, int mode) {
  nd_buf *b = &w->inl;
  nd_buf_clear(b);
  w->nmarks = 0;
  int bol = 1;
  const newsdoc_node *n = c->first;
  while (n) {
    int container = n->type == NEWSDOC_NODE_EMPH || n->type == NEWSDOC_NODE_STRONG || n->type == NEWSDOC_NODE_LINK ||
                    n->type == NEWSDOC_NODE_QUOTED || n->type == NEWSDOC_NODE_SPAN;
    enter_inline(w, b, n, mode, &bol);
    if (container && n->first) { n = n->first; continue; }
    if (container) exit_inline(w, b, n);
    while (n) {
      if (n->next) { n = n->next; break; }
      n = n->parent;
      if (!n || n == c) { n = NULL; break; }
      exit_inline(w, b, n);
    }
  }
  if (b->failed && !w->err) w->err = nd_oom("markdown: inline content");
  /* No trailing blanks (they would be lost, or make a hard break). */
  while (b->len && (b->data[b->len - 1] == ' ' || b->data[b->len - 1] == '\t' || b->data[b->len - 1] == '\n'))
    b->len--;
}

/* ---- blocks ------------------------------------------------------------------- */

static int push_frame(md_writer *w, const newsdoc_node *n) {
  if (nd_grow(&w->st, &w->cap, w->n, sizeof *w->st, 32, "markdown: writer stack")) return w->err = NEWSDOC_ENOMEM;
  wframe *f = &w->st[w->n++];
  memset(f, 0, sizeof *f);
  f->node = n;
  f->prefix_len = w->prefix.len;
  return 0;
}

static int tight_item_parent(const wframe *f) {
  return f->node->type == NEWSDOC_NODE_ITEM && f->node->parent && f->node->parent->type == NEWSDOC_NODE_LIST &&
         (f->node->parent->flags & ND_NODE_TIGHT);
}

/* Separate a block from the previous one in its container, and open its
 * <div> when its language or direction differs. */
static void begin_block(md_writer *w, const newsdoc_node *n, int *div) {
  wframe *f = &w->st[w->n - 1];
  if (f->written) {
    int blank = 1;
    if (f->node->type == NEWSDOC_NODE_LIST && (f->node->flags & ND_NODE_TIGHT)) blank = 0;
    else if (tight_item_parent(f) && f->last == NEWSDOC_NODE_PARAGRAPH &&
             ((n->type == NEWSDOC_NODE_LIST && (n->list_type == NEWSDOC_LIST_BULLET || n->start == 1)) ||
              n->type == NEWSDOC_NODE_BLOCKQUOTE || n->type == NEWSDOC_NODE_CODE_BLOCK ||
              n->type == NEWSDOC_NODE_THEMATIC_BREAK))
      blank = 0;
    end_line(w);
    if (blank) emit(w, "\n", 1);
  }
  f->written++;
  f->last = (newsdoc_node_type)n->type;
  *div = 0;
  const char *lang;
  newsdoc_dir dir;
  if (n->type == NEWSDOC_NODE_HEADING && (n->lang || n->dir) && own_attrs(w, n, &lang, &dir) && !w->warned_attr++)
    newsdoc_ctx_warn(w->ctx, "markdown: the language/direction of a heading is not kept (that of its section is)");
  if (n->type != NEWSDOC_NODE_ITEM && n->type != NEWSDOC_NODE_HEADING && own_attrs(w, n, &lang, &dir)) {
    nd_buf tag = ND_BUF_INIT;
    nd_buf_puts(&tag, "<div");
    put_attrs_html(&tag, lang, dir);
    nd_buf_puts(&tag, ">\n\n");
    emit(w, tag.data, tag.len);
    if (tag.failed) w->out.failed = 1;
    nd_buf_free(&tag);
    *div = 1;
  } else if (n->type == NEWSDOC_NODE_ITEM && (n->lang || n->dir) && !w->warned_attr++) {
    newsdoc_ctx_warn(w->ctx, "markdown: the language/direction of a list item is kept on its blocks only");
  }
  if (n->type == NEWSDOC_NODE_TABLE) {
    for (const newsdoc_node *row = n->first; row; row = row->next)
      for (const newsdoc_node *c = row == NULL ? NULL : row->first; c; c = c->next)
        if ((c->lang || c->dir || row->lang || row->dir) && !w->warned_cell++)
          newsdoc_ctx_warn(w->ctx, "markdown: the language/direction of a table row or cell is not kept");
  }
}

static void end_block(md_writer *w, int div) {
  end_line(w);
  if (div) emits(w, "\n</div>\n");
}

static void write_heading(md_writer *w, const newsdoc_node *n) {
  int level = n->parent && n->parent->type == NEWSDOC_NODE_SECTION ? n->parent->level : 1;
  if (level < 1) level = 1;
  if (level > 6) level = 6;
  render_inlines(w, n, 1);
  nd_buf h = ND_BUF_INIT;
  for (int i = 0; i < level; i++) nd_buf_putc(&h, '#');
  if (w->inl.len) {
    nd_buf_putc(&h, ' ');
    /* A trailing run of '#' would be read as a closing sequence. */
    size_t e = w->inl.len, k = e;
    while (k && w->inl.data[k - 1] == '#') k--;
    if (k < e && (k == 0 || w->inl.data[k - 1] == ' ')) {
      nd_buf_put(&h, w->inl.data, k);
      nd_buf_putc(&h, '\\');
      nd_buf_put(&h, w->inl.data + k, e - k);
    } else {
      nd_buf_put(&h, w->inl.data, e);
    }
  }
  nd_buf_putc(&h, '\n');
  emit(w, h.data, h.len);
  if (h.failed) w->out.failed = 1;
  nd_buf_free(&h);
}

static void write_code_block(md_writer *w, const newsdoc_node *n) {
  const char *s = n->literal ? n->literal : "";
  size_t len = n->literal_len;
  const char *info = nd_info(n) ? nd_info(n) : "";
  char fc = strchr(info, '`') ? '~' : '`';
  size_t longest = 0, cur = 0;
  for (size_t i = 0; i < len; i++) {
    if (s[i] == fc) { if (++cur > longest) longest = cur; }
    else cur = 0;
  }
  size_t fl = longest >= 3 ? longest + 1 : 3;
  nd_buf f = ND_BUF_INIT;
  for (size_t i = 0; i < fl; i++) nd_buf_putc(&f, fc);
  emit(w, f.data, f.len);
  for (const char *p = info; *p; p++) {
    char c = *p == '\n' || *p == '\r' ? ' ' : *p;
    emit(w, &c, 1);
  }
  emit(w, "\n", 1);
  emit(w, s, len);
  if (len && s[len - 1] != '\n') emit(w, "\n", 1);
  emit(w, f.data, f.len);
  emit(w, "\n", 1);
  if (f.failed) w->out.failed = 1;
  nd_buf_free(&f);
}

static void write_table(md_writer *w, const newsdoc_node *t) {
  size_t cols = nd_naligns(t);
  for (const newsdoc_node *r = t->first; r; r = r->next) {
    size_t k = 0;
    for (const newsdoc_node *c = r->first; c; c = c->next) k += c->colspan > 1 ? (size_t)c->colspan : 1;
    if (k > cols) cols = k;
  }
  if (!cols) cols = 1;
  nd_buf line = ND_BUF_INIT;
  int spans = 0;
  const newsdoc_node *r = t->first;
  int have_header = r && (r->flags & ND_NODE_HEADER);
  for (int pass = 0;; pass++) {
    nd_buf_clear(&line);
    size_t k = 0;
    nd_buf_putc(&line, '|');
    if (pass == 0 && !have_header) {
      for (; k < cols; k++) nd_buf_puts(&line, "  |");
    } else {
      if (!r) break;
      for (const newsdoc_node *c = r->first; c; c = c->next) {
        render_inlines(w, c, 2);
        nd_buf_putc(&line, ' ');
        nd_buf_put(&line, w->inl.data, w->inl.len);
        nd_buf_puts(&line, " |");
        k++;
        if (c->colspan > 1 || c->rowspan > 1) spans = 1;
        for (int s = 1; s < c->colspan && k < cols; s++, k++) nd_buf_puts(&line, "  |");
      }
      for (; k < cols; k++) nd_buf_puts(&line, "  |");
      r = r->next;
    }
    nd_buf_putc(&line, '\n');
    emit(w, line.data, line.len);
    if (pass == 0) {
      nd_buf_clear(&line);
      nd_buf_putc(&line, '|');
      for (size_t i = 0; i < cols; i++) {
        newsdoc_align a = i < nd_naligns(t) ? (newsdoc_align)nd_aligns(t)[i] : NEWSDOC_ALIGN_DEFAULT;
        nd_buf_puts(&line, a == NEWSDOC_ALIGN_START ? ":---|" : a == NEWSDOC_ALIGN_CENTER ? ":---:|"
                           : a == NEWSDOC_ALIGN_END ? "---:|" : "---|");
      }
      nd_buf_putc(&line, '\n');
      emit(w, line.data, line.len);
    }
  }
  if (spans && !w->warned_attr++) newsdoc_ctx_warn(w->ctx, "markdown: table cell spans cannot be kept in a pipe table");
  if (line.failed) w->out.failed = 1;
  nd_buf_free(&line);
}

static void write_figure(md_writer *w, const newsdoc_node *n) {
  nd_buf b = ND_BUF_INIT;
  nd_buf_puts(&b, "![");
  const newsdoc_node *cap = n->first && n->first->type == NEWSDOC_NODE_CAPTION ? n->first : NULL;
  if (cap) {
    char *text = NULL;
    size_t tl = 0;
    if (!newsdoc_node_text(cap, &text, &tl)) {
      nd_md_escape_text(&b, text, tl, 0, 1);
      newsdoc_free(text);
    } else if (!w->err) {
      w->err = newsdoc_error_last()->code;
    }
  } else if (nd_title(n)) {
    nd_md_escape_text(&b, nd_title(n), strlen(nd_title(n)), 0, 1);
  }
  nd_buf_puts(&b, "](");
  put_url(&b, nd_url(n) ? nd_url(n) : "");
  nd_buf_puts(&b, ")\n");
  emit(w, b.data, b.len);
  if (b.failed) w->out.failed = 1;
  nd_buf_free(&b);
}

static void list_marker(md_writer *w, wframe *f, nd_buf *m) {
  const newsdoc_node *list = f->node;
  if (list->list_type == NEWSDOC_LIST_ORDERED) {
    long long num = (long long)list->start + f->index;
    if (num > 999999999) num = 999999999;
    if (num < 0) num = 0;
    nd_buf_printf(m, "%lld%c ", num, f->marker);
  } else {
    nd_buf_putc(m, f->marker);
    nd_buf_putc(m, ' ');
  }
  (void)w;
}

/* Does a LIST directly follow a list of the same kind?  Then it takes the
 * other marker, or CommonMark would join the two. */
static char pick_marker(const newsdoc_node *n) {
  int same = 0;
  for (const newsdoc_node *p = n->prev; p && p->type == NEWSDOC_NODE_LIST && p->list_type == n->list_type && same < 64;
       p = p->prev)
    same++;
  if (n->list_type == NEWSDOC_LIST_ORDERED) return (same & 1) ? ')' : '.';
  return (same & 1) ? '*' : '-';
}

/* Walk the blocks under `root`.  marker: written before the first block
 * (a note's "[^n]: "), with `indent` spaces of prefix for the rest. */
static void walk_blocks(md_writer *w, const newsdoc_node *root, const char *marker, size_t indent) {
  size_t base = w->n;
  if (push_frame(w, root)) return;
  if (marker) {
    emits(w, marker);
    for (size_t i = 0; i < indent; i++) nd_buf_putc(&w->prefix, ' ');
  }
  const newsdoc_node *n = root->first;
  while (!w->err) {
    if (!n) {
      /* leave the innermost frame */
      wframe f = w->st[w->n - 1];
      if (f.node->type == NEWSDOC_NODE_ITEM && !f.written) {
        /* an empty item: the marker without its trailing space */
        if (w->out.len && w->out.data[w->out.len - 1] == ' ') w->out.len--;
        end_line(w);
      } else if (f.node->type == NEWSDOC_NODE_BLOCKQUOTE && !f.written) {
        end_line(w);
        emit(w, "\n", 1);
      }
      w->prefix.len = f.prefix_len;
      if (w->prefix.data) w->prefix.data[w->prefix.len] = 0;
      w->n--;
      if (f.div) end_block(w, 1);
      if (w->n == base) break;
      if (f.node->type == NEWSDOC_NODE_ITEM) w->st[w->n - 1].index++;
      n = f.node->next;
      if (w->out.len > 65536 && w->at_bol && flush(w)) return;
      continue;
    }
    if ((++w->ctx->check_counter & 1023) == 0 && newsdoc_ctx_check(w->ctx)) { w->err = NEWSDOC_ECANCELLED; return; }
    int div = 0;
    switch (n->type) {
    case NEWSDOC_NODE_SECTION:
    case NEWSDOC_NODE_BLOCKQUOTE:
    case NEWSDOC_NODE_LIST:
    case NEWSDOC_NODE_ITEM: {
      begin_block(w, n, &div);
      wframe *parent = &w->st[w->n - 1];
      nd_buf m = ND_BUF_INIT;
      if (n->type == NEWSDOC_NODE_ITEM && parent->node->type == NEWSDOC_NODE_LIST) list_marker(w, parent, &m);
      if (push_frame(w, n)) return;
      wframe *f = &w->st[w->n - 1];
      f->div = div;
      if (n->type == NEWSDOC_NODE_LIST) f->marker = pick_marker(n);
      if (n->type == NEWSDOC_NODE_BLOCKQUOTE) {
        /* first block of an item or note: the line has begun, so the
         * marker goes in by hand; later lines get it from the prefix */
        if (!w->at_bol) nd_buf_puts(&w->out, "> ");
        nd_buf_puts(&w->prefix, "> ");
      }
      if (n->type == NEWSDOC_NODE_ITEM) {
        if (!m.len) nd_buf_puts(&m, "- ");
        emit(w, m.data, m.len);
        for (size_t i = 0; i < m.len; i++) nd_buf_putc(&w->prefix, ' ');
      }
      if (m.failed) w->out.failed = 1;
      nd_buf_free(&m);
      n = n->first;
      continue;
    }
    case NEWSDOC_NODE_HEADING:
      begin_block(w, n, &div);
      write_heading(w, n);
      break;
    case NEWSDOC_NODE_PARAGRAPH:
      render_inlines(w, n, 0);
      if (!w->inl.len) break; /* an empty paragraph would vanish anyway */
      begin_block(w, n, &div);
      emit(w, w->inl.data, w->inl.len);
      end_line(w);
      break;
    case NEWSDOC_NODE_CODE_BLOCK:
      begin_block(w, n, &div);
      write_code_block(w, n);
      break;
    case NEWSDOC_NODE_THEMATIC_BREAK:
      begin_block(w, n, &div);
      emits(w, "***\n");
      break;
    case NEWSDOC_NODE_TABLE:
      begin_block(w, n, &div);
      write_table(w, n);
      break;
    case NEWSDOC_NODE_FIGURE:
      begin_block(w, n, &div);
      write_figure(w, n);
      break;
    case NEWSDOC_NODE_RAW_BLOCK:
      if (nd_info(n) && !strcmp(nd_info(n), "html") && n->literal_len) {
        begin_block(w, n, &div);
        emit(w, n->literal, n->literal_len);
        end_line(w);
      } else if (!w->warned_raw++) {
        newsdoc_ctx_warn(w->ctx, "markdown: raw %s block dropped", nd_info(n) ? nd_info(n) : "(unknown)");
      }
      break;
    default:
      break;
    }
    if (div) end_block(w, 1);
    n = n->next;
    if (w->out.len > 65536 && w->at_bol && flush(w)) return;
  }
}

int nd_md_write(const newsdoc_doc *doc, newsdoc_sink *sink, newsdoc_ctx *ctx, void *userdata) {
  (void)userdata;
  md_writer w;
  memset(&w, 0, sizeof w);
  w.doc = doc;
  w.ctx = ctx;
  w.sink = sink;
  w.at_bol = 1;
  w.doc_lang = newsdoc_meta_get(doc, NEWSDOC_META_LANG);
  w.doc_dir = newsdoc_doc_dir(doc);
  nd_buf_puts(&w.prefix, "");
  nd_md_frontmatter_write(doc, &w.out);
  if (newsdoc_media_count(doc))
    newsdoc_ctx_warn(ctx, "markdown: %zu media resource(s) not written; images keep their media:NAME links",
                     newsdoc_media_count(doc));
  const newsdoc_node *root = newsdoc_doc_root_const(doc);
  int bodyless = !root->first;
  walk_blocks(&w, root, NULL, 0);
  /* The notes, in order of reference; notes found inside notes join the
   * queue. */
  for (size_t i = 0; i < w.nnotes && !w.err; i++) {
    end_line(&w);
    if (!bodyless || i) emit(&w, "\n", 1);
    char marker[32];
    snprintf(marker, sizeof marker, "[^%zu]: ", i + 1);
    w.prefix.len = 0;
    walk_blocks(&w, w.notes[i], marker, 4);
    w.prefix.len = 0;
    if (w.prefix.data) w.prefix.data[0] = 0;
  }
  end_line(&w);
  int rc = w.err ? w.err : flush(&w);
  nd_buf_free(&w.out);
  nd_buf_free(&w.prefix);
  nd_buf_free(&w.inl);
  nd_free(w.st);
  nd_free((void *)w.notes);
  nd_free(w.marks);
  return rc;
}
