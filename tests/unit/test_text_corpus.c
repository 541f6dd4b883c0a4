/* test_text_corpus.c - the 30 Arabic news texts of ../shared/corpus/text:
 * the text reader must give each one's title and its body lines, one
 * paragraph per line, no invented headings (the answer keys have none). */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

/* A JSON string at *p (pointing at the opening quote), decoded to UTF-8;
 * advances *p past it.  Enough JSON for the answer keys. */
static char *json_string(const char **p) {
  const char *s = *p;
  if (*s != '"') return NULL;
  s++;
  size_t cap = 256, n = 0;
  char *o = malloc(cap);
  while (*s && *s != '"') {
    if (n + 8 > cap) o = realloc(o, cap *= 2);
    if (*s != '\\') {
      o[n++] = *s++;
      continue;
    }
    s++;
    unsigned cp = 0;
    switch (*s) {
      case 'n': o[n++] = '\n'; s++; continue;
      case 't': o[n++] = '\t'; s++; continue;
      case 'r': o[n++] = '\r'; s++; continue;
      case 'b': o[n++] = '\b'; s++; continue;
      case 'f': o[n++] = '\f'; s++; continue;
      case 'u':
        sscanf(s + 1, "%4x", &cp);
        s += 5;
        if (cp >= 0xD800 && cp <= 0xDBFF && s[0] == '\\' && s[1] == 'u') {
          unsigned lo = 0;
          sscanf(s + 2, "%4x", &lo);
          s += 6;
          cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
        }
        if (cp < 0x80) o[n++] = (char)cp;
        else if (cp < 0x800) { o[n++] = (char)(0xC0 | cp >> 6); o[n++] = (char)(0x80 | (cp & 0x3F)); }
        else if (cp < 0x10000) { o[n++] = (char)(0xE0 | cp >> 12); o[n++] = (char)(0x80 | ((cp >> 6) & 0x3F)); o[n++] = (char)(0x80 | (cp & 0x3F)); }
        else { o[n++] = (char)(0xF0 | cp >> 18); o[n++] = (char)(0x80 | ((cp >> 12) & 0x3F)); o[n++] = (char)(0x80 | ((cp >> 6) & 0x3F)); o[n++] = (char)(0x80 | (cp & 0x3F)); }
        continue;
      default: o[n++] = *s++; continue;
    }
  }
  o[n] = 0;
  *p = *s ? s + 1 : s;
  return o;
}

static const char *after_key(const char *json, const char *key) {
  char k[64];
  snprintf(k, sizeof k, "\"%s\"", key);
  const char *p = strstr(json, k);
  if (!p) return NULL;
  p += strlen(k);
  while (*p == ' ' || *p == ':' || *p == '\n') p++;
  return p;
}

static size_t g_roundtrip;

