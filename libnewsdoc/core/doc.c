/* doc.c - documents: the root, metadata and media. */
#include "../internal.h"

int newsdoc_doc_new(newsdoc_doc **out) {
  if (!out) return newsdoc_error_set(NEWSDOC_EUSAGE, "newsdoc_doc_new: out is NULL");
  *out = NULL;
  newsdoc_doc *d = nd_calloc(1, sizeof *d);
  if (!d) return nd_oom("newsdoc_doc_new");
  if (!(d->root = nd_node_alloc(NEWSDOC_NODE_BODY))) {
    nd_free(d);
    return nd_oom("newsdoc_doc_new");
  }
  *out = d;
  return 0;
}

void newsdoc_doc_free(newsdoc_doc *d) {
  if (!d) return;
  nd_node_free_tree(d->root);
  for (size_t i = 0; i < d->nmeta; i++) {
    nd_free(d->meta[i].key);
    nd_free(d->meta[i].value);
  }
  nd_free(d->meta);
  for (size_t i = 0; i < d->nmedia; i++) {
    nd_free(d->media[i].name);
    nd_free(d->media[i].mime);
    nd_free(d->media[i].data);
  }
  nd_free(d->media);
  nd_free(d);
}

newsdoc_node *newsdoc_doc_root(newsdoc_doc *d) { return d ? d->root : NULL; }
const newsdoc_node *newsdoc_doc_root_const(const newsdoc_doc *d) { return d ? d->root : NULL; }

int newsdoc_doc_clone(newsdoc_doc **out, const newsdoc_doc *src) {
  if (!out || !src) return newsdoc_error_set(NEWSDOC_EUSAGE, "newsdoc_doc_clone: NULL argument");
  *out = NULL;
  newsdoc_doc *d = nd_calloc(1, sizeof *d);
  if (!d) return nd_oom("newsdoc_doc_clone");
  int rc = newsdoc_node_clone(&d->root, src->root);
  for (size_t i = 0; !rc && i < src->nmeta; i++)
    rc = newsdoc_meta_add(d, src->meta[i].key, src->meta[i].value, strlen(src->meta[i].value));
  for (size_t i = 0; !rc && i < src->nmedia; i++)
    rc = newsdoc_media_add(d, src->media[i].name, src->media[i].mime, src->media[i].data, src->media[i].len);
  if (rc) {
    newsdoc_doc_free(d);
    return rc;
  }
  *out = d;
  return 0;
}

/* ---- metadata --------------------------------------------------------------- */

const char *newsdoc_meta_get(const newsdoc_doc *d, const char *key) { return newsdoc_meta_get_nth(d, key, 0); }

size_t newsdoc_meta_count(const newsdoc_doc *d, const char *key) {
  size_t c = 0;
  if (!d || !key) return 0;
  for (size_t i = 0; i < d->nmeta; i++) c += !strcmp(d->meta[i].key, key);
  return c;
}

const char *newsdoc_meta_get_nth(const newsdoc_doc *d, const char *key, size_t index) {
  if (!d || !key) return NULL;
  for (size_t i = 0; i < d->nmeta; i++)
    if (!strcmp(d->meta[i].key, key) && index-- == 0) return d->meta[i].value;
  return NULL;
}

static int check_kv(const char *key, const char *value, size_t len, const char *fn) {
  if (!key || !*key || !value) return newsdoc_error_set(NEWSDOC_EUSAGE, "%s: NULL or empty key or value", fn);
  if (memchr(value, 0, len)) return newsdoc_error_set(NEWSDOC_EUSAGE, "%s: a NUL inside the value of %s", fn, key);
  if (!nd_utf8_valid(value, len) || !nd_utf8_valid(key, strlen(key)))
    return newsdoc_error_set(NEWSDOC_EUSAGE, "%s: the value of %s is not valid UTF-8", fn, key);
  return 0;
}

