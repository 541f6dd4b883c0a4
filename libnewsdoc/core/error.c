/* error.c - the calling thread's last error, fixed error texts, versions. */
#include <stdio.h>
#include <string.h>

#include "../internal.h"

#define ND_ERRMSG_MAX 512

static _Thread_local char t_msg[ND_ERRMSG_MAX];
static _Thread_local newsdoc_error t_err = {0, NULL};

const char *newsdoc_strerror(int code) {
  switch (code) {
  case NEWSDOC_OK: return "no error";
  case NEWSDOC_EUSAGE: return "invalid use of the API";
  case NEWSDOC_EIO: return "input/output error";
  case NEWSDOC_EMALFORMED: return "malformed input";
  case NEWSDOC_EUNSUPPORTED: return "unsupported feature";
  case NEWSDOC_ELIMIT: return "limit exceeded";
  case NEWSDOC_ENOMEM: return "out of memory";
  case NEWSDOC_EUNKNOWNFORMAT: return "unknown or ambiguous format";
  case NEWSDOC_ENOTFOUND: return "not found";
  case NEWSDOC_EEXISTS: return "already exists";
  case NEWSDOC_ECANCELLED: return "cancelled";
  case NEWSDOC_ELIMIT_SIZE: return "size limit exceeded";
  case NEWSDOC_ELIMIT_DEPTH: return "nesting depth limit exceeded";
  case NEWSDOC_ELIMIT_ZIP: return "zip archive limit exceeded";
  case NEWSDOC_ELIMIT_COUNT: return "count limit exceeded";
  case NEWSDOC_EENCODING: return "text encoding error";
  default: return "unknown error";
  }
}

const newsdoc_error *newsdoc_error_last(void) {
  if (!t_err.message) t_err.message = t_err.code ? newsdoc_strerror(t_err.code) : "no error";
  return &t_err;
}

void newsdoc_error_clear(void) {
  t_err.code = 0;
  t_err.message = "no error";
}

int nd_error_setv(int code, const char *fmt, va_list ap) {
  if (fmt) {
    /* Never allocates: the message lives in a fixed thread-local buffer. */
    vsnprintf(t_msg, sizeof t_msg, fmt, ap);
    t_err.message = t_msg;
  } else {
    t_err.message = newsdoc_strerror(code);
  }
  t_err.code = code;
  return code;
}

int newsdoc_error_set(int code, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  nd_error_setv(code, fmt, ap);
  va_end(ap);
  return code;
}

void nd_error_prefix(const char *fmt, ...) {
  char old[ND_ERRMSG_MAX];
  va_list ap;
  snprintf(old, sizeof old, "%s", newsdoc_error_last()->message);
  va_start(ap, fmt);
  int n = vsnprintf(t_msg, sizeof t_msg, fmt, ap);
  va_end(ap);
  if (n >= 0 && (size_t)n < sizeof t_msg - 2) {
    t_msg[n] = ':';
    t_msg[n + 1] = ' ';
    size_t room = sizeof t_msg - (size_t)n - 2;
    size_t len = strlen(old);
    if (len >= room) len = room - 1;
    memcpy(t_msg + n + 2, old, len);
    t_msg[n + 2 + len] = 0;
  }
  t_err.message = t_msg;
}

int nd_oom(const char *where) {
  return newsdoc_error_set(NEWSDOC_ENOMEM, "out of memory in %s", where ? where : "libnewsdoc");
}

int newsdoc_version(void) { return NEWSDOC_VERSION_NUMBER; }
const char *newsdoc_version_string(void) { return NEWSDOC_VERSION_STRING; }
