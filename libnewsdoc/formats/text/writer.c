/* writer.c - plain text that reads comfortably and that reader.c reads
 * back to the same document.
 *
 *   Title                 the title, underlined with '=' as wide as it is
 *   =====                 (in grapheme clusters)
 *
 *   By A and B            a byline that starts with a marker goes here;
 *                         any other byline goes last, after the notes
 *   Lead paragraph.
 *
 *   Heading               sections: underline '-' (level 1), '~' (2),
 *   -------               '^' (3), '"' (4), '+' (5), '`' (6)
 *
 *   - item / 1. item      lists (nested by indentation), "> " quotes,
 *   > quoted              "* * *" breaks, **strong**, *emphasis*
 *
 *   [1] a note            notes at the end, referenced as [1] in the text
 *
 * Blocks are separated by blank lines (tight lists excepted).  Option
 * wrap=N wraps paragraphs at N columns with ICU line breaking, measuring
 * grapheme clusters, breaking only at spaces (never inside a word or a
 * URL).  The tree is walked with an iterator: no recursion. */
#include <stdio.h>
#include <unicode/ubrk.h>
#include <unicode/utext.h>

#include "text.h"

typedef struct {
  newsdoc_ctx *ctx;
  const newsdoc_doc *doc;
  nd_buf out;
  nd_buf line;   /* scratch: inline text of a block */
  nd_buf prefix; /* scratch */
  nd_width_state *ws;
  UBreakIterator *lb;
  UText *ut;
  long wrap;
  int any;                       /* something written */
  const newsdoc_node *prev_block; /* the last block written */
  const newsdoc_node **notes;
  size_t nnotes, capnotes;
  const newsdoc_node *note_marker; /* the note whose "[n] " starts the next block */
  size_t note_index;
  unsigned lost; /* LOST_* kinds already warned about */
  const newsdoc_node *num_item; /* item_number's cache */
  int num_value;
} writer;

static const char UNDERLINE[] = "-~^\"+`";

/* What plain text cannot hold: one warning per kind and document. */
enum { LOST_IMAGE = 1, LOST_TABLE = 2, LOST_RAW = 4, LOST_CODE = 8, LOST_BREAK = 16 };
static void lost(writer *w, unsigned kind, const char *what) {
  if (w->lost & kind) return;
  w->lost |= kind;
  newsdoc_ctx_warn(w->ctx, "text: %s", what);
}

static size_t width(writer *w, const char *s, size_t len) { return nd_text_width(w->ws, s, len); }

/* ---- inlines ------------------------------------------------------------------- */

static int add_note(writer *w, const newsdoc_node *note) {
  if (nd_grow(&w->notes, &w->capnotes, w->nnotes, sizeof *w->notes, 8, "text: notes")) return NEWSDOC_ENOMEM;
  w->notes[w->nnotes++] = note;
  return 0;
}

/* Same text as url, or url is "http://" + text (how the reader makes www.
 * links). */
static int link_is_bare(const newsdoc_node *link) {
  const char *url = newsdoc_node_get_url(link);
  if (!url) return 1;
  char *t = NULL;
  size_t tl = 0;
  if (newsdoc_node_text(link, &t, &tl)) return -1;
  int bare = (strlen(url) == tl && !memcmp(url, t, tl)) ||
             (!strncmp(url, "http://", 7) && strlen(url + 7) == tl && !memcmp(url + 7, t, tl));
  newsdoc_free(t);
  return bare;
}

