/*
 * internal.h - what the library's modules share.  Never installed; nothing
 * here is exported (every symbol is hidden; only newsdoc_* functions marked
 * NEWSDOC_API leave the shared library).
 *
 * Naming: nd_ for internal functions and types.
 */
#ifndef ND_INTERNAL_H
#define ND_INTERNAL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "newsdoc/newsdoc.h"

#if defined(__GNUC__)
#define ND_UNUSED __attribute__((unused))
#define ND_WARN_UNUSED __attribute__((warn_unused_result))
#else
#define ND_UNUSED
#define ND_WARN_UNUSED
#endif

/* ---- allocation (core/alloc.c) ----------------------------------------- */
void *nd_malloc(size_t n);
void *nd_calloc(size_t count, size_t size); /* overflow-checked, zeroed */
void *nd_realloc(void *p, size_t n);
void nd_free(void *p);
/* Whether the host's allocator is the default one (malloc).  The slab is
 * used only then, and takes its chunks from malloc and gives them back to
 * free (nd_default_*) whatever allocator is installed by that time. */
extern int nd_alloc_std;
void *nd_default_malloc(size_t n);
void nd_default_free(void *p);
/* Nodes come from per-thread chunks (core/slab.c).  nd_slab_alloc returns
 * `size` bytes, aligned for a node, with `tail` more bytes (unaligned, for an
 * inline literal) at *tailp, and the chunk they are in (*slab); or one
 * nd_malloc of size + tail (tail at p + size) and NULL in *slab: free those
 * with nd_free.
 * nd_slab_put releases `count` allocations of one chunk (one atomic
 * operation; the chunk is freed when its last one goes) and returns how many
 * are left (plus a large bias while a thread still allocates from it). */
typedef struct nd_slab nd_slab;
void *nd_slab_alloc_slow(size_t size, size_t tail, char **tailp, nd_slab **slab);
/* The calling thread's current chunk: its free part, how many nodes were
 * carved from it, and the size of the next chunk (core/slab.c's; here so
 * that carving a node is inline).  initial-exec TLS: reached through %fs,
 * not a __tls_get_addr call (two per node were a tenth of carving one);
 * 40 bytes of the static TLS glibc keeps for libraries loaded later, as
 * Python's cffi loads us. */
typedef struct {
  char *top, *end;
  nd_slab *cur;
  size_t nalloc, next_size;
} nd_slab_thread;
extern _Thread_local nd_slab_thread nd_slab_tl __attribute__((tls_model("initial-exec")));
#define ND_SLAB_MAX ((size_t)64 << 10) /* chunks double up to this */
/* Carves need (aligned) + tail bytes from the thread's current chunk, which
 * has room for them. */
static inline void *nd_slab_carve(nd_slab_thread *t, size_t need, size_t tail, char **tailp, nd_slab **slab) {
  void *p = t->top;
  t->top += need;
  t->end -= tail;
  *tailp = t->end;
  t->nalloc++;
  *slab = t->cur;
  return p;
}
static inline void *nd_slab_alloc(size_t size, size_t tail, char **tailp, nd_slab **slab) {
  nd_slab_thread *t = &nd_slab_tl;
  size_t need = (size + sizeof(void *) - 1) & ~(sizeof(void *) - 1);
  if (nd_alloc_std && tail <= ND_SLAB_MAX && need <= ND_SLAB_MAX && t->cur && need + tail <= (size_t)(t->end - t->top))
    return nd_slab_carve(t, need, tail, tailp, slab);
  return nd_slab_alloc_slow(size, tail, tailp, slab);
}
size_t nd_slab_put(nd_slab *s, size_t count);
/* For the tests: whether a node made now would go into a chunk, and how many
 * chunks exist (all threads). */
int nd_slab_active(void);
size_t nd_slab_chunks(void);
char *nd_strndup(const char *s, size_t n); /* NUL-terminated copy */
char *nd_strdup(const char *s);            /* NULL in -> NULL out */
/* Room for one more element in an array of *cap elements of elem bytes
 * holding n: when full, doubles it (first elements the first time) through
 * nd_realloc.  pitems is the address of the array pointer (any T **).
 * Returns 0, or nd_oom(what) with the array unchanged. */
int nd_grow(void *pitems, size_t *cap, size_t n, size_t elem, size_t first, const char *what) ND_WARN_UNUSED;

/* ---- errors (core/error.c) ----------------------------------------------- */
/* newsdoc_error_set() is the public setter.  nd_oom() sets ENOMEM with the
 * place it happened and returns NEWSDOC_ENOMEM. */