int newsdoc_meta_add(newsdoc_doc *d, const char *key, const char *value, size_t len) {
  if (!d) return newsdoc_error_set(NEWSDOC_EUSAGE, "newsdoc_meta_add: NULL document");
  int rc = check_kv(key, value, len, "newsdoc_meta_add");
  if (rc) return rc;
  rc = nd_grow(&d->meta, &d->capmeta, d->nmeta, sizeof *d->meta, 8, "newsdoc_meta_add");
  if (rc) return rc;
  char *k = nd_strdup(key), *v = nd_strndup(value, len);
  if (!k || !v) {
    nd_free(k);
    nd_free(v);
    return nd_oom("newsdoc_meta_add");
  }
  d->meta[d->nmeta].key = k;
  d->meta[d->nmeta].value = v;
  d->nmeta++;
  return 0;
}

int newsdoc_meta_remove(newsdoc_doc *d, const char *key) {
  if (!d || !key) return newsdoc_error_set(NEWSDOC_EUSAGE, "newsdoc_meta_remove: NULL argument");
  size_t w = 0, removed = 0;
  for (size_t i = 0; i < d->nmeta; i++) {
    if (!strcmp(d->meta[i].key, key)) {
      nd_free(d->meta[i].key);
      nd_free(d->meta[i].value);
      removed++;
    } else {
      d->meta[w++] = d->meta[i];
    }
  }
  d->nmeta = w;
  return removed ? 0 : newsdoc_error_set(NEWSDOC_ENOTFOUND, "metadata key %s not found", key);
}

int newsdoc_meta_set(newsdoc_doc *d, const char *key, const char *value, size_t len) {
  if (!d) return newsdoc_error_set(NEWSDOC_EUSAGE, "newsdoc_meta_set: NULL document");
  int rc = check_kv(key, value, len, "newsdoc_meta_set");
  if (rc) return rc;
  /* Replace the first value in place (keeps the key's position), drop the rest. */
  for (size_t i = 0; i < d->nmeta; i++) {
    if (strcmp(d->meta[i].key, key)) continue;
    char *v = nd_strndup(value, len);
    if (!v) return nd_oom("newsdoc_meta_set");
    nd_free(d->meta[i].value);
    d->meta[i].value = v;
    size_t w = i + 1;
    for (size_t j = i + 1; j < d->nmeta; j++) {
      if (!strcmp(d->meta[j].key, key)) {
        nd_free(d->meta[j].key);
        nd_free(d->meta[j].value);
      } else {
        d->meta[w++] = d->meta[j];
      }
    }
    d->nmeta = w;
    return 0;
  }
  return newsdoc_meta_add(d, key, value, len);
}

size_t newsdoc_meta_entry_count(const newsdoc_doc *d) { return d ? d->nmeta : 0; }

int newsdoc_meta_entry(const newsdoc_doc *d, size_t index, const char **key_out, const char **value_out) {
  if (!d || index >= d->nmeta) return newsdoc_error_set(NEWSDOC_ENOTFOUND, "metadata entry %zu not found", index);
  if (key_out) *key_out = d->meta[index].key;
  if (value_out) *value_out = d->meta[index].value;
  return 0;
}

newsdoc_dir newsdoc_doc_dir(const newsdoc_doc *d) {
  const char *v = newsdoc_meta_get(d, NEWSDOC_META_DIR);
  if (!v) return NEWSDOC_DIR_UNSET;
  if (!strcmp(v, "ltr")) return NEWSDOC_DIR_LTR;
  if (!strcmp(v, "rtl")) return NEWSDOC_DIR_RTL;
  if (!strcmp(v, "auto")) return NEWSDOC_DIR_AUTO;
  return NEWSDOC_DIR_UNSET;
}

