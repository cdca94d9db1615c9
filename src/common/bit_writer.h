// The LSB-first bit writer of DEFLATE streams: one for the emulated
// engine's encoder, the driver's table builder and the stream layer.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace nxz {

// Collects bits LSB-first in a 64-bit buffer and stores whole bytes.
//
// Callers add at most 48 bits between flushes (one length code with its extra
// bits plus one distance code with its extra bits), so with at most 7 bits
// left over after a flush the buffer never holds more than 55. A flush stores
// all 8 bytes of the buffer at once while 8 bytes of room remain, and byte by
// byte only near the end of the output; running out sets `overflow` and the
// bytes that did not fit are dropped, never written past `end`.
//
// Bits above `count` are kept zero, so the unused high bits of the last byte
// are zero; the fast store may also leave zero bytes just past the final
// output position (inside the capacity).
inline void store_le64(uint8_t* p, uint64_t v) {
  if constexpr (std::endian::native == std::endian::big) v = __builtin_bswap64(v);
  std::memcpy(p, &v, 8);
}

struct BitWriter {
  uint8_t* p;
  uint8_t* end;
  uint64_t buf = 0;
  unsigned count = 0;
  bool overflow = false;

  BitWriter(uint8_t* out, size_t capacity) : p(out), end(out + capacity), start_(out) {}

  // Bits written so far, stored or still buffered.
  size_t bit_count() const { return static_cast<size_t>(p - start_) * 8 + count; }

  // add() and flush() in one, for writers that are not in a hot loop.
  void put(uint64_t bits, unsigned n) {
    add(bits, n);
    flush();
  }

  void add(uint64_t bits, unsigned n) {
    buf |= bits << count;
    count += n;
  }

  void flush() {
    const unsigned bytes = count >> 3;
    if (static_cast<size_t>(end - p) >= 8) [[likely]] {
      store_le64(p, buf);
      p += bytes;
    } else {
      flush_careful(bytes);
    }
    buf >>= bytes * 8;  // bytes < 8 by the 55-bit bound
    count &= 7;
  }

  // After the last flush: stores the partial last byte. Returns the number of
  // valid bits in it (0 = the output ends on a byte boundary).
  unsigned finish() {
    flush();
    const unsigned tail = count;
    if (tail) {
      count = 8;  // the high bits of the partial byte are already zero
      flush();
    }
    return tail;
  }

 private:
  uint8_t* start_;
  void flush_careful(unsigned bytes) {
    for (unsigned i = 0; i < bytes; ++i) {
      if (p == end) {
        overflow = true;
        return;
      }
      *p++ = static_cast<uint8_t>(buf >> (8 * i));
    }
  }
};

}  // namespace nxz
