/*
 * newsdoc/format.h - the format registry, and what a format's callbacks
 * get to work with (the per-call context and the output sink).
 *
 * Every format, built-in or not, is one newsdoc_format struct registered
 * with newsdoc_format_register().  The built-in formats (text, markdown,
 * html, epub, docx, json) register through exactly this struct the first
 * time the registry is used.
 *
 * Probing: given the input bytes and an optional file name, every format's
 * probe returns a score 0..100:
 *   100  certain (magic bytes and container contents)
 *    75  strong evidence from the content
 *    50  the file name's extension matches, the content does not object
 *    25  weak evidence (it could be read)
 *     0  not this format
 * The best score wins when it is at least NEWSDOC_PROBE_MIN and no other
 * format has the same score; otherwise the result is NEWSDOC_EUNKNOWNFORMAT
 * with a message naming the candidates.  Probes are pure: no allocation,
 * no errors, no I/O, and they look at most at the first few KiB and the
 * last 64 KiB (a zip's central directory).
 */
#ifndef NEWSDOC_FORMAT_H
#define NEWSDOC_FORMAT_H

#include <stddef.h>
#include "common.h"
#include "document.h"
#include "options.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The per-call context a reader or writer gets: options, limits, warnings,
 * cancellation.  Borrowed for the duration of the call. */
typedef struct newsdoc_ctx newsdoc_ctx;
/* Where a writer puts its output.  Borrowed for the duration of the call. */
typedef struct newsdoc_sink newsdoc_sink;

#define NEWSDOC_PROBE_MIN 25

/* Format flags. */
#define NEWSDOC_FORMAT_BINARY 0x1u  /* output is binary (not for a terminal) */
#define NEWSDOC_FORMAT_TEXTUAL 0x2u /* output is UTF-8 text */

typedef int (*newsdoc_probe_fn)(const char *data, size_t len, const char *filename, void *userdata);
/* Read `len` bytes into a new document.  On success *out is a document the
 * caller of newsdoc_read() will own; on failure return a NEWSDOC_E* code
 * (set with newsdoc_error_set) and leave *out NULL. */
typedef int (*newsdoc_read_fn)(newsdoc_doc **out, const char *data, size_t len, newsdoc_ctx *ctx,
                               void *userdata);
/* Write `doc` to `sink` with newsdoc_sink_write().  Return 0 or a code. */
typedef int (*newsdoc_write_fn)(const newsdoc_doc *doc, newsdoc_sink *sink, newsdoc_ctx *ctx,
                                void *userdata);

typedef struct newsdoc_format {
  unsigned int version;      /* NEWSDOC_FORMAT_VERSION */
  const char *name;          /* "markdown": [a-z0-9_-]+, unique */
  const char *description;   /* one line of English */
  const char *extensions;    /* comma-separated, no dots: "md,markdown" */
  const char *mime_types;    /* comma-separated: "text/markdown" */
  unsigned int flags;        /* NEWSDOC_FORMAT_* */
  newsdoc_probe_fn probe;    /* may be NULL: never chosen by probing */
  newsdoc_read_fn read;      /* NULL: cannot read */
  newsdoc_write_fn write;    /* NULL: cannot write */
  void *userdata;            /* passed to the three callbacks */
} newsdoc_format;
#define NEWSDOC_FORMAT_VERSION 1
#define NEWSDOC_FORMAT_INIT {NEWSDOC_FORMAT_VERSION, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL}

/* Register a format.  The struct and its strings are copied; callbacks and
 * userdata must stay valid until it is unregistered.  Errors:
 * NEWSDOC_EUSAGE (bad version, name, or neither read nor write),
 * NEWSDOC_EEXISTS (the name is taken), NEWSDOC_ENOMEM. */
NEWSDOC_API int newsdoc_format_register(const newsdoc_format *format);
/* Remove a format by name (built-in ones too).  Conversions already
 * running with it finish with it.  NEWSDOC_ENOTFOUND when absent. */
NEWSDOC_API int newsdoc_format_unregister(const char *name);
/* Copy a registered format's struct into *out.  Its strings stay valid
 * until the format is unregistered.  NEWSDOC_ENOTFOUND when absent. */
NEWSDOC_API int newsdoc_format_find(const char *name, newsdoc_format *out);
/* The format whose extension list has the file name's extension, or
 * NEWSDOC_ENOTFOUND.  want_write: only formats that can write. */
NEWSDOC_API int newsdoc_format_for_filename(const char *filename, int want_write, newsdoc_format *out);
/* Registered formats in registration order. */
NEWSDOC_API size_t newsdoc_format_count(void);
NEWSDOC_API int newsdoc_format_at(size_t index, newsdoc_format *out);
/* Run every probe; on success *name_out is the winner's name (valid until
 * it is unregistered) and *score_out its score (both may be NULL).
 * NEWSDOC_EUNKNOWNFORMAT when no format scores NEWSDOC_PROBE_MIN or two
 * tie; the detail message lists the scores. */
NEWSDOC_API int newsdoc_probe(const char *data, size_t len, const char *filename, const char **name_out,
                              int *score_out);

/* --- For readers and writers ------------------------------------------- */

NEWSDOC_API const newsdoc_options *newsdoc_ctx_options(const newsdoc_ctx *ctx);
/* Shorthands for the options. */
NEWSDOC_API const char *newsdoc_ctx_option(const newsdoc_ctx *ctx, const char *key);
NEWSDOC_API unsigned long long newsdoc_ctx_limit(const newsdoc_ctx *ctx, newsdoc_limit which);
/* The name of the format being run, and the input file name if known
 * (may be NULL; only a hint: formats must never open it). */
NEWSDOC_API const char *newsdoc_ctx_format(const newsdoc_ctx *ctx);
NEWSDOC_API const char *newsdoc_ctx_filename(const newsdoc_ctx *ctx);
/* Report a warning to the caller's warning callback. */
NEWSDOC_API void newsdoc_ctx_warn(newsdoc_ctx *ctx, const char *fmt, ...) NEWSDOC_PRINTF(2, 3);
/* The number of warnings reported so far in this call. */
NEWSDOC_API size_t newsdoc_ctx_warning_count(const newsdoc_ctx *ctx);
/* 0, or NEWSDOC_ECANCELLED (error set) when the cancel callback asks to
 * stop or the time budget is spent.  Long loops call it now and then. */
NEWSDOC_API int newsdoc_ctx_check(newsdoc_ctx *ctx);

/* Append bytes to the output.  Errors: NEWSDOC_ELIMIT_SIZE past
 * max-output-size, NEWSDOC_EIO when the destination fails, NEWSDOC_ENOMEM.
 * After an error every later write fails the same way. */
NEWSDOC_API int newsdoc_sink_write(newsdoc_sink *sink, const void *data, size_t len);
/* Bytes written so far. */
NEWSDOC_API size_t newsdoc_sink_size(const newsdoc_sink *sink);

#ifdef __cplusplus
}
#endif
#endif
