/* Built against an installed nxz (pkg-config, or find_package(nxz)): a zlib
 * round trip through the API the system's <zlib.h> declares, then proof
 * that libnxz.so did the work. Prints the loaded library's path.
 * Exit 0 = all checked. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <nxz/stats.h>
#include <nxz/version.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

int main(void) {
  /* 1 MiB that compresses, but not to nothing: several 128 KiB requests. */
  const uLong n = 1 << 20;
  unsigned char* in = malloc(n);
  uLongf clen = compressBound(n), dlen = n;
  unsigned char* comp = malloc(clen);
  unsigned char* back = malloc(n);
  if (!in || !comp || !back) return 2;
  unsigned x = 12345;
  for (uLong i = 0; i < n; ++i) {
    x = x * 1103515245u + 12345u;
    in[i] = (unsigned char)("nxz install test "[i % 17] ^ ((x >> 28) & 1));
  }
  if (compress2(comp, &clen, in, n, 6) != Z_OK) return fprintf(stderr, "compress2 failed\n"), 1;
  if (uncompress(back, &dlen, comp, clen) != Z_OK || dlen != n || memcmp(in, back, n) != 0)
    return fprintf(stderr, "round trip failed\n"), 1;
  nxz_stats st;
  nxz_stats_get(&st);
  Dl_info info;
  const char* where = dladdr((void*)nxz_version, &info) ? info.dli_fname : "?";
  printf("nxz %s from %s: %lu -> %lu bytes, %llu requests\n", nxz_version(), where,
         (unsigned long)n, (unsigned long)clen, (unsigned long long)st.jobs);
  if (strcmp(nxz_version(), NXZ_VERSION_STRING) != 0)
    return fprintf(stderr, "header %s, library %s\n", NXZ_VERSION_STRING, nxz_version()), 1;
  if (st.jobs == 0) return fprintf(stderr, "no request went through nxz\n"), 1;
  return 0;
}
