/*
 * newsdoc/convert.h - the simple interface: read a document, write it.
 *
 *   newsdoc_doc *doc = NULL;
 *   if (newsdoc_read_file(&doc, "article.txt", NULL, NULL) == 0) {
 *     newsdoc_write_file(doc, NULL, "article.epub", NULL);
 *     newsdoc_doc_free(doc);
 *   } else {
 *     fprintf(stderr, "%s\n", newsdoc_error_last()->message);
 *   }
 *
 * `format` is a registered format's name; NULL means: probe the content
 * (and the file name, where there is one) when reading, and take the
 * extension of the path when writing.  `opts` may be NULL.
 */
#ifndef NEWSDOC_CONVERT_H
#define NEWSDOC_CONVERT_H

#include <stddef.h>
#include "common.h"
#include "document.h"
#include "options.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A source callback: copy up to `cap` bytes into `buf`, store the count in
 * *got (0 at the end).  Return 0, or non-zero for an error (NEWSDOC_EIO). */
typedef int (*newsdoc_read_cb)(void *buf, size_t cap, size_t *got, void *userdata);
/* A sink callback: take `len` bytes.  Return 0, or non-zero (NEWSDOC_EIO). */
typedef int (*newsdoc_write_cb)(const void *data, size_t len, void *userdata);

/* Read a document from memory.  `filename` (may be NULL) is a hint for
 * probing and messages; it is never opened.  *out belongs to the caller
 * (newsdoc_doc_free).  Errors: NEWSDOC_EUSAGE, NEWSDOC_EUNKNOWNFORMAT,
 * NEWSDOC_ELIMIT_SIZE (max-input-size), and whatever the reader returns. */
NEWSDOC_API int newsdoc_read(newsdoc_doc **out, const char *data, size_t len, const char *format,
                             const char *filename, const newsdoc_options *opts);
/* Read the file at `path` (only that file is opened), or NEWSDOC_EIO. */
NEWSDOC_API int newsdoc_read_file(newsdoc_doc **out, const char *path, const char *format,
                                  const newsdoc_options *opts);
/* Read everything from a callback (bounded by max-input-size) first. */
NEWSDOC_API int newsdoc_read_callback(newsdoc_doc **out, newsdoc_read_cb cb, void *userdata,
                                      const char *format, const newsdoc_options *opts);

/* Write to memory: *out (NUL-terminated for convenience, not counted in
 * *len_out) belongs to the caller and is freed with newsdoc_free().
 * `format` must name a format that can write.  Nothing is returned on
 * failure. */
NEWSDOC_API int newsdoc_write(const newsdoc_doc *doc, const char *format, const newsdoc_options *opts,
                              char **out, size_t *len_out);
/* Write to a file (created or truncated only once the output is complete,
 * so a failed conversion leaves no partial file).  format NULL: from the
 * path's extension. */
NEWSDOC_API int newsdoc_write_file(const newsdoc_doc *doc, const char *format, const char *path,
                                   const newsdoc_options *opts);
/* Stream the output to a callback as it is made. */
NEWSDOC_API int newsdoc_write_callback(const newsdoc_doc *doc, const char *format, newsdoc_write_cb cb,
                                       void *userdata, const newsdoc_options *opts);

/* Read and write in one call, from memory to memory. */
NEWSDOC_API int newsdoc_convert(const char *data, size_t len, const char *from, const char *to,
                                const newsdoc_options *opts, char **out, size_t *len_out);

#ifdef __cplusplus
}
#endif
#endif
