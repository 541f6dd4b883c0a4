/*
 * newsdoc-bench - the benchmark of issue #10.  Run it with scripts/bench.sh,
 * which builds in Release and writes BENCHMARKS.md.
 *
 *   newsdoc-bench [-n N] [--pandoc-files K] [--min-time S] [--quick]
 *                 [--no-pandoc] [--no-cli] [--shared DIR] [--workdir DIR]
 *                 [--convert PATH] [--big-mb M] [--md4c-mb M] [-o REPORT]
 *
 * It builds a corpus of N articles (5 to 50 KB of text each) from the
 * project's sample article, written in every input format by the
 * library's own writers, then measures, and prints a Markdown report:
 *  - in-process throughput (articles/s, MB/s, one thread) of every reader,
 *    every writer and the conversions of the issue, and the peak RSS of a
 *    fresh process doing the same one article at a time;
 *  - pandoc (one process per file) against newsdoc-convert in batch mode
 *    and one process per file;
 *  - markdown->html on a large input against md4c's own renderer;
 *  - time per MB at 1x, 10x and 100x input;
 *  - peak RSS of the CLI converting a 10 KB article and a large input.
 * A format that is not registered (or cannot write, so no input can be
 * made) is reported as n/a.
 */
#include <errno.h>
#include <fcntl.h>
#include <md4c-html.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <newsdoc/newsdoc.h>

#include "gen.h"

extern char **environ;

#ifndef NEWSDOC_BENCH_SHARED
#define NEWSDOC_BENCH_SHARED "../shared"
#endif
#ifndef NEWSDOC_BENCH_CONVERT
#define NEWSDOC_BENCH_CONVERT ""
#endif
#ifndef NEWSDOC_BENCH_CLI_LINKAGE
#define NEWSDOC_BENCH_CLI_LINKAGE "unknown"
#endif
#ifndef NEWSDOC_BENCH_BUILD_TYPE
#define NEWSDOC_BENCH_BUILD_TYPE "unknown"
#endif

/* ---- settings ----------------------------------------------------------- */

static struct {
  int n;              /* corpus size */
  int pandoc_files;   /* files per conversion for the process-per-file runs */
  double min_time;    /* seconds per in-process measurement */
  int quick;          /* the ctest smoke run */
  int pandoc, cli;
  const char *shared, *workdir, *convert, *report;
  double big_mb, md4c_mb;
  double scale_base_kb;
  const char *only; /* comma-separated sections to run (NULL: all) */
} S = {200, 20, 0.3, 0, 1, 1, NEWSDOC_BENCH_SHARED, "bench-work", NEWSDOC_BENCH_CONVERT, NULL, 50, 10, 50, NULL};

#define NFMT 6
static const char *const FMTS[NFMT] = {"text", "markdown", "html", "epub", "docx", "json"};
/* pandoc's names for ours; it has no plain-text reader, so text is read as markdown. */
static const char *const PANDOC_IN[NFMT] = {"markdown", "markdown", "html", "epub", "docx", "json"};
static const char *const PANDOC_OUT[NFMT] = {"plain", "markdown", "html", "epub", "docx", "json"};

static const struct {
  int from, to;
} CONVERSIONS[] = {{1, 2}, {1, 3}, {1, 4}, {0, 3}, {4, 1}, {3, 1}, {2, 1}};
#define NCONV (sizeof CONVERSIONS / sizeof *CONVERSIONS)

static FILE *out; /* the report */
static gen_sample sample;

static void progress(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("newsdoc-bench: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
}

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* The calling thread's CPU time: in-process measurements use it, so that
 * other work on a shared machine does not count against us. */
static double cpu_now(void) {
  struct timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int can_read(int f) {
  newsdoc_format x;
  return !newsdoc_format_find(FMTS[f], &x) && x.read;
}
static int can_write(int f) {
  newsdoc_format x;
  return !newsdoc_format_find(FMTS[f], &x) && x.write;
}
static const char *ext_of(int f) {
  static const char *const E[NFMT] = {"txt", "md", "html", "epub", "docx", "json"};
  return E[f];
}

static char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  size_t cap = 1 << 16, n = 0;
  char *b = malloc(cap);
  for (size_t got; b && (got = fread(b + n, 1, cap - n, f)) > 0;) {
    n += got;
    if (cap == n) b = realloc(b, cap *= 2);
  }
  fclose(f);
  *len = n;
  return b;
}

static int spit(const char *path, const char *data, size_t len) {
  FILE *f = fopen(path, "wb");
  if (!f) return -1;
  int bad = fwrite(data, 1, len, f) != len;
  bad |= fclose(f) != 0;
  return bad ? -1 : 0;
}

static void fmt_rss(char *b, size_t n, long kb) {
  if (kb <= 0) snprintf(b, n, "n/a");
  else snprintf(b, n, "%.1f MiB", (double)kb / 1024.0);
}

/* ---- processes ---------------------------------------------------------- */

typedef struct {
  double secs; /* wall */
  double cpu;  /* user + system of the process (all its threads) */
  long maxrss_kb;
  int status; /* exit code, or 128+signal, or -1 when it could not start */
} proc_result;

/* Runs argv with stdout/stderr to /dev/null (or stderr to errfile). */
static proc_result run(char *const argv[], const char *errfile) {
  proc_result r = {0, 0, 0, -1};
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 2, errfile ? errfile : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0644);
  double t0 = now();
  pid_t pid;
  if (posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ) == 0) {
    int st;
    struct rusage ru;
    while (wait4(pid, &st, 0, &ru) < 0 && errno == EINTR) {}
    r.secs = now() - t0;
    r.cpu = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
            (double)ru.ru_stime.tv_usec / 1e6;
    r.maxrss_kb = ru.ru_maxrss;
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
  }
  posix_spawn_file_actions_destroy(&fa);
  return r;
}

static char self_exe[4096];

/* Peak RSS of a command.  posix_spawn() from this (large) process would
 * carry our own RSS high-water mark into the child's ru_maxrss (Linux keeps
 * it across exec), so the command runs under a freshly exec'd launcher
 * (`newsdoc-bench --launch FILE CMD...`) that forks, execs and reports the
 * child's ru_maxrss.  Its floor (a fork of the small launcher) is reported
 * as the RSS of /bin/true. */
static proc_result run_rss(char *const argv[]) {
  char tmp[1100];
  snprintf(tmp, sizeof tmp, "%s/out/launch.rss", S.workdir);
  size_t n = 0;
  while (argv[n]) n++;
  char **v = calloc(n + 4, sizeof *v);
  v[0] = self_exe;
  v[1] = "--launch";
  v[2] = tmp;
  memcpy(v + 3, argv, (n + 1) * sizeof *v);
  proc_result r = run(v, NULL);
  free(v);
  r.maxrss_kb = -1;
  FILE *f = fopen(tmp, "r");
  long kb;
  if (f && fscanf(f, "%ld", &kb) == 1) r.maxrss_kb = kb;
  if (f) fclose(f);
  unlink(tmp);
  return r;
}

