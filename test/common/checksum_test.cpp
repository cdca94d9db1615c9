// CRC-32 and Adler-32: every variant against the system zlib.
#include "common/checksum.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "common/checksum_impl.h"
#include "support/test_support.h"

namespace nxz {
namespace {

using checksum_detail::Adler32Variant;
using checksum_detail::Crc32Variant;
using test::Bytes;

// Every length up to kMaxLen at the first kAlignments alignments, and
// every length up to kMaxLenAllAlignments at all 64 (a zmm register's).
constexpr size_t kMaxLen = 4096;
constexpr size_t kAlignments = 16;
constexpr size_t kMaxLenAllAlignments = 1024;
constexpr size_t kAllAlignments = 64;
// The AVX-512 Adler-32 variants sum runs of up to 1 MiB in 32-bit lanes
// before reducing (checksum_adler32_avx512.cpp).
constexpr size_t kAdlerVectorRun = size_t{1} << 20;

uint32_t zlib_crc(uint32_t crc, const uint8_t* p, size_t n) {
  return static_cast<uint32_t>(::crc32(crc, p, static_cast<uInt>(n)));
}
uint32_t zlib_adler(uint32_t adler, const uint8_t* p, size_t n) {
  return static_cast<uint32_t>(::adler32(adler, p, static_cast<uInt>(n)));
}

// A copy of `data` at `offset` (0..63) past a 64-aligned address, in an
// allocation that ends exactly where the data does: a sanitizer build then
// reports any read past the end, however small.
class PlacedBuffer {
 public:
  PlacedBuffer(const uint8_t* data, size_t n, size_t offset) {
    void* mem = nullptr;
    if (posix_memalign(&mem, 64, offset + n + (offset + n == 0)) != 0) std::abort();
    mem_ = static_cast<uint8_t*>(mem);
    if (n) std::memcpy(mem_ + offset, data, n);
    base_ = mem_ + offset;
  }
  ~PlacedBuffer() { std::free(mem_); }
  PlacedBuffer(const PlacedBuffer&) = delete;
  PlacedBuffer& operator=(const PlacedBuffer&) = delete;
  const uint8_t* data() const { return base_; }
  bool aligned_as_asked(size_t offset) const {
    return reinterpret_cast<uintptr_t>(mem_) % 64 == 0 &&
           reinterpret_cast<uintptr_t>(base_) % 64 == offset;
  }

