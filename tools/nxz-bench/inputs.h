// What nxz-bench measures: files named on the command line, the project's
// corpus, or files that every Debian system has.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace nxz::bench {

struct Input {
  std::string name;
  std::vector<uint8_t> data;
};

// A piece of an input compressed as one independent stream.
struct Chunk {
  const uint8_t* data;
  size_t size;
  const std::string* input;  // the name of the input it belongs to
  size_t offset;             // where in that input it starts
};

// Reads each FILE, and each DIR's regular files (sorted, not recursive,
// hidden files skipped). Empty files are skipped. False and *error on an
// unreadable path.
bool load_paths(const std::vector<std::string>& paths, std::vector<Input>* out, std::string* error);

// The corpus when it exists ($NXZ_CORPUS_DIR, else the build's corpus
// path), otherwise system files; *description says which.
std::vector<Input> default_inputs(std::string* description);

// Splits every input into chunks of at most `chunk` bytes (0 = whole). The
// chunks point into the inputs, which must outlive them.
std::vector<Chunk> make_chunks(const std::vector<Input>& inputs, size_t chunk);
void append_chunks(const Input& input, size_t chunk, std::vector<Chunk>* out);

}  // namespace nxz::bench
