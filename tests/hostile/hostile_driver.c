/*
 * hostile_driver - runs one hostile input through one reader, the way a
 * host would, and reports what happened on one line.
 *
 *   hostile_driver [--op-timeout S] [--forbid FMT:TEXT]... READER FILE
 *   hostile_driver --list-readers
 *   hostile_driver --sanitized      (exit 0 when built with sanitizers)
 *
 * READER is a registered format name, or "auto" (probe the content).
 * After a successful read the document goes to every registered writer;
 * every output a format can read back is read back (a writer must never
 * produce what its own reader refuses), textual outputs must be valid
 * UTF-8, and no output may contain a --forbid text (FMT "*": the JSON dump
 * of the model and every textual output; "html": that writer's output).
 *
 * --op-timeout S bounds each operation (the read, each write, each read
 * back) to S seconds: past it the driver prints "timeout: OPERATION" and
 * exits with status 124.
 *
 * Output: "read=CODE" then one "problem: ..." line per problem found.
 * Exit status: 0 no problem, 1 a problem (leak, bad error report, round
 * trip, forbidden text), 2 bad usage.  Crashes show as signals.
 *
 * Before anything else it makes one failed openat() of a marker path, so
 * the strace check can tell the loader's opens from the library's.
 */
#define _GNU_SOURCE 1 /* memmem */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <newsdoc/newsdoc.h>

#define MARKER "/nonexistent-newsdoc-hostile-marker/begin"

/* A counting allocator: every block carries a header, so the live count
 * is exact and a foreign pointer would be caught by the magic. */
typedef struct {
  size_t magic;
  size_t size;
} hdr;
#define MAGIC ((size_t)0x6e6577736f63ULL)
static long g_live;
static int g_bad_free;

static void *c_malloc(size_t n, void *ud) {
  (void)ud;
  hdr *h = malloc(sizeof(hdr) + n);
  if (!h) return NULL;
  h->magic = MAGIC;
  h->size = n;
  g_live++;
  return h + 1;
}
static void c_free(void *p, void *ud) {
  (void)ud;
  if (!p) return;
  hdr *h = (hdr *)p - 1;
  if (h->magic != MAGIC) { g_bad_free++; return; }
  h->magic = 0;
  g_live--;
  free(h);
}
static void *c_realloc(void *p, size_t n, void *ud) {
  if (!p) return c_malloc(n, ud);
  hdr *h = (hdr *)p - 1;
  if (h->magic != MAGIC) { g_bad_free++; return NULL; }
  hdr *q = realloc(h, sizeof(hdr) + n);
  if (!q) return NULL;
  q->size = n;
  return q + 1;
}

static int problems;
static unsigned op_timeout;
static char op_name[128];

static void on_alarm(int sig) {
  (void)sig;
  char msg[200];
  int n = snprintf(msg, sizeof msg, "timeout: %s took more than %u s\n", op_name, op_timeout);
  if (n > 0) (void)!write(STDOUT_FILENO, msg, (size_t)n);
  _exit(124);
}

/* Starts the clock of one operation. */
static void op_begin(const char *what, const char *fmt) {
  snprintf(op_name, sizeof op_name, "%s %s", what, fmt);
  if (op_timeout) alarm(op_timeout);
}
static void problem(const char *fmt, const char *a, const char *b) {
  printf("problem: ");
  printf(fmt, a, b);
  printf("\n");
  problems++;
}

static const char *code_name(int rc) {
  switch (rc) {
  case 0: return "OK";
  case NEWSDOC_EUSAGE: return "EUSAGE";
  case NEWSDOC_EIO: return "EIO";
  case NEWSDOC_EMALFORMED: return "EMALFORMED";
  case NEWSDOC_EUNSUPPORTED: return "EUNSUPPORTED";
  case NEWSDOC_ELIMIT: return "ELIMIT";
  case NEWSDOC_ENOMEM: return "ENOMEM";
  case NEWSDOC_EUNKNOWNFORMAT: return "EUNKNOWNFORMAT";
  case NEWSDOC_ENOTFOUND: return "ENOTFOUND";
  case NEWSDOC_EEXISTS: return "EEXISTS";
  case NEWSDOC_ECANCELLED: return "ECANCELLED";
  case NEWSDOC_ELIMIT_SIZE: return "ELIMIT_SIZE";
  case NEWSDOC_ELIMIT_DEPTH: return "ELIMIT_DEPTH";
  case NEWSDOC_ELIMIT_ZIP: return "ELIMIT_ZIP";
  case NEWSDOC_ELIMIT_COUNT: return "ELIMIT_COUNT";
  case NEWSDOC_EENCODING: return "EENCODING";
  default: return "UNKNOWN_CODE";
  }
}

