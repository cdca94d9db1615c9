#include "engine/dht_builder.h"

#include <algorithm>
#include <cstring>
#include <numeric>
#include <vector>

#include "common/bit_writer.h"
#include "nx/nx.h"

namespace nxz::engine {

void huffman_lengths(const uint32_t* freq, int n, int limit, uint8_t* lengths) {
  std::memset(lengths, 0, static_cast<size_t>(n));
  std::vector<int> used;
  for (int s = 0; s < n; ++s)
    if (freq[s]) used.push_back(s);
  // Fewer than two symbols: a one-bit complete code over two symbols.
  if (used.size() < 2) {
    const int a = used.empty() ? 0 : used[0];
    const int b = a == 0 ? 1 : 0;
    lengths[a] = lengths[b] = 1;
    return;
  }
  std::stable_sort(used.begin(), used.end(), [&](int x, int y) { return freq[x] < freq[y]; });

  // Two-queue Huffman construction: leaves in order of weight, internal
  // nodes are created in order of weight too, so both queues stay sorted.
  const size_t m = used.size();
  std::vector<uint64_t> weight(2 * m);
  std::vector<size_t> parent(2 * m, 0);
  for (size_t i = 0; i < m; ++i) weight[i] = freq[used[i]];
  size_t leaf = 0, inner = m, next = m;
  auto pick = [&]() {
    if (leaf < m && (inner >= next || weight[leaf] <= weight[inner])) return leaf++;
    return inner++;
  };
  while (next < 2 * m - 1) {
    const size_t a = pick(), b = pick();
    weight[next] = weight[a] + weight[b];
    parent[a] = parent[b] = next++;
  }
  std::vector<int> depth(2 * m - 1, 0);
  for (size_t i = 2 * m - 2; i-- > 0;) depth[i] = depth[parent[i]] + 1;

  // Clamp to the limit, then restore Kraft equality: lengthen the longest
  // codes below the limit while over-subscribed, shorten the longest while
  // incomplete (every term is a multiple of the smallest one, so this ends
  // exactly complete).
  const uint64_t full = uint64_t{1} << limit;
  uint64_t kraft = 0;
  for (size_t i = 0; i < m; ++i) {
    int len = std::min(depth[i], limit);
    lengths[used[i]] = static_cast<uint8_t>(len);
    kraft += full >> len;
  }
  while (kraft > full) {
    int best = -1;
    for (size_t i = 0; i < m; ++i) {
      const int s = used[i];
      if (lengths[s] < limit && (best < 0 || lengths[s] > lengths[best])) best = s;
    }
    kraft -= full >> (lengths[best] + 1);
    lengths[best]++;
  }
  while (kraft < full) {
    int best = -1;
    for (size_t i = m; i-- > 0;) {  // prefer frequent symbols at equal length
      const int s = used[i];
      if (lengths[s] > 1 && kraft + (full >> lengths[s]) <= full &&
          (best < 0 || lengths[s] > lengths[best]))
        best = s;
    }
    kraft += full >> lengths[best];
    lengths[best]--;
  }
}

Dht encode_dht(const uint8_t* litlen_lengths, const uint8_t* dist_lengths) {
  int nlit = kLitLenSymbols, ndist = kDistSymbols;
  while (nlit > 257 && litlen_lengths[nlit - 1] == 0) --nlit;
  while (ndist > 1 && dist_lengths[ndist - 1] == 0) --ndist;
  uint8_t seq[kLitLenSymbols + kDistSymbols];
  std::memcpy(seq, litlen_lengths, static_cast<size_t>(nlit));
  std::memcpy(seq + nlit, dist_lengths, static_cast<size_t>(ndist));
  const int total = nlit + ndist;

  // Run-length code the lengths: (symbol, extra bits value).
  struct Item {
    uint8_t sym, extra;
  };
  std::vector<Item> items;
  for (int i = 0; i < total;) {
    const uint8_t v = seq[i];
    int run = 1;
    while (i + run < total && seq[i + run] == v) ++run;
    i += run;
    if (v == 0) {
      while (run >= 11) {
        const int r = std::min(run, 138);
        items.push_back({18, static_cast<uint8_t>(r - 11)});
        run -= r;
      }
      if (run >= 3) {
        items.push_back({17, static_cast<uint8_t>(run - 3)});
        run = 0;
      }
    } else {
      items.push_back({v, 0});
      --run;
      while (run >= 3) {
        const int r = std::min(run, 6);
        items.push_back({16, static_cast<uint8_t>(r - 3)});
        run -= r;
      }
    }
    while (run-- > 0) items.push_back({v, 0});
  }

  uint32_t clfreq[19] = {};
  for (const Item& it : items) clfreq[it.sym]++;
  uint8_t cl[19];
  huffman_lengths(clfreq, 19, 7, cl);
  uint16_t clcode[19] = {};
  nx::canonical_codes(cl, 19, clcode);
  int nclen = 19;
  while (nclen > 4 && cl[nx::kCodeLengthOrder[nclen - 1]] == 0) --nclen;

  Dht d{};
  BitWriter w(d.bits, sizeof d.bits);
  w.put(static_cast<uint32_t>(nlit - 257), 5);
  w.put(static_cast<uint32_t>(ndist - 1), 5);
  w.put(static_cast<uint32_t>(nclen - 4), 4);
  for (int i = 0; i < nclen; ++i) w.put(cl[nx::kCodeLengthOrder[i]], 3);
  for (const Item& it : items) {
    w.put(clcode[it.sym], cl[it.sym]);
    if (it.sym == 16) w.put(it.extra, 2);
    if (it.sym == 17) w.put(it.extra, 3);
    if (it.sym == 18) w.put(it.extra, 7);
  }
  d.nbits = static_cast<uint32_t>(w.bit_count());
  w.finish();
  return d;
}

Dht build_dht(const uint32_t* litlen_freq, const uint32_t* dist_freq, bool cover_all) {
  uint32_t lf[kLitLenSymbols], df[kDistSymbols];
  for (int s = 0; s < kLitLenSymbols; ++s)
    lf[s] = cover_all ? std::max<uint32_t>(litlen_freq[s], 1) : litlen_freq[s];
  for (int s = 0; s < kDistSymbols; ++s)
    df[s] = cover_all ? std::max<uint32_t>(dist_freq[s], 1) : dist_freq[s];
  lf[256] = std::max<uint32_t>(lf[256], 1);  // end of block is always coded
  uint8_t ll[kLitLenSymbols], dl[kDistSymbols];
  huffman_lengths(lf, kLitLenSymbols, 15, ll);
  huffman_lengths(df, kDistSymbols, 15, dl);
  return encode_dht(ll, dl);
}

}  // namespace nxz::engine
