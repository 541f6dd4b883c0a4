/* test_decode.c - nd_decode_text and nd_nfc (core/decode.c): BOMs, UTF-16,
 * legacy charsets found by ICU's detector, replacement of invalid bytes
 * and NUL, NFC with joiners kept.  Variants are made here with iconv. */
#include <criterion/criterion.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "testutil.h"

static size_t g_warnings;
static void on_warn(const char *f, const char *m, void *ud) {
  (void)f; (void)m; (void)ud;
  g_warnings++;
}

/* Decode with a fresh context; returns the malloc'd UTF-8 (or NULL). */
static char *decode(const char *data, size_t len, const char *hint, const char **cs, size_t *warnings) {
  newsdoc_options *o;
  newsdoc_options_new(&o);
  newsdoc_options_set_warning_fn(o, on_warn, NULL);
  newsdoc_ctx ctx;
  nd_ctx_init(&ctx, o, "text", NULL);
  g_warnings = 0;
  nd_buf b = ND_BUF_INIT;
  int rc = nd_decode_text(&b, data, len, hint, cs, &ctx);
  newsdoc_options_free(o);
  if (warnings) *warnings = g_warnings;
  if (rc) {
    nd_buf_free(&b);
    return NULL;
  }
  char *r = strndup(b.data ? b.data : "", b.len);
  nd_buf_free(&b);
  return r;
}

/* iconv a UTF-8 string to `to`; *outlen gets the length. */
static char *conv(const char *s, const char *to, size_t *outlen) {
  iconv_t cd = iconv_open(to, "UTF-8");
  cr_assert(cd != (iconv_t)-1, "iconv has no %s", to);
  size_t inl = strlen(s), cap = inl * 4 + 16, outl = cap;
  char *out = malloc(cap), *in = (char *)s, *o = out;
  size_t r = iconv(cd, &in, &inl, &o, &outl);
  cr_assert(r != (size_t)-1, "iconv to %s failed", to);
  iconv_close(cd);
  *outlen = cap - outl;
  return out;
}

static const char *AR = "مقتل 5 فلسطينيين بانفجار وسط غزة.. والسبب مجهول\n\n"
                        "أعلنت وزارة الصحة في قطاع غزة ان خمسة فلسطينيين قتلوا، وقال الناطق \"وصل 5 قتلى\".\n";

Test(decode, utf8_plain_and_bom) {
  const char *cs;
  char *r = decode(AR, strlen(AR), NULL, &cs, NULL);
  cr_assert_str_eq(r, AR);
  cr_assert_str_eq(cs, "UTF-8");
  free(r);
  char *bom = malloc(strlen(AR) + 4);
  memcpy(bom, "\xEF\xBB\xBF", 3);
  strcpy(bom + 3, AR);
  r = decode(bom, strlen(bom), NULL, &cs, NULL);
  cr_assert_str_eq(r, AR, "the BOM is dropped");
  free(r);
  free(bom);
}

Test(decode, utf16_with_bom) {
  const char *names[] = {"UTF-16LE", "UTF-16BE"};
  const char *boms[] = {"\xFF\xFE", "\xFE\xFF"};
  for (int k = 0; k < 2; k++) {
    size_t n;
    char *u = conv(AR, names[k], &n);
    char *with = malloc(n + 2);
    memcpy(with, boms[k], 2);
    memcpy(with + 2, u, n);
    const char *cs;
    char *r = decode(with, n + 2, NULL, &cs, NULL);
    cr_assert_not_null(r);
    cr_assert_str_eq(r, AR, "%s", names[k]);
    cr_assert_str_eq(cs, names[k]);
    free(r);
    free(u);
    free(with);
  }
}

Test(decode, legacy_arabic_detected) {
  size_t n;
  char *w = conv(AR, "WINDOWS-1256", &n);
  const char *cs;
  char *r = decode(w, n, NULL, &cs, NULL);
  cr_assert_str_eq(r, AR);
  cr_assert(!strcmp(cs, "windows-1256") || !strcmp(cs, "ISO-8859-6"), "got %s", cs);
  free(r);
  free(w);
  /* ISO-8859-6 text with no byte that only windows-1256 uses. */
  const char *pure = "السلام عليكم ورحمة الله وبركاته، هذا نص عربي قصير للاختبار فقط وبعض الكلمات الأخرى";
  w = conv(pure, "ISO-8859-6", &n);
  r = decode(w, n, NULL, &cs, NULL);
  cr_assert_not_null(r);
  cr_assert_str_eq(r, pure, "cs=%s", cs);
  free(r);
  free(w);
}

