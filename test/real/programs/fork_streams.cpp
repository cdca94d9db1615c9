// fork() with zlib streams open, under LD_PRELOAD=libnxz.so:
//  1. deflate streams (accelerator and software parameters, zlib, gzip and
//     raw, with and without flushes) and inflate streams (one with output
//     held back for a small buffer) are taken halfway; fork(); parent and
//     child each finish ALL of them with their own call sizes, the child
//     forking once more at three quarters (grandchild), and each checks
//     every output: deflate's decoded by the system zlib (private copy) and
//     by the library, inflate's compared with the original.
//  2. fork() with no stream open: the child opens new ones.
//  3. fork() while two other threads of the parent run streams: each child
//     runs streams of its own (a lock held across fork would hang it).
// Children exit with their status; the parent waits and checks.
//   fork_streams [FILE...]
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <memory>
#include <thread>

#include "stream_util.h"

namespace {

RefZlib g_ref;
const char* g_who = "parent";
std::atomic<int> g_failures{0};

void fail(const char* what, int a = 0) {
  g_failures++;
  std::fprintf(stderr, "FAIL (%s, pid %d): %s (%d)\n", g_who, static_cast<int>(getpid()), what, a);
}

struct DStream {
  z_stream z{};
  int wbits = 15;
  size_t flush_every = 0;
  int flush = Z_SYNC_FLUSH;
  const Bytes* data = nullptr;
  size_t pos = 0, since = 0;
  Bytes out;
  bool done = false;
};

struct IStream {
  z_stream z{};
  int wbits = 15;
  Bytes comp;
  const Bytes* data = nullptr;
  size_t pos = 0;
  size_t out_chunk = 65536;
  Bytes out;
  bool done = false;
};

// Feeds deflate up to `until` bytes of its input (all of it: finishes).
void advance(DStream& d, size_t until, std::mt19937_64& rng) {
  unsigned char buf[8192];
  while (!d.done && (d.pos < until || until >= d.data->size())) {
    const size_t n = std::min<size_t>(std::min(until, d.data->size()) - d.pos, 1 + rng() % 90000);
    const bool last = d.pos + n == d.data->size();
    int flush = last ? Z_FINISH : Z_NO_FLUSH;
    if (!last && d.flush_every && (d.since += n) >= d.flush_every) {
      flush = d.flush;
      d.since = 0;
    }
    d.z.next_in = const_cast<Bytef*>(d.data->data() + d.pos);
    d.z.avail_in = static_cast<uInt>(n);
    d.pos += n;
    int rc;
    do {
      d.z.next_out = buf;
      d.z.avail_out = sizeof buf;
      rc = deflate(&d.z, flush);
      if (rc == Z_STREAM_ERROR) {
        fail("deflate", rc);
        d.done = true;
        return;
      }
      d.out.insert(d.out.end(), buf, buf + (sizeof buf - d.z.avail_out));
    } while (d.z.avail_out == 0 || (flush == Z_FINISH && rc == Z_OK));
    if (rc == Z_STREAM_END) d.done = true;
    if (d.pos >= until && !last) return;
  }
}

void advance(IStream& s, size_t until, std::mt19937_64& rng) {
  Bytes buf(s.out_chunk);
  while (!s.done) {
    if (s.z.avail_in == 0) {
      if (s.pos >= until && until < s.comp.size()) return;
      if (s.pos == s.comp.size()) {
        // Nothing left to give: what is held back must come out now.
      } else {
        const size_t n =
            std::min<size_t>(std::min(until, s.comp.size()) - s.pos, 1 + rng() % 20000);
        s.z.next_in = s.comp.data() + s.pos;
        s.z.avail_in = static_cast<uInt>(n);
        s.pos += n;
      }
    }
    s.z.next_out = buf.data();
    s.z.avail_out = static_cast<uInt>(buf.size());
    const int rc = inflate(&s.z, Z_NO_FLUSH);
    const size_t made = buf.size() - s.z.avail_out;
    s.out.insert(s.out.end(), buf.data(), buf.data() + made);
    if (rc == Z_STREAM_END) {
      s.done = true;
    } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
      fail("inflate", rc);
      s.done = true;
    } else if (made == 0 && s.z.avail_in == 0 && s.pos == s.comp.size()) {
      fail("inflate wants input past the end", static_cast<int>(s.out.size()));
      s.done = true;
    }
    // Stop halfway with output still held for the caller (small buffers).
    if (s.pos >= until && until < s.comp.size() && s.z.avail_out == 0 && rng() % 2) return;
  }
}

