#include "file_job.h"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <ctime>
#include <optional>
#include <vector>

#include "deflate_serial.h"
#include "file_names.h"
#include "gzip_header.h"
#include "inflate_members.h"
#include "output_file.h"
#include "progress.h"
#include "report.h"

namespace nxzip {
namespace {

// Closes a descriptor at scope exit.
struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd > 2) close(fd);
  }
};

// (in - out) / in as gzip shows it: " 64.2%".
std::string ratio_text(uint64_t uncompressed, uint64_t compressed) {
  double r = 0;
  if (uncompressed > 0)
    r = 100.0 * (static_cast<double>(uncompressed) - static_cast<double>(compressed)) /
        static_cast<double>(uncompressed);
  char b[16];
  std::snprintf(b, sizeof b, "%5.1f%%", r);
  return b;
}

bool exists(const std::string& path) {
  struct stat st;
  return lstat(path.c_str(), &st) == 0;
}

// The entries of a directory, sorted so that the order is the same on
// every file system.
std::vector<std::string> list_dir(const std::string& dir) {
  DIR* d = opendir(dir.c_str());
  if (!d) throw system_error(dir, errno);
  std::vector<std::string> names;
  while (const dirent* e = readdir(d)) {
    const std::string n = e->d_name;
    if (n != "." && n != "..") names.push_back(n);
  }
  closedir(d);
  std::sort(names.begin(), names.end());
  return names;
}

// Opens an input named on the command line or found by -r. A symbolic link
// is followed only with -f, as gzip does.
int open_input(const std::string& path, bool force) {
  const int fd = open(path.c_str(), O_RDONLY | O_NOCTTY | (force ? 0 : O_NOFOLLOW));
  if (fd < 0) throw system_error(path, errno);
  return fd;
}

// A name stored in a header, made safe to create beside the input: its
// last path component only.
std::string stored_name(const GzipHeader& h) {
  if (!h.has_name) return "";
  const std::string n = base_name(h.name);
  return n == "." || n == ".." ? "" : n;
}

// gzip -dcf: input that does not start with the gzip magic is copied to
// stdout as it is. True when it was.
bool pass_through(InputSource* src) {
  if (!src->fill()) return false;  // empty: nothing to copy either way
  if (src->available() >= 2 && src->data()[0] == 0x1f && src->data()[1] == 0x8b) return false;
  Output out;
  do {
    out.write(src->data(), src->available());
    src->consume(src->available());
  } while (src->fill());
  return true;
}

}  // namespace

void FileJobs::run(const std::string& operand) {
  try {
    if (operand == "-") {
      if (o_.mode == Mode::kCompress) {
        compress_stdin();
      } else {
        decompress_stdin();
      }
      return;
    }
    entry(operand, true);
  } catch (const FileError& e) {
    report_error(e.what());
  }
}

void FileJobs::entry(const std::string& given, bool top) {
  std::string path = given;
  struct stat st;
  if (lstat(path.c_str(), &st) != 0) {
    const int err = errno;
    // gzip -d FILE also finds FILE.gz, and when neither is there names FILE.gz.
    const bool try_suffix = err == ENOENT && top && o_.mode != Mode::kCompress &&
                            compressed_suffix(path, o_.suffix).empty();
    if (!try_suffix) throw system_error(path, err);
    path += o_.suffix;
    if (lstat(path.c_str(), &st) != 0) throw system_error(path, errno);
  }
  if (S_ISLNK(st.st_mode)) {
    if (!o_.force) throw system_error(path, ELOOP);
    if (stat(path.c_str(), &st) != 0) throw system_error(path, errno);
  }
  if (S_ISDIR(st.st_mode)) {
    if (!o_.recursive) {
      report_warning(path + " is a directory -- ignored");
      return;
    }
    const std::string dir = path.ends_with("/") ? path : path + "/";
    for (const std::string& name : list_dir(path)) {
      try {
        entry(dir + name, false);
      } catch (const FileError& e) {
        report_error(e.what());
      }
    }
    return;
  }
  if (!S_ISREG(st.st_mode)) {
    report_warning(path + " is not a directory or a regular file - ignored");
    return;
  }
  if (o_.mode == Mode::kCompress) {
    compress_file(path, st);
  } else {
    decompress_file(path, st);
  }
}

