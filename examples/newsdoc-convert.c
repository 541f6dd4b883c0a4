/*
 * newsdoc-convert - convert news articles between formats, pandoc-style.
 *
 *   newsdoc-convert [-f FROM] [-t TO] [-o OUTPUT] [-M KEY=VALUE]...
 *                   [--opt KEY=VALUE]... [INPUT|-]
 *   newsdoc-convert -t TO -O OUTDIR [-j N] [OPTIONS] FILES...   (batch mode)
 *
 * A thin layer over the public API: it uses nothing private.  Batch mode
 * converts many files in one process with N worker threads; a file that
 * fails is reported on one line and skipped.
 * Exit status: 0 success, 1 a conversion failed, 2 bad usage.
 */
#include <errno.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include <newsdoc/newsdoc.h>

static const char *prog = "newsdoc-convert";

static void usage(FILE *out) {
  fprintf(out,
          "Usage: %s [OPTIONS] [INPUT|-]\n"
          "       %s -t FORMAT -O OUTDIR [-j N] [OPTIONS] FILES...\n"
          "Convert a news article between text, markdown, html, epub, docx and json.\n"
          "\n"
          "  -f, --from FORMAT      input format (default: detected from the content)\n"
          "  -t, --to FORMAT        output format (default: from the -o extension)\n"
          "  -o, --output FILE      write to FILE (default: standard output)\n"
          "  -O, --output-dir DIR   batch mode: convert every FILE into DIR (created if\n"
          "                         missing) as NAME.EXT, EXT the output format's\n"
          "                         extension (NAME.OLDEXT.EXT when inputs share a NAME)\n"
          "  -j, --jobs N           batch mode: N worker threads (default: the number\n"
          "                         of processors)\n"
          "  -M, --metadata K=V     set metadata K (author and keyword add a value)\n"
          "      --opt K=V          set a library option (see newsdoc/options.h),\n"
          "                         e.g. --opt wrap=72, --opt max-depth=100\n"
          "      --fragment         HTML: write the body content only\n"
          "      --wrap N           text: wrap lines at N columns\n"
          "      --opt embed-media=0  HTML: images as files in media/ beside the page\n"
          "      --list-formats     list the formats and what they can do\n"
          "  -q, --quiet            do not print warnings\n"
          "  -v, --version          print the version\n"
          "  -h, --help             print this help\n"
          "\n"
          "With no INPUT, or with -, the input is read from standard input.\n"
          "Batch mode reports a file that fails on one line (file, formats, reason),\n"
          "skips it and goes on, and ends with a summary line on standard error; a\n"
          "progress bar is drawn only when standard error is a terminal.\n"
          "Exit status: 0 on success, 1 when a conversion fails, 2 on bad usage.\n",
          prog, prog);
}

static int bad_usage(const char *fmt, const char *arg) {
  fprintf(stderr, "%s: ", prog);
  fprintf(stderr, fmt, arg);
  fprintf(stderr, "\nTry '%s --help'.\n", prog);
  return 2;
}

static void list_formats(void) {
  size_t n = newsdoc_format_count();
  printf("%-10s %-5s %-5s %-20s %s\n", "FORMAT", "READ", "WRITE", "EXTENSIONS", "DESCRIPTION");
  for (size_t i = 0; i < n; i++) {
    newsdoc_format f;
    if (newsdoc_format_at(i, &f)) continue;
    printf("%-10s %-5s %-5s %-20s %s\n", f.name, f.read ? "yes" : "no", f.write ? "yes" : "no", f.extensions,
           f.description);
  }
}

typedef struct {
  const char *file;
  int quiet;
} warn_ctx;

/* The file the calling thread is converting (batch mode: one per worker). */
static _Thread_local const char *tl_file;
/* Standard error is shared by the workers and the progress bar. */
static pthread_mutex_t err_lock = PTHREAD_MUTEX_INITIALIZER;
static int bar_shown; /* the progress bar is on the last line of stderr */

static void bar_clear_locked(void) {
  if (bar_shown) {
    fputs("\r\033[K", stderr);
    bar_shown = 0;
  }
}

