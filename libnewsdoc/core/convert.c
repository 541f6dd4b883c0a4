/* convert.c - the simple interface: read, write, convert. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../internal.h"

/* Makes sure a failing callback left a matching error behind, and that the
 * message names the format. */
static int finish_error(int rc, const char *format) {
  const newsdoc_error *e = newsdoc_error_last();
  if (rc >= 0) rc = NEWSDOC_EMALFORMED;
  if (e->code != rc) return newsdoc_error_set(rc, "%s: %s", format, newsdoc_strerror(rc));
  size_t n = strlen(format);
  if (strncmp(e->message, format, n) || e->message[n] != ':') nd_error_prefix("%s", format);
  return rc;
}

/* `owned`, when not NULL, holds `data`: the reader may free it early through
 * nd_ctx_release_input(). */
static int read_impl(newsdoc_doc **out, const char *data, size_t len, const char *format, const char *filename,
                     const newsdoc_options *opts, nd_buf *owned) {
  if (!out || (!data && len)) return newsdoc_error_set(NEWSDOC_EUSAGE, "newsdoc_read: NULL argument");
  *out = NULL;
  unsigned long long max = newsdoc_options_limit(opts, NEWSDOC_LIMIT_INPUT_SIZE);
  if (len > max)
    return newsdoc_error_set(NEWSDOC_ELIMIT_SIZE, "%s: %zu bytes is more than max-input-size (%llu)",
                             filename ? filename : "input", len, max);
  if (!data) data = "";
  newsdoc_format f;
  int rc;
  if (!format) {
    const char *name;
    if ((rc = newsdoc_probe(data, len, filename, &name, NULL))) return rc;
    format = name;
  }
  if ((rc = newsdoc_format_find(format, &f))) return newsdoc_error_set(NEWSDOC_EUNKNOWNFORMAT, "unknown input format \"%s\"", format);
  if (!f.read) return newsdoc_error_set(NEWSDOC_EUNSUPPORTED, "%s: this format cannot be read", f.name);
  newsdoc_ctx ctx;
  nd_ctx_init(&ctx, opts, f.name, filename);
  ctx.input = owned;
  newsdoc_doc *doc = NULL;
  newsdoc_error_clear();
  rc = f.read(&doc, data, len, &ctx, f.userdata);
  if (rc || !doc) {
    newsdoc_doc_free(doc);
    return finish_error(rc, f.name);
  }
  *out = doc;
  return 0;
}

int newsdoc_read(newsdoc_doc **out, const char *data, size_t len, const char *format, const char *filename,
                 const newsdoc_options *opts) {
  return read_impl(out, data, len, format, filename, opts, NULL);
}

/* Reads a whole file, never more than `max` bytes. */
static int slurp_file(const char *path, unsigned long long max, nd_buf *b) {
  FILE *fp = fopen(path, "rb");
  if (!fp) return newsdoc_error_set(NEWSDOC_EIO, "%s: cannot open: %s", path, strerror(errno));
  struct stat st;
  if (fstat(fileno(fp), &st) == 0) {
    if (S_ISDIR(st.st_mode)) {
      fclose(fp);
      return newsdoc_error_set(NEWSDOC_EIO, "%s: is a directory", path);
    }
    if (S_ISREG(st.st_mode) && (unsigned long long)st.st_size > max) {
      fclose(fp);
      return newsdoc_error_set(NEWSDOC_ELIMIT_SIZE, "%s: %lld bytes is more than max-input-size (%llu)", path,
                               (long long)st.st_size, max);
    }
    if (S_ISREG(st.st_mode) && nd_buf_reserve(b, (size_t)st.st_size)) {
      fclose(fp);
      return nd_oom("reading a file");
    }
  }
  for (;;) {
    if (nd_buf_reserve(b, 65536)) {
      fclose(fp);
      return nd_oom("reading a file");
    }
    size_t got = fread(b->data + b->len, 1, b->cap - b->len - 1, fp);
    b->len += got;
    if (b->len > max) {
      fclose(fp);
      return newsdoc_error_set(NEWSDOC_ELIMIT_SIZE, "%s: more than max-input-size (%llu bytes)", path, max);
    }
    if (got == 0) break;
  }
  int err = ferror(fp);
  fclose(fp);
  if (err) return newsdoc_error_set(NEWSDOC_EIO, "%s: read error", path);
  b->data[b->len] = 0; /* as an nd_buf always is (fread wrote past the old end) */
  return 0;
}