static int render_inlines(writer *w, const newsdoc_node *block, nd_buf *b) {
  nd_buf_clear(b);
  newsdoc_iter *it = NULL;
  int rc = newsdoc_iter_new(&it, (newsdoc_node *)block);
  if (rc) return rc;
  newsdoc_event ev;
  while ((ev = newsdoc_iter_next(it)) != NEWSDOC_EVENT_DONE) {
    newsdoc_node *n = newsdoc_iter_node(it);
    if (n == block) continue;
    int enter = ev == NEWSDOC_EVENT_ENTER;
    size_t len;
    const char *lit;
    switch (newsdoc_node_get_type(n)) {
      case NEWSDOC_NODE_TEXT:
      case NEWSDOC_NODE_CODE:
        lit = newsdoc_node_get_literal(n, &len);
        /* a newline inside text is a space here: lines are blocks */
        for (size_t k = 0; k < len; k++) nd_buf_putc(b, lit[k] == '\n' || lit[k] == '\r' ? ' ' : lit[k]);
        break;
      case NEWSDOC_NODE_STRONG: nd_buf_puts(b, "**"); break;
      case NEWSDOC_NODE_EMPH: nd_buf_puts(b, "*"); break;
      case NEWSDOC_NODE_QUOTED: nd_buf_puts(b, "\""); break;
      case NEWSDOC_NODE_LINK:
        if (!enter) {
          int bare = link_is_bare(n);
          if (bare < 0) {
            rc = newsdoc_error_last()->code ? newsdoc_error_last()->code : NEWSDOC_ENOMEM;
            goto out;
          }
          if (!bare) nd_buf_printf(b, " (%s)", newsdoc_node_get_url(n));
        }
        break;
      case NEWSDOC_NODE_SOFT_BREAK: nd_buf_putc(b, ' '); break;
      case NEWSDOC_NODE_LINE_BREAK:
        lost(w, LOST_BREAK, "a line break inside a paragraph reads back as the end of the paragraph");
        nd_buf_putc(b, '\n');
        break;
      case NEWSDOC_NODE_IMAGE: {
        lost(w, LOST_IMAGE, "images are written as their description in brackets");
        const char *t = newsdoc_node_get_title(n);
        nd_buf_printf(b, "[%s]", t && *t ? t : "image");
        break;
      }
      case NEWSDOC_NODE_NOTE:
        if (enter) {
          if ((rc = add_note(w, n))) goto out;
          nd_buf_printf(b, "[%zu]", w->nnotes);
          newsdoc_iter_reset(it, n, NEWSDOC_EVENT_EXIT);
        }
        break;
      case NEWSDOC_NODE_RAW_INLINE: lost(w, LOST_RAW, "raw content was left out"); break;
      default: break; /* SPAN: its text */
    }
  }
out:
  newsdoc_iter_free(it);
  if (!rc && !nd_buf_ok(b)) rc = nd_oom("text: inline");
  return rc;
}

/* ---- prefixes -------------------------------------------------------------------- */

static int is_first_block_of(const newsdoc_node *block, const newsdoc_node *anc) {
  for (const newsdoc_node *n = block; n && n != anc; n = newsdoc_node_parent(n))
    if (newsdoc_node_previous(n)) return 0;
  return 1;
}

/* The number of an ordered item; items are numbered in document order, so
 * the previous answer usually gives this one in constant time. */
static int item_number(writer *w, const newsdoc_node *item) {
  const newsdoc_node *prev = newsdoc_node_previous(item);
  int k;
  if (w->num_item == item) return w->num_value;
  if (prev && prev == w->num_item) {
    k = w->num_value + 1;
  } else {
    k = newsdoc_node_get_list_start(newsdoc_node_parent(item));
    for (const newsdoc_node *p = prev; p; p = newsdoc_node_previous(p)) k++;
  }
  w->num_item = item;
  w->num_value = k;
  return k;
}

/* The prefix of the block's first line (markers) and of its other lines
 * (indentation), from the quotes and items around it, outermost first. */
static void make_prefixes(writer *w, const newsdoc_node *block, nd_buf *first, nd_buf *rest) {
  const newsdoc_node *chain[64];
  size_t n = 0, skipped = 0;
  for (const newsdoc_node *p = newsdoc_node_parent(block); p; p = newsdoc_node_parent(p)) {
    newsdoc_node_type t = newsdoc_node_get_type(p);
    if (t == NEWSDOC_NODE_BLOCKQUOTE || t == NEWSDOC_NODE_ITEM) {
      if (n < 64) chain[n++] = p;
      else skipped++;
    }
  }
  (void)skipped;
  nd_buf_clear(first);
  nd_buf_clear(rest);
  while (n--) {
    const newsdoc_node *p = chain[n];
    if (newsdoc_node_get_type(p) == NEWSDOC_NODE_BLOCKQUOTE) {
      nd_buf_puts(first, "> ");
      nd_buf_puts(rest, "> ");
      continue;
    }
    char mark[32];
    const newsdoc_node *list = newsdoc_node_parent(p);
    if (newsdoc_node_get_list_type(list) == NEWSDOC_LIST_ORDERED) snprintf(mark, sizeof mark, "%d. ", item_number(w, p));
    else snprintf(mark, sizeof mark, "- ");
    size_t ml = strlen(mark);
    if (is_first_block_of(block, p)) nd_buf_puts(first, mark);
    else
      for (size_t k = 0; k < ml; k++) nd_buf_putc(first, ' ');
    for (size_t k = 0; k < ml; k++) nd_buf_putc(rest, ' ');
  }
  if (w->note_marker) {
    char mark[32];
    snprintf(mark, sizeof mark, "[%zu] ", w->note_index);
    nd_buf_puts(first, mark);
    w->note_marker = NULL;
  }
}

