/* node.c - nodes of the document tree: creation, links, attributes.
 * Every walk is iterative: no input can exhaust the C stack. */
#include "../internal.h"

static const struct { newsdoc_node_type type; const char *name; } TYPE_NAMES[] = {
  {NEWSDOC_NODE_BODY, "body"}, {NEWSDOC_NODE_SECTION, "section"}, {NEWSDOC_NODE_HEADING, "heading"},
  {NEWSDOC_NODE_PARAGRAPH, "paragraph"}, {NEWSDOC_NODE_BLOCKQUOTE, "blockquote"}, {NEWSDOC_NODE_LIST, "list"},
  {NEWSDOC_NODE_ITEM, "item"}, {NEWSDOC_NODE_TABLE, "table"}, {NEWSDOC_NODE_TABLE_ROW, "table_row"},
  {NEWSDOC_NODE_TABLE_CELL, "table_cell"}, {NEWSDOC_NODE_FIGURE, "figure"}, {NEWSDOC_NODE_CAPTION, "caption"},
  {NEWSDOC_NODE_CODE_BLOCK, "code_block"}, {NEWSDOC_NODE_THEMATIC_BREAK, "thematic_break"},
  {NEWSDOC_NODE_RAW_BLOCK, "raw_block"}, {NEWSDOC_NODE_TEXT, "text"}, {NEWSDOC_NODE_EMPH, "emph"},
  {NEWSDOC_NODE_STRONG, "strong"}, {NEWSDOC_NODE_LINK, "link"}, {NEWSDOC_NODE_QUOTED, "quoted"},
  {NEWSDOC_NODE_CODE, "code"}, {NEWSDOC_NODE_LINE_BREAK, "line_break"}, {NEWSDOC_NODE_SOFT_BREAK, "soft_break"},
  {NEWSDOC_NODE_IMAGE, "image"}, {NEWSDOC_NODE_NOTE, "note"}, {NEWSDOC_NODE_SPAN, "span"},
  {NEWSDOC_NODE_RAW_INLINE, "raw_inline"},
};

const char *newsdoc_node_type_name(newsdoc_node_type type) {
  for (size_t i = 0; i < sizeof TYPE_NAMES / sizeof *TYPE_NAMES; i++)
    if (TYPE_NAMES[i].type == type) return TYPE_NAMES[i].name;
  return "none";
}

newsdoc_node_type newsdoc_node_type_from_name(const char *name) {
  if (!name) return NEWSDOC_NODE_NONE;
  for (size_t i = 0; i < sizeof TYPE_NAMES / sizeof *TYPE_NAMES; i++)
    if (!strcmp(TYPE_NAMES[i].name, name)) return TYPE_NAMES[i].type;
  return NEWSDOC_NODE_NONE;
}

int newsdoc_node_is_block(newsdoc_node_type t) {
  return t >= NEWSDOC_NODE_SECTION && t <= NEWSDOC_NODE_RAW_BLOCK;
}

int newsdoc_node_is_inline(newsdoc_node_type t) {
  return t >= NEWSDOC_NODE_TEXT && t <= NEWSDOC_NODE_RAW_INLINE;
}

static int valid_type(int t) { return t == NEWSDOC_NODE_BODY || newsdoc_node_is_block(t) || newsdoc_node_is_inline(t); }

/* Blocks that may stand in a flow of blocks (not row/cell/item/caption/heading). */
static int is_flow_block(newsdoc_node_type t) {
  switch (t) {
  case NEWSDOC_NODE_PARAGRAPH: case NEWSDOC_NODE_BLOCKQUOTE: case NEWSDOC_NODE_LIST:
  case NEWSDOC_NODE_TABLE: case NEWSDOC_NODE_FIGURE: case NEWSDOC_NODE_CODE_BLOCK:
  case NEWSDOC_NODE_THEMATIC_BREAK: case NEWSDOC_NODE_RAW_BLOCK:
    return 1;
  default:
    return 0;
  }
}

