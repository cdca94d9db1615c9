#include "config/config.h"

#include <atomic>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string_view>

#include "config/log.h"

namespace nxz::config {
namespace {

enum class Kind { kWord, kBool, kPath, kText, kCount, kSize, kLogLevel };

struct Key {
  const char* name;  // file key; the environment's is NXZ_ + upper case
  Kind kind;
  const char* what;
  // The accepted words of a kWord key, '|'-separated.
  const char* words = nullptr;
};

const Key kKeys[] = {
    {"backend", Kind::kWord, "auto | nx | emulated: the accelerator to use (auto: NX when present)",
     "auto|nx|emulated"},
    {"stats", Kind::kBool, "0 | 1: print the request counters on stderr at exit"},
    {"stats_file", Kind::kPath, "FILE: append each process's counters to FILE at exit"},
    {"log", Kind::kLogLevel, "none | error | warn | info | debug (default warn)"},
    {"log_file", Kind::kPath, "FILE: where log lines go (default stderr)"},
    {"timeout_ms", Kind::kCount, "N: abandon a request after N ms and go on in software"},
    {"emu_faults", Kind::kText, "SPEC: fault injection in the emulated engine (tests)"},
    {"zlib", Kind::kPath, "FILE | none: the software zlib to load privately"},
    {"inflate_soft_below", Kind::kSize,
     "BYTES: one-shot uncompress() of less input than this runs in software"},
    {"deflate_soft_below", Kind::kSize,
     "BYTES: one-shot compress() of less input than this runs in software"},
};

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

bool parse_bool(std::string_view v, bool* out) {
  for (const char* t : {"1", "yes", "true", "on"}) {
    if (v == t) return *out = true, true;
  }
  for (const char* f : {"0", "no", "false", "off"}) {
    if (v == f) return *out = false, true;
  }
  return false;
}

bool parse_number(std::string_view v, bool size_suffix, uint64_t* out) {
  if (v.empty() || v.size() > 24) return false;
  uint64_t n = 0;
  size_t i = 0;
  for (; i < v.size() && v[i] >= '0' && v[i] <= '9'; ++i) {
    if (n > (UINT64_MAX - 9) / 10) return false;
    n = n * 10 + static_cast<uint64_t>(v[i] - '0');
  }
  if (i == 0) return false;
  if (i < v.size()) {
    if (!size_suffix || i + 1 != v.size()) return false;
    const int shift = v[i] == 'K' || v[i] == 'k' ? 10 : v[i] == 'M' || v[i] == 'm' ? 20 : -1;
    if (shift < 0 || n > (UINT64_MAX >> shift)) return false;
    n <<= shift;
  }
  *out = n;
  return true;
}

bool parse_log_level(std::string_view v, LogLevel* out) {
  static constexpr std::pair<const char*, LogLevel> kLevels[] = {{"none", LogLevel::kNone},
                                                                 {"error", LogLevel::kError},
                                                                 {"warn", LogLevel::kWarn},
                                                                 {"info", LogLevel::kInfo},
                                                                 {"debug", LogLevel::kDebug}};
  for (const auto& [name, level] : kLevels) {
    if (v == name) return *out = level, true;
  }
  return false;
}

bool word_allowed(const char* words, std::string_view v) {
  std::string_view all(words);
  while (true) {
    const size_t bar = all.find('|');
    if (all.substr(0, bar) == v) return true;
    if (bar == std::string_view::npos) return false;
    all.remove_prefix(bar + 1);
  }
}

// Stores `value` for `key` in `s`; false when it does not parse. A path
// from a file must be absolute: a relative one would be resolved in the
// host program's current directory.
bool assign(Settings* s, const Key& key, std::string_view value, bool from_file) {
  const std::string_view name(key.name);
  switch (key.kind) {
    case Kind::kWord:
      if (!word_allowed(key.words, value)) return false;
      s->backend = std::string(value);
      return true;
    case Kind::kBool:
      return parse_bool(value, &s->stats);
    case Kind::kLogLevel:
      return parse_log_level(value, &s->log);
    case Kind::kCount:
      return parse_number(value, false, &s->timeout_ms) && s->timeout_ms > 0;
    case Kind::kSize:
      return parse_number(
          value, true,
          name == "inflate_soft_below" ? &s->inflate_soft_below : &s->deflate_soft_below);
    case Kind::kText:
      s->emu_faults_set = true;
      s->emu_faults = std::string(value);
      return true;
    case Kind::kPath: {
      if (value.empty()) return false;
      const bool none_ok = name == "zlib" && value == "none";
      if (from_file && value.front() != '/' && !none_ok) return false;
      std::string* dst = name == "stats_file" ? &s->stats_file
                         : name == "log_file" ? &s->log_file
                                              : &s->zlib;
      *dst = std::string(value);
      if (name == "zlib") s->zlib_set = true;
      return true;
    }
  }
  return false;
}

const Key* find_key(std::string_view name) {
  for (const Key& k : kKeys) {
    if (name == k.name) return &k;
  }
  return nullptr;
}

}  // namespace

bool open_error_is_worth_a_warning(int err) {
  return err != ENOENT && err != EACCES && err != EPERM;
}

namespace {

void load_file(const std::string& path, Settings* s, std::vector<std::string>* warnings) {
  std::ifstream in(path);
  if (!in) {
    const int err = errno;
    if (open_error_is_worth_a_warning(err)) warnings->push_back(path + ": " + std::strerror(err));
    return;
  }
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    std::string_view l(line);
    if (const size_t hash = l.find('#'); hash != std::string_view::npos) l = l.substr(0, hash);
    l = trim(l);
    if (l.empty()) continue;
    const std::string where = path + ":" + std::to_string(number) + ": ";
    const size_t eq = l.find('=');
    if (eq == std::string_view::npos) {
      warnings->push_back(where + "not a `key = value` line; ignored");
      continue;
    }
    const std::string_view name = trim(l.substr(0, eq));
    const std::string_view value = trim(l.substr(eq + 1));
    const Key* key = find_key(name);
    if (!key) {
      warnings->push_back(where + "unknown setting `" + std::string(name) + "`; ignored");
      continue;
    }
    Settings trial = *s;
    if (assign(&trial, *key, value, true)) {
      *s = trial;
    } else {
      warnings->push_back(where + "bad value `" + std::string(value) + "` for " + key->name +
                          "; the default stays");
    }
  }
}

const char* real_getenv(const char* name) { return secure_getenv(name); }

}  // namespace

