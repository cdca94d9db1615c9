#include "soak/soak_fork.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include <chrono>
#include <thread>

#include "api/ref_zlib.h"

namespace nxz::soak {
namespace {

// Streaming calls until the input given is consumed (and, with Z_FINISH,
// the stream ended); false on any other return code.
bool pump(z_stream& s, bool deflating, int flush, Bytes* out) {
  uint8_t window[16384];
  for (;;) {
    s.next_out = window;
    s.avail_out = sizeof window;
    const int rc = deflating ? deflate(&s, flush) : inflate(&s, Z_NO_FLUSH);
    out->insert(out->end(), window, window + (sizeof window - s.avail_out));
    if (rc == Z_STREAM_END) return true;
    if (rc != Z_OK && rc != Z_BUF_ERROR) return false;
    if (s.avail_out > 0 && s.avail_in == 0 && !(deflating && flush == Z_FINISH)) return true;
    if (rc == Z_BUF_ERROR && s.avail_out > 0) return false;
  }
}

struct OpenStreams {
  Bytes plain_a, plain_b, packed_b;  // a: deflated by us; b: zlib's, inflated by us
  z_stream def{}, inf{};
  Bytes def_out, inf_out;
  int bits_a = 15;
};

// The second halves, and the checks that need nothing but libnxz.so (a
// child must not call into the reference: another thread may have held its
// private allocator's lock when the process forked).
bool finish(OpenStreams& o, std::string* why) {
  o.def.next_in = o.plain_a.data() + o.plain_a.size() / 2;
  o.def.avail_in = static_cast<uInt>(o.plain_a.size() - o.plain_a.size() / 2);
  const bool def_ok = pump(o.def, true, Z_FINISH, &o.def_out);
  deflateEnd(&o.def);
  o.inf.next_in = o.packed_b.data() + o.packed_b.size() / 2;
  o.inf.avail_in = static_cast<uInt>(o.packed_b.size() - o.packed_b.size() / 2);
  const bool inf_ok = pump(o.inf, false, Z_NO_FLUSH, &o.inf_out);
  inflateEnd(&o.inf);
  if (!def_ok) return *why = "deflate after the fork", false;
  if (!inf_ok || o.inf_out != o.plain_b) return *why = "inflate after the fork", false;
  z_stream s{};
  if (inflateInit2(&s, o.bits_a) != Z_OK) return *why = "inflateInit2", false;
  Bytes back;
  s.next_in = o.def_out.data();
  s.avail_in = static_cast<uInt>(o.def_out.size());
  const bool ok = pump(s, false, Z_NO_FLUSH, &back) && back == o.plain_a;
  inflateEnd(&s);
  if (!ok) return *why = "the stream deflated across the fork does not decode", false;
  return true;
}

}  // namespace

bool run_fork_job(uint64_t seed, const DataPool& pool, ForkCounters& c, std::string* why) {
  std::mt19937_64 rng(seed);
  OpenStreams o;
  o.plain_a = pool.slice(rng, 64 * 1024 + rng() % (512 * 1024));
  o.plain_b = pool.slice(rng, 64 * 1024 + rng() % (512 * 1024));
  o.bits_a = rng() % 2 ? 15 : 31;
  o.packed_b = test::ref_compress(o.plain_b, int(rng() % 10), 15);
  const int level = int(rng() % 10);
  if (deflateInit2(&o.def, level, Z_DEFLATED, o.bits_a, 8, Z_DEFAULT_STRATEGY) != Z_OK ||
      inflateInit2(&o.inf, 15) != Z_OK) {
    *why = "init";
    c.failures.fetch_add(1);
    return false;
  }
  o.def.next_in = o.plain_a.data();
  o.def.avail_in = static_cast<uInt>(o.plain_a.size() / 2);
  o.inf.next_in = o.packed_b.data();
  o.inf.avail_in = static_cast<uInt>(o.packed_b.size() / 2);
  if (!pump(o.def, true, Z_NO_FLUSH, &o.def_out) || !pump(o.inf, false, Z_NO_FLUSH, &o.inf_out)) {
    *why = "the first halves";
    c.failures.fetch_add(1);
    return false;
  }

  c.forks.fetch_add(1);
  const pid_t pid = fork();
  if (pid == 0) {
    std::string child_why;
    _exit(finish(o, &child_why) ? 0 : 1);
  }
  std::string reason;
  bool ok = finish(o, &reason) && pid > 0;
  if (ok) {  // the parent may ask the reference too
    Bytes back;
    ok = test::ref_inflate(o.def_out, o.bits_a, &back) == Z_STREAM_END && back == o.plain_a;
    if (!ok) reason = "the system zlib cannot decode the parent's stream";
  }
  if (pid > 0) {
    int status = 0;
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    pid_t done;
    while ((done = waitpid(pid, &status, WNOHANG)) == 0 &&
           std::chrono::steady_clock::now() < give_up)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    if (done == 0) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      ok = false;
      reason = "the child hung";
    } else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      ok = false;
      reason = WIFSIGNALED(status) ? "the child died of signal " + std::to_string(WTERMSIG(status))
                                   : "the child found a wrong byte";
    } else {
      c.children_ok.fetch_add(1);
    }
  } else {
    reason = "fork failed";
  }
  if (!ok) {
    char s[24];
    std::snprintf(s, sizeof s, "%016llx", static_cast<unsigned long long>(seed));
    *why = std::string("fork seed ") + s + ": " + reason;
    c.failures.fetch_add(1);
  }
  return ok;
}

}  // namespace nxz::soak
