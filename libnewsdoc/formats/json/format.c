/* format.c - the json format: the model itself, for tests and bindings. */
#include "json.h"

static int probe(const char *data, size_t len, const char *filename, void *ud) {
  (void)ud;
  size_t i = 0;
  if (len >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3)) i = 3;
  while (i < len && (data[i] == ' ' || data[i] == '\n' || data[i] == '\r' || data[i] == '\t')) i++;
  int ext = 0;
  if (filename) {
    size_t n = strlen(filename);
    ext = n >= 5 && !strcmp(filename + n - 5, ".json");
  }
  if (i >= len || data[i] != '{') return 0;
  /* Our schema's first key. */
  size_t window = len - i < 64 ? len - i : 64;
  for (size_t k = i; k + 9 <= i + window; k++)
    if (!memcmp(data + k, "\"newsdoc\"", 9)) return 100;
  return ext ? 50 : 10;
}

const newsdoc_format nd_format_json = {
  NEWSDOC_FORMAT_VERSION, "json", "the libnewsdoc document model as JSON (schema version 1)", "json",
  "application/json,application/vnd.newsdoc+json", NEWSDOC_FORMAT_TEXTUAL, probe, nd_json_read, nd_json_write, NULL,
};