int newsdoc_read_file(newsdoc_doc **out, const char *path, const char *format, const newsdoc_options *opts) {
  if (!out || !path) return newsdoc_error_set(NEWSDOC_EUSAGE, "newsdoc_read_file: NULL argument");
  *out = NULL;
  nd_buf b = ND_BUF_INIT;
  int rc = slurp_file(path, newsdoc_options_limit(opts, NEWSDOC_LIMIT_INPUT_SIZE), &b);
  if (!rc) rc = read_impl(out, b.data ? b.data : "", b.len, format, path, opts, b.data ? &b : NULL);
  nd_buf_free(&b);
  return rc;
}

int newsdoc_read_callback(newsdoc_doc **out, newsdoc_read_cb cb, void *ud, const char *format,
                          const newsdoc_options *opts) {
  if (!out || !cb) return newsdoc_error_set(NEWSDOC_EUSAGE, "newsdoc_read_callback: NULL argument");
  *out = NULL;
  unsigned long long max = newsdoc_options_limit(opts, NEWSDOC_LIMIT_INPUT_SIZE);
  nd_buf b = ND_BUF_INIT;
  int rc = 0;
  for (;;) {
    if (nd_buf_reserve(&b, 65536)) { rc = nd_oom("reading input"); break; }
    size_t got = 0, cap = b.cap - b.len - 1;
    if (cb(b.data + b.len, cap, &got, ud)) { rc = newsdoc_error_set(NEWSDOC_EIO, "input: the read callback failed"); break; }
    if (got > cap) { rc = newsdoc_error_set(NEWSDOC_EUSAGE, "input: the read callback returned more than asked"); break; }
    if (!got) break;
    b.len += got;
    if (b.len > max) { rc = newsdoc_error_set(NEWSDOC_ELIMIT_SIZE, "input: more than max-input-size (%llu bytes)", max); break; }
  }
  if (!rc) rc = newsdoc_read(out, b.data ? b.data : "", b.len, format, NULL, opts);
  nd_buf_free(&b);
  return rc;
}

static int write_sink(const newsdoc_doc *doc, const char *format, newsdoc_sink *sink, const newsdoc_options *opts) {
  if (!doc || !format) return newsdoc_error_set(NEWSDOC_EUSAGE, "write: NULL document or format");
  newsdoc_format f;
  if (newsdoc_format_find(format, &f)) return newsdoc_error_set(NEWSDOC_EUNKNOWNFORMAT, "unknown output format \"%s\"", format);
  if (!f.write) return newsdoc_error_set(NEWSDOC_EUNSUPPORTED, "%s: this format cannot be written", f.name);
  newsdoc_ctx ctx;
  nd_ctx_init(&ctx, opts, f.name, NULL);
  newsdoc_error_clear();
  int rc = f.write(doc, sink, &ctx, f.userdata);
  return rc ? finish_error(rc, f.name) : 0;
}

int newsdoc_write(const newsdoc_doc *doc, const char *format, const newsdoc_options *opts, char **out, size_t *len_out) {
  if (!out) return newsdoc_error_set(NEWSDOC_EUSAGE, "newsdoc_write: out is NULL");
  *out = NULL;
  if (len_out) *len_out = 0;
  nd_buf b = ND_BUF_INIT;
  newsdoc_sink sink;
  nd_sink_init_buf(&sink, &b, newsdoc_options_limit(opts, NEWSDOC_LIMIT_OUTPUT_SIZE));
  int rc = write_sink(doc, format, &sink, opts);
  if (rc) {
    nd_buf_free(&b);
    return rc;
  }
  char *p = nd_buf_detach(&b, len_out);
  if (!p) return nd_oom("newsdoc_write");
  *out = p;
  return 0;
}

static int file_sink(const void *data, size_t len, void *ud) {
  return fwrite(data, 1, len, (FILE *)ud) == len ? 0 : -1;
}

/* Writes the document into fp and closes it (path: for messages). */
static int write_fp(const newsdoc_doc *doc, const char *format, FILE *fp, const char *path, const newsdoc_options *opts) {
  newsdoc_sink sink;
  nd_sink_init_fn(&sink, file_sink, fp, newsdoc_options_limit(opts, NEWSDOC_LIMIT_OUTPUT_SIZE));
  int rc = write_sink(doc, format, &sink, opts);
  int bad = fflush(fp) != 0;
  bad |= fclose(fp) != 0;
  if (!rc && bad) rc = newsdoc_error_set(NEWSDOC_EIO, "%s: write error: %s", path, strerror(errno));
  return rc;
}

