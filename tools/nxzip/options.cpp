#include "options.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string_view>

#ifndef NXZIP_VERSION
#define NXZIP_VERSION "unknown"
#endif

namespace nxzip {
namespace {

void usage(FILE* out) {
  std::fputs(
      "Usage: nxzip [OPTION]... [FILE]...\n"
      "Compress or decompress FILEs in the gzip format (by default, compress them in\n"
      "place), on the NX-GZIP accelerator through libnxz. With no FILE, or when FILE\n"
      "is -, read standard input and write standard output.\n"
      "\n"
      "  -c, --stdout        write on standard output, keep the input files\n"
      "  -d, --decompress    decompress\n"
      "  -f, --force         overwrite existing output, compress links and terminals\n"
      "  -k, --keep          keep (do not delete) the input files\n"
      "  -l, --list          list the sizes and names stored in compressed files\n"
      "  -n, --no-name       compress: do not store the name and time stamp;\n"
      "                      decompress: do not restore them (the default)\n"
      "  -N, --name          compress: store them (the default);\n"
      "                      decompress: restore them\n"
      "  -q, --quiet         no warnings\n"
      "  -r, --recursive     work on the files in directories\n"
      "  -S, --suffix=SUF    use suffix SUF instead of .gz\n"
      "  -t, --test          check the integrity of compressed files\n"
      "  -v, --verbose       say what is done to each file\n"
      "  -1, --fast ... -9, --best   compression level (default 6)\n"
      "  -p, --processes=N   compress on N threads (default: the online cores)\n"
      "      --block=SIZE    input per parallel block, K or M suffix (default 1M)\n"
      "      --backend=auto|nx|emulated   the accelerator libnxz uses\n"
      "      --stats         print libnxz's request counters at the end\n"
      "  -h, --help          this text\n"
      "  -V, --version       the version\n"
      "\n"
      "Exit status: 0 success, 1 an error, 2 a warning (a file was skipped).\n",
      out);
}

[[noreturn]] void usage_error(const std::string& msg) {
  std::fprintf(stderr, "nxzip: %s\nTry 'nxzip --help' for more information.\n", msg.c_str());
  std::exit(1);
}

// "123", "64K", "1M": a positive size in bytes; 0 when malformed.
size_t parse_size(std::string_view v) {
  size_t n = 0, i = 0;
  for (; i < v.size() && v[i] >= '0' && v[i] <= '9'; ++i) {
    if (n > (size_t{1} << 40)) return 0;
    n = n * 10 + static_cast<size_t>(v[i] - '0');
  }
  if (i == 0) return 0;
  if (i + 1 == v.size()) {
    const char s = v[i];
    if (s == 'k' || s == 'K') return n << 10;
    if (s == 'm' || s == 'M') return n << 20;
    return 0;
  }
  return i == v.size() ? n : 0;
}

void set_processes(Options* o, const std::string& v) {
  const size_t n = parse_size(v);
  if (n == 0 || n > 1024 || v.find_first_not_of("0123456789") != std::string::npos)
    usage_error("-p needs a number of threads from 1 to 1024, not '" + v + "'");
  o->processes = static_cast<unsigned>(n);
}

void set_block(Options* o, const std::string& v) {
  const size_t n = parse_size(v);
  if (n < 4096 || n > (size_t{1} << 30))
    usage_error("--block needs a size from 4K to 1024M, not '" + v + "'");
  o->block = n;
}

void set_backend(Options* o, const std::string& v) {
  if (v != "auto" && v != "nx" && v != "emulated")
    usage_error("--backend must be auto, nx or emulated, not '" + v + "'");
  o->backend = v;
}

void set_suffix(Options* o, const std::string& v) {
  if (v.empty() || v.find('/') != std::string::npos) usage_error("invalid suffix '" + v + "'");
  o->suffix = v;
}

// One flag letter of a bundle like -dc9; true when it takes a value.
bool takes_value(char c) { return c == 'S' || c == 'p'; }

void short_flag(Options* o, char c, const std::string& value) {
  switch (c) {
    case 'c':
      o->to_stdout = true;
      break;
    case 'd':
      o->mode = Mode::kDecompress;
      break;
    case 'f':
      o->force = true;
      break;
    case 'k':
      o->keep = true;
      break;
    case 'l':
      o->mode = Mode::kList;
      break;
    case 'n':
      o->name_set = true, o->name = false;
      break;
    case 'N':
      o->name_set = true, o->name = true;
      break;
    case 'q':
      o->verbosity = 0;
      break;
    case 'r':
      o->recursive = true;
      break;
    case 't':
      o->mode = Mode::kTest;
      break;
    case 'v':
      o->verbosity = o->verbosity < 2 ? 2 : o->verbosity + 1;
      break;
    case 'S':
      set_suffix(o, value);
      break;
    case 'p':
      set_processes(o, value);
      break;
    case 'h':
      usage(stdout);
      std::exit(0);
    case 'V':
      std::printf("nxzip %s\n", NXZIP_VERSION);
      std::exit(0);
    default:
      if (c >= '1' && c <= '9') {
        o->level = c - '0';
        break;
      }
      usage_error(std::string("invalid option -- '") + c + "'");
  }
}

struct LongOption {
  const char* name;
  char letter;  // the short form it means, or 0
  bool value;
};
constexpr LongOption kLong[] = {
    {"stdout", 'c', false},     {"to-stdout", 'c', false}, {"decompress", 'd', false},
    {"uncompress", 'd', false}, {"force", 'f', false},     {"keep", 'k', false},
    {"list", 'l', false},       {"no-name", 'n', false},   {"name", 'N', false},
    {"quiet", 'q', false},      {"silent", 'q', false},    {"recursive", 'r', false},
    {"suffix", 'S', true},      {"test", 't', false},      {"verbose", 'v', false},
    {"fast", '1', false},       {"best", '9', false},      {"processes", 'p', true},
    {"help", 'h', false},       {"version", 'V', false},   {"block", 0, true},
    {"backend", 0, true},       {"stats", 0, false},
};

}  // namespace

Options parse_options(int argc, char** argv) {
  Options o;
  bool options_done = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (options_done || arg == "-" || arg.empty() || arg[0] != '-') {
      o.files.push_back(arg);
      continue;
    }
    if (arg == "--") {
      options_done = true;
      continue;
    }
    if (arg.rfind("--", 0) == 0) {
      const size_t eq = arg.find('=');
      const std::string name = arg.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
      const LongOption* found = nullptr;
      for (const LongOption& l : kLong)
        if (name == l.name) found = &l;
      if (!found) usage_error("unrecognized option '" + arg + "'");
      std::string value;
      if (found->value) {
        if (eq != std::string::npos) {
          value = arg.substr(eq + 1);
        } else if (i + 1 < argc) {
          value = argv[++i];
        } else {
          usage_error("option '--" + name + "' requires an argument");
        }
      } else if (eq != std::string::npos) {
        usage_error("option '--" + name + "' doesn't allow an argument");
      }
      if (found->letter) {
        short_flag(&o, found->letter, value);
      } else if (name == "block") {
        set_block(&o, value);
      } else if (name == "backend") {
        set_backend(&o, value);
      } else {
        o.stats = true;
      }
      continue;
    }
    for (size_t j = 1; j < arg.size(); ++j) {
      const char c = arg[j];
      std::string value;
      if (takes_value(c)) {
        if (j + 1 < arg.size()) {
          value = arg.substr(j + 1);
        } else if (i + 1 < argc) {
          value = argv[++i];
        } else {
          usage_error(std::string("option requires an argument -- '") + c + "'");
        }
        short_flag(&o, c, value);
        break;
      }
      short_flag(&o, c, value);
    }
  }
  if (o.processes == 0) {
    const long cores = sysconf(_SC_NPROCESSORS_ONLN);
    o.processes = cores > 0 ? static_cast<unsigned>(cores) : 1;
  }
  if (o.files.empty()) o.files.push_back("-");
  return o;
}

}  // namespace nxzip
