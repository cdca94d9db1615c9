// Output names: FILE -> FILE.gz when compressing, and back when
// decompressing (.gz and gzip's other suffixes, .tgz/.taz -> .tar).
#ifndef NXZIP_FILE_NAMES_H
#define NXZIP_FILE_NAMES_H

#include <string>

namespace nxzip {

// The compressed-file suffix `path` ends with (the user's -S one or one
// gzip knows), or "" when none. A name that is only the suffix has none.
std::string compressed_suffix(const std::string& path, const std::string& user_suffix);

// The name `path` decompresses to, or "" when it has no known suffix.
std::string decompressed_name(const std::string& path, const std::string& user_suffix);

// The name part of a path ("dir/a.txt" -> "a.txt").
std::string base_name(const std::string& path);
// The directory part with its slash ("dir/a.txt" -> "dir/", "a" -> "").
std::string dir_prefix(const std::string& path);

}  // namespace nxzip

#endif  // NXZIP_FILE_NAMES_H
