// What nxzip does with each operand: compress, decompress, test or list
// one file (or stdin, or a directory's files with -r), with gzip's naming,
// checks, messages and metadata handling.
#ifndef NXZIP_FILE_JOB_H
#define NXZIP_FILE_JOB_H

#include <sys/stat.h>

#include <cstdint>
#include <string>

#include "options.h"

namespace nxzip {

class FileJobs {
 public:
  explicit FileJobs(const Options& o) : o_(o) {}
  // One command-line operand ("-" is stdin). Problems are reported and
  // counted in the exit status; nothing is thrown.
  void run(const std::string& operand);
  // After the last operand: the totals line of -l.
  void finish();

 private:
  void entry(const std::string& path, bool top);
  void compress_file(const std::string& path, const struct stat& st);
  void compress_stdin();
  void decompress_file(const std::string& path, const struct stat& st);
  void decompress_stdin();
  void list_line(const std::string& name, uint64_t compressed, uint64_t uncompressed, uint32_t crc,
                 uint32_t mtime);

  const Options& o_;
  int listed_ = 0;
  uint64_t list_in_ = 0, list_out_ = 0;
};

}  // namespace nxzip

#endif  // NXZIP_FILE_JOB_H