int nd_oom(const char *where);
int nd_error_setv(int code, const char *fmt, va_list ap);
/* Prefix the current detail message with "prefix: " (keeps the code). */
void nd_error_prefix(const char *fmt, ...) NEWSDOC_PRINTF(1, 2);

/* ---- growable byte buffer (core/buf.c) ---------------------------------- */
/* On allocation failure the buffer sets `failed` and ignores later appends;
 * check nd_buf_ok()/failed once at the end.  data is always NUL-terminated
 * when len > 0 and !failed. */
typedef struct nd_buf {
  char *data;
  size_t len;
  size_t cap;
  int failed;
} nd_buf;
#define ND_BUF_INIT {NULL, 0, 0, 0}
void nd_buf_init(nd_buf *b);
void nd_buf_free(nd_buf *b);
void nd_buf_clear(nd_buf *b); /* len = 0, keeps memory */
int nd_buf_reserve(nd_buf *b, size_t extra); /* 0 or NEWSDOC_ENOMEM */
/* put/puts/putc copy in place while the buffer has room (and the terminating
 * NUL): inline, as writers call them for every tag and piece of text; the
 * _slow functions grow the buffer. */
void nd_buf_put_slow(nd_buf *b, const void *data, size_t len);
void nd_buf_putc_slow(nd_buf *b, char c);
static inline void nd_buf_put(nd_buf *b, const void *data, size_t len) {
  if (len && !b->failed && len < b->cap - b->len) {
    memcpy(b->data + b->len, data, len);
    b->len += len;
    b->data[b->len] = 0;
  } else {
    nd_buf_put_slow(b, data, len);
  }
}
static inline void nd_buf_puts(nd_buf *b, const char *s) { nd_buf_put(b, s, strlen(s)); }
static inline void nd_buf_putc(nd_buf *b, char c) {
  if (!b->failed && b->cap - b->len >= 2) {
    b->data[b->len++] = c;
    b->data[b->len] = 0;
  } else {
    nd_buf_putc_slow(b, c);
  }
}
void nd_buf_printf(nd_buf *b, const char *fmt, ...) NEWSDOC_PRINTF(2, 3);
void nd_buf_put_utf8(nd_buf *b, uint32_t cp); /* encode one code point */
/* Take the data (caller frees with nd_free); the buffer is emptied.
 * Returns NULL if failed; an empty buffer gives "" (allocated). */
char *nd_buf_detach(nd_buf *b, size_t *len_out);
static inline int nd_buf_ok(const nd_buf *b) { return !b->failed; }

/* ---- UTF-8 (core/utf8.c) --------------------------------------------------- */
/* Decode one code point at s[*i] (advancing *i); invalid sequences give
 * 0xFFFD and advance one byte.  Returns the code point. */
uint32_t nd_utf8_next(const char *s, size_t len, size_t *i);
int nd_utf8_valid(const char *s, size_t len);
/* Append s to b, replacing invalid UTF-8 with U+FFFD; returns the number
 * of replacements. */
size_t nd_utf8_sanitize(nd_buf *b, const char *s, size_t len);
/* Whether a code point may appear in XML 1.0 text (Char production, minus
 * the noncharacters U+FFFE/U+FFFF). */
int nd_xml_char_ok(uint32_t cp);

/* ---- XML/HTML escaping (core/xmlesc.c) ------------------------------------ */
/* Escape text for XML/HTML element content (&, <, >) or attribute values
 * (also "), dropping characters XML forbids (C0 controls but tab/LF/CR,
 * U+FFFE, U+FFFF, lone surrogates) and replacing invalid UTF-8 with
 * U+FFFD.  Returns the number of characters dropped or replaced. */
size_t nd_xml_escape(nd_buf *b, const char *s, size_t len);
size_t nd_xml_escape_attr(nd_buf *b, const char *s, size_t len);
/* Element content with " as &quot; too (what cmark writes); TAB and LF as
 * they are. */
size_t nd_xml_escape_quot(nd_buf *b, const char *s, size_t len);

/* ---- base64 (core/base64.c) ------------------------------------------------- */
void nd_base64_encode(nd_buf *b, const void *data, size_t len);
/* Decode, skipping ASCII whitespace.  Returns 0 or NEWSDOC_EMALFORMED /
 * NEWSDOC_ENOMEM (error set). */
int nd_base64_decode(nd_buf *out, const char *s, size_t len);

/* ---- the model's internals (core/node.c, core/doc.c) ---------------------- */
/* Attributes few nodes carry, allocated with the first of them set (see
 * nd_node_ext_get); read them through nd_url() etc. */
