/* lang.c - language and direction from tags and from text, with ICU
 * (uloc for tags, u_charDirection for bidi classes, uscript for scripts). */
#include <unicode/uchar.h>
#include <unicode/uloc.h>
#include <unicode/uscript.h>

#include "../internal.h"
#include "ucache.h"

/* ---- tags ------------------------------------------------------------------- */

static int ascii_ieq(const char *a, size_t alen, const char *b) {
  size_t blen = strlen(b);
  if (alen != blen) return 0;
  for (size_t i = 0; i < alen; i++) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = (char)(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = (char)(y - 'A' + 'a');
    if (x != y) return 0;
  }
  return 1;
}

int nd_lang_is_rtl(const char *lang) {
  if (!lang || !*lang) return 0;
  /* Walk the subtags: the language first, then a 4-letter script. */
  static const char *const rtl_langs[] = {"ar", "he", "iw", "fa", "ur", "ps", "sd", "ug", "yi", "ji", "dv", "ckb",
                                          "syr", "arc", "nqo", "ks", "bal", "glk", "mzn", "lrc", "bqi", "prs",
                                          "pnb", "sdh", "azb", "khw", NULL};
  static const char *const rtl_scripts[] = {"arab", "hebr", "thaa", "syrc", "nkoo", "adlm", "rohg", "mand", "samr",
                                            "mend", "narb", "sarb", "phnx", "avst", "nbat", "palm", "hatr", NULL};
  static const char *const ltr_scripts[] = {"latn", "cyrl", "grek", "deva", "hani", "hans", "hant", "jpan",
                                            "kore", "thai", "armn", "geor", "ethi", "beng", "taml", "mong", NULL};
  const char *p = lang;
  size_t n = strcspn(p, "-_");
  int lang_rtl = 0;
  for (size_t i = 0; rtl_langs[i]; i++)
    if (ascii_ieq(p, n, rtl_langs[i])) lang_rtl = 1;
  while (p[n]) {
    p += n + 1;
    n = strcspn(p, "-_");
    if (n == 4) {
      for (size_t i = 0; rtl_scripts[i]; i++)
        if (ascii_ieq(p, n, rtl_scripts[i])) return 1;
      for (size_t i = 0; ltr_scripts[i]; i++)
        if (ascii_ieq(p, n, ltr_scripts[i])) return 0;
    }
  }
  if (lang_rtl) return 1;
  /* Anything else: ask ICU (likely subtags, e.g. "ms-Arab" or a language
   * we do not list).  uloc_* only read locale data; no global state. */
  char id[ULOC_FULLNAME_CAPACITY];
  UErrorCode err = U_ZERO_ERROR;
  int32_t parsed = 0;
  uloc_forLanguageTag(lang, id, (int32_t)sizeof id, &parsed, &err);
  if (U_FAILURE(err) || parsed <= 0) return 0;
  return uloc_isRightToLeft(id) ? 1 : 0;
}

/* ---- direction ---------------------------------------------------------------- */

/* The strong characters of a text (UAX #9 classes, text inside isolates
 * skipped, P2): counted for the majority, and the first one. */
typedef struct dir_tally {
  size_t ltr, rtl;
  int isolate;
  newsdoc_dir first;
} dir_tally;

static inline void tally_strong(dir_tally *t, newsdoc_dir d) {
  if (t->isolate) return;
  if (d == NEWSDOC_DIR_LTR) t->ltr++;
  else t->rtl++;
  if (t->first == NEWSDOC_DIR_UNSET) t->first = d;
}

static inline void tally_class(dir_tally *t, UCharDirection d) {
  switch (d) {
    case U_LEFT_TO_RIGHT_ISOLATE:
    case U_RIGHT_TO_LEFT_ISOLATE:
    case U_FIRST_STRONG_ISOLATE: t->isolate++; break;
    case U_POP_DIRECTIONAL_ISOLATE:
      if (t->isolate) t->isolate--;
      break;
    case U_LEFT_TO_RIGHT: tally_strong(t, NEWSDOC_DIR_LTR); break;
    case U_RIGHT_TO_LEFT:
    case U_RIGHT_TO_LEFT_ARABIC: tally_strong(t, NEWSDOC_DIR_RTL); break;
    default: break;
  }
}

static newsdoc_dir tally_majority(const dir_tally *t) {
  if (t->ltr > t->rtl) return NEWSDOC_DIR_LTR;
  if (t->rtl > t->ltr) return NEWSDOC_DIR_RTL;
  return t->first;
}

