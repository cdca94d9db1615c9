// The NX-GZIP hardware contract: every structure, field and code the
// accelerator reads or writes, in one place.
//
// Source of truth: ../shared/docs/nx-gzip-facts.md (sections are cited as §N).
// Everything here is big-endian in memory except the two CRC-32 fields of the
// CPB, which hold the CRC least-significant byte first (§1). Structures are
// plain byte arrays with accessors so that no host byte order or padding can
// leak into a layout; the static_asserts pin every offset the contract names.
#pragma once

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace nx {

// ---------------------------------------------------------------- byte order
inline uint16_t load_be16(const void* p) {
  const auto* b = static_cast<const uint8_t*>(p);
  return static_cast<uint16_t>(b[0] << 8 | b[1]);
}
inline uint32_t load_be32(const void* p) {
  const auto* b = static_cast<const uint8_t*>(p);
  return uint32_t{b[0]} << 24 | uint32_t{b[1]} << 16 | uint32_t{b[2]} << 8 | uint32_t{b[3]};
}
inline uint64_t load_be64(const void* p) {
  const auto* b = static_cast<const uint8_t*>(p);
  return uint64_t{load_be32(b)} << 32 | load_be32(b + 4);
}
inline uint32_t load_le32(const void* p) {
  const auto* b = static_cast<const uint8_t*>(p);
  return uint32_t{b[3]} << 24 | uint32_t{b[2]} << 16 | uint32_t{b[1]} << 8 | uint32_t{b[0]};
}
inline void store_be16(void* p, uint16_t v) {
  auto* b = static_cast<uint8_t*>(p);
  b[0] = static_cast<uint8_t>(v >> 8);
  b[1] = static_cast<uint8_t>(v);
}
inline void store_be32(void* p, uint32_t v) {
  auto* b = static_cast<uint8_t*>(p);
  b[0] = static_cast<uint8_t>(v >> 24);
  b[1] = static_cast<uint8_t>(v >> 16);
  b[2] = static_cast<uint8_t>(v >> 8);
  b[3] = static_cast<uint8_t>(v);
}
inline void store_be64(void* p, uint64_t v) {
  store_be32(p, static_cast<uint32_t>(v >> 32));
  store_be32(static_cast<uint8_t*>(p) + 4, static_cast<uint32_t>(v));
}
inline void store_le32(void* p, uint32_t v) {
  auto* b = static_cast<uint8_t*>(p);
  b[0] = static_cast<uint8_t>(v);
  b[1] = static_cast<uint8_t>(v >> 8);
  b[2] = static_cast<uint8_t>(v >> 16);
  b[3] = static_cast<uint8_t>(v >> 24);
}

// ------------------------------------------------------------ function codes
// §3: the low 6 bits of the CCW. Bit 0x01 only selects the byte-count-limit
// register (§6), so functions are named with it clear.
enum FunctionCode : uint8_t {
  kFcCompressFht = 0x00,
  kFcCompressDht = 0x02,
  kFcCompressFhtCount = 0x04,
  kFcCompressDhtCount = 0x06,
  kFcCompressFhtResume = 0x08,
  kFcCompressDhtResume = 0x0a,
  kFcCompressFhtCountResume = 0x0c,
  kFcCompressDhtCountResume = 0x0e,
  kFcDecompress = 0x10,
  kFcDecompressSingle = 0x12,
  kFcDecompressResume = 0x14,
  kFcDecompressSingleResume = 0x16,
  kFcWrap = 0x1e,
};
inline constexpr uint8_t kFcMask = 0x3f;
inline constexpr uint8_t kFcLowLimitBit = 0x01;  // §6: force the low limit

inline constexpr bool fc_is_compress(uint8_t fc) { return (fc & 0x3e) <= 0x0e; }
inline constexpr bool fc_is_decompress(uint8_t fc) {
  return (fc & 0x3e) >= 0x10 && (fc & 0x3e) <= 0x16;
}
inline constexpr bool fc_is_wrap(uint8_t fc) { return (fc & 0x3e) == kFcWrap; }
inline constexpr bool fc_is_valid(uint8_t fc) {
  return fc_is_compress(fc) || fc_is_decompress(fc) || fc_is_wrap(fc);
}
// Compression bits: 0x02 DHT, 0x04 counts, 0x08 resume.
inline constexpr bool fc_compress_dht(uint8_t fc) { return fc & 0x02; }
inline constexpr bool fc_compress_counts(uint8_t fc) { return fc & 0x04; }
inline constexpr bool fc_compress_resume(uint8_t fc) { return fc & 0x08; }
// Decompression bits: 0x02 single block, 0x04 resume.
inline constexpr bool fc_decompress_single(uint8_t fc) { return fc & 0x02; }
inline constexpr bool fc_decompress_resume(uint8_t fc) { return fc & 0x04; }

// ---------------------------------------------------------- completion codes
// §7.
enum CompletionCode : uint8_t {
  kCcSuccess = 0,
  kCcDdeAlignment = 1,    // indirect list address not 16-aligned
  kCcPartial = 3,         // suspend (partial) or history length (term)
  kCcFaultInternal = 5,   // used inside NX/VAS; never reaches a program
  kCcMemoryError = 7,     // uncorrectable memory error on read
  kCcInternalError = 10,  // internal uncorrectable error
  kCcTargetSpace = 13,    // target exhausted, or target DDE of length 0
  kCcSourceDde = 14,      // source DDE of length 0, or too many DDEs
  kCcFunction = 17,       // unrecognised function code
  kCcCrbCorrupt = 20,
  kCcCrbInvalid = 21,  // nonzero reserved field; C=1 without method 1
  kCcDdeReserved = 30,
  kCcDdeNested = 31,
  kCcDdeSourceCount = 33,  // source byte count larger than its list
  kCcExpansion = 64,       // compressed output larger than input; valid
  kCcDataError = 66,       // missing code / undefined code / BTYPE 11 / LEN
  kCcDistance = 67,        // distance too far back
  kCcDhtInvalid = 68,
  kCcMemoryError2 = 90,
  kCcWatchdog = 224,
  kCcTranslation = 250,  // written by the kernel (§8)
  kCcNoInterruptServer = 252,
  kCcUncorrectable = 253,
  kCcNoHardware = 254,
  kCcHung = 255,
};

// §2 CSB byte 3.
inline constexpr uint8_t kCePartial = 0x80;
inline constexpr uint8_t kCeTermination = 0x40;
inline constexpr uint8_t kCeTpbcValid = 0x20;
// §2 CSB byte 0.
inline constexpr uint8_t kCsbValid = 0x80;

// §5: where decompression stopped, bit 0 = BFINAL of the current block.
enum Sfbt : uint8_t {
  kSfbtFinalDone = 0x0,    // 0000
  kSfbtStored = 0x8,       // 100x
  kSfbtFixed = 0xa,        // 101x
  kSfbtDynamic = 0xc,      // 110x
  kSfbtHeader = 0xe,       // 1110: block ended or inside a header
  kSfbtHeaderFinal = 0xf,  // 1111
};
inline constexpr uint8_t kSfbtBfinal = 0x1;

// ------------------------------------------------------------------- layouts
inline constexpr size_t kCrbSize = 128;
inline constexpr size_t kCrbAlign = 128;
inline constexpr size_t kDdeSize = 16;
inline constexpr size_t kCsbSize = 16;
inline constexpr size_t kCpbSize = 2048 - 256;  // CPB at CSB+16; ends before 2048
inline constexpr size_t kMaxDdeCount = 255;     // §2: count is one byte
inline constexpr size_t kHistoryWindow = 32768;

// §2 DDE.
struct alignas(16) Dde {
  uint8_t raw[kDdeSize];

  uint8_t count() const { return raw[2]; }
  uint32_t byte_count() const { return load_be32(raw + 4); }
  uint64_t address() const { return load_be64(raw + 8); }
  bool reserved_clear() const { return raw[0] == 0 && raw[1] == 0 && raw[3] == 0; }

  void clear() { std::memset(raw, 0, sizeof raw); }
  void set_direct(const void* p, uint32_t n) {
    clear();
    store_be32(raw + 4, n);
    store_be64(raw + 8, reinterpret_cast<uintptr_t>(p));
  }
  // An indirect DDE: `list` points at `entries` direct DDEs; `total` is the
  // byte count to process (source) or the space offered (target).
  void set_indirect(const Dde* list, uint8_t entries, uint32_t total) {
    clear();
    raw[2] = entries;
    store_be32(raw + 4, total);
    store_be64(raw + 8, reinterpret_cast<uintptr_t>(list));
  }
};
static_assert(sizeof(Dde) == 16 && alignof(Dde) == 16);

// §2 CSB.
struct alignas(16) Csb {
  uint8_t raw[kCsbSize];

  uint8_t flags() const { return raw[0]; }
  uint8_t cs() const { return raw[1]; }
  uint8_t cc() const { return raw[2]; }
  uint8_t ce() const { return raw[3]; }
  uint32_t tpbc() const { return load_be32(raw + 4); }
  uint64_t address() const { return load_be64(raw + 8); }
};
static_assert(sizeof(Csb) == 16 && alignof(Csb) == 16);

// §2 CRB, taken by value at paste time.
inline constexpr size_t kCrbCcw = 0;
inline constexpr size_t kCrbReserved4 = 4;
inline constexpr size_t kCrbCsbAddr = 8;
inline constexpr size_t kCrbSource = 16;
inline constexpr size_t kCrbTarget = 32;
inline constexpr size_t kCrbCcb = 48;
inline constexpr size_t kCrbCcbMethodByte = 63;
inline constexpr size_t kCrbStamp = 64;  // §8 fault stamp in the fault FIFO copy
inline constexpr uint64_t kCsbAddrFlagsMask = 0xf;
inline constexpr uint64_t kCsbFlagC = 0x8;
inline constexpr uint64_t kCsbFlagReserved = 0x4;
inline constexpr uint64_t kCsbFlagAT = 0x2;
inline constexpr uint64_t kCsbFlagM = 0x1;
inline constexpr uint8_t kCcbMethodInterrupt = 1;

struct alignas(kCrbAlign) Crb {
  uint8_t raw[kCrbSize];

  uint32_t ccw() const { return load_be32(raw + kCrbCcw); }
  uint8_t function_code() const { return ccw() & kFcMask; }
  uint64_t csb_word() const { return load_be64(raw + kCrbCsbAddr); }
  uint64_t csb_address() const { return csb_word() & ~kCsbAddrFlagsMask; }
  const Dde& source() const { return *reinterpret_cast<const Dde*>(raw + kCrbSource); }
  const Dde& target() const { return *reinterpret_cast<const Dde*>(raw + kCrbTarget); }
  Dde& source() { return *reinterpret_cast<Dde*>(raw + kCrbSource); }
  Dde& target() { return *reinterpret_cast<Dde*>(raw + kCrbTarget); }

  void set_function(uint8_t fc) { store_be32(raw + kCrbCcw, fc & kFcMask); }
  void set_csb(const Csb* csb) { store_be64(raw + kCrbCsbAddr, reinterpret_cast<uintptr_t>(csb)); }
};
static_assert(sizeof(Crb) == 128 && alignof(Crb) == 128);

// §8 nx_fault_stamp, bytes 64-79 of the CRB copy in the fault FIFO.
inline constexpr size_t kStampFaultAddr = 64;
inline constexpr size_t kStampReserved = 72;
inline constexpr size_t kStampFlags = 74;
inline constexpr size_t kStampFaultStatus = 75;
inline constexpr size_t kStampPswid = 76;
inline constexpr uint8_t kStampFlagWrite = 0x01;
inline constexpr uint32_t kFifoInvalidPswid = 0xffffffffu;
inline constexpr uint32_t kFifoInvalidCcwBit = 0x1;

// §2 CPB field offsets (relative to the CPB, which is at CSB + 16).
inline constexpr size_t kCpbInAdler = 0;
inline constexpr size_t kCpbInCrc = 4;      // LSB first
inline constexpr size_t kCpbInWord8 = 8;    // histlen (>>20 & 0xfff), subc (& 7)
inline constexpr size_t kCpbInWord12 = 12;  // sfbt (>>16 & 0xf), rembytecnt/dhtlen
inline constexpr size_t kCpbInDht = 16;     // 18 quadwords
inline constexpr size_t kCpbDhtBytes = 288;
inline constexpr size_t kCpbOutAdler = 384;
inline constexpr size_t kCpbOutCrc = 388;      // LSB first
inline constexpr size_t kCpbOutWord392 = 392;  // tebc (>>16 & 7), subc (& 0xffff)
inline constexpr size_t kCpbOutWord396 = 396;  // sfbt (>>16 & 0xf), rembytecnt/dhtlen
inline constexpr size_t kCpbOutSpbcCompress = 400;
inline constexpr size_t kCpbOutLzCount = 400;
inline constexpr size_t kCpbOutDht = 400;
inline constexpr size_t kCpbOutSpbcDecompress = 688;
inline constexpr size_t kCpbOutSpbcCount = 1664;
inline constexpr size_t kLzCountSymbols = 316;  // 286 lit/len + 30 distance
inline constexpr uint32_t kLzCountMax = 0xffffff;
inline constexpr uint32_t kDhtMinBits = 42;
inline constexpr uint32_t kDhtMaxBits = 2283;
// §5: resume copies output quadwords 24..42 into input quadwords 0..18.
inline constexpr size_t kCpbResumeCopyFrom = 24 * 16;
inline constexpr size_t kCpbResumeCopyBytes = 19 * 16;
static_assert(kCpbResumeCopyFrom == kCpbOutAdler);
static_assert(kCpbInDht + kCpbDhtBytes == 304);
static_assert(kCpbOutDht + kCpbDhtBytes == kCpbOutSpbcDecompress);
static_assert(kCpbOutLzCount + 4 * kLzCountSymbols == kCpbOutSpbcCount);
static_assert(kCpbOutSpbcCount + 4 <= kCpbSize);

struct alignas(16) Cpb {
  uint8_t raw[kCpbSize];

  // Inputs (never written by the engine).
  uint32_t in_adler() const { return load_be32(raw + kCpbInAdler); }
  uint32_t in_crc() const { return load_le32(raw + kCpbInCrc); }
  uint32_t in_histlen() const { return (load_be32(raw + kCpbInWord8) >> 20) & 0xfff; }
  uint32_t in_subc() const { return load_be32(raw + kCpbInWord8) & 0x7; }
  uint32_t in_sfbt() const { return (load_be32(raw + kCpbInWord12) >> 16) & 0xf; }
  uint32_t in_rembytecnt() const { return load_be32(raw + kCpbInWord12) & 0xffff; }
  uint32_t in_dhtlen() const { return load_be32(raw + kCpbInWord12) & 0xfff; }
  const uint8_t* in_dht() const { return raw + kCpbInDht; }

  void set_in_adler(uint32_t v) { store_be32(raw + kCpbInAdler, v); }
  void set_in_crc(uint32_t v) { store_le32(raw + kCpbInCrc, v); }
  void set_in_histlen_subc(uint32_t histlen_qw, uint32_t subc) {
    store_be32(raw + kCpbInWord8, (histlen_qw & 0xfff) << 20 | (subc & 7));
  }
  void set_in_sfbt_rembytecnt(uint32_t sfbt, uint32_t rem) {
    store_be32(raw + kCpbInWord12, (sfbt & 0xf) << 16 | (rem & 0xffff));
  }
  void set_in_dhtlen(uint32_t bits) {  // keeps in_sfbt
    uint32_t w = load_be32(raw + kCpbInWord12) & ~0xfffu;
    store_be32(raw + kCpbInWord12, w | (bits & 0xfff));
  }
  uint8_t* in_dht_mut() { return raw + kCpbInDht; }

  // Outputs.
  uint32_t out_adler() const { return load_be32(raw + kCpbOutAdler); }
  uint32_t out_crc() const { return load_le32(raw + kCpbOutCrc); }
  uint32_t out_tebc() const { return (load_be32(raw + kCpbOutWord392) >> 16) & 0x7; }
  uint32_t out_subc() const { return load_be32(raw + kCpbOutWord392) & 0xffff; }
  uint32_t out_sfbt() const { return (load_be32(raw + kCpbOutWord396) >> 16) & 0xf; }
  uint32_t out_rembytecnt() const { return load_be32(raw + kCpbOutWord396) & 0xffff; }
  uint32_t out_dhtlen() const { return load_be32(raw + kCpbOutWord396) & 0xfff; }
  const uint8_t* out_dht() const { return raw + kCpbOutDht; }
  uint32_t out_lzcount(size_t i) const { return load_be32(raw + kCpbOutLzCount + 4 * i); }
  uint32_t out_spbc_compress() const { return load_be32(raw + kCpbOutSpbcCompress); }
  uint32_t out_spbc_count() const { return load_be32(raw + kCpbOutSpbcCount); }
  uint32_t out_spbc_decompress() const { return load_be32(raw + kCpbOutSpbcDecompress); }
  // Where a function code puts out_spbc (§2 table).
  static size_t spbc_offset(uint8_t fc) {
    if (fc_is_decompress(fc)) return kCpbOutSpbcDecompress;
    if (fc_is_compress(fc) && fc_compress_counts(fc)) return kCpbOutSpbcCount;
    return kCpbOutSpbcCompress;
  }
  uint32_t out_spbc(uint8_t fc) const { return load_be32(raw + spbc_offset(fc)); }
};
static_assert(sizeof(Cpb) == kCpbSize);

// The common request block layout (§2): CRB at 0, CSB at 240, CPB at 256,
// all in one 2048-aligned block, plus room for the DDE lists of one request.
inline constexpr size_t kRequestCsbOffset = 240;
inline constexpr size_t kRequestCpbOffset = 256;
struct alignas(2048) RequestBlock {
  Crb crb;
  uint8_t pad0[kRequestCsbOffset - sizeof(Crb)];
  Csb csb;
  Cpb cpb;
};
static_assert(offsetof(RequestBlock, crb) == 0);
static_assert(offsetof(RequestBlock, csb) == kRequestCsbOffset);
static_assert(offsetof(RequestBlock, cpb) == kRequestCpbOffset);
static_assert(offsetof(RequestBlock, cpb) == offsetof(RequestBlock, csb) + kCsbSize);
static_assert(sizeof(RequestBlock) == 2048);

// ------------------------------------------------- DEFLATE inside the CPB
// §4: in_dht (and out_dht, §5) hold a dynamic block header; these are the
// pieces of RFC 1951 that the engine and the driver both need to build or
// read one, kept once here.

// RFC 1951 §3.2.7: the order of the code-length code lengths after HCLEN.
inline constexpr uint8_t kCodeLengthOrder[19] = {16, 17, 18, 0, 8,  7, 9,  6, 10, 5,
                                                 11, 4,  12, 3, 13, 2, 14, 1, 15};

// RFC 1951 §3.2.2: canonical codes for lengths[0..n) (0 = no code; at most
// 15), each bit-reversed so that it is written LSB-first like every other
// field (Huffman codes are sent most significant bit first). Symbols of
// length 0 get code 0.
inline void canonical_codes(const uint8_t* lengths, int n, uint16_t* codes) {
  uint16_t count[16] = {};
  for (int s = 0; s < n; ++s) count[lengths[s]]++;
  count[0] = 0;
  uint16_t next[16] = {};
  unsigned code = 0;
  for (int len = 1; len < 16; ++len) {
    code = (code + count[len - 1]) << 1;
    next[len] = static_cast<uint16_t>(code);
  }
  for (int s = 0; s < n; ++s) {
    const int len = lengths[s];
    unsigned c = len ? next[len]++ : 0, rev = 0;
    for (int b = 0; b < len; ++b, c >>= 1) rev = (rev << 1) | (c & 1);
    codes[s] = static_cast<uint16_t>(rev);
  }
}

// §8: translation faults are per page; the size of one, asked once.
inline size_t page_size() {
  static const size_t p = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  return p;
}

// §5: source byte offset of the next job, from this job's outputs.
inline constexpr uint64_t next_source_offset(uint32_t spbc, uint32_t histlen_qw, uint32_t subc) {
  return uint64_t{spbc} - uint64_t{histlen_qw} * 16 - ((subc + 7) >> 3);
}

}  // namespace nx