static int launch_main(int argc, char **argv) {
  /* --launch FILE CMD ARGS... */
  if (argc < 2) return 2;
  pid_t pid = fork();
  if (pid < 0) return 126;
  if (pid == 0) {
    execvp(argv[1], argv + 1);
    _exit(127);
  }
  int st;
  struct rusage ru;
  while (wait4(pid, &st, 0, &ru) < 0 && errno == EINTR) {}
  FILE *f = fopen(argv[0], "w");
  if (f) {
    fprintf(f, "%ld\n", ru.ru_maxrss);
    fclose(f);
  }
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static int have_program(const char *name) {
  char *argv[] = {(char *)name, "--version", NULL};
  return run(argv, NULL).status == 0;
}

static void first_line_of(const char *cmd, char *buf, size_t n) {
  buf[0] = 0;
  FILE *p = popen(cmd, "r");
  if (!p) return;
  if (fgets(buf, (int)n, p)) buf[strcspn(buf, "\n")] = 0;
  pclose(p);
}

/* ---- the corpus ----------------------------------------------------------- */

typedef struct {
  char *data;
  size_t len;
  char path[1100];
} input;

static newsdoc_doc **models;        /* N articles */
static input *inputs[NFMT];         /* N inputs per format, NULL: n/a */
static char input_err[NFMT][256];   /* why a format has no inputs */
static size_t input_bytes[NFMT];

static void build_corpus(void) {
  char dir[1024];
  models = calloc((size_t)S.n, sizeof *models);
  for (int i = 0; i < S.n; i++) models[i] = gen_article(&sample, (unsigned long long)i, gen_corpus_target((unsigned long long)i));
  for (int f = 0; f < NFMT; f++) {
    if (!can_write(f)) {
      snprintf(input_err[f], sizeof input_err[f], "%s", can_read(f) ? "no writer to make the inputs" : "format not registered");
      continue;
    }
    snprintf(dir, sizeof dir, "%s/corpus/%s", S.workdir, FMTS[f]);
    mkdir(dir, 0777);
    inputs[f] = calloc((size_t)S.n, sizeof(input));
    for (int i = 0; i < S.n; i++) {
      input *in = &inputs[f][i];
      int rc = newsdoc_write(models[i], FMTS[f], NULL, &in->data, &in->len);
      if (rc) {
        snprintf(input_err[f], sizeof input_err[f], "the %s writer failed on article %d: %s", FMTS[f], i,
                 newsdoc_error_last()->message);
        for (int k = 0; k < i; k++) newsdoc_free(inputs[f][k].data);
        free(inputs[f]);
        inputs[f] = NULL;
        break;
      }
      snprintf(in->path, sizeof in->path, "%s/a%04d.%s", dir, i, ext_of(f));
      if (spit(in->path, in->data, in->len)) {
        progress("cannot write %s: %s", in->path, strerror(errno));
        exit(1);
      }
      input_bytes[f] += in->len;
    }
  }
}

/* ---- in-process measurements ------------------------------------------- */

enum { OP_READ, OP_WRITE, OP_CONVERT };

typedef struct {
  int na;
  char why[300];
  double arts, mbs; /* per second */
  long rss_kb;
  int failed;
} measure;

/* One operation on article i; returns the bytes it counts for MB/s. */
static size_t do_op(int kind, int from, int to, int i, int *err) {
  char *o = NULL;
  size_t olen = 0, counted = 0;
  int rc;
  if (kind == OP_READ) {
    newsdoc_doc *d = NULL;
    rc = newsdoc_read(&d, inputs[from][i].data, inputs[from][i].len, FMTS[from], NULL, NULL);
    newsdoc_doc_free(d);
    counted = inputs[from][i].len;
  } else if (kind == OP_WRITE) {
    rc = newsdoc_write(models[i], FMTS[to], NULL, &o, &olen);
    counted = olen;
  } else {
    rc = newsdoc_convert(inputs[from][i].data, inputs[from][i].len, FMTS[from], FMTS[to], NULL, &o, &olen);
    counted = inputs[from][i].len;
  }
  newsdoc_free(o);
  *err = rc;
  return counted;
}

static long child_rss(int kind, int from, int to);

static measure measure_op(int kind, int from, int to) {
  measure m;
  memset(&m, 0, sizeof m);
  if ((kind != OP_WRITE && !inputs[from]) || (kind == OP_READ && !can_read(from)) ||
      (kind == OP_CONVERT && !can_read(from))) {
    m.na = 1;
    snprintf(m.why, sizeof m.why, "n/a (%s: %s)", FMTS[from],
             !can_read(from) && !can_write(from) ? "format not registered"
             : !can_read(from)                    ? "cannot read"
                                                  : input_err[from]);
    return m;
  }
  if ((kind == OP_WRITE || kind == OP_CONVERT) && !can_write(to)) {
    m.na = 1;
    snprintf(m.why, sizeof m.why, "n/a (%s: %s)", FMTS[to], can_read(to) ? "cannot write" : "format not registered");
    return m;
  }
  double bytes = 0;
  long count = 0;
  double t0 = cpu_now(), el;
  do {
    for (int i = 0; i < S.n; i++) {
      int err;
      bytes += (double)do_op(kind, from, to, i, &err);
      count++;
      if (err && count <= S.n) {
        if (!m.failed) snprintf(m.why, sizeof m.why, "article %d: %s", i, newsdoc_error_last()->message);
        m.failed++;
      }
    }
  } while ((el = cpu_now() - t0) < S.min_time);
  m.arts = (double)count / el;
  m.mbs = bytes / 1e6 / el;
  m.rss_kb = child_rss(kind, from, to);
  return m;
}

/* Peak RSS of a fresh process doing the operation on every article, one at
 * a time from disk (writers: the article is generated in the child). */
static long child_rss(int kind, int from, int to) {
  char nbuf[32];
  snprintf(nbuf, sizeof nbuf, "%d", S.n);
  char **argv = calloc((size_t)S.n + 16, sizeof *argv);
  int a = 0;
  argv[a++] = "/proc/self/exe";
  argv[a++] = "--shared";
  argv[a++] = (char *)S.shared;
  argv[a++] = "--child";
  argv[a++] = kind == OP_READ ? "read" : kind == OP_WRITE ? "write" : "convert";
  argv[a++] = (char *)FMTS[kind == OP_WRITE ? to : from];
  argv[a++] = (char *)FMTS[to];
  if (kind == OP_WRITE) argv[a++] = nbuf;
  else
    for (int i = 0; i < S.n; i++) argv[a++] = inputs[from][i].path;
  argv[a] = NULL;
  argv[0] = self_exe;
  proc_result r = run_rss(argv);
  free(argv);
  return r.status == 0 ? r.maxrss_kb : -1;
}

static int child_main(int argc, char **argv) {
  /* --child KIND FROM TO (N | FILES...) */
  const char *kind = argv[0], *from = argv[1], *to = argv[2];
  if (!strcmp(kind, "write")) {
    if (gen_sample_load(&sample, S.shared)) return 1;
    int n = atoi(argv[3]);
    for (int i = 0; i < n; i++) {
      newsdoc_doc *d = gen_article(&sample, (unsigned long long)i, gen_corpus_target((unsigned long long)i));
      char *o = NULL;
      size_t len;
      int rc = newsdoc_write(d, to, NULL, &o, &len);
      newsdoc_free(o);
      newsdoc_doc_free(d);
      if (rc) return 1;
    }
    gen_sample_free(&sample);
    return 0;
  }
  for (int i = 3; i < argc; i++) {
    size_t len;
    char *data = slurp(argv[i], &len);
    if (!data) return 1;
    char *o = NULL;
    size_t olen;
    int rc;
    if (!strcmp(kind, "read")) {
      newsdoc_doc *d = NULL;
      rc = newsdoc_read(&d, data, len, from, NULL, NULL);
      newsdoc_doc_free(d);
    } else {
      rc = newsdoc_convert(data, len, from, to, NULL, &o, &olen);
    }
    newsdoc_free(o);
    free(data);
    if (rc) return 1;
  }
  return 0;
}

static void report_inprocess(void) {
  fprintf(out, "## In-process throughput (one thread)\n\n");
  fprintf(out,
          "Each operation runs over the %d articles again and again for at least %.1f s of CPU time in one "
          "thread, inputs and outputs in memory; rates are per second of the thread's CPU time "
          "(CLOCK_THREAD_CPUTIME_ID), so other load on the machine does not count. MB/s counts the input bytes (for writers: the output bytes). "
          "Peak RSS is that of a fresh process doing the same operation on every article, one at a time, "
          "read from disk (writers: the article is generated in that process).\n\n",
          S.n, S.min_time);
  fprintf(out, "| operation | articles/s | MB/s | ms/article | peak RSS | notes |\n|---|---:|---:|---:|---:|---|\n");
  for (int pass = 0; pass < 3; pass++) {
    int count = pass == 2 ? (int)NCONV : NFMT;
    for (int k = 0; k < count; k++) {
      int kind = pass == 0 ? OP_READ : pass == 1 ? OP_WRITE : OP_CONVERT;
      int from = pass == 2 ? CONVERSIONS[k].from : k, to = pass == 2 ? CONVERSIONS[k].to : k;
      char name[64];
      if (kind == OP_READ) snprintf(name, sizeof name, "read %s", FMTS[from]);
      else if (kind == OP_WRITE) snprintf(name, sizeof name, "write %s", FMTS[to]);
      else snprintf(name, sizeof name, "%s → %s", FMTS[from], FMTS[to]);
      progress("in-process: %s", name);
      measure m = measure_op(kind, from, to);
      if (m.na) {
        fprintf(out, "| %s | %s | | | | |\n", name, m.why);
        continue;
      }
      char rss[32];
      fmt_rss(rss, sizeof rss, m.rss_kb);
      char note[400] = "";
      if (m.failed) snprintf(note, sizeof note, "%d of %d failed: %s", m.failed, S.n, m.why);
      for (char *p = note; *p; p++)
        if (*p == '|' || *p == '\n') *p = ' ';
      fprintf(out, "| %s | %.0f | %.1f | %.3f | %s | %s |\n", name, m.arts, m.mbs, 1000.0 / m.arts, rss, note);
      fflush(out);
    }
  }
  fprintf(out, "\n");
}

/* ---- CLI and pandoc ------------------------------------------------------ */

typedef struct {
  double arts;   /* per second of wall time, 0: n/a */
  double cpu_ms; /* CPU time (user + system, all threads) per article */
  long rss_kb;   /* peak RSS (largest sampled file, or the batch) */
  int failed, runs;
} proc_measure;

static int pandoc_or_cli_argv(char **argv, int use_pandoc, int from, int to, const char *outp, const char *in) {
  int a = 0;
  if (use_pandoc) {
    argv[a++] = "pandoc";
    argv[a++] = "--quiet";
    argv[a++] = "-f";
    argv[a++] = (char *)PANDOC_IN[from];
    argv[a++] = "-t";
    argv[a++] = (char *)PANDOC_OUT[to];
  } else {
    argv[a++] = (char *)S.convert;
    argv[a++] = "-q";
    argv[a++] = "-f";
    argv[a++] = (char *)FMTS[from];
    argv[a++] = "-t";
    argv[a++] = (char *)FMTS[to];
  }
  argv[a++] = "-o";
  argv[a++] = (char *)outp;
  argv[a++] = (char *)in;
  argv[a] = NULL;
  return a;
}

/* One process per file over a sample of the corpus, one after another. */
static proc_measure per_file(int from, int to, int use_pandoc) {
  proc_measure pm = {0, 0, 0, 0, 0};
  int k = S.pandoc_files < S.n ? S.pandoc_files : S.n;
  char outp[1024];
  snprintf(outp, sizeof outp, "%s/out/%s-%s.%s", S.workdir, use_pandoc ? "pandoc" : "cli", FMTS[from], ext_of(to));
  double wall = 0, cpu = 0;
  int big = 0;
  for (int j = 0; j < k; j++) {
    int i = (int)((long)j * S.n / k);
    if (inputs[from][i].len > inputs[from][big].len) big = i;
    char *argv[16];
    pandoc_or_cli_argv(argv, use_pandoc, from, to, outp, inputs[from][i].path);
    proc_result r = run(argv, NULL);
    wall += r.secs;
    cpu += r.cpu;
    pm.runs++;
    if (r.status) pm.failed++;
  }
  pm.arts = wall > 0 ? (double)k / wall : 0;
  pm.cpu_ms = cpu * 1000 / k;
  /* peak RSS: once more, under the launcher, on the largest sampled file */
  char *argv[16];
  pandoc_or_cli_argv(argv, use_pandoc, from, to, outp, inputs[from][big].path);
  pm.rss_kb = run_rss(argv).maxrss_kb;
  return pm;
}

/* The CLI in batch mode over the whole corpus: best of 2 runs (the first
 * pays for a cold page cache), then one more under the RSS launcher. */
static proc_measure batch(int from, int to, int jobs) {
  proc_measure pm = {0, 1e30, 0, 0, 0};
  char outdir[1024], jbuf[16];
  snprintf(outdir, sizeof outdir, "%s/out/batch-%s-%s-j%d", S.workdir, FMTS[from], FMTS[to], jobs);
  snprintf(jbuf, sizeof jbuf, "%d", jobs);
  char **argv = calloc((size_t)S.n + 16, sizeof *argv);
  int a = 0;
  argv[a++] = (char *)S.convert;
  argv[a++] = "-q";
  argv[a++] = "-f";
  argv[a++] = (char *)FMTS[from];
  argv[a++] = "-t";
  argv[a++] = (char *)FMTS[to];
  argv[a++] = "-O";
  argv[a++] = outdir;
  if (jobs > 0) {
    argv[a++] = "-j";
    argv[a++] = jbuf;
  }
  for (int i = 0; i < S.n; i++) argv[a++] = inputs[from][i].path;
  argv[a] = NULL;
  for (int rep = 0; rep < 3; rep++) {
    proc_result r = rep == 2 ? run_rss(argv) : run(argv, NULL);
    pm.runs++;
    if (r.status) pm.failed = 1;
    if (rep == 2) {
      pm.rss_kb = r.maxrss_kb;
      continue;
    }
    double arts = r.secs > 0 ? (double)S.n / r.secs : 0;
    if (arts > pm.arts) pm.arts = arts;
    if (r.cpu * 1000 / S.n < pm.cpu_ms) pm.cpu_ms = r.cpu * 1000 / S.n;
  }
  free(argv);
  return pm;
}

typedef struct {
  int from, to, na;
  proc_measure pandoc, batch_j, batch_1, per_file;
} cli_row;
static cli_row cli_rows[NCONV];
static int have_pandoc;

static void cell_ratio(char *b, size_t n, double ours, double theirs) {
  if (ours > 0 && theirs > 0) snprintf(b, n, "%.0f×", ours / theirs);
  else snprintf(b, n, "n/a");
}

/* CPU ms per process of a command run again and again (best of 3 rounds). */
static double startup_ms(char *const argv[], int rounds) {
  double best = 0;
  for (int rep = 0; rep < 3; rep++) {
    double cpu = 0;
    for (int i = 0; i < rounds; i++) {
      proc_result r = run(argv, NULL);
      if (r.status) return -1;
      cpu += r.cpu;
    }
    if (!rep || cpu < best) best = cpu;
  }
  return best * 1000 / rounds;
}

/* What one process costs before it converts anything: the launch itself
 * (/bin/true), this CLI, and the same CLI linked to libnewsdoc.so (built
 * beside it when the CLI is linked statically). */
static void report_startup(void) {
  int rounds = S.quick ? 5 : 100;
  char shared[1100];
  snprintf(shared, sizeof shared, "%s-shared", S.convert);
  char *t[] = {"/bin/true", NULL}, *c[] = {(char *)S.convert, "--version", NULL}, *sh[] = {shared, "--version", NULL};
  fprintf(out, "Start-up alone (CPU ms per process, `--version`, best of 3 × %d runs). The CLI here: %s.\n\n"
               "| program | CPU ms/process |\n|---|---:|\n", rounds, NEWSDOC_BENCH_CLI_LINKAGE);
  fprintf(out, "| `/bin/true` (the cost of starting any process) | %.2f |\n", startup_ms(t, rounds));
  fprintf(out, "| newsdoc-convert | %.2f |\n", startup_ms(c, rounds));
  if (!access(shared, X_OK))
    fprintf(out, "| newsdoc-convert linked to libnewsdoc.so (`-DNEWSDOC_STATIC_CLI=OFF`) | %.2f |\n", startup_ms(sh, rounds));
  fprintf(out, "\n");
}

static void report_cli(void) {
  long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
  fprintf(out, "## newsdoc-convert against pandoc\n\n");
  if (!S.cli || !*S.convert) {
    fprintf(out, "Skipped (no CLI).\n\n");
    return;
  }
  have_pandoc = S.pandoc && have_program("pandoc");
  fprintf(out,
          "pandoc: one process per file, %d files of the corpus spread over its sizes, run one after another "
          "as users run it (`pandoc -f X -t Y -o OUT FILE`; pandoc has no plain-text reader, so text is read as "
          "`markdown`). newsdoc-convert in batch mode (`-O DIR`, all %d files in one process; `-j %ld` = the "
          "number of processors, and `-j 1`; best of 2 runs), and one process per file on the same %d files "
          "(`newsdoc-convert -f X -t Y -o OUT FILE`).\n\n"
          "Two clocks: **wall** articles/s (what a user waits for; it suffers from whatever else the machine "
          "runs) and **CPU** ms per article (user + system time of the processes from wait4(), all threads; "
          "robust to other load). × is ours ÷ pandoc in articles per second (wall) or per CPU second.\n\n",
          S.pandoc_files, S.n, ncpu, S.pandoc_files);
  if (!have_pandoc) fprintf(out, "pandoc is %s: its columns are n/a.\n\n", S.pandoc ? "not installed" : "switched off (--no-pandoc)");
  fprintf(out,
          "| conversion | pandoc wall art/s | pandoc CPU ms/art | batch -j %ld wall art/s | × | batch -j 1 wall art/s "
          "| × | batch CPU ms/art | × | 1 process/file wall art/s | × | 1 process/file CPU ms/art | × |\n"
          "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n",
          ncpu);
  for (size_t c = 0; c < NCONV; c++) {
    int from = CONVERSIONS[c].from, to = CONVERSIONS[c].to;
    cli_row *row = &cli_rows[c];
    row->from = from;
    row->to = to;
    char name[64];
    snprintf(name, sizeof name, "%s → %s", FMTS[from], FMTS[to]);
    if (!inputs[from] || !can_read(from) || !can_write(to)) {
      row->na = 1;
      int f = !inputs[from] || !can_read(from) ? from : to;
      fprintf(out, "| %s | n/a (%s: %s) | | | | | | | | | | | |\n", name, FMTS[f],
              !can_read(f) && !can_write(f) ? "format not registered" : f == from && !can_read(f) ? "cannot read"
              : f == from ? input_err[f] : "cannot write");
      continue;
    }
    progress("processes: %s", name);
    proc_measure none = {0, 0, 0, 0, 0};
    row->pandoc = have_pandoc ? per_file(from, to, 1) : none;
    row->batch_j = batch(from, to, 0);
    row->batch_1 = batch(from, to, 1);
    row->per_file = per_file(from, to, 0);
    proc_measure *pd = &row->pandoc, *bj = &row->batch_j, *b1 = &row->batch_1, *pf = &row->per_file;
    if (pd->failed) pd->arts = pd->cpu_ms = 0;
    char x1[32], x2[32], x3[32], x4[32], x5[32], pw[64], pc[32];
    double pcpu = pd->cpu_ms > 0 ? 1000 / pd->cpu_ms : 0; /* pandoc articles per CPU second */
    cell_ratio(x1, sizeof x1, bj->failed ? 0 : bj->arts, pd->arts);
    cell_ratio(x2, sizeof x2, b1->failed ? 0 : b1->arts, pd->arts);
    cell_ratio(x3, sizeof x3, b1->failed || b1->cpu_ms <= 0 ? 0 : 1000 / b1->cpu_ms, pcpu);
    cell_ratio(x4, sizeof x4, pf->failed ? 0 : pf->arts, pd->arts);
    cell_ratio(x5, sizeof x5, pf->failed || pf->cpu_ms <= 0 ? 0 : 1000 / pf->cpu_ms, pcpu);
    if (!have_pandoc) snprintf(pw, sizeof pw, "n/a"), snprintf(pc, sizeof pc, "n/a");
    else if (pd->failed) snprintf(pw, sizeof pw, "failed (%d of %d files)", pd->failed, pd->runs), snprintf(pc, sizeof pc, "n/a");
    else snprintf(pw, sizeof pw, "%.1f", pd->arts), snprintf(pc, sizeof pc, "%.1f", pd->cpu_ms);
    fprintf(out, "| %s | %s | %s | %.0f%s | %s | %.0f%s | %s | %.2f | %s | %.1f%s | %s | %.2f | %s |\n", name, pw, pc,
            bj->arts, bj->failed ? " (failures)" : "", x1, b1->arts, b1->failed ? " (failures)" : "", x2, b1->cpu_ms,
            x3, pf->arts, pf->failed ? " (failures)" : "", x4, pf->cpu_ms, x5);
    fflush(out);
  }
  fprintf(out, "\nPeak RSS of these processes (pandoc and one CLI process: the largest sampled file; batch: the "
               "whole run):\n\n| conversion | pandoc | CLI batch -j %ld | CLI one file |\n|---|---:|---:|---:|\n",
          ncpu);
  for (size_t c = 0; c < NCONV; c++) {
    cli_row *row = &cli_rows[c];
    if (row->na) continue;
    char a[32], b[32], d[32];
    fmt_rss(a, sizeof a, have_pandoc ? row->pandoc.rss_kb : 0);
    fmt_rss(b, sizeof b, row->batch_j.rss_kb);
    fmt_rss(d, sizeof d, row->per_file.rss_kb);
    fprintf(out, "| %s → %s | %s | %s | %s |\n", FMTS[row->from], FMTS[row->to], a, b, d);
  }
  fprintf(out, "\n");
  report_startup();
}

/* ---- md4c ------------------------------------------------------------------ */

typedef struct {
  char *p;
  size_t len, cap;
} sbuf;
static void sbuf_cb(const MD_CHAR *text, MD_SIZE size, void *ud) {
  sbuf *b = ud;
  if (b->len + size > b->cap) {
    size_t cap = b->cap ? b->cap * 2 : 1 << 20;
    while (cap < b->len + size) cap *= 2;
    b->p = realloc(b->p, cap);
    b->cap = cap;
  }
  memcpy(b->p + b->len, text, size);
  b->len += size;
}

static double md4c_ratio = 0;

/* Writes a generated article of about `mb` MB of text in format f. */
static char *big_input_text(int f, double mb, unsigned long long seed, size_t *len, size_t *text_len) {
  newsdoc_doc *d = gen_article(&sample, seed, (size_t)(mb * 1024 * 1024));
  if (text_len) {
    char *t = NULL;
    *text_len = 0;
    if (!newsdoc_node_text(newsdoc_doc_root_const(d), &t, text_len)) newsdoc_free(t);
  }
  char *o = NULL;
  int rc = newsdoc_write(d, FMTS[f], NULL, &o, len);
  newsdoc_doc_free(d);
  if (rc) {
    progress("the %s writer failed on a %.0f MB article: %s", FMTS[f], mb, newsdoc_error_last()->message);
    return NULL;
  }
  return o;
}

static char *big_input(int f, double mb, unsigned long long seed, size_t *len) {
  return big_input_text(f, mb, seed, len, NULL);
}

static void report_md4c(void) {
  fprintf(out, "## markdown → html on a large input, against md4c\n\n");
  if (!can_write(1) || !can_read(1) || !can_write(2)) {
    fprintf(out, "n/a (markdown or html format not registered).\n\n");
    return;
  }
  progress("md4c: %.0f MB", S.md4c_mb);
  size_t len;
  char *md = big_input(1, S.md4c_mb, 4242, &len);
  if (!md) {
    fprintf(out, "n/a (the markdown writer failed).\n\n");
    return;
  }
  double ours = 1e30, theirs = 1e30;
  size_t olen = 0;
  int failed = 0;
  for (int rep = 0; rep < 3; rep++) {
    char *o = NULL;
    double t0 = cpu_now();
    if (newsdoc_convert(md, len, "markdown", "html", NULL, &o, &olen)) failed = 1;
    double t = cpu_now() - t0;
    newsdoc_free(o);
    if (t < ours) ours = t;
    sbuf b = {NULL, 0, 0};
    t0 = cpu_now();
    md_html(md, (MD_SIZE)len, sbuf_cb, &b, MD_DIALECT_GITHUB, 0);
    t = cpu_now() - t0;
    if (t < theirs) theirs = t;
    if (rep == 0) progress("md4c output %zu bytes, ours %zu bytes", b.len, olen);
    free(b.p);
  }
  md4c_ratio = failed ? 0 : ours / theirs;
  fprintf(out,
          "A generated article of %.1f MB of Markdown (`newsdoc_convert(\"markdown\", \"html\")`: parse, build "
          "the model, write a whole HTML document) against md4c's `md_html()` with `MD_DIALECT_GITHUB` "
          "(parse and render straight to HTML). Best of 3 runs each, CPU time of the thread.\n\n",
          (double)len / 1e6);
  fprintf(out, "| | time | MB/s |\n|---|---:|---:|\n");
  if (failed) fprintf(out, "| libnewsdoc | failed: %s | |\n", newsdoc_error_last()->message);
  else fprintf(out, "| libnewsdoc markdown → html | %.1f ms | %.1f |\n", ours * 1000, (double)len / 1e6 / ours);
  fprintf(out, "| md4c md_html() | %.1f ms | %.1f |\n", theirs * 1000, (double)len / 1e6 / theirs);
  if (!failed) fprintf(out, "| **ratio** (ours ÷ md4c, time) | **%.2f×** | |\n", md4c_ratio);
  fprintf(out, "\n");
  newsdoc_free(md);
}

/* ---- scaling ----------------------------------------------------------------- */

static double scale_ratio[NCONV];

static void report_scaling(void) {
  static const int mult[3] = {1, 10, 100};
  fprintf(out, "## Cost against input size\n\n");
  fprintf(out,
          "One generated article of about %.0f KB of text (1×), %.0f KB (10×) and %.1f MB (100×), in the "
          "input format; CPU time per MB of the article's text (its plain text, the same content whatever the "
          "format; best of repeated runs, at least %.1f s and 10 runs each: the minimum of 3 runs of the largest size against that of hundreds of the smallest made the ratio grow with the noise alone). Flat means linear. The last column divides by "
          "the input file instead: for docx and epub that is compressed, and a larger generated article "
          "compresses better, so that column rises even when the cost per article byte does not.\n\n",
          S.scale_base_kb, S.scale_base_kb * 10, S.scale_base_kb * 100 / 1024, S.min_time);
  fprintf(out, "| conversion | 1× ms/MB | 10× ms/MB | 100× ms/MB | max ÷ min | ms per MB of input file (file sizes) |\n"
               "|---|---:|---:|---:|---:|---|\n");
  for (size_t c = 0; c < NCONV; c++) {
    int from = CONVERSIONS[c].from, to = CONVERSIONS[c].to;
    char name[64];
    snprintf(name, sizeof name, "%s → %s", FMTS[from], FMTS[to]);
    if (!can_write(from) || !can_read(from) || !can_write(to)) {
      int f = !can_write(from) || !can_read(from) ? from : to;
      fprintf(out, "| %s | n/a (%s: %s) | | | | |\n", name, FMTS[f],
              !can_read(f) && !can_write(f) ? "format not registered" : "cannot read or write");
      continue;
    }
    progress("scaling: %s", name);
    double per_mb[3] = {0, 0, 0}, per_file_mb[3] = {0, 0, 0};
    char sizes[3][32];
    int failed = 0;
    for (int m = 0; m < 3 && !failed; m++) {
      size_t len, tlen = 0;
      char *in = big_input_text(from, S.scale_base_kb * mult[m] / 1024.0, 777, &len, &tlen);
      if (!in) {
        failed = 1;
        break;
      }
      snprintf(sizes[m], sizeof sizes[m], "%.2f MB", (double)len / 1e6);
      if (!tlen) tlen = len;
      double best = 1e30, t0 = cpu_now();
      int reps = 0;
      do {
        char *o = NULL;
        size_t olen;
        double t1 = cpu_now();
        if (newsdoc_convert(in, len, FMTS[from], FMTS[to], NULL, &o, &olen)) failed = 1;
        double t = cpu_now() - t1;
        newsdoc_free(o);
        if (t < best) best = t;
        reps++;
      } while (!failed && (cpu_now() - t0 < S.min_time || reps < 10));
      per_mb[m] = best * 1000 / ((double)tlen / 1e6);
      per_file_mb[m] = best * 1000 / ((double)len / 1e6);
      newsdoc_free(in);
    }
    if (failed) {
      fprintf(out, "| %s | failed: %s | | | | |\n", name, newsdoc_error_last()->message);
      continue;
    }
    double mx = per_mb[0], mn = per_mb[0];
    for (int m = 1; m < 3; m++) {
      if (per_mb[m] > mx) mx = per_mb[m];
      if (per_mb[m] < mn) mn = per_mb[m];
    }
    scale_ratio[c] = mx / mn;
    fprintf(out, "| %s | %.1f | %.1f | %.1f | %.2f | %.0f / %.0f / %.0f (%s / %s / %s) |\n", name, per_mb[0], per_mb[1],
            per_mb[2], scale_ratio[c], per_file_mb[0], per_file_mb[1], per_file_mb[2], sizes[0], sizes[1], sizes[2]);
    fflush(out);
  }
  fprintf(out, "\n");
}

/* ---- peak RSS of the CLI ------------------------------------------------------ */

static long rss10_max = 0, rss_big = 0;
static double big_ratio = 0;
static size_t big_len = 0;

static void report_rss(void) {
  fprintf(out, "## Peak RSS of newsdoc-convert (one process, one file)\n\n");
  if (!S.cli || !*S.convert) {
    fprintf(out, "Skipped (no CLI).\n\n");
    return;
  }
  fprintf(out, "`ru_maxrss` of the process (`newsdoc-convert -f X -t Y -o OUT FILE`), from wait4() in a small "
               "launcher process (see `run_rss()` in bench.c for why).\n\n");
  fprintf(out, "| case | input | peak RSS | ÷ input |\n|---|---:|---:|---:|\n");
  char rss[32];
  {
    char *argv0[] = {"/bin/true", NULL};
    proc_result r = run_rss(argv0);
    fmt_rss(rss, sizeof rss, r.maxrss_kb);
    fprintf(out, "| measurement floor (`/bin/true` under the launcher) | | %s | |\n", rss);
    char *argv[] = {(char *)S.convert, "--list-formats", NULL};
    r = run_rss(argv);
    fmt_rss(rss, sizeof rss, r.maxrss_kb);
    fprintf(out, "| newsdoc-convert start-up only (`--list-formats`) | | %s | |\n", rss);
  }
  char outp[1024];
  for (size_t c = 0; c < NCONV; c++) {
    int from = CONVERSIONS[c].from, to = CONVERSIONS[c].to;
    if (!inputs[from] || !can_read(from) || !can_write(to)) continue;
    int best = 0; /* the article nearest 10 KB */
    for (int i = 1; i < S.n; i++) {
      long d0 = labs((long)inputs[from][best].len - 10240), d1 = labs((long)inputs[from][i].len - 10240);
      if (d1 < d0) best = i;
    }
    snprintf(outp, sizeof outp, "%s/out/rss10.%s", S.workdir, ext_of(to));
    char *argv[] = {(char *)S.convert, "-q", "-f", (char *)FMTS[from], "-t", (char *)FMTS[to], "-o", outp,
                    inputs[from][best].path, NULL};
    proc_result r = run_rss(argv);
    fmt_rss(rss, sizeof rss, r.maxrss_kb);
    if (!r.status && r.maxrss_kb > rss10_max) rss10_max = r.maxrss_kb;
    fprintf(out, "| %s → %s, a %.1f KB article | %.1f KB | %s%s | |\n", FMTS[from], FMTS[to],
            (double)inputs[from][best].len / 1024, (double)inputs[from][best].len / 1024, rss,
            r.status ? " (failed)" : "");
  }
  if (can_write(1) && can_read(1) && S.big_mb > 0) {
    progress("peak RSS: %.0f MB markdown", S.big_mb);
    size_t len;
    char *md = big_input(1, S.big_mb, 5050, &len);
    char path[1024];
    snprintf(path, sizeof path, "%s/big.md", S.workdir);
    if (md && !spit(path, md, len)) {
      newsdoc_free(md);
      big_len = len;
      static const int tos[] = {2, 3, 4};
      for (int k = 0; k < 3; k++) {
        if (!can_write(tos[k])) continue;
        snprintf(outp, sizeof outp, "%s/out/big.%s", S.workdir, ext_of(tos[k]));
        char *argv[] = {(char *)S.convert, "-q", "-f", "markdown", "-t", (char *)FMTS[tos[k]], "-o", outp, path, NULL};
        proc_result r = run_rss(argv);
        fmt_rss(rss, sizeof rss, r.maxrss_kb);
        double ratio = (double)r.maxrss_kb * 1024 / (double)len;
        if (!r.status && ratio > big_ratio) {
          big_ratio = ratio;
          rss_big = r.maxrss_kb;
        }
        fprintf(out, "| markdown → %s, a large article | %.1f MB | %s%s | %.2f× |\n", FMTS[tos[k]],
                (double)len / 1048576, rss, r.status ? " (failed)" : "", ratio);
      }
      unlink(path);
    } else {
      newsdoc_free(md);
    }
  }
  fprintf(out, "\n");
}

/* ---- targets ------------------------------------------------------------------- */

static void report_targets(void) {
  fprintf(out, "## Targets (issue #10)\n\n| target | measured | |\n|---|---|---|\n");
  static const int batch_targets[][2] = {{1, 2}, {1, 3}, {1, 4}, {4, 1}, {3, 1}};
  long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
  for (size_t t = 0; t < 5; t++) {
    int found = 0;
    for (size_t c = 0; c < NCONV; c++) {
      cli_row *r = &cli_rows[c];
      if (r->from != batch_targets[t][0] || r->to != batch_targets[t][1] || r->na || r->pandoc.arts <= 0 ||
          r->batch_j.arts <= 0 || r->batch_j.failed)
        continue;
      found = 1;
      double wall = r->batch_j.arts / r->pandoc.arts;
      double cpu = r->pandoc.cpu_ms / r->batch_1.cpu_ms;
      /* on N processors a batch can do N times the per-CPU rate */
      char note[160] = "";
      if (wall < 100 && cpu * ncpu >= 100)
        snprintf(note, sizeof note, " (the per-CPU rate × %ld processors would be %.0f×: not measured, the machine was loaded)", ncpu, cpu * ncpu);
      fprintf(out, "| batch ≥ 100× pandoc's articles/s, %s → %s | wall %.0f× (-j %ld); CPU %.0f× per CPU second | %s%s |\n",
              FMTS[r->from], FMTS[r->to], wall, ncpu, cpu, wall >= 100 ? "met" : "**missed**", note);
    }
    if (!found) fprintf(out, "| batch ≥ 100× pandoc, %s → %s | n/a | |\n", FMTS[batch_targets[t][0]], FMTS[batch_targets[t][1]]);
  }
  double worst_w = 0, worst_c = 0;
  int any = 0;
  for (size_t c = 0; c < NCONV; c++) {
    cli_row *r = &cli_rows[c];
    if (r->na || r->pandoc.arts <= 0 || r->per_file.arts <= 0 || r->per_file.failed) continue;
    double w = r->per_file.arts / r->pandoc.arts, cp = r->pandoc.cpu_ms / r->per_file.cpu_ms;
    if (!any || w < worst_w) worst_w = w;
    if (!any || cp < worst_c) worst_c = cp;
    any = 1;
  }
  if (any) fprintf(out, "| one process per file ≥ 20× faster than pandoc's (worst conversion) | wall %.0f×; CPU %.0f× | %s |\n", worst_w, worst_c,
                   worst_w >= 20 ? "met" : worst_c >= 20 ? "**missed** on wall time (met on CPU time)" : "**missed**");
  else fprintf(out, "| one process per file ≥ 20× pandoc | n/a | |\n");
  if (md4c_ratio > 0) fprintf(out, "| markdown → html on %.0f MB within 2× of md4c | %.2f× | %s |\n", S.md4c_mb, md4c_ratio, md4c_ratio <= 2 ? "met" : "**missed**");
  else fprintf(out, "| markdown → html within 2× of md4c | n/a | |\n");
  if (rss10_max > 0) fprintf(out, "| peak RSS < 16 MiB for a 10 KB article (worst conversion) | %.1f MiB | %s |\n", rss10_max / 1024.0, rss10_max < 16 * 1024 ? "met" : "**missed**");
  else fprintf(out, "| peak RSS < 16 MiB for a 10 KB article | n/a | |\n");
  if (big_ratio > 0) fprintf(out, "| peak RSS < 4× input for a %.0f MB input (worst conversion) | %.2f× (%.0f MiB) | %s |\n", (double)big_len / 1048576, big_ratio, rss_big / 1024.0, big_ratio < 4 ? "met" : "**missed**");
  else fprintf(out, "| peak RSS < 4× input for a large input | n/a | |\n");
  double sw = 0;
  for (size_t c = 0; c < NCONV; c++)
    if (scale_ratio[c] > sw) sw = scale_ratio[c];
  if (sw > 0) fprintf(out, "| CPU time per MB flat within 1.5× from 1× to 100× (worst conversion) | %.2f× | %s |\n", sw, sw <= 1.5 ? "met" : "**missed**");
  else fprintf(out, "| time per MB flat within 1.5× | n/a | |\n");
  fprintf(out, "\n");
}

/* ---- main ------------------------------------------------------------------------- */

static void report_header(int argc, char **argv) {
  char cpu[256] = "unknown", mem[64] = "unknown", pandoc[128] = "not installed";
  FILE *f = fopen("/proc/cpuinfo", "r");
  char line[512];
  while (f && fgets(line, sizeof line, f))
    if (!strncmp(line, "model name", 10)) {
      char *c = strchr(line, ':');
      if (c) {
        c += 1 + (c[1] == ' ');
        c[strcspn(c, "\n")] = 0;
        snprintf(cpu, sizeof cpu, "%s", c);
      }
      break;
    }
  if (f) fclose(f);
  f = fopen("/proc/meminfo", "r");
  while (f && fgets(line, sizeof line, f))
    if (!strncmp(line, "MemTotal:", 9)) {
      snprintf(mem, sizeof mem, "%.1f GiB", atof(line + 9) / 1048576.0);
      break;
    }
  if (f) fclose(f);
  if (S.pandoc) first_line_of("pandoc --version 2>/dev/null", pandoc, sizeof pandoc);
  struct utsname u;
  uname(&u);
  fprintf(out, "## Machine and command\n\n");
  fprintf(out, "- command: `");
  for (int i = 0; i < argc; i++) fprintf(out, "%s%s", i ? " " : "", i ? argv[i] : "newsdoc-bench");
  fprintf(out, "`\n");
  fprintf(out, "- machine: %ld processors (nproc), %s, %s memory, %s %s\n", sysconf(_SC_NPROCESSORS_ONLN), cpu, mem,
          u.sysname, u.release);
  fprintf(out, "- libnewsdoc %s, build type %s, compiler %s; %s; md4c %s\n", newsdoc_version_string(),
          NEWSDOC_BENCH_BUILD_TYPE, __VERSION__, *pandoc ? pandoc : "pandoc not installed", "0.4.8 (Debian libmd4c-html0)");
  double la[3] = {0, 0, 0};
  if (getloadavg(la, 3) == 3)
    fprintf(out, "- load average when the run started: %.2f %.2f %.2f (other work on the machine slows the wall-clock "
                 "figures, not the CPU-time ones)\n", la[0], la[1], la[2]);
  fprintf(out, "- formats registered:");
  for (size_t i = 0; i < newsdoc_format_count(); i++) {
    newsdoc_format x;
    if (!newsdoc_format_at(i, &x)) fprintf(out, " %s (%s%s)", x.name, x.read ? "r" : "", x.write ? "w" : "");
  }
  fprintf(out, "\n");
  fprintf(out, "- corpus: %d articles generated from `samples/mauritania-us-military-cooperation` (Arabic, RTL), "
               "5 to 50 KB of text each, with sections, emphasis, links, English spans, notes, lists, quotations, "
               "tables and a figure; written by the library's own writers:\n\n",
          S.n);
  fprintf(out, "| input format | files | total | smallest | largest |\n|---|---:|---:|---:|---:|\n");
  for (int f2 = 0; f2 < NFMT; f2++) {
    if (!inputs[f2]) {
      fprintf(out, "| %s | n/a (%s) | | | |\n", FMTS[f2], input_err[f2]);
      continue;
    }
    size_t mn = (size_t)-1, mx = 0;
    for (int i = 0; i < S.n; i++) {
      if (inputs[f2][i].len < mn) mn = inputs[f2][i].len;
      if (inputs[f2][i].len > mx) mx = inputs[f2][i].len;
    }
    fprintf(out, "| %s | %d | %.2f MB | %.1f KB | %.1f KB |\n", FMTS[f2], S.n, (double)input_bytes[f2] / 1e6,
            (double)mn / 1024, (double)mx / 1024);
  }
  fprintf(out, "\n");
}

/* Whether --only names this section (every section when --only is absent). */
static int want(const char *section) {
  if (!S.only) return 1;
  size_t n = strlen(section);
  for (const char *p = S.only; *p;) {
    const char *e = strchr(p, ',');
    size_t len = e ? (size_t)(e - p) : strlen(p);
    if (len == n && !strncmp(p, section, n)) return 1;
    p += len + (e != NULL);
  }
  return 0;
}

static int usage(void) {
  fprintf(stderr,
          "usage: newsdoc-bench [-n N] [--pandoc-files K] [--min-time S] [--quick] [--no-pandoc] [--no-cli]\n"
          "                     [--shared DIR] [--workdir DIR] [--convert PATH] [--big-mb M] [--md4c-mb M]\n"
          "                     [--scale-kb K] [--only SECTIONS] [-o REPORT]\n"
          "  SECTIONS: comma-separated, of inprocess,cli,md4c,scaling,rss,targets (default: all)\n");
  return 2;
}

int main(int argc, char **argv) {
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
#define ARG (i + 1 < argc ? argv[++i] : (exit(usage()), ""))
    if (!strcmp(a, "-n")) S.n = atoi(ARG);
    else if (!strcmp(a, "--pandoc-files")) S.pandoc_files = atoi(ARG);
    else if (!strcmp(a, "--min-time")) S.min_time = atof(ARG);
    else if (!strcmp(a, "--quick")) {
      S.quick = 1;
      S.n = 3;
      S.pandoc_files = 2;
      S.min_time = 0.01;
      S.pandoc = 0;
      S.big_mb = 1;
      S.md4c_mb = 0.5;
      S.scale_base_kb = 5;
    } else if (!strcmp(a, "--no-pandoc")) S.pandoc = 0;
    else if (!strcmp(a, "--no-cli")) S.cli = 0;
    else if (!strcmp(a, "--shared")) S.shared = ARG;
    else if (!strcmp(a, "--workdir")) S.workdir = ARG;
    else if (!strcmp(a, "--convert")) S.convert = ARG;
    else if (!strcmp(a, "--big-mb")) S.big_mb = atof(ARG);
    else if (!strcmp(a, "--md4c-mb")) S.md4c_mb = atof(ARG);
    else if (!strcmp(a, "--scale-kb")) S.scale_base_kb = atof(ARG);
    else if (!strcmp(a, "--only")) S.only = ARG;
    else if (!strcmp(a, "-o")) S.report = ARG;
    else if (!strcmp(a, "--launch")) return launch_main(argc - i - 1, argv + i + 1);
    else if (!strcmp(a, "--child")) return i + 3 < argc ? child_main(argc - i - 1, argv + i + 1) : usage();
    else return usage();
  }
  if (S.n < 1 || S.pandoc_files < 1 || S.min_time < 0) return usage();
  ssize_t sl = readlink("/proc/self/exe", self_exe, sizeof self_exe - 1);
  if (sl <= 0) {
    fprintf(stderr, "newsdoc-bench: cannot find its own executable\n");
    return 1;
  }
  self_exe[sl] = 0;
  char dir[1024];
  snprintf(dir, sizeof dir, "%s/samples", S.shared);
  if (access(dir, R_OK)) {
    fprintf(stderr, "newsdoc-bench: %s not found (the shared folder with the sample article); skipped\n", dir);
    return 77;
  }
  if (gen_sample_load(&sample, dir)) return 1;
  /* child processes load the sample from --shared too */
  static char samples_dir[1024];
  snprintf(samples_dir, sizeof samples_dir, "%s", dir);
  S.shared = samples_dir;
  mkdir(S.workdir, 0777);
  snprintf(dir, sizeof dir, "%s/corpus", S.workdir);
  mkdir(dir, 0777);
  snprintf(dir, sizeof dir, "%s/out", S.workdir);
  mkdir(dir, 0777);
  out = S.report ? fopen(S.report, "w") : stdout;
  if (!out) {
    fprintf(stderr, "newsdoc-bench: %s: %s\n", S.report, strerror(errno));
    return 1;
  }
  double t0 = now();
  progress("building the corpus (%d articles)", S.n);
  build_corpus();
  report_header(argc, argv);
  if (want("inprocess")) report_inprocess();
  if (want("cli")) report_cli();
  if (want("md4c")) report_md4c();
  if (want("scaling")) report_scaling();
  if (want("rss")) report_rss();
  if (want("targets")) report_targets();
  double la[3] = {0, 0, 0};
  getloadavg(la, 3);
  fprintf(out, "Benchmark run time: %.0f s; load average at the end: %.2f %.2f %.2f.\n", now() - t0, la[0], la[1], la[2]);
  if (out != stdout) fclose(out);
  for (int i = 0; i < S.n; i++) newsdoc_doc_free(models[i]);
  for (int f = 0; f < NFMT; f++) {
    if (!inputs[f]) continue;
    for (int i = 0; i < S.n; i++) newsdoc_free(inputs[f][i].data);
    free(inputs[f]);
  }
  free(models);
  gen_sample_free(&sample);
  return 0;
}