/* The first strong direction, or (majority) the one most strong
 * characters have. */
static newsdoc_dir scan_dir(const char *s, size_t len, int majority) {
  if (!s) return NEWSDOC_DIR_UNSET;
  dir_tally t = {0, 0, 0, NEWSDOC_DIR_UNSET};
  size_t i = 0;
  while (i < len) {
    if ((unsigned char)s[i] < 0x80) {
      unsigned char c = (unsigned char)s[i++];
      if ((c | 0x20) < 'a' || (c | 0x20) > 'z') continue;
      tally_strong(&t, NEWSDOC_DIR_LTR);
    } else {
      uint32_t cp = nd_ucp_next(s, len, &i);
      const nd_ucp *e = nd_ucp_get(cp);
      tally_class(&t, e ? (UCharDirection)e->dir : u_charDirection((UChar32)cp));
    }
    if (!majority && t.first != NEWSDOC_DIR_UNSET) return t.first;
  }
  return majority ? tally_majority(&t) : NEWSDOC_DIR_UNSET;
}

newsdoc_dir nd_text_dir(const char *s, size_t len) { return scan_dir(s, len, 0); }
newsdoc_dir nd_text_majority_dir(const char *s, size_t len) { return scan_dir(s, len, 1); }

/* ---- language guess ------------------------------------------------------------ */

/* The letters that tell Persian and Urdu from Arabic (all in the Arabic
 * script): Persian/Urdu keheh, farsi yeh, peh, tcheh, jeh, gaf; Urdu-only
 * tteh, ddal, rreh, noon ghunna, yeh barree, heh goal, heh doachashmee;
 * Arabic-only kaf, yeh, teh marbuta. */
enum { L_NONE, L_FA, L_UR, L_AR };
static int arabic_letter_kind(uint32_t c) {
  switch (c) {
    case 0x06A9: case 0x06CC: case 0x067E: case 0x0686: case 0x0698: case 0x06AF: return L_FA;
    case 0x0679: case 0x0688: case 0x0691: case 0x06BA: case 0x06D2: case 0x06C1: case 0x06BE: return L_UR;
    case 0x0643: case 0x064A: case 0x0629: return L_AR;
    default: return L_NONE;
  }
}

/* A few very frequent function words per Latin-script language: the only
 * way to tell them apart without a model.  Lower-case ASCII/Latin-1. */
typedef struct {
  const char *lang;
  const char *words[10];
} nd_stopwords;
static const nd_stopwords latin_words[] = {
    {"en", {"the", "and", "of", "to", "is", "in", "that", "was", "for", "with"}},
    {"fr", {"le", "la", "les", "et", "des", "est", "une", "du", "dans", "pour"}},
    {"es", {"el", "los", "las", "y", "que", "del", "por", "una", "con", "para"}},
    {"de", {"der", "die", "und", "das", "ist", "nicht", "mit", "den", "ein", "von"}},
    {"it", {"il", "di", "che", "della", "per", "non", "sono", "gli", "una", "nel"}},
    {"pt", {"o", "os", "que", "do", "da", "em", "um", "uma", "para", "com"}},
};
#define N_LATIN (sizeof latin_words / sizeof latin_words[0])

static void count_latin_word(const char *w, size_t n, size_t *votes) {
  if (n == 0 || n > 6) return;
  char low[8];
  for (size_t i = 0; i < n; i++) {
    char c = w[i];
    low[i] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
  }
  low[n] = 0;
  for (size_t l = 0; l < N_LATIN; l++)
    for (size_t k = 0; k < 10 && latin_words[l].words[k]; k++)
      if (!strcmp(low, latin_words[l].words[k])) votes[l]++;
}

enum { S_ARAB, S_HEBR, S_LATN, S_CYRL, S_GREK, S_HAN, S_KANA, S_HANG, S_THAI, S_DEVA, S_THAA, S_SYRC, S_ARMN,
       S_GEOR, S_N };

/* What the guess counts. */
typedef struct guess_counts {
  dir_tally dt;
  size_t sc[S_N];
  size_t fa, ur, ar, yi, uk;
  size_t letters;
} guess_counts;

/* How count_cp counts the direction: not at all, as the scan meets the
 * character (isolates, the first strong one), or as n occurrences from the
 * histogram (met outside any isolate once the first strong one was known,
 * so a plain count, whatever the isolate state is by the end). */
