/* decode.c - bytes of unknown encoding to UTF-8 NFC, with ICU (ucnv,
 * ucsdet, unorm2). */
#include <unicode/ucnv.h>
#include <unicode/ucnv_cb.h>
#include <unicode/ucsdet.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>

#include "../internal.h"
#include "ucache.h"

/* ---- NFC ---------------------------------------------------------------- */

/* Append NFC of the UTF-16 text u[0..n) to out as UTF-8. */
static int put_nfc_utf16(nd_buf *out, const UChar *u, int32_t n) {
  UErrorCode err = U_ZERO_ERROR;
  const UNormalizer2 *nfc = unorm2_getNFCInstance(&err);
  if (U_FAILURE(err)) return newsdoc_error_set(NEWSDOC_EENCODING, "decode: ICU NFC unavailable (%s)", u_errorName(err));
  UChar *norm = NULL;
  const UChar *src = u;
  int32_t srclen = n;
  int32_t span = unorm2_spanQuickCheckYes(nfc, u, n, &err);
  if (U_FAILURE(err)) return newsdoc_error_set(NEWSDOC_EENCODING, "decode: NFC check failed (%s)", u_errorName(err));
  if (span < n) {
    /* NFC may grow text up to 3x in pathological cases; ICU tells us. */
    int32_t cap = n + n / 4 + 16;
    for (int attempt = 0; attempt < 2; attempt++) {
      if ((size_t)cap > SIZE_MAX / sizeof(UChar)) return nd_oom("decode: NFC");
      norm = nd_malloc((size_t)cap * sizeof(UChar));
      if (!norm) return nd_oom("decode: NFC");
      memcpy(norm, u, (size_t)span * sizeof(UChar));
      err = U_ZERO_ERROR;
      int32_t got = unorm2_normalizeSecondAndAppend(nfc, norm, span, cap, u + span, n - span, &err);
      if (err == U_BUFFER_OVERFLOW_ERROR && attempt == 0) {
        nd_free(norm);
        norm = NULL;
        cap = got + 1;
        continue;
      }
      if (U_FAILURE(err)) {
        nd_free(norm);
        return newsdoc_error_set(NEWSDOC_EENCODING, "decode: NFC failed (%s)", u_errorName(err));
      }
      src = norm;
      srclen = got;
      break;
    }
  }
  /* UTF-16 -> UTF-8: at most 3 bytes per unit. */
  if ((size_t)srclen > (SIZE_MAX - 16) / 3) {
    nd_free(norm);
    return nd_oom("decode: UTF-8");
  }
  if (nd_buf_reserve(out, (size_t)srclen * 3 + 1)) {
    nd_free(norm);
    return nd_oom("decode: UTF-8");
  }
  int32_t wrote = 0;
  err = U_ZERO_ERROR;
  int32_t cap8 = (int32_t)((size_t)srclen * 3 + 1 > INT32_MAX ? INT32_MAX : (size_t)srclen * 3 + 1);
  u_strToUTF8WithSub(out->data + out->len, cap8, &wrote, src, srclen, 0xFFFD, NULL, &err);
  nd_free(norm);
  if (U_FAILURE(err) && err != U_STRING_NOT_TERMINATED_WARNING)
    return newsdoc_error_set(NEWSDOC_EENCODING, "decode: UTF-8 output failed (%s)", u_errorName(err));
  out->len += (size_t)wrote;
  out->data[out->len] = 0;
  return 0;
}

static int is_ascii(const char *s, size_t len) {
  size_t i = 0;
  for (uint64_t w; i + 8 <= len; i += 8) { /* eight bytes at a time */
    memcpy(&w, s + i, 8);
    if (w & 0x8080808080808080ull) return 0;
  }
  for (; i < len; i++)
    if ((unsigned char)s[i] >= 0x80) return 0;
  return 1;
}

