// What the platform tells about NX limits: PowerVM or bare metal, and the
// largest request the accelerator accepts (contract §6, §9.4).
//
// Every function takes the file system root to read from: "" for the real
// machine, a temporary directory holding a fake tree in the tests.
#pragma once

#include <cstdint>
#include <string>

namespace nxz::power9 {

inline constexpr uint64_t kBareMetalMaxRequest = uint64_t{64} << 20;
inline constexpr uint64_t kPowerVmMaxRequest = uint64_t{1} << 20;

// Paths below the root.
inline constexpr const char* kReqMaxProcessedLen =
    "/sys/devices/vio/ibm,compression-v1/nx_gzip_caps/req_max_processed_len";
inline constexpr const char* kPartitionName = "/proc/device-tree/ibm,partition-name";
inline constexpr const char* kLparcfg = "/proc/ppc64/lparcfg";

// True in a PowerVM logical partition: its device tree names the partition,
// or the kernel offers lparcfg (neither exists on bare metal, PowerNV).
bool is_powervm(const std::string& root);

// The sysfs req_max_processed_len when present and a positive decimal
// number, else 0.
uint64_t sysfs_max_request(const std::string& root);

// sysfs_max_request() where present, else 1 MiB on PowerVM and 64 MiB on
// bare metal.
uint64_t max_request_bytes(const std::string& root);

}  // namespace nxz::power9