int newsdoc_node_can_contain(newsdoc_node_type parent, newsdoc_node_type child) {
  switch (parent) {
  case NEWSDOC_NODE_BODY:
    return is_flow_block(child) || child == NEWSDOC_NODE_SECTION;
  case NEWSDOC_NODE_SECTION:
    return is_flow_block(child) || child == NEWSDOC_NODE_SECTION || child == NEWSDOC_NODE_HEADING;
  case NEWSDOC_NODE_BLOCKQUOTE: case NEWSDOC_NODE_ITEM: case NEWSDOC_NODE_NOTE:
    return is_flow_block(child);
  case NEWSDOC_NODE_HEADING: case NEWSDOC_NODE_PARAGRAPH: case NEWSDOC_NODE_TABLE_CELL:
  case NEWSDOC_NODE_CAPTION: case NEWSDOC_NODE_EMPH: case NEWSDOC_NODE_STRONG:
  case NEWSDOC_NODE_LINK: case NEWSDOC_NODE_QUOTED: case NEWSDOC_NODE_SPAN:
    return newsdoc_node_is_inline(child);
  case NEWSDOC_NODE_LIST: return child == NEWSDOC_NODE_ITEM;
  case NEWSDOC_NODE_TABLE: return child == NEWSDOC_NODE_TABLE_ROW;
  case NEWSDOC_NODE_TABLE_ROW: return child == NEWSDOC_NODE_TABLE_CELL;
  case NEWSDOC_NODE_FIGURE: return child == NEWSDOC_NODE_CAPTION;
  default:
    return 0;
  }
}

static int is_container(newsdoc_node_type t) {
  switch (t) {
  case NEWSDOC_NODE_CODE_BLOCK: case NEWSDOC_NODE_THEMATIC_BREAK: case NEWSDOC_NODE_RAW_BLOCK:
  case NEWSDOC_NODE_TEXT: case NEWSDOC_NODE_CODE: case NEWSDOC_NODE_LINE_BREAK:
  case NEWSDOC_NODE_SOFT_BREAK: case NEWSDOC_NODE_IMAGE: case NEWSDOC_NODE_RAW_INLINE:
    return 0;
  default:
    return 1;
  }
}

/* A node with `extra` bytes of its own for an inline literal: n->literal
 * points there (the caller fills it and sets literal_len). */
static newsdoc_node *node_alloc_extra(newsdoc_node_type type, size_t extra) {
  nd_slab *slab;
  char *lit;
  newsdoc_node *n = nd_slab_alloc(sizeof *n, extra, &lit, &slab);
  if (!n) return NULL;
  memset(n, 0, sizeof *n);
  n->slab = slab;
  if (extra) n->literal = lit;
  n->type = (uint8_t)type;
  n->colspan = n->rowspan = 1;
  n->start = 1;
  n->level = type == NEWSDOC_NODE_SECTION ? 1 : 0;
  n->flags = extra ? ND_NODE_TIGHT | ND_NODE_LIT_INLINE : ND_NODE_TIGHT;
  return n;
}

newsdoc_node *nd_node_alloc(newsdoc_node_type type) { return node_alloc_extra(type, 0); }

static int literal_inline(const newsdoc_node *n) { return n->flags & ND_NODE_LIT_INLINE; }

int newsdoc_node_new(newsdoc_node **out, newsdoc_node_type type) {
  if (!out) return newsdoc_error_set(NEWSDOC_EUSAGE, "newsdoc_node_new: out is NULL");
  *out = NULL;
  if (!valid_type(type) || type == NEWSDOC_NODE_BODY)
    return newsdoc_error_set(NEWSDOC_EUSAGE, "newsdoc_node_new: invalid node type %d", (int)type);
  *out = nd_node_alloc(type);
  return *out ? 0 : nd_oom("newsdoc_node_new");
}

/* Frees what the node points to, and the node itself unless it is in a
 * chunk: the caller then releases it there (nd_slab_put). */
