// The test-side table helpers, as thin wrappers over the library's DHT
// builder (src/engine/dht_builder.h), so the tests exercise that code.
#include "deflate/dht_builder_for_tests.h"

#include <algorithm>
#include <cstring>

#include "emulated/dynamic_header.h"
#include "engine/dht_builder.h"

namespace nxz::test {

std::vector<uint8_t> huffman_lengths(const std::vector<uint32_t>& freq, int max_len) {
  std::vector<uint8_t> lengths(freq.size());
  int used = 0;
  for (uint32_t f : freq) used += f != 0;
  if (used == 1) {  // one symbol: one bit, as this helper promises
    for (size_t s = 0; s < freq.size(); ++s) lengths[s] = freq[s] ? 1 : 0;
    return lengths;
  }
  nxz::engine::huffman_lengths(freq.data(), static_cast<int>(freq.size()), max_len, lengths.data());
  return lengths;
}

Dht encode_dht(const std::vector<uint8_t>& litlen, const std::vector<uint8_t>& dist) {
  uint8_t ll[nxz::engine::kLitLenSymbols] = {}, dl[nxz::engine::kDistSymbols] = {};
  std::copy_n(litlen.begin(), std::min<size_t>(litlen.size(), sizeof ll), ll);
  std::copy_n(dist.begin(), std::min<size_t>(dist.size(), sizeof dl), dl);
  const nxz::engine::Dht d = nxz::engine::encode_dht(ll, dl);
  Dht out;
  std::memcpy(out.bytes, d.bits, sizeof out.bytes);
  out.bits = d.nbits;
  return out;
}

Dht dht_from_counts(const uint32_t* lzcount, const std::vector<int>& drop) {
  uint32_t lit[nxz::engine::kLitLenSymbols], dist[nxz::engine::kDistSymbols];
  std::copy_n(lzcount, nxz::engine::kLitLenSymbols, lit);
  std::copy_n(lzcount + nxz::engine::kLitLenSymbols, nxz::engine::kDistSymbols, dist);
  lit[256] = std::max<uint32_t>(lit[256], 1);
  for (int s : drop) {
    if (s < nxz::engine::kLitLenSymbols) {
      lit[s] = 0;
    } else {
      dist[s - nxz::engine::kLitLenSymbols] = 0;
    }
  }
  // Unlike the library, which always codes two distances, a table with no
  // distance at all is allowed here: tests need literal-only tables.
  uint8_t ll[nxz::engine::kLitLenSymbols], dl[nxz::engine::kDistSymbols] = {};
  nxz::engine::huffman_lengths(lit, nxz::engine::kLitLenSymbols, 15, ll);
  if (std::any_of(dist, dist + nxz::engine::kDistSymbols, [](uint32_t c) { return c != 0; }))
    nxz::engine::huffman_lengths(dist, nxz::engine::kDistSymbols, 15, dl);
  const nxz::engine::Dht d = nxz::engine::encode_dht(ll, dl);
  Dht out;
  std::memcpy(out.bytes, d.bits, sizeof out.bytes);
  out.bits = d.nbits;
  return out;
}

bool dht_lengths(const Dht& d, std::vector<uint8_t>* litlen, std::vector<uint8_t>* dist) {
  nxz::emu::CodeLengths cl;
  size_t used = 0;
  if (nxz::emu::parse_dynamic_header(d.bytes, 0, d.bits, &cl, &used) !=
          nxz::emu::HeaderStatus::kOk ||
      used != d.bits)
    return false;
  litlen->assign(cl.litlen, cl.litlen + nxz::emu::kMaxLitLen);
  dist->assign(cl.dist, cl.dist + nxz::emu::kMaxDist);
  return true;
}

}  // namespace nxz::test
