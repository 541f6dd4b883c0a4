/* options.c - the key/value options object and its limits. */
#include <errno.h>
#include <stdlib.h>
#include <strings.h>

#include "../internal.h"

typedef struct { char *key, *value; } nd_opt;

struct newsdoc_options {
  nd_opt *items;
  size_t n, cap;
  newsdoc_warning_fn warn_fn;
  void *warn_ud;
  newsdoc_cancel_fn cancel_fn;
  void *cancel_ud;
};

#define KiB 1024ULL
#define MiB (1024ULL * KiB)
#define GiB (1024ULL * MiB)
static const struct { const char *name; unsigned long long dflt; } LIMITS[NEWSDOC_LIMIT__COUNT] = {
  [NEWSDOC_LIMIT_INPUT_SIZE] = {"max-input-size", 128 * MiB},
  [NEWSDOC_LIMIT_OUTPUT_SIZE] = {"max-output-size", 1 * GiB},
  [NEWSDOC_LIMIT_DEPTH] = {"max-depth", 256},
  [NEWSDOC_LIMIT_NODES] = {"max-nodes", 10000000},
  [NEWSDOC_LIMIT_ZIP_ENTRIES] = {"max-zip-entries", 10000},
  [NEWSDOC_LIMIT_ZIP_ENTRY_SIZE] = {"max-zip-entry-size", 128 * MiB},
  [NEWSDOC_LIMIT_ZIP_TOTAL_SIZE] = {"max-zip-total-size", 256 * MiB},
  [NEWSDOC_LIMIT_ZIP_RATIO] = {"max-zip-ratio", 1000},
  [NEWSDOC_LIMIT_ATTRIBUTES] = {"max-attributes", 1000},
  [NEWSDOC_LIMIT_STYLE_CHAIN] = {"max-style-chain", 64},
  [NEWSDOC_LIMIT_SPINE] = {"max-spine", 10000},
  [NEWSDOC_LIMIT_TIME_BUDGET_MS] = {"time-budget-ms", 0},
};

const char *newsdoc_limit_name(newsdoc_limit which) {
  return (int)which >= 0 && which < NEWSDOC_LIMIT__COUNT ? LIMITS[which].name : NULL;
}

/* Parses "123", "64K", "16M", "1G".  Returns 0 on success. */
static int parse_size(const char *s, unsigned long long *out) {
  if (!s || !*s || *s == '-' || *s == '+') return -1;
  errno = 0;
  char *end;
  unsigned long long v = strtoull(s, &end, 10);
  if (errno || end == s) return -1;
  unsigned long long mul = 1;
  if (*end == 'K' || *end == 'k') mul = KiB, end++;
  else if (*end == 'M' || *end == 'm') mul = MiB, end++;
  else if (*end == 'G' || *end == 'g') mul = GiB, end++;
  if (*end) return -1;
  if (v > ~0ULL / mul) return -1;
  *out = v * mul;
  return 0;
}

static int parse_bool(const char *s, int *out) {
  if (!s) return -1;
  if (!strcasecmp(s, "1") || !strcasecmp(s, "true") || !strcasecmp(s, "yes") || !strcasecmp(s, "on")) { *out = 1; return 0; }
  if (!strcasecmp(s, "0") || !strcasecmp(s, "false") || !strcasecmp(s, "no") || !strcasecmp(s, "off")) { *out = 0; return 0; }
  return -1;
}

int newsdoc_options_new(newsdoc_options **out) {
  if (!out) return newsdoc_error_set(NEWSDOC_EUSAGE, "newsdoc_options_new: out is NULL");
  *out = nd_calloc(1, sizeof **out);
  return *out ? 0 : nd_oom("newsdoc_options_new");
}

void newsdoc_options_free(newsdoc_options *o) {
  if (!o) return;
  for (size_t i = 0; i < o->n; i++) {
    nd_free(o->items[i].key);
    nd_free(o->items[i].value);
  }
  nd_free(o->items);
  nd_free(o);
}

int newsdoc_options_clone(newsdoc_options **out, const newsdoc_options *src) {
  int rc = newsdoc_options_new(out);
  if (rc || !src) return rc;
  for (size_t i = 0; i < src->n; i++)
    if ((rc = newsdoc_options_set(*out, src->items[i].key, src->items[i].value))) {
      newsdoc_options_free(*out);
      *out = NULL;
      return rc;
    }
  (*out)->warn_fn = src->warn_fn;
  (*out)->warn_ud = src->warn_ud;
  (*out)->cancel_fn = src->cancel_fn;
  (*out)->cancel_ud = src->cancel_ud;
  return 0;
}