static void free_owned(newsdoc_node *n) {
  /* NULL tested here: most nodes own nothing, and nd_free is a call */
  if (n->literal && !literal_inline(n)) nd_free(n->literal);
  if (n->lang) nd_free(n->lang);
  if (n->ext) {
    nd_free(n->ext->url);
    nd_free(n->ext->title);
    nd_free(n->ext->info);
    nd_free(n->ext->id);
    nd_free(n->ext->aligns);
    nd_free(n->ext);
  }
  if (!n->slab) nd_free(n);
}

static void free_fields(newsdoc_node *n) {
  nd_slab *slab = n->slab;
  free_owned(n);
  if (slab) nd_slab_put(slab, 1);
}

nd_node_ext *nd_node_ext_get(newsdoc_node *n) {
  if (!n->ext && !(n->ext = nd_calloc(1, sizeof *n->ext))) nd_oom("node attribute");
  return n->ext;
}

void newsdoc_node_unlink(newsdoc_node *n) {
  if (!n) return;
  if (n->prev) n->prev->next = n->next;
  if (n->next) n->next->prev = n->prev;
  if (n->parent) {
    if (n->parent->first == n) n->parent->first = n->next;
    if (n->parent->last == n) n->parent->last = n->prev;
  }
  n->parent = n->prev = n->next = NULL;
}

/* Frees a detached subtree without recursion: children are spliced onto a
 * work list through their `next` links.  Consecutive nodes of one chunk are
 * released together: one atomic operation per run, after the run's last
 * node was read (the nodes still on the list keep their chunk alive). */
void nd_node_free_tree(newsdoc_node *root) {
  newsdoc_node *todo = root;
  nd_slab *run = NULL;
  size_t nrun = 0;
  if (root) root->next = NULL;
  while (todo) {
    newsdoc_node *n = todo;
    /* the nodes of a tree were carved one after another: the walk is a
     * pointer chase through memory it reads in order */
    __builtin_prefetch((const char *)n + 2048);
    todo = n->next;
    if (n->first) {
      n->last->next = todo;
      todo = n->first;
    }
    nd_slab *slab = n->slab;
    free_owned(n);
    if (slab != run) {
      if (run) nd_slab_put(run, nrun);
      run = slab;
      nrun = 0;
    }
    nrun++;
  }
  if (run) nd_slab_put(run, nrun);
}

void newsdoc_node_free(newsdoc_node *node) {
  if (!node) return;
  newsdoc_node_unlink(node);
  nd_node_free_tree(node);
}

newsdoc_node_type newsdoc_node_get_type(const newsdoc_node *n) { return n ? (newsdoc_node_type)n->type : NEWSDOC_NODE_NONE; }
newsdoc_node *newsdoc_node_parent(const newsdoc_node *n) { return n ? n->parent : NULL; }
newsdoc_node *newsdoc_node_first_child(const newsdoc_node *n) { return n ? n->first : NULL; }
newsdoc_node *newsdoc_node_last_child(const newsdoc_node *n) { return n ? n->last : NULL; }
newsdoc_node *newsdoc_node_next(const newsdoc_node *n) { return n ? n->next : NULL; }
newsdoc_node *newsdoc_node_previous(const newsdoc_node *n) { return n ? n->prev : NULL; }

size_t newsdoc_node_child_count(const newsdoc_node *n) {
  size_t c = 0;
  for (newsdoc_node *k = n ? n->first : NULL; k; k = k->next) c++;
  return c;
}

static int check_link(const newsdoc_node *parent, const newsdoc_node *child, const char *fn) {
  if (!parent || !child) return newsdoc_error_set(NEWSDOC_EUSAGE, "%s: NULL node", fn);
  if (!newsdoc_node_can_contain(parent->type, child->type))
    return newsdoc_error_set(NEWSDOC_EUSAGE, "%s: a %s cannot hold a %s", fn, newsdoc_node_type_name(parent->type),
                             newsdoc_node_type_name(child->type));
  if (child->type == NEWSDOC_NODE_BODY) return newsdoc_error_set(NEWSDOC_EUSAGE, "%s: the body cannot move", fn);
  /* A node without children can only be an ancestor of itself: keeps
   * building a deep tree linear. */
  if (child == parent || child->first)
    for (const newsdoc_node *a = parent; a; a = a->parent)
      if (a == child) return newsdoc_error_set(NEWSDOC_EUSAGE, "%s: a node cannot hold its own ancestor", fn);
  return 0;
}