static void on_warning(const char *format, const char *message, void *ud) {
  warn_ctx *w = ud;
  if (w->quiet) return;
  pthread_mutex_lock(&err_lock);
  bar_clear_locked();
  fprintf(stderr, "%s: warning: %s: %s: %s\n", prog, tl_file ? tl_file : w->file, format, message);
  pthread_mutex_unlock(&err_lock);
}

/* With -t html --opt embed-media=0 the page refers to media/NAME: write
 * those files beside the output page.  Media names are plain file names
 * (the library refuses '/', '..' and control characters in them). */
static int write_media_beside(const newsdoc_doc *doc, const char *format, const char *output,
                              const newsdoc_options *opts) {
  if (!output || strcmp(format, "html") || newsdoc_options_get_bool(opts, "embed-media", 1) ||
      !newsdoc_media_count(doc))
    return 0;
  const char *slash = strrchr(output, '/');
  size_t dlen = slash ? (size_t)(slash - output) + 1 : 0;
  char path[4096];
  if (dlen + 6 + 256 >= sizeof path) return newsdoc_error_set(NEWSDOC_EIO, "%s: path too long", output);
  snprintf(path, sizeof path, "%.*smedia", (int)dlen, output);
  if (mkdir(path, 0755) != 0 && errno != EEXIST)
    return newsdoc_error_set(NEWSDOC_EIO, "%s: cannot create: %s", path, strerror(errno));
  for (size_t i = 0; i < newsdoc_media_count(doc); i++) {
    const char *name;
    const void *data;
    size_t len;
    if (newsdoc_media_get(doc, i, &name, NULL, &data, &len)) continue;
    snprintf(path, sizeof path, "%.*smedia/%s", (int)dlen, output, name);
    FILE *f = fopen(path, "wb");
    int bad = !f || fwrite(data, 1, len, f) != len;
    if (f && fclose(f)) bad = 1;
    if (bad) return newsdoc_error_set(NEWSDOC_EIO, "%s: cannot write: %s", path, strerror(errno));
  }
  return 0;
}

static int stdin_reader(void *buf, size_t cap, size_t *got, void *ud) {
  (void)ud;
  *got = fread(buf, 1, cap, stdin);
  return ferror(stdin) ? -1 : 0;
}

static int stdout_writer(const void *data, size_t len, void *ud) {
  (void)ud;
  return fwrite(data, 1, len, stdout) == len ? 0 : -1;
}

/* "-M author=X" adds; other keys replace.  The strings are only read (the
 * batch workers share them). */
static int apply_metadata(newsdoc_doc *doc, char **meta, size_t n) {
  for (size_t i = 0; i < n; i++) {
    const char *eq = strchr(meta[i], '=');
    char key[256];
    size_t klen = (size_t)(eq - meta[i]);
    if (klen >= sizeof key) return newsdoc_error_set(NEWSDOC_EUSAGE, "-M: key too long");
    memcpy(key, meta[i], klen);
    key[klen] = 0;
    const char *v = eq + 1;
    int rc = (!strcmp(key, NEWSDOC_META_AUTHOR) || !strcmp(key, NEWSDOC_META_KEYWORD))
                 ? newsdoc_meta_add(doc, key, v, strlen(v))
                 : newsdoc_meta_set(doc, key, v, strlen(v));
    if (rc) return rc;
  }
  return 0;
}

/* ---- batch mode ------------------------------------------------------------ */

typedef struct {
  const char *input;
  char *output; /* NULL: failed before converting (why in `reason`) */
  const char *reason;
} job;

typedef struct {
  job *jobs;
  size_t njobs;
  atomic_size_t next;
  atomic_size_t done, failed;
  const char *from;
  const char *to;
  const newsdoc_options *opts;
  char **meta;
  size_t nmeta;
  int bar; /* draw a progress bar */
  struct timespec t0;
  unsigned long long last_bar_ms;
} batch;

static double seconds_since(const struct timespec *t0) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

