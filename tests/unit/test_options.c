/* Options, limits, the convert entry points, sinks and cancellation. */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"

static const char *DOC = "{\"newsdoc\":1,\"meta\":[[\"title\",\"t\"]],\"media\":[],\"body\":[{\"type\":\"paragraph\","
                         "\"children\":[{\"type\":\"text\",\"text\":\"hello\"}]}]}\n";

Test(options, limits_have_defaults_and_parse_sizes) {
  newsdoc_options *o;
  cr_assert_eq(newsdoc_options_new(&o), 0);
  cr_assert_eq(newsdoc_options_limit(o, NEWSDOC_LIMIT_INPUT_SIZE), 128ULL << 20);
  cr_assert_eq(newsdoc_options_limit(NULL, NEWSDOC_LIMIT_DEPTH), 256);
  cr_assert_eq(newsdoc_options_set(o, "max-input-size", "64K"), 0);
  cr_assert_eq(newsdoc_options_limit(o, NEWSDOC_LIMIT_INPUT_SIZE), 65536);
  cr_assert_eq(newsdoc_options_set(o, "max-depth", "-1"), NEWSDOC_EUSAGE);
  cr_assert_eq(newsdoc_options_set(o, "max-depth", "12x"), NEWSDOC_EUSAGE);
  cr_assert(strstr(newsdoc_error_last()->message, "max-depth"));
  cr_assert_eq(newsdoc_options_set(o, "date-from-clock", "maybe"), NEWSDOC_EUSAGE);
  cr_assert_eq(newsdoc_options_set(o, "wrap", "72"), 0, "format keys are kept");
  cr_assert_eq(newsdoc_options_get_int(o, "wrap", 0), 72);
  cr_assert_eq(newsdoc_options_set(o, "fragment", "yes"), 0);
  cr_assert_eq(newsdoc_options_get_bool(o, "fragment", 0), 1);
  cr_assert_eq(newsdoc_options_set(o, "wrap", NULL), 0);
  cr_assert_null(newsdoc_options_get(o, "wrap"));
  cr_assert_str_eq(newsdoc_limit_name(NEWSDOC_LIMIT_ZIP_RATIO), "max-zip-ratio");
  newsdoc_options *c;
  cr_assert_eq(newsdoc_options_clone(&c, o), 0);
  cr_assert_str_eq(newsdoc_options_get(c, "max-input-size"), "64K");
  newsdoc_options_free(c);
  newsdoc_options_free(o);
}

Test(options, input_and_output_size_limits) {
  newsdoc_options *o;
  newsdoc_options_new(&o);
  newsdoc_options_set(o, "max-input-size", "10");
  newsdoc_doc *d;
  cr_assert_eq(newsdoc_read(&d, DOC, strlen(DOC), "json", NULL, o), NEWSDOC_ELIMIT_SIZE);
  newsdoc_options_set(o, "max-input-size", NULL);
  cr_assert_eq(newsdoc_read(&d, DOC, strlen(DOC), "json", NULL, o), 0);
  newsdoc_options_set(o, "max-output-size", "20");
  char *out;
  size_t len;
  cr_assert_eq(newsdoc_write(d, "json", o, &out, &len), NEWSDOC_ELIMIT_SIZE);
  cr_assert_null(out);
  newsdoc_doc_free(d);
  newsdoc_options_free(o);
}

static int cancel_now(void *ud) { return ++*(int *)ud > 0; }

Test(options, cancel_callback_stops_work) {
  /* a document big enough to pass a cancellation check point */
  size_t n = 5000;
  char *s = malloc(n * 64 + 64);
  size_t k = (size_t)sprintf(s, "{\"newsdoc\":1,\"body\":[");
  for (size_t i = 0; i < n; i++) k += (size_t)sprintf(s + k, "%s{\"type\":\"thematic_break\"}", i ? "," : "");
  sprintf(s + k, "]}");
  newsdoc_options *o;
  newsdoc_options_new(&o);
  int calls = 0;
  newsdoc_options_set_cancel_fn(o, cancel_now, &calls);
  newsdoc_doc *d;
  cr_assert_eq(newsdoc_read(&d, s, strlen(s), "json", NULL, o), NEWSDOC_ECANCELLED);
  cr_assert_gt(calls, 0);
  newsdoc_options_set_cancel_fn(o, NULL, NULL);
  cr_assert_eq(newsdoc_read(&d, s, strlen(s), "json", NULL, o), 0);
  newsdoc_doc_free(d);
  newsdoc_options_free(o);
  free(s);
}

static int chunked_reader(void *buf, size_t cap, size_t *got, void *ud) {
  const char **p = ud;
  size_t left = strlen(*p), n = left < 7 ? left : 7;
  if (n > cap) n = cap;
  memcpy(buf, *p, n);
  *p += n;
  *got = n;
  return 0;
}

static int collect(const void *data, size_t len, void *ud) {
  strncat(ud, data, len);
  return 0;
}

static int fail_writer(const void *data, size_t len, void *ud) {
  (void)data; (void)len; (void)ud;
  return -1;
}

