// The progress line: on stderr, only when stderr is a terminal and the
// input is large (a redirected or piped stderr stays silent, as does a
// small file), redrawn a few times a second with bytes, rate and ratio.
#ifndef NXZIP_PROGRESS_H
#define NXZIP_PROGRESS_H

#include <chrono>
#include <cstdint>
#include <string>

namespace nxzip {

class Progress {
 public:
  // `total` is the input's size, 0 when unknown (a pipe): the line then
  // appears once that much has been read.
  Progress(std::string name, uint64_t total, bool quiet);
  ~Progress();
  // Bytes read from the input and written to the output so far.
  void update(uint64_t in, uint64_t out);

  // Inputs at least this large get a progress line.
  static constexpr uint64_t kLargeInput = uint64_t{16} << 20;

 private:
  std::string name_;
  uint64_t total_;
  bool enabled_;
  std::chrono::steady_clock::time_point start_, last_;
};

// Erases a progress line being shown, before another message is printed.
void progress_clear_line();

}  // namespace nxzip

#endif  // NXZIP_PROGRESS_H
