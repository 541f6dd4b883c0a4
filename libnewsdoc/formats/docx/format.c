/* format.c - the docx format: Office Open XML word-processing documents
 * (Word 2007 and later, LibreOffice, pandoc), transitional and Strict. */
#include "docx.h"

/* Looks for `needle` in data[from, to). */
static int has(const char *data, size_t from, size_t to, const char *needle) {
  size_t n = strlen(needle);
  if (to < n) return 0;
  for (size_t i = from; i + n <= to; i++)
    if (data[i] == needle[0] && !memcmp(data + i, needle, n)) return 1;
  return 0;
}

static int probe(const char *data, size_t len, const char *filename, void *ud) {
  (void)ud;
  int ext = 0;
  if (filename) {
    size_t n = strlen(filename);
    ext = n >= 5 && !strcasecmp(filename + n - 5, ".docx");
  }
  if (len < 4 || memcmp(data, "PK\x03\x04", 4)) return 0;
  /* The central directory (in the last 64 KiB) names the main part. */
  size_t tail = len > 65536 ? len - 65536 : 0;
  if (has(data, tail, len, "word/document.xml")) return 100;
  size_t head = len < 4096 ? len : 4096;
  if (has(data, 0, head, "word/")) return 75;
  /* an EPUB's first entry is its mimetype */
  if (has(data, 0, head < 64 ? head : 64, "mimetype")) return 0;
  return ext ? 50 : 0;
}

const newsdoc_format nd_format_docx = {
  NEWSDOC_FORMAT_VERSION, "docx", "Office Open XML word-processing documents (Word, LibreOffice), Strict included",
  "docx", ND_DOCX_MIME, NEWSDOC_FORMAT_BINARY, probe, nd_docx_read, nd_docx_write, NULL,
};