int nd_nfc(nd_buf *out, const char *s, size_t len) {
  if (!out || (!s && len)) return newsdoc_error_set(NEWSDOC_EUSAGE, "nd_nfc: NULL argument");
  if (is_ascii(s, len) || nd_nfc_quick(s, len)) {
    nd_buf_put(out, s, len);
    return nd_buf_ok(out) ? 0 : nd_oom("nfc");
  }
  if (len > (size_t)INT32_MAX / 2) return newsdoc_error_set(NEWSDOC_ELIMIT_SIZE, "nfc: text too large");
  UChar *u = nd_malloc((len + 1) * sizeof(UChar));
  if (!u) return nd_oom("nfc");
  int32_t n = 0;
  UErrorCode err = U_ZERO_ERROR;
  u_strFromUTF8WithSub(u, (int32_t)len + 1, &n, s, (int32_t)len, 0xFFFD, NULL, &err);
  if (U_FAILURE(err)) {
    nd_free(u);
    return newsdoc_error_set(NEWSDOC_EENCODING, "nfc: invalid text (%s)", u_errorName(err));
  }
  int rc = put_nfc_utf16(out, u, n);
  nd_free(u);
  return rc;
}

/* ---- decoding ------------------------------------------------------------ */

typedef struct {
  size_t bad; /* illegal / unassigned byte sequences replaced */
} nd_decode_state;

/* Every illegal, irregular or unassigned sequence becomes U+FFFD (ICU's
 * default would give U+001A for some single-byte charsets). */
static void U_CALLCONV to_u_fffd(const void *context, UConverterToUnicodeArgs *args, const char *codeUnits,
                                 int32_t length, UConverterCallbackReason reason, UErrorCode *err) {
  (void)codeUnits;
  (void)length;
  nd_decode_state *st = (nd_decode_state *)context;
  if (reason > UCNV_IRREGULAR) return; /* reset, close, clone */
  static const UChar fffd = 0xFFFD;
  st->bad++;
  *err = U_ZERO_ERROR;
  ucnv_cbToUWriteUChars(args, &fffd, 1, 0, err);
}

/* Valid UTF-8 sequences (multi-byte) and invalid bytes, for deciding
 * whether damaged UTF-8 is still UTF-8 (core/ucache.c: blocks of ASCII and
 * two-byte sequences at a time). */
static void utf8_stats(const char *s, size_t len, size_t *good_mb, size_t *bad) { nd_utf8_stats(s, len, good_mb, bad); }

/* Legacy charsets we accept from ICU's detector, in preference order when
 * confidences tie.  Anything else (UTF-32, Shift_JIS, ...) is ignored. */
static const char *const legacy_ok[] = {
    "windows-1256", "ISO-8859-6", "windows-1255", "ISO-8859-8-I", "ISO-8859-8", "windows-1252", "ISO-8859-1",
    "windows-1251", "KOI8-R", "ISO-8859-5", "windows-1253", "ISO-8859-7", "windows-1254", "ISO-8859-9",
    "windows-1250", "ISO-8859-2", NULL};

static const char *static_name(const char *n) {
  for (size_t i = 0; legacy_ok[i]; i++)
    if (!strcmp(legacy_ok[i], n)) return legacy_ok[i];
  return NULL;
}

/* Bytes 0x80-0x9F are C1 controls in ISO-8859-x but letters and
 * punctuation in windows-125x; ISO-8859-6 also leaves 0xF3-0xFF unused. */
static const char *refine_legacy(const char *name, const char *data, size_t len) {
  int c1 = 0, high = 0;
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)data[i];
    if (c >= 0x80 && c <= 0x9F) c1 = 1;
    if (c >= 0xF3) high = 1;
  }
  if (!strcmp(name, "ISO-8859-6") && (c1 || high)) return "windows-1256";
  if (!strncmp(name, "ISO-8859-8", 10) && c1) return "windows-1255";
  if (!strcmp(name, "ISO-8859-1") && c1) return "windows-1252";
  if (!strcmp(name, "ISO-8859-7") && c1) return "windows-1253";
  if (!strcmp(name, "ISO-8859-9") && c1) return "windows-1254";
  if (!strcmp(name, "ISO-8859-2") && c1) return "windows-1250";
  if (!strcmp(name, "ISO-8859-5") && c1) return "windows-1251";
  return name;
}