/* child (detached) becomes parent's last child. */
static void link_last(newsdoc_node *parent, newsdoc_node *child) {
  child->parent = parent;
  child->prev = parent->last;
  if (parent->last) parent->last->next = child;
  else parent->first = child;
  parent->last = child;
}

int newsdoc_node_append_child(newsdoc_node *parent, newsdoc_node *child) {
  int rc = check_link(parent, child, "newsdoc_node_append_child");
  if (rc) return rc;
  newsdoc_node_unlink(child);
  link_last(parent, child);
  return 0;
}

int newsdoc_node_prepend_child(newsdoc_node *parent, newsdoc_node *child) {
  int rc = check_link(parent, child, "newsdoc_node_prepend_child");
  if (rc) return rc;
  newsdoc_node_unlink(child);
  child->parent = parent;
  child->next = parent->first;
  if (parent->first) parent->first->prev = child;
  else parent->last = child;
  parent->first = child;
  return 0;
}

int newsdoc_node_insert_before(newsdoc_node *sibling, newsdoc_node *node) {
  if (!sibling || !sibling->parent) return newsdoc_error_set(NEWSDOC_EUSAGE, "newsdoc_node_insert_before: sibling has no parent");
  if (sibling == node) return newsdoc_error_set(NEWSDOC_EUSAGE, "newsdoc_node_insert_before: same node");
  int rc = check_link(sibling->parent, node, "newsdoc_node_insert_before");
  if (rc) return rc;
  newsdoc_node_unlink(node);
  node->parent = sibling->parent;
  node->next = sibling;
  node->prev = sibling->prev;
  if (sibling->prev) sibling->prev->next = node;
  else sibling->parent->first = node;
  sibling->prev = node;
  return 0;
}

int newsdoc_node_insert_after(newsdoc_node *sibling, newsdoc_node *node) {
  if (!sibling || !sibling->parent) return newsdoc_error_set(NEWSDOC_EUSAGE, "newsdoc_node_insert_after: sibling has no parent");
  if (sibling == node) return newsdoc_error_set(NEWSDOC_EUSAGE, "newsdoc_node_insert_after: same node");
  int rc = check_link(sibling->parent, node, "newsdoc_node_insert_after");
  if (rc) return rc;
  newsdoc_node_unlink(node);
  node->parent = sibling->parent;
  node->prev = sibling;
  node->next = sibling->next;
  if (sibling->next) sibling->next->prev = node;
  else sibling->parent->last = node;
  sibling->next = node;
  return 0;
}

/* ---- attributes ---------------------------------------------------------- */

int nd_node_set_str(char **slot, const char *s) {
  char *copy = NULL;
  if (s && !(copy = nd_strdup(s))) return nd_oom("node attribute");
  nd_free(*slot);
  *slot = copy;
  return 0;
}

/* Clearing an attribute never allocates the ext. */
#define EXT_STR(NAME)                                                        \
  int nd_node_set_##NAME(newsdoc_node *n, const char *s) {                   \
    if (!s && !n->ext) return 0;                                             \
    nd_node_ext *e = nd_node_ext_get(n);                                     \
    return e ? nd_node_set_str(&e->NAME, s) : NEWSDOC_ENOMEM;                \
  }
EXT_STR(url)
EXT_STR(title)
EXT_STR(info)
EXT_STR(id)

