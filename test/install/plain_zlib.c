/* A plain zlib program, linked with -lz and knowing nothing of nxz: run
 * with LD_LIBRARY_PATH at the zlib-named copy of nxz, its calls must reach
 * nxz. Prints "nxz" or "zlib" for the library that answered (nxz has
 * nxz_version), then checks a round trip. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

int main(void) {
  const uLong n = 1 << 20;
  unsigned char* in = malloc(n);
  uLongf clen = compressBound(n), dlen = n;
  unsigned char* comp = malloc(clen);
  unsigned char* back = malloc(n);
  if (!in || !comp || !back) return 2;
  for (uLong i = 0; i < n; ++i) in[i] = (unsigned char)("plain zlib program "[i % 19] + i / 4096);
  if (compress2(comp, &clen, in, n, 6) != Z_OK) return 1;
  if (uncompress(back, &dlen, comp, clen) != Z_OK || dlen != n || memcmp(in, back, n) != 0)
    return fprintf(stderr, "round trip failed\n"), 1;
  /* Which library defines compress2 for us. */
  Dl_info info;
  const char* where = dladdr((void*)compress2, &info) ? info.dli_fname : "?";
  printf("%s %s %s\n", dlsym(RTLD_DEFAULT, "nxz_version") ? "nxz" : "zlib", zlibVersion(), where);
  return 0;
}