static const char *detect_legacy(const char *data, size_t len) {
  UErrorCode err = U_ZERO_ERROR;
  UCharsetDetector *det = ucsdet_open(&err);
  if (U_FAILURE(err)) return "windows-1252";
  /* The detector looks at the first 64 KiB at most: enough, and linear. */
  int32_t n = len > 65536 ? 65536 : (int32_t)len;
  ucsdet_setText(det, data, n, &err);
  int32_t count = 0;
  const UCharsetMatch **m = U_SUCCESS(err) ? ucsdet_detectAll(det, &count, &err) : NULL;
  const char *best = NULL;
  int best_conf = -1;
  for (int32_t i = 0; m && U_SUCCESS(err) && i < count; i++) {
    UErrorCode e2 = U_ZERO_ERROR;
    const char *name = ucsdet_getName(m[i], &e2);
    int32_t conf = ucsdet_getConfidence(m[i], &e2);
    if (U_FAILURE(e2) || !name) continue;
    const char *ok = static_name(name);
    if (!ok) continue;
    if (conf > best_conf) {
      best = ok;
      best_conf = conf;
    }
  }
  ucsdet_close(det);
  if (!best) best = "windows-1252";
  return refine_legacy(best, data, (size_t)n);
}

/* Convert with `cs` into UTF-16 (allocated), counting replacements. */
static int to_utf16(const char *cs, const char *data, size_t len, UChar **uout, int32_t *nout, size_t *bad) {
  UErrorCode err = U_ZERO_ERROR;
  UConverter *cnv = ucnv_open(cs, &err);
  if (U_FAILURE(err)) return newsdoc_error_set(NEWSDOC_EENCODING, "decode: ICU has no converter for %s", cs);
  nd_decode_state st = {0};
  ucnv_setToUCallBack(cnv, to_u_fffd, &st, NULL, NULL, &err);
  /* One byte gives at most two UTF-16 units for every charset we use. */
  if (len > (size_t)INT32_MAX / 2 - 16) {
    ucnv_close(cnv);
    return newsdoc_error_set(NEWSDOC_ELIMIT_SIZE, "decode: text too large");
  }
  size_t cap = 2 * len + 16;
  UChar *u = nd_malloc(cap * sizeof(UChar));
  if (!u) {
    ucnv_close(cnv);
    return nd_oom("decode");
  }
  UChar *t = u;
  const char *s = data;
  for (;;) {
    err = U_ZERO_ERROR;
    ucnv_toUnicode(cnv, &t, u + cap, &s, data + len, NULL, 1, &err);
    if (err != U_BUFFER_OVERFLOW_ERROR) break;
    /* a charset that makes more than two units of a byte: grow */
    size_t used = (size_t)(t - u);
    if (cap > (size_t)INT32_MAX / 2) {
      err = U_INDEX_OUTOFBOUNDS_ERROR;
      break;
    }
    UChar *nu = nd_realloc(u, cap * 2 * sizeof(UChar));
    if (!nu) {
      nd_free(u);
      ucnv_close(cnv);
      return nd_oom("decode");
    }
    u = nu;
    cap *= 2;
    t = u + used;
  }
  ucnv_close(cnv);
  if (U_FAILURE(err)) {
    nd_free(u);
    return newsdoc_error_set(NEWSDOC_EENCODING, "decode: %s conversion failed at byte %zu (%s)", cs,
                             (size_t)(s - data), u_errorName(err));
  }
  *uout = u;
  *nout = (int32_t)(t - u);
  *bad = st.bad;
  return 0;
}

