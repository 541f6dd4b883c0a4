/* zip.c - safe ZIP reading and deterministic ZIP writing on libzip.
 *
 * Reading trusts nothing the archive declares: libzip's consistency check
 * (ZIP_CHECKCONS, which also refuses overlapping entries), then our own
 * checks of every name, the entry count, the sum of compressed sizes, the
 * encryption and compression methods; expansion is counted while reading
 * against max-zip-entry-size, the running max-zip-total-size and
 * max-zip-ratio. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <zip.h>
#include <zlib.h>
#include <unicode/ucasemap.h>

#include "../internal.h"

struct nd_zip {
  zip_t *za;
  newsdoc_ctx *ctx;
  size_t n;
  char **names; /* index -> name (borrowed from libzip) */
  unsigned long long expanded; /* bytes expanded so far, all entries */
  size_t archive_len;
};

static int zip_err(int code, const char *fmt, const char *arg) {
  return newsdoc_error_set(code, fmt, arg);
}

/* Names must stay inside the container and be plain. */
static const char *name_problem(const char *name) {
  size_t len = strlen(name);
  if (!len) return "an empty name";
  if (name[0] == '/') return "an absolute path";
  if (len >= 2 && name[1] == ':' && ((name[0] | 0x20) >= 'a' && (name[0] | 0x20) <= 'z')) return "a drive letter";
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)name[i];
    if (c < 0x20 || c == 0x7F) return "a control character";
    if (c == '\\') return "a backslash";
  }
  const char *p = name;
  while (*p) {
    const char *slash = strchr(p, '/');
    size_t seg = slash ? (size_t)(slash - p) : strlen(p);
    if (seg == 2 && p[0] == '.' && p[1] == '.') return "a \"..\" component";
    if (seg == 1 && p[0] == '.') return "a \".\" component";
    if (seg == 0 && slash && p != name) return "an empty path component";
    if (!slash) break;
    p = slash + 1;
  }
  if (!nd_utf8_valid(name, len)) return "invalid UTF-8";
  return NULL;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* Exact duplicates and case-fold collisions make an archive malformed. */
static int check_collisions(nd_zip *z) {
  if (z->n < 2) return 0;
  char **folded = nd_calloc(z->n, sizeof *folded);
  if (!folded) return nd_oom("zip names");
  UErrorCode st = U_ZERO_ERROR;
  UCaseMap *cm = ucasemap_open(NULL, 0, &st);
  int rc = 0;
  if (U_FAILURE(st)) {
    rc = newsdoc_error_set(NEWSDOC_ENOMEM, "zip: cannot open ICU case mapping: %s", u_errorName(st));
    goto done;
  }
  for (size_t i = 0; i < z->n && !rc; i++) {
    size_t len = strlen(z->names[i]);
    size_t cap = len * 3 + 4;
    folded[i] = nd_malloc(cap);
    if (!folded[i]) { rc = nd_oom("zip names"); break; }
    st = U_ZERO_ERROR;
    int32_t got = ucasemap_utf8FoldCase(cm, folded[i], (int32_t)cap, z->names[i], (int32_t)len, &st);
    if (U_FAILURE(st) || got < 0 || (size_t)got >= cap) {
      rc = zip_err(NEWSDOC_EMALFORMED, "zip: cannot case-fold the entry name \"%s\"", z->names[i]);
      break;
    }
    folded[i][got] = 0;
  }
  if (!rc) {
    qsort(folded, z->n, sizeof *folded, cmp_str);
    for (size_t i = 1; i < z->n; i++)
      if (!strcmp(folded[i - 1], folded[i])) {
        rc = zip_err(NEWSDOC_EMALFORMED, "zip: two entries are named \"%s\" (ignoring case)", folded[i]);
        break;
      }
  }
done:
  if (cm) ucasemap_close(cm);
  for (size_t i = 0; i < z->n; i++) nd_free(folded[i]);
  nd_free(folded);
  return rc;
}

static const char *zip_errstr(int ze) {
  zip_error_t e;
  zip_error_init_with_code(&e, ze);
  static _Thread_local char msg[128];
  snprintf(msg, sizeof msg, "%s", zip_error_strerror(&e));
  zip_error_fini(&e);
  return msg;
}


static uint32_t rd32(const unsigned char *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }
static uint16_t rd16(const unsigned char *p) { return (uint16_t)(p[0] | p[1] << 8); }

typedef struct { uint64_t start, end; } span;
static int cmp_span(const void *a, const void *b) {
  const span *x = a, *y = b;
  return x->start < y->start ? -1 : x->start > y->start;
}

