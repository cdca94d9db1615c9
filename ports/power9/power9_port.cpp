// The NX port's entry points declared in accel_port.h. Only ppc64 has the
// device; elsewhere the port answers as a machine without it.
#include <cerrno>

#include "accel_port.h"
#include "power9/nx_window.h"
#include "power9/platform_limits.h"
#include "power9/vas_abi.h"
#include "power9/vas_system.h"

namespace nxz::port {

#if defined(__powerpc64__)

int power9_open(nxz_window** out) {
  // Never destroyed: windows may still be closed by exit-time destructors.
  static power9::VasSystem* const sys = new power9::LinuxVas(power9::kNxGzipDevice);
  static const bool powervm = power9::is_powervm("");
  power9::ReopenPolicy policy;
  policy.enabled = powervm;
  return power9::open_nx_window(sys, policy, out);
}

uint64_t power9_max_request_bytes() {
  static const uint64_t bytes = power9::max_request_bytes("");
  return bytes;
}

#else

int power9_open(nxz_window**) { return -ENODEV; }

uint64_t power9_max_request_bytes() { return power9::kBareMetalMaxRequest; }

#endif

}  // namespace nxz::port
