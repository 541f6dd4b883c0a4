/* outline.c - print an article's outline: metadata, then one line per
 * section heading (indented by level) and a P for each paragraph.
 *
 *   cc outline.c $(pkg-config --cflags --libs newsdoc) -o outline
 *   ./outline article.docx
 */
#include <stdio.h>

#include <newsdoc/newsdoc.h>

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s FILE\n", argv[0]);
    return 2;
  }
  newsdoc_doc *doc = NULL;
  if (newsdoc_read_file(&doc, argv[1], NULL, NULL) != 0) {
    fprintf(stderr, "%s: %s\n", argv[1], newsdoc_error_last()->message);
    return 1;
  }
  const char *title = newsdoc_meta_get(doc, NEWSDOC_META_TITLE);
  const char *lang = newsdoc_meta_get(doc, NEWSDOC_META_LANG);
  const char *dir = newsdoc_meta_get(doc, NEWSDOC_META_DIR);
  printf("title: %s\nlang: %s\ndir: %s\n", title ? title : "", lang ? lang : "", dir ? dir : "");
  for (size_t i = 0; i < newsdoc_meta_count(doc, NEWSDOC_META_AUTHOR); i++)
    printf("author: %s\n", newsdoc_meta_get_nth(doc, NEWSDOC_META_AUTHOR, i));

  newsdoc_iter *it = NULL;
  if (newsdoc_iter_new(&it, newsdoc_doc_root(doc)) != 0) {
    newsdoc_doc_free(doc);
    return 1;
  }
  newsdoc_event ev;
  while ((ev = newsdoc_iter_next(it)) != NEWSDOC_EVENT_DONE) {
    newsdoc_node *n = newsdoc_iter_node(it);
    if (ev != NEWSDOC_EVENT_ENTER) continue;
    newsdoc_node_type t = newsdoc_node_get_type(n);
    if (t == NEWSDOC_NODE_HEADING) {
      char *text = NULL;
      if (newsdoc_node_text(n, &text, NULL) == 0) {
        int level = newsdoc_node_get_level(newsdoc_node_parent(n));
        printf("%*sH%d %s\n", 2 * (level - 1), "", level, text);
        newsdoc_free(text);
      }
    } else if (t == NEWSDOC_NODE_PARAGRAPH && newsdoc_node_get_type(newsdoc_node_parent(n)) != NEWSDOC_NODE_ITEM) {
      printf("P\n");
    }
  }
  newsdoc_iter_free(it);
  newsdoc_doc_free(doc);
  return 0;
}