Sources process_sources() {
  Sources src;
  const char* chosen = secure_getenv("NXZ_CONFIG");
  if (chosen && *chosen) {
    if (std::strcmp(chosen, "none") != 0) src.files.push_back(chosen);
    return src;
  }
  src.files.push_back("/etc/nxz.conf");
  // XDG: a relative XDG_CONFIG_HOME is invalid and ignored (it would name
  // a file under the current directory).
  const char* xdg = secure_getenv("XDG_CONFIG_HOME");
  const char* home = secure_getenv("HOME");
  if (xdg && xdg[0] == '/') {
    src.files.push_back(std::string(xdg) + "/nxz/nxz.conf");
  } else if (home && home[0] == '/') {
    src.files.push_back(std::string(home) + "/.config/nxz/nxz.conf");
  }
  return src;
}

void load(const Sources& src, Settings* out, std::vector<std::string>* warnings) {
  Settings s;
  for (const std::string& f : src.files) load_file(f, &s, warnings);
  const auto get = src.getenv ? src.getenv : real_getenv;
  for (const Key& key : kKeys) {
    std::string env = "NXZ_";
    for (const char* c = key.name; *c; ++c) env += static_cast<char>(std::toupper(*c));
    const char* v = get(env.c_str());
    // An empty variable is unset: `NXZ_BACKEND= prog` must not warn.
    if (!v || !*v) continue;
    Settings trial = s;
    if (assign(&trial, key, v, false)) {
      s = trial;
    } else {
      warnings->push_back(env + "=" + v + ": bad value; the default stays");
    }
  }
  *out = s;
}

const Settings& settings() {
  struct Loaded {
    Settings settings;
    std::vector<std::string> warnings;
  };
  static Loaded* loaded = [] {
    auto* l = new Loaded;  // never freed: atexit handlers read it
    load(process_sources(), &l->settings, &l->warnings);
    return l;
  }();
  // The warnings go out through the log, which reads the settings: the
  // flag is set first, so that its call back in here returns at once.
  static std::atomic<bool> warned{false};
  if (!warned.load(std::memory_order_acquire) && !warned.exchange(true)) {
    for (const std::string& w : loaded->warnings) log(LogLevel::kWarn, "config: %s", w.c_str());
  }
  return loaded->settings;
}

const std::vector<KeyInfo>& keys() {
  static const std::vector<KeyInfo> all = [] {
    std::vector<KeyInfo> v;
    for (const Key& k : kKeys) v.push_back({k.name, k.what});
    return v;
  }();
  return all;
}

}  // namespace nxz::config
