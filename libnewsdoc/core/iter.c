/* iter.c - the ENTER/EXIT iterator (after cmark_iter) and plain text. */
#include "../internal.h"

struct newsdoc_iter {
  newsdoc_node *root;
  newsdoc_node *node;
  newsdoc_event event;
  newsdoc_node *next_node;
  newsdoc_event next_event;
};

int newsdoc_iter_new(newsdoc_iter **out, newsdoc_node *root) {
  if (!out || !root) return newsdoc_error_set(NEWSDOC_EUSAGE, "newsdoc_iter_new: NULL argument");
  newsdoc_iter *it = nd_calloc(1, sizeof *it);
  if (!it) return nd_oom("newsdoc_iter_new");
  it->root = root;
  it->next_node = root;
  it->next_event = NEWSDOC_EVENT_ENTER;
  *out = it;
  return 0;
}

void newsdoc_iter_free(newsdoc_iter *it) { nd_free(it); }

newsdoc_event newsdoc_iter_next(newsdoc_iter *it) {
  if (!it) return NEWSDOC_EVENT_DONE;
  newsdoc_event ev = it->next_event;
  newsdoc_node *n = it->next_node;
  it->event = ev;
  it->node = n;
  if (ev == NEWSDOC_EVENT_DONE || !n) {
    it->event = NEWSDOC_EVENT_DONE;
    return NEWSDOC_EVENT_DONE;
  }
  if (ev == NEWSDOC_EVENT_ENTER && nd_node_is_container(n->type)) {
    if (n->first) {
      it->next_node = n->first;
      it->next_event = NEWSDOC_EVENT_ENTER;
    } else {
      it->next_event = NEWSDOC_EVENT_EXIT;
    }
  } else if (n == it->root) {
    it->next_node = NULL;
    it->next_event = NEWSDOC_EVENT_DONE;
  } else if (n->next) {
    it->next_node = n->next;
    it->next_event = NEWSDOC_EVENT_ENTER;
  } else if (n->parent) {
    it->next_node = n->parent;
    it->next_event = NEWSDOC_EVENT_EXIT;
  } else {
    it->next_node = NULL;
    it->next_event = NEWSDOC_EVENT_DONE;
  }
  return ev;
}

newsdoc_node *newsdoc_iter_node(const newsdoc_iter *it) { return it ? it->node : NULL; }
newsdoc_event newsdoc_iter_event(const newsdoc_iter *it) { return it ? it->event : NEWSDOC_EVENT_NONE; }

size_t newsdoc_iter_depth(const newsdoc_iter *it) {
  size_t d = 0;
  if (!it) return 0;
  for (const newsdoc_node *n = it->node; n && n != it->root; n = n->parent) d++;
  return d;
}

void newsdoc_iter_reset(newsdoc_iter *it, newsdoc_node *node, newsdoc_event event) {
  if (!it || !node) return;
  it->next_node = node;
  it->next_event = event;
  newsdoc_iter_next(it);
}

/* ---- plain text ------------------------------------------------------------ */

int newsdoc_node_text(const newsdoc_node *node, char **out, size_t *len_out) {
  if (!node || !out) return newsdoc_error_set(NEWSDOC_EUSAGE, "newsdoc_node_text: NULL argument");
  *out = NULL;
  nd_buf b = ND_BUF_INIT;
  newsdoc_iter it = {(newsdoc_node *)node, NULL, NEWSDOC_EVENT_NONE, (newsdoc_node *)node, NEWSDOC_EVENT_ENTER};
  newsdoc_event ev;
  int need_sep = 0;
  while ((ev = newsdoc_iter_next(&it)) != NEWSDOC_EVENT_DONE) {
    newsdoc_node *n = it.node;
    if (ev == NEWSDOC_EVENT_ENTER && n->type == NEWSDOC_NODE_NOTE && n != node) {
      /* skip the note's content */
      newsdoc_iter_reset(&it, n, NEWSDOC_EVENT_EXIT);
      continue;
    }
    int block = newsdoc_node_is_block(n->type);
    if (ev == NEWSDOC_EVENT_ENTER) {
      if (block && need_sep && b.len) { nd_buf_putc(&b, '\n'); need_sep = 0; }
      switch (n->type) {
      case NEWSDOC_NODE_TEXT: case NEWSDOC_NODE_CODE: case NEWSDOC_NODE_CODE_BLOCK:
      case NEWSDOC_NODE_RAW_BLOCK: case NEWSDOC_NODE_RAW_INLINE:
        if (need_sep && b.len) { nd_buf_putc(&b, '\n'); need_sep = 0; }
        nd_buf_put(&b, n->literal, n->literal ? n->literal_len : 0);
        break;
      case NEWSDOC_NODE_SOFT_BREAK: nd_buf_putc(&b, ' '); break;
      case NEWSDOC_NODE_LINE_BREAK: nd_buf_putc(&b, '\n'); break;
      default: break;
      }
      if (block && !nd_node_is_container(n->type)) need_sep = 1;
    } else if (block) {
      need_sep = 1;
    }
  }
  char *s = nd_buf_detach(&b, len_out);
  if (!s) return nd_oom("newsdoc_node_text");
  *out = s;
  return 0;
}
