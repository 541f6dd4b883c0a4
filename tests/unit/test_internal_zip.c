/* The safe zip layer: round trip, determinism, refused names, limits. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <time.h>
#include <string.h>

#include "internal.h"

static char *make_zip(size_t *len, const char *const *names, size_t n, const char *payload, size_t plen) {
  nd_zipw *w;
  cr_assert_eq(nd_zipw_new(&w, 1700000000), 0);
  for (size_t i = 0; i < n; i++) cr_assert_eq(nd_zipw_add(w, names[i], payload, plen, i == 0), 0);
  nd_buf b = ND_BUF_INIT;
  newsdoc_sink sink;
  nd_sink_init_buf(&sink, &b, 1ULL << 32);
  cr_assert_eq(nd_zipw_finish(w, &sink), 0);
  return nd_buf_detach(&b, len);
}

static newsdoc_ctx *ctx_with(newsdoc_options *o) {
  static newsdoc_ctx ctx;
  nd_ctx_init(&ctx, o, "test", NULL);
  return &ctx;
}

Test(zip, round_trip_and_determinism) {
  const char *names[] = {"mimetype", "a/b.txt", "a/ج.txt"};
  size_t l1, l2;
  char *z1 = make_zip(&l1, names, 3, "سلام hello", strlen("سلام hello"));
  char *z2 = make_zip(&l2, names, 3, "سلام hello", strlen("سلام hello"));
  cr_assert_eq(l1, l2);
  cr_assert_eq(memcmp(z1, z2, l1), 0, "two archives of the same input differ");
  cr_assert_eq(memcmp(z1 + 30, "mimetype", 8), 0, "first entry is not mimetype");
  nd_zip *z;
  cr_assert_eq(nd_zip_open(&z, z1, l1, ctx_with(NULL)), 0, "%s", newsdoc_error_last()->message);
  cr_assert_eq(nd_zip_count(z), 3);
  char *data;
  size_t len;
  cr_assert_eq(nd_zip_read(z, "a/ج.txt", &data, &len), 0);
  cr_assert_eq(len, strlen("سلام hello"));
  cr_assert_eq(memcmp(data, "سلام hello", len), 0);
  nd_free(data);
  cr_assert_eq(nd_zip_read(z, "missing", &data, &len), NEWSDOC_ENOTFOUND);
  nd_zip_close(z);
  nd_free(z1);
  nd_free(z2);
}

Test(zip, timestamps_do_not_depend_on_time_zone) {
  const char *names[] = {"x"};
  size_t l1, l2;
  setenv("TZ", "UTC", 1);
  tzset();
  char *z1 = make_zip(&l1, names, 1, "x", 1);
  setenv("TZ", "Asia/Tehran", 1);
  tzset();
  char *z2 = make_zip(&l2, names, 1, "x", 1);
  unsetenv("TZ");
  tzset();
  cr_assert_eq(l1, l2);
  cr_assert_eq(memcmp(z1, z2, l1), 0, "the archive depends on TZ");
  nd_free(z1);
  nd_free(z2);
}

/* libzip will not write some hostile names, so write a placeholder of the
 * same length and patch the bytes (local header and central directory). */
static int open_rc(const char *const *names, size_t n, newsdoc_options *o) {
  size_t len;
  char ph[8][64];
  const char *tmp[8];
  for (size_t i = 0; i < n; i++) {
    size_t l = strlen(names[i]);
    memset(ph[i], 'A' + (int)i, l);
    ph[i][l] = 0;
    tmp[i] = ph[i];
  }
  char *z = make_zip(&len, tmp, n, "data", 4);
  for (size_t i = 0; i < n; i++) {
    size_t l = strlen(names[i]);
    for (size_t k = 0; k + l <= len; k++)
      if (!memcmp(z + k, ph[i], l)) memcpy(z + k, names[i], l);
  }
  nd_zip *zip = NULL;
  int rc = nd_zip_open(&zip, z, len, ctx_with(o));
  nd_zip_close(zip);
  nd_free(z);
  return rc;
}

