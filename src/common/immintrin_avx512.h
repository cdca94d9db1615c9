// <immintrin.h> for the AVX-512 checksum variants, x86-64 only.
//
// GCC 12 reports the AVX-512 intrinsics' deliberately undefined pass-through
// operands (`__m512i __Y = __Y;` in its own headers) as maybe-uninitialized
// once they are inlined at -O3: a false positive. The diagnostic state that
// counts is the one at the header's lines, hence around the include.
#pragma once

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <immintrin.h>
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