 private:
  uint8_t* mem_;
  const uint8_t* base_;
};

Bytes mixed_data(size_t n, uint32_t seed) {
  Bytes b = test::random_bytes(n, seed);
  // Runs of 0x00 and 0xff exercise the extremes of the Adler-32 sums.
  for (size_t i = n / 3; i < n / 2; ++i) b[i] = 0xff;
  for (size_t i = n / 2; i < 2 * n / 3; ++i) b[i] = 0;
  return b;
}

std::vector<std::string> corpus_paths() {
  std::vector<std::string> paths;
  for (const auto& name : test::corpus_files()) paths.push_back(test::corpus_dir() + "/" + name);
  return paths;
}

// ------------------------------------------------------------ known answers

TEST(ChecksumKnownAnswer, PublicFunctions) {
  const std::string check = "123456789";
  const auto* p = reinterpret_cast<const uint8_t*>(check.data());
  EXPECT_EQ(crc32(0, p, check.size()), 0xcbf43926u);
  const std::string wiki = "Wikipedia";
  EXPECT_EQ(adler32(1, reinterpret_cast<const uint8_t*>(wiki.data()), wiki.size()), 0x11e60398u);
  EXPECT_EQ(crc32(0, p, 0), 0u);
  EXPECT_EQ(adler32(1, p, 0), 1u);
  EXPECT_EQ(crc32(0x12345678u, p, 0), 0x12345678u);
}

TEST(ChecksumKnownAnswer, NullBufferGivesInitialValueLikeZlib) {
  EXPECT_EQ(crc32(0xdeadbeefu, nullptr, 10), zlib_crc(0xdeadbeefu, nullptr, 10));
  EXPECT_EQ(crc32(0xdeadbeefu, nullptr, 10), 0u);
  EXPECT_EQ(adler32(0xdeadbeefu, nullptr, 10), zlib_adler(0xdeadbeefu, nullptr, 10));
  EXPECT_EQ(adler32(0xdeadbeefu, nullptr, 10), 1u);
}

TEST(ChecksumDispatch, SelectedVariantIsTheBestSupportedOne) {
  size_t n;
  const Crc32Variant* crc = checksum_detail::crc32_variants(&n);
  std::string best_crc = "slice16";
  for (size_t i = 0; i < n; ++i)
    if (crc[i].supported) best_crc = crc[i].name;
  EXPECT_EQ(checksum_detail::crc32_selected_name(), best_crc);
  const Adler32Variant* adler = checksum_detail::adler32_variants(&n);
  std::string best_adler = "portable";
  for (size_t i = 0; i < n; ++i)
    if (adler[i].supported) best_adler = adler[i].name;
  EXPECT_EQ(checksum_detail::adler32_selected_name(), best_adler);
#if defined(__x86_64__)
  if (checksum_detail::cpu_has_vpclmul512()) {
    EXPECT_EQ(best_crc, "vpclmul512");
  } else if (checksum_detail::cpu_has_pclmul()) {
    EXPECT_EQ(best_crc, "pclmul");
  }
  if (checksum_detail::cpu_has_avx512vnni()) {
    EXPECT_EQ(best_adler, "avx512vnni");
  } else if (checksum_detail::cpu_has_avx512bw()) {
    EXPECT_EQ(best_adler, "avx512bw");
  } else if (checksum_detail::cpu_has_avx2()) {
    EXPECT_EQ(best_adler, "avx2");
  }
#endif
  std::printf("selected: crc32 %s, adler32 %s\n", best_crc.c_str(), best_adler.c_str());
}

#if defined(__x86_64__)
// The CPU predicates against the kernel's own view: when /proc/cpuinfo
// lists every feature a variant needs, its predicate must say so too (else
// the variant's tests would be skipped unnoticed), and a variant whose
// features are missing there must not be supported. Valgrind's virtual CPU
// hides AVX-512 from CPUID though /proc/cpuinfo shows the host's flags.
TEST(ChecksumDispatch, PredicatesAgreeWithProcCpuinfo) {
  const char* preload = std::getenv("LD_PRELOAD");
  if (preload && std::strstr(preload, "vgpreload")) GTEST_SKIP() << "under valgrind";
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  std::set<std::string> flags;
  while (std::getline(in, line)) {
    if (line.rfind("flags", 0) != 0) continue;
    std::istringstream words(line.substr(line.find(':') + 1));
    for (std::string w; words >> w;) flags.insert(w);
    break;
  }
  if (flags.empty()) GTEST_SKIP() << "no flags in /proc/cpuinfo";
  auto has_all = [&](std::initializer_list<const char*> names) {
    for (const char* n : names)
      if (!flags.count(n)) return false;
    return true;
  };
  using namespace checksum_detail;
  EXPECT_EQ(cpu_has_pclmul(), has_all({"pclmulqdq", "sse4_1"}));
  EXPECT_EQ(cpu_has_avx2(), has_all({"avx2"}));
  EXPECT_EQ(cpu_has_vpclmul512(), has_all({"avx512f", "avx512bw", "avx512vl", "avx512vbmi",
                                           "vpclmulqdq", "pclmulqdq", "sse4_1"}));
  EXPECT_EQ(cpu_has_avx512bw(), has_all({"avx512f", "avx512bw"}));
  EXPECT_EQ(cpu_has_avx512vnni(), has_all({"avx512f", "avx512bw", "avx512_vnni"}));
}
#endif

// ---------------------------------------------------- one test per variant

// Runs `fn` over every length 0..kMaxLen at alignments 0..kAlignments-1 and
// over every length 0..kMaxLenAllAlignments at all 64 alignments, from the
// initial value, from a running value and from `other` (an arbitrary valid
// start) in turn, against zlib's result for the same bytes fed one at a
// time.
template <typename Fn, typename Ref>
void check_lengths_and_alignments(Fn fn, Ref ref, uint32_t initial, uint32_t other) {
  const Bytes data = mixed_data(kMaxLen, 7);
  const uint32_t starts[3] = {initial, ref(initial, data.data(), 1000), other};
  std::vector<uint32_t> expected[3];
  for (int s = 0; s < 3; ++s) {
    expected[s].resize(kMaxLen + 1);
    expected[s][0] = starts[s];
    for (size_t n = 1; n <= kMaxLen; ++n)
      expected[s][n] = ref(expected[s][n - 1], data.data() + n - 1, 1);
  }
  for (size_t align = 0; align < kAllAlignments; ++align) {
    const int s = align % 3;
    const size_t max_len = align < kAlignments ? kMaxLen : kMaxLenAllAlignments;
    for (size_t n = 0; n <= max_len; ++n) {
      PlacedBuffer buf(data.data(), n, align);
      ASSERT_TRUE(buf.aligned_as_asked(align));
      ASSERT_EQ(fn(starts[s], buf.data(), n), expected[s][n])
          << "length " << n << " alignment " << align << " start " << starts[s];
    }
  }
}

// Lengths on either side of the variants' internal steps and thresholds:
// the vector widths and loop steps (16, 32, 64, 128, 256, 512 bytes), the
// scalar Adler-32 modulo interval kAdlerNmax and its multiples, the
// slice-by-16 stripes (3 KiB), 64 KiB, and the vector Adler-32 run.
std::vector<size_t> boundary_lengths() {
  std::set<size_t> lengths;
  auto around = [&](size_t n) {
    for (size_t d = 0; d <= 2; ++d) {
      lengths.insert(n + d);
      if (n >= d) lengths.insert(n - d);
    }
  };
  for (size_t n : {16, 32, 64, 128, 256, 320, 512, 1024, 3072, 4096, 8192, 65536}) around(n);
  for (size_t k = 1; k <= 4; ++k) around(k * checksum_detail::kAdlerNmax);
  for (size_t k = 1; k <= 2; ++k) around(k * kAdlerVectorRun);
  lengths.insert(65536 + 7);
  lengths.insert(kAdlerVectorRun + 3);
  lengths.insert(kAdlerVectorRun + 255);
  return {lengths.begin(), lengths.end()};
}

// Each boundary length at alignments 0, 1, 17, 63 from arbitrary starts
// (made by `start` from a random word), against zlib.
template <typename Fn, typename Ref, typename Start>
void check_boundary_lengths(Fn fn, Ref ref, Start start) {
  const std::vector<size_t> lengths = boundary_lengths();
  const Bytes data = mixed_data(lengths.back(), 8);
  std::mt19937 rng(9);
  for (size_t align : {0, 1, 17, 63}) {
    for (size_t n : lengths) {
      PlacedBuffer buf(data.data(), n, align);
      const uint32_t s = start(static_cast<uint32_t>(rng()));
      ASSERT_EQ(fn(s, buf.data(), n), ref(s, data.data(), n))
          << "length " << n << " alignment " << align << " start " << s;
    }
  }
}

// Feeds `data` in random pieces (mostly small, some large, some empty).
template <typename Fn>
uint32_t in_random_pieces(Fn fn, uint32_t value, const Bytes& data, uint32_t seed) {
  std::mt19937 rng(seed);
  size_t pos = 0;
  while (pos < data.size()) {
    size_t piece;
    switch (rng() % 4) {
      case 0:
        piece = 0;
        break;
      case 1:
        piece = rng() % 64;
        break;
      case 2:
        piece = rng() % 6000;
        break;
      default:
        piece = rng() % 70000;
        break;
    }
    piece = std::min(piece, data.size() - pos);
    value = fn(value, data.data() + pos, piece);
    pos += piece;
  }
  return value;
}

class Crc32VariantTest : public testing::TestWithParam<size_t> {
 protected:
  void SetUp() override {
    size_t n;
    variant_ = &checksum_detail::crc32_variants(&n)[GetParam()];
    if (!variant_->supported) GTEST_SKIP() << variant_->name << " not supported by this CPU";
  }
  const Crc32Variant* variant_ = nullptr;
};

TEST_P(Crc32VariantTest, AllLengthsAllAlignmentsMatchZlib) {
  check_lengths_and_alignments(variant_->fn, zlib_crc, 0, 0x9d3c41e7u);
}

TEST_P(Crc32VariantTest, BoundaryLengthsMatchZlib) {
  check_boundary_lengths(variant_->fn, zlib_crc, [](uint32_t r) { return r; });
}

TEST_P(Crc32VariantTest, RandomContinuationSplitsMatchZlib) {
  for (uint32_t seed = 1; seed <= 8; ++seed) {
    const Bytes data = mixed_data(200000 + seed * 1237, seed);
    const uint32_t whole = zlib_crc(0, data.data(), data.size());
    EXPECT_EQ(in_random_pieces(variant_->fn, 0, data, seed), whole) << "seed " << seed;
  }
}

TEST_P(Crc32VariantTest, EveryCorpusFileMatchesZlib) {
  const auto paths = corpus_paths();
  if (paths.empty()) GTEST_SKIP() << "no corpus at " << test::corpus_dir();
  for (const auto& path : paths) {
    const Bytes data = test::read_file(path);
    ASSERT_FALSE(data.empty()) << path;
    const uint32_t whole = zlib_crc(0, data.data(), data.size());
    EXPECT_EQ(variant_->fn(0, data.data(), data.size()), whole) << path;
    EXPECT_EQ(in_random_pieces(variant_->fn, 0, data, 99), whole) << path;
  }
}

TEST_P(Crc32VariantTest, ContinuesFromAnyValue) {
  const Bytes data = mixed_data(10000, 3);
  std::mt19937 rng(5);
  for (int i = 0; i < 200; ++i) {
    const uint32_t start = static_cast<uint32_t>(rng());
    const size_t n = rng() % data.size();
    EXPECT_EQ(variant_->fn(start, data.data(), n), zlib_crc(start, data.data(), n));
  }
}

std::string crc_name(const testing::TestParamInfo<size_t>& info) {
  size_t n;
  return checksum_detail::crc32_variants(&n)[info.param].name;
}

size_t crc_count() {
  size_t n;
  checksum_detail::crc32_variants(&n);
  return n;
}

INSTANTIATE_TEST_SUITE_P(Variants, Crc32VariantTest, testing::Range<size_t>(0, crc_count()),
                         crc_name);

class Adler32VariantTest : public testing::TestWithParam<size_t> {
 protected:
  void SetUp() override {
    size_t n;
    variant_ = &checksum_detail::adler32_variants(&n)[GetParam()];
    if (!variant_->supported) GTEST_SKIP() << variant_->name << " not supported by this CPU";
  }
  const Adler32Variant* variant_ = nullptr;
};

TEST_P(Adler32VariantTest, AllLengthsAllAlignmentsMatchZlib) {
  check_lengths_and_alignments(variant_->fn, zlib_adler, 1, (60001u << 16) | 65520u);
}

TEST_P(Adler32VariantTest, BoundaryLengthsMatchZlib) {
  check_boundary_lengths(variant_->fn, zlib_adler,
                         [](uint32_t r) { return (r >> 16) % 65521 << 16 | (r & 0xffff) % 65521; });
}

TEST_P(Adler32VariantTest, RandomContinuationSplitsMatchZlib) {
  for (uint32_t seed = 1; seed <= 8; ++seed) {
    const Bytes data = mixed_data(200000 + seed * 1237, seed);
    const uint32_t whole = zlib_adler(1, data.data(), data.size());
    EXPECT_EQ(in_random_pieces(variant_->fn, 1, data, seed), whole) << "seed " << seed;
  }
}

TEST_P(Adler32VariantTest, EveryCorpusFileMatchesZlib) {
  const auto paths = corpus_paths();
  if (paths.empty()) GTEST_SKIP() << "no corpus at " << test::corpus_dir();
  for (const auto& path : paths) {
    const Bytes data = test::read_file(path);
    ASSERT_FALSE(data.empty()) << path;
    const uint32_t whole = zlib_adler(1, data.data(), data.size());
    EXPECT_EQ(variant_->fn(1, data.data(), data.size()), whole) << path;
    EXPECT_EQ(in_random_pieces(variant_->fn, 1, data, 99), whole) << path;
  }
}

// All bytes 0xff from sums just below the modulus is the largest the sums
// can get between reductions: any deferred-modulo overflow shows here. The
// lengths go past the scalar interval (kAdlerNmax) and past the vector
// variants' runs, to 4 MiB: twice the length at which their 32-bit lanes
// would overflow were a run not cut at 1 MiB.
TEST_P(Adler32VariantTest, LargestSumsDoNotOverflow) {
  const size_t nmax = checksum_detail::kAdlerNmax;
  const Bytes ones(4 * kAdlerVectorRun + 100, 0xff);
  for (uint32_t start : {(65520u << 16) | 65520u, 1u}) {
    for (size_t n : {nmax - 1, nmax, nmax + 1, 2 * nmax, 2 * nmax + 1, 3 * nmax + 1000,
                     kAdlerVectorRun - 1, kAdlerVectorRun, kAdlerVectorRun + 1,
                     2 * kAdlerVectorRun + 63, 4 * kAdlerVectorRun + 100})
      EXPECT_EQ(variant_->fn(start, ones.data(), n), zlib_adler(start, ones.data(), n))
          << n << " from " << start;
  }
}

TEST_P(Adler32VariantTest, ContinuesFromAnyValidValue) {
  const Bytes data = mixed_data(20000, 4);
  std::mt19937 rng(6);
  for (int i = 0; i < 200; ++i) {
    const uint32_t start = (rng() % 65521) << 16 | (rng() % 65521);
    const size_t n = rng() % data.size();
    EXPECT_EQ(variant_->fn(start, data.data(), n), zlib_adler(start, data.data(), n));
  }
}

std::string adler_name(const testing::TestParamInfo<size_t>& info) {
  size_t n;
  return checksum_detail::adler32_variants(&n)[info.param].name;
}

size_t adler_count() {
  size_t n;
  checksum_detail::adler32_variants(&n);
  return n;
}

INSTANTIATE_TEST_SUITE_P(Variants, Adler32VariantTest, testing::Range<size_t>(0, adler_count()),
                         adler_name);

// ------------------------------------------------- public entry points

TEST(ChecksumPublic, MatchesZlibOnRandomSplits) {
  const Bytes data = mixed_data(300000, 11);
  EXPECT_EQ(in_random_pieces(crc32, 0, data, 3), zlib_crc(0, data.data(), data.size()));
  EXPECT_EQ(in_random_pieces(adler32, 1, data, 3), zlib_adler(1, data.data(), data.size()));
}

// ------------------------------------------------------------- combine

TEST(ChecksumCombine, Crc32MatchesZlibCombine) {
  std::mt19937_64 rng(21);
  for (int i = 0; i < 2000; ++i) {
    const uint32_t a = static_cast<uint32_t>(rng()), b = static_cast<uint32_t>(rng());
    // Lengths from 0 up to 2^62, spread over all magnitudes.
    const uint64_t len = i < 64 ? static_cast<uint64_t>(i) : rng() >> (2 + rng() % 62);
    ASSERT_EQ(crc32_combine(a, b, len),
              static_cast<uint32_t>(::crc32_combine64(a, b, static_cast<z_off64_t>(len))))
        << "len " << len;
  }
}

TEST(ChecksumCombine, Adler32MatchesZlibCombine) {
  std::mt19937_64 rng(22);
  for (int i = 0; i < 2000; ++i) {
    const uint32_t a = (rng() % 65521) << 16 | (rng() % 65521);
    const uint32_t b = (rng() % 65521) << 16 | (rng() % 65521);
    const uint64_t len = i < 64 ? static_cast<uint64_t>(i) : rng() >> (2 + rng() % 62);
    ASSERT_EQ(adler32_combine(a, b, len),
              static_cast<uint32_t>(::adler32_combine64(a, b, static_cast<z_off64_t>(len))))
        << "len " << len << " a " << a << " b " << b;
  }
}

TEST(ChecksumCombine, CombinedPiecesEqualWholeBuffer) {
  const Bytes data = mixed_data(100000, 12);
  for (size_t cut : {size_t{0}, size_t{1}, size_t{4}, size_t{777}, size_t{65536}, data.size()}) {
    const uint8_t* p = data.data();
    const size_t rest = data.size() - cut;
    EXPECT_EQ(crc32_combine(crc32(0, p, cut), crc32(0, p + cut, rest), rest),
              zlib_crc(0, p, data.size()))
        << cut;
    EXPECT_EQ(adler32_combine(adler32(1, p, cut), adler32(1, p + cut, rest), rest),
              zlib_adler(1, p, data.size()))
        << cut;
  }
}

}  // namespace
}  // namespace nxz