static void bar_draw_locked(batch *b, size_t done, int force) {
  unsigned long long ms = (unsigned long long)(seconds_since(&b->t0) * 1000.0);
  if (!force && ms - b->last_bar_ms < 100) return;
  b->last_bar_ms = ms;
  const int width = 30;
  int fill = b->njobs ? (int)((double)done / (double)b->njobs * width) : width;
  char bar[64];
  for (int i = 0; i < width; i++) bar[i] = i < fill ? '#' : '.';
  bar[width] = 0;
  fprintf(stderr, "\r[%s] %zu/%zu  %zu failed  %.1f s\033[K", bar, done, b->njobs,
          atomic_load(&b->failed), (double)ms / 1000.0);
  fflush(stderr);
  bar_shown = 1;
}

static void report_failure(batch *b, const char *file, const char *from, const char *reason, int code) {
  pthread_mutex_lock(&err_lock);
  bar_clear_locked();
  if (code)
    fprintf(stderr, "%s: %s: %s -> %s: %s (%s)\n", prog, file, from ? from : "unknown", b->to, reason, newsdoc_strerror(code));
  else
    fprintf(stderr, "%s: %s: %s -> %s: %s\n", prog, file, from ? from : "unknown", b->to, reason);
  pthread_mutex_unlock(&err_lock);
}

/* Read a whole file into *buf (grown as needed, kept between files). */
static int slurp(const char *path, char **buf, size_t *cap, size_t *len, unsigned long long max) {
  FILE *fp = fopen(path, "rb");
  if (!fp) return newsdoc_error_set(NEWSDOC_EIO, "%s: cannot open: %s", path, strerror(errno));
  struct stat st;
  size_t want = 65536;
  if (fstat(fileno(fp), &st) == 0) {
    if (S_ISDIR(st.st_mode)) {
      fclose(fp);
      return newsdoc_error_set(NEWSDOC_EIO, "%s: is a directory", path);
    }
    if (S_ISREG(st.st_mode)) {
      if ((unsigned long long)st.st_size > max) {
        fclose(fp);
        return newsdoc_error_set(NEWSDOC_ELIMIT_SIZE, "%s: %lld bytes is more than max-input-size (%llu)", path,
                                 (long long)st.st_size, max);
      }
      want = (size_t)st.st_size + 1;
    }
  }
  *len = 0;
  for (;;) {
    if (*cap < *len + want) {
      size_t ncap = *cap ? *cap : 65536;
      while (ncap < *len + want) ncap *= 2;
      char *p = realloc(*buf, ncap);
      if (!p) {
        fclose(fp);
        return newsdoc_error_set(NEWSDOC_ENOMEM, "%s: out of memory reading the file", path);
      }
      *buf = p;
      *cap = ncap;
    }
    size_t got = fread(*buf + *len, 1, *cap - *len, fp);
    *len += got;
    if (*len > max) {
      fclose(fp);
      return newsdoc_error_set(NEWSDOC_ELIMIT_SIZE, "%s: more than max-input-size (%llu bytes)", path, max);
    }
    if (got == 0) break;
    want = 65536;
  }
  int err = ferror(fp);
  fclose(fp);
  return err ? newsdoc_error_set(NEWSDOC_EIO, "%s: read error", path) : 0;
}

static void *worker(void *arg) {
  batch *b = arg;
  char *buf = NULL;
  size_t cap = 0;
  unsigned long long max = newsdoc_options_limit(b->opts, NEWSDOC_LIMIT_INPUT_SIZE);
  for (;;) {
    size_t i = atomic_fetch_add(&b->next, 1);
    if (i >= b->njobs) break;
    job *j = &b->jobs[i];
    tl_file = j->input;
    const char *from = b->from;
    int err = 0;
    if (!j->output) {
      report_failure(b, j->input, from, j->reason, 0);
      err = 1;
    } else {
      size_t len = 0;
      newsdoc_doc *doc = NULL;
      err = slurp(j->input, &buf, &cap, &len, max);
      if (!err && !from) err = newsdoc_probe(buf, len, j->input, &from, NULL);
      if (!err) err = newsdoc_read(&doc, buf, len, from, j->input, b->opts);
      if (!err) err = apply_metadata(doc, b->meta, b->nmeta);
      if (!err) err = newsdoc_write_file(doc, b->to, j->output, b->opts);
      if (!err) err = write_media_beside(doc, b->to, j->output, b->opts);
      newsdoc_doc_free(doc);
      if (err) report_failure(b, j->input, from, newsdoc_error_last()->message, err);
      if (cap > (64u << 20)) { /* do not keep a huge buffer for small files */
        free(buf);
        buf = NULL;
        cap = 0;
      }
    }
    if (err) atomic_fetch_add(&b->failed, 1);
    size_t done = atomic_fetch_add(&b->done, 1) + 1;
    if (b->bar) {
      pthread_mutex_lock(&err_lock);
      bar_draw_locked(b, done, done == b->njobs);
      pthread_mutex_unlock(&err_lock);
    }
    tl_file = NULL;
  }
  free(buf);
  return NULL;
}