typedef struct nd_node_ext {
  char *url, *title, *info, *id;
  uint8_t *aligns; /* TABLE: newsdoc_align per column */
  size_t naligns;
} nd_node_ext;

/* Kept small: a large input has one node for every few dozen bytes.  A
 * TEXT node made by nd_node_add_text carries its literal in the same
 * allocation (ND_NODE_LIT_INLINE: in its chunk, or just after the struct
 * when the node is nd_malloc'd on its own); code may change a literal in place
 * within literal_len but must grow or replace it only through node.c
 * (newsdoc_node_set_literal, nd_node_append_literal). */
struct newsdoc_node {
  struct newsdoc_node *parent, *first, *last, *prev, *next;
  uint8_t type;
  uint8_t dir;
  uint8_t list_type;
  uint8_t flags;             /* ND_NODE_TIGHT, ND_NODE_HEADER */
  uint16_t colspan, rowspan; /* TABLE_CELL: 1..1000 */
  int level;                 /* SECTION */
  int start;                 /* LIST */
  char *literal;
  size_t literal_len;
  char *lang;
  nd_node_ext *ext; /* NULL while none of its attributes is set */
  nd_slab *slab;    /* the chunk the node is in (core/slab.c); NULL: nd_malloc'd */
};
/* The node's ext, allocated (zeroed) when missing; NULL with ENOMEM set. */
nd_node_ext *nd_node_ext_get(newsdoc_node *n);
static inline char *nd_url(const newsdoc_node *n) { return n->ext ? n->ext->url : NULL; }
static inline char *nd_title(const newsdoc_node *n) { return n->ext ? n->ext->title : NULL; }
static inline char *nd_info(const newsdoc_node *n) { return n->ext ? n->ext->info : NULL; }
static inline char *nd_id(const newsdoc_node *n) { return n->ext ? n->ext->id : NULL; }
static inline const uint8_t *nd_aligns(const newsdoc_node *n) { return n->ext ? n->ext->aligns : NULL; }
static inline size_t nd_naligns(const newsdoc_node *n) { return n->ext ? n->ext->naligns : 0; }
/* Set (copy) or clear one of the ext strings: 0 or NEWSDOC_ENOMEM (set). */
int nd_node_set_url(newsdoc_node *n, const char *s);
int nd_node_set_title(newsdoc_node *n, const char *s);
int nd_node_set_info(newsdoc_node *n, const char *s);
int nd_node_set_id(newsdoc_node *n, const char *s);
/* The same, taking ownership of s (nd_malloc'd; freed on failure). */
int nd_node_take_url(newsdoc_node *n, char *s);
int nd_node_take_info(newsdoc_node *n, char *s);
int nd_node_take_id(newsdoc_node *n, char *s);
/* Append to a node's literal (any literal-carrying node): 0 or ENOMEM. */
int nd_node_append_literal(newsdoc_node *n, const char *s, size_t len);
#define ND_NODE_TIGHT 0x1
#define ND_NODE_HEADER 0x2
#define ND_NODE_LIT_INLINE 0x4 /* node.c's: the literal is not nd_malloc'd */

typedef struct nd_meta_entry {
  char *key;
  char *value;
} nd_meta_entry;

typedef struct nd_media {
  char *name;
  char *mime;
  unsigned char *data;
  size_t len;
} nd_media;

struct newsdoc_doc {
  newsdoc_node *root;
  nd_meta_entry *meta;
  size_t nmeta, capmeta;
  nd_media *media;
  size_t nmedia, capmedia;
};

/* Convenience builders used by readers.  Each returns the new node
 * (already appended to parent when parent is non-NULL) or NULL with
 * ENOMEM/EUSAGE set.  Text is copied. */
newsdoc_node *nd_node_add(newsdoc_node *parent, newsdoc_node_type type);
newsdoc_node *nd_node_add_text(newsdoc_node *parent, const char *s, size_t len);
/* Append text to the last TEXT child of parent if it is one, else add a
 * new TEXT node (merges adjacent text). */
int nd_node_append_text(newsdoc_node *parent, const char *s, size_t len);
/* Depth of a node below the root. */
size_t nd_node_depth(const newsdoc_node *node);
int nd_node_set_str(char **slot, const char *s); /* copy or clear; 0/ENOMEM */
newsdoc_node *nd_node_alloc(newsdoc_node_type type); /* no checks, detached */
void nd_node_free_tree(newsdoc_node *root);          /* detached subtree */
int nd_node_is_container(newsdoc_node_type type);    /* may have children */

