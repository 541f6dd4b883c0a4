/* ctx.c - the per-call context handed to readers and writers, and sinks. */
#include <stdio.h>
#include <time.h>

#include "../internal.h"

void nd_options_warn(const newsdoc_options *o, const char *format, const char *msg);
int nd_options_cancelled(const newsdoc_options *o);

static unsigned long long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (unsigned long long)ts.tv_sec * 1000ULL + (unsigned long long)ts.tv_nsec / 1000000ULL;
}

void nd_ctx_init(newsdoc_ctx *ctx, const newsdoc_options *opts, const char *format, const char *filename) {
  memset(ctx, 0, sizeof *ctx);
  ctx->opts = opts;
  ctx->format = format;
  ctx->filename = filename;
  unsigned long long budget = newsdoc_options_limit(opts, NEWSDOC_LIMIT_TIME_BUDGET_MS);
  if (budget) ctx->deadline_ms = now_ms() + budget;
}

void nd_ctx_release_input(newsdoc_ctx *ctx) {
  if (ctx && ctx->input) nd_buf_free(ctx->input);
}

const newsdoc_options *newsdoc_ctx_options(const newsdoc_ctx *ctx) { return ctx ? ctx->opts : NULL; }
const char *newsdoc_ctx_option(const newsdoc_ctx *ctx, const char *key) { return newsdoc_options_get(ctx ? ctx->opts : NULL, key); }
unsigned long long newsdoc_ctx_limit(const newsdoc_ctx *ctx, newsdoc_limit which) {
  return newsdoc_options_limit(ctx ? ctx->opts : NULL, which);
}
const char *newsdoc_ctx_format(const newsdoc_ctx *ctx) { return ctx ? ctx->format : NULL; }
const char *newsdoc_ctx_filename(const newsdoc_ctx *ctx) { return ctx ? ctx->filename : NULL; }
size_t newsdoc_ctx_warning_count(const newsdoc_ctx *ctx) { return ctx ? ctx->warnings : 0; }

void newsdoc_ctx_warn(newsdoc_ctx *ctx, const char *fmt, ...) {
  if (!ctx) return;
  ctx->warnings++;
  char msg[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  nd_options_warn(ctx->opts, ctx->format ? ctx->format : "newsdoc", msg);
}

int newsdoc_ctx_check(newsdoc_ctx *ctx) {
  if (!ctx) return 0;
  if (nd_options_cancelled(ctx->opts))
    return newsdoc_error_set(NEWSDOC_ECANCELLED, "%s: cancelled by the caller", ctx->format ? ctx->format : "newsdoc");
  if (ctx->deadline_ms && now_ms() > ctx->deadline_ms)
    return newsdoc_error_set(NEWSDOC_ECANCELLED, "%s: the time budget (time-budget-ms) is spent",
                             ctx->format ? ctx->format : "newsdoc");
  return 0;
}

int nd_check_depth(newsdoc_ctx *ctx, size_t depth, const char *what) {
  unsigned long long max = newsdoc_ctx_limit(ctx, NEWSDOC_LIMIT_DEPTH);
  if (depth > max)
    return newsdoc_error_set(NEWSDOC_ELIMIT_DEPTH, "%s: nesting deeper than max-depth (%llu) at %s",
                             ctx && ctx->format ? ctx->format : "newsdoc", max, what ? what : "?");
  return 0;
}

/* ---- sinks -------------------------------------------------------------------- */

void nd_sink_init_buf(newsdoc_sink *s, nd_buf *buf, unsigned long long limit) {
  memset(s, 0, sizeof *s);
  s->buf = buf;
  s->limit = limit;
}

void nd_sink_init_fn(newsdoc_sink *s, nd_sink_fn fn, void *ud, unsigned long long limit) {
  memset(s, 0, sizeof *s);
  s->fn = fn;
  s->userdata = ud;
  s->limit = limit;
}

int newsdoc_sink_write(newsdoc_sink *s, const void *data, size_t len) {
  if (!s) return newsdoc_error_set(NEWSDOC_EUSAGE, "newsdoc_sink_write: NULL sink");
  if (s->error) return newsdoc_error_set(s->error, "output: an earlier write failed");
  if (!len) return 0;
  if (!data) return newsdoc_error_set(NEWSDOC_EUSAGE, "newsdoc_sink_write: NULL data");
  if (len > s->limit || s->written > s->limit - len) {
    s->error = NEWSDOC_ELIMIT_SIZE;
    return newsdoc_error_set(NEWSDOC_ELIMIT_SIZE, "output: larger than max-output-size (%llu bytes)", s->limit);
  }
  if (s->fn) {
    if (s->fn(data, len, s->userdata)) {
      s->error = NEWSDOC_EIO;
      return newsdoc_error_set(NEWSDOC_EIO, "output: the write callback failed after %zu bytes", s->written);
    }
  } else {
    nd_buf_put(s->buf, data, len);
    if (s->buf->failed) {
      s->error = NEWSDOC_ENOMEM;
      return nd_oom("output buffer");
    }
  }
  s->written += len;
  return 0;
}

size_t newsdoc_sink_size(const newsdoc_sink *s) { return s ? s->written : 0; }

int nd_sink_put_buf(newsdoc_sink *s, const nd_buf *b) {
  if (b->failed) return nd_oom("output");
  return newsdoc_sink_write(s, b->data, b->len);
}