/* The outermost list around a block, or NULL. */
static const newsdoc_node *outer_list(const newsdoc_node *n) {
  const newsdoc_node *l = NULL;
  for (const newsdoc_node *p = newsdoc_node_parent(n); p; p = newsdoc_node_parent(p))
    if (newsdoc_node_get_type(p) == NEWSDOC_NODE_LIST) l = p;
  return l;
}

static int inside(const newsdoc_node *n, const newsdoc_node *anc) {
  for (; n; n = newsdoc_node_parent(n))
    if (n == anc) return 1;
  return 0;
}

/* A blank line before a block, unless both are in the same tight list. */
static void separate(writer *w, const newsdoc_node *block, const nd_buf *rest) {
  if (!w->any) return;
  const newsdoc_node *l = outer_list(block);
  if (l && newsdoc_node_get_list_tight(l) && w->prev_block && inside(w->prev_block, l)) return;
  /* inside a quote that holds both blocks, the blank line keeps that
   * quote's marker (">" or "> >"), without trailing spaces */
  (void)rest;
  size_t common = 0;
  for (const newsdoc_node *q = newsdoc_node_parent(block); q; q = newsdoc_node_parent(q))
    if (newsdoc_node_get_type(q) == NEWSDOC_NODE_BLOCKQUOTE && w->prev_block && inside(w->prev_block, q)) common++;
  for (size_t j = 0; j < common; j++) nd_buf_puts(&w->out, j ? " >" : ">");
  nd_buf_putc(&w->out, '\n');
}

/* ---- lines and wrapping ---------------------------------------------------------- */

static void put_line(writer *w, const char *pfx, size_t pl, const char *s, size_t len) {
  nd_buf_put(&w->out, pfx, pl);
  nd_buf_put(&w->out, s, len);
  /* no trailing spaces */
  while (w->out.len && (w->out.data[w->out.len - 1] == ' ')) w->out.len--;
  nd_buf_putc(&w->out, '\n');
  w->any = 1;
}

static int is_sp(char c) { return c == ' ' || c == '\t'; }

/* Write one logical line, wrapped at w->wrap columns when set. */
static void put_wrapped(writer *w, const nd_buf *first, const nd_buf *rest, int *is_first, const char *s,
                        size_t len) {
  const nd_buf *p = *is_first ? first : rest;
  size_t avail = 0;
  size_t pw = width(w, p->data ? p->data : "", p->len);
  if (w->wrap > 0) avail = (size_t)w->wrap > pw ? (size_t)w->wrap - pw : 1;
  if (w->wrap <= 0 || !w->lb || len > INT32_MAX || width(w, s, len) <= avail) {
    put_line(w, p->data ? p->data : "", p->len, s, len);
    *is_first = 0;
    return;
  }
  UErrorCode err = U_ZERO_ERROR;
  w->ut = utext_openUTF8(w->ut, s, (int64_t)len, &err);
  ubrk_setUText(w->lb, w->ut, &err);
  if (U_FAILURE(err)) {
    put_line(w, p->data ? p->data : "", p->len, s, len);
    *is_first = 0;
    return;
  }
  size_t line_start = 0, line_end = 0; /* [start, end): words on the line */
  size_t cur = 0, pending = 0;         /* width of the line, spaces after it */
  size_t seg = 0;
  int32_t b = ubrk_first(w->lb);
  while ((b = ubrk_next(w->lb)) != UBRK_DONE) {
    size_t e = (size_t)b;
    /* only a break after a space; never inside a word or a URL */
    if (e < len && !is_sp(s[e - 1])) continue;
    size_t we = e;
    while (we > seg && is_sp(s[we - 1])) we--;
    size_t ww = width(w, s + seg, we - seg), sp = e - we;
    if (line_end == line_start) {
      line_end = we;
      cur = ww;
    } else if (cur + pending + ww <= avail) {
      line_end = we;
      cur += pending + ww;
    } else {
      put_line(w, p->data ? p->data : "", p->len, s + line_start, line_end - line_start);
      *is_first = 0;
      p = rest;
      pw = width(w, p->data ? p->data : "", p->len);
      avail = (size_t)w->wrap > pw ? (size_t)w->wrap - pw : 1;
      line_start = seg;
      line_end = we;
      cur = ww;
    }
    pending = sp;
    seg = e;
  }
  if (line_end > line_start) put_line(w, p->data ? p->data : "", p->len, s + line_start, line_end - line_start);
  *is_first = 0;
}