Test(zip, refuses_bad_names) {
  const char *cases[][2] = {{"ok", "../evil"}, {"ok", "a/../../evil"}, {"ok", "/etc/passwd"},
                            {"ok", "a\\b"},    {"ok", "C:evil"},       {"ok", "a\x01"}};
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
    cr_expect_eq(open_rc(cases[i], 2, NULL), NEWSDOC_EMALFORMED, "name %zu accepted", i);
  const char *ok[] = {"mimetype", "OEBPS/a..b.xhtml"};
  cr_expect_eq(open_rc(ok, 2, NULL), 0, "%s", newsdoc_error_last()->message);
}

Test(zip, refuses_case_collisions) {
  const char *names[] = {"Word/document.xml", "word/Document.xml"};
  cr_assert_eq(open_rc(names, 2, NULL), NEWSDOC_EMALFORMED);
  cr_assert(strstr(newsdoc_error_last()->message, "ignoring case"));
}

Test(zip, entry_count_limit) {
  newsdoc_options *o;
  newsdoc_options_new(&o);
  newsdoc_options_set(o, "max-zip-entries", "2");
  const char *names[] = {"a", "b", "c"};
  cr_assert_eq(open_rc(names, 3, o), NEWSDOC_ELIMIT_ZIP);
  cr_assert_eq(open_rc(names, 2, o), 0);
  newsdoc_options_free(o);
}

Test(zip, expansion_limits_are_counted_while_reading) {
  size_t plen = 8u << 20;
  char *zeros = calloc(1, plen);
  const char *names[] = {"m", "zeros"};
  size_t len;
  char *z = make_zip(&len, names, 2, zeros, plen);
  free(zeros);
  newsdoc_options *o;
  newsdoc_options_new(&o);
  char *data;
  size_t dlen;
  nd_zip *zip;
  /* per entry */
  newsdoc_options_set(o, "max-zip-entry-size", "1M");
  cr_assert_eq(nd_zip_open(&zip, z, len, ctx_with(o)), 0);
  cr_assert_eq(nd_zip_read(zip, "zeros", &data, &dlen), NEWSDOC_ELIMIT_ZIP);
  nd_zip_close(zip);
  /* ratio: 8 MiB of zeros deflates about 1000:1 */
  newsdoc_options_set(o, "max-zip-entry-size", NULL);
  newsdoc_options_set(o, "max-zip-ratio", "100");
  cr_assert_eq(nd_zip_open(&zip, z, len, ctx_with(o)), 0);
  cr_assert_eq(nd_zip_read(zip, "zeros", &data, &dlen), NEWSDOC_ELIMIT_ZIP);
  nd_zip_close(zip);
  /* total across entries */
  newsdoc_options_set(o, "max-zip-ratio", "0");
  newsdoc_options_set(o, "max-zip-total-size", "12M");
  cr_assert_eq(nd_zip_open(&zip, z, len, ctx_with(o)), 0);
  cr_assert_eq(nd_zip_read(zip, "zeros", &data, &dlen), 0);
  nd_free(data);
  cr_assert_eq(nd_zip_read(zip, "zeros", &data, &dlen), NEWSDOC_ELIMIT_ZIP, "total expansion not counted");
  nd_zip_close(zip);
  newsdoc_options_free(o);
  nd_free(z);
}

Test(zip, garbage_is_malformed) {
  nd_zip *zip;
  cr_assert_eq(nd_zip_open(&zip, "PK\x03\x04garbage", 13, ctx_with(NULL)), NEWSDOC_EMALFORMED);
  cr_assert_eq(nd_zip_open(&zip, "", 0, ctx_with(NULL)), NEWSDOC_EMALFORMED);
}

Test(zip, resolve_stays_inside) {
  struct { const char *base, *rel, *want; } c[] = {
    {"OEBPS/content.opf", "text/ch1.xhtml", "OEBPS/text/ch1.xhtml"},
    {"OEBPS/text/ch1.xhtml", "../images/a%20b.png#x", "OEBPS/images/a b.png"},
    {"OEBPS/text/ch1.xhtml", "./c.xhtml", "OEBPS/text/c.xhtml"},
    {"content.opf", "../../etc/passwd", NULL},
    {"OEBPS/content.opf", "http://example.com/a.png", NULL},
    {"OEBPS/content.opf", "file:///etc/passwd", NULL},
    {"OEBPS/content.opf", "/etc/passwd", NULL},
    {"OEBPS/content.opf", "a%2F..%2F..%2Fx", NULL},
    {"OEBPS/content.opf", "", NULL},
  };
  for (size_t i = 0; i < sizeof c / sizeof *c; i++) {
    char *got = nd_zip_resolve(c[i].base, c[i].rel);
    if (c[i].want) cr_expect_str_eq(got ? got : "(null)", c[i].want, "case %zu", i);
    else cr_expect_null(got, "case %zu resolved to %s", i, got);
    nd_free(got);
  }
}