/* libzip's ZIP_CHECKCONS also refuses archives whose local and central
 * headers differ only in harmless fields (Word writes different times
 * there).  This is the check we then make ourselves: every central record
 * points at a local header with the same name, method and (unless a data
 * descriptor follows) sizes and CRC; every entry's data lies before the
 * central directory; no two entries overlap.  Zip64 archives must pass
 * libzip's own check. */
static int structure_ok(const unsigned char *d, size_t len) {
  if (len < 22) return 0;
  size_t lo = len > 65557 ? len - 65557 : 0, e = len - 22 + 1;
  while (e-- > lo)
    if (rd32(d + e) == 0x06054b50) break;
  if (e < lo || rd32(d + e) != 0x06054b50) return 0;
  size_t n = rd16(d + e + 10);
  uint64_t cdsize = rd32(d + e + 12), cdoff = rd32(d + e + 16);
  if (n == 0xFFFF || cdsize == 0xFFFFFFFFu || cdoff == 0xFFFFFFFFu) return 0;
  if (cdoff + cdsize > e) return 0;
  span *sp = nd_calloc(n ? n : 1, sizeof *sp);
  if (!sp) return 0;
  int ok = 1;
  uint64_t p = cdoff;
  for (size_t i = 0; i < n && ok; i++) {
    if (p + 46 > cdoff + cdsize || rd32(d + p) != 0x02014b50) { ok = 0; break; }
    const unsigned char *c = d + p;
    uint16_t flag = rd16(c + 8), meth = rd16(c + 10), nl = rd16(c + 28), el = rd16(c + 30), cl = rd16(c + 32);
    uint32_t crc = rd32(c + 16), cs = rd32(c + 20), us = rd32(c + 24), off = rd32(c + 42);
    if (cs == 0xFFFFFFFFu || us == 0xFFFFFFFFu || off == 0xFFFFFFFFu) { ok = 0; break; }
    if (p + 46 + nl + el + cl > cdoff + cdsize) { ok = 0; break; }
    if ((uint64_t)off + 30 > cdoff || rd32(d + off) != 0x04034b50) { ok = 0; break; }
    const unsigned char *l = d + off;
    uint16_t lnl = rd16(l + 26), lel = rd16(l + 28);
    if (lnl != nl || rd16(l + 8) != meth || memcmp(l + 30, c + 46, nl) ||
        (!(flag & 8) && (rd32(l + 14) != crc || rd32(l + 18) != cs || rd32(l + 22) != us))) { ok = 0; break; }
    sp[i].start = off;
    sp[i].end = (uint64_t)off + 30 + lnl + lel + cs;
    if (sp[i].end > cdoff) { ok = 0; break; }
    p += 46 + nl + el + cl;
  }
  if (ok) {
    qsort(sp, n, sizeof *sp, cmp_span);
    for (size_t i = 1; i < n; i++)
      if (sp[i].start < sp[i - 1].end) { ok = 0; break; }
  }
  nd_free(sp);
  return ok;
}

