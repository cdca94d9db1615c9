// Lookup tables that decode DEFLATE Huffman codes (RFC 1951 §3.2.2) a whole
// codeword per lookup: a root table indexed by the next `root_bits` stream
// bits, and subtables for the few codewords longer than that.
#pragma once

#include <cstddef>
#include <cstdint>

namespace nxz::emu {

// One 32-bit entry carries everything the decoder needs after a lookup, so
// the hot loop does a single load per symbol:
//   bits 0-4    bits to consume at this level: the codeword (less the root
//               bits in a subtable) plus its extra bits; for an undefined
//               code, how many bits it takes to know that no codeword starts
//               this way; for a subtable link, the root bits
//   bits 8-11   of those, the codeword's own bits (the extra bits follow
//               them); for a subtable link, the subtable's index width
//   bits 12-15  flags below (none set: a length or distance base)
//   bits 16-31  literal byte, length or distance base, or subtable start
namespace inflate_entry {
inline constexpr uint32_t kLiteral = 1u << 12;
inline constexpr uint32_t kEndOfBlock = 1u << 13;
inline constexpr uint32_t kSubtable = 1u << 14;
inline constexpr uint32_t kUndefined = 1u << 15;  // contract §5: cc 66
inline constexpr uint32_t kSpecial = kEndOfBlock | kUndefined;
inline constexpr unsigned bits(uint32_t e) { return e & 0x1F; }
inline constexpr unsigned codeword_bits(uint32_t e) { return (e >> 8) & 0xF; }
inline constexpr unsigned subtable_bits(uint32_t e) { return (e >> 8) & 0xF; }
inline constexpr uint32_t value(uint32_t e) { return e >> 16; }
// The entry's value plus its extra bits, read from `bits_before`, the bit
// buffer as it was before the entry's bits were consumed.
inline uint32_t value_with_extra(uint32_t e, uint64_t bits_before) {
  return value(e) +
         static_cast<uint32_t>((bits_before & ((uint64_t{1} << bits(e)) - 1)) >> codeword_bits(e));
}
}  // namespace inflate_entry

inline constexpr unsigned kLitLenRootBits = 11;
inline constexpr unsigned kDistRootBits = 8;
// Largest root + subtable size any complete code can need (288 symbols, 11
// root bits, 15-bit codewords; 32 symbols, 8 root bits), as counted by the
// `enough` program shipped with zlib. The builder still checks the bound.
inline constexpr size_t kLitLenTableSize = 2342;
inline constexpr size_t kDistTableSize = 402;

// Root tables are always 2^kLitLenRootBits and 2^kDistRootBits entries (short
// codes are replicated), so the decoder's index masks are constants.
struct DecodeTables {
  uint32_t litlen[kLitLenTableSize];
  uint32_t dist[kDistTableSize];
};

// Builds both tables from code lengths (0 = symbol unused). The lengths
// must be a valid code as parse_dynamic_header checks it; an incomplete code
// gets kUndefined entries for the codewords it lacks. Returns false only if
// the lengths are not a prefix code at all or a table would overflow.
bool build_decode_tables(const uint8_t* litlen_lengths, int nlit, const uint8_t* dist_lengths,
                         int ndist, DecodeTables* t);

// The fixed code of RFC 1951 §3.2.6. Literal/length symbols 286-287 and
// distance symbols 30-31 have codewords but no meaning: they decode as
// kUndefined. Built once, shared read-only by all threads.
const DecodeTables& fixed_decode_tables();

}  // namespace nxz::emu