/* mkdir -p */
static int make_dirs(const char *dir) {
  char *p = strdup(dir);
  if (!p) return -1;
  for (char *s = p + 1;; s++) {
    if (*s == '/' || !*s) {
      char c = *s;
      *s = 0;
      if (mkdir(p, 0777) && errno != EEXIST) {
        free(p);
        return -1;
      }
      *s = c;
      if (!c) break;
    }
  }
  free(p);
  struct stat st;
  if (stat(dir, &st) || !S_ISDIR(st.st_mode)) {
    errno = ENOTDIR;
    return -1;
  }
  return 0;
}

static const char *base_name(const char *path) {
  const char *s = strrchr(path, '/');
  return s ? s + 1 : path;
}

static char *join_name(const char *dir, const char *base, size_t base_len, const char *ext) {
  size_t n = strlen(dir) + 1 + base_len + 1 + strlen(ext) + 1;
  char *s = malloc(n);
  if (s) snprintf(s, n, "%s/%.*s.%s", dir, (int)base_len, base, ext);
  return s;
}

static int cmp_job_output(const void *a, const void *b) {
  const job *const *x = a, *const *y = b;
  int c = strcmp((*x)->output, (*y)->output);
  return c ? c : ((*x) < (*y) ? -1 : (*x) > (*y));
}

/* Sorts pointers to the jobs that have an output by output name. */
static job **sorted_by_output(job *jobs, size_t n, size_t *count) {
  job **v = malloc((n ? n : 1) * sizeof *v);
  if (!v) return NULL;
  size_t k = 0;
  for (size_t i = 0; i < n; i++)
    if (jobs[i].output) v[k++] = &jobs[i];
  qsort(v, k, sizeof *v, cmp_job_output);
  *count = k;
  return v;
}

/* Output names: DIR/NAME.EXT; inputs that would collide get
 * DIR/NAME.OLDEXT.EXT; any collision left fails every input but the first
 * (in argument order). */
static int plan_outputs(job *jobs, size_t n, const char *dir, const char *ext) {
  for (size_t i = 0; i < n; i++) {
    const char *base = base_name(jobs[i].input);
    const char *dot = strrchr(base, '.');
    size_t stem = dot && dot != base ? (size_t)(dot - base) : strlen(base);
    if (!(jobs[i].output = join_name(dir, base, stem, ext))) return -1;
  }
  for (int pass = 0; pass < 2; pass++) {
    size_t k;
    job **v = sorted_by_output(jobs, n, &k);
    if (!v) return -1;
    for (size_t a = 0; a < k;) {
      size_t e = a + 1;
      while (e < k && !strcmp(v[a]->output, v[e]->output)) e++;
      int same_base = 1; /* renaming cannot help inputs with the same file name */
      for (size_t m = a + 1; m < e; m++)
        if (strcmp(base_name(v[m]->input), base_name(v[a]->input))) same_base = 0;
      if (e - a > 1 && !(pass == 0 && same_base)) {
        for (size_t m = a; m < e; m++) {
          if (pass == 0) {
            const char *base = base_name(v[m]->input);
            char *o = join_name(dir, base, strlen(base), ext);
            if (!o) { free(v); return -1; }
            free(v[m]->output);
            v[m]->output = o;
          } else if (m > a) { /* v is in argument order within a group */
            free(v[m]->output);
            v[m]->output = NULL;
            v[m]->reason = "another input has the same file name; its output would be overwritten";
          }
        }
      }
      a = e;
    }
    free(v);
  }
  /* Never replace an input with its own output. */
  for (size_t i = 0; i < n; i++) {
    struct stat si, so;
    if (jobs[i].output && !stat(jobs[i].input, &si) && !stat(jobs[i].output, &so) && si.st_dev == so.st_dev &&
        si.st_ino == so.st_ino) {
      free(jobs[i].output);
      jobs[i].output = NULL;
      jobs[i].reason = "the output would overwrite the input";
    }
  }
  return 0;
}