int nd_zip_open(nd_zip **out, const char *data, size_t len, newsdoc_ctx *ctx) {
  *out = NULL;
  if (len < 22) /* smaller than an end-of-central-directory record */
    return newsdoc_error_set(NEWSDOC_EMALFORMED, "zip: %zu bytes is too small for an archive", len);
  zip_error_t err;
  zip_error_init(&err);
  zip_source_t *src = zip_source_buffer_create(data, len, 0, &err);
  if (!src) {
    zip_error_fini(&err);
    return nd_oom("zip: opening the archive");
  }
  zip_source_keep(src);
  zip_t *za = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &err);
  if (!za && zip_error_code_zip(&err) == ZIP_ER_INCONS && structure_ok((const unsigned char *)data, len)) {
    zip_error_fini(&err);
    zip_error_init(&err);
    za = zip_open_from_source(src, ZIP_RDONLY, &err);
  }
  if (za) zip_source_free(src); /* drop our extra reference; the archive keeps its own */
  if (!za) {
    int ze = zip_error_code_zip(&err);
    zip_source_free(src); /* ours (the keep) */
    zip_source_free(src); /* the one a successful open would have taken */
    zip_error_fini(&err);
    if (ze == ZIP_ER_MEMORY) return nd_oom("zip: opening the archive");
    return newsdoc_error_set(NEWSDOC_EMALFORMED, "zip: not a valid archive: %s", zip_errstr(ze));
  }
  zip_error_fini(&err);
  nd_zip *z = nd_calloc(1, sizeof *z);
  if (!z) {
    zip_discard(za);
    return nd_oom("zip");
  }
  z->za = za;
  z->ctx = ctx;
  z->archive_len = len;
  int rc = 0;
  zip_int64_t n = zip_get_num_entries(za, 0);
  unsigned long long max_entries = newsdoc_ctx_limit(ctx, NEWSDOC_LIMIT_ZIP_ENTRIES);
  if (n < 0) {
    rc = newsdoc_error_set(NEWSDOC_EMALFORMED, "zip: cannot count the entries");
    goto fail;
  }
  if ((unsigned long long)n > max_entries) {
    rc = newsdoc_error_set(NEWSDOC_ELIMIT_ZIP, "zip: %lld entries is more than max-zip-entries (%llu)", (long long)n,
                           max_entries);
    goto fail;
  }
  z->n = (size_t)n;
  z->names = nd_calloc(z->n ? z->n : 1, sizeof *z->names);
  if (!z->names) {
    rc = nd_oom("zip");
    goto fail;
  }
  unsigned long long comp_total = 0;
  for (size_t i = 0; i < z->n; i++) {
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(za, i, 0, &st) != 0 || !(st.valid & ZIP_STAT_NAME)) {
      rc = newsdoc_error_set(NEWSDOC_EMALFORMED, "zip: entry %zu cannot be read", i);
      goto fail;
    }
    /* Check the raw bytes too: libzip maps CP437 control bytes to symbols. */
    const char *raw = zip_get_name(za, i, ZIP_FL_ENC_RAW);
    const char *why = name_problem(st.name);
    if (!why && raw)
      for (const unsigned char *p = (const unsigned char *)raw; *p; p++)
        if (*p < 0x20 || *p == 0x7F || *p == '\\') { why = "a control character or backslash"; break; }
    if (why) {
      rc = newsdoc_error_set(NEWSDOC_EMALFORMED, "zip: the entry name \"%.200s\" has %s", st.name, why);
      goto fail;
    }
    z->names[i] = (char *)st.name;
    if ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) && st.encryption_method != ZIP_EM_NONE) {
      rc = newsdoc_error_set(NEWSDOC_EUNSUPPORTED, "zip: the entry \"%.200s\" is encrypted", st.name);
      goto fail;
    }
    if ((st.valid & ZIP_STAT_COMP_METHOD) && !zip_compression_method_supported(st.comp_method, 0)) {
      rc = newsdoc_error_set(NEWSDOC_EUNSUPPORTED, "zip: the entry \"%.200s\" uses compression method %d",
                             st.name, (int)st.comp_method);
      goto fail;
    }
    if (st.valid & ZIP_STAT_COMP_SIZE) comp_total += st.comp_size;
  }
  if (comp_total > len) {
    rc = newsdoc_error_set(NEWSDOC_EMALFORMED, "zip: the entries claim %llu compressed bytes in a %zu-byte archive",
                           comp_total, len);
    goto fail;
  }
  if ((rc = check_collisions(z))) goto fail;
  *out = z;
  return 0;
fail:
  nd_zip_close(z);
  return rc;
}

void nd_zip_close(nd_zip *z) {
  if (!z) return;
  if (z->za) zip_discard(z->za);
  nd_free(z->names);
  nd_free(z);
}

size_t nd_zip_count(const nd_zip *z) { return z ? z->n : 0; }
const char *nd_zip_name(const nd_zip *z, size_t i) { return z && i < z->n ? z->names[i] : NULL; }

long nd_zip_find(const nd_zip *z, const char *name) {
  if (!z || !name) return -1;
  for (size_t i = 0; i < z->n; i++)
    if (!strcmp(z->names[i], name)) return (long)i;
  return -1;
}

