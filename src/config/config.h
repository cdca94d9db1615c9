// The library's settings: the environment, else a system file and a per-user
// file, else the defaults. Read once, at the first call of settings().
//
// Where each setting comes from, strongest first:
//   1. NXZ_<KEY> in the environment (secure_getenv: ignored in setuid programs)
//   2. the per-user file: $XDG_CONFIG_HOME/nxz/nxz.conf, else ~/.config/nxz/nxz.conf
//   3. the system file: /etc/nxz.conf
// NXZ_CONFIG=FILE reads that one file instead of 2 and 3 (NXZ_CONFIG=none:
// no file). Never a file named by a relative path: a program's current
// directory must not reconfigure the library inside it.
//
// File syntax: `key = value` lines; `#` starts a comment; keys are the
// environment names without NXZ_, in lower case (`backend = emulated`).
// An unknown key or a malformed value costs one warning (see log.h) and the
// setting keeps its default: never an error inside someone else's program.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace nxz::config {

enum class LogLevel { kNone, kError, kWarn, kInfo, kDebug };

struct Settings {
  std::string backend = "auto";  // auto | nx | emulated
  bool stats = false;            // counters on stderr at exit
  std::string stats_file;        // counters appended to this file at exit
  LogLevel log = LogLevel::kWarn;
  std::string log_file;         // empty: stderr
  uint64_t timeout_ms = 0;      // 0: the driver's default
  bool emu_faults_set = false;  // the emulated engine's fault injection
  std::string emu_faults;
  bool zlib_set = false;  // the software codec's file; "none": no software
  std::string zlib;
  // One-shot calls (compress2, uncompress) with fewer input bytes than this
  // run in software: the accelerator's set-up costs more than they do. The
  // default is where the two cost the same on the emulated engine (measured:
  // a 4 KiB uncompress() 17.7 us on the engine, 12.5 us in zlib; 16 KiB
  // even). Compression has no such point: the engine wins at 256 bytes.
  uint64_t inflate_soft_below = 8192;
  uint64_t deflate_soft_below = 0;
};

// The process's settings (parsed once; thread-safe).
const Settings& settings();

// What settings() is made from, exposed for tests.
struct Sources {
  std::vector<std::string> files;  // weakest first
  // NXZ_<KEY> lookups; null: the real environment.
  const char* (*getenv)(const char*) = nullptr;
};
// The sources of the real process: the files named above, the environment.
Sources process_sources();
// Parses `src` into `out` (starting from the defaults), appending a message
// for each problem to `warnings`.
void load(const Sources& src, Settings* out, std::vector<std::string>* warnings);
// Whether a settings file that failed to open with `err` is worth a
// warning: not when absent, nor when a sandbox or permissions keep it
// away (sshd's pre-auth child answers EACCES and dies of a write to its
// stderr; the host program's output must not change).
bool open_error_is_worth_a_warning(int err);

// The documented keys (for tools that print them).
struct KeyInfo {
  const char* key;
  const char* what;
};
const std::vector<KeyInfo>& keys();

}  // namespace nxz::config
