/* date.c - the dates the EPUB writer needs, without the C library's time
 * zone machinery: ISO 8601 / W3CDTF parsing into a Unix time, and
 * formatting a Unix time as dcterms:modified wants it. */
#include <stdio.h>

#include "epub_date.h"

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant). */
static long long days_from_civil(long long y, unsigned m, unsigned d) {
  y -= m <= 2;
  long long era = (y >= 0 ? y : y - 399) / 400;
  unsigned yoe = (unsigned)(y - era * 400);
  unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + (long long)doe - 719468;
}

static void civil_from_days(long long z, int *y, unsigned *m, unsigned *d) {
  z += 719468;
  long long era = (z >= 0 ? z : z - 146096) / 146097;
  unsigned doe = (unsigned)(z - era * 146097);
  unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  long long yy = (long long)yoe + era * 400;
  unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = (int)(yy + (*m <= 2));
}

static int digits(const char *s, size_t n, int *out) {
  int v = 0;
  for (size_t i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9') return 0;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return 1;
}

static int mdays(int y, int m) {
  static const int md[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return 29;
  return md[m - 1];
}

int nd_epub_parse_date(const char *s, long long *t_out, int *w3cdtf_out) {
  int y, mo = 1, d = 1, h = 0, mi = 0, se = 0, off = 0;
  size_t n = strlen(s), i = 0;
  int w3c = 1;
  if (n < 4 || !digits(s, 4, &y)) return 0;
  i = 4;
  if (i < n && s[i] == '-') {
    if (n < i + 3 || !digits(s + i + 1, 2, &mo)) return 0;
    i += 3;
    if (i < n && s[i] == '-') {
      if (n < i + 3 || !digits(s + i + 1, 2, &d)) return 0;
      i += 3;
      if (i < n && (s[i] == 'T' || s[i] == 't' || s[i] == ' ')) {
        if (s[i] != 'T') w3c = 0;
        if (n < i + 6 || !digits(s + i + 1, 2, &h) || s[i + 3] != ':' || !digits(s + i + 4, 2, &mi)) return 0;
        i += 6;
        if (i < n && s[i] == ':') {
          if (n < i + 3 || !digits(s + i + 1, 2, &se)) return 0;
          i += 3;
          if (i < n && s[i] == '.') {
            i++;
            size_t f = i;
            while (i < n && s[i] >= '0' && s[i] <= '9') i++;
            if (i == f) return 0;
          }
        }
        /* The time zone: W3CDTF needs one with a time. */
        if (i < n && (s[i] == 'Z' || s[i] == 'z')) {
          if (s[i] == 'z') w3c = 0;
          i++;
        } else if (i < n && (s[i] == '+' || s[i] == '-')) {
          int oh, om;
          if (n < i + 6 || !digits(s + i + 1, 2, &oh) || s[i + 3] != ':' || !digits(s + i + 4, 2, &om) || oh > 23 ||
              om > 59)
            return 0;
          off = (oh * 60 + om) * (s[i] == '+' ? 1 : -1);
          i += 6;
        } else {
          w3c = 0;
        }
      }
    }
  }
  if (i != n) return 0;
  if (mo < 1 || mo > 12 || d < 1 || d > mdays(y, mo) || h > 23 || mi > 59 || se > 60) return 0;
  if (y < 1000) w3c = 0; /* W3CDTF years are four digits; keep it plain */
  *t_out = days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400LL + h * 3600LL + mi * 60LL + se - off * 60LL;
  if (w3cdtf_out) *w3cdtf_out = w3c;
  return 1;
}

void nd_epub_format_time(char out[32], long long t) {
  long long days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
  long long rem = t - days * 86400;
  int y;
  unsigned m, d;
  civil_from_days(days, &y, &m, &d);
  if (y < 0) y = 0;
  if (y > 9999) y = 9999;
  snprintf(out, 32, "%04d-%02u-%02uT%02d:%02d:%02dZ", y, m, d, (int)(rem / 3600), (int)(rem / 60 % 60),
           (int)(rem % 60));
}