int nd_zip_read(nd_zip *z, const char *name, char **out, size_t *len_out) {
  *out = NULL;
  if (len_out) *len_out = 0;
  long idx = nd_zip_find(z, name);
  if (idx < 0) return newsdoc_error_set(NEWSDOC_ENOTFOUND, "zip: no entry \"%.200s\"", name ? name : "");
  zip_stat_t st;
  zip_stat_init(&st);
  zip_stat_index(z->za, (zip_uint64_t)idx, 0, &st);
  unsigned long long comp = (st.valid & ZIP_STAT_COMP_SIZE) ? st.comp_size : 0;
  int has_size = (st.valid & ZIP_STAT_SIZE) != 0;
  unsigned long long declared = has_size ? st.size : 0;
  unsigned long long max_entry = newsdoc_ctx_limit(z->ctx, NEWSDOC_LIMIT_ZIP_ENTRY_SIZE);
  unsigned long long max_total = newsdoc_ctx_limit(z->ctx, NEWSDOC_LIMIT_ZIP_TOTAL_SIZE);
  unsigned long long max_ratio = newsdoc_ctx_limit(z->ctx, NEWSDOC_LIMIT_ZIP_RATIO);
  zip_file_t *zf = zip_fopen_index(z->za, (zip_uint64_t)idx, 0);
  if (!zf) {
    int ze = zip_error_code_zip(zip_get_error(z->za));
    if (ze == ZIP_ER_MEMORY) return nd_oom("zip: opening an entry");
    int code = (ze == ZIP_ER_ENCRNOTSUPP || ze == ZIP_ER_COMPNOTSUPP || ze == ZIP_ER_NOPASSWD) ? NEWSDOC_EUNSUPPORTED
                                                                                                : NEWSDOC_EMALFORMED;
    return newsdoc_error_set(code, "zip: cannot open the entry \"%.200s\": %s", name, zip_errstr(ze));
  }
  nd_buf b = ND_BUF_INIT;
  int rc = 0;
  /* Never trust the declared size: grow as the data arrives. */
  for (;;) {
    if (nd_buf_reserve(&b, 65536)) { rc = nd_oom("zip: expanding an entry"); break; }
    zip_int64_t got = zip_fread(zf, b.data + b.len, 65536);
    if (got < 0) {
      int ze = zip_error_code_zip(zip_file_get_error(zf));
      rc = ze == ZIP_ER_MEMORY ? nd_oom("zip: expanding an entry")
                               : newsdoc_error_set(NEWSDOC_EMALFORMED, "zip: the entry \"%.200s\" is corrupt: %s", name,
                                                   zip_errstr(ze));
      break;
    }
    if (got == 0) break;
    b.len += (size_t)got;
    z->expanded += (unsigned long long)got;
    if (has_size && b.len > declared) {
      rc = newsdoc_error_set(NEWSDOC_EMALFORMED, "zip: the entry \"%.200s\" expands beyond its declared size (%llu bytes)",
                             name, declared);
      break;
    }
    if (b.len > max_entry) {
      rc = newsdoc_error_set(NEWSDOC_ELIMIT_ZIP, "zip: the entry \"%.200s\" expands beyond max-zip-entry-size (%llu bytes)",
                             name, max_entry);
      break;
    }
    if (z->expanded > max_total) {
      rc = newsdoc_error_set(NEWSDOC_ELIMIT_ZIP, "zip: the archive expands beyond max-zip-total-size (%llu bytes) at \"%.200s\"",
                             max_total, name);
      break;
    }
    if (max_ratio && b.len > (1u << 20) && b.len / (comp ? comp : 1) > max_ratio) {
      rc = newsdoc_error_set(NEWSDOC_ELIMIT_ZIP, "zip: the entry \"%.200s\" expands more than max-zip-ratio (%llu:1)", name,
                             max_ratio);
      break;
    }
    if ((rc = newsdoc_ctx_check(z->ctx))) break;
  }
  zip_fclose(zf);
  if (!rc && has_size && b.len != declared)
    rc = newsdoc_error_set(NEWSDOC_EMALFORMED, "zip: the entry \"%.200s\" is %zu bytes, not the %llu it declares", name,
                           b.len, declared);
  if (rc) {
    nd_buf_free(&b);
    return rc;
  }
  *out = nd_buf_detach(&b, len_out);
  return *out ? 0 : nd_oom("zip");
}

static int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

