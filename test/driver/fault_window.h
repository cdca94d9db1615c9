// An emulated window with fault injection for the driver's tests, closed at
// scope end.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "nxz/accel.h"

namespace nxz::test {

struct FaultWindow {
  nxz_window* w = nullptr;
  explicit FaultWindow(const std::string& faults, uint32_t credits = 0) {
    nxz_emu_config cfg{};
    cfg.faults = faults.c_str();
    cfg.credits = credits;
    EXPECT_EQ(nxz_accel_open(NXZ_BACKEND_EMULATED, &cfg, &w), 0);
  }
  ~FaultWindow() { nxz_accel_close(w); }
  FaultWindow(const FaultWindow&) = delete;
  FaultWindow& operator=(const FaultWindow&) = delete;
};

}  // namespace nxz::test
