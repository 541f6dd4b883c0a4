/* entities.h - HTML5 named character references for the Markdown reader. */
#ifndef ND_MD_ENTITIES_H
#define ND_MD_ENTITIES_H
#include <stddef.h>

typedef struct nd_md_entity {
  const char *name;  /* without '&' and ';' */
  const char *utf8;  /* the replacement text */
  unsigned char len; /* its length in bytes */
} nd_md_entity;

extern const nd_md_entity nd_md_entities[];
extern const size_t nd_md_entity_count;
#endif