int nd_zip_resolve_ex(const char *base, const char *rel, char **out) {
  *out = NULL;
  if (!rel || !*rel) return 0;
  /* A scheme ("http:", "file:", "data:") means outside the container. */
  for (const char *p = rel; *p && *p != '/' && *p != '?' && *p != '#'; p++)
    if (*p == ':') return 0;
  if (rel[0] == '/' || rel[0] == '\\') return 0;
  size_t rlen = strcspn(rel, "#?");
  nd_buf path = ND_BUF_INIT;
  if (base) {
    const char *slash = strrchr(base, '/');
    if (slash) nd_buf_put(&path, base, (size_t)(slash - base) + 1);
  }
  for (size_t i = 0; i < rlen; i++) {
    if (rel[i] == '%' && i + 2 < rlen && hexval(rel[i + 1]) >= 0 && hexval(rel[i + 2]) >= 0) {
      char c = (char)(hexval(rel[i + 1]) * 16 + hexval(rel[i + 2]));
      if (c == 0 || c == '/' || c == '\\') { nd_buf_free(&path); return 0; }
      nd_buf_putc(&path, c);
      i += 2;
    } else if (rel[i] == '\\') {
      nd_buf_free(&path);
      return 0;
    } else {
      nd_buf_putc(&path, rel[i]);
    }
  }
  if (path.failed || !path.data) { nd_buf_free(&path); return nd_oom("zip: resolving a path"); }
  /* Normalise "." and ".." segments; ".." above the root fails. */
  char *s = path.data, *w = s;
  size_t depth = 0;
  char *seg = s;
  while (*seg) {
    char *end = strchr(seg, '/');
    size_t n = end ? (size_t)(end - seg) : strlen(seg);
    if (n == 0 || (n == 1 && seg[0] == '.')) {
      /* skip */
    } else if (n == 2 && seg[0] == '.' && seg[1] == '.') {
      if (!depth) { nd_buf_free(&path); return 0; }
      depth--;
      if (w > s) w--; /* the slash after the previous segment */
      while (w > s && w[-1] != '/') w--;
    } else {
      if (w != seg) memmove(w, seg, n);
      w += n;
      if (end) *w++ = '/';
      depth++;
    }
    if (!end) break;
    seg = end + 1;
  }
  *w = 0;
  if (w == s || w[-1] == '/') { nd_buf_free(&path); return 0; }
  *out = nd_buf_detach(&path, NULL);
  return *out ? 0 : nd_oom("zip: resolving a path");
}

char *nd_zip_resolve(const char *base, const char *rel) {
  char *out;
  nd_zip_resolve_ex(base, rel, &out);
  return out;
}

/* ---- writing ------------------------------------------------------------------ */

struct nd_zipw {
  zip_source_t *src;
  zip_t *za;
  time_t dos_time; /* adjusted so that libzip's localtime() gives the UTC fields */
};

int nd_zipw_new(nd_zipw **out, long long mtime) {
  *out = NULL;
  nd_zipw *w = nd_calloc(1, sizeof *w);
  if (!w) return nd_oom("zip writer");
  zip_error_t err;
  zip_error_init(&err);
  w->src = zip_source_buffer_create(NULL, 0, 0, &err);
  if (w->src) {
    zip_source_keep(w->src);
    w->za = zip_open_from_source(w->src, ZIP_TRUNCATE, &err);
  }
  zip_error_fini(&err);
  if (!w->za) {
    nd_zipw_free(w);
    return nd_oom("zip writer");
  }
  /* DOS time starts in 1980; libzip converts with localtime(), so shift by
   * the local offset to get the same bytes in every time zone. */
  if (mtime < 315532800LL) mtime = 315532800LL;
  if (mtime > 4354819199LL) mtime = 4354819199LL; /* 2107-12-31 */
  time_t t = (time_t)mtime;
  struct tm lt;
  long off = 0;
  if (localtime_r(&t, &lt)) off = lt.tm_gmtoff;
  t -= off;
  if (localtime_r(&t, &lt) && lt.tm_gmtoff != off) t += off - lt.tm_gmtoff;
  w->dos_time = t;
  *out = w;
  return 0;
}

/* zlib level 3 for deflated entries.  Writing the benchmark's 50 articles
 * with libzip's full-size state (in-process CPU ms per article; total
 * bytes of the 50 files):
 *   level        6      5      4      3      1
 *   write epub   1.00   0.91   0.81   0.76   0.72
 *   write docx   0.97   0.79   0.73   0.63   0.59
 *   epub bytes   648 K  +0.6%  +2.1%  +5.0%  +9.9%
 *   docx bytes   483 K  +3.8%  +9.8%  +12%   +25%
 * (level 9 before that: 1.6 times level 6's time for 2.5% fewer bytes).
 * Then with each part's state sized to it (zpart_start), deflate alone,
 * best CPU ms per article over the parts of 40 articles, and the deflated
 * share of the parts' bytes:
 *   level        6      4      3      2      1
 *   epub         0.71   0.55   0.48   0.45   0.43
 *   docx         0.66   0.47   0.38   0.34   0.34
 *   epub share   34.6%  35.5%  36.5%  37.4%  38.7%
 *   docx share   13.9%  15.4%  15.8%  16.7%  17.9%
 * Level 3 (zlib's fast matcher with its longest lazy chain) is the knee:
 * 13% (EPUB) and 19% (DOCX) less deflating than level 4 for 3% more
 * bytes, a few hundred bytes an article. */
#define ND_ZIPW_LEVEL 3

/* Adds source s (taken over, also on failure) as entry name, with the
 * writer's time; method < 0 leaves the compression to the source. */
