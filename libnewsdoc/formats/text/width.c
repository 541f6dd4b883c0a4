/* width.c - display width in grapheme clusters (ICU character breaks). */
#include <unicode/ubrk.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/utext.h>

#include "text.h"
#include "../../core/ucache.h"

struct nd_width_state {
  UBreakIterator *bi;
  UText *ut;
};

nd_width_state *nd_width_open(void) {
  nd_width_state *w = nd_calloc(1, sizeof *w);
  if (!w) return NULL;
  UErrorCode err = U_ZERO_ERROR;
  w->bi = ubrk_open(UBRK_CHARACTER, "", NULL, 0, &err);
  if (U_FAILURE(err)) w->bi = NULL;
  return w;
}

void nd_width_close(nd_width_state *w) {
  if (!w) return;
  if (w->bi) ubrk_close(w->bi);
  if (w->ut) utext_close(w->ut);
  nd_free(w);
}

size_t nd_text_width(nd_width_state *w, const char *s, size_t len) {
  size_t i = 0;
  while (i < len && (unsigned char)s[i] < 0x80 && s[i] != '\r') i++;
  if (i == len) return len;
  if (!w || !w->bi || len > INT32_MAX) {
    /* No ICU iterator: count code points that are not continuation bytes. */
    size_t n = 0;
    for (size_t k = 0; k < len; k++) n += ((unsigned char)s[k] & 0xC0) != 0x80;
    return n;
  }
  UErrorCode err = U_ZERO_ERROR;
  w->ut = utext_openUTF8(w->ut, s, (int64_t)len, &err);
  if (U_FAILURE(err)) return len;
  ubrk_setUText(w->bi, w->ut, &err);
  if (U_FAILURE(err)) return len;
  size_t n = 0;
  ubrk_first(w->bi);
  while (ubrk_next(w->bi) != UBRK_DONE) n++;
  return n;
}

/* The same count from the Grapheme_Cluster_Break property with the rules
 * of UAX #29 (GB3-GB13), without a break iterator: several times faster,
 * for the reader, which measures every line.  test_text_width checks it
 * against ICU's iterator. */
/* ICU's tailoring for Indic conjuncts (its char.txt): a consonant, a
 * virama, then a consonant stay one cluster, in these scripts. */
static int linking_script(uint32_t cp) {
  UErrorCode err = U_ZERO_ERROR;
  UScriptCode sc = uscript_getScript((UChar32)cp, &err);
  return U_SUCCESS(err) && (sc == USCRIPT_DEVANAGARI || sc == USCRIPT_BENGALI || sc == USCRIPT_GUJARATI ||
                            sc == USCRIPT_ORIYA || sc == USCRIPT_TELUGU || sc == USCRIPT_MALAYALAM);
}
static int linking_consonant(uint32_t cp) {
  return cp >= 0x0900 && cp <= 0x0D7F &&
         u_getIntPropertyValue((UChar32)cp, UCHAR_INDIC_SYLLABIC_CATEGORY) == U_INSC_CONSONANT && linking_script(cp);
}

