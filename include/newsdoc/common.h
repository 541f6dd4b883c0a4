/*
 * newsdoc/common.h - versions, error codes, the allocator hooks.
 *
 * Conventions used by every libnewsdoc header:
 *
 *  - Functions that can fail return int: 0 on success, a negative
 *    NEWSDOC_E* code on failure.  After a failure, newsdoc_error_last()
 *    gives a detail message for the calling thread that names what failed
 *    and where.  The library never prints, never aborts and never exits.
 *  - Objects returned through an `out` parameter belong to the caller, who
 *    releases them with the matching newsdoc_*_free().  Pointers returned
 *    directly (const char *, const newsdoc_node *) are borrowed: they live as
 *    long as the object they came from and until it is next changed.
 *  - Content is (const char *data, size_t len); the library never calls
 *    strlen() on document bytes.  Strings such as keys, names and URLs are
 *    NUL-terminated UTF-8.
 *  - Every allocation the library itself makes goes through the allocator
 *    set with newsdoc_set_allocator().  Memory the library hands to the
 *    caller (newsdoc_write_mem(), newsdoc_node_text(), ...) is released with
 *    newsdoc_free().
 *  - The library is thread-safe: different documents may be used from
 *    different threads at once; one document must not be changed by two
 *    threads at once.  The library never changes process-wide state of
 *    libxml2, ICU, libzip or the C locale.
 */
#ifndef NEWSDOC_COMMON_H
#define NEWSDOC_COMMON_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* --- Export macro ------------------------------------------------------- */
#if defined(NEWSDOC_STATIC)
#  define NEWSDOC_API
#elif defined(_WIN32)
#  ifdef NEWSDOC_BUILDING
#    define NEWSDOC_API __declspec(dllexport)
#  else
#    define NEWSDOC_API __declspec(dllimport)
#  endif
#elif defined(__GNUC__) && __GNUC__ >= 4
#  define NEWSDOC_API __attribute__((visibility("default")))
#else
#  define NEWSDOC_API
#endif

#if defined(__GNUC__)
#  define NEWSDOC_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#  define NEWSDOC_PRINTF(f, a)
#endif

/* --- Versions ----------------------------------------------------------- */
/* The release number.  It says nothing about binary compatibility. */
#define NEWSDOC_VERSION_MAJOR 0
#define NEWSDOC_VERSION_MINOR 3
#define NEWSDOC_VERSION_PATCH 0
#define NEWSDOC_VERSION_STRING "0.3.0"
/* MAJOR*10000 + MINOR*100 + PATCH */
#define NEWSDOC_VERSION_NUMBER \
  (NEWSDOC_VERSION_MAJOR * 10000 + NEWSDOC_VERSION_MINOR * 100 + NEWSDOC_VERSION_PATCH)
/* The ABI version: the SONAME is libnewsdoc.so.NEWSDOC_ABI_VERSION.  It
 * changes only when a binary built against an older header would break. */
#define NEWSDOC_ABI_VERSION 1

/* The release the library was built as (NEWSDOC_VERSION_NUMBER of its
 * headers); compare with NEWSDOC_VERSION_NUMBER to detect a mismatch. */
NEWSDOC_API int newsdoc_version(void);
/* The same, as a static string such as "0.3.0". Never NULL. */
NEWSDOC_API const char *newsdoc_version_string(void);

/* --- Errors ------------------------------------------------------------- */
typedef enum newsdoc_error_code {
  NEWSDOC_OK = 0,
  NEWSDOC_EUSAGE = -1,         /* bad arguments: NULL, wrong node type, ... */
  NEWSDOC_EIO = -2,            /* a file or callback failed to read/write */
  NEWSDOC_EMALFORMED = -3,     /* the input is not a valid document */
  NEWSDOC_EUNSUPPORTED = -4,   /* valid, but uses something not supported
                                  (encryption, an unknown zip method, ...) */
  NEWSDOC_ELIMIT = -5,         /* a limit other than those below */
  NEWSDOC_ENOMEM = -6,         /* an allocation failed */
  NEWSDOC_EUNKNOWNFORMAT = -7, /* no such format, or probing was weak/tied */
  NEWSDOC_ENOTFOUND = -8,      /* lookup failed (format, media, key) */
  NEWSDOC_EEXISTS = -9,        /* registering a name twice */
  NEWSDOC_ECANCELLED = -10,    /* the cancel callback or time budget hit */
  NEWSDOC_ELIMIT_SIZE = -11,   /* input or output larger than allowed */
  NEWSDOC_ELIMIT_DEPTH = -12,  /* tree or markup nesting too deep */
  NEWSDOC_ELIMIT_ZIP = -13,    /* zip entries, expansion or ratio */
  NEWSDOC_ELIMIT_COUNT = -14,  /* too many attributes, styles, spine items */
  NEWSDOC_EENCODING = -15      /* text cannot be decoded at all */
} newsdoc_error_code;

/* Fixed English text for a code; never NULL (unknown codes get a generic
 * text).  The string is static. */
NEWSDOC_API const char *newsdoc_strerror(int code);

typedef struct newsdoc_error {
  int code;            /* the NEWSDOC_E* code, or 0 when there is none */
  const char *message; /* the detail message; never NULL */
} newsdoc_error;

/* The last error raised in the calling thread.  Never NULL: when there was
 * no error, code is 0 and message is "no error".  The pointer is valid
 * until the next libnewsdoc call in the same thread. */
NEWSDOC_API const newsdoc_error *newsdoc_error_last(void);
/* Forget the calling thread's last error. */
NEWSDOC_API void newsdoc_error_clear(void);
/* Set the calling thread's last error (for custom formats).  Returns code,
 * so a format may write `return newsdoc_error_set(NEWSDOC_EMALFORMED, ...)`. */
NEWSDOC_API int newsdoc_error_set(int code, const char *fmt, ...) NEWSDOC_PRINTF(2, 3);

/* --- Allocator ---------------------------------------------------------- */
typedef struct newsdoc_allocator {
  unsigned int version; /* NEWSDOC_ALLOCATOR_VERSION */
  void *(*malloc_fn)(size_t size, void *userdata);
  void *(*realloc_fn)(void *ptr, size_t size, void *userdata);
  void (*free_fn)(void *ptr, void *userdata);
  void *userdata;
} newsdoc_allocator;
#define NEWSDOC_ALLOCATOR_VERSION 1

/* Route every allocation of the library through `alloc` (copied), or back
 * to malloc/realloc/free when `alloc` is NULL.  Call it before any other
 * libnewsdoc call, or while no libnewsdoc object is alive: memory must be
 * freed by the allocator that made it.  Returns NEWSDOC_EUSAGE when a
 * function is missing or the version is unknown.  The memory of the
 * libraries libnewsdoc uses (libxml2, ICU, libzip, md4c) is not affected:
 * their allocators are process-wide and belong to the host. */
NEWSDOC_API int newsdoc_set_allocator(const newsdoc_allocator *alloc);

/* Allocate and free through the library's allocator.  newsdoc_free(NULL)
 * does nothing.  Use newsdoc_free() for every buffer the library returns. */
NEWSDOC_API void *newsdoc_malloc(size_t size);
NEWSDOC_API void newsdoc_free(void *ptr);

#ifdef __cplusplus
}
#endif
#endif