static int zipw_add_source(nd_zipw *w, const char *name, zip_source_t *s, int method, zip_uint32_t level) {
  zip_int64_t idx = zip_file_add(w->za, name, s, ZIP_FL_ENC_UTF_8 | ZIP_FL_OVERWRITE);
  if (idx < 0) {
    zip_source_free(s);
    return newsdoc_error_set(NEWSDOC_EUSAGE, "zip writer: cannot add \"%s\": %s", name, zip_strerror(w->za));
  }
  if ((method >= 0 && zip_set_file_compression(w->za, (zip_uint64_t)idx, method, level)) ||
      zip_file_set_mtime(w->za, (zip_uint64_t)idx, w->dos_time, 0))
    return newsdoc_error_set(NEWSDOC_EUSAGE, "zip writer: cannot set \"%s\": %s", name, zip_strerror(w->za));
  return 0;
}

static int zipw_add_part(nd_zipw *w, const char *name, nd_zpart *p, int own);

static int zpart_put_whole(nd_zpart *p, const void *data, size_t len);

int nd_zipw_add(nd_zipw *w, const char *name, const void *data, size_t len, int store) {
  if (!store) {
    /* deflated here rather than by libzip, with a state sized to the part
     * (see zpart_start) */
    nd_zpart p = ND_ZPART_INIT;
    int rc = zpart_put_whole(&p, data, len);
    if (rc) {
      nd_zpart_free(&p);
      return rc;
    }
    return zipw_add_part(w, name, &p, 1);
  }
  zip_source_t *s = zip_source_buffer(w->za, len ? data : "", len, 0);
  if (!s) return nd_oom("zip writer");
  return zipw_add_source(w, name, s, ZIP_CM_STORE, 0);
}

/* ---- parts deflated ahead of time ---------------------------------------------- */

static voidpf z_alloc(voidpf opaque, uInt items, uInt size) {
  (void)opaque;
  /* zlib needs no zeroed memory: no memset of its 400 KB per stream */
  if (size && items > (size_t)-1 / size) return NULL;
  return nd_malloc((size_t)items * size);
}
static void z_free(voidpf opaque, voidpf p) {
  (void)opaque;
  nd_free(p);
}

/* Runs deflate over the input (flush: Z_NO_FLUSH or Z_FINISH), appending
 * the output to p->z. */
static int zpart_run(nd_zpart *p, int flush) {
  z_stream *zs = p->strm;
  for (;;) {
    if (nd_buf_reserve(&p->z, 65536)) return nd_oom("zip writer: deflate");
    zs->next_out = (Bytef *)p->z.data + p->z.len;
    zs->avail_out = 65536;
    int ret = deflate(zs, flush);
    p->z.len += 65536 - zs->avail_out;
    if (ret == Z_STREAM_END) return 0;
    if (ret == Z_MEM_ERROR) return nd_oom("zip writer: deflate");
    if (ret != Z_OK && ret != Z_BUF_ERROR)
      return newsdoc_error_set(NEWSDOC_EUSAGE, "zip writer: deflate failed (%d)", ret);
    if (flush == Z_NO_FLUSH && zs->avail_in == 0) return 0;
  }
}

/* A part is deflated at the end, with a state sized to it, while it is
 * at most this long; past it, as it comes, with libzip's parameters. */
#define ND_ZPART_DEFER 32768

/* Starts the deflate stream for a part of `hint` bytes (0: unknown, or
 * larger than ND_ZPART_DEFER).  Unknown: libzip's parameters
 * (zip_algorithm_deflate.c: window 2^15, memLevel 9, 400 KB to allocate
 * and 128 KB of hash to clear).  Known: the smallest window that spans
 * the part (2^9 at least) and a hash and symbol buffer to match (memLevel
 * window bits - 6), the same bytes a full window would find, less the odd
 * hash collision. */
static int zpart_start(nd_zpart *p, size_t hint) {
  int wbits = MAX_WBITS, mem = MAX_MEM_LEVEL;
  if (hint) {
    wbits = 9;
    while (wbits < MAX_WBITS && ((size_t)1 << wbits) < hint) wbits++;
    mem = wbits - 6;
  }
  z_stream *zs = nd_calloc(1, sizeof *zs);
  if (!zs) return nd_oom("zip writer: deflate");
  zs->zalloc = z_alloc;
  zs->zfree = z_free;
  int ret = deflateInit2(zs, ND_ZIPW_LEVEL, Z_DEFLATED, -wbits, mem, Z_DEFAULT_STRATEGY);
  if (ret != Z_OK) {
    nd_free(zs);
    return ret == Z_MEM_ERROR ? nd_oom("zip writer: deflate")
                              : newsdoc_error_set(NEWSDOC_EUSAGE, "zip writer: deflateInit2 failed (%d)", ret);
  }
  p->strm = zs;
  return 0;
}

