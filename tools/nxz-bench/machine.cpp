#include "machine.h"

#include <sys/utsname.h>
#include <unistd.h>

#include <ctime>
#include <fstream>
#include <thread>

namespace nxz::bench {
namespace {

std::string trim(const std::string& s) {
  const size_t b = s.find_first_not_of(" \t");
  const size_t e = s.find_last_not_of(" \t\r\n");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

// The first "model name" line; POWER names its processor in "cpu" instead
// ("POWER9 (raw), altivec supported").
std::string cpu_model() {
  std::ifstream f("/proc/cpuinfo");
  std::string line, power;
  while (std::getline(f, line)) {
    const size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    const std::string key = trim(line.substr(0, colon));
    if (key == "model name") return trim(line.substr(colon + 1));
    if (key == "cpu" && power.empty()) power = trim(line.substr(colon + 1));
  }
  return power.empty() ? "unknown CPU" : power;
}

}  // namespace

Machine describe_machine() {
  Machine m;
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) == 0) m.hostname = host;
  m.cpu_model = cpu_model();
  utsname u{};
  if (uname(&u) == 0) m.arch = u.machine;
  m.cpus = std::thread::hardware_concurrency();
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char date[32];
  std::strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", &tm);
  m.date = date;
  return m;
}

}  // namespace nxz::bench
