// The gz* file API. The whole family is the private software zlib's own
// (src/api/soft_zlib.h): a gzFile is its object, so every call goes to the
// same copy, and the behaviour (buffering, seeking, transparent reads,
// messages) is zlib 1.2.13's exactly. Its deflate and inflate run in
// software; routing gz* through the accelerator is future work.
#include <cerrno>
#include <cstdarg>

#include "api/soft_zlib.h"

namespace {

const nxz::api::SoftZlib* z() {
  const nxz::api::SoftZlib* s = nxz::api::soft_zlib();
  if (!s) errno = ENOSYS;
  return s;
}

}  // namespace

extern "C" {

gzFile gzopen(const char* path, const char* mode) {
  return z() ? z()->gzopen(path, mode) : nullptr;
}
gzFile gzopen64(const char* path, const char* mode) {
  return z() ? z()->gzopen64(path, mode) : nullptr;
}
gzFile gzdopen(int fd, const char* mode) { return z() ? z()->gzdopen(fd, mode) : nullptr; }

// Every other call takes a gzFile, which only the software zlib can have
// made: it is loaded.
int gzbuffer(gzFile f, unsigned size) { return z()->gzbuffer(f, size); }
int gzsetparams(gzFile f, int level, int strategy) { return z()->gzsetparams(f, level, strategy); }
int gzread(gzFile f, voidp buf, unsigned len) { return z()->gzread(f, buf, len); }
z_size_t gzfread(voidp buf, z_size_t size, z_size_t nitems, gzFile f) {
  return z()->gzfread(buf, size, nitems, f);
}
int gzwrite(gzFile f, voidpc buf, unsigned len) { return z()->gzwrite(f, buf, len); }
z_size_t gzfwrite(voidpc buf, z_size_t size, z_size_t nitems, gzFile f) {
  return z()->gzfwrite(buf, size, nitems, f);
}
int gzvprintf(gzFile f, const char* format, va_list va) { return z()->gzvprintf(f, format, va); }
int gzprintf(gzFile f, const char* format, ...) {
  va_list va;
  va_start(va, format);
  const int n = z()->gzvprintf(f, format, va);
  va_end(va);
  return n;
}
int gzputs(gzFile f, const char* s) { return z()->gzputs(f, s); }
char* gzgets(gzFile f, char* buf, int len) { return z()->gzgets(f, buf, len); }
int gzputc(gzFile f, int c) { return z()->gzputc(f, c); }
int(gzgetc)(gzFile f) { return (z()->gzgetc)(f); }
int gzgetc_(gzFile f) { return z()->gzgetc_(f); }
int gzungetc(int c, gzFile f) {
  // zlib 1.2.13 allocates a reader's buffers on its first read, and its
  // gzungetc writes through the null buffer when it comes first. gzdirect
  // makes the reader look at its file (what the first read would do) and
  // nothing else, as zlib 1.3.1's own fix does.
  if (f) z()->gzdirect(f);
  return z()->gzungetc(c, f);
}
int gzflush(gzFile f, int flush) { return z()->gzflush(f, flush); }
z_off_t gzseek(gzFile f, z_off_t offset, int whence) { return z()->gzseek(f, offset, whence); }
z_off64_t gzseek64(gzFile f, z_off64_t offset, int whence) {
  return z()->gzseek64(f, offset, whence);
}
int gzrewind(gzFile f) { return z()->gzrewind(f); }
z_off_t gztell(gzFile f) { return z()->gztell(f); }
z_off64_t gztell64(gzFile f) { return z()->gztell64(f); }
z_off_t gzoffset(gzFile f) { return z()->gzoffset(f); }
z_off64_t gzoffset64(gzFile f) { return z()->gzoffset64(f); }
int gzeof(gzFile f) { return z()->gzeof(f); }
int gzdirect(gzFile f) { return z()->gzdirect(f); }
int gzclose(gzFile f) { return f ? z()->gzclose(f) : Z_STREAM_ERROR; }
int gzclose_r(gzFile f) { return f ? z()->gzclose_r(f) : Z_STREAM_ERROR; }
int gzclose_w(gzFile f) { return f ? z()->gzclose_w(f) : Z_STREAM_ERROR; }
const char* gzerror(gzFile f, int* errnum) {
  if (!f) return nullptr;
  return z()->gzerror(f, errnum);
}
void gzclearerr(gzFile f) {
  if (f) z()->gzclearerr(f);
}

}  // extern "C"
