#include "parallel_deflate.h"

#include <zlib.h>

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>

#include "report.h"

namespace nxzip {
namespace {

constexpr size_t kWindow = 32 * 1024;  // deflate's reach back

// Blocks are reused once written (see deflate_parallel): their buffers keep
// their size, and the lengths say how much of them is in use, so that no
// block is allocated, zero-filled and faulted in again (that was a third of
// the extra time of -p 2 over -p 1).
struct Block {
  std::vector<uint8_t> in;
  size_t in_len = 0;
  std::vector<uint8_t> dict;  // up to 32 KiB of input just before `in`
  bool last = false;
  // Filled by the worker:
  std::vector<uint8_t> out;
  size_t out_len = 0;
  uint32_t crc = 0;
  std::string error;
  bool done = false;
};

// Compresses one block; a failure is kept in b->error for the writer.
void compress_block(Block* b, int level) {
  z_stream s{};
  if (deflateInit2(&s, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    b->error = "the compressor could not be set up";
    return;
  }
  if (!b->dict.empty() &&
      deflateSetDictionary(&s, b->dict.data(), static_cast<uInt>(b->dict.size())) != Z_OK) {
    b->error = "the compressor refused the dictionary";
    deflateEnd(&s);
    return;
  }
  // Room for the worst case plus the flush marker; grown if the library
  // ever needs more.
  const size_t bound = deflateBound(&s, static_cast<uLong>(b->in_len)) + 64;
  if (b->out.size() < bound) b->out.resize(bound);
  s.next_in = b->in.data();
  s.avail_in = static_cast<uInt>(b->in_len);
  const int flush = b->last ? Z_FINISH : Z_SYNC_FLUSH;
  size_t have = 0;
  while (true) {
    s.next_out = b->out.data() + have;
    s.avail_out = static_cast<uInt>(b->out.size() - have);
    const int rc = deflate(&s, flush);
    have = b->out.size() - s.avail_out;
    if (rc == Z_STREAM_ERROR) {
      b->error = std::string("compression failed") + (s.msg ? std::string(": ") + s.msg : "");
      break;
    }
    // Done: the final block has ended, or a flushed one has all its input
    // taken and left room (so nothing of the flush is still pending).
    const bool finished = b->last ? rc == Z_STREAM_END : s.avail_in == 0 && s.avail_out != 0;
    if (finished) break;
    if (s.avail_out == 0) {
      b->out.resize(b->out.size() * 2);
    } else if (rc == Z_BUF_ERROR) {
      b->error = "compression made no progress";
      break;
    }
  }
  b->out_len = have;
  deflateEnd(&s);
  b->crc = static_cast<uint32_t>(crc32(0, b->in.data(), static_cast<uInt>(b->in_len)));
}

// The worker threads and the queue of blocks they take in order.
class Workers {
 public:
  Workers(unsigned n, int level) : level_(level) {
    for (unsigned i = 0; i < n; ++i) threads_.emplace_back([this] { run(); });
  }
  ~Workers() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
      queue_.clear();  // after a failure, what is not started is not wanted
    }
    work_cv_.notify_all();
    for (std::thread& t : threads_) t.join();
  }
  void submit(std::shared_ptr<Block> b) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      queue_.push_back(std::move(b));
    }
    work_cv_.notify_one();
  }
  void wait(const Block& b) {
    std::unique_lock<std::mutex> lock(mu_);
    done_cv_.wait(lock, [&] { return b.done; });
  }

 private:
  void run() {
    while (true) {
      std::shared_ptr<Block> b;
      {
        std::unique_lock<std::mutex> lock(mu_);
        work_cv_.wait(lock, [&] { return stop_ || !queue_.empty(); });
        if (queue_.empty()) return;
        b = std::move(queue_.front());
        queue_.pop_front();
      }
      compress_block(b.get(), level_);
      {
        std::lock_guard<std::mutex> lock(mu_);
        b->done = true;
      }
      done_cv_.notify_all();
    }
  }

  int level_;
  std::mutex mu_;
  std::condition_variable work_cv_, done_cv_;
  std::deque<std::shared_ptr<Block>> queue_;
  bool stop_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace

CompressTotals deflate_parallel(int in_fd, const std::string& in_name, const CompressParams& params,
                                Output* out, Progress* progress) {
  const size_t window_blocks = 2 * static_cast<size_t>(params.threads);
  Workers workers(params.threads, params.level);
  std::deque<std::shared_ptr<Block>> in_flight;  // in input order
  std::vector<std::shared_ptr<Block>> spare;     // written blocks, for reuse
  std::vector<uint8_t> history;                  // the last 32 KiB of input read

  auto read_block = [&] {
    std::shared_ptr<Block> b;
    if (spare.empty()) {
      b = std::make_shared<Block>();
    } else {
      b = std::move(spare.back());
      spare.pop_back();
      b->last = b->done = false;
      b->error.clear();
    }
    if (b->in.size() < params.block) b->in.resize(params.block);
    b->in_len = read_full(in_fd, in_name, b->in.data(), params.block);
    return b;
  };
  CompressTotals t;
  t.crc = static_cast<uint32_t>(crc32(0, nullptr, 0));
  // One block is read ahead, to know whether the one before it is the last.
  std::shared_ptr<Block> next = read_block();
  bool input_done = false;
  while (true) {
    while (!input_done && in_flight.size() < window_blocks) {
      std::shared_ptr<Block> b = std::move(next);
      if (b->in_len == params.block) {
        next = read_block();
        b->last = next->in_len == 0;
      } else {
        b->last = true;  // a short read is the end of the input
      }
      input_done = b->last;
      b->dict = history;
      // The new history: the end of the old one followed by this block.
      const size_t from_block = std::min(b->in_len, kWindow);
      const size_t keep = std::min(history.size(), kWindow - from_block);
      history.erase(history.begin(), history.end() - static_cast<ptrdiff_t>(keep));
      const uint8_t* end = b->in.data() + b->in_len;
      history.insert(history.end(), end - from_block, end);
      in_flight.push_back(b);
      workers.submit(std::move(b));
    }
    if (in_flight.empty()) break;
    std::shared_ptr<Block> b = std::move(in_flight.front());
    in_flight.pop_front();
    workers.wait(*b);
    if (!b->error.empty()) throw FileError(in_name + ": " + b->error);
    out->write(b->out.data(), b->out_len);
    t.crc = static_cast<uint32_t>(crc32_combine(t.crc, b->crc, static_cast<z_off_t>(b->in_len)));
    t.in += b->in_len;
    if (progress) progress->update(t.in, out->bytes_written());
    spare.push_back(std::move(b));
  }
  return t;
}

}  // namespace nxzip
