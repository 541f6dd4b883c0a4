/* epub_date.h - dates for the EPUB writer (date.c). */
#ifndef ND_EPUB_DATE_H
#define ND_EPUB_DATE_H

#include "../../internal.h"

/* Parse ISO 8601 (YYYY, YYYY-MM, YYYY-MM-DD, YYYY-MM-DDThh:mm[:ss[.f]]
 * with Z or +hh:mm or nothing, meaning UTC) into a Unix time.  Returns 1
 * on success; *w3cdtf_out (may be NULL) is 1 when the string is valid
 * W3CDTF as written (what dc:date must be). */
int nd_epub_parse_date(const char *s, long long *t_out, int *w3cdtf_out);
/* CCYY-MM-DDThh:mm:ssZ (UTC). */
void nd_epub_format_time(char out[32], long long t);

#endif
