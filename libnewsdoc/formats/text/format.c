/* format.c - the text format: plain text articles in any script.
 *
 * Options read:
 *   charset     the input's encoding when known (IANA name); otherwise a
 *               BOM, valid UTF-8 or ICU's detection decides
 *   paragraphs  "line" (one paragraph per line), "wrapped" (hard-wrapped
 *               lines joined back where the next word would not have fitted),
 *               "block" (every line of a blank-line-separated block joins;
 *               "blank" is an alias) or "auto" (the default: line or
 *               wrapped, chosen per document)
 *   wrap        writer: wrap paragraphs at N columns (0: no wrapping)
 */
#include "text.h"

static int ext_is(const char *filename, const char *ext) {
  if (!filename) return 0;
  size_t n = strlen(filename), e = strlen(ext);
  if (n <= e || filename[n - e - 1] != '.') return 0;
  for (size_t k = 0; k < e; k++) {
    char c = filename[n - e + k];
    if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
    if (c != ext[k]) return 0;
  }
  return 1;
}

/* Text is the fallback: decodable text scores low (28), a .txt name more (60);
 * binary data (NULs outside UTF-16, archives, images, PDF) scores 0. */
static int probe(const char *data, size_t len, const char *filename, void *ud) {
  (void)ud;
  const unsigned char *b = (const unsigned char *)data;
  int named = ext_is(filename, "txt") || ext_is(filename, "text");
  if (len == 0) return named ? 50 : 0;
  if (len >= 4 && (!memcmp(b, "PK\x03\x04", 4) || !memcmp(b, "%PDF", 4) || !memcmp(b, "\x89PNG", 4) ||
                   !memcmp(b, "\xFF\xD8\xFF", 3) || !memcmp(b, "GIF8", 4) || !memcmp(b, "\xD0\xCF\x11\xE0", 4) ||
                   !memcmp(b, "\x1F\x8B", 2)))
    return 0;
  int utf16 = len >= 2 && ((b[0] == 0xFF && b[1] == 0xFE) || (b[0] == 0xFE && b[1] == 0xFF));
  size_t n = len > 4096 ? 4096 : len, nul = 0, ctl = 0, ev = 0, od = 0;
  for (size_t i = 0; i < n; i++) {
    if (b[i] == 0) {
      nul++;
      if (i & 1) od++;
      else ev++;
    } else if (b[i] < 0x20 && b[i] != '\n' && b[i] != '\r' && b[i] != '\t' && b[i] != '\f' && b[i] != 0x1B) {
      ctl++;
    }
  }
  if (nul && !utf16) {
    /* UTF-16 without a BOM has its NULs on one side only */
    size_t pairs = n / 2;
    int looks16 = pairs && ((od * 10 >= pairs * 3 && ev * 20 < pairs) || (ev * 10 >= pairs * 3 && od * 20 < pairs));
    if (!looks16) return 0;
  }
  if (!utf16 && ctl * 20 > n) return 0;
  if (named) return 60;
  /* Unnamed: just below the weakest content evidence of the markup
   * formats (one Markdown signal scores 30), so text takes plain prose
   * and never ties with them; markup-looking starts score under the
   * threshold, leaving them to the HTML probe. */
  size_t i = 0;
  if (len >= 3 && !memcmp(b, "\xEF\xBB\xBF", 3)) i = 3;
  while (i < n && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n')) i++;
  if (i + 1 < n && b[i] == '<' && (b[i + 1] == '!' || b[i + 1] == '?' || ((b[i + 1] | 0x20) >= 'a' && (b[i + 1] | 0x20) <= 'z')))
    return 20;
  return 28;
}

const newsdoc_format nd_format_text = {
    NEWSDOC_FORMAT_VERSION,
    "text",
    "plain text articles: title, byline, headings, lists and quotes recovered from the layout, any script",
    "txt,text",
    "text/plain",
    NEWSDOC_FORMAT_TEXTUAL,
    probe,
    nd_text_read,
    nd_text_write,
    NULL,
};
