/*
 * Replays inputs through a libFuzzer harness without libFuzzer: a main()
 * for the regular build.  Arguments are files or directories (every file
 * in them).  A crash or abort fails the test; exit 77 (skip) when the
 * harness's format is not registered.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <newsdoc/newsdoc.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t replayed;

static int replay_file(const char *path) {
  FILE *fp = fopen(path, "rb");
  if (!fp) {
    fprintf(stderr, "replay: cannot open %s\n", path);
    return 1;
  }
  fseek(fp, 0, SEEK_END);
  long n = ftell(fp);
  fseek(fp, 0, SEEK_SET);
  uint8_t *buf = malloc(n > 0 ? (size_t)n : 1);
  size_t got = fread(buf, 1, n > 0 ? (size_t)n : 0, fp);
  fclose(fp);
  /* An exact-size heap copy, so ASan sees reads past the end. */
  LLVMFuzzerTestOneInput(buf, got);
  free(buf);
  replayed++;
  return 0;
}

int main(int argc, char **argv) {
  int bad = 0;
#ifdef REPLAY_FORMAT
  if (strcmp(REPLAY_FORMAT, "roundtrip") && newsdoc_format_find(REPLAY_FORMAT, NULL)) {
    printf("replay: SKIP: format %s is not registered (yet)\n", REPLAY_FORMAT);
    return 77;
  }
#endif
  for (int i = 1; i < argc; i++) {
    struct stat st;
    if (stat(argv[i], &st)) {
      fprintf(stderr, "replay: %s: not found\n", argv[i]);
      bad = 1;
      continue;
    }
    if (!S_ISDIR(st.st_mode)) {
      bad |= replay_file(argv[i]);
      continue;
    }
    DIR *d = opendir(argv[i]);
    struct dirent *e;
    while (d && (e = readdir(d))) {
      if (e->d_name[0] == '.') continue;
      char p[4096];
      snprintf(p, sizeof p, "%s/%s", argv[i], e->d_name);
      bad |= replay_file(p);
    }
    if (d) closedir(d);
  }
  printf("replay: %zu inputs, no crash\n", replayed);
  return bad;
}
