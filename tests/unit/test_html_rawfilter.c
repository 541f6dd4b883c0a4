/* Raw HTML from untrusted documents: the html writer's raw-html option. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <stdlib.h>

#include "testutil.h"

static const char *RAW[] = {
  "<script>alert(1)</script>",
  "<img src=x onerror=alert(2)>",
  "<a href=\"javascript:alert(3)\">x</a>",
  "<a href=' JaVaScRiPt:alert(4)'>x</a>",
  "<iframe src=\"https://example.com/\"></iframe>",
  "<span style=\"background:url(x)\">s</span>",
  "<svg><g onload=alert(5)></g></svg>",
  "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
  "<object data=x></object><embed src=x><link rel=stylesheet href=x><meta http-equiv=refresh content=0>",
  "<form action=x><input></form><base href=x><style>*{}</style>",
  "<div><a href=\"data:text/html,x\">d</a></div>",
};
static const char *OK[] = {"<b>bold</b>", "<kbd>Ctrl</kbd>", "<!-- a comment -->", "<span dir=\"ltr\">USA</span>",
                           "<a href=\"https://example.com/a?b=1\" title=\"t\">link</a>", "<sup>2</sup>"};

static char *render(const char *raw, const char *mode) {
  char json[8192];
  char esc[2048];
  size_t k = 0;
  for (const char *p = raw; *p && k < sizeof esc - 3; p++) {
    if (*p == '"' || *p == '\\') esc[k++] = '\\';
    esc[k++] = *p;
  }
  esc[k] = 0;
  snprintf(json, sizeof json,
           "{\"newsdoc\":1,\"body\":[{\"type\":\"raw_block\",\"info\":\"html\",\"text\":\"%s\"},{\"type\":\"paragraph\","
           "\"children\":[{\"type\":\"raw_inline\",\"info\":\"html\",\"text\":\"%s\"}]}]}",
           esc, esc);
  newsdoc_options *o;
  newsdoc_options_new(&o);
  newsdoc_options_set(o, "fragment", "1");
  if (mode) newsdoc_options_set(o, "raw-html", mode);
  char *out = NULL;
  size_t len;
  int rc = newsdoc_convert(json, strlen(json), "json", "html", o, &out, &len);
  newsdoc_options_free(o);
  cr_assert_eq(rc, 0, "%s", newsdoc_error_last()->message);
  char *copy = strdup(out);
  newsdoc_free(out);
  return copy;
}

/* Whether `html` holds a live tag named `tag` (case-insensitive) or an
 * attribute starting `attr` inside a live tag. */
static int live(const char *html, const char *needle) {
  for (const char *p = html; (p = strchr(p, '<')); p++) {
    const char *end = strchr(p, '>');
    if (!end) break;
    for (const char *q = p; q + strlen(needle) <= end; q++)
      if (!strncasecmp(q, needle, strlen(needle))) return 1;
  }
  return 0;
}

Test(html_raw, safe_by_default) {
  const char *danger[] = {"<script", "onerror", "javascript:", "<iframe", "style=", "onload", "<object", "<embed",
                          "<link", "<meta", "<form", "<base", "<style", "data:text"};
  for (size_t i = 0; i < sizeof RAW / sizeof *RAW; i++) {
    char *h = render(RAW[i], NULL);
    for (size_t d = 0; d < sizeof danger / sizeof *danger; d++)
      cr_expect(!live(h, danger[d]), "raw %s left a live %s: %s", RAW[i], danger[d], h);
    free(h);
  }
  for (size_t i = 0; i < sizeof OK / sizeof *OK; i++) {
    char *h = render(OK[i], NULL);
    cr_expect(strstr(h, OK[i]), "harmless raw HTML %s was changed: %s", OK[i], h);
    free(h);
  }
}

Test(html_raw, omit_and_unsafe) {
  char *h = render("<b>x</b>", "omit");
  cr_expect(!strstr(h, "<b>"), "%s", h);
  free(h);
  h = render("<script>alert(1)</script>", "unsafe");
  cr_expect(strstr(h, "<script>alert(1)</script>"), "%s", h);
  free(h);
  newsdoc_options *o;
  newsdoc_options_new(&o);
  newsdoc_options_set(o, "raw-html", "maybe");
  const char *json = "{\"newsdoc\":1,\"body\":[]}";
  char *out;
  size_t len;
  cr_expect_eq(newsdoc_convert(json, strlen(json), "json", "html", o, &out, &len), NEWSDOC_EUSAGE);
  newsdoc_options_free(o);
}