static int run_batch(const char **inputs, size_t ninputs, const char *outdir, long jobs_n, const char *from,
                     const newsdoc_format *out_fmt, const newsdoc_options *opts, char **meta, size_t nmeta) {
  if (make_dirs(outdir)) {
    fprintf(stderr, "%s: %s: cannot create the output directory: %s\n", prog, outdir, strerror(errno));
    return 1;
  }
  char ext[32];
  size_t el = strcspn(out_fmt->extensions ? out_fmt->extensions : "", ",");
  if (el == 0 || el >= sizeof ext) snprintf(ext, sizeof ext, "%s", out_fmt->name);
  else snprintf(ext, sizeof ext, "%.*s", (int)el, out_fmt->extensions);

  batch b;
  memset(&b, 0, sizeof b);
  b.jobs = calloc(ninputs, sizeof *b.jobs);
  if (!b.jobs) {
    fprintf(stderr, "%s: out of memory\n", prog);
    return 1;
  }
  b.njobs = ninputs;
  for (size_t i = 0; i < ninputs; i++) b.jobs[i].input = inputs[i];
  if (plan_outputs(b.jobs, ninputs, outdir, ext)) {
    fprintf(stderr, "%s: out of memory\n", prog);
    return 1;
  }
  atomic_init(&b.next, 0);
  atomic_init(&b.done, 0);
  atomic_init(&b.failed, 0);
  b.from = from;
  b.to = out_fmt->name;
  b.opts = opts;
  b.meta = meta;
  b.nmeta = nmeta;
  b.bar = isatty(STDERR_FILENO);
  clock_gettime(CLOCK_MONOTONIC, &b.t0);

  if (jobs_n > (long)ninputs) jobs_n = (long)ninputs;
  if (jobs_n < 1) jobs_n = 1;
  pthread_t *th = calloc((size_t)jobs_n, sizeof *th);
  long started = 0;
  if (th) {
    for (; started < jobs_n - 1; started++) /* the main thread is a worker too */
      if (pthread_create(&th[started], NULL, worker, &b)) break;
  }
  worker(&b);
  for (long i = 0; i < started; i++) pthread_join(th[i], NULL);
  free(th);

  double secs = seconds_since(&b.t0);
  size_t failed = atomic_load(&b.failed);
  pthread_mutex_lock(&err_lock);
  bar_clear_locked();
  fprintf(stderr, "%s: %zu converted, %zu failed, %.3f s (%ld thread%s, %.1f files/s)\n", prog, ninputs - failed,
          failed, secs, jobs_n, jobs_n == 1 ? "" : "s", secs > 0 ? (double)ninputs / secs : 0.0);
  pthread_mutex_unlock(&err_lock);
  for (size_t i = 0; i < ninputs; i++) free(b.jobs[i].output);
  free(b.jobs);
  return failed ? 1 : 0;
}

/* ---- main ---------------------------------------------------------------------- */

/* One conversion touches a heap of some ten times its input (the input,
 * its decoded text, the tree, the output, zlib's states), a page at a
 * time, each first touch a page fault (about 1.1 us here; 0.55 us a page
 * when the kernel fills them in one call).  So the heap such a conversion
 * needs is faulted in at once: no more than a conversion of this size
 * touches anyway, and never more than 1 MiB.  A hint only: without
 * MADV_POPULATE_WRITE (Linux 5.14) nothing is done. */
