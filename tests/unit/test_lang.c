/* test_lang.c - nd_lang_is_rtl, nd_text_dir, nd_text_majority_dir and
 * nd_guess_lang (core/lang.c). */
#include <criterion/criterion.h>
#include <string.h>

#include "internal.h"

#define S(x) x, strlen(x)

Test(lang, rtl_tags) {
  const char *rtl[] = {"ar", "AR-eg", "he", "iw", "fa", "fa-IR", "ur", "ps", "sd", "ug", "yi", "dv", "ckb",
                       "ku-Arab", "az-Arab", "pa-Arab", "ms-Arab", "ar_SA"};
  const char *ltr[] = {"en", "en-US", "fr", "ru", "ku", "ku-Latn", "ar-Latn", "tr", "zh-Hans", "ja", "x", ""};
  for (size_t i = 0; i < sizeof rtl / sizeof *rtl; i++) cr_assert(nd_lang_is_rtl(rtl[i]), "%s", rtl[i]);
  for (size_t i = 0; i < sizeof ltr / sizeof *ltr; i++) cr_assert(!nd_lang_is_rtl(ltr[i]), "%s", ltr[i]);
  cr_assert(!nd_lang_is_rtl(NULL));
}

Test(lang, first_strong) {
  cr_assert_eq(nd_text_dir(S("123 مرحبا Hello")), NEWSDOC_DIR_RTL);
  cr_assert_eq(nd_text_dir(S("«2024» Apple تطلق")), NEWSDOC_DIR_LTR);
  cr_assert_eq(nd_text_dir(S("שלום")), NEWSDOC_DIR_RTL);
  cr_assert_eq(nd_text_dir(S("123 - ...")), NEWSDOC_DIR_UNSET);
  /* Text inside an isolate (LRI ... PDI) is skipped. */
  cr_assert_eq(nd_text_dir(S("\u2066Apple\u2069 شركة")), NEWSDOC_DIR_RTL);
  cr_assert_eq(nd_text_dir(NULL, 0), NEWSDOC_DIR_UNSET);
}

Test(lang, majority) {
  cr_assert_eq(nd_text_majority_dir(S("Apple و MicroLED في شركة كبيرة جدا")), NEWSDOC_DIR_RTL);
  cr_assert_eq(nd_text_majority_dir(S("مرحبا, this is mostly English text")), NEWSDOC_DIR_LTR);
  cr_assert_eq(nd_text_majority_dir(S("...")), NEWSDOC_DIR_UNSET);
  /* A tie goes to the first strong character. */
  cr_assert_eq(nd_text_majority_dir(S("ab אב")), NEWSDOC_DIR_LTR);
}

Test(lang, guess) {
  cr_assert_str_eq(nd_guess_lang(S("يُعتبر التعاون العسكري بين موريتانيا والولايات المتحدة الأمريكية من أهم الملفات")), "ar");
  cr_assert_str_eq(nd_guess_lang(S("همکاری نظامی میان ایران و کشورهای همسایه یکی از پرونده‌های مهم است که گزارش شد")), "fa");
  cr_assert_str_eq(nd_guess_lang(S("پاکستان کے وزیر اعظم نے آج ایک اہم اجلاس کی صدارت کی اور بڑے فیصلے کیے")), "ur");
  cr_assert_str_eq(nd_guess_lang(S("שיתוף הפעולה הצבאי בין ישראל לארצות הברית התחזק בשנים האחרונות")), "he");
  cr_assert_str_eq(nd_guess_lang(S("The military cooperation between the two countries has grown in the last years")), "en");
  cr_assert_str_eq(nd_guess_lang(S("La coopération militaire entre les deux pays est une priorité pour la région")), "fr");
  cr_assert_str_eq(nd_guess_lang(S("Военное сотрудничество между двумя странами")), "ru");
  cr_assert_str_eq(nd_guess_lang(S("Η στρατιωτική συνεργασία")), "el");
  /* Arabic with Latin brand names stays Arabic. */
  cr_assert_str_eq(nd_guess_lang(S("تقوم شركة Apple بتطوير شاشات جهاز MicroLED الخاصة بها")), "ar");
  /* Too few letters. */
  cr_assert_null(nd_guess_lang(S("12 - 3")));
  cr_assert_null(nd_guess_lang(S("ab")));
}

#include <unicode/ubidi.h>
#include <unicode/ustring.h>

/* nd_text_dir reads ICU's bidi classes itself (no UTF-16 copy); it agrees
 * with ubidi_getBaseDirection on text without isolates. */
Test(lang, agrees_with_ubidi) {
  const char *samples[] = {"123 مرحبا Hello", "«2024» Apple تطلق", "שלום world", "...", "",
                           "\u200Fabc", "\u200Eمرحبا", "(CNN) -- دبي", "١٢٣ abc", "ـــ ب"};
  for (size_t i = 0; i < sizeof samples / sizeof *samples; i++) {
    UChar u[256];
    int32_t n = 0;
    UErrorCode err = U_ZERO_ERROR;
    u_strFromUTF8(u, 256, &n, samples[i], -1, &err);
    cr_assert(U_SUCCESS(err));
    UBiDiDirection b = ubidi_getBaseDirection(u, n);
    newsdoc_dir want = b == UBIDI_LTR ? NEWSDOC_DIR_LTR : b == UBIDI_RTL ? NEWSDOC_DIR_RTL : NEWSDOC_DIR_UNSET;
    cr_assert_eq(nd_text_dir(samples[i], strlen(samples[i])), want, "sample %zu", i);
  }
}