/* Word writes different times in local and central headers: accepted.  A
 * local header that disagrees on what matters (name, sizes, CRC) or entries
 * that share data (overlap) are not. */
Test(zip, harmless_header_differences_pass_real_ones_fail) {
  const char *names[] = {"a.xml", "b.xml"};
  size_t len;
  char *z = make_zip(&len, names, 2, "payload data", 12);
  nd_zip *zip;
  /* local header of the first entry starts at 0: time at +10, CRC at +14 */
  char *t = malloc(len);
  memcpy(t, z, len);
  t[10] ^= 0x01;
  cr_assert_eq(nd_zip_open(&zip, t, len, ctx_with(NULL)), 0, "%s", newsdoc_error_last()->message);
  char *data;
  size_t dlen;
  cr_assert_eq(nd_zip_read(zip, "a.xml", &data, &dlen), 0);
  nd_free(data);
  nd_zip_close(zip);
  memcpy(t, z, len);
  t[14] ^= 0x01;
  cr_assert_eq(nd_zip_open(&zip, t, len, ctx_with(NULL)), NEWSDOC_EMALFORMED);
  /* point the second central record at the first entry's data */
  memcpy(t, z, len);
  for (size_t i = len - 22; i > 0; i--)
    if (!memcmp(t + i, "PK\x01\x02", 4) && i + 46 + 5 <= len && !memcmp(t + i + 46, "b.xml", 5)) {
      memset(t + i + 42, 0, 4);
      memcpy(t + i + 46, "c.xml", 5);
      break;
    }
  cr_assert_neq(nd_zip_open(&zip, t, len, ctx_with(NULL)), 0, "overlapping entries accepted");
  free(t);
  nd_free(z);
}

/* libzip 1.7 does not enforce declared sizes: we do, while reading. */
Test(zip, lying_declared_size_is_malformed) {
  const char *names[] = {"m", "big.txt"};
  size_t plen = 100000;
  char *payload = malloc(plen);
  memset(payload, 'x', plen);
  size_t len;
  char *z = make_zip(&len, names, 2, payload, plen);
  free(payload);
  /* patch the uncompressed size of big.txt to 10 in both headers */
  for (size_t i = 0; i + 46 < len; i++) {
    if (!memcmp(z + i, "PK\x03\x04", 4) && !memcmp(z + i + 30, "big.txt", 7)) memcpy(z + i + 22, "\x0a\0\0\0", 4);
    if (!memcmp(z + i, "PK\x01\x02", 4) && !memcmp(z + i + 46, "big.txt", 7)) memcpy(z + i + 24, "\x0a\0\0\0", 4);
  }
  nd_zip *zip;
  char *data;
  size_t dlen;
  cr_assert_eq(nd_zip_open(&zip, z, len, ctx_with(NULL)), 0, "%s", newsdoc_error_last()->message);
  cr_assert_eq(nd_zip_read(zip, "big.txt", &data, &dlen), NEWSDOC_EMALFORMED);
  cr_assert(strstr(newsdoc_error_last()->message, "declared size"), "%s", newsdoc_error_last()->message);
  nd_zip_close(zip);
  nd_free(z);
}

/* The writer's own bytes: stored and deflated entries, an empty one and an
 * incompressible one, in order, with the header fields readers look at. */
