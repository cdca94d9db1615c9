#include "file_names.h"

namespace nxzip {
namespace {

struct KnownSuffix {
  const char* suffix;
  const char* replacement;  // what the suffix becomes when decompressed
};
// The user's suffix is tried first; these are the ones gzip also knows.
constexpr KnownSuffix kKnown[] = {{".gz", ""}, {"-gz", ""},      {".z", ""},      {"-z", ""},
                                  {"_z", ""},  {".tgz", ".tar"}, {".taz", ".tar"}};

bool ends_with_suffix(const std::string& name, const std::string& suffix) {
  // The whole name being the suffix (".gz") is a name, not a suffix.
  return name.size() > suffix.size() && name.ends_with(suffix);
}

}  // namespace

std::string base_name(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string dir_prefix(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? "" : path.substr(0, slash + 1);
}

std::string compressed_suffix(const std::string& path, const std::string& user_suffix) {
  const std::string name = base_name(path);
  if (ends_with_suffix(name, user_suffix)) return user_suffix;
  for (const KnownSuffix& k : kKnown)
    if (ends_with_suffix(name, k.suffix)) return k.suffix;
  return "";
}

std::string decompressed_name(const std::string& path, const std::string& user_suffix) {
  const std::string name = base_name(path);
  if (ends_with_suffix(name, user_suffix)) return path.substr(0, path.size() - user_suffix.size());
  for (const KnownSuffix& k : kKnown) {
    const std::string s = k.suffix;
    if (ends_with_suffix(name, s)) return path.substr(0, path.size() - s.size()) + k.replacement;
  }
  return "";
}

}  // namespace nxzip
