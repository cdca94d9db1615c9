// Checked around every test of this binary: each window a test opens is
// closed by its end. Close returns only once every credit of the window has
// come back (contract §8 step 6), so this is the "credits back to their
// initial values at the end of every test" check of issue 9.
#include <gtest/gtest.h>

#include "nxz/emulated.h"

namespace {

class WindowLeakChecker : public testing::EmptyTestEventListener {
  void OnTestStart(const testing::TestInfo&) override { open_at_start_ = open_windows(); }
  void OnTestEnd(const testing::TestInfo&) override {
    EXPECT_EQ(open_windows(), open_at_start_) << "a window was left open (credits unreturned?)";
  }
  static uint32_t open_windows() {
    nxz_emu_stats s;
    nxz_emu_get_stats(nullptr, &s);
    return s.windows_open;
  }
  uint32_t open_at_start_ = 0;
};

const bool registered = [] {
  testing::UnitTest::GetInstance()->listeners().Append(new WindowLeakChecker);
  return true;
}();

}  // namespace
