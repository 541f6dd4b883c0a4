/* ucache.c - see ucache.h. */
#include <pthread.h>
#include <string.h>
#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/uscript.h>

#include "ucache.h"

#define ND_UCACHE_N (0x800 + 0x70)
static nd_ucp table[ND_UCACHE_N];
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void fill_one(nd_ucp *e, UChar32 c) {
  e->dir = (uint8_t)u_charDirection(c);
  e->gcb = (uint8_t)u_getIntPropertyValue(c, UCHAR_GRAPHEME_CLUSTER_BREAK);
  UErrorCode err = U_ZERO_ERROR;
  UScriptCode sc = uscript_getScript(c, &err);
  e->script = U_SUCCESS(err) && sc >= 0 && sc < ND_UCP_SCRIPT_OTHER ? (uint8_t)sc : ND_UCP_SCRIPT_OTHER;
  e->ccc = u_getCombiningClass(c);
  e->flags = (uint8_t)((u_isalpha(c) ? ND_UCP_ALPHA : 0) |
                       (u_hasBinaryProperty(c, UCHAR_EXTENDED_PICTOGRAPHIC) ? ND_UCP_PICT : 0) |
                       (u_getIntPropertyValue(c, UCHAR_NFC_QUICK_CHECK) == UNORM_YES ? ND_UCP_NFC_YES : 0));
}

static void fill(void) {
  for (UChar32 c = 0; c < 0x800; c++) fill_one(&table[c], c);
  for (UChar32 c = 0x2000; c < 0x2070; c++) fill_one(&table[0x800 + (c - 0x2000)], c);
}

const nd_ucp *nd_ucache(void) {
  pthread_once(&once, fill);
  return table;
}

int nd_nfc_quick(const char *s, size_t len) {
  const nd_ucp *t = nd_ucache();
  const unsigned char *u = (const unsigned char *)s;
  unsigned prev_ccc = 0;
  size_t i = 0;
  while (i < len) {
    if (u[i] < 0x80) {
      /* ASCII: NFC_QC=Yes, ccc 0; eight bytes at a time */
      i++;
      prev_ccc = 0;
      for (uint64_t w; i + 8 <= len; i += 8) {
        memcpy(&w, u + i, 8);
        if (w & 0x8080808080808080ull) break;
      }
      continue;
    }
    const nd_ucp *e = nd_ucp_of(t, nd_ucp_next(s, len, &i));
    /* outside the table (U+FFFD for a bad sequence is too) */
    if (!e) return 0;
    if (!(e->flags & ND_UCP_NFC_YES)) return 0;
    if (e->ccc && prev_ccc > e->ccc) return 0;
    prev_ccc = e->ccc;
  }
  return 1;
}