Test(decode, legacy_hebrew_and_latin) {
  const char *he = "שלום עולם, זהו מאמר חדשות קצר בעברית שנכתב לבדיקה של זיהוי הקידוד בספרייה.";
  size_t n;
  char *w = conv(he, "WINDOWS-1255", &n);
  const char *cs;
  char *r = decode(w, n, NULL, &cs, NULL);
  cr_assert_str_eq(r, he, "cs=%s", cs);
  free(r);
  free(w);
  const char *fr = "Le café était fermé à cause de la grève générale, déclarait l’élève “ému”.";
  w = conv(fr, "WINDOWS-1252", &n);
  r = decode(w, n, NULL, &cs, NULL);
  cr_assert_str_eq(r, fr, "cs=%s", cs);
  free(r);
  free(w);
}

Test(decode, hint_wins) {
  size_t n;
  char *w = conv("نص", "WINDOWS-1256", &n);
  const char *cs;
  char *r = decode(w, n, "windows-1256", &cs, NULL);
  cr_assert_str_eq(r, "نص");
  cr_assert_str_eq(cs, "windows-1256");
  free(r);
  /* aliases ICU knows, and labels browsers reinterpret */
  r = decode(w, n, "cp1256", &cs, NULL);
  cr_assert_str_eq(r, "نص");
  cr_assert_str_eq(cs, "windows-1256");
  free(r);
  r = decode("caf\xE9 \x93x\x94", 8, "latin1", &cs, NULL);
  cr_assert_str_eq(cs, "windows-1252");
  cr_assert_str_eq(r, "café “x”");
  free(r);
  size_t warns;
  r = decode("abc", 3, "no-such-charset", &cs, &warns);
  cr_assert_str_eq(r, "abc");
  cr_assert_eq(warns, 1, "an unknown label is a warning");
  free(r);
  free(w);
}

Test(decode, invalid_bytes_and_nul) {
  /* Mostly valid UTF-8 with one stray byte: still UTF-8, one U+FFFD. */
  const char in[] = "سلام \xFF عليكم والسلام";
  size_t warns;
  const char *cs;
  char *r = decode(in, sizeof in - 1, NULL, &cs, &warns);
  cr_assert_str_eq(cs, "UTF-8");
  cr_assert_str_eq(r, "سلام \xEF\xBF\xBD عليكم والسلام");
  cr_assert_eq(warns, 1);
  free(r);
  const char nul[] = "a\0b";
  r = decode(nul, 3, NULL, &cs, &warns);
  cr_assert_str_eq(r, "a\xEF\xBF\xBD" "b");
  cr_assert_eq(warns, 1);
  free(r);
  /* A NUL in UTF-16 too. */
  const char u16[] = "\xFF\xFE" "a\0\0\0b\0";
  r = decode(u16, sizeof u16 - 1, NULL, &cs, &warns);
  cr_assert_str_eq(r, "a\xEF\xBF\xBD" "b");
  cr_assert_eq(warns, 1);
  free(r);
  /* A lone surrogate in UTF-16LE. */
  const char lone[] = "\xFF\xFE" "a\0\x00\xD8" "b\0";
  r = decode(lone, sizeof lone - 1, NULL, &cs, &warns);
  cr_assert_str_eq(r, "a\xEF\xBF\xBD" "b");
  cr_assert_geq(warns, 1);
  free(r);
}

Test(decode, nfc_keeps_joiners) {
  /* e + combining acute -> é; Persian ZWNJ (می‌خواهم) and Arabic digits kept. */
  const char in[] = "cafe\xCC\x81 می\u200cخواهم ٢٠٢٤ \u200f";
  nd_buf b = ND_BUF_INIT;
  cr_assert_eq(nd_nfc(&b, in, sizeof in - 1), 0);
  cr_assert_str_eq(b.data, "café می\u200cخواهم ٢٠٢٤ \u200f");
  nd_buf_free(&b);
  /* Arabic hamza above as a combining mark composes: ا + ٔ -> أ */
  const char ar[] = "\xD8\xA7\xD9\x94";
  cr_assert_eq(nd_nfc(&b, ar, sizeof ar - 1), 0);
  cr_assert_str_eq(b.data, "أ");
  nd_buf_free(&b);
  char *r = decode("cafe\xCC\x81", 6, NULL, NULL, NULL);
  cr_assert_str_eq(r, "café");
  free(r);
}

Test(decode, empty_and_garbage) {
  const char *cs;
  char *r = decode("", 0, NULL, &cs, NULL);
  cr_assert_str_eq(r, "");
  free(r);
  /* Random high bytes never fail: they decode to something. */
  char junk[512];
  unsigned s = 12345;
  for (size_t i = 0; i < sizeof junk; i++) {
    s = s * 1103515245u + 12345u;
    junk[i] = (char)(s >> 16);
  }
  r = decode(junk, sizeof junk, NULL, &cs, NULL);
  cr_assert_not_null(r);
  free(r);
}
