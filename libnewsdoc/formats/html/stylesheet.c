/* stylesheet.c - the built-in stylesheet of standalone pages.  Logical
 * properties only (margin-inline-start, padding-inline, text-align: start,
 * border-inline-start, inline-size...): nothing says left or right, so the
 * same sheet lays out an Arabic page and an English one, and an English
 * paragraph inside an Arabic article. */
#include "html.h"

const char nd_html_stylesheet[] =
  ":root { color-scheme: light dark; }\n"
  "body { margin: 0; padding-block: 2rem; padding-inline: 1rem; line-height: 1.7;\n"
  "  font-family: \"Noto Naskh Arabic\", \"Noto Sans Hebrew\", \"Vazirmatn\", \"DejaVu Sans\", sans-serif; }\n"
  "article { max-inline-size: 42rem; margin-inline: auto; }\n"
  "header { margin-block-end: 2rem; padding-block-end: 1rem; border-block-end: 1px solid #8888; }\n"
  "h1, h2, h3, h4, h5, h6 { line-height: 1.3; text-align: start; margin-block: 1.4em 0.5em; }\n"
  "p { text-align: start; margin-block: 0 1em; }\n"
  ".subtitle { font-size: 1.2em; }\n"
  ".byline, .dateline { opacity: 0.75; margin-block-end: 0.3em; }\n"
  "blockquote { margin-block: 1em; margin-inline: 0; padding-inline-start: 1em;\n"
  "  border-inline-start: 4px solid #8888; }\n"
  "ul, ol { margin-block: 0 1em; padding-inline-start: 2em; }\n"
  "li { text-align: start; }\n"
  "figure { margin-block: 1em; margin-inline: 0; }\n"
  "img { max-inline-size: 100%; block-size: auto; }\n"
  "figcaption { font-size: 0.9em; opacity: 0.8; text-align: start; }\n"
  "table { border-collapse: collapse; margin-block: 1em; }\n"
  "th, td { border: 1px solid #8888; padding-block: 0.25em; padding-inline: 0.5em; text-align: start; }\n"
  "pre { direction: ltr; text-align: start; overflow: auto; padding-block: 0.5em; padding-inline: 0.75em;\n"
  "  background: #8881; }\n"
  "code { font-family: monospace; unicode-bidi: isolate; }\n"
  "bdi { unicode-bidi: isolate; }\n"
  ".footnotes { margin-block-start: 2em; padding-block-start: 0.5em; border-block-start: 1px solid #8888;\n"
  "  font-size: 0.9em; }\n"
  ".footnote-ref a, .footnote-backref { text-decoration: none; }\n";