/* Write a block's text (lines split at '\n') with its prefixes. */
static int write_text_block(writer *w, const newsdoc_node *block, const char *s, size_t len) {
  nd_buf first = ND_BUF_INIT, rest = ND_BUF_INIT;
  make_prefixes(w, block, &first, &rest);
  separate(w, block, &rest);
  int is_first = 1;
  size_t a = 0;
  for (size_t k = 0; k <= len; k++) {
    if (k < len && s[k] != '\n') continue;
    size_t x = a, y = k;
    while (x < y && is_sp(s[x])) x++;
    put_wrapped(w, &first, &rest, &is_first, s + x, y - x);
    a = k + 1;
  }
  w->prev_block = block;
  int ok = nd_buf_ok(&first) && nd_buf_ok(&rest);
  nd_buf_free(&first);
  nd_buf_free(&rest);
  return ok && nd_buf_ok(&w->out) ? 0 : nd_oom("text: output");
}

/* An unwrapped line and its underline. */
static void underline(writer *w, const char *s, size_t len, char ch) {
  put_line(w, "", 0, s, len);
  size_t n = width(w, s, len);
  if (n < 3) n = 3;
  for (size_t k = 0; k < n; k++) nd_buf_putc(&w->out, ch);
  nd_buf_putc(&w->out, '\n');
}

/* ---- blocks ------------------------------------------------------------------------ */

