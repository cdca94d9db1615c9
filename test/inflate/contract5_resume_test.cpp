// Contract §5 suspend/resume: streams decoded in many jobs, split by the
// source, by the byte-count limit (§6) and block by block, each job resumed
// from the previous job's report exactly as the driver does it.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>

#include "inflate/inflate_driver.h"

namespace nxz::test {
namespace {

struct Sample {
  std::string name;
  Bytes data;
  Bytes z;
  std::vector<size_t> block_ends;   // stream bits
  std::vector<size_t> out_offsets;  // output bytes before each block end
};

Sample make_sample(const std::string& file, int level, int mem_level = 8,
                   int strategy = Z_DEFAULT_STRATEGY) {
  Sample s;
  s.name = file + " level " + std::to_string(level);
  s.data = corpus(file);
  s.z = zlib_compress(s.data, level, -15, mem_level, strategy);
  s.block_ends = zlib_block_ends(s.z, &s.out_offsets);
  return s;
}

// A non-final block end near the middle of the stream.
size_t middle_boundary(const Sample& s, std::vector<size_t>* offsets = nullptr) {
  EXPECT_GE(s.block_ends.size(), 2u) << s.name;
  const size_t i = s.block_ends.size() / 2 - 1;
  if (offsets) offsets->push_back(s.out_offsets[i]);
  return s.block_ends[i];
}

// Cut points: every byte within `radius` of `center`, plus `random` more.
std::set<size_t> cuts_around(size_t center, size_t radius, size_t size, size_t random,
                             uint32_t seed) {
  std::set<size_t> cuts;
  for (size_t c = center > radius ? center - radius : 1; c <= center + radius && c < size; ++c)
    cuts.insert(c);
  std::mt19937 rng(seed);
  for (size_t i = 0; i < random; ++i) cuts.insert(1 + rng() % (size - 1));
  cuts.insert(size);
  return cuts;
}

void expect_drive(const Sample& s, const DrivePlan& plan, size_t min_jobs) {
  const DriveOutcome d = drive_inflate(s.z, s.data.size(), plan);
  EXPECT_EQ(d.error, "") << s.name;
  EXPECT_TRUE(d.output == s.data) << s.name << ": output differs (" << d.output.size() << " of "
                                  << s.data.size() << " bytes)";
  EXPECT_GE(d.jobs.size(), min_jobs) << s.name;
}

void split_source(const Sample& s) {
  if (s.data.empty()) GTEST_SKIP() << "corpus missing";
  const size_t boundary_byte = middle_boundary(s) / 8;
  const std::set<size_t> cuts = cuts_around(boundary_byte, 160, s.z.size(), 300, 17);
  DrivePlan plan;
  plan.source_end = [&](size_t prev_end) {
    auto it = cuts.upper_bound(prev_end);
    return it == cuts.end() ? s.z.size() : *it;
  };
  expect_drive(s, plan, 300);
}

TEST(Contract5InflateResume, SourceSplitAtEveryByteAcrossABlockBoundaryText) {
  split_source(make_sample("alice29.txt", 6, 2));
}

TEST(Contract5InflateResume, SourceSplitAtEveryByteAcrossABlockBoundaryBinary) {
  split_source(make_sample("kppkn.gtb", 9, 2));
}

TEST(Contract5InflateResume, SourceSplitFixedHuffman) {
  split_source(make_sample("alice29.txt", 6, 2, Z_FIXED));
}

TEST(Contract5InflateResume, SourceSplitInsideStoredBlocks) {
  const Sample s = make_sample("kppkn.gtb", 0);
  if (s.data.empty()) GTEST_SKIP() << "corpus missing";
  // Every byte across a block boundary and across the middle of a block.
  std::set<size_t> cuts = cuts_around(middle_boundary(s) / 8, 40, s.z.size(), 200, 3);
  const std::set<size_t> inside = cuts_around(s.block_ends[0] / 16, 40, s.z.size(), 0, 0);
  cuts.insert(inside.begin(), inside.end());
  DrivePlan plan;
  plan.source_end = [&](size_t prev_end) {
    auto it = cuts.upper_bound(prev_end);
    return it == cuts.end() ? s.z.size() : *it;
  };
  expect_drive(s, plan, 200);
}

void split_target(const Sample& s, size_t radius, size_t random) {
  if (s.data.empty()) GTEST_SKIP() << "corpus missing";
  std::vector<size_t> at;
  middle_boundary(s, &at);
  const std::set<size_t> targets = cuts_around(at[0], radius, s.data.size(), random, 29);
  DrivePlan plan;
  plan.limit = [&](size_t produced) -> size_t {
    auto it = targets.upper_bound(produced);
    return it == targets.end() ? 0 : *it - produced;
  };
  expect_drive(s, plan, random / 2);
}

TEST(Contract5InflateResume, TargetSplitByByteCountLimitDynamic) {
  split_target(make_sample("alice29.txt", 6, 2), 300, 300);
  split_target(make_sample("kppkn.gtb", 6, 2), 300, 300);
}

TEST(Contract5InflateResume, TargetSplitByByteCountLimitStored) {
  split_target(make_sample("alice29.txt", 0), 100, 100);
}

TEST(Contract5InflateResume, TargetSplitByByteCountLimitFixed) {
  split_target(make_sample("kppkn.gtb", 6, 2, Z_FIXED), 200, 100);
}

TEST(Contract5InflateResume, SourceAndTargetSplitTogether) {
  for (const char* file : {"html", "geo.protodata", "fireworks.jpeg"}) {
    const Sample s = make_sample(file, 6, 1);
    if (s.data.empty()) continue;
    std::mt19937 rng(7);
    DrivePlan plan;
    plan.source_end = [&](size_t prev_end) { return prev_end + 1 + rng() % 3000; };
    plan.limit = [&](size_t) -> size_t { return rng() % 4 ? 1 + rng() % 20000 : 0; };
    expect_drive(s, plan, 10);
  }
}

TEST(Contract5InflateResume, SingleBlockJobsStepBlockByBlock) {
  for (int level : {0, 1, 6}) {
    for (const char* file : {"alice29.txt", "kppkn.gtb"}) {
      const Sample s = make_sample(file, level, 2);
      if (s.data.empty()) continue;
      DrivePlan plan;
      plan.single_block = true;
      const DriveOutcome d = drive_inflate(s.z, s.data.size(), plan);
      EXPECT_EQ(d.error, "") << s.name;
      EXPECT_TRUE(d.output == s.data) << s.name;
      // One job per block, each stopping right after its block.
      EXPECT_EQ(d.stop_bits.size(), s.block_ends.size()) << s.name;
      for (size_t i = 0; i < std::min(d.stop_bits.size(), s.block_ends.size()); ++i)
        ASSERT_EQ(d.stop_bits[i], s.block_ends[i]) << s.name << " block " << i;
      for (size_t i = 0; i + 1 < d.jobs.size(); ++i) EXPECT_EQ(d.jobs[i].sfbt, 0xEu) << i;
    }
  }
}

TEST(Contract5InflateResume, LimitJobsReportTheStopExactly) {
  // Every limit stop's position is where a fresh decode produced that much.
  const Sample s = make_sample("alice29.txt", 6, 2);
  if (s.data.empty()) GTEST_SKIP() << "corpus missing";
  DrivePlan plan;
  plan.limit = [](size_t) -> size_t { return 4099; };
  const DriveOutcome d = drive_inflate(s.z, s.data.size(), plan);
  ASSERT_EQ(d.error, "");
  ASSERT_TRUE(d.output == s.data);
  size_t produced = 0;
  for (size_t i = 0; i + 1 < d.jobs.size(); ++i) {
    produced += d.jobs[i].tpbc;
    // A new non-resume job over the whole stream, limited to `produced`
    // bytes, must stop at the same bit.
    Bytes out;
    const emu::InflateResult r =
        run_inflate_job(s.z.data(), s.z.size(), &out, s.data.size(), {}, produced);
    ASSERT_EQ(r.cc, 3);
    EXPECT_EQ(r.tpbc, produced);
    EXPECT_EQ(r.spbc * 8 - r.subc, d.stop_bits[i]) << i;
    EXPECT_EQ(r.sfbt, d.jobs[i].sfbt) << i;
    if (i >= 20) break;
  }
}

}  // namespace
}  // namespace nxz::test