void FileJobs::compress_file(const std::string& path, const struct stat& st) {
  const std::string suffix = compressed_suffix(path, o_.suffix);
  if (!suffix.empty() && !o_.force) {
    // Under -r a compressed file is passed over without a word.
    if (o_.verbosity > 1 || !o_.recursive)
      report_warning(path + " already has " + suffix + " suffix -- unchanged");
    return;
  }
  if (st.st_nlink > 1 && !o_.force && !o_.to_stdout) {
    const nlink_t others = st.st_nlink - 1;
    report_warning(path + " has " + std::to_string(others) + " other link" +
                   (others > 1 ? "s" : "") + " -- file ignored");
    return;
  }
  const std::string out_name = path + o_.suffix;
  if (!o_.to_stdout && !o_.force && exists(out_name)) {
    report_warning(out_name + " already exists; not overwritten");
    return;
  }
  Fd in{open_input(path, o_.force)};
  const std::string name = base_name(path);
  const std::vector<uint8_t> header =
      make_header(o_.use_name() ? &name : nullptr,
                  o_.use_name() ? static_cast<uint32_t>(st.st_mtim.tv_sec) : 0, o_.level);
  std::optional<Output> out;
  if (o_.to_stdout) {
    out.emplace();
  } else {
    out.emplace(out_name);
  }
  {
    Progress progress(path, static_cast<uint64_t>(st.st_size), o_.verbosity == 0);
    compress_member(in.fd, path, header, {o_.level, o_.processes, o_.block}, &*out, &progress);
  }
  out->commit(&st, o_.force);
  const uint64_t written = out->bytes_written();
  if (!o_.to_stdout && !o_.keep && unlink(path.c_str()) != 0) throw system_error(path, errno);
  if (o_.verbosity > 1) {
    std::string line = path + ":\t" + ratio_text(static_cast<uint64_t>(st.st_size), written);
    if (!o_.to_stdout) line += (o_.keep ? " -- created " : " -- replaced with ") + out_name;
    std::fprintf(stderr, "%s\n", line.c_str());
  }
}

void FileJobs::compress_stdin() {
  if (isatty(1) && !o_.force) {
    throw FileError(
        "compressed data not written to a terminal. Use -f to force compression.\n"
        "For help, type: nxzip -h");
  }
  struct stat st;
  const bool regular = fstat(0, &st) == 0 && S_ISREG(st.st_mode);
  const uint32_t mtime = regular && o_.use_name() ? static_cast<uint32_t>(st.st_mtim.tv_sec) : 0;
  Output out;
  Progress progress("stdin", regular ? static_cast<uint64_t>(st.st_size) : 0, o_.verbosity == 0);
  compress_member(0, "stdin", make_header(nullptr, mtime, o_.level),
                  {o_.level, o_.processes, o_.block}, &out, &progress);
  out.commit(nullptr, false);
}

void FileJobs::decompress_stdin() {
  if (isatty(0) && !o_.force) {
    throw FileError(
        "compressed data not read from a terminal. Use -f to force decompression.\n"
        "For help, type: nxzip -h");
  }
  InputSource src(0, "stdin");
  if (o_.force && o_.mode == Mode::kDecompress && pass_through(&src)) return;
  GzipHeader h;
  const HeaderResult hr = read_header(&src, &h);
  // An empty input is a truncated one to gzip.
  if (hr == HeaderResult::kTruncated || hr == HeaderResult::kEnd)
    throw FileError("stdin: unexpected end of file");
  if (hr != HeaderResult::kOk) throw FileError("stdin: not in gzip format");
  Progress progress("stdin", 0, o_.verbosity == 0);
  std::optional<Output> out;
  if (o_.mode == Mode::kDecompress) out.emplace();
  const InflateResult r = inflate_members(&src, out ? &*out : nullptr, &progress);
  if (out) out->commit(nullptr, false);
  if (r.trailing_garbage) report_warning("stdin: decompression OK, trailing garbage ignored");
  if (o_.mode == Mode::kList) {
    list_line("stdout", src.bytes_read(), r.out, r.last_crc, h.mtime);
  } else if (o_.mode == Mode::kTest && o_.verbosity > 1) {
    std::fprintf(stderr, "stdin:\t OK\n");
  }
}

