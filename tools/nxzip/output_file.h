// Where one file's output goes. A file is written as a temporary file in
// the destination's directory and renamed over the destination only once
// all of it is written and closed: a failure, or a SIGINT/SIGTERM/SIGHUP,
// removes the temporary and leaves whatever was at the destination before.
#ifndef NXZIP_OUTPUT_FILE_H
#define NXZIP_OUTPUT_FILE_H

#include <sys/stat.h>

#include <cstddef>
#include <cstdint>
#include <string>

namespace nxzip {

// Installs the signal handlers that remove a temporary being written.
void install_cleanup_handlers();

class Output {
 public:
  // Standard output ("stdout" in messages).
  Output();
  // A temporary beside `path`; throws FileError when it cannot be made.
  explicit Output(const std::string& path);
  ~Output();
  Output(const Output&) = delete;
  Output& operator=(const Output&) = delete;

  // Writes everything or throws FileError ("NAME: No space left on device").
  void write(const void* data, size_t n);
  uint64_t bytes_written() const { return written_; }
  const std::string& name() const { return name_; }

  // Files only: gives the output `like`'s mode, owner and times (as gzip
  // does), closes it and renames it to the destination. Without `replace`
  // an existing destination is not overwritten (FileError). Stdout:
  // nothing to do, every write was checked.
  void commit(const struct stat* like, bool replace);
  // Removes the temporary (nothing for stdout); the destructor does it too.
  void discard();

 private:
  int fd_ = 1;
  bool is_file_ = false, open_ = false;
  std::string name_, temp_;
  uint64_t written_ = 0;
};

}  // namespace nxzip

#endif  // NXZIP_OUTPUT_FILE_H