/* nd_guess_lang_dir (one pass) gives what nd_guess_lang and
 * nd_text_majority_dir give separately: isolates, marks, digits, Latin
 * islands, Persian/Urdu letters, text with too few letters, empty text. */
Test(lang, guess_lang_dir_agrees) {
  const char *samples[] = {
      "يُعتبر التعاون العسكري بين موريتانيا والولايات المتحدة",
      "همکاری نظامی میان ایران و کشورهای همسایه",
      "پاکستان کے وزیر اعظم نے آج ایک اہم اجلاس کی صدارت کی",
      "שיתוף הפעולה הצבאי בין ישראל",
      "The military cooperation between the two countries",
      "Apple و MicroLED في شركة كبيرة جدا",
      "مرحبا, this is mostly English text",
      "ab אב",
      "abc \u2067مرحبا بكم في كل مكان هنا\u2069 de",
      "\u2066English words inside an isolate\u2069 نص",
      "\u2069\u2069 نص \u2068 abc",
      "...",
      "",
      "12 - 3",
      "١٢٣ abc",
      "Военное сотрудничество между двумя странами",
      "ـــ ب",
  };
  for (size_t i = 0; i < sizeof samples / sizeof *samples; i++) {
    size_t n = strlen(samples[i]);
    newsdoc_dir d = (newsdoc_dir)-1;
    const char *lang = nd_guess_lang_dir(samples[i], n, &d);
    const char *want = nd_guess_lang(samples[i], n);
    cr_assert_eq(d, nd_text_majority_dir(samples[i], n), "sample %zu", i);
    if (want) cr_assert_str_eq(lang, want, "sample %zu", i);
    else cr_assert_null(lang, "sample %zu", i);
  }
  newsdoc_dir d = NEWSDOC_DIR_LTR;
  cr_assert_null(nd_guess_lang_dir(NULL, 0, &d));
  cr_assert_eq(d, NEWSDOC_DIR_UNSET);
}

/* Long random texts over every kind of character the guess counts (Arabic,
 * Persian and Urdu letters, Hebrew and Yiddish, Cyrillic and Ukrainian,
 * Latin stop words, isolates, digits, marks): the histogram path gives the
 * same language and direction as the character-at-a-time one, and the
 * direction is scan_dir's. */
Test(lang, histogram_path_agrees) {
  static const char *const POOL[] = {
      "\u0628", "\u0643", "\u064A", "\u0629", "\u06A9", "\u06CC", "\u067E", "\u0679", "\u06BA", "\u064E",
      "\u05D0", "\u05F0", "\u0430", "\u0456", "\u03B1", " ",      " ",      ".",      "1",      "\u0661",
      "the ",   "and ",   "der ",   "la ",    "x",      "\u2066", "\u2067", "\u2068", "\u2069", "\u200C",
      "\u00E9", "\u4E2D", "\u3042", "\U0001F600"};
  const size_t npool = sizeof POOL / sizeof *POOL;
  static char buf[8192];
  unsigned long long x = 0x2545F4914F6CDD1DULL;
  size_t saved = nd_guess_hist_min;
  for (int k = 0; k < 3000; k++) {
    size_t len = 0, want = 1100 + (size_t)(x % 6000);
    /* skewed mixes: a few characters of the pool dominate each text */
    size_t favour = (size_t)(x >> 20) % npool, favour2 = (size_t)(x >> 30) % npool;
    while (len < want) {
      x ^= x << 13;
      x ^= x >> 7;
      x ^= x << 17;
      size_t pick = x % 4 == 0 ? favour : x % 4 == 1 ? favour2 : (size_t)(x >> 8) % npool;
      const char *p = POOL[pick];
      size_t pl = strlen(p);
      if (len + pl >= sizeof buf) break;
      memcpy(buf + len, p, pl);
      len += pl;
    }
    newsdoc_dir dh = NEWSDOC_DIR_UNSET, dc = NEWSDOC_DIR_UNSET;
    nd_guess_hist_min = 0;
    const char *lh = nd_guess_lang_dir(buf, len, &dh), *lh2 = nd_guess_lang(buf, len);
    nd_guess_hist_min = (size_t)-1;
    const char *lc = nd_guess_lang_dir(buf, len, &dc);
    nd_guess_hist_min = saved;
    cr_assert_eq(dh, dc, "text %d: direction %d with the histogram, %d without", k, (int)dh, (int)dc);
    cr_assert_eq(dc, nd_text_majority_dir(buf, len), "text %d", k);
    cr_assert((lh == NULL) == (lc == NULL) && (!lh || !strcmp(lh, lc)), "text %d: %s with the histogram, %s without",
              k, lh ? lh : "none", lc ? lc : "none");
    cr_assert((lh2 == NULL) == (lc == NULL) && (!lh2 || !strcmp(lh2, lc)), "text %d (no direction)", k);
  }
}
