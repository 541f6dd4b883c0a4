/* build.c - build an Arabic article in code and write it in every format
 * the library can write, to OUTDIR/article.EXT.
 *
 *   ./build OUTDIR
 */
#include <stdio.h>
#include <string.h>

#include <newsdoc/newsdoc.h>

/* Appends a node of `type` to `parent`, with a text child when `text`. */
static newsdoc_node *add(newsdoc_node *parent, newsdoc_node_type type, const char *text) {
  newsdoc_node *n = NULL, *t = NULL;
  if (newsdoc_node_new(&n, type) != 0) return NULL;
  if (newsdoc_node_append_child(parent, n) != 0) {
    newsdoc_node_free(n);
    return NULL;
  }
  if (text && (newsdoc_node_new(&t, NEWSDOC_NODE_TEXT) != 0 || newsdoc_node_set_literal(t, text, strlen(text)) != 0 ||
               newsdoc_node_append_child(n, t) != 0)) {
    newsdoc_node_free(t);
    return NULL;
  }
  return n;
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s OUTDIR\n", argv[0]);
    return 2;
  }
  newsdoc_doc *doc = NULL;
  if (newsdoc_doc_new(&doc) != 0) return 1;
  const char *title = "مرحبا بالعالم";
  newsdoc_meta_set(doc, NEWSDOC_META_TITLE, title, strlen(title));
  newsdoc_meta_add(doc, NEWSDOC_META_AUTHOR, "سارة أحمد", strlen("سارة أحمد"));
  newsdoc_meta_set(doc, NEWSDOC_META_LANG, "ar", 2);
  newsdoc_meta_set(doc, NEWSDOC_META_DATE, "2025-01-15", 10);
  newsdoc_doc_set_dir(doc, NEWSDOC_DIR_RTL);

  newsdoc_node *root = newsdoc_doc_root(doc);
  add(root, NEWSDOC_NODE_PARAGRAPH, "هذه مقالة قصيرة كتبت بلغة C.");
  newsdoc_node *sec = add(root, NEWSDOC_NODE_SECTION, NULL);
  add(sec, NEWSDOC_NODE_HEADING, "قسم أول");
  newsdoc_node *p = add(sec, NEWSDOC_NODE_PARAGRAPH, "نص عربي ثم ");
  newsdoc_node *en = add(p, NEWSDOC_NODE_SPAN, "English words");
  newsdoc_node_set_lang(en, "en");
  newsdoc_node_set_dir(en, NEWSDOC_DIR_LTR);

  int failures = 0;
  for (size_t i = 0; i < newsdoc_format_count(); i++) {
    newsdoc_format f;
    if (newsdoc_format_at(i, &f) != 0 || !f.write) continue;
    char path[4096], ext[32];
    size_t n = strcspn(f.extensions, ",");
    snprintf(ext, sizeof ext, "%.*s", (int)n, f.extensions);
    snprintf(path, sizeof path, "%s/article.%s", argv[1], ext);
    if (newsdoc_write_file(doc, f.name, path, NULL) != 0) {
      fprintf(stderr, "%s: %s\n", f.name, newsdoc_error_last()->message);
      failures++;
    } else {
      printf("wrote %s\n", path);
    }
  }
  newsdoc_doc_free(doc);
  return failures ? 1 : 0;
}