int newsdoc_doc_set_dir(newsdoc_doc *d, newsdoc_dir dir) {
  static const char *const names[] = {NULL, "ltr", "rtl", "auto"};
  if (!d || (int)dir < 0 || dir > NEWSDOC_DIR_AUTO) return newsdoc_error_set(NEWSDOC_EUSAGE, "newsdoc_doc_set_dir: bad argument");
  if (dir == NEWSDOC_DIR_UNSET) {
    if (newsdoc_meta_count(d, NEWSDOC_META_DIR)) newsdoc_meta_remove(d, NEWSDOC_META_DIR);
    return 0;
  }
  return newsdoc_meta_set(d, NEWSDOC_META_DIR, names[dir], strlen(names[dir]));
}

/* ---- media ----------------------------------------------------------------- */

static int media_name_ok(const char *n) {
  if (!n || !*n || strlen(n) > 255) return 0;
  if (!strcmp(n, ".") || !strcmp(n, "..")) return 0;
  for (const unsigned char *p = (const unsigned char *)n; *p; p++)
    if (*p < 0x20 || *p == 0x7F || *p == '/' || *p == '\\' || *p == ':') return 0;
  return nd_utf8_valid(n, strlen(n));
}

static const char *strip_prefix(const char *name) {
  return name && !strncmp(name, "media:", 6) ? name + 6 : name;
}

int newsdoc_media_find(const newsdoc_doc *d, const char *name, size_t *index_out) {
  name = strip_prefix(name);
  if (d && name)
    for (size_t i = 0; i < d->nmedia; i++)
      if (!strcmp(d->media[i].name, name)) {
        if (index_out) *index_out = i;
        return 0;
      }
  return newsdoc_error_set(NEWSDOC_ENOTFOUND, "media %s not found", name ? name : "(null)");
}

int newsdoc_media_add(newsdoc_doc *d, const char *name, const char *mime, const void *data, size_t len) {
  if (!d || (!data && len)) return newsdoc_error_set(NEWSDOC_EUSAGE, "newsdoc_media_add: NULL argument");
  if (!media_name_ok(name)) return newsdoc_error_set(NEWSDOC_EUSAGE, "newsdoc_media_add: bad media name");
  if (!mime || !*mime) mime = "application/octet-stream";
  for (size_t i = 0; i < d->nmedia; i++)
    if (!strcmp(d->media[i].name, name)) return newsdoc_error_set(NEWSDOC_EEXISTS, "media %s exists", name);
  if (nd_grow(&d->media, &d->capmedia, d->nmedia, sizeof *d->media, 4, "newsdoc_media_add")) return NEWSDOC_ENOMEM;
  nd_media m = {nd_strdup(name), nd_strdup(mime), nd_malloc(len), len};
  if (!m.name || !m.mime || !m.data) {
    nd_free(m.name);
    nd_free(m.mime);
    nd_free(m.data);
    return nd_oom("newsdoc_media_add");
  }
  if (len) memcpy(m.data, data, len);
  d->media[d->nmedia++] = m;
  return 0;
}

size_t newsdoc_media_count(const newsdoc_doc *d) { return d ? d->nmedia : 0; }

int newsdoc_media_get(const newsdoc_doc *d, size_t i, const char **name_out, const char **mime_out,
                      const void **data_out, size_t *len_out) {
  if (!d || i >= d->nmedia) return newsdoc_error_set(NEWSDOC_ENOTFOUND, "media %zu not found", i);
  if (name_out) *name_out = d->media[i].name;
  if (mime_out) *mime_out = d->media[i].mime;
  if (data_out) *data_out = d->media[i].data;
  if (len_out) *len_out = d->media[i].len;
  return 0;
}

int newsdoc_media_remove(newsdoc_doc *d, const char *name) {
  size_t i;
  int rc = newsdoc_media_find(d, name, &i);
  if (rc) return rc;
  nd_free(d->media[i].name);
  nd_free(d->media[i].mime);
  nd_free(d->media[i].data);
  memmove(d->media + i, d->media + i + 1, (d->nmedia - i - 1) * sizeof *d->media);
  d->nmedia--;
  return 0;
}