enum { DIR_NONE, DIR_LIVE, DIR_HIST };

/* Counts n occurrences of the non-ASCII code point c. */
static void count_cp(guess_counts *g, uint32_t c, size_t n, int dir_mode) {
  const nd_ucp *e = nd_ucp_get(c);
  UCharDirection d = e ? (UCharDirection)e->dir : u_charDirection((UChar32)c);
  if (dir_mode == DIR_LIVE) {
    tally_class(&g->dt, d);
  } else if (dir_mode == DIR_HIST) {
    if (d == U_LEFT_TO_RIGHT) g->dt.ltr += n;
    else if (d == U_RIGHT_TO_LEFT || d == U_RIGHT_TO_LEFT_ARABIC) g->dt.rtl += n;
  }
  UScriptCode code;
  if (e && e->script != ND_UCP_SCRIPT_OTHER) {
    if (!(e->flags & ND_UCP_ALPHA)) return;
    code = (UScriptCode)e->script;
  } else {
    if (!u_isalpha((UChar32)c)) return;
    UErrorCode err = U_ZERO_ERROR;
    code = uscript_getScript((UChar32)c, &err);
    if (U_FAILURE(err)) {
      g->letters += n;
      return;
    }
  }
  g->letters += n;
  size_t *sc = g->sc;
  switch (code) {
    case USCRIPT_ARABIC:
      sc[S_ARAB] += n;
      switch (arabic_letter_kind(c)) {
        case L_FA: g->fa += n; break;
        case L_UR: g->ur += n; break;
        case L_AR: g->ar += n; break;
        default: break;
      }
      break;
    case USCRIPT_HEBREW:
      sc[S_HEBR] += n;
      if (c >= 0x05F0 && c <= 0x05F2) g->yi += n;
      break;
    case USCRIPT_LATIN: sc[S_LATN] += n; break;
    case USCRIPT_CYRILLIC:
      sc[S_CYRL] += n;
      if (c == 0x0456 || c == 0x0457 || c == 0x0454 || c == 0x0491 || c == 0x0406 || c == 0x0407 || c == 0x0404 ||
          c == 0x0490)
        g->uk += n;
      break;
    case USCRIPT_GREEK: sc[S_GREK] += n; break;
    case USCRIPT_HAN: sc[S_HAN] += n; break;
    case USCRIPT_HIRAGANA:
    case USCRIPT_KATAKANA: sc[S_KANA] += n; break;
    case USCRIPT_HANGUL: sc[S_HANG] += n; break;
    case USCRIPT_THAI: sc[S_THAI] += n; break;
    case USCRIPT_DEVANAGARI: sc[S_DEVA] += n; break;
    case USCRIPT_THAANA: sc[S_THAA] += n; break;
    case USCRIPT_SYRIAC: sc[S_SYRC] += n; break;
    case USCRIPT_ARMENIAN: sc[S_ARMN] += n; break;
    case USCRIPT_GEORGIAN: sc[S_GEOR] += n; break;
    default: break;
  }
}

/* Texts at least this long count their two-byte characters (U+0080 to
 * U+07FF: Arabic, Hebrew, Greek, Cyrillic, ...) in a histogram first and
 * look each distinct one up once, after the scan. */
size_t nd_guess_hist_min = 1024;

/* The language guess, and with dir (not NULL) the majority direction in
 * the same pass over the text. */
