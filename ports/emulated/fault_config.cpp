#include "emulated/fault_config.h"

#include <charconv>
#include <cstring>

namespace nxz::emu {
namespace {

struct Name {
  const char* text;
  FaultKind kind;
};
constexpr Name kRuleNames[] = {
    {"fault", FaultKind::kFault},        {"fault_src", FaultKind::kFaultSrc},
    {"fault_dst", FaultKind::kFaultDst}, {"fault_csb", FaultKind::kFaultCsb},
    {"busy", FaultKind::kBusy},          {"late", FaultKind::kLate},
    {"hang", FaultKind::kHang},          {"hwerr", FaultKind::kHwerr},
};

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool parse_u64(std::string_view s, uint64_t* v) {
  int base = 10;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    s.remove_prefix(2);
    base = 16;
  }
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *v, base);
  return ec == std::errc() && p == s.data() + s.size();
}

// A fraction in [0, 1], or a percentage in [0, 100] with a trailing '%'.
bool parse_rate(std::string_view s, double* v) {
  bool percent = false;
  if (!s.empty() && s.back() == '%') {
    percent = true;
    s.remove_suffix(1);
  }
  if (s.empty()) return false;
  // from_chars for double is in gcc 12's libstdc++; strtod would need a copy.
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *v);
  if (ec != std::errc() || p != s.data() + s.size()) return false;
  if (percent) *v /= 100;
  return *v >= 0 && *v <= 1;
}

// A duration in microseconds: N, Nns, Nus, Nms or Ns.
bool parse_duration_us(std::string_view s, uint64_t* us) {
  struct Unit {
    const char* suffix;
    double to_us;
  };
  static constexpr Unit kUnits[] = {{"ns", 1e-3}, {"us", 1}, {"ms", 1e3}, {"s", 1e6}};
  double scale = 1;
  for (const Unit& u : kUnits) {
    const size_t n = std::strlen(u.suffix);
    if (s.size() > n && s.substr(s.size() - n) == u.suffix) {
      scale = u.to_us;
      s.remove_suffix(n);
      break;
    }
  }
  double v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || p != s.data() + s.size() || v < 0) return false;
  *us = static_cast<uint64_t>(v * scale + 0.5);
  return true;
}

bool parse_arg(FaultKind kind, std::string_view arg, bool has_arg, uint64_t* out,
               std::string* why) {
  if (kind == FaultKind::kLate) {
    *out = 100;
    if (has_arg && !parse_duration_us(arg, out)) {
      *why = "bad duration";
      return false;
    }
    return true;
  }
  if (kind == FaultKind::kHwerr) {
    *out = 0;
    if (has_arg && (!parse_u64(arg, out) || *out == 0 || *out > 255)) {
      *why = "completion code must be 1..255";
      return false;
    }
    return true;
  }
  if (has_arg) {
    *why = "takes no ':' argument";
    return false;
  }
  *out = 0;
  return true;
}

bool parse_item(std::string_view item, FaultSpec* spec, std::string* why) {
  const size_t sep = item.find_first_of("=@");
  if (sep == std::string_view::npos) {
    *why = "expected name=value or name@index";
    return false;
  }
  const std::string_view name = trim(item.substr(0, sep));
  std::string_view value = trim(item.substr(sep + 1));
  const bool at_index = item[sep] == '@';

  if (!at_index && name == "sim") {
    if (!parse_u64(value, &spec->sim_seed)) *why = "bad number";
    return why->empty();
  }
  if (!at_index && name == "seed") {
    if (!parse_u64(value, &spec->seed)) *why = "bad number";
    return why->empty();
  }
  if (!at_index && name == "maxinject") {
    uint64_t v = 0;
    if (!parse_u64(value, &v) || v > 1000000) *why = "bad count";
    spec->max_inject = static_cast<uint32_t>(v);
    return why->empty();
  }
  if (!at_index && name == "residency") {
    if (value == "on" || value == "1") {
      spec->residency = true;
    } else if (value == "off" || value == "0") {
      spec->residency = false;
    } else {
      *why = "expected on or off";
    }
    return why->empty();
  }
  for (const Name& n : kRuleNames) {
    if (name != n.text) continue;
    const size_t colon = value.find(':');
    const bool has_arg = colon != std::string_view::npos;
    const std::string_view arg = has_arg ? trim(value.substr(colon + 1)) : std::string_view{};
    value = trim(value.substr(0, colon));
    uint64_t a = 0;
    if (!parse_arg(n.kind, arg, has_arg, &a, why)) return false;
    FaultRule& r = spec->rule(n.kind);
    if (at_index) {
      uint64_t index = 0;
      if (!parse_u64(value, &index)) {
        *why = "bad index";
        return false;
      }
      r.at.emplace_back(index, a);
    } else {
      if (!parse_rate(value, &r.rate)) {
        *why = "rate must be 0..1 or 0..100%";
        return false;
      }
      r.rate_arg = a;
    }
    return true;
  }
  *why = "unknown name";
  return false;
}

}  // namespace

bool FaultSpec::injects() const {
  for (const FaultRule& r : rules)
    if (!r.empty()) return true;
  return false;
}

bool parse_fault_spec(std::string_view text, FaultSpec* out, std::string* err) {
  while (!text.empty()) {
    const size_t comma = text.find(',');
    const std::string_view item = trim(text.substr(0, comma));
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
    if (item.empty()) continue;
    std::string why;
    if (!parse_item(item, out, &why)) {
      if (err) {
        err->assign(1, '\'');
        err->append(item).append("': ").append(why);
      }
      return false;
    }
  }
  return true;
}

uint64_t fault_hash(uint64_t seed, uint64_t a, uint64_t b) {
  // splitmix64's finaliser over a combination that keeps (a, b) distinct.
  uint64_t z = seed ^ (a + 0x9e3779b97f4a7c15ull) * 0xbf58476d1ce4e5b9ull ^
               (b + 0x632be59bd9b4e019ull) * 0x94d049bb133111ebull;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

bool rule_fires(const FaultRule& rule, uint64_t seed, FaultKind kind, uint64_t index,
                uint64_t* arg) {
  for (const auto& [at, a] : rule.at) {
    if (at == index) {
      *arg = a;
      return true;
    }
  }
  if (rule.rate <= 0) return false;
  const uint64_t h = fault_hash(seed, static_cast<uint64_t>(kind), index);
  const double u = static_cast<double>(h >> 11) * 0x1.0p-53;
  if (u >= rule.rate) return false;
  *arg = rule.rate_arg;
  return true;
}

}  // namespace nxz::emu