void check(DStream& d, const char* name) {
  Bytes ref;
  if (!d.done) fail("deflate stream not finished");
  if (g_ref.ok && (!g_ref.decode(d.out, d.wbits, &ref) || ref != *d.data)) {
    std::fprintf(stderr, "  %s: %zu bytes decode to %zu, want %zu\n", name, d.out.size(),
                 ref.size(), d.data->size());
    fail("the system zlib on a deflate stream continued after fork", d.wbits);
  }
  Bytes back(d.data->size() + 1);
  z_stream z{};
  inflateInit2(&z, d.wbits);
  z.next_in = d.out.data();
  z.avail_in = static_cast<uInt>(d.out.size());
  z.next_out = back.data();
  z.avail_out = static_cast<uInt>(back.size());
  const int rc = inflate(&z, Z_FINISH);
  if (rc != Z_STREAM_END || z.total_out != d.data->size() ||
      std::memcmp(back.data(), d.data->data(), d.data->size()) != 0)
    fail("inflate of a deflate stream continued after fork", rc);
  inflateEnd(&z);
  deflateEnd(&d.z);
}

void check(IStream& s) {
  if (!s.done || s.out != *s.data)
    fail("inflate stream continued after fork", static_cast<int>(s.out.size()));
  inflateEnd(&s.z);
}

