#include "deflate/dht_builder_for_tests.h"

#include <algorithm>
#include <numeric>

#include "emulated/deflate_codes.h"
#include "emulated/dynamic_header.h"

namespace nxz::test {
namespace {

// Depth of every leaf of a Huffman tree over the given (nonzero) weights.
std::vector<int> tree_depths(const std::vector<uint64_t>& w) {
  const size_t n = w.size();
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return w[a] < w[b]; });
  // Two queues: sorted leaves, and internal nodes in creation order (their
  // weights never decrease, so both stay sorted).
  std::vector<uint64_t> weight(2 * n);
  std::vector<size_t> parent(2 * n, 0);
  for (size_t i = 0; i < n; ++i) weight[i] = w[order[i]];
  size_t leaf = 0, node = n, next = n;
  auto take = [&]() {
    if (leaf < n && (node == next || weight[leaf] <= weight[node])) return leaf++;
    return node++;
  };
  for (size_t k = 0; k + 1 < n; ++k) {
    const size_t a = take(), b = take();
    weight[next] = weight[a] + weight[b];
    parent[a] = parent[b] = next++;
  }
  std::vector<int> depth(2 * n, 0);
  for (size_t i = next - 1; i-- > 0;) depth[i] = depth[parent[i]] + 1;
  std::vector<int> out(n);
  for (size_t i = 0; i < n; ++i) out[order[i]] = depth[i];
  return out;
}

struct BitSink {
  Dht* d;
  void put(uint32_t v, int n) {
    for (int i = 0; i < n; ++i, ++d->bits)
      if ((v >> i) & 1) d->bytes[d->bits >> 3] |= static_cast<uint8_t>(1u << (d->bits & 7));
  }
};

constexpr int kClOrder[19] = {16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15};

}  // namespace

std::vector<uint8_t> huffman_lengths(const std::vector<uint32_t>& freq, int max_len) {
  std::vector<uint8_t> len(freq.size(), 0);
  std::vector<size_t> used;
  std::vector<uint64_t> w;
  for (size_t s = 0; s < freq.size(); ++s)
    if (freq[s]) {
      used.push_back(s);
      w.push_back(freq[s]);
    }
  if (used.size() == 1) len[used[0]] = 1;
  if (used.size() < 2) return len;
  for (;;) {
    const std::vector<int> depth = tree_depths(w);
    if (*std::max_element(depth.begin(), depth.end()) <= max_len) {
      for (size_t i = 0; i < used.size(); ++i) len[used[i]] = static_cast<uint8_t>(depth[i]);
      return len;
    }
    for (auto& x : w) x = (x >> 1) | 1;
  }
}

Dht encode_dht(const std::vector<uint8_t>& litlen, const std::vector<uint8_t>& dist) {
  int nlit = 286, ndist = 30;
  while (nlit > 257 && litlen[nlit - 1] == 0) --nlit;
  while (ndist > 1 && dist[ndist - 1] == 0) --ndist;
  std::vector<uint8_t> all(litlen.begin(), litlen.begin() + nlit);
  all.insert(all.end(), dist.begin(), dist.begin() + ndist);

  // Run-length code the lengths: {symbol, extra bits value}.
  std::vector<std::pair<int, int>> rle;
  for (size_t i = 0; i < all.size();) {
    const int v = all[i];
    size_t run = 1;
    while (i + run < all.size() && all[i + run] == v) ++run;
    i += run;
    if (v == 0) {
      while (run >= 11) {
        const size_t r = std::min<size_t>(run, 138);
        rle.push_back({18, static_cast<int>(r - 11)});
        run -= r;
      }
      if (run >= 3) {
        rle.push_back({17, static_cast<int>(run - 3)});
        run = 0;
      }
    } else {
      rle.push_back({v, 0});
      --run;
      while (run >= 3) {
        const size_t r = std::min<size_t>(run, 6);
        rle.push_back({16, static_cast<int>(r - 3)});
        run -= r;
      }
    }
    for (; run > 0; --run) rle.push_back({v, 0});
  }

  std::vector<uint32_t> clfreq(19, 0);
  for (auto& [sym, extra] : rle) clfreq[sym]++;
  // The code-length code must be complete: give it a second symbol if needed.
  if (std::count_if(clfreq.begin(), clfreq.end(), [](uint32_t f) { return f > 0; }) < 2)
    clfreq[clfreq[0] ? 1 : 0] = 1;
  const std::vector<uint8_t> cl = huffman_lengths(clfreq, 7);
  uint16_t clcode[19];
  emu::build_canonical_codes(cl.data(), 19, clcode);
  int hclen = 19;
  while (hclen > 4 && cl[kClOrder[hclen - 1]] == 0) --hclen;

  Dht d;
  BitSink out{&d};
  out.put(static_cast<uint32_t>(nlit - 257), 5);
  out.put(static_cast<uint32_t>(ndist - 1), 5);
  out.put(static_cast<uint32_t>(hclen - 4), 4);
  for (int i = 0; i < hclen; ++i) out.put(cl[kClOrder[i]], 3);
  for (auto& [sym, extra] : rle) {
    out.put(clcode[sym], cl[sym]);
    if (sym == 16) out.put(static_cast<uint32_t>(extra), 2);
    if (sym == 17) out.put(static_cast<uint32_t>(extra), 3);
    if (sym == 18) out.put(static_cast<uint32_t>(extra), 7);
  }
  return d;
}

Dht dht_from_counts(const uint32_t* lzcount, const std::vector<int>& drop) {
  std::vector<uint32_t> lit(lzcount, lzcount + 286), dist(lzcount + 286, lzcount + 316);
  lit[256] = std::max<uint32_t>(lit[256], 1);
  for (int s : drop) {
    if (s < 286)
      lit[s] = 0;
    else
      dist[s - 286] = 0;
  }
  // One used symbol would get a lone 1-bit code, which decoders accept only
  // reluctantly; a dummy second symbol makes the code complete.
  auto pad = [](std::vector<uint32_t>& f, const std::vector<int>& avoid) {
    if (std::count_if(f.begin(), f.end(), [](uint32_t x) { return x > 0; }) != 1) return;
    for (size_t s = 0; s < f.size(); ++s)
      if (!f[s] && std::find(avoid.begin(), avoid.end(), static_cast<int>(s)) == avoid.end()) {
        f[s] = 1;
        return;
      }
  };
  std::vector<int> dist_drop;
  for (int s : drop)
    if (s >= 286) dist_drop.push_back(s - 286);
  pad(lit, drop);
  pad(dist, dist_drop);
  return encode_dht(huffman_lengths(lit, 15), huffman_lengths(dist, 15));
}

bool dht_lengths(const Dht& d, std::vector<uint8_t>* litlen, std::vector<uint8_t>* dist) {
  emu::CodeLengths cl;
  size_t used = 0;
  if (emu::parse_dynamic_header(d.bytes, 0, d.bits, &cl, &used) != emu::HeaderStatus::kOk ||
      used != d.bits)
    return false;
  litlen->assign(cl.litlen, cl.litlen + 288);
  dist->assign(cl.dist, cl.dist + 32);
  return true;
}

}  // namespace nxz::test
