// The library's log: one line per message, "nxz[PID]: ...", to NXZ_LOG_FILE
// or stderr, for messages at or above NXZ_LOG's level. The default level is
// warn, and only a malformed setting warns: a host program sees nothing from
// the library unless its operator asked for it or misconfigured it.
#pragma once

#include "config/config.h"

namespace nxz::config {

bool log_enabled(LogLevel level);
[[gnu::format(printf, 2, 3)]] void log(LogLevel level, const char* fmt, ...);

}  // namespace nxz::config