Bytes compress_with(const Bytes& data, int level, int wbits) {
  z_stream z{};
  deflateInit2(&z, level, Z_DEFLATED, wbits, 8, Z_DEFAULT_STRATEGY);
  Bytes out(deflateBound(&z, static_cast<uLong>(data.size())));
  z.next_in = const_cast<Bytef*>(data.data());
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = out.data();
  z.avail_out = static_cast<uInt>(out.size());
  if (deflate(&z, Z_FINISH) != Z_STREAM_END) fail("deflate (one call)");
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

// Streams opened, run and closed in this process: round trips.
int fresh_round_trips(std::mt19937_64& rng, const std::vector<Bytes>& files, int count) {
  int bad = 0;
  for (int i = 0; i < count; i++) {
    const Bytes data = make_data(rng, rng() % 400000, files);
    static const int wb[] = {15, 31, -15, 12};
    const int wbits = wb[rng() % 4];
    const Bytes comp = compress_with(data, static_cast<int>(rng() % 10), wbits);
    Bytes ref;
    if (g_ref.ok && (!g_ref.decode(comp, wbits, &ref) || ref != data)) bad++;
    IStream s;
    s.wbits = wbits;
    s.comp = comp;
    s.data = &data;
    s.out_chunk = 1 + rng() % 70000;
    inflateInit2(&s.z, wbits);
    advance(s, comp.size(), rng);
    if (!s.done || s.out != data) bad++;
    inflateEnd(&s.z);
  }
  if (bad) fail("round trips in fresh streams", bad);
  return bad;
}

int wait_child(pid_t pid, const char* what) {
  int status = 0;
  if (waitpid(pid, &status, 0) != pid) {
    fail("waitpid");
    return 1;
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::fprintf(stderr, "FAIL: %s: %s %d\n", what, WIFEXITED(status) ? "exit" : "signal",
                 WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
    g_failures++;
    return 1;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<Bytes> files = read_files(argc, argv, 1);
  std::mt19937_64 rng(20261203);
  if (!g_ref.ok) std::fprintf(stderr, "note: no private system zlib; round trips only\n");

  // ---- 1. streams open across fork()
  std::vector<std::unique_ptr<Bytes>> inputs;
  for (int i = 0; i < 10; i++)
    inputs.push_back(std::make_unique<Bytes>(make_data(rng, 200000 + rng() % 600000, files)));
  struct DPlan {
    int level, wbits, strategy;
    size_t flush_every;
    int flush;
  };
  const DPlan dplans[] = {{6, 15, Z_DEFAULT_STRATEGY, 0, 0},
                          {1, 31, Z_DEFAULT_STRATEGY, 50000, Z_SYNC_FLUSH},
                          {9, -15, Z_DEFAULT_STRATEGY, 70000, Z_FULL_FLUSH},
                          {0, 15, Z_DEFAULT_STRATEGY, 0, 0},                // software
                          {6, 15, Z_HUFFMAN_ONLY, 30000, Z_PARTIAL_FLUSH},  // software
                          {6, 12, Z_DEFAULT_STRATEGY, 0, 0}};               // software
  std::vector<std::unique_ptr<DStream>> ds;
  for (size_t i = 0; i < 6; i++) {
    auto d = std::make_unique<DStream>();
    d->wbits = dplans[i].wbits;
    d->flush_every = dplans[i].flush_every;
    d->flush = dplans[i].flush;
    d->data = inputs[i].get();
    if (deflateInit2(&d->z, dplans[i].level, Z_DEFLATED, d->wbits, 8, dplans[i].strategy) != Z_OK)
      fail("deflateInit2");
    ds.push_back(std::move(d));
  }
  const int iwbits[] = {15, 31, -15, 47};
  std::vector<std::unique_ptr<IStream>> is;
  for (size_t i = 0; i < 4; i++) {
    auto s = std::make_unique<IStream>();
    s->data = inputs[6 + i].get();
    s->wbits = iwbits[i];
    s->comp = compress_with(*s->data, 6, iwbits[i] == 47 ? 31 : iwbits[i]);
    s->out_chunk = i == 3 ? 1000 : 65536;  // the last one holds output back at fork
    if (inflateInit2(&s->z, s->wbits) != Z_OK) fail("inflateInit2");
    is.push_back(std::move(s));
  }
  for (auto& d : ds) advance(*d, d->data->size() / 2, rng);
  for (auto& s : is) advance(*s, s->comp.size() / 2, rng);

  std::fflush(stdout);
  const pid_t child = fork();
  if (child < 0) {
    std::perror("fork");
    return 2;
  }
  pid_t grandchild = -1;
  if (child == 0) {
    g_who = "child";
    rng.seed(1);  // other call sizes than the parent's
    for (auto& d : ds) advance(*d, d->data->size() * 3 / 4, rng);
    for (auto& s : is) advance(*s, s->comp.size() * 3 / 4, rng);
    grandchild = fork();
    if (grandchild == 0) {
      g_who = "grandchild";
      rng.seed(2);
    }
  }
  for (auto& d : ds) advance(*d, d->data->size(), rng);
  for (auto& s : is) advance(*s, s->comp.size(), rng);
  static const char* names[] = {"level 6", "gzip level 1 sync", "raw level 9 full",
                                "level 0", "huffman partial",   "window 12"};
  for (size_t i = 0; i < ds.size(); i++) check(*ds[i], names[i]);
  for (auto& s : is) check(*s);
  fresh_round_trips(rng, files, 3);
  if (child == 0) {
    if (grandchild > 0) wait_child(grandchild, "the grandchild");
    std::fflush(stderr);
    std::exit(g_failures ? 1 : 0);
  }
  wait_child(child, "the child (streams open at fork)");

  // ---- 2. fork() with no stream open; the child opens new ones
  const pid_t c2 = fork();
  if (c2 == 0) {
    g_who = "child 2";
    rng.seed(3);
    fresh_round_trips(rng, files, 6);
    std::exit(g_failures ? 1 : 0);
  }
  fresh_round_trips(rng, files, 3);
  wait_child(c2, "the child forked with no stream open");

  // ---- 3. fork() while two other threads run streams
  std::atomic<bool> stop{false};
  std::atomic<int> thread_bad{0};
  std::vector<std::thread> busy;
  for (int t = 0; t < 2; t++)
    busy.emplace_back([&, t] {
      std::mt19937_64 r(100 + t);
      while (!stop) thread_bad += fresh_round_trips(r, files, 1);
    });
  for (int k = 0; k < 4; k++) {
    usleep(20000);
    const pid_t c = fork();
    if (c == 0) {
      g_who = "child of a threaded parent";
      rng.seed(10 + k);
      fresh_round_trips(rng, files, 3);
      std::exit(g_failures ? 1 : 0);
    }
    wait_child(c, "a child forked while threads ran streams");
  }
  stop = true;
  for (auto& th : busy) th.join();
  if (thread_bad) fail("streams of the parent's threads", thread_bad);

  std::printf("fork_streams: %s\n", g_failures ? "FAILED" : "all streams right in every process");
  return g_failures ? 1 : 0;
}