/* Deflates len bytes into the started stream. */
static int zpart_feed(nd_zpart *p, const void *data, size_t len) {
  z_stream *zs = p->strm;
  const Bytef *d = data;
  while (len) {
    uInt n = len > 1u << 30 ? 1u << 30 : (uInt)len;
    zs->next_in = (Bytef *)d;
    zs->avail_in = n;
    int rc = zpart_run(p, Z_NO_FLUSH);
    if (rc) return rc;
    d += n;
    len -= n;
  }
  return 0;
}

/* Starts the stream for the held bytes and what follows, and deflates the
 * held bytes (hint: the part's whole size when it is known). */
static int zpart_start_held(nd_zpart *p, size_t hint) {
  int rc = zpart_start(p, hint);
  if (!rc && p->raw.len) rc = zpart_feed(p, p->raw.data, p->raw.len);
  nd_buf_free(&p->raw);
  return rc;
}

static void zpart_crc(nd_zpart *p, const void *data, size_t len) {
  if (!p->size) p->crc = (uint32_t)crc32(0L, Z_NULL, 0);
  for (size_t off = 0; off < len;) {
    uInt n = len - off > 1u << 30 ? 1u << 30 : (uInt)(len - off);
    p->crc = (uint32_t)crc32(p->crc, (const Bytef *)data + off, n);
    off += n;
  }
}

/* A fresh part's whole data at once (nd_zipw_add): the size is known, so
 * the state is sized to it from the start and nothing is held. */
static int zpart_put_whole(nd_zpart *p, const void *data, size_t len) {
  zpart_crc(p, data, len);
  int rc = zpart_start(p, len ? len : 1);
  if (!rc) rc = zpart_feed(p, data, len);
  if (!rc) p->size = len;
  return rc;
}

int nd_zpart_put(nd_zpart *p, const void *data, size_t len) {
  if (!p->strm && p->z.len)
    return newsdoc_error_set(NEWSDOC_EUSAGE, "zip writer: part already finished");
  zpart_crc(p, data, len);
  if (!p->strm) {
    if (p->size + len <= ND_ZPART_DEFER) {
      nd_buf_put(&p->raw, data, len);
      if (p->raw.failed) return nd_oom("zip writer: deflate");
      p->size += len;
      return 0;
    }
    int rc = zpart_start_held(p, 0);
    if (rc) return rc;
  }
  int rc = zpart_feed(p, data, len);
  if (!rc) p->size += len;
  return rc;
}

static void zpart_end(nd_zpart *p) {
  if (!p->strm) return;
  deflateEnd(p->strm);
  nd_free(p->strm);
  p->strm = NULL;
}

void nd_zpart_free(nd_zpart *p) {
  zpart_end(p);
  nd_buf_free(&p->raw);
  nd_buf_free(&p->z);
  p->size = 0;
}

/* A libzip source serving a part's compressed bytes, saying they are
 * deflated already: libzip copies them as they are into the archive, and
 * the part's bytes are freed once copied (zip_close reads each source
 * once; stat still answers from the part's sizes). */
typedef struct zpart_src {
  nd_zpart *p;
  size_t pos;
  zip_error_t err;
  nd_zpart own; /* the part, when the source owns it (p == &own) */
} zpart_src;

static zip_int64_t zpart_cb(void *ud, void *data, zip_uint64_t len, zip_source_cmd_t cmd) {
  zpart_src *s = ud;
  switch (cmd) {
  case ZIP_SOURCE_OPEN:
    if (s->p->z.len && !s->p->z.data) { /* read once already: cannot serve it again */
      zip_error_set(&s->err, ZIP_ER_INTERNAL, 0);
      return -1;
    }
    s->pos = 0;
    return 0;
  case ZIP_SOURCE_READ: {
    size_t left = s->p->z.len - s->pos;
    size_t n = len < left ? (size_t)len : left;
    if (n) memcpy(data, s->p->z.data + s->pos, n);
    s->pos += n;
    return (zip_int64_t)n;
  }
  case ZIP_SOURCE_CLOSE:
    if (s->pos == s->p->z.len) { /* all copied: the archive holds them now */
      nd_free(s->p->z.data);
      s->p->z.data = NULL;
      s->p->z.cap = 0;
    }
    return 0;
  case ZIP_SOURCE_STAT: {
    if (len < sizeof(zip_stat_t)) return -1;
    zip_stat_t *st = data;
    zip_stat_init(st);
    st->valid = ZIP_STAT_SIZE | ZIP_STAT_COMP_SIZE | ZIP_STAT_COMP_METHOD | ZIP_STAT_CRC | ZIP_STAT_ENCRYPTION_METHOD;
    st->size = s->p->size;
    st->comp_size = s->p->z.len;
    st->comp_method = ZIP_CM_DEFLATE;
    st->crc = s->p->crc;
    st->encryption_method = ZIP_EM_NONE;
    return sizeof(zip_stat_t);
  }
  case ZIP_SOURCE_ERROR:
    return zip_error_to_data(&s->err, data, len);
  case ZIP_SOURCE_FREE:
    zip_error_fini(&s->err);
    if (s->p == &s->own) nd_zpart_free(&s->own);
    nd_free(s);
    return 0;
  case ZIP_SOURCE_SUPPORTS:
    return zip_source_make_command_bitmap(ZIP_SOURCE_OPEN, ZIP_SOURCE_READ, ZIP_SOURCE_CLOSE, ZIP_SOURCE_STAT,
                                          ZIP_SOURCE_ERROR, ZIP_SOURCE_FREE, -1);
  default:
    zip_error_set(&s->err, ZIP_ER_OPNOTSUPP, 0);
    return -1;
  }
}

