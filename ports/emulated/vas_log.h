// Diagnostics of the emulated VAS: warnings (always printed, and counted) and
// the NXZ_TRACE=vas trace, one line per event, on stderr.
#pragma once

#include <atomic>
#include <cstdint>

namespace nxz::emu {

// True when NXZ_TRACE names "vas" (or "all"). Read anew on each call: callers
// cache it where it matters (each VAS instance reads it once, at creation).
bool vas_trace_requested();

// Prints "nxz: emulated VAS: <message>" to stderr and counts it in *counter
// and in the process-wide total.
void vas_warn(std::atomic<uint64_t>* counter, const char* fmt, ...)
    __attribute__((format(printf, 2, 3)));

// Prints "nxz vas: <message>" to stderr.
void vas_trace(const char* fmt, ...) __attribute__((format(printf, 1, 2)));

}  // namespace nxz::emu