static void prefault_heap(const char *path) {
#if defined(__GLIBC__) && defined(MADV_POPULATE_WRITE)
  struct stat st;
  if (stat(path, &st) || !S_ISREG(st.st_mode)) return;
  size_t want = 192 * 1024 + (size_t)(st.st_size < (1 << 20) ? st.st_size : (1 << 20)) * 8;
  if (want > (1 << 20) - 4096) want = (1 << 20) - 4096; /* stays below M_MMAP_THRESHOLD: in the heap */
  char *p = malloc(want);
  if (!p) return;
  uintptr_t a = ((uintptr_t)p + 4095) & ~(uintptr_t)4095, e = ((uintptr_t)p + want) & ~(uintptr_t)4095;
  if (e > a) (void)madvise((void *)a, e - a, MADV_POPULATE_WRITE);
  free(p); /* back to the heap, not the kernel (M_TRIM_THRESHOLD) */
#else
  (void)path;
#endif
}

int main(int argc, char **argv) {
#if defined(__GLIBC__) && defined(M_TRIM_THRESHOLD)
  /* A conversion allocates and frees a few hundred KiB again and again
   * (zlib's state for every zip entry, growing buffers).  glibc's defaults
   * hand that back to the kernel each time (mmap/munmap above 128 KiB, heap
   * trimming above 128 KiB free), so every round paid for fresh zeroed pages:
   * about 10% of a short EPUB or DOCX conversion.  A process this short-lived
   * keeps it instead; large buffers (a 50 MB article) are still mapped. */
  mallopt(M_MMAP_THRESHOLD, 1 << 20);
  mallopt(M_TRIM_THRESHOLD, 8 << 20);
#endif
  const char *from = NULL, *to = NULL, *output = NULL, *outdir = NULL;
  const char **inputs = calloc((size_t)argc + 1, sizeof *inputs);
  size_t ninputs = 0;
  char **meta = calloc((size_t)argc + 1, sizeof *meta);
  size_t nmeta = 0;
  long jobs_n = 0;
  int quiet = 0, rc = 0;
  newsdoc_options *opts = NULL;
  if (!meta || !inputs || newsdoc_options_new(&opts)) {
    fprintf(stderr, "%s: out of memory\n", prog);
    return 1;
  }
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    const char *val = NULL;
#define TAKES(shortname, longname)                                                              \
  ((!strcmp(a, shortname) || !strcmp(a, longname))                                              \
       ? (i + 1 < argc ? (val = argv[++i], 1) : (rc = bad_usage("%s needs a value", a), 0))      \
       : (!strncmp(a, longname "=", strlen(longname) + 1) ? (val = a + strlen(longname) + 1, 1) : 0))
    if (rc) break;
    if (TAKES("-f", "--from")) from = val;
    else if (TAKES("-t", "--to")) to = val;
    else if (TAKES("-o", "--output")) output = val;
    else if (TAKES("-O", "--output-dir")) outdir = val;
    else if (TAKES("-j", "--jobs")) {
      char *end;
      errno = 0;
      jobs_n = strtol(val, &end, 10);
      if (errno || end == val || *end || jobs_n < 1 || jobs_n > 1024) {
        rc = bad_usage("-j takes a number of threads from 1 to 1024, not \"%s\"", val);
        break;
      }
    } else if (TAKES("-M", "--metadata")) {
      if (!strchr(val, '=') || *val == '=') { rc = bad_usage("-M takes KEY=VALUE, not \"%s\"", val); break; }
      meta[nmeta++] = (char *)val;
    } else if (TAKES("--opt", "--opt") || TAKES("--wrap", "--wrap")) {
      char key[128];
      const char *v = val;
      if (!strcmp(a, "--wrap") || !strncmp(a, "--wrap=", 7)) {
        snprintf(key, sizeof key, "wrap");
      } else {
        const char *eq = strchr(val, '=');
        if (!eq || eq == val || (size_t)(eq - val) >= sizeof key) { rc = bad_usage("--opt takes KEY=VALUE, not \"%s\"", val); break; }
        memcpy(key, val, (size_t)(eq - val));
        key[eq - val] = 0;
        v = eq + 1;
      }
      if (newsdoc_options_set(opts, key, v)) { rc = bad_usage("%s", newsdoc_error_last()->message); break; }
    } else if (rc) {
      break;
    } else if (!strcmp(a, "--fragment")) {
      newsdoc_options_set(opts, "fragment", "1");
    } else if (!strcmp(a, "--list-formats")) {
      list_formats();
      goto done;
    } else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
      quiet = 1;
    } else if (!strcmp(a, "-v") || !strcmp(a, "--version")) {
      printf("newsdoc-convert %s (libnewsdoc %s)\n", NEWSDOC_VERSION_STRING, newsdoc_version_string());
      goto done;
    } else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
      usage(stdout);
      goto done;
    } else if (a[0] == '-' && a[1] && strcmp(a, "-")) {
      rc = bad_usage("unknown option %s", a);
    } else {
      inputs[ninputs++] = a;
    }
  }
  if (rc) goto done;
  if (outdir) {
    if (output) { rc = bad_usage("%s", "-o and -O do not go together (-O writes one file per input)"); goto done; }
    if (!to) { rc = bad_usage("%s", "batch mode (-O) needs the output format: -t FORMAT"); goto done; }
    if (!ninputs) { rc = bad_usage("%s", "batch mode (-O) needs input files"); goto done; }
    for (size_t i = 0; i < ninputs; i++)
      if (!strcmp(inputs[i], "-")) { rc = bad_usage("%s", "batch mode (-O) reads files, not standard input"); goto done; }
  } else if (ninputs > 1) {
    rc = bad_usage("one input at a time (got also %s); use -O DIR to convert several", inputs[1]);
    goto done;
  }
  const char *input = ninputs ? inputs[0] : NULL;

  /* The output format: -t, else the -o extension. */
  newsdoc_format out_fmt;
  if (to) {
    if (newsdoc_format_find(to, &out_fmt)) { rc = bad_usage("unknown output format \"%s\" (see --list-formats)", to); goto done; }
  } else if (output) {
    if (newsdoc_format_for_filename(output, 1, &out_fmt)) { rc = bad_usage("cannot tell the output format from \"%s\"; use -t", output); goto done; }
  } else {
    rc = bad_usage("%s", "no output format: use -t FORMAT or -o FILE");
    goto done;
  }
  if (!out_fmt.write) { rc = bad_usage("format %s cannot be written", out_fmt.name); goto done; }
  if (from) {
    newsdoc_format in_fmt;
    if (newsdoc_format_find(from, &in_fmt) || !in_fmt.read) { rc = bad_usage("unknown input format \"%s\" (see --list-formats)", from); goto done; }
  }
  if (!outdir && !output && (out_fmt.flags & NEWSDOC_FORMAT_BINARY) && isatty(STDOUT_FILENO)) {
    rc = bad_usage("refusing to write %s to a terminal; use -o FILE or a redirection", out_fmt.name);
    goto done;
  }

  const char *label = input && strcmp(input, "-") ? input : "(stdin)";
  warn_ctx wc = {label, quiet};
  newsdoc_options_set_warning_fn(opts, on_warning, &wc);

  if (outdir) {
    if (!jobs_n) {
      long n = sysconf(_SC_NPROCESSORS_ONLN);
      jobs_n = n > 0 ? (n > 1024 ? 1024 : n) : 1;
    }
    rc = run_batch(inputs, ninputs, outdir, jobs_n, from, &out_fmt, opts, meta, nmeta);
    goto done;
  }

  if (input && strcmp(input, "-")) prefault_heap(input);
  newsdoc_doc *doc = NULL;
  int err = (input && strcmp(input, "-")) ? newsdoc_read_file(&doc, input, from, opts)
                                          : newsdoc_read_callback(&doc, stdin_reader, NULL, from, opts);
  if (!err) err = apply_metadata(doc, meta, nmeta);
  if (!err) {
    err = output ? newsdoc_write_file(doc, out_fmt.name, output, opts)
                 : newsdoc_write_callback(doc, out_fmt.name, stdout_writer, NULL, opts);
    if (!err && !output && fflush(stdout)) err = newsdoc_error_set(NEWSDOC_EIO, "standard output: %s", strerror(errno));
    if (!err) err = write_media_beside(doc, out_fmt.name, output, opts);
  }
  if (err) {
    fprintf(stderr, "%s: %s: %s (%s)\n", prog, label, newsdoc_error_last()->message, newsdoc_strerror(err));
    rc = 1;
  }
  newsdoc_doc_free(doc);
done:
  newsdoc_options_free(opts);
  free(meta);
  free(inputs);
  return rc;
}
