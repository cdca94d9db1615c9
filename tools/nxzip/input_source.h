// Buffered reading of one input file (or stdin), shared by the gzip header
// parser and the inflater, which hands back what it did not consume.
#ifndef NXZIP_INPUT_SOURCE_H
#define NXZIP_INPUT_SOURCE_H

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace nxzip {

class InputSource {
 public:
  // `name` is what messages call the input ("stdin" or the path).
  InputSource(int fd, std::string name, size_t buffer_size = 256 * 1024);

  // Reads more when the buffer is empty; false at end of file. Throws
  // FileError on a read error.
  bool fill();
  // The next byte, or -1 at end of file.
  int get() {
    if (pos_ == len_ && !fill()) return -1;
    return buf_[pos_++];
  }
  // The buffered bytes not consumed yet; consume(n) marks n of them used.
  const uint8_t* data() const { return buf_.data() + pos_; }
  size_t available() const { return len_ - pos_; }
  void consume(size_t n) { pos_ += n; }

  // Every byte read from the file so far (consumed or not).
  uint64_t bytes_read() const { return total_; }
  const std::string& name() const { return name_; }
  int fd() const { return fd_; }

 private:
  int fd_;
  std::string name_;
  std::vector<uint8_t> buf_;
  size_t pos_ = 0, len_ = 0;
  uint64_t total_ = 0;
};

// Reads until `n` bytes or end of file; returns the count. Throws FileError.
size_t read_full(int fd, const std::string& name, uint8_t* dst, size_t n);

}  // namespace nxzip

#endif  // NXZIP_INPUT_SOURCE_H
