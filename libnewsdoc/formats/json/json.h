#ifndef ND_JSON_H
#define ND_JSON_H
#include "../../internal.h"
#define ND_JSON_SCHEMA_VERSION 1
int nd_json_write(const newsdoc_doc *doc, newsdoc_sink *sink, newsdoc_ctx *ctx, void *ud);
int nd_json_read(newsdoc_doc **out, const char *data, size_t len, newsdoc_ctx *ctx, void *ud);
#endif
