/* format.c - the markdown format: CommonMark (with pipe tables) read with
 * md4c, YAML front matter for the metadata.  See README.md. */
#include <strings.h>

#include "markdown.h"

static int has_ext(const char *filename) {
  if (!filename) return 0;
  const char *dot = strrchr(filename, '.');
  if (!dot) return 0;
  static const char *const exts[] = {"md", "markdown", "mdown", "mkd"};
  for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++)
    if (!strcasecmp(dot + 1, exts[i])) return 1;
  return 0;
}

/* Content evidence in the first 4 KiB: front matter, ATX headings, fenced
 * code, links, emphasis markers at line starts.  Plain prose (which is
 * also valid Markdown) scores nothing, so the text format takes it. */
static int probe(const char *data, size_t len, const char *filename, void *ud) {
  (void)ud;
  size_t n = len < 4096 ? len : 4096;
  if (memchr(data, 0, n)) return 0;
  int score = 0, signals = 0;
  size_t yo, yl, bo;
  if (nd_md_frontmatter_find(data, len < 65536 ? len : 65536, &yo, &yl, &bo) && memchr(data + yo, ':', yl)) score = 75;
  for (size_t i = 0; i < n;) {
    size_t e = i;
    while (e < n && data[e] != '\n') e++;
    const char *l = data + i;
    size_t ll = e - i;
    size_t h = 0;
    while (h < ll && h < 7 && l[h] == '#') h++;
    if (h >= 1 && h <= 6 && h < ll && l[h] == ' ') signals++;
    if (ll >= 3 && (!memcmp(l, "```", 3) || !memcmp(l, "~~~", 3))) signals++;
    if (ll >= 2 && (!memcmp(l, "> ", 2) || !memcmp(l, "- ", 2) || !memcmp(l, "* ", 2))) signals++;
    for (size_t k = 0; k + 1 < ll; k++)
      if (l[k] == ']' && l[k + 1] == '(') { signals++; break; }
    i = e + 1;
  }
  if (signals >= 2 && score < 40) score = 40;
  else if (signals == 1 && score < 30) score = 30;
  if (has_ext(filename)) score = score < 50 ? 60 : score + 10 > 100 ? 100 : score + 10;
  return score;
}

const newsdoc_format nd_format_markdown = {
  NEWSDOC_FORMAT_VERSION,
  "markdown",
  "CommonMark with pipe tables and [^n] notes; metadata in YAML front matter",
  "md,markdown,mdown,mkd",
  "text/markdown",
  NEWSDOC_FORMAT_TEXTUAL,
  probe,
  nd_md_read,
  nd_md_write,
  NULL,
};