/* Strict UTF-8: no overlongs, surrogates or code points past U+10FFFF. */
static int utf8_ok(const unsigned char *s, size_t n, size_t *bad_at) {
  size_t i = 0;
  while (i < n) {
    unsigned c = s[i];
    size_t k;
    unsigned cp;
    if (c < 0x80) { i++; continue; }
    else if (c >= 0xC2 && c <= 0xDF) { k = 1; cp = c & 0x1F; }
    else if (c >= 0xE0 && c <= 0xEF) { k = 2; cp = c & 0x0F; }
    else if (c >= 0xF0 && c <= 0xF4) { k = 3; cp = c & 0x07; }
    else { *bad_at = i; return 0; }
    for (size_t j = 1; j <= k; j++) {
      if (i + j >= n || (s[i + j] & 0xC0) != 0x80) { *bad_at = i; return 0; }
      cp = (cp << 6) | (s[i + j] & 0x3F);
    }
    if ((k == 2 && cp < 0x800) || (k == 3 && (cp < 0x10000 || cp > 0x10FFFF)) || (cp >= 0xD800 && cp <= 0xDFFF)) {
      *bad_at = i;
      return 0;
    }
    i += k + 1;
  }
  return 1;
}

typedef struct {
  const char *fmt;
  const char *text;
} forbid;

static void check_forbidden(const char *fmt, const char *data, size_t len, const forbid *fb, size_t nfb) {
  for (size_t i = 0; i < nfb; i++) {
    if (strcmp(fb[i].fmt, "*") && strcmp(fb[i].fmt, fmt)) continue;
    size_t tl = strlen(fb[i].text);
    if (tl && len >= tl && memmem(data, len, fb[i].text, tl)) problem("forbidden text \"%s\" in the %s output", fb[i].text, fmt);
  }
}

static void on_warning(const char *format, const char *message, void *ud) {
  (void)format;
  (void)message;
  (*(size_t *)ud)++;
}

static void check_error(int rc, const char *what) {
  const newsdoc_error *e = newsdoc_error_last();
  if (e->code != rc) problem("%s: newsdoc_error_last()->code is %s, not the returned code", what, code_name(e->code));
  if (!e->message || !*e->message || !strcmp(e->message, "no error")) problem("%s: no error message%s", what, "");
}