/* Compare one article; on a miss print why (returns 1 on a match). */
static int check_one(const char *dir, const char *stem) {
  char path[8400];
  snprintf(path, sizeof path, "%s/plain/%s.txt", dir, stem);
  size_t len;
  char *txt = tu_read_file(path, &len);
  snprintf(path, sizeof path, "%s/expected/%s.json", dir, stem);
  char *json = tu_read_file(path, NULL);
  cr_assert(txt && json, "cannot read %s", stem);
  newsdoc_doc *doc = NULL;
  int rc = newsdoc_read(&doc, txt, len, "text", NULL, NULL);
  cr_assert_eq(rc, 0, "%s: %s", stem, newsdoc_error_last()->message);
  int ok = 1;
  const char *p = after_key(json, "title");
  char *title = json_string(&p);
  const char *got = newsdoc_meta_get(doc, "title");
  if (!got || strcmp(got, title)) {
    printf("  %s: title differs: got [%s]\n", stem, got ? got : "(none)");
    ok = 0;
  }
  /* the body: paragraphs only, directly in the body, in order */
  p = after_key(json, "body_lines");
  cr_assert(p && *p == '[');
  p++;
  newsdoc_node *n = newsdoc_node_first_child(newsdoc_doc_root(doc));
  size_t idx = 0;
  while (ok) {
    while (*p == ' ' || *p == '\n' || *p == ',') p++;
    if (*p == ']') break;
    char *want = json_string(&p);
    if (!n) {
      printf("  %s: line %zu missing\n", stem, idx + 1);
      ok = 0;
    } else if (newsdoc_node_get_type(n) != NEWSDOC_NODE_PARAGRAPH) {
      printf("  %s: line %zu read as a %s\n", stem, idx + 1, newsdoc_node_type_name(newsdoc_node_get_type(n)));
      ok = 0;
    } else {
      char *t;
      newsdoc_node_text(n, &t, NULL);
      if (strcmp(t, want)) {
        printf("  %s: line %zu differs\n", stem, idx + 1);
        ok = 0;
      }
      newsdoc_free(t);
      n = newsdoc_node_next(n);
    }
    free(want);
    idx++;
  }
  if (ok && n) {
    printf("  %s: extra block after line %zu\n", stem, idx);
    ok = 0;
  }
  if (ok && newsdoc_meta_get(doc, "byline")) {
    printf("  %s: invented a byline\n", stem);
    ok = 0;
  }
  if (ok && (!newsdoc_meta_get(doc, "lang") || strcmp(newsdoc_meta_get(doc, "lang"), "ar") ||
             strcmp(newsdoc_meta_get(doc, "dir"), "rtl"))) {
    printf("  %s: lang/dir wrong\n", stem);
    ok = 0;
  }
  free(title);
  /* text -> model -> text -> model gives the same model */
  char *out = NULL;
  size_t olen = 0;
  cr_assert_eq(newsdoc_write(doc, "text", NULL, &out, &olen), 0);
  newsdoc_doc *back = NULL;
  cr_assert_eq(newsdoc_read(&back, out, olen, "text", NULL, NULL), 0);
  char *ja = tu_json(doc), *jb = tu_json(back);
  g_roundtrip += !strcmp(ja, jb);
  if (strcmp(ja, jb)) printf("  %s: not the same model after a round trip\n", stem);
  free(ja);
  free(jb);
  newsdoc_free(out);
  newsdoc_doc_free(back);
  newsdoc_doc_free(doc);
  free(txt);
  free(json);
  return ok;
}

static int cmpstr(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

Test(text_corpus, ant_30_articles) {
  const char *probe = tu_shared("corpus/text/SOURCES.md");
  if (!probe) cr_skip_test("../shared not found (set NEWSDOC_SHARED)");
  char dir[4096];
  snprintf(dir, sizeof dir, "%s", probe);
  *strrchr(dir, '/') = 0;
  char plain[4200];
  snprintf(plain, sizeof plain, "%s/plain", dir);
  DIR *d = opendir(plain);
  cr_assert_not_null(d);
  char *stems[64];
  size_t n = 0;
  struct dirent *e;
  while ((e = readdir(d)) && n < 64) {
    size_t l = strlen(e->d_name);
    if (l > 4 && !strcmp(e->d_name + l - 4, ".txt")) stems[n++] = strndup(e->d_name, l - 4);
  }
  closedir(d);
  qsort(stems, n, sizeof *stems, cmpstr);
  cr_assert_eq(n, 30, "expected 30 articles, found %zu", n);
  size_t match = 0;
  for (size_t i = 0; i < n; i++) {
    match += check_one(dir, stems[i]);
    free(stems[i]);
  }
  printf("text corpus: %zu/%zu match\n", match, n);
  /* BB-middleEast-1003-20181002 has a paragraph made of 27 dashes; the
   * writer separates blocks with blank lines, and a dash line between
   * blank lines reads as a thematic break: plain text has no escape. */
  printf("text corpus round trip: %zu/%zu same model\n", g_roundtrip, n);
  fflush(stdout);
  cr_assert_eq(match, 30, "text corpus: %zu/30 match", match);
  cr_assert_eq(g_roundtrip, 29, "text corpus round trip: %zu/30", g_roundtrip);
}
