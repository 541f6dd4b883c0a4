/* format.c - the epub format: EPUB 3 written (with an NCX), EPUB 2 and 3
 * read.  See writer.c and reader.c for what each does and the options:
 *   title            the title when the document has none
 *   date             time stamp (ISO 8601 or seconds since 1970) when the
 *                    document has no date and SOURCE_DATE_EPOCH is unset
 *   date-from-clock  1: use the current time as the last resort
 *   max-spine        the most spine items a book may have (reading)
 */
#include <strings.h>

#include "epub.h"

int nd_epub_read(newsdoc_doc **out, const char *data, size_t len, newsdoc_ctx *ctx, void *ud);
int nd_epub_write(const newsdoc_doc *doc, newsdoc_sink *sink, newsdoc_ctx *ctx, void *ud);

static int find(const char *data, size_t len, const char *needle) {
  size_t n = strlen(needle);
  for (size_t i = 0; i + n <= len; i++)
    if (data[i] == needle[0] && !memcmp(data + i, needle, n)) return 1;
  return 0;
}

static int probe(const char *data, size_t len, const char *filename, void *ud) {
  (void)ud;
  if (len < 4 || memcmp(data, "PK\x03\x04", 4)) return 0;
  /* OCF: the first entry is "mimetype", stored, holding the media type. */
  if (len >= 58 && !memcmp(data + 30, "mimetype", 8) && !memcmp(data + 38, "application/epub+zip", 20)) return 100;
  size_t head = len < 4096 ? len : 4096;
  if (find(data, head, "application/epub+zip")) return 75;
  size_t tail = len < 65536 ? len : 65536;
  if (find(data + len - tail, tail, "META-INF/container.xml")) return 75;
  if (filename) {
    size_t n = strlen(filename);
    if (n >= 5 && !strcasecmp(filename + n - 5, ".epub")) return 50;
  }
  return 0;
}

const newsdoc_format nd_format_epub = {
    NEWSDOC_FORMAT_VERSION, "epub", "EPUB 3 e-books (reads EPUB 2 too)", "epub", "application/epub+zip",
    NEWSDOC_FORMAT_BINARY,  probe,  nd_epub_read,                       nd_epub_write, NULL,
};