int nd_decode_text(nd_buf *out, const char *data, size_t len, const char *charset_hint, const char **charset_out,
                   newsdoc_ctx *ctx) {
  if (!out || (!data && len)) return newsdoc_error_set(NEWSDOC_EUSAGE, "decode: NULL argument");
  const char *fmt = ctx && ctx->format ? ctx->format : "decode";
  const char *cs = NULL;
  size_t skip = 0;
  const unsigned char *b = (const unsigned char *)data;
  if (len >= 4 && b[0] == 0xFF && b[1] == 0xFE && b[2] == 0 && b[3] == 0) cs = "UTF-32LE", skip = 4;
  else if (len >= 4 && b[0] == 0 && b[1] == 0 && b[2] == 0xFE && b[3] == 0xFF) cs = "UTF-32BE", skip = 4;
  else if (len >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF) cs = "UTF-8", skip = 3;
  else if (len >= 2 && b[0] == 0xFF && b[1] == 0xFE) cs = "UTF-16LE", skip = 2;
  else if (len >= 2 && b[0] == 0xFE && b[1] == 0xFF) cs = "UTF-16BE", skip = 2;
  if (!cs && charset_hint && *charset_hint) {
    /* ICU's alias table knows the IANA names and many more (cp1256,
     * latin1, arabic...); every name it returns is static data. */
    UErrorCode err = U_ZERO_ERROR;
    const char *canon = ucnv_getAlias(charset_hint, 0, &err);
    if (U_SUCCESS(err) && canon) {
      UErrorCode e2 = U_ZERO_ERROR;
      const char *std = ucnv_getStandardName(canon, "MIME", &e2);
      if (!std) {
        e2 = U_ZERO_ERROR;
        std = ucnv_getStandardName(canon, "IANA", &e2);
      }
      cs = std ? std : canon;
      /* Documents labelled ISO-8859-1 or ASCII mean windows-1252 (as
       * browsers read them); "UTF-16" without a BOM means little-endian. */
      if (!strcmp(cs, "ISO-8859-1") || !strcmp(cs, "US-ASCII")) cs = "windows-1252";
      else if (!strcmp(cs, "UTF-16")) cs = "UTF-16LE";
      else if (!strcmp(canon, "UTF-8")) cs = "UTF-8";
    }
    if (!cs) newsdoc_ctx_warn(ctx, "%s: unknown charset \"%.40s\", detecting instead", fmt, charset_hint);
  }
  if (!cs && len >= 4) {
    /* UTF-16 without a BOM: NULs in every other byte of mostly-Latin text. */
    size_t n = len > 4096 ? 4096 : len, ev = 0, od = 0;
    for (size_t i = 0; i + 1 < n; i += 2) {
      ev += b[i] == 0;
      od += b[i + 1] == 0;
    }
    size_t pairs = n / 2;
    if (od * 10 >= pairs * 3 && ev * 20 < pairs) cs = "UTF-16LE";
    else if (ev * 10 >= pairs * 3 && od * 20 < pairs) cs = "UTF-16BE";
  }
  size_t good_mb = 0, bad = 0;
  int have_stats = 0;
  if (!cs) {
    utf8_stats(data, len, &good_mb, &bad);
    have_stats = 1;
    if (bad == 0 || good_mb > bad) cs = "UTF-8";
    else cs = detect_legacy(data, len);
  }
  if (charset_out) *charset_out = cs;

  data += skip;
  len -= skip;
  size_t nbad = 0, nnul = 0;
  if (!strcmp(cs, "UTF-8")) {
    /* Fast path: no UTF-16 round trip unless needed for NFC. */
    if (!have_stats || skip) utf8_stats(data, len, &good_mb, &bad);
    nd_buf tmp = ND_BUF_INIT;
    const char *src = data;
    size_t srclen = len;
    int need_copy = bad > 0 || memchr(data, 0, len) != NULL;
    if (need_copy) {
      if (bad) nbad = nd_utf8_sanitize(&tmp, data, len);
      else nd_buf_put(&tmp, data, len);
      if (!nd_buf_ok(&tmp)) return nd_oom("decode");
      /* NUL -> U+FFFD */
      nd_buf t2 = ND_BUF_INIT;
      size_t start = 0;
      for (size_t i = 0; i < tmp.len; i++)
        if (tmp.data[i] == 0) {
          nd_buf_put(&t2, tmp.data + start, i - start);
          nd_buf_put(&t2, "\xEF\xBF\xBD", 3);
          start = i + 1;
          nnul++;
        }
      if (nnul) {
        nd_buf_put(&t2, tmp.data + start, tmp.len - start);
        nd_buf_free(&tmp);
        if (!nd_buf_ok(&t2)) return nd_oom("decode");
        tmp = t2;
      } else {
        nd_buf_free(&t2);
      }
      src = tmp.data ? tmp.data : "";
      srclen = tmp.len;
    }
    int rc = nd_nfc(out, src, srclen);
    nd_buf_free(&tmp);
    if (rc) return rc;
  } else {
    UChar *u = NULL;
    int32_t n = 0;
    int rc = to_utf16(cs, data, len, &u, &n, &nbad);
    if (rc) return rc;
    for (int32_t i = 0; i < n; i++)
      if (u[i] == 0) {
        u[i] = 0xFFFD;
        nnul++;
      }
    rc = put_nfc_utf16(out, u, n);
    nd_free(u);
    if (rc) return rc;
  }
  if (nbad) newsdoc_ctx_warn(ctx, "%s: %zu invalid byte sequence(s) in %s replaced with U+FFFD", fmt, nbad, cs);
  if (nnul) newsdoc_ctx_warn(ctx, "%s: %zu NUL character(s) replaced with U+FFFD", fmt, nnul);
  return nd_buf_ok(out) ? 0 : nd_oom("decode");
}