#define EXT_TAKE(NAME)                                                       \
  int nd_node_take_##NAME(newsdoc_node *n, char *s) {                        \
    if (!s && !n->ext) return 0;                                             \
    nd_node_ext *e = nd_node_ext_get(n);                                     \
    if (!e) { nd_free(s); return NEWSDOC_ENOMEM; }                           \
    nd_free(e->NAME);                                                        \
    e->NAME = s;                                                             \
    return 0;                                                                \
  }
EXT_TAKE(url)
EXT_TAKE(info)
EXT_TAKE(id)

static int has_literal(int t) {
  return t == NEWSDOC_NODE_TEXT || t == NEWSDOC_NODE_CODE || t == NEWSDOC_NODE_CODE_BLOCK ||
         t == NEWSDOC_NODE_RAW_BLOCK || t == NEWSDOC_NODE_RAW_INLINE;
}
static int has_url(int t) { return t == NEWSDOC_NODE_LINK || t == NEWSDOC_NODE_IMAGE || t == NEWSDOC_NODE_FIGURE; }
static int has_info(int t) { return t == NEWSDOC_NODE_CODE_BLOCK || t == NEWSDOC_NODE_RAW_BLOCK || t == NEWSDOC_NODE_RAW_INLINE; }

static int wrong(const newsdoc_node *n, const char *what) {
  return newsdoc_error_set(NEWSDOC_EUSAGE, "%s does not apply to a %s node", what,
                           n ? newsdoc_node_type_name(n->type) : "NULL");
}

const char *newsdoc_node_get_literal(const newsdoc_node *n, size_t *len_out) {
  if (len_out) *len_out = n && n->literal ? n->literal_len : 0;
  return n ? n->literal : NULL;
}

int newsdoc_node_set_literal(newsdoc_node *n, const char *data, size_t len) {
  if (!n || !has_literal(n->type)) return wrong(n, "literal");
  if (!data && len) return newsdoc_error_set(NEWSDOC_EUSAGE, "literal: NULL data with a length");
  char *copy = nd_strndup(data ? data : "", len);
  if (!copy) return nd_oom("newsdoc_node_set_literal");
  if (!literal_inline(n)) nd_free(n->literal);
  n->flags &= (uint8_t)~ND_NODE_LIT_INLINE;
  n->literal = copy;
  n->literal_len = len;
  return 0;
}

#define STR_ATTR(NAME, OK)                                                  \
  const char *newsdoc_node_get_##NAME(const newsdoc_node *n) { return n ? nd_##NAME(n) : NULL; } \
  int newsdoc_node_set_##NAME(newsdoc_node *n, const char *v) {              \
    if (!n || !(OK)) return wrong(n, #NAME);                                  \
    return nd_node_set_##NAME(n, v);                                         \
  }
STR_ATTR(url, has_url(n->type))
STR_ATTR(title, has_url(n->type))
STR_ATTR(info, has_info(n->type))
STR_ATTR(id, n->type != NEWSDOC_NODE_BODY)

const char *newsdoc_node_get_lang(const newsdoc_node *n) { return n ? n->lang : NULL; }
int newsdoc_node_set_lang(newsdoc_node *n, const char *v) {
  if (!n) return wrong(n, "lang");
  return nd_node_set_str(&n->lang, v);
}

newsdoc_dir newsdoc_node_get_dir(const newsdoc_node *n) { return n ? (newsdoc_dir)n->dir : NEWSDOC_DIR_UNSET; }
int newsdoc_node_set_dir(newsdoc_node *n, newsdoc_dir dir) {
  if (!n || (int)dir < 0 || dir > NEWSDOC_DIR_AUTO) return newsdoc_error_set(NEWSDOC_EUSAGE, "newsdoc_node_set_dir: bad node or direction");
  n->dir = (uint8_t)dir;
  return 0;
}

static const newsdoc_node *tree_root(const newsdoc_node *n) {
  while (n->parent) n = n->parent;
  return n;
}

const char *newsdoc_node_effective_lang(const newsdoc_node *n, const newsdoc_doc *doc) {
  for (const newsdoc_node *a = n; a; a = a->parent)
    if (a->lang && *a->lang) return a->lang;
  if (doc && n && tree_root(n) == doc->root) return newsdoc_meta_get(doc, NEWSDOC_META_LANG);
  return NULL;
}

