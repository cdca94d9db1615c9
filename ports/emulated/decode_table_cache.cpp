#include "emulated/decode_table_cache.h"

#include <cstring>
#include <new>

#include "nx/nx.h"

namespace nxz::emu {

namespace {

struct LastCode {
  CodeLengths key{};
  std::shared_ptr<DecodeTables> tables;  // null: nothing cached
};

// The code lengths arrays are zero past nlit/ndist, so comparing them whole
// compares the codes.
bool same_code(const CodeLengths& a, const CodeLengths& b) {
  return a.nlit == b.nlit && a.ndist == b.ndist &&
         std::memcmp(a.litlen, b.litlen, sizeof a.litlen) == 0 &&
         std::memcmp(a.dist, b.dist, sizeof a.dist) == 0;
}

struct LastInDht {
  uint8_t bytes[nx::kCpbDhtBytes] = {};
  size_t bits = 0;
  std::shared_ptr<const DecodeTables> tables;
};

thread_local LastInDht t_last_in_dht;

// Bits [0, bits) of a and b are equal (bits past them may differ).
bool same_bits(const uint8_t* a, const uint8_t* b, size_t bits) {
  const size_t whole = bits / 8;
  if (std::memcmp(a, b, whole) != 0) return false;
  const unsigned rest = bits % 8;
  return rest == 0 || ((a[whole] ^ b[whole]) & ((1u << rest) - 1)) == 0;
}

}  // namespace

std::shared_ptr<const DecodeTables> tables_of_in_dht(const uint8_t* dht, size_t bits) {
  const LastInDht& last = t_last_in_dht;
  if (!last.tables || last.bits != bits || bits > 8 * sizeof last.bytes) return nullptr;
  return same_bits(last.bytes, dht, bits) ? last.tables : nullptr;
}

void remember_in_dht(const uint8_t* dht, size_t bits, std::shared_ptr<const DecodeTables> tables) {
  LastInDht& last = t_last_in_dht;
  if (bits > 8 * sizeof last.bytes) return;
  std::memcpy(last.bytes, dht, (bits + 7) / 8);
  last.bits = bits;
  last.tables = std::move(tables);
}

std::shared_ptr<const DecodeTables> decode_tables_for(const CodeLengths& cl) {
  thread_local LastCode last;
  if (last.tables && same_code(last.key, cl)) return last.tables;
  // The old tables' storage is reused unless a job still holds them.
  if (!last.tables || last.tables.use_count() > 1) {
    last.tables.reset();
    DecodeTables* t = new (std::nothrow) DecodeTables();  // spare entries zero
    if (!t) return nullptr;
    last.tables.reset(t);
  }
  if (!build_decode_tables(cl.litlen, cl.nlit, cl.dist, cl.ndist, last.tables.get())) {
    last.tables.reset();
    return nullptr;
  }
  last.key = cl;
  return last.tables;
}

}  // namespace nxz::emu
