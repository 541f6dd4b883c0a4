/* test_text_width.c - display width in grapheme clusters (the writer's ICU
 * iterator and the reader's property-based count agree) and the byline
 * marker table (formats/text/width.c, markers.c). */
#include <criterion/criterion.h>
#include <string.h>

#include "formats/text/text.h"

static const char *const SAMPLES[] = {
    "plain ASCII",
    "نُعَلِّمُ الأطفالَ",                 /* Arabic with harakat: marks join their letter */
    "שָׁלוֹם עוֹלָם",                      /* Hebrew niqqud */
    "می\u200cخواهم",                    /* ZWNJ is Extend */
    "e\u0301te\u0301",                  /* combining acute (not NFC on purpose) */
    "\U0001F468\u200D\U0001F469\u200D\U0001F467 family", /* ZWJ emoji sequence: 1 cluster */
    "\U0001F1F8\U0001F1E6\U0001F1EF\U0001F1F4 flags",    /* two flags */
    "\uD55C\uAD6D\uC5B4 \u1100\u1161\u11A8",             /* Hangul syllables and jamo */
    "हिन्दी नमस्ते",                       /* Devanagari: virama and spacing marks */
    "\u200F\u200Emarks",                /* RLM, LRM are Control: their own clusters */
    "a\r\nb",
    "",
};

Test(text_width, iterator_and_properties_agree) {
  nd_width_state *w = nd_width_open();
  cr_assert_not_null(w);
  for (size_t i = 0; i < sizeof SAMPLES / sizeof *SAMPLES; i++) {
    const char *s = SAMPLES[i];
    size_t a = nd_text_width(w, s, strlen(s)), b = nd_text_width_fast(s, strlen(s));
    cr_assert_eq(a, b, "sample %zu: ICU %zu, properties %zu", i, a, b);
  }
  cr_assert_eq(nd_text_width(w, "نُعَلِّمُ", strlen("نُعَلِّمُ")), 4);
  cr_assert_eq(nd_text_width_fast("\U0001F468\u200D\U0001F469\u200D\U0001F467", 18), 1);
  nd_width_close(w);
}

Test(text_width, byline_markers) {
  size_t a, b;
  const char *s = "By Jane Smith";
  cr_assert(nd_text_find_marker(s, strlen(s), 1, &a, &b));
  cr_assert_eq(a, 0);
  cr_assert_eq(b, 2);
  s = "Written by Jane Smith";
  cr_assert(nd_text_find_marker(s, strlen(s), 1, &a, &b));
  cr_assert_eq(b, strlen("Written by"), "the longest marker wins");
  /* a word that merely starts like a marker is no marker */
  s = "Bystanders saw the fire";
  cr_assert(!nd_text_find_marker(s, strlen(s), 1, &a, &b));
  /* "By" only counts at the start; Arabic "بواسطة" anywhere */
  s = "Stand by me";
  cr_assert(!nd_text_find_marker(s, strlen(s), 0, &a, &b));
  s = "انتاج موقع الضمير بواسطة الصحفي محمد";
  cr_assert(nd_text_find_marker(s, strlen(s), 0, &a, &b));
  cr_assert(!strncmp(s + a, "بواسطة", b - a));
  cr_assert(!nd_text_find_marker(s, strlen(s), 1, &a, &b));
  /* attached prefixes make another word: وكتب is not كتب */
  s = "وكتب الرئيس على تويتر";
  cr_assert(!nd_text_find_marker(s, strlen(s), 1, &a, &b));
  s = "گزارش از مریم احمدی";
  cr_assert(nd_text_find_marker(s, strlen(s), 1, &a, &b));
  cr_assert_eq(b, strlen("گزارش از"));
  cr_assert_str_eq(nd_text_marker_for_lang("ar-EG"), "بقلم");
  cr_assert_str_eq(nd_text_marker_for_lang("he"), "מאת");
  cr_assert_str_eq(nd_text_marker_for_lang(NULL), "By");
}

/* Random strings over the characters every rule is about (two-byte letters
 * and marks, the two-byte pictographs © and ®, ZWJ, ZWNJ, controls, CR LF,
 * emoji, regional indicators, Hangul jamo, Devanagari conjuncts): the fast
 * count agrees with ICU's iterator on every one. */
Test(text_width, random_strings_agree) {
  static const char *const POOL[] = {
      "\u0628", "\u064E", "\u0651", "\u05E9", "\u05B8", "\u0430", "\u0301", "\u00E9", "\u00A9", "\u00AE",
      "\u200D", "\u200C", "\u200F", "\t",     "\r",     "\n",     " ",      "a",      "1",      "\U0001F468",
      "\U0001F1F8", "\u1100", "\u1161", "\u11A8", "\uD55C", "\u0915", "\u094D", "\u0937", "\u093F", "\u0903",
      "\u0600", "\u06DD", "\u0E33", "\uFE0F", "\u07FF", "\xC2\x80"};
  const size_t npool = sizeof POOL / sizeof *POOL;
  nd_width_state *w = nd_width_open();
  cr_assert_not_null(w);
  unsigned long long x = 0x9E3779B97F4A7C15ULL;
  char buf[512];
  for (int k = 0; k < 20000; k++) {
    size_t len = 0;
    int n = 1 + (int)(x % 40);
    for (int j = 0; j < n; j++) {
      x ^= x << 13;
      x ^= x >> 7;
      x ^= x << 17;
      const char *p = POOL[x % npool];
      size_t pl = strlen(p);
      if (len + pl >= sizeof buf) break;
      memcpy(buf + len, p, pl);
      len += pl;
    }
    size_t a = nd_text_width(w, buf, len), b = nd_text_width_fast(buf, len);
    cr_assert_eq(a, b, "string %d (%.*s): ICU %zu, properties %zu", k, (int)len, buf, a, b);
  }
  nd_width_close(w);
}
