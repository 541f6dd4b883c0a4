/* Error codes, texts, the per-thread last error, versions. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <pthread.h>
#include <string.h>

#include "testutil.h"

Test(errors, every_code_has_a_distinct_text) {
  int codes[] = {NEWSDOC_EUSAGE, NEWSDOC_EIO, NEWSDOC_EMALFORMED, NEWSDOC_EUNSUPPORTED, NEWSDOC_ELIMIT,
                 NEWSDOC_ENOMEM, NEWSDOC_EUNKNOWNFORMAT, NEWSDOC_ENOTFOUND, NEWSDOC_EEXISTS, NEWSDOC_ECANCELLED,
                 NEWSDOC_ELIMIT_SIZE, NEWSDOC_ELIMIT_DEPTH, NEWSDOC_ELIMIT_ZIP, NEWSDOC_ELIMIT_COUNT, NEWSDOC_EENCODING};
  size_t n = sizeof codes / sizeof *codes;
  for (size_t i = 0; i < n; i++) {
    cr_assert_lt(codes[i], 0);
    for (size_t j = i + 1; j < n; j++) {
      cr_assert_neq(codes[i], codes[j]);
      cr_assert_str_neq(newsdoc_strerror(codes[i]), newsdoc_strerror(codes[j]));
    }
  }
  cr_assert_str_eq(newsdoc_strerror(0), "no error");
  cr_assert_not_null(newsdoc_strerror(-12345));
}

Test(errors, last_error_is_never_null_and_names_the_failure) {
  newsdoc_error_clear();
  cr_assert_eq(newsdoc_error_last()->code, 0);
  cr_assert_str_eq(newsdoc_error_last()->message, "no error");
  newsdoc_doc *d = NULL;
  int rc = newsdoc_read(&d, "{\"newsdoc\":1,\n \"body\": [}", 26, "json", NULL, NULL);
  cr_assert_eq(rc, NEWSDOC_EMALFORMED);
  cr_assert_eq(newsdoc_error_last()->code, rc);
  cr_assert(strstr(newsdoc_error_last()->message, "json: line 2"), "%s", newsdoc_error_last()->message);
  cr_assert_null(d);
  cr_assert_eq(newsdoc_error_set(NEWSDOC_EIO, "custom %d", 7), NEWSDOC_EIO);
  cr_assert_str_eq(newsdoc_error_last()->message, "custom 7");
}

static void *thread_error(void *arg) {
  (void)arg;
  newsdoc_error_set(NEWSDOC_EIO, "from the other thread");
  return NULL;
}

Test(errors, last_error_is_per_thread) {
  newsdoc_error_set(NEWSDOC_EUSAGE, "mine");
  pthread_t t;
  pthread_create(&t, NULL, thread_error, NULL);
  pthread_join(t, NULL);
  cr_assert_str_eq(newsdoc_error_last()->message, "mine");
  cr_assert_eq(newsdoc_error_last()->code, NEWSDOC_EUSAGE);
}

Test(errors, long_messages_are_truncated_safely) {
  char big[5000];
  memset(big, 'x', sizeof big - 1);
  big[sizeof big - 1] = 0;
  newsdoc_error_set(NEWSDOC_EMALFORMED, "%s", big);
  cr_assert_lt(strlen(newsdoc_error_last()->message), 1024);
}

Test(version, macros_agree_with_the_library) {
  cr_assert_eq(newsdoc_version(), NEWSDOC_VERSION_NUMBER);
  cr_assert_str_eq(newsdoc_version_string(), NEWSDOC_VERSION_STRING);
  char buf[32];
  snprintf(buf, sizeof buf, "%d.%d.%d", NEWSDOC_VERSION_MAJOR, NEWSDOC_VERSION_MINOR, NEWSDOC_VERSION_PATCH);
  cr_assert_str_eq(buf, NEWSDOC_VERSION_STRING);
}
