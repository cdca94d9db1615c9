#include "emulated/deflate_core.h"

#include <algorithm>

#include "emulated/deflate_bits.h"
#include "emulated/deflate_codes.h"
#include "emulated/dynamic_header.h"
#include "emulated/lz77_matcher.h"
#include "nx/nx.h"

namespace nxz::emu {
namespace {

// The longest possible dynamic header without its 3 block-header bits:
// HLIT..HCLEN, 19 code-length code lengths, 316 lengths of 7-bit codes.
constexpr uint32_t kMaxDhtBits = 14 + 19 * 3 + 316 * 7;
static_assert(kMaxDhtBits == nx::kDhtMaxBits);
// After kSkipAfter fruitless searches in a row, one more byte is skipped
// between searches for every 2^kSkipShift further misses, up to kMaxSkip.
constexpr size_t kSkipAfter = 32;
constexpr int kSkipShift = 4;
constexpr size_t kMaxSkip = 7;

// Writes the job's symbols as the LZ77 parse produces them: there is no
// symbol buffer, so nothing limits the block length. It holds the bit writer
// by value so that the writer lives in registers inside the parse loop.
template <bool kCount>
class SymbolWriter {
 public:
  SymbolWriter(const EncodeTables& t, const BitWriter& w, uint32_t* counts)
      : t_(t), w_(w), counts_(counts) {}

  void literal(uint8_t c) {
    w_.add(t_.lit_code[c], t_.lit_len[c]);
    w_.flush();
    if constexpr (kCount) counts_[c]++;
  }

  void match(unsigned len, uint32_t dist) {
    const unsigned ds = dist_symbol(dist);
    w_.add(t_.match_bits[len], t_.match_nbits[len]);
    w_.add(t_.dist_code[ds] | (uint64_t{dist - kDistBase[ds]} << t_.dist_len[ds]),
           t_.dist_nbits[ds]);
    w_.flush();
    if constexpr (kCount) {
      counts_[t_.match_sym[len]]++;
      counts_[kNumLitLenSymbols + ds]++;
    }
  }

  bool full() const { return w_.overflow; }
  const BitWriter& writer() const { return w_; }