/* Streams into the path itself, truncated (what is written stays there if
 * the conversion fails half-way). */
static int write_direct(const newsdoc_doc *doc, const char *format, const char *path, const newsdoc_options *opts) {
  FILE *fp = fopen(path, "wb");
  if (!fp) return newsdoc_error_set(NEWSDOC_EIO, "%s: cannot open: %s", path, strerror(errno));
  return write_fp(doc, format, fp, path, opts);
}

static int write_replace(const newsdoc_doc *doc, const char *format, const char *path, const newsdoc_options *opts);

int newsdoc_write_file(const newsdoc_doc *doc, const char *format, const char *path, const newsdoc_options *opts) {
  if (!doc || !path) return newsdoc_error_set(NEWSDOC_EUSAGE, "newsdoc_write_file: NULL argument");
  newsdoc_format f;
  if (!format) {
    if (newsdoc_format_for_filename(path, 1, &f))
      return newsdoc_error_set(NEWSDOC_EUNKNOWNFORMAT, "%s: no output format for this extension; name one", path);
    format = f.name;
  }
  /* A path that is not a regular file (a device such as /dev/null or
   * /dev/stdout, a FIFO) is written to as it is: renaming a file over it
   * would replace the device.  A symbolic link to a regular file keeps
   * being a link: its target is replaced; any other link is written
   * through. */
  struct stat lst, tst;
  char *resolved = NULL;
  if (lstat(path, &lst) == 0) {
    if (S_ISLNK(lst.st_mode)) {
      if (stat(path, &tst) == 0 && S_ISREG(tst.st_mode) && (resolved = realpath(path, NULL)) != NULL) path = resolved;
      else return write_direct(doc, format, path, opts);
    } else if (!S_ISREG(lst.st_mode)) {
      return write_direct(doc, format, path, opts);
    }
  }
  int rc = write_replace(doc, format, path, opts);
  free(resolved); /* realpath's, from malloc */
  return rc;
}

/* Streams into a temporary file beside the target, then renames it over
 * the target: the output never has to fit in memory, and a failed
 * conversion leaves no partial file. */
static int write_replace(const newsdoc_doc *doc, const char *format, const char *path, const newsdoc_options *opts) {
  size_t plen = strlen(path);
  char *tmp = nd_malloc(plen + 16);
  if (!tmp) return nd_oom("newsdoc_write_file");
  memcpy(tmp, path, plen);
  memcpy(tmp + plen, ".ndtmp-XXXXXX", 14);
  int fd = mkstemp(tmp);
  if (fd < 0) {
    int e = errno;
    nd_free(tmp);
    return newsdoc_error_set(NEWSDOC_EIO, "%s: cannot create: %s", path, strerror(e));
  }
  struct stat st;
  mode_t mode = 0644;
  if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) mode = st.st_mode & 07777;
  fchmod(fd, mode);
  FILE *fp = fdopen(fd, "wb");
  if (!fp) {
    close(fd);
    remove(tmp);
    nd_free(tmp);
    return nd_oom("newsdoc_write_file");
  }
  int rc = write_fp(doc, format, fp, path, opts);
  if (!rc && rename(tmp, path) != 0) rc = newsdoc_error_set(NEWSDOC_EIO, "%s: cannot replace: %s", path, strerror(errno));
  if (rc) remove(tmp);
  nd_free(tmp);
  return rc;
}

int newsdoc_write_callback(const newsdoc_doc *doc, const char *format, newsdoc_write_cb cb, void *ud,
                           const newsdoc_options *opts) {
  if (!cb) return newsdoc_error_set(NEWSDOC_EUSAGE, "newsdoc_write_callback: NULL callback");
  newsdoc_sink sink;
  nd_sink_init_fn(&sink, cb, ud, newsdoc_options_limit(opts, NEWSDOC_LIMIT_OUTPUT_SIZE));
  return write_sink(doc, format, &sink, opts);
}

int newsdoc_convert(const char *data, size_t len, const char *from, const char *to, const newsdoc_options *opts,
                    char **out, size_t *len_out) {
  newsdoc_doc *doc = NULL;
  if (out) *out = NULL;
  int rc = newsdoc_read(&doc, data, len, from, NULL, opts);
  if (rc) return rc;
  rc = newsdoc_write(doc, to, opts, out, len_out);
  newsdoc_doc_free(doc);
  return rc;
}