newsdoc_dir newsdoc_node_effective_dir(const newsdoc_node *n, const newsdoc_doc *doc) {
  for (const newsdoc_node *a = n; a; a = a->parent)
    if (a->dir != NEWSDOC_DIR_UNSET) return (newsdoc_dir)a->dir;
  if (doc && n && tree_root(n) == doc->root) return newsdoc_doc_dir(doc);
  return NEWSDOC_DIR_UNSET;
}

int newsdoc_node_get_level(const newsdoc_node *n) { return n && n->type == NEWSDOC_NODE_SECTION ? n->level : 0; }
int newsdoc_node_set_level(newsdoc_node *n, int level) {
  if (!n || n->type != NEWSDOC_NODE_SECTION) return wrong(n, "level");
  if (level < 1 || level > 6) return newsdoc_error_set(NEWSDOC_EUSAGE, "section level %d is not 1..6", level);
  n->level = level;
  return 0;
}

newsdoc_node *newsdoc_node_section_heading(const newsdoc_node *s) {
  if (!s || s->type != NEWSDOC_NODE_SECTION) return NULL;
  return s->first && s->first->type == NEWSDOC_NODE_HEADING ? s->first : NULL;
}

newsdoc_list_type newsdoc_node_get_list_type(const newsdoc_node *n) { return n ? (newsdoc_list_type)n->list_type : NEWSDOC_LIST_BULLET; }
int newsdoc_node_set_list_type(newsdoc_node *n, newsdoc_list_type t) {
  if (!n || n->type != NEWSDOC_NODE_LIST || (t != NEWSDOC_LIST_BULLET && t != NEWSDOC_LIST_ORDERED)) return wrong(n, "list type");
  n->list_type = (uint8_t)t;
  return 0;
}
int newsdoc_node_get_list_start(const newsdoc_node *n) { return n && n->type == NEWSDOC_NODE_LIST ? n->start : 0; }
int newsdoc_node_set_list_start(newsdoc_node *n, int start) {
  if (!n || n->type != NEWSDOC_NODE_LIST) return wrong(n, "list start");
  if (start < 0 || start > 999999999) return newsdoc_error_set(NEWSDOC_EUSAGE, "list start %d out of range", start);
  n->start = start;
  return 0;
}
int newsdoc_node_get_list_tight(const newsdoc_node *n) { return n && n->type == NEWSDOC_NODE_LIST && (n->flags & ND_NODE_TIGHT); }
int newsdoc_node_set_list_tight(newsdoc_node *n, int tight) {
  if (!n || n->type != NEWSDOC_NODE_LIST) return wrong(n, "list tight");
  n->flags = (uint8_t)(tight ? (n->flags | ND_NODE_TIGHT) : (n->flags & ~ND_NODE_TIGHT));
  return 0;
}

size_t newsdoc_node_get_column_count(const newsdoc_node *t) { return t && t->type == NEWSDOC_NODE_TABLE ? nd_naligns(t) : 0; }
newsdoc_align newsdoc_node_get_column_align(const newsdoc_node *t, size_t col) {
  if (!t || t->type != NEWSDOC_NODE_TABLE || col >= nd_naligns(t)) return NEWSDOC_ALIGN_DEFAULT;
  return (newsdoc_align)t->ext->aligns[col];
}
int newsdoc_node_set_column_aligns(newsdoc_node *t, const newsdoc_align *aligns, size_t count) {
  if (!t || t->type != NEWSDOC_NODE_TABLE) return wrong(t, "column alignment");
  if (count && !aligns) return newsdoc_error_set(NEWSDOC_EUSAGE, "column alignment: NULL array");
  if (!count && !t->ext) return 0;
  nd_node_ext *e = nd_node_ext_get(t);
  if (!e) return NEWSDOC_ENOMEM;
  uint8_t *a = NULL;
  if (count) {
    if (!(a = nd_malloc(count))) return nd_oom("newsdoc_node_set_column_aligns");
    for (size_t i = 0; i < count; i++) {
      if ((int)aligns[i] < 0 || aligns[i] > NEWSDOC_ALIGN_END) { nd_free(a); return newsdoc_error_set(NEWSDOC_EUSAGE, "column %zu: bad alignment", i); }
      a[i] = (uint8_t)aligns[i];
    }
  }
  nd_free(e->aligns);
  e->aligns = a;
  e->naligns = count;
  return 0;
}

