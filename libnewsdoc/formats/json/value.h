/* value.h - a small JSON value tree for the json reader.  The parser is
 * iterative (an explicit stack), so nesting cannot exhaust the C stack. */
#ifndef ND_JSON_VALUE_H
#define ND_JSON_VALUE_H

#include "../../internal.h"

typedef enum { JV_NULL, JV_FALSE, JV_TRUE, JV_NUMBER, JV_STRING, JV_ARRAY, JV_OBJECT } nd_jv_type;

typedef struct nd_jv {
  nd_jv_type type;
  char *str; /* STRING: the decoded UTF-8; NUMBER: the literal */
  size_t len;
  struct nd_jv **items; /* ARRAY, OBJECT values */
  char **keys;          /* OBJECT keys */
  size_t n, cap;
} nd_jv;

/* Parse a complete JSON text.  Errors name the line and column. */
int nd_jv_parse(nd_jv **out, const char *s, size_t len, size_t max_depth, newsdoc_ctx *ctx);
void nd_jv_free(nd_jv *v);
/* Object member by key, or NULL. */
const nd_jv *nd_jv_get(const nd_jv *obj, const char *key);

#endif
