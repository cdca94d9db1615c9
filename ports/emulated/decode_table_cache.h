// Decode tables for a dynamic code, reused across requests that carry the
// same code. A stream decompressed in small pieces resumes inside the same
// dynamic block request after request (§5: the block's table comes back
// through in_dht each time); building the 2,048-entry root table again for
// each of them cost as much as decoding 4 KiB of input. The engine's
// results are unchanged: only the emulated machine's work is saved. Resume
// jobs also skip parsing an in_dht they have seen last.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "emulated/dynamic_header.h"
#include "emulated/inflate_tables.h"

namespace nxz::emu {

// The tables of `cl`, from the calling thread's last code when it is the
// same, else built now; nullptr when the lengths are not a prefix code or
// memory runs out. A job keeps its reference while it decodes, so a later
// build (another engine fiber on this thread) never changes them under it.
std::shared_ptr<const DecodeTables> decode_tables_for(const CodeLengths& cl);

// A resume job's in_dht (`bits` bits at dht) already parsed and built on
// this thread by the last resume: its tables, else nullptr. Only a header
// that parsed in exactly `bits` bits is ever remembered.
std::shared_ptr<const DecodeTables> tables_of_in_dht(const uint8_t* dht, size_t bits);
void remember_in_dht(const uint8_t* dht, size_t bits, std::shared_ptr<const DecodeTables> tables);

}  // namespace nxz::emu
