#include "emulated/deflate_core.h"

namespace nxz::emu {

// Placeholder until the encoder lands: reports an internal error.
DeflateResult deflate_job(const DeflateInput&) {
  DeflateResult r;
  r.cc = 10;
  return r;
}

}  // namespace nxz::emu