Test(zip, writer_entries_round_trip) {
  enum { N = 70000 };
  char *noise = nd_malloc(N), *text = nd_malloc(N);
  cr_assert(noise && text);
  unsigned x = 1;
  for (size_t i = 0; i < N; i++) {
    x = x * 1103515245u + 12345u;
    noise[i] = (char)(x >> 16);
    text[i] = "\xd8\xb3\xd9\x84\xd8\xa7\xd9\x85 <w:t>"[i % 14];
  }
  struct { const char *name; const char *data; size_t len; int store; } e[] = {
    {"mimetype", "application/epub+zip", 20, 1}, {"empty", "", 0, 0}, {"noise.bin", noise, N, 0},
    {"text/\xd9\x86\xd8\xb5.xml", text, N, 0}, {"stored.jpg", noise, 1000, 1}};
  nd_zipw *w;
  cr_assert_eq(nd_zipw_new(&w, 1700000000), 0);
  for (size_t i = 0; i < 5; i++) cr_assert_eq(nd_zipw_add(w, e[i].name, e[i].data, e[i].len, e[i].store), 0);
  nd_buf b = ND_BUF_INIT;
  newsdoc_sink sink;
  nd_sink_init_buf(&sink, &b, 1ULL << 32);
  cr_assert_eq(nd_zipw_finish(w, &sink), 0);
  const unsigned char *z = (const unsigned char *)b.data;
  cr_assert_eq(z[8], 0, "mimetype is not stored");
  cr_assert_eq(z[4], 10, "a stored entry needs version 1.0");
  cr_assert_eq(memcmp(b.data + 30, "mimetype", 8), 0);
  cr_assert_eq(memcmp(b.data + 38, "application/epub+zip", 20), 0, "mimetype's data is not right after its header");
  cr_assert_eq(z[58 + 4], 20, "a deflated entry needs version 2.0");
  cr_assert_eq(z[58 + 8], 8, "the second entry is not deflated");
  nd_zip *r;
  cr_assert_eq(nd_zip_open(&r, b.data, b.len, ctx_with(NULL)), 0, "%s", newsdoc_error_last()->message);
  cr_assert_eq(nd_zip_count(r), 5);
  for (size_t i = 0; i < 5; i++) {
    cr_assert_str_eq(nd_zip_name(r, i), e[i].name);
    char *data;
    size_t len;
    cr_assert_eq(nd_zip_read(r, e[i].name, &data, &len), 0, "%s", newsdoc_error_last()->message);
    cr_assert_eq(len, e[i].len, "%s", e[i].name);
    cr_assert(!len || !memcmp(data, e[i].data, len), "%s differs", e[i].name);
    nd_free(data);
  }
  nd_zip_close(r);
  nd_buf_free(&b);
  nd_free(noise);
  nd_free(text);
}

/* A deflated entry whose data or CRC is damaged (the same in both headers,
 * so the archive opens) does not read. */
Test(zip, damaged_deflated_entry_is_malformed) {
  const char *names[] = {"m", "t.xml"};
  const char *text = "<p>\xd8\xb3\xd9\x84\xd8\xa7\xd9\x85 hello hello hello hello</p>";
  size_t len;
  char *z = make_zip(&len, names, 2, text, strlen(text));
  size_t local = 30 + 1 + strlen(text); /* "m" is stored: its header, name and data */
  cr_assert_eq(memcmp(z + local, "PK\x03\x04", 4), 0);
  cr_assert_eq(z[local + 8], 8, "t.xml is not deflated");
  size_t central = 0;
  for (size_t i = len - 22; i > 0 && !central; i--)
    if (!memcmp(z + i, "PK\x01\x02", 4) && !memcmp(z + i + 46, "t.xml", 5)) central = i;
  cr_assert(central);
  char *t = malloc(len);
  nd_zip *zip;
  char *data;
  size_t dlen;
  /* the CRC, in both headers */
  memcpy(t, z, len);
  t[local + 14] ^= 0x55;
  t[central + 16] ^= 0x55;
  cr_assert_eq(nd_zip_open(&zip, t, len, ctx_with(NULL)), 0, "%s", newsdoc_error_last()->message);
  cr_assert_eq(nd_zip_read(zip, "t.xml", &data, &dlen), NEWSDOC_EMALFORMED);
  cr_assert_eq(nd_zip_read(zip, "m", &data, &dlen), 0);
  nd_free(data);
  nd_zip_close(zip);
  /* the deflate stream: a reserved block type in its first byte */
  memcpy(t, z, len);
  t[local + 30 + 5] |= 0x06;
  cr_assert_eq(nd_zip_open(&zip, t, len, ctx_with(NULL)), 0, "%s", newsdoc_error_last()->message);
  cr_assert_eq(nd_zip_read(zip, "t.xml", &data, &dlen), NEWSDOC_EMALFORMED);
  nd_zip_close(zip);
  free(t);
  nd_free(z);
}