static const char *guess(const char *s, size_t len, newsdoc_dir *dir) {
  if (dir) *dir = NEWSDOC_DIR_UNSET;
  if (!s) return NULL;
  guess_counts g;
  memset(&g, 0, sizeof g);
  g.dt.first = NEWSDOC_DIR_UNSET;
  size_t *sc = g.sc;
  size_t votes[N_LATIN] = {0};
  uint32_t hist[0x800 - 0x80];
  int use_hist = len >= nd_guess_hist_min;
  if (use_hist) memset(hist, 0, sizeof hist);
  size_t i = 0;
  size_t wstart = 0, wlen = 0; /* current ASCII word */
  /* whether the histogram may take two-byte characters now: with the
   * direction, only outside isolates once the first strong one is known */
#define HIST_OK() (use_hist && (!dir || (!g.dt.isolate && g.dt.first != NEWSDOC_DIR_UNSET)))
  int hist_ok = HIST_OK();
  while (i < len) {
    if (hist_ok && !wlen) {
      /* the bulk of a non-Latin text: two-byte letters into the histogram,
       * ASCII that is not a letter passed over; anything else below */
      while (i + 1 < len) {
        unsigned char c0 = (unsigned char)s[i], c1 = (unsigned char)s[i + 1];
        if (c0 < 0x80) {
          if ((c0 | 0x20) >= 'a' && (c0 | 0x20) <= 'z') break;
          i++;
        } else if (c0 >= 0xC2 && c0 <= 0xDF && (c1 & 0xC0) == 0x80) {
          hist[(((uint32_t)(c0 & 0x1F) << 6) | (c1 & 0x3F)) - 0x80]++;
          i += 2;
        } else {
          break;
        }
      }
      if (i >= len) break;
    }
    unsigned char b = (unsigned char)s[i];
    if (b < 0x80) {
      int alpha = (b | 0x20) >= 'a' && (b | 0x20) <= 'z';
      if (alpha) {
        if (!wlen) wstart = i;
        wlen++;
        sc[S_LATN]++;
        g.letters++;
        if (dir && !hist_ok) {
          tally_strong(&g.dt, NEWSDOC_DIR_LTR);
          hist_ok = HIST_OK();
        } else if (dir) {
          g.dt.ltr++; /* outside isolates, first already known */
        }
      } else {
        if (wlen) count_latin_word(s + wstart, wlen, votes);
        wlen = 0;
      }
      i++;
      continue;
    }
    if (wlen) count_latin_word(s + wstart, wlen, votes);
    wlen = 0;
    if (hist_ok && b >= 0xC2 && b <= 0xDF && i + 1 < len && ((unsigned char)s[i + 1] & 0xC0) == 0x80) {
      hist[(((uint32_t)(b & 0x1F) << 6) | ((unsigned char)s[i + 1] & 0x3F)) - 0x80]++;
      i += 2;
      continue;
    }
    size_t at = i; /* i itself stays in a register */
    uint32_t c = nd_ucp_next(s, len, &at);
    i = at;
    count_cp(&g, c, 1, dir ? DIR_LIVE : DIR_NONE);
    hist_ok = HIST_OK();
  }
#undef HIST_OK
  if (use_hist)
    for (uint32_t c = 0x80; c < 0x800; c++)
      if (hist[c - 0x80]) count_cp(&g, c, hist[c - 0x80], dir ? DIR_HIST : DIR_NONE);
  if (wlen) count_latin_word(s + wstart, wlen, votes);
  if (dir) *dir = tally_majority(&g.dt);
  if (g.letters < 3) return NULL;
  /* Japanese text mixes kana with Han: any real share of kana decides. */
  if (sc[S_KANA] * 10 >= sc[S_HAN] + sc[S_KANA] && sc[S_KANA] >= 2) sc[S_KANA] += sc[S_HAN];
  int best = 0;
  for (int k = 1; k < S_N; k++)
    if (sc[k] > sc[best]) best = k;
  if (sc[best] < 3) return NULL;
  switch (best) {
    case S_ARAB:
      /* Urdu has letters Persian lacks; Persian has keheh and farsi yeh
       * where Arabic writes kaf and yeh. */
      if (g.ur >= 3 && g.ur * 50 >= sc[S_ARAB]) return "ur";
      if (g.fa > g.ar) return "fa";
      return "ar";
    case S_HEBR: return (g.yi >= 2 && g.yi * 100 >= sc[S_HEBR]) ? "yi" : "he";
    case S_LATN: {
      size_t bestv = 0;
      int bl = -1;
      for (size_t l = 0; l < N_LATIN; l++) {
        if (votes[l] > bestv) {
          bestv = votes[l];
          bl = (int)l;
        }
      }
      if (bl < 0 || bestv < 2) return NULL;
      return latin_words[bl].lang;
    }
    case S_CYRL: return g.uk >= 2 ? "uk" : "ru";
    case S_GREK: return "el";
    case S_HAN: return "zh";
    case S_KANA: return "ja";
    case S_HANG: return "ko";
    case S_THAI: return "th";
    case S_DEVA: return "hi";
    case S_THAA: return "dv";
    case S_SYRC: return "syr";
    case S_ARMN: return "hy";
    case S_GEOR: return "ka";
    default: return NULL;
  }
}

const char *nd_guess_lang(const char *s, size_t len) { return guess(s, len, NULL); }

const char *nd_guess_lang_dir(const char *s, size_t len, newsdoc_dir *dir) { return guess(s, len, dir); }