static int write_blocks(writer *w, newsdoc_node *root) {
  newsdoc_iter *it = NULL;
  int rc = newsdoc_iter_new(&it, root);
  if (rc) return rc;
  newsdoc_event ev;
  unsigned count = 0;
  while (!rc && (ev = newsdoc_iter_next(it)) != NEWSDOC_EVENT_DONE) {
    if (ev != NEWSDOC_EVENT_ENTER) continue;
    if ((++count & 1023) == 0 && (rc = newsdoc_ctx_check(w->ctx))) break;
    newsdoc_node *n = newsdoc_iter_node(it);
    if (n == root) continue;
    switch (newsdoc_node_get_type(n)) {
      case NEWSDOC_NODE_HEADING: {
        if ((rc = render_inlines(w, n, &w->line))) break;
        int level = newsdoc_node_get_level(newsdoc_node_parent(n));
        if (level < 1) level = 1;
        if (level > 6) level = 6;
        for (size_t k = 0; k < w->line.len; k++)
          if (w->line.data[k] == '\n') w->line.data[k] = ' ';
        if (w->any) nd_buf_putc(&w->out, '\n');
        underline(w, w->line.data ? w->line.data : "", w->line.len, UNDERLINE[level - 1]);
        w->prev_block = n;
        newsdoc_iter_reset(it, n, NEWSDOC_EVENT_EXIT);
        break;
      }
      case NEWSDOC_NODE_PARAGRAPH:
      case NEWSDOC_NODE_CAPTION:
        if ((rc = render_inlines(w, n, &w->line))) break;
        rc = write_text_block(w, n, w->line.data ? w->line.data : "", w->line.len);
        newsdoc_iter_reset(it, n, NEWSDOC_EVENT_EXIT);
        break;
      case NEWSDOC_NODE_THEMATIC_BREAK: rc = write_text_block(w, n, "* * *", 5); break;
      case NEWSDOC_NODE_CODE_BLOCK: {
        lost(w, LOST_CODE, "code blocks are written indented and read back as paragraphs");
        size_t len;
        const char *lit = newsdoc_node_get_literal(n, &len);
        nd_buf_clear(&w->prefix);
        for (size_t k = 0; k < len; k++) {
          if (k == 0 || lit[k - 1] == '\n') nd_buf_puts(&w->prefix, "    ");
          nd_buf_putc(&w->prefix, lit[k]);
        }
        while (w->prefix.len && w->prefix.data[w->prefix.len - 1] == '\n') w->prefix.len--;
        long keep = w->wrap;
        w->wrap = 0;
        rc = write_text_block(w, n, w->prefix.data ? w->prefix.data : "", w->prefix.len);
        w->wrap = keep;
        break;
      }
      case NEWSDOC_NODE_TABLE_ROW: {
        lost(w, LOST_TABLE, "tables are written as lines of cells separated by \" | \"");
        /* a row per line, cells separated by " | " */
        nd_buf row = ND_BUF_INIT;
        for (newsdoc_node *c = newsdoc_node_first_child(n); c && !rc; c = newsdoc_node_next(c)) {
          if ((rc = render_inlines(w, c, &w->line))) break;
          if (row.len) nd_buf_puts(&row, " | ");
          nd_buf_put(&row, w->line.data ? w->line.data : "", w->line.len);
        }
        if (!rc && !nd_buf_ok(&row)) rc = nd_oom("text: table");
        if (!rc) {
          const newsdoc_node *table = newsdoc_node_parent(n);
          long keep = w->wrap;
          w->wrap = 0;
          if (newsdoc_node_previous(n)) {
            /* rows of one table stay together */
            int any = w->any;
            w->any = 0;
            rc = write_text_block(w, table, row.data ? row.data : "", row.len);
            w->any = any || w->any;
          } else {
            rc = write_text_block(w, table, row.data ? row.data : "", row.len);
          }
          w->wrap = keep;
        }
        nd_buf_free(&row);
        newsdoc_iter_reset(it, n, NEWSDOC_EVENT_EXIT);
        break;
      }
      case NEWSDOC_NODE_FIGURE: {
        lost(w, LOST_IMAGE, "images are written as their description in brackets");
        const newsdoc_node *cap = NULL;
        for (newsdoc_node *c = newsdoc_node_first_child(n); c; c = newsdoc_node_next(c))
          if (newsdoc_node_get_type(c) == NEWSDOC_NODE_CAPTION) cap = c;
        const char *t = newsdoc_node_get_title(n);
        nd_buf fig = ND_BUF_INIT;
        nd_buf_printf(&fig, "[%s]", t && *t ? t : "image");
        if (cap) {
          if ((rc = render_inlines(w, cap, &w->line))) {
            nd_buf_free(&fig);
            break;
          }
          nd_buf_putc(&fig, ' ');
          nd_buf_put(&fig, w->line.data ? w->line.data : "", w->line.len);
        }
        rc = nd_buf_ok(&fig) ? write_text_block(w, n, fig.data ? fig.data : "", fig.len) : nd_oom("text: figure");
        nd_buf_free(&fig);
        newsdoc_iter_reset(it, n, NEWSDOC_EVENT_EXIT);
        break;
      }
      case NEWSDOC_NODE_RAW_BLOCK: lost(w, LOST_RAW, "raw content was left out"); break;
      default: break;
    }
  }
  newsdoc_iter_free(it);
  return rc;
}

