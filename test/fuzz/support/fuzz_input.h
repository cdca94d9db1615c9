// Decisions and data taken from a fuzzer's input, front to back.
//
// Every target reads its parameters from the first bytes and uses the rest
// as data, so that a seed can be written by hand (or by seedgen) and so
// that libFuzzer's byte mutations change one decision at a time. Reading
// past the end yields zeros: any input, even an empty one, is a valid run.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace nxz::fuzz {

using Bytes = std::vector<uint8_t>;

class Input {
 public:
  Input(const uint8_t* data, size_t size) : p_(data), n_(size) {}

  uint8_t u8() { return pos_ < n_ ? p_[pos_++] : 0; }
  uint16_t u16() { return static_cast<uint16_t>(u8() | u8() << 8); }
  uint32_t u32() { return u16() | uint32_t{u16()} << 16; }
  // A value in [lo, hi], from as few bytes as the range needs.
  uint32_t range(uint32_t lo, uint32_t hi) {
    const uint32_t span = hi - lo;
    const uint32_t v = span < 256 ? u8() : span < 65536 ? u16() : u32();
    return span == 0xffffffffu ? v : lo + v % (span + 1);
  }
  bool flag() { return u8() & 1; }
  // `n` bytes (fewer at the end of the input).
  Bytes take(size_t n) {
    if (n > n_ - pos_) n = n_ - pos_;
    Bytes b(p_ + pos_, p_ + pos_ + n);
    pos_ += n;
    return b;
  }
  // Fills dst[0..n) with the next bytes, zeros past the end. (Byte by
  // byte loops of u8() into arrays trip GCC 12's -Wstringop-overflow.)
  void fill(uint8_t* dst, size_t n) {
    const size_t k = n < n_ - pos_ ? n : n_ - pos_;
    if (k) std::memcpy(dst, p_ + pos_, k);
    if (n > k) std::memset(dst + k, 0, n - k);
    pos_ += k;
  }
  // Everything not read yet.
  Bytes rest() { return take(n_ - pos_); }
  size_t left() const { return n_ - pos_; }

 private:
  const uint8_t* p_;
  size_t n_;
  size_t pos_ = 0;
};

// A broken invariant: say what, then abort, so that libFuzzer records the
// input as a crash and the replay test fails.
[[noreturn]] inline void fail(const char* what, long a = 0, long b = 0) {
  std::fprintf(stderr, "FUZZ CHECK FAILED: %s (%ld vs %ld)\n", what, a, b);
  std::fflush(stderr);
  std::abort();
}

#define NXZ_FUZZ_CHECK(cond, ...)                \
  do {                                           \
    if (!(cond)) ::nxz::fuzz::fail(__VA_ARGS__); \
  } while (0)

// Sizes of successive pieces (input chunks, output spaces), cycled: chosen
// from the input, 0 meaning "everything at once".
struct Splits {
  size_t size[4] = {0, 0, 0, 0};
  int count = 1;
  size_t next_ = 0;
  static Splits read(Input& in, uint32_t max) {
    Splits s;
    s.count = 1 + in.u8() % 4;
    for (int i = 0; i < s.count; ++i) s.size[i] = in.range(0, max);
    return s;
  }
  // The next piece's size, `whole` when the schedule says "all".
  size_t next(size_t whole) {
    const size_t v = size[next_++ % count];
    return v == 0 || v > whole ? whole : v;
  }
};

}  // namespace nxz::fuzz
