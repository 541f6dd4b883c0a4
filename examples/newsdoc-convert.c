/*
 * newsdoc-convert - convert news articles between formats, pandoc-style.
 *
 *   newsdoc-convert [-f FROM] [-t TO] [-o OUTPUT] [-M KEY=VALUE]...
 *                   [--opt KEY=VALUE]... [INPUT|-]
 *
 * A thin layer over the public API: it uses nothing private.
 * Exit status: 0 success, 1 a conversion failed, 2 bad usage.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <newsdoc/newsdoc.h>

static const char *prog = "newsdoc-convert";

static void usage(FILE *out) {
  fprintf(out,
          "Usage: %s [OPTIONS] [INPUT|-]\n"
          "Convert a news article between text, markdown, html, epub, docx and json.\n"
          "\n"
          "  -f, --from FORMAT      input format (default: detected from the content)\n"
          "  -t, --to FORMAT        output format (default: from the -o extension)\n"
          "  -o, --output FILE      write to FILE (default: standard output)\n"
          "  -M, --metadata K=V     set metadata K (author and keyword add a value)\n"
          "      --opt K=V          set a library option (see newsdoc/options.h),\n"
          "                         e.g. --opt wrap=72, --opt max-depth=100\n"
          "      --fragment         HTML: write the body content only\n"
          "      --wrap N           text: wrap lines at N columns\n"
          "      --list-formats     list the formats and what they can do\n"
          "  -q, --quiet            do not print warnings\n"
          "  -v, --version          print the version\n"
          "  -h, --help             print this help\n"
          "\n"
          "With no INPUT, or with -, the input is read from standard input.\n"
          "Exit status: 0 on success, 1 when a conversion fails, 2 on bad usage.\n",
          prog);
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

static void on_warning(const char *format, const char *message, void *ud) {
  warn_ctx *w = ud;
  if (!w->quiet) fprintf(stderr, "%s: warning: %s: %s: %s\n", prog, w->file, format, message);
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

/* "-M author=X" adds; other keys replace. */
static int apply_metadata(newsdoc_doc *doc, char **meta, size_t n) {
  for (size_t i = 0; i < n; i++) {
    char *eq = strchr(meta[i], '=');
    *eq = 0;
    const char *k = meta[i], *v = eq + 1;
    int rc = (!strcmp(k, NEWSDOC_META_AUTHOR) || !strcmp(k, NEWSDOC_META_KEYWORD))
                 ? newsdoc_meta_add(doc, k, v, strlen(v))
                 : newsdoc_meta_set(doc, k, v, strlen(v));
    *eq = '=';
    if (rc) return rc;
  }
  return 0;
}

int main(int argc, char **argv) {
  const char *from = NULL, *to = NULL, *output = NULL, *input = NULL;
  char **meta = calloc((size_t)argc + 1, sizeof *meta);
  size_t nmeta = 0;
  int quiet = 0, rc = 0;
  newsdoc_options *opts = NULL;
  if (!meta || newsdoc_options_new(&opts)) {
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
    else if (TAKES("-M", "--metadata")) {
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
    } else if (input) {
      rc = bad_usage("one input at a time (got also %s)", a);
    } else {
      input = a;
    }
  }
  if (rc) goto done;

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
  if (!output && (out_fmt.flags & NEWSDOC_FORMAT_BINARY) && isatty(STDOUT_FILENO)) {
    rc = bad_usage("refusing to write %s to a terminal; use -o FILE or a redirection", out_fmt.name);
    goto done;
  }

  const char *label = input && strcmp(input, "-") ? input : "(stdin)";
  warn_ctx wc = {label, quiet};
  newsdoc_options_set_warning_fn(opts, on_warning, &wc);

  newsdoc_doc *doc = NULL;
  int err = (input && strcmp(input, "-")) ? newsdoc_read_file(&doc, input, from, opts)
                                          : newsdoc_read_callback(&doc, stdin_reader, NULL, from, opts);
  if (!err) err = apply_metadata(doc, meta, nmeta);
  if (!err) {
    err = output ? newsdoc_write_file(doc, out_fmt.name, output, opts)
                 : newsdoc_write_callback(doc, out_fmt.name, stdout_writer, NULL, opts);
    if (!err && !output && fflush(stdout)) err = newsdoc_error_set(NEWSDOC_EIO, "standard output: %s", strerror(errno));
  }
  if (err) {
    fprintf(stderr, "%s: %s: %s (%s)\n", prog, label, newsdoc_error_last()->message, newsdoc_strerror(err));
    rc = 1;
  }
  newsdoc_doc_free(doc);
done:
  newsdoc_options_free(opts);
  free(meta);
  return rc;
}