int nd_text_write(const newsdoc_doc *doc, newsdoc_sink *sink, newsdoc_ctx *ctx, void *ud) {
  (void)ud;
  writer w;
  memset(&w, 0, sizeof w);
  w.ctx = ctx;
  w.doc = doc;
  w.wrap = (long)newsdoc_options_get_int(newsdoc_ctx_options(ctx), "wrap", 0);
  if (w.wrap < 0) w.wrap = 0;
  int rc = 0;
  w.ws = nd_width_open();
  if (!w.ws) return nd_oom("text: width");
  if (w.wrap) {
    UErrorCode err = U_ZERO_ERROR;
    const char *lang = newsdoc_meta_get(doc, NEWSDOC_META_LANG);
    w.lb = ubrk_open(UBRK_LINE, lang ? lang : "", NULL, 0, &err);
    if (U_FAILURE(err)) w.lb = NULL;
  }
  const char *title = newsdoc_meta_get(doc, NEWSDOC_META_TITLE);
  const char *byline = newsdoc_meta_get(doc, NEWSDOC_META_BYLINE);
  nd_buf by = ND_BUF_INIT;
  if (byline) {
    nd_buf_puts(&by, byline);
  } else if (newsdoc_meta_count(doc, NEWSDOC_META_AUTHOR)) {
    const char *lang = newsdoc_meta_get(doc, NEWSDOC_META_LANG);
    /* Names are listed with the script's own comma: "،" in Arabic-script
     * languages (the reader splits on both). */
    const char *sep = ", ";
    if (lang && (!strncmp(lang, "ar", 2) || !strncmp(lang, "fa", 2) || !strncmp(lang, "ur", 2) ||
                 !strncmp(lang, "ps", 2) || !strncmp(lang, "ckb", 3) || !strncmp(lang, "sd", 2)) &&
        (!lang[2] || lang[2] == '-' || (lang[0] == 'c' && (!lang[3] || lang[3] == '-'))))
      sep = "\xD8\x8C ";
    nd_buf_puts(&by, nd_text_marker_for_lang(lang));
    for (size_t k = 0; k < newsdoc_meta_count(doc, NEWSDOC_META_AUTHOR); k++) {
      nd_buf_puts(&by, k ? sep : " ");
      nd_buf_puts(&by, newsdoc_meta_get_nth(doc, NEWSDOC_META_AUTHOR, k));
    }
  }
  if (!nd_buf_ok(&by)) {
    rc = nd_oom("text: byline");
    goto done;
  }
  for (size_t k = 0; k < by.len; k++)
    if (by.data[k] == '\n' || by.data[k] == '\r') by.data[k] = ' ';
  /* metadata plain text has no place for */
  {
    nd_buf keys = ND_BUF_INIT;
    for (size_t k = 0; k < newsdoc_meta_entry_count(doc); k++) {
      const char *key, *val;
      if (newsdoc_meta_entry(doc, k, &key, &val)) continue;
      if (!strcmp(key, "title") || !strcmp(key, "byline") || !strcmp(key, "author") || !strcmp(key, "lang") ||
          !strcmp(key, "dir"))
        continue;
      size_t kl = strlen(key);
      int seen = 0;
      for (size_t a = 0; a + kl <= keys.len; a++)
        if (!memcmp(keys.data + a, key, kl) && (a == 0 || keys.data[a - 1] == ' ') &&
            (a + kl == keys.len || keys.data[a + kl] == ',')) seen = 1;
      if (seen) continue;
      if (keys.len) nd_buf_puts(&keys, ", ");
      nd_buf_puts(&keys, key);
    }
    if (keys.len && nd_buf_ok(&keys)) newsdoc_ctx_warn(ctx, "text: metadata not written: %s", keys.data);
    nd_buf_free(&keys);
  }
  size_t ms, me;
  int by_top = by.len && nd_text_find_marker(by.data, by.len, 1, &ms, &me);
  if (title && *title) {
    nd_buf t = ND_BUF_INIT;
    nd_buf_puts(&t, title);
    if (!nd_buf_ok(&t)) {
      nd_buf_free(&t);
      rc = nd_oom("text: title");
      goto done;
    }
    for (size_t k = 0; k < t.len; k++)
      if (t.data[k] == '\n' || t.data[k] == '\r') t.data[k] = ' ';
    underline(&w, t.data ? t.data : "", t.len, '=');
    nd_buf_free(&t);
  }
  if (by_top) {
    if (w.any) nd_buf_putc(&w.out, '\n');
    put_line(&w, "", 0, by.data, by.len);
  }
  rc = write_blocks(&w, newsdoc_doc_root((newsdoc_doc *)doc));
  /* notes, numbered in the order of their references; a note may refer
   * to further notes, which join the end of the list */
  for (size_t k = 0; !rc && k < w.nnotes; k++) {
    w.note_index = k + 1;
    const newsdoc_node *note = w.notes[k];
    if (!newsdoc_node_first_child(note)) {
      char mark[32];
      snprintf(mark, sizeof mark, "[%zu]", k + 1);
      if (w.any) nd_buf_putc(&w.out, '\n');
      put_line(&w, "", 0, mark, strlen(mark));
      continue;
    }
    w.note_marker = note;
    w.prev_block = NULL;
    rc = write_blocks(&w, (newsdoc_node *)note);
    w.note_marker = NULL;
  }
  /* a credit line without a leading marker closes the text, after the
   * notes, where the reader looks for it */
  if (!rc && by.len && !by_top) {
    if (w.any) nd_buf_putc(&w.out, '\n');
    put_line(&w, "", 0, by.data, by.len);
  }
  if (!rc && !nd_buf_ok(&w.out)) rc = nd_oom("text: output");
  if (!rc && w.out.len) rc = newsdoc_sink_write(sink, w.out.data, w.out.len);
done:
  nd_buf_free(&by);
  nd_buf_free(&w.out);
  nd_buf_free(&w.line);
  nd_buf_free(&w.prefix);
  nd_free(w.notes);
  if (w.lb) ubrk_close(w.lb);
  if (w.ut) utext_close(w.ut);
  nd_width_close(w.ws);
  return rc;
}
