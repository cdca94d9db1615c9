// The shared library's own entry points beyond the layers it wraps.
#include "nxz/version.h"

extern "C" const char* nxz_version(void) { return NXZ_VERSION_STRING; }