int main(int argc, char **argv) {
  /* The marker: everything the strace check sees after this is ours. */
  int mfd = open(MARKER, O_RDONLY);
  if (mfd >= 0) close(mfd);

  forbid fb[64];
  size_t nfb = 0;
  int i = 1;
  if (argc == 2 && !strcmp(argv[1], "--sanitized")) {
#ifdef HOSTILE_SANITIZED
    return 0;
#else
    return 1;
#endif
  }
  if (argc == 2 && !strcmp(argv[1], "--list-readers")) {
    for (size_t k = 0; k < newsdoc_format_count(); k++) {
      newsdoc_format f;
      if (!newsdoc_format_at(k, &f) && f.read) printf("%s\n", f.name);
    }
    return 0;
  }
  if (i + 1 < argc && !strcmp(argv[i], "--op-timeout")) {
    op_timeout = (unsigned)atoi(argv[i + 1]);
    i += 2;
    signal(SIGALRM, on_alarm);
  }
  for (; i + 1 < argc && !strcmp(argv[i], "--forbid"); i += 2) {
    char *colon = strchr(argv[i + 1], ':');
    if (!colon || nfb == sizeof fb / sizeof *fb) return 2;
    *colon = 0;
    fb[nfb].fmt = argv[i + 1];
    fb[nfb].text = colon + 1;
    nfb++;
  }
  if (argc - i != 2) {
    fprintf(stderr, "usage: hostile_driver [--forbid FMT:TEXT]... READER FILE\n");
    return 2;
  }
  const char *reader = argv[i], *path = argv[i + 1];

  /* Registry first (its table lives for the whole process), then our
   * allocator for everything a conversion makes. */
  size_t nformats = newsdoc_format_count();
  newsdoc_allocator al = {NEWSDOC_ALLOCATOR_VERSION, c_malloc, c_realloc, c_free, NULL};
  if (newsdoc_set_allocator(&al)) return 2;

  newsdoc_options *opts = NULL;
  if (newsdoc_options_new(&opts)) return 2;
  size_t warnings = 0;
  newsdoc_options_set_warning_fn(opts, on_warning, &warnings);

  newsdoc_doc *doc = NULL;
  op_begin("read as", reader);
  int rc = newsdoc_read_file(&doc, path, strcmp(reader, "auto") ? reader : NULL, opts);
  printf("read=%s\n", code_name(rc));
  if (rc) {
    check_error(rc, "read");
    printf("message: %s\n", newsdoc_error_last()->message);
    if (doc) problem("read failed but returned a document%s%s", "", "");
  } else if (!doc) {
    problem("read succeeded without a document%s%s", "", "");
  } else {
    for (size_t k = 0; k < nformats; k++) {
      newsdoc_format f;
      if (newsdoc_format_at(k, &f) || !f.write) continue;
      char *out = NULL;
      size_t len = 0;
      op_begin("write", f.name);
      int wrc = newsdoc_write(doc, f.name, opts, &out, &len);
      if (wrc) {
        check_error(wrc, "write");
        printf("write %s=%s: %s\n", f.name, code_name(wrc), newsdoc_error_last()->message);
        if (wrc == NEWSDOC_EUSAGE || wrc == NEWSDOC_EIO || wrc == NEWSDOC_ENOMEM || wrc == NEWSDOC_EUNKNOWNFORMAT ||
            wrc == NEWSDOC_ENOTFOUND || wrc == NEWSDOC_EEXISTS)
          problem("the %s writer failed with %s on a document its library produced", f.name, code_name(wrc));
        continue;
      }
      size_t bad_at = 0;
      if ((f.flags & NEWSDOC_FORMAT_TEXTUAL) && !utf8_ok((const unsigned char *)out, len, &bad_at)) {
        char pos[32];
        snprintf(pos, sizeof pos, "%zu", bad_at);
        problem("the %s output is not valid UTF-8 at byte %s", f.name, pos);
      }
      if ((f.flags & NEWSDOC_FORMAT_TEXTUAL) || !strcmp(f.name, "json")) check_forbidden(f.name, out, len, fb, nfb);
      else {
        /* binary outputs: only their own forbid lines (e.g. "epub:...") */
        for (size_t j = 0; j < nfb; j++)
          if (!strcmp(fb[j].fmt, f.name) && memmem(out, len, fb[j].text, strlen(fb[j].text)))
            problem("forbidden text \"%s\" in the %s output", fb[j].text, f.name);
      }
      if (f.read) {
        newsdoc_doc *back = NULL;
        op_begin("read back", f.name);
        int rrc = newsdoc_read(&back, out, len, f.name, NULL, opts);
        /* Limits aside: a writer's wrappers may nest deeper than the input. */
        if (rrc && rrc != NEWSDOC_ELIMIT_DEPTH && rrc != NEWSDOC_ELIMIT_COUNT && rrc != NEWSDOC_ELIMIT_SIZE &&
            rrc != NEWSDOC_ELIMIT_ZIP && rrc != NEWSDOC_ELIMIT) {
          char msg[600];
          snprintf(msg, sizeof msg, "%s (%s)", code_name(rrc), newsdoc_error_last()->message);
          problem("the %s writer's output is refused by its own reader: %s", f.name, msg);
        }
        newsdoc_doc_free(back);
      }
      newsdoc_free(out);
    }
    newsdoc_doc_free(doc);
  }
  alarm(0);
  newsdoc_options_free(opts);
  printf("warnings=%zu\n", warnings);
  if (g_live != 0) {
    char n[32];
    snprintf(n, sizeof n, "%ld", g_live);
    problem("leak: %s allocations of the library still live after the conversion%s", n, "");
  }
  if (g_bad_free) problem("a pointer not made by the allocator was freed or reallocated%s%s", "", "");
  fflush(stdout);
  return problems ? 1 : 0;
}
