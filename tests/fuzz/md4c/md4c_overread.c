/* md4c_overread.c - stand-alone reproducer for an md4c 0.4.8 bug:
 * md_parse(text, size) reads text[size], one byte past its input, and
 * acts on it.  Against Debian's libmd4c-dev 0.4.8-1 (nothing else):
 *
 *   gcc -O1 -g md4c_overread.c -lmd4c -o md4c_overread && ./md4c_overread
 *
 * prints "BUG" and exits 1 while the bug is there.  Cases 1 and 2 parse
 * the 5 bytes "[a](b" (no closing parenthesis), cases 3 and 4 the 2 bytes
 * "10"; only the byte that follows them in memory changes.  Line numbers: src/md4c.c of release-0.4.8
 * (md4c_0.4.8.orig.tar.gz, sha256 4a457df8...1439f).
 *
 * 1. md_is_inline_link_spec() (line 2257) ends its destination/title scan
 *    at off == lines[last].end == size and then, at line 2327, does
 *        if(CH(off) != _T(')')) goto abort;   off++;   *p_end = off;
 *    with no `off < ctx->size` test (the empty-destination test at line
 *    2286, `off < ctx->size && CH(off) == ')'`, has one).  With
 *    ')' in text[size], "(b" is taken as a link destination and the link
 *    ends at size + 1.
 * 2. md_resolve_links() stores that end in the ']' closer mark (line 3575:
 *    closer->end = inline_link_end, i.e. size + 1).
 * 3. md_process_inlines() (line 4123), at that closer:
 *    - line 4272, `while(mark->end > line->end) line++;`, steps `line`
 *      past the block's last MD_LINE into whatever follows it;
 *    - line 4338 sets off = mark->end = size + 1, and lines 4342-4343
 *      skip to the next mark that is RESOLVED with beg >= off.  The
 *      sentinel md_analyze_inlines() pushes at beg = size (line 3332) no
 *      longer qualifies, so the loop runs past ctx->n_marks, through the
 *      unused (uninitialised) part of ctx->marks and beyond;
 *    - back at the top, line 4146 takes tmp = min(line->end, mark->beg),
 *      both read from that stale memory, and line 4148 calls
 *      text(STR(off), tmp - off): a size of whatever the heap held, or a
 *      crash (SEGV at line 4343) when the walk reaches unmapped memory.
 * The same one-byte read decides block structure too:
 * md_is_container_mark() (line 5646) reads CH(off) at off == size after
 * the digits of an ordered-list mark (line 5687), so "10" followed by '.'
 * or ')' is read as an ordered list with an empty item.  No read beyond
 * text[size] was seen when text[size] is NUL, nor any read of text[size]
 * when the text ends in '\n' (libFuzzer on md4c alone built with
 * AddressSanitizer, 1.3 and 1.4 million inputs).
 *
 * Here glibc's M_PERTURB makes the stale memory repeatable: every new
 * malloc() block is filled with 0xFE bytes, a mark made of them has the
 * RESOLVED bit (0x10) so the walk stops at the first unused slot, and the
 * text size is 0xFEFEFEFE - (size + 1) = 4278124280.  That is libnewsdoc's
 * fuzzer finding ("out-of-memory (malloc(4775860852))", 4775860852 being
 * the buffer capacity for any text of 3.18-4.3 GB): libFuzzer passes each
 * input in an exact-size malloc() block, the bytes after it keep what an
 * earlier input left there, and the system md4c is not built with
 * AddressSanitizer, so the read itself is never reported.  An input
 * replayed alone gets fresh (zeroed) memory after it and reads cleanly. */
#include <malloc.h>
#include <md4c.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int enter_span(MD_SPANTYPE t, void *d, void *u) {
  (void)u;
  if (t == MD_SPAN_A) {
    const MD_SPAN_A_DETAIL *a = d;
    printf("  enter link, href %u byte(s) \"%.*s\"\n", (unsigned)a->href.size, (int)a->href.size, a->href.text);
  }
  return 0;
}
static int leave_span(MD_SPANTYPE t, void *d, void *u) { (void)t; (void)d; (void)u; return 0; }
static int lists;
static int enter_block(MD_BLOCKTYPE t, void *d, void *u) {
  (void)d; (void)u;
  if (t == MD_BLOCK_OL) { printf("  enter ordered list\n"); lists++; }
  return 0;
}
static int leave_block(MD_BLOCKTYPE t, void *d, void *u) { (void)t; (void)d; (void)u; return 0; }
static int text(MD_TEXTTYPE t, const MD_CHAR *s, MD_SIZE size, void *u) {
  size_t n = *(size_t *)u;
  if (size > n) { /* refused, as libnewsdoc's guard does: md4c stops */
    printf("  text of %u bytes from a %zu-byte input\n", (unsigned)size, n);
    return -1;
  }
  printf("  text (type %d) \"%.*s\"\n", (int)t, (int)size, s);
  return 0;
}

/* md_parse() on `in`, with `after` in the byte that follows it. */
static int run(const char *what, const char *in, char after) {
  size_t n = strlen(in);
  char *buf = malloc(n + 1);
  memcpy(buf, in, n);
  buf[n] = after; /* not part of the input */
  MD_PARSER p;
  memset(&p, 0, sizeof p);
  p.enter_block = enter_block;
  p.leave_block = leave_block;
  p.enter_span = enter_span;
  p.leave_span = leave_span;
  p.text = text;
  printf("%s: md_parse(\"%s\", %zu), then '%s' in memory:\n", what, in, n, after ? (char[2]){after, 0} : "\\0");
  int rc = md_parse(buf, (MD_SIZE)n, &p, &n);
  printf("  md_parse returned %d\n", rc);
  free(buf);
  return rc;
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  /* New malloc() blocks filled with 0xFE: md4c's unused array slots then
   * hold the same bytes on every run (without this, case 2 reads whatever
   * the heap holds, often zeros, and usually runs into unmapped memory). */
  mallopt(M_PERTURB, 1);
  int rc1 = run("1", "[a](b", '\0'); /* right: the text "[a](b" */
  int rc2 = run("2", "[a](b", ')');  /* a link to "b", then a text size past the input */
  run("3", "10", '\0');              /* right: the text "10" */
  int l3 = lists;
  run("4", "10", '.');               /* an ordered list */
  if (rc1 == 0 && (rc2 != 0 || lists != l3)) {
    printf("md4c read past the input: BUG\n");
    return 1;
  }
  printf("md4c read only the input\n");
  return 0;
}
