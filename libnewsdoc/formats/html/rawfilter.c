/* rawfilter.c - raw HTML from untrusted documents, made inert.
 *
 * Markdown may carry raw HTML, which the model keeps (RAW_BLOCK and
 * RAW_INLINE with info "html").  Written verbatim into a page, it could run
 * code or load resources.  The "safe" mode (the default) is a lexical
 * filter in the spirit of GitHub's tagfilter, extended to attributes: a tag
 * is written as text (its "<" escaped) when
 *   - its name is one that runs code, loads or embeds resources or changes
 *     how the rest of the page parses (script, style, iframe, object, embed,
 *     link, meta, base, form, svg, math, template, ...), or
 *   - an attribute is an event handler (on...), a style, a srcdoc or
 *     formaction, or a URL attribute whose value uses a scheme other than
 *     http, https, mailto or a relative reference (javascript:, data:, ...).
 * Comments and harmless tags (b, i, span, kbd, sup, div, table, ...) pass.
 * This is not a parser: it only decides, tag by tag, whether "<" stays. */
#include <strings.h>

#include "html.h"

static const char *const BLOCKED[] = {
  "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "link", "meta",
  "base", "form", "input", "button", "textarea", "select", "option", "svg", "math", "template",
  "noscript", "noembed", "noframes", "plaintext", "xmp", "title", "audio", "video", "source",
  "track", "portal", "img", "image", "picture", "dialog", "slot", "param", NULL};

static const char *const URL_ATTRS[] = {"href", "src", "action", "background", "cite", "data", "poster",
                                        "lowsrc", "dynsrc", "xlink:href", "ping", "longdesc", "usemap",
                                        "codebase", "manifest", "srcset", NULL};

static int in_list(const char *const *list, const char *s, size_t n) {
  for (size_t i = 0; list[i]; i++)
    if (strlen(list[i]) == n && !strncasecmp(list[i], s, n)) return 1;
  return 0;
}

static int is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

/* A URL value is allowed when it is relative or http(s)/mailto. */
static int url_ok(const char *v, size_t n) {
  size_t i = 0;
  while (i < n && ((unsigned char)v[i] <= 0x20)) i++;
  size_t k = i;
  while (k < n && v[k] != ':' && v[k] != '/' && v[k] != '?' && v[k] != '#') k++;
  if (k >= n || v[k] != ':') return 1; /* no scheme: relative */
  size_t sl = k - i;
  return (sl == 4 && !strncasecmp(v + i, "http", 4)) || (sl == 5 && !strncasecmp(v + i, "https", 5)) ||
         (sl == 6 && !strncasecmp(v + i, "mailto", 6));
}

/* Whether the tag starting at s[0] == '<' (ending before `end`) is
 * dangerous.  *tag_end gets the index after its '>' (or len). */
static int dangerous_tag(const char *s, size_t len, size_t *tag_end) {
  size_t i = 1;
  if (i < len && s[i] == '/') i++;
  size_t name = i;
  while (i < len && (((s[i] | 0x20) >= 'a' && (s[i] | 0x20) <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-' ||
                     s[i] == ':'))
    i++;
  size_t name_len = i - name;
  int bad = name_len && in_list(BLOCKED, s + name, name_len);
  /* attributes */
  while (i < len && s[i] != '>') {
    while (i < len && (is_space(s[i]) || s[i] == '/')) i++;
    size_t an = i;
    while (i < len && !is_space(s[i]) && s[i] != '=' && s[i] != '>' && s[i] != '/') i++;
    size_t alen = i - an;
    while (i < len && is_space(s[i])) i++;
    const char *val = NULL;
    size_t vlen = 0;
    if (i < len && s[i] == '=') {
      i++;
      while (i < len && is_space(s[i])) i++;
      if (i < len && (s[i] == '"' || s[i] == '\'')) {
        char q = s[i++];
        val = s + i;
        while (i < len && s[i] != q) i++;
        vlen = (size_t)(s + i - val);
        if (i < len) i++;
      } else {
        val = s + i;
        while (i < len && !is_space(s[i]) && s[i] != '>') i++;
        vlen = (size_t)(s + i - val);
      }
    }
    if (!alen) {
      if (i < len && s[i] != '>') i++;
      continue;
    }
    const char *a = s + an;
    if ((alen > 2 && !strncasecmp(a, "on", 2)) || in_list((const char *const[]){"style", "srcdoc", "formaction", "is", NULL}, a, alen))
      bad = 1;
    else if (val && in_list(URL_ATTRS, a, alen) && !url_ok(val, vlen))
      bad = 1;
  }
  *tag_end = i < len ? i + 1 : len;
  return bad;
}

size_t nd_html_raw_safe(nd_buf *b, const char *s, size_t len) {
  size_t i = 0, start = 0, neutralised = 0;
  while (i < len) {
    if (s[i] != '<') {
      i++;
      continue;
    }
    if (len - i >= 4 && !memcmp(s + i, "<!--", 4)) {
      /* a comment passes whole */
      const char *end = NULL;
      for (size_t k = i + 4; k + 3 <= len; k++)
        if (!memcmp(s + k, "-->", 3)) { end = s + k + 3; break; }
      i = end ? (size_t)(end - s) : len;
      continue;
    }
    char c = i + 1 < len ? s[i + 1] : 0;
    if (!(((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || c == '/' || c == '!' || c == '?')) {
      i++;
      continue;
    }
    size_t tag_end;
    int bad = (c == '!' || c == '?') ? 1 : dangerous_tag(s + i, len - i, &tag_end);
    if (c == '!' || c == '?') tag_end = 1;
    if (bad) {
      nd_buf_put(b, s + start, i - start);
      nd_buf_puts(b, "&lt;");
      neutralised++;
      start = i + 1;
      i++;
    } else {
      i += tag_end;
    }
  }
  nd_buf_put(b, s + start, len - start);
  return neutralised;
}