Test(convert, callbacks_files_and_memory) {
  const char *p = DOC;
  newsdoc_doc *d;
  cr_assert_eq(newsdoc_read_callback(&d, chunked_reader, &p, NULL, NULL), 0);
  char sink[4096] = "";
  cr_assert_eq(newsdoc_write_callback(d, "json", collect, sink, NULL), 0);
  cr_assert_str_eq(sink, DOC);
  cr_assert_eq(newsdoc_write_callback(d, "json", fail_writer, NULL, NULL), NEWSDOC_EIO);
  char path[] = "/tmp/newsdoc-test-XXXXXX";
  int fd = mkstemp(path);
  close(fd);
  char jpath[64];
  snprintf(jpath, sizeof jpath, "%s.json", path);
  cr_assert_eq(newsdoc_write_file(d, NULL, jpath, NULL), 0, "%s", newsdoc_error_last()->message);
  newsdoc_doc *d2;
  cr_assert_eq(newsdoc_read_file(&d2, jpath, NULL, NULL), 0);
  char *a = tu_json(d), *b = tu_json(d2);
  cr_assert_str_eq(a, b);
  free(a);
  free(b);
  newsdoc_doc_free(d2);
  d2 = NULL;
  cr_assert_eq(newsdoc_write_file(d, "no-such", jpath, NULL), NEWSDOC_EUNKNOWNFORMAT);
  cr_assert_eq(newsdoc_write_file(d, NULL, "/tmp/x.unknown-ext", NULL), NEWSDOC_EUNKNOWNFORMAT);
  cr_assert_eq(newsdoc_read_file(&d2, "/nonexistent/file.json", NULL, NULL), NEWSDOC_EIO);
  cr_assert(strstr(newsdoc_error_last()->message, "/nonexistent/file.json"));
  cr_assert_eq(newsdoc_read_file(&d2, "/tmp", NULL, NULL), NEWSDOC_EIO);
  newsdoc_options *o;
  newsdoc_options_new(&o);
  newsdoc_options_set(o, "max-output-size", "5");
  /* a failed write leaves no partial file */
  remove(jpath);
  cr_assert_eq(newsdoc_write_file(d, NULL, jpath, o), NEWSDOC_ELIMIT_SIZE);
  cr_assert_eq(access(jpath, F_OK), -1, "a partial file was left behind");
  newsdoc_options_free(o);
  remove(path);
  newsdoc_doc_free(d);
  newsdoc_doc_free(d2);
}

/* Writing to a path that is not a regular file writes into it: a FIFO stays
 * a FIFO (so /dev/null stays a device), a symbolic link stays a link and its
 * target gets the output. */
Test(options, write_file_keeps_fifos_and_links) {
  newsdoc_doc *d;
  cr_assert_eq(newsdoc_read(&d, DOC, strlen(DOC), "json", NULL, NULL), 0);
  char fifo[64], real[64], link[64];
  snprintf(fifo, sizeof fifo, "nd-fifo-%d", (int)getpid());
  snprintf(real, sizeof real, "nd-real-%d.json", (int)getpid());
  snprintf(link, sizeof link, "nd-link-%d.json", (int)getpid());
  remove(fifo);
  cr_assert_eq(mkfifo(fifo, 0600), 0);
  pid_t child = fork();
  cr_assert(child >= 0);
  if (child == 0) { /* the reader: counts what comes through */
    FILE *f = fopen(fifo, "rb");
    size_t n = 0;
    int c;
    while (f && (c = fgetc(f)) != EOF) n++;
    _exit(n > 20 && n < 250 ? 0 : 1);
  }
  int wrc = newsdoc_write_file(d, "json", fifo, NULL);
  struct stat sb;
  int still_fifo = lstat(fifo, &sb) == 0 && S_ISFIFO(sb.st_mode);
  if (!still_fifo) kill(child, SIGKILL); /* it would wait for a writer for ever */
  int st = 0;
  cr_assert_eq(waitpid(child, &st, 0), child);
  remove(fifo);
  cr_assert_eq(wrc, 0, "%s", newsdoc_error_last()->message);
  cr_assert(still_fifo, "the FIFO was replaced by a file");
  cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the reader did not get the document");

  FILE *f = fopen(real, "wb");
  cr_assert_not_null(f);
  fputs("old", f);
  fclose(f);
  remove(link);
  cr_assert_eq(symlink(real, link), 0);
  cr_assert_eq(newsdoc_write_file(d, "json", link, NULL), 0, "%s", newsdoc_error_last()->message);
  cr_assert_eq(lstat(link, &sb), 0);
  cr_assert(S_ISLNK(sb.st_mode), "the link was replaced by a file");
  newsdoc_doc *back;
  cr_assert_eq(newsdoc_read_file(&back, real, "json", NULL), 0, "%s", newsdoc_error_last()->message);
  char *a = tu_json(d), *b = tu_json(back);
  cr_assert_str_eq(a, b);
  free(a);
  free(b);
  newsdoc_doc_free(back);
  remove(link);
  remove(real);
  newsdoc_doc_free(d);
}