int newsdoc_node_get_header(const newsdoc_node *r) { return r && r->type == NEWSDOC_NODE_TABLE_ROW && (r->flags & ND_NODE_HEADER); }
int newsdoc_node_set_header(newsdoc_node *r, int header) {
  if (!r || r->type != NEWSDOC_NODE_TABLE_ROW) return wrong(r, "header");
  r->flags = (uint8_t)(header ? (r->flags | ND_NODE_HEADER) : (r->flags & ~ND_NODE_HEADER));
  return 0;
}
int newsdoc_node_get_colspan(const newsdoc_node *c) { return c && c->type == NEWSDOC_NODE_TABLE_CELL ? c->colspan : 0; }
int newsdoc_node_get_rowspan(const newsdoc_node *c) { return c && c->type == NEWSDOC_NODE_TABLE_CELL ? c->rowspan : 0; }
int newsdoc_node_set_spans(newsdoc_node *c, int colspan, int rowspan) {
  if (!c || c->type != NEWSDOC_NODE_TABLE_CELL) return wrong(c, "spans");
  if (colspan < 1 || colspan > 1000 || rowspan < 1 || rowspan > 1000)
    return newsdoc_error_set(NEWSDOC_EUSAGE, "spans %d x %d out of range 1..1000", colspan, rowspan);
  c->colspan = (uint16_t)colspan;
  c->rowspan = (uint16_t)rowspan;
  return 0;
}

/* ---- copying -------------------------------------------------------------- */

static newsdoc_node *copy_one(const newsdoc_node *s) {
  /* a copied literal goes inline, as nd_node_add_text would put it */
  size_t extra = s->literal ? s->literal_len + 1 : 0;
  newsdoc_node *n = node_alloc_extra((newsdoc_node_type)s->type, extra);
  if (!n) return NULL;
  n->dir = s->dir; n->list_type = s->list_type; n->level = s->level;
  n->flags = (uint8_t)((s->flags & ~ND_NODE_LIT_INLINE) | (n->flags & ND_NODE_LIT_INLINE));
  n->start = s->start; n->colspan = s->colspan; n->rowspan = s->rowspan;
  if (s->literal) {
    memcpy(n->literal, s->literal, s->literal_len);
    n->literal[s->literal_len] = 0;
    n->literal_len = s->literal_len;
  }
  int bad = 0;
  if (s->lang) bad |= !(n->lang = nd_strdup(s->lang));
  const nd_node_ext *se = s->ext;
  if (se && !bad) {
    nd_node_ext *e = n->ext = nd_calloc(1, sizeof *e);
    if (!e) bad = 1;
    else {
      if (se->url) bad |= !(e->url = nd_strdup(se->url));
      if (se->title) bad |= !(e->title = nd_strdup(se->title));
      if (se->info) bad |= !(e->info = nd_strdup(se->info));
      if (se->id) bad |= !(e->id = nd_strdup(se->id));
      if (se->naligns) {
        if ((e->aligns = nd_malloc(se->naligns))) { memcpy(e->aligns, se->aligns, se->naligns); e->naligns = se->naligns; }
        else bad = 1;
      }
    }
  }
  if (bad) { free_fields(n); return NULL; }
  return n;
}

static void raw_append(newsdoc_node *parent, newsdoc_node *child) {
  child->parent = parent;
  child->prev = parent->last;
  if (parent->last) parent->last->next = child;
  else parent->first = child;
  parent->last = child;
}

