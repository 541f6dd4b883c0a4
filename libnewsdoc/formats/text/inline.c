/* inline.c - inline markup in plain text: **strong**, *emphasis* and bare
 * URLs (http://, https://, www.) as links.  Each level is one left-to-right
 * scan (linear time), and nesting is fixed (strong > emphasis > links), so
 * no input can drive recursion. */
#include "text.h"

static int is_space(char c) { return c == ' ' || c == '\t'; }
static int is_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static int ieq(const char *s, size_t len, size_t at, const char *lit) {
  size_t n = strlen(lit);
  if (at + n > len) return 0;
  for (size_t k = 0; k < n; k++) {
    char c = s[at + k];
    if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
    if (c != lit[k]) return 0;
  }
  return 1;
}

/* Trailing characters that end a sentence rather than a URL.  Parentheses
 * are counted once, so a URL ending in many ')' is trimmed in linear time. */
static size_t trim_url_end(const char *s, size_t start, size_t end) {
  size_t open = 0, close = 0;
  for (size_t k = start; k < end; k++) {
    open += s[k] == '(';
    close += s[k] == ')';
  }
  for (;;) {
    if (end <= start) return end;
    unsigned char c = (unsigned char)s[end - 1];
    if (c && strchr(".,;:!?'\"", c)) {
      end--;
      continue;
    }
    if (c == ')') {
      if (close > open) {
        end--;
        close--;
        continue;
      }
      return end;
    }
    /* U+060C ، U+061B ؛ U+061F ؟ (D8 8C, D8 9B, D8 9F), U+00BB » (C2 BB),
     * U+201D ” (E2 80 9D), U+2019 ’ (E2 80 99), U+2026 … (E2 80 A6) */
    if (end - start >= 2 && (unsigned char)s[end - 2] == 0xD8 && (c == 0x8C || c == 0x9B || c == 0x9F)) {
      end -= 2;
      continue;
    }
    if (end - start >= 2 && (unsigned char)s[end - 2] == 0xC2 && c == 0xBB) {
      end -= 2;
      continue;
    }
    if (end - start >= 3 && (unsigned char)s[end - 3] == 0xE2 && (unsigned char)s[end - 2] == 0x80 &&
        (c == 0x9D || c == 0x99 || c == 0xA6)) {
      end -= 3;
      continue;
    }
    return end;
  }
}

static int url_at(const char *s, size_t len, size_t i, size_t *end_out) {
  if (i > 0) {
    char p = s[i - 1];
    if (is_alnum(p) || p == '/' || p == '.' || p == '@' || p == '-' || p == '_') return 0;
  }
  size_t plen;
  if (ieq(s, len, i, "https://")) plen = 8;
  else if (ieq(s, len, i, "http://")) plen = 7;
  else if (ieq(s, len, i, "www.")) plen = 4;
  else return 0;
  size_t e = i;
  while (e < len && !is_space(s[e]) && s[e] != '<' && s[e] != '>' && s[e] != '"' && s[e] != '\n') {
    /* stop at a non-breaking space, guillemets and Arabic/Hebrew letters
     * glued to the URL are kept: real URLs may hold them (IRIs) */
    if ((unsigned char)s[e] == 0xC2 && e + 1 < len && ((unsigned char)s[e + 1] == 0xA0 || (unsigned char)s[e + 1] == 0xAB))
      break;
    e++;
  }
  e = trim_url_end(s, i, e);
  if (e <= i + plen) return 0;
  /* www. needs a dot after the host's first label */
  *end_out = e;
  return 1;
}

static int add_text(newsdoc_node *parent, const char *s, size_t len) {
  if (!len) return 0;
  return nd_node_append_text(parent, s, len);
}

/* Whether any of the 8 bytes at p is h, H, w or W (where a URL can
 * start): a word at a time, so text without them (Arabic, Hebrew, most
 * of any text) is passed over 8 bytes per step. */