/* A part deflated ahead of time, in pieces of every size, gives the same
 * archive, byte for byte, as nd_zipw_add deflating it whole (the docx and
 * epub writers rely on it for reproducible output). */
Test(zip, zpart_same_bytes_as_whole_part) {
  size_t n = 3u << 20; /* several deflate blocks and 64 KiB output steps */
  char *data = malloc(n);
  cr_assert(data);
  unsigned x = 12345;
  for (size_t i = 0; i < n; i++) {
    x = x * 1103515245u + 12345u;
    /* text-like: words from a small alphabet, some Arabic bytes */
    data[i] = (x >> 16) % 7 == 0 ? ' ' : (x >> 16) % 11 == 0 ? (char)0xD8 : (char)('a' + (x >> 16) % 19);
  }
  static const size_t pieces[] = {0, 1, 7, 4096, 65536, 300000, 1u << 20};
  size_t lref = 0;
  char *ref = NULL;
  for (size_t v = 0; v <= sizeof pieces / sizeof *pieces; v++) {
    nd_zipw *w;
    cr_assert_eq(nd_zipw_new(&w, 1700000000), 0);
    cr_assert_eq(nd_zipw_add(w, "mimetype", "application/epub+zip", 20, 1), 0);
    nd_zpart empty = ND_ZPART_INIT, small = ND_ZPART_INIT, big = ND_ZPART_INIT;
    if (v == 0) {
      cr_assert_eq(nd_zipw_add(w, "empty.txt", "", 0, 0), 0);
      cr_assert_eq(nd_zipw_add(w, "small.txt", "سلام hello", strlen("سلام hello"), 0), 0);
      cr_assert_eq(nd_zipw_add(w, "big.xml", data, n, 0), 0);
    } else {
      size_t step = pieces[v - 1];
      cr_assert_eq(nd_zipw_add_zpart(w, "empty.txt", &empty), 0);
      cr_assert_eq(nd_zpart_put(&small, "سلام hello", strlen("سلام hello")), 0);
      cr_assert_eq(nd_zpart_finish(&small), 0);
      cr_assert_eq(nd_zipw_add_zpart(w, "small.txt", &small), 0);
      for (size_t off = 0; off < n;) {
        size_t k = step ? (n - off < step ? n - off : step) : n;
        cr_assert_eq(nd_zpart_put(&big, data + off, k), 0);
        if (step) cr_assert_eq(nd_zpart_put(&big, data, 0), 0);
        off += k;
      }
      cr_assert_eq(nd_zipw_add_zpart(w, "big.xml", &big), 0);
    }
    nd_buf b = ND_BUF_INIT;
    newsdoc_sink sink;
    nd_sink_init_buf(&sink, &b, 1ULL << 32);
    cr_assert_eq(nd_zipw_finish(w, &sink), 0, "%s", newsdoc_error_last()->message);
    nd_zpart_free(&empty);
    nd_zpart_free(&small);
    nd_zpart_free(&big);
    size_t len;
    char *z = nd_buf_detach(&b, &len);
    if (v == 0) {
      ref = z;
      lref = len;
      continue;
    }
    cr_assert_eq(len, lref, "pieces of %zu: %zu bytes, whole: %zu", pieces[v - 1], len, lref);
    cr_assert_eq(memcmp(z, ref, len), 0, "pieces of %zu: the archive differs", pieces[v - 1]);
    nd_free(z);
  }
  /* and it reads back */
  nd_zip *zr;
  cr_assert_eq(nd_zip_open(&zr, ref, lref, ctx_with(NULL)), 0, "%s", newsdoc_error_last()->message);
  char *out;
  size_t olen;
  cr_assert_eq(nd_zip_read(zr, "big.xml", &out, &olen), 0);
  cr_assert_eq(olen, n);
  cr_assert_eq(memcmp(out, data, n), 0);
  nd_free(out);
  nd_zip_close(zr);
  nd_free(ref);
  free(data);
}
