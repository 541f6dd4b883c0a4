/*
 * newsdoc/options.h - conversion options, limits, warnings, cancellation.
 *
 * Options are an opaque key/value object, so new keys never change the
 * ABI.  Every read and write function takes a `const newsdoc_options *`
 * that may be NULL (all defaults).  One options object may be shared by
 * many threads while nobody changes it.
 *
 * Keys known to the core are validated by newsdoc_options_set() and are
 * listed below; any other key is kept for the formats (and for custom
 * formats) to read, e.g. "wrap" for the text writer or "fragment" for the
 * HTML writer.  Each format documents its keys in its own header section
 * (see newsdoc/format.h).  Boolean values are "1"/"0"/"true"/"false"/
 * "yes"/"no".
 *
 * Limits (a whole number; K, M and G suffixes multiply by 1024s):
 *
 *   key                   default    error when exceeded
 *   max-input-size        128M       NEWSDOC_ELIMIT_SIZE
 *   max-output-size       1G         NEWSDOC_ELIMIT_SIZE
 *   max-depth             256        NEWSDOC_ELIMIT_DEPTH  (tree / markup nesting)
 *   max-nodes             10000000   NEWSDOC_ELIMIT_COUNT
 *   max-zip-entries       10000      NEWSDOC_ELIMIT_ZIP
 *   max-zip-entry-size    128M       NEWSDOC_ELIMIT_ZIP   (bytes expanded, one entry)
 *   max-zip-total-size    256M       NEWSDOC_ELIMIT_ZIP   (bytes expanded, all entries)
 *   max-zip-ratio         1000       NEWSDOC_ELIMIT_ZIP   (expanded : compressed, per entry
 *                                                         over 1 MiB)
 *   max-attributes        1000       NEWSDOC_ELIMIT_COUNT (attributes on one element)
 *   max-style-chain       64         NEWSDOC_ELIMIT_COUNT (basedOn / numbering links)
 *   max-spine             10000      NEWSDOC_ELIMIT_COUNT (EPUB spine items)
 *   time-budget-ms        0          NEWSDOC_ECANCELLED   (0: none)
 *
 * Other core keys:
 *   date-from-clock       0          writers may use the current time when
 *                                    the document has no date and
 *                                    SOURCE_DATE_EPOCH is unset
 *
 * Keys of the built-in formats (each format's format.c says more):
 *   text      charset      read: the input's charset when detection should
 *                          not decide (an IANA name, e.g. windows-1256)
 *             paragraphs   read: auto (default), line, block or wrapped:
 *                          one paragraph per line, per blank-line block, or
 *                          hard-wrapped lines joined back
 *             wrap         write: wrap lines at N columns (0: no wrapping)
 *   html      fragment     write: body content only (default 0)
 *             css          write: unset embeds the built-in stylesheet,
 *                          "none" leaves it out, anything else is an href
 *             embed-media  write: images as data: URIs (default 1)
 *             xhtml        write: XML syntax (default 0)
 *             raw-html     write: what to do with raw HTML kept from
 *                          Markdown: "safe" (default: kept, but elements
 *                          and attributes that run code or load things
 *                          are escaped), "omit", or "unsafe" (verbatim)
 *   epub      title        write: the title when the document has none
 *             date         write: time stamp (ISO 8601 or Unix seconds)
 *                          when the document has no date and
 *                          SOURCE_DATE_EPOCH is unset
 *   json      json-pretty  write: indented output (default 0)
 * The document's date, else SOURCE_DATE_EPOCH, else the "date" option,
 * else a fixed epoch (1980-01-01) gives EPUB and DOCX time stamps, so the
 * same input always gives the same bytes.
 */
#ifndef NEWSDOC_OPTIONS_H
#define NEWSDOC_OPTIONS_H

#include <stddef.h>
#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct newsdoc_options newsdoc_options;

typedef enum newsdoc_limit {
  NEWSDOC_LIMIT_INPUT_SIZE = 0,
  NEWSDOC_LIMIT_OUTPUT_SIZE,
  NEWSDOC_LIMIT_DEPTH,
  NEWSDOC_LIMIT_NODES,
  NEWSDOC_LIMIT_ZIP_ENTRIES,
  NEWSDOC_LIMIT_ZIP_ENTRY_SIZE,
  NEWSDOC_LIMIT_ZIP_TOTAL_SIZE,
  NEWSDOC_LIMIT_ZIP_RATIO,
  NEWSDOC_LIMIT_ATTRIBUTES,
  NEWSDOC_LIMIT_STYLE_CHAIN,
  NEWSDOC_LIMIT_SPINE,
  NEWSDOC_LIMIT_TIME_BUDGET_MS,
  NEWSDOC_LIMIT__COUNT
} newsdoc_limit;

/* A warning: a lossy step the conversion took and went on (a dropped
 * element, a replaced invalid byte, a guessed language...).  `format` is
 * the format's name, `message` names what and where.  Both are borrowed
 * for the duration of the call. */
typedef void (*newsdoc_warning_fn)(const char *format, const char *message, void *userdata);
/* Called now and then during long work; return non-zero to stop it with
 * NEWSDOC_ECANCELLED. */
typedef int (*newsdoc_cancel_fn)(void *userdata);

/* Create options with every default.  *out belongs to the caller. */
NEWSDOC_API int newsdoc_options_new(newsdoc_options **out);
NEWSDOC_API void newsdoc_options_free(newsdoc_options *opts);
NEWSDOC_API int newsdoc_options_clone(newsdoc_options **out, const newsdoc_options *opts);
/* Set a key (both copied).  A NULL value removes the key.  Errors:
 * NEWSDOC_EUSAGE for an empty key or a value a core key cannot take (the
 * detail message says why); NEWSDOC_ENOMEM. */
NEWSDOC_API int newsdoc_options_set(newsdoc_options *opts, const char *key, const char *value);
/* The value of a key, or NULL (borrowed).  opts may be NULL. */
NEWSDOC_API const char *newsdoc_options_get(const newsdoc_options *opts, const char *key);
/* A boolean or integer key, or `dflt` when absent or not parseable. */
NEWSDOC_API int newsdoc_options_get_bool(const newsdoc_options *opts, const char *key, int dflt);
NEWSDOC_API long long newsdoc_options_get_int(const newsdoc_options *opts, const char *key, long long dflt);
/* A limit's value (its default when unset); opts may be NULL. */
NEWSDOC_API unsigned long long newsdoc_options_limit(const newsdoc_options *opts, newsdoc_limit which);
/* The option key of a limit ("max-depth", ...), static. */
NEWSDOC_API const char *newsdoc_limit_name(newsdoc_limit which);
/* The number of keys and the index-th (key, value) pair (borrowed). */
NEWSDOC_API size_t newsdoc_options_count(const newsdoc_options *opts);
NEWSDOC_API int newsdoc_options_entry(const newsdoc_options *opts, size_t index, const char **key_out,
                                      const char **value_out);
/* Callbacks.  NULL removes.  Warnings not collected by a callback are
 * dropped: the library never prints. */
NEWSDOC_API void newsdoc_options_set_warning_fn(newsdoc_options *opts, newsdoc_warning_fn fn, void *userdata);
NEWSDOC_API void newsdoc_options_set_cancel_fn(newsdoc_options *opts, newsdoc_cancel_fn fn, void *userdata);

#ifdef __cplusplus
}
#endif
#endif
