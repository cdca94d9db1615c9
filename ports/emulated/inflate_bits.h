// The DEFLATE decoder's bit reader: a 64-bit buffer filled least significant
// bit first (RFC 1951 §3.1.1), with an exact count of the bits it holds so
// the stream position of every item boundary is known (contract §5 reports
// positions to the bit).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace nxz::emu {

inline uint64_t load_le64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, sizeof v);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  v = __builtin_bswap64(v);
#endif
  return v;
}

// Bit `pos` of p, counting from bit 0 of p[0].
inline unsigned bit_at(const uint8_t* p, size_t pos) { return (p[pos >> 3] >> (pos & 7)) & 1; }

struct BitReader {
  const uint8_t* begin = nullptr;
  const uint8_t* end = nullptr;
  const uint8_t* next = nullptr;  // first byte not yet in `buf`
  // Bits above `count` are zero or copies of the stream bits at `next`
  // onwards (left by refill_fast); either way OR-ing in more bytes is safe,
  // and when `next` == `end` they are zero.
  uint64_t buf = 0;
  unsigned count = 0;

  void init(const uint8_t* p, size_t n) { begin = next = p, end = p + n, buf = 0, count = 0; }

  // Bits consumed since `begin`.
  size_t position() const { return size_t(next - begin) * 8 - count; }

  // Moves to bit `pos` (<= 8 * size); the byte holding it must exist if
  // pos is not a multiple of 8.
  void seek(size_t pos) {
    next = begin + pos / 8;
    buf = 0;
    count = 0;
    refill_careful();
    consume(unsigned(pos % 8));
  }

  // Adds whole bytes while there is room and input: afterwards 56 <= count
  // <= 63 unless the input is exhausted (refill_fast needs count < 64).
  // Never reads at or past `end`.
  void refill_careful() {
    while (count < 56 && next < end) {
      buf |= uint64_t{*next++} << count;
      count += 8;
    }
  }

  // Branch-free refill to at least 56 bits; needs 8 readable bytes at next.
  // It loads a whole word and advances by the whole bytes that fitted.
  void refill_fast() {
    buf |= load_le64(next) << count;
    next += (63 - count) >> 3;
    count |= 56;
  }

  uint64_t peek(unsigned n) const { return buf & ((uint64_t{1} << n) - 1); }
  void consume(unsigned n) {
    buf >>= n;
    count -= n;
  }
};

}  // namespace nxz::emu
