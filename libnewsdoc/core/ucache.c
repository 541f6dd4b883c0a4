/* ucache.c - see ucache.h. */
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/uscript.h>

#include "ucache.h"

nd_ucp nd_ucache_table[ND_UCACHE_N];
atomic_uchar nd_ucache_ready[ND_UCACHE_BLOCKS];
static pthread_mutex_t fill_lock = PTHREAD_MUTEX_INITIALIZER;

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

/* Table slot k holds U+k below 0x800 and U+2000+(k-0x800) above. */
const nd_ucp *nd_ucache_fill(size_t block) {
  pthread_mutex_lock(&fill_lock);
  if (!atomic_load_explicit(&nd_ucache_ready[block], memory_order_relaxed)) {
    for (size_t k = block * ND_UCACHE_BLOCK; k < (block + 1) * ND_UCACHE_BLOCK; k++)
      fill_one(&nd_ucache_table[k], (UChar32)(k < 0x800 ? k : 0x2000 + (k - 0x800)));
    atomic_store_explicit(&nd_ucache_ready[block], 1, memory_order_release);
  }
  pthread_mutex_unlock(&fill_lock);
  return nd_ucache_table;
}

int nd_nfc_quick(const char *s, size_t len) {
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
    /* Arabic, Hebrew or Persian words: two-byte letters (NFC_QC=Yes,
     * ccc 0) and single ASCII bytes in a tight loop */
    while (i + 1 < len) {
      unsigned a = u[i], b = u[i + 1];
      if (a < 0x80) {
        i++;
        prev_ccc = 0;
        continue;
      }
      if (a - 0xC2u > 0xDFu - 0xC2u || (b & 0xC0) != 0x80) break;
      const nd_ucp *e = nd_ucp_get(((a & 0x1Fu) << 6) | (b & 0x3Fu));
      if (e->ccc || !(e->flags & ND_UCP_NFC_YES)) break;
      prev_ccc = 0;
      i += 2;
    }
    if (i >= len) break;
    if (u[i] < 0x80) continue;
    size_t at = i;
    uint32_t cp = nd_ucp_next(s, len, &i);
    const nd_ucp *e = nd_ucp_get(cp);
    unsigned ccc;
    if (e) {
      if (!(e->flags & ND_UCP_NFC_YES)) return 0;
      ccc = e->ccc;
    } else {
      /* U+FFFD may stand for a bad sequence: then the slow path replaces it */
      if (cp == 0xFFFD && !(i - at == 3 && u[at] == 0xEF && u[at + 1] == 0xBF && u[at + 2] == 0xBD)) return 0;
      if (u_getIntPropertyValue((UChar32)cp, UCHAR_NFC_QUICK_CHECK) != UNORM_YES) return 0;
      ccc = u_getCombiningClass((UChar32)cp);
    }
    if (ccc && prev_ccc > ccc) return 0;
    prev_ccc = ccc;
  }
  return 1;
}