static int may_start_url(const char *p) {
  uint64_t v;
  memcpy(&v, p, 8);
  const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
  v |= 0x2020202020202020ULL; /* H -> h, W -> w (and nothing else onto them) */
  uint64_t h = v ^ (ones * 'h'), w = v ^ (ones * 'w');
  return (((h - ones) & ~h) | ((w - ones) & ~w)) & highs ? 1 : 0;
}

static int emit_links(newsdoc_node *parent, const char *s, size_t len) {
  size_t start = 0, i = 0;
  while (i < len) {
    if (i + 8 <= len && !may_start_url(s + i)) {
      i += 8;
      continue;
    }
    char c = s[i];
    size_t e;
    if ((c == 'h' || c == 'H' || c == 'w' || c == 'W') && url_at(s, len, i, &e)) {
      if (add_text(parent, s + start, i - start)) return NEWSDOC_ENOMEM;
      newsdoc_node *link = nd_node_add(parent, NEWSDOC_NODE_LINK);
      if (!link) return NEWSDOC_ENOMEM;
      nd_buf url = ND_BUF_INIT;
      if (c == 'w' || c == 'W') nd_buf_puts(&url, "http://");
      nd_buf_put(&url, s + i, e - i);
      if (!nd_buf_ok(&url) || newsdoc_node_set_url(link, url.data) || !nd_node_add_text(link, s + i, e - i)) {
        nd_buf_free(&url);
        return NEWSDOC_ENOMEM;
      }
      nd_buf_free(&url);
      i = start = e;
      continue;
    }
    i++;
  }
  return add_text(parent, s + start, len - start);
}

/* Delimiter runs: `n` asterisks exactly (1 or 2). */
static int run_at(const char *s, size_t len, size_t i, size_t n) {
  if (i + n > len) return 0;
  for (size_t k = 0; k < n; k++)
    if (s[i + k] != '*') return 0;
  if (i > 0 && s[i - 1] == '*') return 0;
  if (i + n < len && s[i + n] == '*') return 0;
  return 1;
}
static int can_open(const char *s, size_t len, size_t i, size_t n) {
  return run_at(s, len, i, n) && i + n < len && !is_space(s[i + n]) && !(i > 0 && is_alnum(s[i - 1]));
}
static int can_close(const char *s, size_t len, size_t i, size_t n) {
  return run_at(s, len, i, n) && i > 0 && !is_space(s[i - 1]) && !(i + n < len && is_alnum(s[i + n]));
}

typedef int (*emit_fn)(newsdoc_node *parent, const char *s, size_t len);

/* Spans delimited by runs of n asterisks become `type` nodes; the text
 * between and inside goes to `inner`. */
static int emit_delimited(newsdoc_node *parent, const char *s, size_t len, size_t n, newsdoc_node_type type,
                          emit_fn inner) {
  size_t start = 0, i = 0;
  while (i < len) {
    const char *star = memchr(s + i, '*', len - i);
    if (!star) break;
    i = (size_t)(star - s);
    if (!can_open(s, len, i, n)) {
      i++;
      continue;
    }
    size_t q = i + n + 1, found = 0, have = 0;
    while (q < len) {
      const char *c = memchr(s + q, '*', len - q);
      if (!c) break;
      q = (size_t)(c - s);
      if (can_close(s, len, q, n)) {
        found = q;
        have = 1;
        break;
      }
      q++;
    }
    if (!have) break; /* no closer after i: none for any later opener either */
    int rc = inner(parent, s + start, i - start);
    if (rc) return rc;
    newsdoc_node *span = nd_node_add(parent, type);
    if (!span) return NEWSDOC_ENOMEM;
    rc = inner(span, s + i + n, found - i - n);
    if (rc) return rc;
    i = start = found + n;
  }
  return inner(parent, s + start, len - start);
}

static int emit_emph(newsdoc_node *parent, const char *s, size_t len) {
  return emit_delimited(parent, s, len, 1, NEWSDOC_NODE_EMPH, emit_links);
}

int nd_text_inlines(newsdoc_node *parent, const char *s, size_t len) {
  return emit_delimited(parent, s, len, 2, NEWSDOC_NODE_STRONG, emit_emph);
}
