// Hash-chain match finder of the DEFLATE encoder.
//
// Positions are kept as 32-bit "stamps" in two tables: head[hash of 4 bytes]
// holds the newest position with that hash, prev[stamp mod 32 KiB] the one
// inserted before it. The tables outlive a job (one matcher per thread):
// instead of clearing 256 KiB for every job, each job's stamps start more
// than a window beyond the previous job's, so every old entry is simply too
// far away to be a candidate. When stamps approach their limit the tables are
// cleared (between jobs) or shifted down (inside a large job).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "emulated/deflate_bits.h"

namespace nxz::emu {

inline constexpr uint32_t kWindowSize = 32768;
inline constexpr unsigned kMinMatch = 4;
inline constexpr unsigned kMaxMatch = 258;
inline constexpr uint32_t kMaxDistance = kWindowSize - 1;

// Search effort, chosen for speed: on the corpus the parse lands between
// zlib's levels 4 and 5, while the 4-byte hash keeps chains short (only
// candidates whose first four bytes almost always match are visited).
inline constexpr unsigned kMaxChain = 4;     // candidates visited per search
inline constexpr unsigned kLazyBelow = 16;   // look one byte ahead for matches shorter than this
inline constexpr unsigned kNiceLength = 96;  // stop searching at a match this long

struct Match {
  unsigned len;   // 0: none
  uint32_t dist;  // 1..kMaxDistance
};

inline constexpr int kHashBits = 15;
inline constexpr uint32_t kHashSize = 1u << kHashBits;

// The tables as the parse loop uses them. It is a small value that the loop
// copies into locals, so that the compiler can keep it in registers: the
// output stores (bytes, which may alias anything) would otherwise force it
// to reload every field after each symbol.
struct ChainView {
  const uint8_t* data;
  uint32_t* head;
  uint32_t* prev;
  uint32_t base;  // stamp of position p = uint32(p) + base

  uint32_t stamp(size_t pos) const { return static_cast<uint32_t>(pos) + base; }

  static uint32_t hash4(const uint8_t* p) {
    return (load_le32_fast(p) * 0x9E3779B1u) >> (32 - kHashBits);
  }

  void insert(size_t pos) const {
    const uint32_t h = hash4(data + pos);
    const uint32_t now = stamp(pos);
    prev[now & (kWindowSize - 1)] = head[h];
    head[h] = now;
  }

  void insert_range(size_t from, size_t to) const {
    for (size_t pos = from; pos < to; ++pos) insert(pos);
  }

  // Inserts `pos`, then returns the longest match there that is longer than
  // `best` (>= kMinMatch - 1, < max_len), visiting at most `chain`
  // candidates; len 0 when there is none. data[pos .. pos + max_len) must be
  // readable, and no position after `pos` may have been inserted yet.
  Match insert_and_find(size_t pos, unsigned best, unsigned max_len, unsigned chain) const {
    const uint8_t* cur = data + pos;
    const uint32_t h = hash4(cur);
    const uint32_t now = stamp(pos);
    uint32_t cand = head[h];
    head[h] = now;
    prev[now & (kWindowSize - 1)] = cand;

    const unsigned nice = std::min(kNiceLength, max_len);
    const uint32_t first4 = load_native32(cur);
    uint32_t best_dist = 0;
    while (chain--) {
      // Stale entries (older jobs, older windows, empty slots) are too far.
      // Distances stop one short of the 32 KiB that DEFLATE allows: then no
      // candidate's prev slot can have been reused by a newer position, so
      // chains always go strictly back in time.
      const uint32_t dist = now - cand;
      if (dist - 1 >= kMaxDistance) break;
      const uint8_t* m = cur - dist;
      // Reject first on the bytes that would make the match longer.
      if (load_native32(m + best - 3) == load_native32(cur + best - 3) &&
          load_native32(m) == first4) {
        const unsigned len = match_length(cur, m, max_len);
        if (len > best) {
          best = len;
          best_dist = dist;
          if (len >= nice) break;
        }
      }
      cand = prev[cand & (kWindowSize - 1)];
    }
    return {best_dist ? best : 0, best_dist};
  }

  // Length of the common prefix of cur and m, given that the first
  // kMinMatch bytes are equal, up to max_len.
  static unsigned match_length(const uint8_t* cur, const uint8_t* m, unsigned max_len) {
    unsigned len = kMinMatch;
    while (len + 8 <= max_len) {
      const uint64_t x = load_native64(cur + len) ^ load_native64(m + len);
      if (x) return len + first_diff_byte(x);
      len += 8;
    }
    while (len < max_len && cur[len] == m[len]) ++len;
    return len;
  }
};

// The fast effort's table: one newest position per hash of 4 bytes, no
// chains. 64 KiB, so that it stays in the L2 cache with the data.
inline constexpr int kFastHashBits = 14;
inline constexpr uint32_t kFastHashSize = 1u << kFastHashBits;

struct FastView {
  const uint8_t* data;
  uint32_t* head;
  uint32_t base;

  uint32_t stamp(size_t pos) const { return static_cast<uint32_t>(pos) + base; }
  static uint32_t hash4(const uint8_t* p) {
    return (load_le32_fast(p) * 0x9E3779B1u) >> (32 - kFastHashBits);
  }
  void insert(size_t pos) const { head[hash4(data + pos)] = stamp(pos); }
  void insert_range(size_t from, size_t to) const {
    for (size_t pos = from; pos < to; ++pos) insert(pos);
  }
};

class Lz77Matcher {
 public:
  // The calling thread's matcher; its tables are allocated on first use.
  static Lz77Matcher& for_this_thread();

  // Starts a job over data[0..): `first` is the first position that will be
  // inserted.
  void begin(const uint8_t* data, size_t first);
  // Ends the job; `end` is one past the last position inserted.
  void end(size_t end) { next_free_ = view().stamp(end) + kWindowSize + 1; }

  ChainView view() const {
    return {data_, head_.get(), prev_.get(), static_cast<uint32_t>(0 - origin_)};
  }

  FastView fast_view() const {
    return {data_, fast_head_.get(), static_cast<uint32_t>(0 - origin_)};
  }

  // The position whose stamp reaches the limit: call rebase() with the
  // current position before going past it, then take a new view.
  size_t rebase_position() const { return origin_ + limit_; }
  void rebase(size_t pos);

  // Tests only: a lower stamp limit makes rebasing happen on small inputs.
  // Applies to the calling thread's matcher from its next job on; 0 restores
  // the default.
  static void set_stamp_limit_for_testing(uint32_t limit);

 private:
  // Stamps stay below 2^31 plus one job's overshoot, far from wrapping.
  static constexpr uint32_t kDefaultLimit = 1u << 31;
  // Stamp 0 marks an empty entry, so live stamps start two windows up.
  static constexpr uint32_t kFirstStamp = 2 * kWindowSize;

  Lz77Matcher();
  void clear();

  const uint8_t* data_ = nullptr;
  size_t origin_ = 0;  // the position whose stamp is 0 (modulo 2^64)
  uint32_t next_free_ = kFirstStamp;
  uint32_t limit_ = kDefaultLimit;
  uint32_t limit_for_next_job_ = kDefaultLimit;
  std::unique_ptr<uint32_t[]> head_;
  std::unique_ptr<uint32_t[]> prev_;
  std::unique_ptr<uint32_t[]> fast_head_;
};

}  // namespace nxz::emu
