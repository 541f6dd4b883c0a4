/* test_text_oom.c - the text reader and writer under allocation failure:
 * with allocation N failing (N = 1, 2, ...), reading each fixture and
 * writing it (plain and wrapped), and writing a document with every node
 * type, must return NEWSDOC_ENOMEM or the same output as without failure,
 * and must leave nothing allocated. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "text_fixtures.h"

static struct {
  long live;
  unsigned long count, fail_at;
} S;

static void *t_malloc(size_t n, void *ud) {
  (void)ud;
  if (S.fail_at && ++S.count == S.fail_at) return NULL;
  if (!S.fail_at) S.count++;
  size_t *p = malloc(n + sizeof(size_t) * 2);
  if (!p) return NULL;
  S.live++;
  return p + 2;
}
static void t_free(void *p, void *ud) {
  (void)ud;
  if (!p) return;
  S.live--;
  free((size_t *)p - 2);
}
static void *t_realloc(void *p, size_t n, void *ud) {
  if (!p) return t_malloc(n, ud);
  if (S.fail_at && ++S.count == S.fail_at) return NULL;
  size_t *q = realloc((size_t *)p - 2, n + sizeof(size_t) * 2);
  return q ? q + 2 : NULL;
}

static const char *ALL_NODES =
    "{\"newsdoc\":1,\"meta\":[[\"title\",\"عنوان\"],[\"author\",\"سارة\"],[\"lang\",\"ar\"],[\"dir\",\"rtl\"]],"
    "\"media\":[],\"body\":[{\"type\":\"paragraph\",\"children\":[{\"type\":\"text\",\"text\":\"نص \"},"
    "{\"type\":\"emph\",\"children\":[{\"type\":\"text\",\"text\":\"مائل\"}]},{\"type\":\"strong\",\"children\":"
    "[{\"type\":\"text\",\"text\":\"عريض\"}]},{\"type\":\"soft_break\"},{\"type\":\"link\",\"url\":\"https://e.org/a\","
    "\"children\":[{\"type\":\"text\",\"text\":\"رابط\"}]},{\"type\":\"quoted\",\"children\":[{\"type\":\"text\","
    "\"text\":\"قول\"}]},{\"type\":\"code\",\"text\":\"x<y\"},{\"type\":\"line_break\"},{\"type\":\"image\","
    "\"url\":\"https://e.org/i.png\",\"title\":\"صورة\"},{\"type\":\"note\",\"children\":[{\"type\":\"paragraph\","
    "\"children\":[{\"type\":\"text\",\"text\":\"حاشية\"}]}]},{\"type\":\"span\",\"children\":[{\"type\":\"text\","
    "\"text\":\"USA\"}]}]},{\"type\":\"section\",\"level\":1,\"children\":[{\"type\":\"heading\",\"children\":"
    "[{\"type\":\"text\",\"text\":\"خلفية\"}]},{\"type\":\"blockquote\",\"children\":[{\"type\":\"paragraph\","
    "\"children\":[{\"type\":\"text\",\"text\":\"اقتباس\"}]}]},{\"type\":\"list\",\"list_type\":\"ordered\","
    "\"start\":3,\"children\":[{\"type\":\"item\",\"children\":[{\"type\":\"paragraph\",\"children\":[{\"type\":"
    "\"text\",\"text\":\"أول\"}]},{\"type\":\"list\",\"children\":[{\"type\":\"item\",\"children\":[{\"type\":"
    "\"paragraph\",\"children\":[{\"type\":\"text\",\"text\":\"بند\"}]}]}]}]}]},{\"type\":\"table\",\"children\":"
    "[{\"type\":\"table_row\",\"children\":[{\"type\":\"table_cell\",\"children\":[{\"type\":\"text\",\"text\":"
    "\"أ\"}]},{\"type\":\"table_cell\",\"children\":[{\"type\":\"text\",\"text\":\"ب\"}]}]}]},{\"type\":\"figure\","
    "\"url\":\"https://e.org/i.png\",\"title\":\"صورة\",\"children\":[{\"type\":\"caption\",\"children\":[{\"type\":"
    "\"text\",\"text\":\"تعليق\"}]}]},{\"type\":\"code_block\",\"text\":\"int x;\\n\"},{\"type\":\"thematic_break\"},"
    "{\"type\":\"raw_block\",\"info\":\"html\",\"text\":\"<b>x</b>\"}]}]}";

typedef int (*op_fn)(const void *in, size_t len, char **out, size_t *olen);

static const char *g_wrap;
static int op_convert(const void *in, size_t len, char **out, size_t *olen) {
  newsdoc_options *o = NULL;
  int rc = newsdoc_options_new(&o);
  if (rc) return rc;
  if (g_wrap && (rc = newsdoc_options_set(o, "wrap", g_wrap))) {
    newsdoc_options_free(o);
    return rc;
  }
  rc = newsdoc_convert(in, len, "text", "text", o, out, olen);
  newsdoc_options_free(o);
  return rc;
}
static int op_json_to_text(const void *in, size_t len, char **out, size_t *olen) {
  return newsdoc_convert(in, len, "json", "text", NULL, out, olen);
}

static void walk(const char *name, op_fn op, const char *in, size_t len) {
  S.fail_at = 0;
  S.count = 0;
  char *ref = NULL;
  size_t rlen = 0;
  cr_assert_eq(op(in, len, &ref, &rlen), 0, "%s: %s", name, newsdoc_error_last()->message);
  unsigned long total = S.count, enomem = 0;
  long base = S.live; /* the reference output and whatever the library keeps */
  for (unsigned long n = 1; n <= total; n++) {
    S.count = 0;
    S.fail_at = n;
    char *out = NULL;
    size_t olen = 0;
    int rc = op(in, len, &out, &olen);
    S.fail_at = 0;
    if (rc) {
      cr_assert_eq(rc, NEWSDOC_ENOMEM, "%s: allocation %lu: %d (%s)", name, n, rc, newsdoc_error_last()->message);
      enomem++;
    } else {
      cr_assert(olen == rlen && !memcmp(out, ref, rlen), "%s: allocation %lu failed but the output differs", name, n);
      newsdoc_free(out);
    }
    cr_assert_eq(S.live, base, "%s: allocation %lu: %ld blocks leaked", name, n, S.live - base);
  }
  cr_assert_gt(enomem, 0);
  newsdoc_free(ref);
}

Test(text_oom, reader_and_writer) {
  newsdoc_allocator al = {NEWSDOC_ALLOCATOR_VERSION, t_malloc, t_realloc, t_free, NULL};
  cr_assert_eq(newsdoc_set_allocator(&al), 0);
  /* a first conversion, so that anything the library sets up once is
   * made before the walk measures */
  char *warm = NULL;
  size_t wl;
  cr_assert_eq(newsdoc_convert("a", 1, "text", "text", NULL, &warm, &wl), 0);
  newsdoc_free(warm);
  g_wrap = NULL;
  walk("ar", op_convert, FX_AR, sizeof FX_AR - 1);
  walk("he", op_convert, FX_HE, sizeof FX_HE - 1);
  walk("en", op_convert, FX_EN, sizeof FX_EN - 1);
  g_wrap = "30";
  walk("fa wrapped", op_convert, FX_FA, sizeof FX_FA - 1);
  walk("every node type", op_json_to_text, ALL_NODES, strlen(ALL_NODES));
  newsdoc_set_allocator(NULL);
}