int nd_zpart_finish(nd_zpart *p) {
  if (!p->strm) {
    if (p->z.len) return 0; /* finished already */
    if (!p->size) p->crc = (uint32_t)crc32(0L, Z_NULL, 0); /* an empty part: still a deflate stream */
    int rc = zpart_start_held(p, p->size ? p->size : 1);
    if (rc) return rc;
  }
  z_stream *zs = p->strm;
  zs->next_in = NULL;
  zs->avail_in = 0;
  int rc = zpart_run(p, Z_FINISH);
  zpart_end(p);
  if (rc) return rc;
  /* Give back the slack of the last 64 KiB step: many small parts add up.
   * A copy, not a shrinking realloc, which would leave a hole behind each
   * part that the next part's 64 KiB cannot use. */
  char *exact = nd_malloc(p->z.len + 1);
  if (exact) {
    memcpy(exact, p->z.data, p->z.len);
    exact[p->z.len] = 0;
    nd_free(p->z.data);
    p->z.data = exact;
    p->z.cap = p->z.len + 1;
  }
  return 0;
}

/* Adds part p (finishing it) as entry name; own: the source takes p over
 * (copied, also on failure) and frees it. */
static int zipw_add_part(nd_zipw *w, const char *name, nd_zpart *p, int own) {
  int rc = nd_zpart_finish(p);
  zpart_src *us = rc ? NULL : nd_calloc(1, sizeof *us);
  if (!us) {
    if (own) nd_zpart_free(p);
    return rc ? rc : nd_oom("zip writer");
  }
  if (own) {
    us->own = *p;
    us->p = &us->own;
  } else {
    us->p = p;
  }
  zip_error_init(&us->err);
  zip_source_t *s = zip_source_function(w->za, zpart_cb, us);
  if (!s) {
    zip_error_fini(&us->err);
    if (own) nd_zpart_free(&us->own);
    nd_free(us);
    return nd_oom("zip writer");
  }
  return zipw_add_source(w, name, s, -1, 0); /* the source says it is deflated */
}

int nd_zipw_add_zpart(nd_zipw *w, const char *name, nd_zpart *p) { return zipw_add_part(w, name, p, 0); }

int nd_zipw_finish(nd_zipw *w, newsdoc_sink *sink) {
  int rc = 0;
  if (zip_close(w->za) != 0) {
    rc = newsdoc_error_set(NEWSDOC_ENOMEM, "zip writer: cannot finish the archive: %s", zip_strerror(w->za));
    zip_discard(w->za);
    w->za = NULL;
    nd_zipw_free(w);
    return rc;
  }
  w->za = NULL;
  zip_stat_t st;
  if (zip_source_open(w->src) < 0) {
    nd_zipw_free(w);
    return nd_oom("zip writer");
  }
  zip_stat_init(&st);
  zip_source_stat(w->src, &st);
  char buf[65536];
  for (;;) {
    zip_int64_t got = zip_source_read(w->src, buf, sizeof buf);
    if (got < 0) { rc = nd_oom("zip writer"); break; }
    if (got == 0) break;
    if ((rc = newsdoc_sink_write(sink, buf, (size_t)got))) break;
  }
  zip_source_close(w->src);
  nd_zipw_free(w);
  return rc;
}

void nd_zipw_free(nd_zipw *w) {
  if (!w) return;
  if (w->za) zip_discard(w->za);
  if (w->src) zip_source_free(w->src);
  nd_free(w);
}