size_t nd_text_width_fast(const char *s, size_t len) {
  size_t i = 0;
  while (i < len && (unsigned char)s[i] < 0x80 && s[i] != '\r') i++;
  if (i == len) return len;
  size_t n = 0;
  int prev = -1, ri = 0, pict_zwj = 0, in_pict = 0;
  int conj = 0; /* 1: after a linking consonant; 2: and then a virama */
  i = 0;
  while (i < len) {
    uint32_t cp;
    int g, pict;
    /* Runs of two-byte letters and marks (Arabic, Hebrew, Cyrillic, ...)
     * after a letter or a mark, outside a conjunct or an emoji sequence:
     * a letter (Other) starts a cluster, a mark (Extend) joins the one
     * before (GB9), and every state stays zero.  The same decisions as the
     * loop below, without its rule chain. */
    if (!conj && !in_pict && (prev == U_GCB_OTHER || prev == U_GCB_EXTEND || prev == U_GCB_SPACING_MARK)) {
      while (i + 1 < len) {
        unsigned char b0 = (unsigned char)s[i], b1 = (unsigned char)s[i + 1];
        if (b0 < 0xC2 || b0 > 0xDF || (b1 & 0xC0) != 0x80) break;
        const nd_ucp *e = nd_ucp_get(((uint32_t)(b0 & 0x1F) << 6) | (b1 & 0x3F));
        if (e->flags & ND_UCP_PICT) break;
        if (e->gcb == U_GCB_OTHER) n++;
        else if (e->gcb != U_GCB_EXTEND) break;
        prev = e->gcb;
        i += 2;
      }
      if (i >= len) break;
    }
    if ((unsigned char)s[i] < 0x80) {
      cp = (unsigned char)s[i++];
      g = cp == '\r' ? U_GCB_CR : cp == '\n' ? U_GCB_LF : cp < 0x20 || cp == 0x7F ? U_GCB_CONTROL : U_GCB_OTHER;
      pict = 0;
    } else {
      cp = nd_ucp_next(s, len, &i);
      const nd_ucp *e = nd_ucp_get(cp);
      if (e) {
        g = e->gcb;
        pict = (e->flags & ND_UCP_PICT) != 0;
      } else {
        g = u_getIntPropertyValue((UChar32)cp, UCHAR_GRAPHEME_CLUSTER_BREAK);
        pict = u_hasBinaryProperty((UChar32)cp, UCHAR_EXTENDED_PICTOGRAPHIC);
      }
    }
    /* The common case, a letter after a letter or a mark (below U+0900, so
     * no conjunct): a new cluster, and every state back to zero. */
    if (g == U_GCB_OTHER && !pict && !conj && cp < 0x900 &&
        (prev == U_GCB_OTHER || prev == U_GCB_EXTEND || prev == U_GCB_SPACING_MARK)) {
      n++;
      in_pict = pict_zwj = ri = 0;
      prev = g;
      continue;
    }
    int brk;
    if (prev < 0) brk = 1;
    else if (prev == U_GCB_CR && g == U_GCB_LF) brk = 0;
    else if (prev == U_GCB_CONTROL || prev == U_GCB_CR || prev == U_GCB_LF) brk = 1;
    else if (g == U_GCB_CONTROL || g == U_GCB_CR || g == U_GCB_LF) brk = 1;
    else if (prev == U_GCB_L && (g == U_GCB_L || g == U_GCB_V || g == U_GCB_LV || g == U_GCB_LVT)) brk = 0;
    else if ((prev == U_GCB_LV || prev == U_GCB_V) && (g == U_GCB_V || g == U_GCB_T)) brk = 0;
    else if ((prev == U_GCB_LVT || prev == U_GCB_T) && g == U_GCB_T) brk = 0;
    else if (g == U_GCB_EXTEND || g == U_GCB_ZWJ || g == U_GCB_SPACING_MARK) brk = 0;
    else if (conj == 2 && linking_consonant(cp)) brk = 0;
    else if (prev == U_GCB_PREPEND) brk = 0;
    else if (prev == U_GCB_ZWJ && pict_zwj && pict) brk = 0;
    else if (prev == U_GCB_REGIONAL_INDICATOR && g == U_GCB_REGIONAL_INDICATOR && (ri & 1)) brk = 0;
    else brk = 1;
    n += brk;
    /* state for the conjunct rule */
    if (cp >= 0x0900 && cp <= 0x0D7F && linking_consonant(cp)) conj = 1;
    else if (conj && u_getCombiningClass((UChar32)cp) == 9 && linking_script(cp)) conj = 2;
    else if (conj && (g == U_GCB_ZWJ || (g == U_GCB_EXTEND && u_getCombiningClass((UChar32)cp) != 0))) {
    } else conj = 0;
    /* state for GB11 (ExtPict Extend* ZWJ x ExtPict) and GB12/13 */
    pict_zwj = g == U_GCB_ZWJ && in_pict; /* in_pict: ExtPict Extend* up to here */
    if (pict) in_pict = 1;
    else if (g != U_GCB_EXTEND) in_pict = 0; /* a ZWJ ends it too: no ExtPict ZWJ ZWJ x ExtPict */
    ri = g == U_GCB_REGIONAL_INDICATOR ? ri + 1 : 0;
    prev = g;
  }
  return n;
}
