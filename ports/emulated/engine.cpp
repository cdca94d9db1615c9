#include "emulated/engine.h"

namespace nxz::emu {

Outcome execute_crb(const nx::Crb&, const EngineConfig&, MemoryProbe*) { return {}; }

}  // namespace nxz::emu