/* ---- per-call context and sinks (core/ctx.c, core/sink.c) ------------------ */
struct newsdoc_ctx {
  const newsdoc_options *opts;
  const char *format;
  const char *filename;
  size_t warnings;
  unsigned long long deadline_ms; /* 0: none */
  unsigned int check_counter;
  nd_buf *input; /* the input's buffer when the library owns it (newsdoc_read_file), else NULL */
};
void nd_ctx_init(newsdoc_ctx *ctx, const newsdoc_options *opts, const char *format, const char *filename);
/* A reader that has made its own copy of the whole input may call this to
 * free the input early when the library owns it (no-op otherwise); the
 * `data` it was given must not be used afterwards. */
void nd_ctx_release_input(newsdoc_ctx *ctx);

typedef int (*nd_sink_fn)(const void *data, size_t len, void *userdata);
struct newsdoc_sink {
  nd_sink_fn fn; /* NULL: append to buf */
  void *userdata;
  nd_buf *buf;
  size_t written;
  unsigned long long limit;
  int error;
};
void nd_sink_init_buf(newsdoc_sink *s, nd_buf *buf, unsigned long long limit);
void nd_sink_init_fn(newsdoc_sink *s, nd_sink_fn fn, void *userdata, unsigned long long limit);
/* Write a whole nd_buf (checking its failed flag first). */
int nd_sink_put_buf(newsdoc_sink *s, const nd_buf *b);

/* ---- options internals (core/options.c) ----------------------------------- */
/* Depth limit check used by readers: returns 0 or NEWSDOC_ELIMIT_DEPTH with
 * a message naming `what`. */
int nd_check_depth(newsdoc_ctx *ctx, size_t depth, const char *what);

/* ---- safe ZIP reading and writing (core/zip.c) ------------------------------ */
/* Opens an archive held in memory with every check of issue #9: libzip's
 * consistency check, limits on entries, names (no "..", absolute paths,
 * backslashes, drive letters, control characters, case-fold collisions),
 * encryption and compression method refused.  Entries are expanded with
 * the byte count checked while reading (max-zip-entry-size, the running
 * max-zip-total-size, max-zip-ratio); declared sizes are never trusted. */
typedef struct nd_zip nd_zip;
int nd_zip_open(nd_zip **out, const char *data, size_t len, newsdoc_ctx *ctx);
void nd_zip_close(nd_zip *z);
size_t nd_zip_count(const nd_zip *z);
const char *nd_zip_name(const nd_zip *z, size_t index);
/* Look up an entry by exact name; -1 when absent. */
long nd_zip_find(const nd_zip *z, const char *name);
/* Expand an entry into *out (NUL-terminated; free with nd_free).  Errors:
 * NEWSDOC_ENOTFOUND, NEWSDOC_ELIMIT_ZIP, NEWSDOC_EMALFORMED,
 * NEWSDOC_EUNSUPPORTED, NEWSDOC_ENOMEM. */
int nd_zip_read(nd_zip *z, const char *name, char **out, size_t *len_out);
/* Resolve `rel` (a URL-style path, %-escapes decoded, "#frag" dropped)
 * against the directory of `base` (an entry name); the result must stay
 * inside the archive: returns NULL for remote URLs ("scheme:"), absolute
 * paths or ".." escaping the root.  Caller frees with nd_free. */
char *nd_zip_resolve(const char *base, const char *rel);
/* The same, telling an allocation failure (NEWSDOC_ENOMEM, error set) from
 * a path outside the container (0 with *out NULL). */
int nd_zip_resolve_ex(const char *base, const char *rel, char **out);

/* A writer building a deterministic archive in memory: entries are written
 * in the order added, with a fixed timestamp (the DOS date of `mtime`, a
 * Unix time) and no extra fields. */
typedef struct nd_zipw nd_zipw;
int nd_zipw_new(nd_zipw **out, long long mtime);
/* store: 1 to store uncompressed (EPUB's mimetype), 0 to deflate. */
int nd_zipw_add(nd_zipw *w, const char *name, const void *data, size_t len, int store);
/* A part deflated ahead of time, piece by piece: only the compressed bytes
 * are kept, so a large part never has to be held in memory uncompressed.
 * A part that ends within its first 32 KiB is deflated at the end, with a
 * window and hash sized to it (zlib's full-size state is 400 KB to set up
 * and clear, more than the deflating of a small part).  Zero-initialise
 * (ND_ZPART_INIT), nd_zpart_put() the data in any number of pieces, then
 * nd_zipw_add_zpart() (which finishes it if nd_zpart_finish was not
 * called).  The part must live until the archive is finished (its
 * compressed bytes are freed as the archive takes them), then
 * nd_zpart_free(). */