void FileJobs::decompress_file(const std::string& path, const struct stat& st) {
  std::string out_name = decompressed_name(path, o_.suffix);
  if (out_name.empty() && o_.mode == Mode::kDecompress && !o_.to_stdout) {
    if (o_.verbosity > 1 || !o_.recursive) report_warning(path + ": unknown suffix -- ignored");
    return;
  }
  // Under -r, -t and -l pass over files that do not look compressed.
  if (out_name.empty() && o_.recursive && !o_.to_stdout) return;
  Fd in{open_input(path, o_.force)};
  InputSource src(in.fd, path);
  if (o_.force && o_.to_stdout && o_.mode == Mode::kDecompress && pass_through(&src)) return;
  GzipHeader h;
  const HeaderResult hr = read_header(&src, &h);
  if (hr == HeaderResult::kTruncated || hr == HeaderResult::kEnd)
    throw FileError(path + ": unexpected end of file");
  if (hr != HeaderResult::kOk) throw FileError(path + ": not in gzip format");
  if (o_.use_name() && !stored_name(h).empty()) out_name = dir_prefix(path) + stored_name(h);
  if (out_name.empty()) out_name = path;

  if (o_.mode == Mode::kDecompress && !o_.to_stdout) {
    if (out_name == path) throw FileError(path + ": would decompress onto itself -- ignored");
    if (!o_.force && exists(out_name)) {
      report_warning(out_name + " already exists; not overwritten");
      return;
    }
  }
  std::optional<Output> out;
  if (o_.mode == Mode::kDecompress) {
    if (o_.to_stdout) {
      out.emplace();
    } else {
      out.emplace(out_name);
    }
  }
  InflateResult r;
  {
    Progress progress(path, static_cast<uint64_t>(st.st_size), o_.verbosity == 0);
    r = inflate_members(&src, out ? &*out : nullptr, &progress);
  }
  if (out) {
    struct stat like = st;
    // -N: the time stamp stored in the header, when there is one.
    if (o_.use_name() && h.mtime != 0) {
      like.st_mtim.tv_sec = h.mtime;
      like.st_mtim.tv_nsec = 0;
    }
    out->commit(&like, o_.force);
  }
  if (r.trailing_garbage) report_warning(path + ": decompression OK, trailing garbage ignored");
  if (o_.mode == Mode::kList) {
    list_line(out_name, static_cast<uint64_t>(st.st_size), r.out, r.last_crc, h.mtime);
    return;
  }
  if (o_.mode == Mode::kTest) {
    if (o_.verbosity > 1) std::fprintf(stderr, "%s:\t OK\n", path.c_str());
    return;
  }
  if (!o_.to_stdout && !o_.keep && unlink(path.c_str()) != 0) throw system_error(path, errno);
  if (o_.verbosity > 1) {
    std::string line = path + ":\t" + ratio_text(r.out, static_cast<uint64_t>(st.st_size));
    if (!o_.to_stdout) line += (o_.keep ? " -- created " : " -- replaced with ") + out_name;
    std::fprintf(stderr, "%s\n", line.c_str());
  }
}

void FileJobs::list_line(const std::string& name, uint64_t compressed, uint64_t uncompressed,
                         uint32_t crc, uint32_t mtime) {
  const bool verbose = o_.verbosity > 1;
  if (listed_ == 0) {
    std::printf("%s         compressed        uncompressed  ratio uncompressed_name\n",
                verbose ? "method  crc     date  time  " : "");
  }
  if (verbose) {
    char date[32] = "";
    const time_t t = mtime;
    struct tm tm;
    if (localtime_r(&t, &tm)) std::strftime(date, sizeof date, "%b %e %H:%M", &tm);
    std::printf("defla %08x %s ", crc, date);
  }
  std::printf("%19llu %19llu %s %s\n", static_cast<unsigned long long>(compressed),
              static_cast<unsigned long long>(uncompressed),
              ratio_text(uncompressed, compressed).c_str(), name.c_str());
  ++listed_;
  list_in_ += compressed;
  list_out_ += uncompressed;
}

void FileJobs::finish() {
  if (listed_ < 2) return;
  std::printf("%s%19llu %19llu %s (totals)\n",
              o_.verbosity > 1 ? "                            " : "",
              static_cast<unsigned long long>(list_in_), static_cast<unsigned long long>(list_out_),
              ratio_text(list_out_, list_in_).c_str());
}

}  // namespace nxzip
