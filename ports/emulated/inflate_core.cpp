#include "emulated/inflate_core.h"

namespace nxz::emu {

// Placeholder until the decoder lands: reports an internal error.
InflateResult inflate_job(const InflateInput&) {
  InflateResult r;
  r.cc = 10;
  r.termination = true;
  return r;
}

}  // namespace nxz::emu