typedef struct nd_zpart {
  nd_buf z;        /* the raw deflate stream */
  size_t size;     /* uncompressed bytes */
  uint32_t crc;    /* CRC-32 of the uncompressed bytes */
  void *strm;      /* the deflate state until the stream is finished */
  nd_buf raw;      /* the first bytes, held until they pass ND_ZPART_DEFER */
} nd_zpart;
#define ND_ZPART_INIT {ND_BUF_INIT, 0, 0, NULL, ND_BUF_INIT}
int nd_zpart_put(nd_zpart *p, const void *data, size_t len); /* 0 or NEWSDOC_ENOMEM (set) */
/* Ends the stream and frees the deflate state (up to 400 KB): call it as
 * soon as the last piece is in when several parts are kept. */
int nd_zpart_finish(nd_zpart *p);
void nd_zpart_free(nd_zpart *p);
/* Finishes the stream and adds it as the entry `name` (deflated). */
int nd_zipw_add_zpart(nd_zipw *w, const char *name, nd_zpart *p);
/* Finish the archive and write it to the sink; frees the writer. */
int nd_zipw_finish(nd_zipw *w, newsdoc_sink *sink);
void nd_zipw_free(nd_zipw *w);

/* ---- text decoding (core/decode.c) ---------------------------------------- */
/* Decode bytes of unknown encoding into UTF-8 NFC with LF newlines left
 * as they are: a BOM (UTF-8, UTF-16LE/BE) wins; else `charset_hint` (an
 * IANA name, e.g. from <meta charset>) when given and known; else valid
 * UTF-8; else ICU's charset detection among legacy encodings (windows-1256,
 * ISO-8859-6, windows-1255, windows-1252, ...).  Invalid bytes become
 * U+FFFD and NUL becomes U+FFFD, each with one warning.  *charset_out (may
 * be NULL) gets a static name of what was used. */
int nd_decode_text(nd_buf *out, const char *data, size_t len, const char *charset_hint,
                   const char **charset_out, newsdoc_ctx *ctx);
/* NFC-normalise UTF-8 (joiners such as ZWNJ are kept, as NFC does). */
int nd_nfc(nd_buf *out, const char *s, size_t len);

/* ---- language and direction (core/lang.c) ---------------------------------- */
/* Whether a BCP 47 tag's language is written right to left (ar, he, fa,
 * ur, ps, sd, ug, yi, dv, ckb, ... and any tag with an Arab/Hebr/Thaa/Syrc/
 * Nkoo/Adlm script subtag). */
int nd_lang_is_rtl(const char *lang);
/* The direction of the first strong character (ICU bidi), or UNSET. */
newsdoc_dir nd_text_dir(const char *s, size_t len);
/* The direction most of the strong characters have, or UNSET. */
newsdoc_dir nd_text_majority_dir(const char *s, size_t len);
/* Guess a language from the letters: "ar", "fa", "ur", "he", "yi", "en",
 * "ru", "el", ... or NULL when the text has too few letters.  Static. */
const char *nd_guess_lang(const char *s, size_t len);
/* Both nd_guess_lang() and nd_text_majority_dir() (into *dir) in one pass. */
const char *nd_guess_lang_dir(const char *s, size_t len, newsdoc_dir *dir);
/* Texts at least this long (bytes) count two-byte characters in a histogram
 * first (1024; the tests move it to compare both ways). */
extern size_t nd_guess_hist_min;

/* ---- HTML, shared by the html and epub formats (formats/html/) ------------ */
typedef struct nd_html_opts {
  int xhtml;        /* write XML syntax (EPUB content documents) */
  int fragment;     /* body content only, no wrapper elements */
  int standalone_css; /* 1: embed the built-in stylesheet */
  const char *css_href; /* link this stylesheet instead (may be NULL) */
  int embed_media;  /* 1: images as data: URIs; 0: "media:NAME" -> media_prefix + NAME */
  const char *media_prefix; /* e.g. "images/" (EPUB) */
  int with_title_header; /* write the <header> with title/byline */
  newsdoc_sink *sink; /* when set, the output goes to it as it grows; `out` keeps only a tail to write */
} nd_html_opts;
int nd_html_render(const newsdoc_doc *doc, nd_buf *out, const nd_html_opts *o, newsdoc_ctx *ctx);
/* Parse HTML (is_xhtml 0) or XHTML (1) content and append its blocks
 * to `parent` inside `doc`; metadata found in the page is added to the
 * document where the document does not have it yet. */
int nd_html_parse_into(newsdoc_doc *doc, newsdoc_node *parent, const char *data, size_t len, int is_xhtml,
                       newsdoc_ctx *ctx);

#endif