 private:
  const EncodeTables& t_;
  BitWriter w_;
  uint32_t* counts_;
};

// One step of the LZ77 parse at p: a literal, or a match possibly preceded
// by literals. Greedy with one-step lazy evaluation: a match shorter than
// kLazyBelow is given up for a literal when the next position starts a
// longer one, which is then tried the same way. Every position that can
// start a match (4 bytes left) is inserted, inside matches too, so chains
// stay dense for later searches. Returns the position after the step.
//
// kNearEnd is for the last few hundred bytes: away from the end a match can
// always be kMaxMatch long and every position can be hashed, and the common
// case needs none of those checks.
template <bool kNearEnd, class Out>
[[gnu::always_inline]] inline size_t parse_step(const ChainView& m, size_t p, size_t total,
                                                Out& out) {
  const size_t hash_end = total - kMinMatch + 1;  // total >= kMinMatch here
  unsigned max_len = kMaxMatch;
  if constexpr (kNearEnd) {
    if (p >= hash_end) {
      out.literal(m.data[p]);
      return p + 1;
    }
    max_len = static_cast<unsigned>(std::min<size_t>(kMaxMatch, total - p));
  }
  Match cur = m.insert_and_find(p, kMinMatch - 1, max_len, kMaxChain);
  if (cur.len == 0) {
    out.literal(m.data[p]);
    return p + 1;
  }
  size_t inserted_to = p + 1;
  while (cur.len < kLazyBelow) {
    unsigned next_max = kMaxMatch;
    if constexpr (kNearEnd) {
      if (p + 1 >= hash_end) break;
      next_max = static_cast<unsigned>(std::min<size_t>(kMaxMatch, total - p - 1));
      if (cur.len >= next_max) break;
    }
    const Match next = m.insert_and_find(p + 1, cur.len, next_max, kMaxChain);
    inserted_to = p + 2;
    if (next.len == 0) break;
    out.literal(m.data[p++]);
    cur = next;
  }
  out.match(cur.len, cur.dist);
  const size_t end = p + cur.len;
  m.insert_range(inserted_to, kNearEnd ? std::min(end, hash_end) : end);
  return end;
}

// MatchEffort::kFast: greedy, with one candidate per position (the newest
// with the same hash of 4 bytes in a table without chains). Inside a match
// only its second and last positions are inserted: inserting them all was
// a quarter of the time, for 2% of the output.
template <bool kNearEnd, class Out>
[[gnu::always_inline]] inline size_t fast_step(const FastView& m, size_t p, size_t total,
                                               Out& out) {
  unsigned max_len = kMaxMatch;
  if constexpr (kNearEnd) {
    if (p + kMinMatch > total) {
      out.literal(m.data[p]);
      return p + 1;
    }
    max_len = static_cast<unsigned>(std::min<size_t>(kMaxMatch, total - p));
  }
  const uint8_t* cur = m.data + p;
  const uint32_t h = FastView::hash4(cur);
  const uint32_t now = m.stamp(p);
  const uint32_t dist = now - m.head[h];
  m.head[h] = now;
  // As in ChainView::insert_and_find: stale and empty entries are too far.
  if (dist - 1 >= kMaxDistance || load_native32(cur - dist) != load_native32(cur)) {
    out.literal(*cur);
    return p + 1;
  }
  const unsigned len = ChainView::match_length(cur, cur - dist, max_len);
  out.match(len, dist);
  const size_t end = p + len;
  if constexpr (kNearEnd) {
    m.insert_range(p + 1, std::min(end, total - kMinMatch + 1));
  } else {
    m.insert(p + 1);
    m.insert(end - 1);
  }
  return end;
}

// One step at p of the parse of the view's effort.
template <bool kNearEnd, class Out>
[[gnu::always_inline]] inline size_t step(const ChainView& m, size_t p, size_t total, Out& out) {
  return parse_step<kNearEnd>(m, p, total, out);
}
template <bool kNearEnd, class Out>
[[gnu::always_inline]] inline size_t step(const FastView& m, size_t p, size_t total, Out& out) {
  return fast_step<kNearEnd>(m, p, total, out);
}

ChainView view_of(const Lz77Matcher& m, const ChainView*) { return m.view(); }
FastView view_of(const Lz77Matcher& m, const FastView*) { return m.fast_view(); }

// The LZ77 parse of data[start..total) with the tables of View (ChainView
// or FastView). It depends only on the data and the effort, never on the
// code: a symbol the DHT lacks is reported, not avoided (contract §4). It
// stops early once the output is full.
template <class View, bool kCount>
BitWriter parse(Lz77Matcher& matcher, size_t start, size_t total, const EncodeTables& t,
                const BitWriter& w, uint32_t* counts) {
  SymbolWriter<kCount> out(t, w, counts);
  size_t p = start;
  if (total < kMinMatch) {
    while (p < total) out.literal(matcher.view().data[p++]);
    return out.writer();
  }
  // Room for a maximal match after a run of lazy steps, each at least one
  // byte longer than the last.
  constexpr size_t kMargin = kMaxMatch + kLazyBelow + kMinMatch;
  const size_t fast_end = total > kMargin ? total - kMargin : 0;
  size_t misses = 0;  // searches in a row that found nothing
  while (p < total) {
    // A copy in locals, so that the compiler keeps it in registers.
    const View m = view_of(matcher, static_cast<const View*>(nullptr));
    const size_t segment_end = std::min(total, matcher.rebase_position());
    // Nothing at or after p is inserted yet: the chains rely on it (see
    // ChainView::insert_and_find).
    const size_t fast_stop = std::min(segment_end, fast_end);
    while (p < fast_stop) {
      if (out.full()) [[unlikely]]
        return out.writer();
      const size_t next = step<false>(m, p, total, out);
      if (next != p + 1) {
        misses = 0;
      } else if (++misses > kSkipAfter) {
        // Data that has not matched for a while is probably incompressible:
        // search only every few positions there, emitting the bytes between
        // as literals without inserting them.
        size_t skip = std::min<size_t>((misses - kSkipAfter) >> kSkipShift, kMaxSkip);
        skip = std::min(skip, fast_stop - next);
        for (size_t i = 0; i < skip; ++i) out.literal(m.data[next + i]);
        p = next + skip;
        continue;
      }
      p = next;
    }
    while (p < segment_end) {
      if (out.full()) [[unlikely]]
        return out.writer();
      p = step<true>(m, p, total, out);
    }
    if (p < total) matcher.rebase(p);
  }
  return out.writer();
}

// Copies the first `nbits` bits of `src` (LSB-first) to the writer.
void copy_bits(BitWriter& w, const uint8_t* src, uint32_t nbits) {
  uint32_t i = 0;
  for (; i + 8 <= nbits; i += 8) {
    w.add(src[i / 8], 8);
    w.flush();
  }
  if (i < nbits) w.add(src[i / 8] & ((1u << (nbits - i)) - 1), nbits - i);
}

bool uses_missing_code(const uint32_t* counts, const EncodeTables& t) {
  for (int s = 0; s < kNumLitLenSymbols; ++s)
    if (counts[s] && t.lit_len[s] == 0) return true;
  for (int s = 0; s < kNumDistSymbols; ++s)
    if (counts[kNumLitLenSymbols + s] && t.dist_len[s] == 0) return true;
  return false;
}

template <class View, bool kCount>
void compress_with(const DeflateInput& in, const EncodeTables& t, BitWriter& w, uint32_t* counts) {
  if (in.len > 0) {
    const size_t total = in.hist_len + in.len;
    const size_t hash_end = total >= kMinMatch ? total - kMinMatch + 1 : 0;
    // Only the last window of history can be referenced (§4).
    const size_t first = in.hist_len > kWindowSize ? in.hist_len - kWindowSize : 0;
    Lz77Matcher& m = Lz77Matcher::for_this_thread();
    m.begin(in.data, first);
    view_of(m, static_cast<const View*>(nullptr))
        .insert_range(first, std::min(in.hist_len, hash_end));
    w = parse<View, kCount>(m, in.hist_len, total, t, w, counts);
    m.end(total);
  }
  w.add(t.lit_code[kEndOfBlock], t.lit_len[kEndOfBlock]);
  if constexpr (kCount) counts[kEndOfBlock]++;
}

template <bool kCount>
void compress(const DeflateInput& in, const EncodeTables& t, BitWriter& w, uint32_t* counts) {
  if (in.effort == MatchEffort::kFast)
    compress_with<FastView, kCount>(in, t, w, counts);
  else
    compress_with<ChainView, kCount>(in, t, w, counts);
}

}  // namespace

DeflateResult deflate_job(const DeflateInput& in) {
  DeflateResult r;
  EncodeTables dynamic_tables;
  const EncodeTables* tables = &fixed_tables();
  if (in.dht) {
    // The field holds up to 4095 but no valid table is longer than
    // kMaxDhtBits; the limit also keeps the parser inside the 288 bytes.
    CodeLengths lengths;
    size_t used = 0;
    const HeaderStatus hs = in.in_dhtlen > kMaxDhtBits
                                ? HeaderStatus::kInvalid
                                : parse_dynamic_header(in.in_dht, 0, in.in_dhtlen, &lengths, &used);
    if ((hs != HeaderStatus::kOk && hs != HeaderStatus::kNoEndOfBlock) || used != in.in_dhtlen) {
      r.cc = nx::kCcDhtInvalid;
      return r;
    }
    // §4: the table decodes, but every block ends with end-of-block, a
    // code this table lacks: "a table with no code for a symbol the data
    // needs is cc 66" (the reading taken: the table itself is valid).
    if (hs == HeaderStatus::kNoEndOfBlock) {
      r.cc = nx::kCcDataError;
      return r;
    }
    dynamic_tables.build(lengths.litlen, lengths.dist);
    tables = &dynamic_tables;
  }

  BitWriter w(in.out, in.out_capacity);
  if (in.dht) {
    w.add(0x1 | (0x2 << 1), 3);  // BFINAL = 1, BTYPE = 10
    w.flush();
    copy_bits(w, in.in_dht, in.in_dhtlen);
  } else {
    w.add(0x1 | (0x1 << 1), 3);  // BFINAL = 1, BTYPE = 01
  }

  // A DHT job always counts: a symbol used with no code is found from the
  // counts after the parse instead of being tested per symbol.
  if (in.counts || in.dht)
    compress<true>(in, *tables, w, r.lzcount);
  else
    compress<false>(in, *tables, w, r.lzcount);
  const unsigned tebc = w.finish();

  // A symbol without a code wins over a full target when it came first: the
  // parse stopped at the first flush that did not fit, so the counts cover
  // the symbols written up to there.
  if (in.dht && uses_missing_code(r.lzcount, *tables)) {
    r = DeflateResult{};
    r.cc = nx::kCcDataError;
    return r;
  }
  if (w.overflow) {
    r = DeflateResult{};
    r.cc = nx::kCcTargetSpace;
    return r;
  }
  r.cc = nx::kCcSuccess;
  r.out_bytes = static_cast<size_t>(w.p - in.out);
  r.tebc = static_cast<uint8_t>(tebc);
  return r;
}

}  // namespace nxz::emu