static int find(const newsdoc_options *o, const char *key) {
  if (!o || !key) return -1;
  for (size_t i = 0; i < o->n; i++)
    if (!strcmp(o->items[i].key, key)) return (int)i;
  return -1;
}

int newsdoc_options_set(newsdoc_options *o, const char *key, const char *value) {
  if (!o || !key || !*key) return newsdoc_error_set(NEWSDOC_EUSAGE, "newsdoc_options_set: NULL options or empty key");
  int at = find(o, key);
  if (!value) {
    if (at >= 0) {
      nd_free(o->items[at].key);
      nd_free(o->items[at].value);
      o->items[at] = o->items[--o->n];
    }
    return 0;
  }
  for (int i = 0; i < NEWSDOC_LIMIT__COUNT; i++) {
    unsigned long long v;
    if (!strcmp(key, LIMITS[i].name) && parse_size(value, &v))
      return newsdoc_error_set(NEWSDOC_EUSAGE, "option %s: \"%s\" is not a size (a number with an optional K, M or G)", key, value);
  }
  int b;
  if (!strcmp(key, "date-from-clock") && parse_bool(value, &b))
    return newsdoc_error_set(NEWSDOC_EUSAGE, "option %s: \"%s\" is not a boolean", key, value);
  char *v = nd_strdup(value);
  if (!v) return nd_oom("newsdoc_options_set");
  if (at >= 0) {
    nd_free(o->items[at].value);
    o->items[at].value = v;
    return 0;
  }
  if (nd_grow(&o->items, &o->cap, o->n, sizeof *o->items, 8, "newsdoc_options_set")) {
    nd_free(v);
    return NEWSDOC_ENOMEM;
  }
  char *k = nd_strdup(key);
  if (!k) { nd_free(v); return nd_oom("newsdoc_options_set"); }
  o->items[o->n].key = k;
  o->items[o->n].value = v;
  o->n++;
  return 0;
}

const char *newsdoc_options_get(const newsdoc_options *o, const char *key) {
  int at = find(o, key);
  return at >= 0 ? o->items[at].value : NULL;
}

int newsdoc_options_get_bool(const newsdoc_options *o, const char *key, int dflt) {
  int b;
  return parse_bool(newsdoc_options_get(o, key), &b) ? dflt : b;
}

long long newsdoc_options_get_int(const newsdoc_options *o, const char *key, long long dflt) {
  const char *s = newsdoc_options_get(o, key);
  if (!s || !*s) return dflt;
  errno = 0;
  char *end;
  long long v = strtoll(s, &end, 10);
  return (errno || *end) ? dflt : v;
}

unsigned long long newsdoc_options_limit(const newsdoc_options *o, newsdoc_limit which) {
  if ((int)which < 0 || which >= NEWSDOC_LIMIT__COUNT) return 0;
  unsigned long long v;
  const char *s = newsdoc_options_get(o, LIMITS[which].name);
  return s && !parse_size(s, &v) ? v : LIMITS[which].dflt;
}

size_t newsdoc_options_count(const newsdoc_options *o) { return o ? o->n : 0; }

int newsdoc_options_entry(const newsdoc_options *o, size_t i, const char **key_out, const char **value_out) {
  if (!o || i >= o->n) return newsdoc_error_set(NEWSDOC_ENOTFOUND, "option %zu not found", i);
  if (key_out) *key_out = o->items[i].key;
  if (value_out) *value_out = o->items[i].value;
  return 0;
}

void newsdoc_options_set_warning_fn(newsdoc_options *o, newsdoc_warning_fn fn, void *ud) {
  if (!o) return;
  o->warn_fn = fn;
  o->warn_ud = ud;
}

void newsdoc_options_set_cancel_fn(newsdoc_options *o, newsdoc_cancel_fn fn, void *ud) {
  if (!o) return;
  o->cancel_fn = fn;
  o->cancel_ud = ud;
}

/* ---- used by ctx.c ---------------------------------------------------------- */
void nd_options_warn(const newsdoc_options *o, const char *format, const char *msg) {
  if (o && o->warn_fn) o->warn_fn(format, msg, o->warn_ud);
}

int nd_options_cancelled(const newsdoc_options *o) { return o && o->cancel_fn && o->cancel_fn(o->cancel_ud); }
