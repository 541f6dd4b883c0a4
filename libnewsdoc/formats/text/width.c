/* width.c - display width in grapheme clusters (ICU character breaks). */
#include <unicode/ubrk.h>
#include <unicode/utext.h>

#include "text.h"

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
  while (i < len && (unsigned char)s[i] < 0x80) i++;
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
