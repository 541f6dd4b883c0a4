/*
 * format.c - the html format: HTML5 pages and fragments, read and written.
 *
 * Writing (writer.c).  By default a standalone HTML5 page: <html lang dir>,
 * <meta charset>, <title>, the metadata as <meta> tags (author,
 * description, keywords, publisher, article:published_time, a canonical
 * link for source-url, "newsdoc:KEY" for any other key), a built-in
 * stylesheet written with logical CSS properties only, and an <article>
 * whose <header> holds the title (h1), subtitle, byline and a <time>.
 * Sections are nested <section>s with <h2>..<h6> for levels 1..5 under
 * the h1 title (deeper levels: <h6 aria-level="N">).  Notes become a
 * numbered list at the end (<section class="footnotes">) with links both
 * ways.  A block or span whose lang/dir differs from what the HTML around
 * it established carries its own; runs of the opposite direction inside
 * text are isolated with <bdi>.
 *
 * Options (newsdoc_options_set):
 *   fragment     bool, default 0: write the body content only, with no
 *                wrapper elements (no <section>: headings are <hN> with N
 *                the section level), the way cmark writes Markdown: <p>,
 *                tight lists without <p>, <pre><code class="language-x">,
 *                <hr />, <br />, soft breaks as newlines, cmark's escaping.
 *                The host page is assumed to carry the document's lang/dir.
 *   css          unset: embed the built-in stylesheet; "none": no
 *                stylesheet; anything else: an href to <link> instead.
 *   embed-media  bool, default 1: images from the document's media as
 *                data: URIs; 0: src="media/NAME" (the caller writes the
 *                files beside the page).
 *   xhtml        bool, default 0: XML syntax (xmlns, self-closed void
 *                elements); images are never data: URIs then.
 * Links to javascript:, vbscript:, file: and data: URLs (other than
 * data:image/png|jpeg|gif|webp) are written as plain text, with a warning.
 *   raw-html     what to do with raw HTML (RAW_BLOCK/RAW_INLINE "html",
 *                e.g. from Markdown): "safe" (default) writes it with every
 *                tag that could run code or load resources made inert text
 *                (rawfilter.c), "omit" leaves it out, "unsafe" writes it
 *                verbatim (trusted input; the CommonMark spec runner).
 *
 * Reading (reader.c).  The bytes are decoded first (BOM, <meta charset>,
 * http-equiv, then detection), parsed with libxml2's HTML parser (no
 * network, no entities loaded) and walked without recursion.  On real
 * news pages the article is located (<article>, itemprop=articleBody,
 * <main>/role=main, else the element with the most paragraph text) and
 * navigation, scripts, forms and the like are dropped.  Title, author,
 * date, description, language and direction come from the <meta> tags,
 * JSON-LD and attributes.  Our own pages and fragments read back to the
 * model they were written from.
 */
#include <strings.h>

#include "html.h"

static int has_ci(const char *data, size_t len, const char *needle) {
  size_t n = strlen(needle);
  for (size_t i = 0; i + n <= len; i++)
    if (!strncasecmp(data + i, needle, n)) return 1;
  return 0;
}

static int probe(const char *data, size_t len, const char *filename, void *ud) {
  (void)ud;
  int ext = 0;
  if (filename) {
    const char *dot = strrchr(filename, '.');
    ext = dot && (!strcasecmp(dot, ".html") || !strcasecmp(dot, ".htm") || !strcasecmp(dot, ".xhtml"));
  }
  if (len >= 4 && !memcmp(data, "PK\x03\x04", 4)) return 0;
  size_t window = len < 4096 ? len : 4096;
  size_t i = 0;
  if (window >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3)) i = 3;
  while (i < window && (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' || data[i] == '\n')) i++;
  const char *s = data + i;
  size_t n = window - i;
  if (n >= 14 && !strncasecmp(s, "<!doctype html", 14)) return 100;
  if (n >= 5 && (!strncasecmp(s, "<html", 5) && (n == 5 || s[5] == '>' || s[5] == ' ' || s[5] == '\n' || s[5] == '\r' || s[5] == '\t')))
    return 100;
  if (n >= 5 && !strncmp(s, "<?xml", 5) && has_ci(s, n, "<html")) return 100;
  if (n >= 4 && !strncmp(s, "<!--", 4) && has_ci(s, n, "<html")) return 75;
  if (n >= 2 && s[0] == '<' && (has_ci(s, n < 256 ? n : 256, "<head") || has_ci(s, n < 256 ? n : 256, "<body")))
    return 75;
  if (ext) return 50;
  if (n >= 3 && s[0] == '<' && (!strncasecmp(s, "<p>", 3) || !strncasecmp(s, "<div", 4) || !strncasecmp(s, "<h1", 3) ||
                                !strncasecmp(s, "<article", 8) || !strncasecmp(s, "<section", 8)))
    return 25;
  return 0;
}

const newsdoc_format nd_format_html = {
  NEWSDOC_FORMAT_VERSION, "html", "HTML5 pages and body fragments (right-to-left aware)", "html,htm,xhtml",
  "text/html,application/xhtml+xml", NEWSDOC_FORMAT_TEXTUAL, probe, nd_html_read, nd_html_write, NULL,
};
