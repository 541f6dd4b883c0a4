/* test_text_encoding.c - the same article in UTF-8, UTF-8 with a BOM,
 * UTF-16LE and UTF-16BE (with BOMs), windows-1256 and ISO-8859-6 reads to
 * the same model; CRLF and CR newlines too; invalid bytes and NUL become
 * U+FFFD with a warning.  Variants are made here with glibc's iconv. */
#include <criterion/criterion.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

static size_t g_warn;
static char g_last[512];
static void on_warn(const char *f, const char *m, void *ud) {
  (void)f; (void)ud;
  g_warn++;
  snprintf(g_last, sizeof g_last, "%s", m);
}

static char *conv(const char *s, size_t inl, const char *to, size_t *outlen) {
  iconv_t cd = iconv_open(to, "UTF-8");
  cr_assert(cd != (iconv_t)-1, "iconv has no %s", to);
  size_t cap = inl * 4 + 16, outl = cap;
  char *out = malloc(cap), *in = (char *)s, *o = out;
  cr_assert(iconv(cd, &in, &inl, &o, &outl) != (size_t)-1, "iconv to %s failed", to);
  iconv_close(cd);
  *outlen = cap - outl;
  return out;
}

static char *json_of(const char *data, size_t len, size_t *warnings) {
  newsdoc_options *o;
  newsdoc_options_new(&o);
  newsdoc_options_set_warning_fn(o, on_warn, NULL);
  g_warn = 0;
  newsdoc_doc *doc = NULL;
  int rc = newsdoc_read(&doc, data, len, "text", NULL, o);
  newsdoc_options_free(o);
  cr_assert_eq(rc, 0, "%s", newsdoc_error_last()->message);
  if (warnings) *warnings = g_warn;
  char *j = tu_json(doc);
  newsdoc_doc_free(doc);
  return j;
}

/* An article with title, Arabic-Indic digits, a Latin island and a
 * heading structure (only characters windows-1256 and ISO-8859-6 have). */
static const char ARTICLE[] =
    "مقتل 5 فلسطينيين بانفجار وسط غزة.. والسبب مجهول\n"
    "\n"
    "أعلنت وزارة الصحة في قطاع غزة ان خمسة فلسطينيين قتلوا في انفجار وقع داخل منزل، وفق وكالة AFP.\n"
    "وقال الناطق باسم الوزارة \"وصل 5 قتلى\" إلى المستشفى، مضيفا أن التحقيق مستمر.\n"
    "خلفية الحادث\n"
    "وقع الانفجار في منطقة الزوايدة وسط القطاع صباح اليوم؟ لا أحد يعرف السبب حتى الآن.\n"
    "ردود الفعل\n"
    "دعت الفصائل إلى التحقيق في الحادث ومحاسبة المسؤولين عنه.\n";

Test(text_encoding, same_model_in_every_encoding) {
  size_t len = sizeof ARTICLE - 1, w;
  char *ref = json_of(ARTICLE, len, &w);
  cr_assert_eq(w, 0);
  cr_assert(strstr(ref, "\"title\",\"مقتل 5 فلسطينيين بانفجار وسط غزة.. والسبب مجهول\""), "%s", ref);
  cr_assert(strstr(ref, "\"level\":1"), "the headings were found: %s", ref);

  /* UTF-8 with a BOM */
  char *bom = malloc(len + 3);
  memcpy(bom, "\xEF\xBB\xBF", 3);
  memcpy(bom + 3, ARTICLE, len);
  char *j = json_of(bom, len + 3, NULL);
  cr_assert_str_eq(j, ref, "UTF-8 with BOM");
  free(j);
  free(bom);

  /* UTF-16 LE and BE, with their BOMs */
  const char *u16[] = {"UTF-16LE", "UTF-16BE"};
  const char *boms[] = {"\xFF\xFE", "\xFE\xFF"};
  for (int k = 0; k < 2; k++) {
    size_t n;
    char *u = conv(ARTICLE, len, u16[k], &n);
    char *with = malloc(n + 2);
    memcpy(with, boms[k], 2);
    memcpy(with + 2, u, n);
    j = json_of(with, n + 2, &w);
    cr_assert_str_eq(j, ref, "%s", u16[k]);
    cr_assert_eq(w, 0);
    free(j);
    free(with);
    free(u);
  }

  /* legacy Arabic code pages, detected by ICU */
  const char *legacy[] = {"WINDOWS-1256", "ISO-8859-6"};
  for (int k = 0; k < 2; k++) {
    size_t n;
    char *l = conv(ARTICLE, len, legacy[k], &n);
    j = json_of(l, n, &w);
    cr_assert_str_eq(j, ref, "%s", legacy[k]);
    cr_assert_eq(w, 0, "%s: %s", legacy[k], g_last);
    free(j);
    free(l);
  }

  /* CRLF and CR newlines */
  char *crlf = malloc(len * 2), *cr = malloc(len);
  size_t a = 0, b = 0;
  for (size_t i = 0; i < len; i++) {
    if (ARTICLE[i] == '\n') {
      crlf[a++] = '\r';
      crlf[a++] = '\n';
      cr[b++] = '\r';
    } else {
      crlf[a++] = ARTICLE[i];
      cr[b++] = ARTICLE[i];
    }
  }
  j = json_of(crlf, a, NULL);
  cr_assert_str_eq(j, ref, "CRLF");
  free(j);
  j = json_of(cr, b, NULL);
  cr_assert_str_eq(j, ref, "CR");
  free(j);
  free(crlf);
  free(cr);
  free(ref);
}

Test(text_encoding, invalid_bytes_and_nul) {
  const char bad[] = "عنوان الخبر\n\nنص \xFF\xFE الخبر هنا مع بايت خاطئ.\n";
  size_t w;
  char *j = json_of(bad, sizeof bad - 1, &w);
  cr_assert(strstr(j, "نص \xEF\xBF\xBD\xEF\xBF\xBD الخبر"), "%s", j);
  cr_assert_eq(w, 1, "one warning for the invalid bytes");
  cr_assert(strstr(g_last, "U+FFFD"), "%s", g_last);
  free(j);
  const char nul[] = "Title line\n\nSome text\0with a NUL inside it, which is replaced.\n";
  j = json_of(nul, sizeof nul - 1, &w);
  cr_assert(strstr(j, "Some text\xEF\xBF\xBDwith"), "%s", j);
  cr_assert_eq(w, 1);
  free(j);
}

Test(text_encoding, nfc_and_joiners) {
  /* decomposed é and a Persian ZWNJ, RLM and ZWJ kept */
  const char in[] = "Cafe\xCC\x81 news\n\nمی\xE2\x80\x8Cخواهم \xE2\x80\x8F كلمة\xE2\x80\x8D.\n";
  char *j = json_of(in, sizeof in - 1, NULL);
  cr_assert(strstr(j, "Café news"), "%s", j);
  cr_assert(strstr(j, "می\xE2\x80\x8Cخواهم \xE2\x80\x8F كلمة\xE2\x80\x8D."), "%s", j);
  free(j);
}