int newsdoc_node_clone(newsdoc_node **out, const newsdoc_node *node) {
  if (!out || !node) return newsdoc_error_set(NEWSDOC_EUSAGE, "newsdoc_node_clone: NULL argument");
  *out = NULL;
  newsdoc_node *root = copy_one(node);
  if (!root) return nd_oom("newsdoc_node_clone");
  /* Walk the source in pre-order, keeping the matching copy alongside. */
  const newsdoc_node *s = node->first;
  newsdoc_node *cparent = root;
  while (s) {
    newsdoc_node *c = copy_one(s);
    if (!c) { nd_node_free_tree(root); return nd_oom("newsdoc_node_clone"); }
    raw_append(cparent, c);
    if (s->first) { s = s->first; cparent = c; continue; }
    while (s && !s->next) {
      s = s->parent;
      if (s == node) { s = NULL; break; }
      cparent = cparent->parent;
    }
    if (s) s = s->next;
  }
  *out = root;
  return 0;
}

/* ---- helpers for readers ---------------------------------------------------- */

/* newsdoc_node_append_child() for a node just made (detached, without
 * children: nothing to unlink, no ancestor to look for). */
static int link_new(newsdoc_node *parent, newsdoc_node *child) {
  if (!newsdoc_node_can_contain(parent->type, child->type) || child->type == NEWSDOC_NODE_BODY)
    return check_link(parent, child, "newsdoc_node_append_child");
  link_last(parent, child);
  return 0;
}

newsdoc_node *nd_node_add(newsdoc_node *parent, newsdoc_node_type type) {
  newsdoc_node *n = nd_node_alloc(type);
  if (!n) { nd_oom("building the tree"); return NULL; }
  if (parent) {
    if (link_new(parent, n)) { free_fields(n); return NULL; }
  }
  return n;
}

newsdoc_node *nd_node_add_text(newsdoc_node *parent, const char *s, size_t len) {
  if (!s && len) { newsdoc_error_set(NEWSDOC_EUSAGE, "literal: NULL data with a length"); return NULL; }
  newsdoc_node *n = len < (size_t)-1 / 2 ? node_alloc_extra(NEWSDOC_NODE_TEXT, len + 1) : NULL;
  if (!n) { nd_oom("building the tree"); return NULL; }
  if (len) memcpy(n->literal, s, len);
  n->literal[len] = 0;
  n->literal_len = len;
  if (parent && link_new(parent, n)) {
    free_fields(n);
    return NULL;
  }
  return n;
}

int nd_node_append_literal(newsdoc_node *n, const char *s, size_t len) {
  if (!len) return 0;
  size_t ol = n->literal ? n->literal_len : 0;
  if (ol > (size_t)-1 / 2 || len > (size_t)-1 / 2) return nd_oom("text");
  char *p;
  if (literal_inline(n)) {
    /* the inline space cannot grow: move the literal out */
    if (!(p = nd_malloc(ol + len + 1))) return nd_oom("appending text");
    memcpy(p, n->literal, ol);
  } else if (!(p = nd_realloc(n->literal, ol + len + 1))) {
    return nd_oom("appending text");
  }
  memcpy(p + ol, s, len);
  p[ol + len] = 0;
  n->flags &= (uint8_t)~ND_NODE_LIT_INLINE;
  n->literal = p;
  n->literal_len = ol + len;
  return 0;
}

int nd_node_append_text(newsdoc_node *parent, const char *s, size_t len) {
  newsdoc_node *last = parent->last;
  if (last && last->type == NEWSDOC_NODE_TEXT && !last->lang && !last->dir) return nd_node_append_literal(last, s, len);
  return nd_node_add_text(parent, s, len) ? 0 : newsdoc_error_last()->code;
}

size_t nd_node_depth(const newsdoc_node *n) {
  size_t d = 0;
  while (n && n->parent) { d++; n = n->parent; }
  return d;
}

int nd_node_is_container(newsdoc_node_type t) { return is_container(t); }
