// Contract §5/§7 on untrusted input: corrupted, truncated and random streams
// and resume states never make the decoder touch memory outside its buffers
// (guard pages on every side), and its verdict agrees with system zlib's.
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <random>

#include "emulated/inflate_core.h"
#include "inflate/inflate_driver.h"

namespace nxz::test {
namespace {

// `size` usable bytes that end (or begin) exactly at an inaccessible page.
class Guarded {
 public:
  Guarded(size_t size, bool guard_before) {
    const size_t page = nx::page_size();
    const size_t span = (size + page - 1) / page * page;
    map_len_ = span + 2 * page;
    base_ = static_cast<uint8_t*>(
        mmap(nullptr, map_len_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
    EXPECT_NE(base_, MAP_FAILED);
    mprotect(base_, page, PROT_NONE);
    mprotect(base_ + page + span, page, PROT_NONE);
    data_ = guard_before ? base_ + page : base_ + page + span - size;
  }
  ~Guarded() { munmap(base_, map_len_); }
  uint8_t* data() const { return data_; }

 private:
  uint8_t* base_;
  uint8_t* data_;
  size_t map_len_;
};

bool allowed_cc(uint8_t cc) {
  return cc == 0 || cc == 3 || cc == 13 || cc == 66 || cc == 67 || cc == 68;
}

// One job with the source ending at a guard page, and the history + target
// between two guard pages.
emu::InflateResult guarded_job(const Bytes& src, const Bytes& history, size_t capacity, Bytes* out,
                               const emu::InflateInput* resume = nullptr) {
  Guarded s(src.size(), false);
  if (!src.empty()) std::memcpy(s.data(), src.data(), src.size());
  // With history, its first byte follows the leading guard page (reads
  // before it fault); without, the target's end meets the trailing one
  // (writes past it fault).
  Guarded t(history.size() + capacity, !history.empty());
  if (!history.empty()) std::memcpy(t.data(), history.data(), history.size());
  emu::InflateInput in = resume ? *resume : emu::InflateInput{};
  in.src = s.data();
  in.src_len = src.size();
  in.hist_len = history.size();
  in.out = t.data() + history.size();
  in.out_capacity = capacity;
  const emu::InflateResult r = emu::inflate_job(in);
  out->assign(in.out, in.out + std::min(r.tpbc, capacity));
  return r;
}

Bytes mutate(const Bytes& z, std::mt19937& rng) {
  Bytes m = z;
  switch (rng() % 4) {
    case 0:  // flip a few bits
      for (int i = 0, n = 1 + rng() % 4; i < n; ++i)
        m[rng() % m.size()] ^= uint8_t(1u << (rng() % 8));
      break;
    case 1:  // overwrite a run of bytes
      for (size_t i = rng() % m.size(), n = 1 + rng() % 8; i < m.size() && n; ++i, --n)
        m[i] = static_cast<uint8_t>(rng());
      break;
    case 2:  // truncate
      m.resize(rng() % m.size());
      break;
    default:  // flip a bit in the first 40 bytes (block headers)
      m[rng() % std::min<size_t>(40, m.size())] ^= uint8_t(1u << (rng() % 8));
      break;
  }
  return m;
}

std::vector<Bytes> base_streams() {
  std::vector<Bytes> v;
  const Bytes text = text_like(6000, 21);
  Bytes mixed = corpus("kppkn.gtb");
  mixed.resize(std::min<size_t>(mixed.size(), 6000));
  if (mixed.empty()) mixed = random_bytes(6000, 2);
  const Bytes* inputs[] = {&text, &mixed};
  for (const Bytes* d : inputs) {
    v.push_back(zlib_compress(*d, 6));
    v.push_back(zlib_compress(*d, 1, -15, 1));
    v.push_back(zlib_compress(*d, 6, -15, 8, Z_FIXED));
    v.push_back(zlib_compress(*d, 6, -15, 8, Z_HUFFMAN_ONLY));
    v.push_back(zlib_compress(*d, 0));
  }
  return v;
}

TEST(Contract7InflateCorrupt, MutatedStreamsAgreeWithZlibAndStayInBounds) {
  std::mt19937 rng(12345);
  const std::vector<Bytes> bases = base_streams();
  int counts[256] = {};
  for (int iter = 0; iter < 3000; ++iter) {
    const Bytes m = mutate(bases[iter % bases.size()], rng);
    Bytes ref;
    std::string err;
    // A mutation may end the stream early: zlib then decodes it with bytes
    // left over, which for this comparison still counts as decoded.
    const bool zok = zlib_inflate_raw(m.data(), m.size(), &ref, &err) ||
                     err.find("follow the end of the stream") != std::string::npos;
    const bool zlib_data_error = !zok && err.rfind("rc ", 0) != 0;
    const size_t cap = zok ? ref.size() : std::max<size_t>(ref.size(), 1) + 64;
    Bytes out;
    const emu::InflateResult r = guarded_job(m, {}, cap, &out);
    counts[r.cc]++;
    ASSERT_TRUE(allowed_cc(r.cc)) << iter << " cc " << int(r.cc);
    const bool ended = r.cc == 0 || (r.cc == 3 && r.sfbt == 0);
    if (zok) {
      EXPECT_TRUE(ended) << iter << " zlib decodes it, cc " << int(r.cc);
      EXPECT_TRUE(out == ref) << iter;
    } else if (zlib_data_error) {
      EXPECT_TRUE(r.cc == 66 || r.cc == 67 || r.cc == 68 || r.cc == 13)
          << iter << " zlib: " << err << ", cc " << int(r.cc) << " sfbt " << r.sfbt;
    } else {  // zlib ran out of input
      EXPECT_TRUE(r.cc == 3 && r.sfbt != 0) << iter << " zlib: " << err << ", cc " << int(r.cc);
      const size_t common = std::min(out.size(), ref.size());
      EXPECT_TRUE(std::equal(out.begin(), out.begin() + common, ref.begin())) << iter;
    }
  }
  // The mutations must reach every outcome, or the test proves little.
  for (int cc : {0, 3, 66, 67, 68}) EXPECT_GT(counts[cc], 0) << "cc " << cc;
}

TEST(Contract7InflateCorrupt, RandomBytesNeverCrash) {
  std::mt19937 rng(99);
  for (int iter = 0; iter < 3000; ++iter) {
    const Bytes m = random_bytes(1 + rng() % 300, rng());
    Bytes out;
    const emu::InflateResult r = guarded_job(m, {}, 1 + rng() % 5000, &out);
    ASSERT_TRUE(allowed_cc(r.cc)) << iter;
  }
}

TEST(Contract7InflateCorrupt, RandomResumeStatesAndHistoryNeverCrash) {
  std::mt19937 rng(7);
  const std::vector<Bytes> bases = base_streams();
  for (int iter = 0; iter < 3000; ++iter) {
    const Bytes& b = bases[rng() % bases.size()];
    const size_t from = rng() % b.size();
    const Bytes src(b.begin() + static_cast<ptrdiff_t>(from), b.end());
    const Bytes history = random_bytes(rng() % 3 ? rng() % 40000 : 0, rng());
    emu::InflateInput st;
    st.resume = true;
    st.in_subc = rng() % 8;
    st.in_sfbt = rng() % 16;
    st.in_rembytecnt = rng() % 65536;
    st.in_dhtlen = rng() % 4096;
    uint8_t dht[288];
    for (auto& x : dht) x = static_cast<uint8_t>(rng());
    st.in_dht = dht;
    st.tpbc_limit = rng() % 2 ? rng() % 3000 : 0;
    st.single_block = rng() % 2;
    Bytes out;
    const emu::InflateResult r = guarded_job(src, history, 1 + rng() % 70000, &out, &st);
    ASSERT_TRUE(allowed_cc(r.cc)) << iter;
  }
}

}  // namespace
}  // namespace nxz::test
