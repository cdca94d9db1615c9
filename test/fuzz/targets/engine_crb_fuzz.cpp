// The emulated engine fed CRBs, CPBs and DDE lists made from the input,
// through the public accelerator interface (a synchronous emulated window).
//
// Every buffer the request may name (source, target, the two DDE lists, the
// CSB with its CPB) sits in its own mapping between two PROT_NONE guard
// pages, flush against one of them, and every DDE names memory inside those
// buffers only. So any access outside what the request names is a SIGSEGV,
// and the engine must answer every request with a completion code.
//
// Two kinds of request: "raw" ones, where the CCW, the CPB inputs and the
// DDEs (counts, reserved bytes, nesting, alignment) are whatever the input
// says, checked only for a sane answer; and "good" ones (a proper
// compression, decompression or wrap of the payload with enough target
// space), whose output is checked against zlib as well.
#include <sys/mman.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <string>

#include "nx/nx.h"
#include "nxz/accel.h"
#include "support/fuzz_input.h"

namespace {

using nxz::fuzz::Bytes;
using nxz::fuzz::Input;

// A mapping of `size` usable bytes between two inaccessible pages.
class Guarded {
 public:
  explicit Guarded(size_t size) {
    const size_t page = nx::page_size();
    size_ = (size + page - 1) / page * page;
    void* m = mmap(nullptr, size_ + 2 * page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) nxz::fuzz::fail("mmap");
    base_ = static_cast<uint8_t*>(m) + page;
    if (mprotect(base_, size_, PROT_READ | PROT_WRITE) != 0) nxz::fuzz::fail("mprotect");
  }
  uint8_t* begin() const { return base_; }
  uint8_t* end() const { return base_ + size_; }
  size_t size() const { return size_; }
  // Makes every page resident again (the engine faults on cold pages) and
  // fills it with `fill`.
  void reset(uint8_t fill) const { std::memset(base_, fill, size_); }

 private:
  uint8_t* base_;
  size_t size_;
};

constexpr size_t kDataMax = 256 * 1024;  // source and target buffers

struct Buffers {
  Guarded src{kDataMax}, dst{kDataMax};
  Guarded src_list{256 * nx::kDdeSize}, dst_list{256 * nx::kDdeSize};
  Guarded request{nx::kCsbSize + nx::kCpbSize};
};

Buffers& buffers() {
  static Buffers* b = new Buffers;  // kept for the process: mapping is slow
  return *b;
}

// memcmp that may be given an empty vector's null data().
bool same(const uint8_t* a, const uint8_t* b, size_t n) {
  return n == 0 || std::memcmp(a, b, n) == 0;
}

bool known_cc(uint8_t cc) {
  switch (cc) {
    case nx::kCcSuccess:
    case nx::kCcDdeAlignment:
    case nx::kCcPartial:
    case nx::kCcTargetSpace:
    case nx::kCcSourceDde:
    case nx::kCcFunction:
    case nx::kCcCrbInvalid:
    case nx::kCcDdeReserved:
    case nx::kCcDdeNested:
    case nx::kCcDdeSourceCount:
    case nx::kCcExpansion:
    case nx::kCcDataError:
    case nx::kCcDistance:
    case nx::kCcDhtInvalid:
    case nx::kCcTranslation:
      return true;
    default:
      return false;
  }
}

// The DDE (direct, or indirect with its list) that names `buf[0..len)`.
// Good DDEs split the buffer into consecutive pieces in order; raw ones are
// arbitrary pieces of it with arbitrary flags, but still inside it.
struct DdePlan {
  nx::Dde dde;
  size_t offered = 0;  // bytes the pieces describe
};

DdePlan make_dde(Input& in, uint8_t* buf, size_t len, const Guarded& list_area, bool good) {
  DdePlan p;
  const uint8_t shape = in.u8();
  const unsigned entries = good ? shape % 9 : in.u8();  // 0: direct
  if (entries == 0) {
    uint32_t n = static_cast<uint32_t>(len);
    if (!good && (shape & 0x10)) n = in.range(0, static_cast<uint32_t>(len));
    p.dde.set_direct(buf, n);
    if (!good && (shape & 0x20)) p.dde.raw[in.u8() % 4] ^= in.u8();  // reserved or count byte
    if (p.dde.count() != 0) {
      // A count makes it indirect: its address must then name the list area.
      p.dde.set_indirect(reinterpret_cast<nx::Dde*>(list_area.end() - 16 * p.dde.count()),
                         p.dde.count(), n);
    }
    p.offered = n;
    return p;
  }
  // The list ends at the guard page, so reading one entry too many faults.
  auto* list = reinterpret_cast<nx::Dde*>(list_area.end() - 16 * entries);
  size_t pos = 0;
  for (unsigned i = 0; i < entries; ++i) {
    size_t off, n;
    if (good) {
      off = pos;
      n = i + 1 == entries ? len - pos : std::min<size_t>(in.range(0, 4096), len - pos);
    } else {
      off = in.range(0, static_cast<uint32_t>(len));
      n = in.range(0, static_cast<uint32_t>(len - off));
    }
    list[i].set_direct(buf + off, static_cast<uint32_t>(n));
    if (!good) {
      const uint8_t f = in.u8();
      if ((f & 0x1f) == 1) list[i].raw[f >> 6] ^= static_cast<uint8_t>(f | 1);  // reserved/nested
    }
    pos += n;
    p.offered += n;
  }
  uint32_t total = static_cast<uint32_t>(p.offered);
  if (!good) {
    const uint8_t how = in.u8();
    if (how & 1) total = in.range(0, static_cast<uint32_t>(p.offered) + 64);
  }
  p.dde.set_indirect(list, static_cast<uint8_t>(entries), total);
  if (!good && (shape & 0x40)) {
    // A misaligned list (cc 1): the address moves inside the list area.
    const uint8_t mis = static_cast<uint8_t>(1 + in.u8() % 15);
    nx::store_be64(p.dde.raw + 8, nx::load_be64(p.dde.raw + 8) - 16 + mis);
  }
  if (!good && (shape & 0x80)) p.dde.raw[in.u8() % 2] = in.u8();  // reserved bytes
  return p;
}

Bytes zlib_raw(const Bytes& data, int level, int strategy) {
  z_stream s{};
  if (deflateInit2(&s, level, Z_DEFLATED, -15, 8, strategy) != Z_OK)
    nxz::fuzz::fail("deflateInit2");
  Bytes out(deflateBound(&s, data.size()) + 16);
  s.next_in = const_cast<uint8_t*>(data.data());
  s.avail_in = static_cast<uInt>(data.size());
  s.next_out = out.data();
  s.avail_out = static_cast<uInt>(out.size());
  if (deflate(&s, Z_FINISH) != Z_STREAM_END) nxz::fuzz::fail("zlib deflate");
  out.resize(s.total_out);
  deflateEnd(&s);
  return out;
}

// Raw inflate with zlib; true only for a complete stream.
bool zlib_inflate(const uint8_t* p, size_t n, Bytes* out) {
  z_stream s{};
  if (inflateInit2(&s, -15) != Z_OK) nxz::fuzz::fail("inflateInit2");
  out->assign(std::max<size_t>(n * 4, 1024), 0);
  s.next_in = const_cast<uint8_t*>(p);
  s.avail_in = static_cast<uInt>(n);
  int rc;
  size_t have = 0;
  do {
    if (have == out->size()) out->resize(out->size() * 2);
    s.next_out = out->data() + have;
    s.avail_out = static_cast<uInt>(out->size() - have);
    rc = inflate(&s, Z_NO_FLUSH);
    have = out->size() - s.avail_out;
  } while (rc == Z_OK);
  out->resize(have);
  inflateEnd(&s);
  return rc == Z_STREAM_END;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Input in(data, size);
  Buffers& b = buffers();
  const uint8_t mode = in.u8();
  const bool good = mode & 1;
  const unsigned source_kind = (mode >> 1) & 3;
  const bool residency_off = mode & 8;
  const bool cold_page = mode & 16;
  const bool src_at_start = mode & 32, dst_at_start = mode & 64;

  // The function: good requests use one of the documented ones without the
  // limit bit; raw ones any CCW.
  static const uint8_t kGoodFc[] = {nx::kFcCompressFht, nx::kFcCompressFhtCount,
                                    nx::kFcDecompress,  nx::kFcDecompressSingle,
                                    nx::kFcWrap,        nx::kFcCompressFht};
  uint32_t ccw = good ? kGoodFc[in.u8() % 6] : in.u8();
  if (!good && (ccw & 0xc0)) ccw |= in.u32();  // bits outside the FC: cc 21

  nxz_emu_config cfg{};
  cfg.synchronous = 1;
  cfg.faults = residency_off ? "residency=off" : "";
  if (!good) {
    const uint8_t limits = in.u8();
    if (limits & 1) cfg.limit_high = in.range(1, 70000);
    if (limits & 2) cfg.limit_low = in.range(1, 70000);
    cfg.priority_queued = (limits & 4) != 0;
    if (limits & 8) cfg.dde_limit = in.range(1, 255);
  }

  // CPB inputs: in raw requests every input field; the DHT from the input.
  uint8_t cpb_in[nx::kCpbInDht + nx::kCpbDhtBytes] = {};
  if (!good) {
    in.fill(cpb_in, nx::kCpbInDht);
    in.fill(cpb_in + nx::kCpbInDht, in.range(0, nx::kCpbDhtBytes));
  }
  const uint32_t target_want = in.range(0, kDataMax);
  // CRB fields besides the CCW and the DDEs (raw requests only).
  const uint8_t shapes_flags = in.u8();
  uint8_t ccb[16] = {};
  if (shapes_flags & 0x80) in.fill(ccb, sizeof ccb);
  const uint32_t reserved4 = (shapes_flags & 0x40) ? in.u32() : 0;
  const uint8_t zlevel = in.u8();
  // DDE shapes have their own bytes, so that the payload's do not move
  // when a shape takes more or fewer of them.
  const Bytes shape_bytes = in.take(in.u8());
  // At most 64 KiB: a good request's output must fit the target buffer.
  const Bytes payload = in.take(64 * 1024);
  const uint8_t fc = ccw & nx::kFcMask;

  // The source: the payload itself, or zlib's raw DEFLATE of it (maybe
  // corrupted at a chosen byte) so that decompression gets past the first
  // bits, or a stored stream.
  Bytes source = payload;
  if (source_kind != 0 || (good && nx::fc_is_decompress(fc))) {
    const int strategy = (zlevel & 0x30) == 0x10 ? Z_FIXED : Z_DEFAULT_STRATEGY;
    source = zlib_raw(payload, source_kind == 3 ? 0 : zlevel % 10, strategy);
    if (source_kind == 2 && !source.empty() && payload.size() >= 2)
      source[payload[0] % source.size()] ^= static_cast<uint8_t>(payload[1] | 1);
  }
  if (source.size() > kDataMax) source.resize(kDataMax);

  // Good requests get all the target space they could need.
  size_t target = std::min<size_t>(target_want, kDataMax);
  if (good) target = kDataMax;

  b.src.reset(0x5a);
  b.dst.reset(0xa5);
  b.src_list.reset(0);
  b.dst_list.reset(0);
  b.request.reset(0);
  uint8_t* src = src_at_start ? b.src.begin() : b.src.end() - source.size();
  uint8_t* dst = dst_at_start ? b.dst.begin() : b.dst.end() - target;
  if (!source.empty()) std::memcpy(src, source.data(), source.size());

  // CSB and CPB: the CPB ends at the guard page.
  uint8_t* csb = b.request.end() - nx::kCsbSize - nx::kCpbSize;
  uint8_t* cpb = csb + nx::kCsbSize;
  std::memcpy(cpb, cpb_in, sizeof cpb_in);

  alignas(nx::kCrbAlign) nx::Crb crb{};
  nx::store_be32(crb.raw + nx::kCrbCcw, ccw);
  uint64_t csb_word = reinterpret_cast<uintptr_t>(csb);
  if (!good) {
    csb_word |= shapes_flags & nx::kCsbAddrFlagsMask;  // C, reserved, AT, M
    std::memcpy(crb.raw + nx::kCrbCcb, ccb, sizeof ccb);
    if (reserved4) nx::store_be32(crb.raw + nx::kCrbReserved4, reserved4);
  }
  nx::store_be64(crb.raw + nx::kCrbCsbAddr, csb_word);
  Input shapes(shape_bytes.data(), shape_bytes.size());
  const DdePlan s = make_dde(shapes, src, source.size(), b.src_list, good);
  const DdePlan t = make_dde(shapes, dst, target, b.dst_list, good);
  crb.source() = s.dde;
  crb.target() = t.dde;

  // A cold page in one of the buffers: the engine must report a
  // translation fault (cc 250), never touch it.
  if (cold_page && !residency_off && size > 0) {
    uint8_t* area = (data[size - 1] & 1) ? b.src.begin() : b.dst.begin();
    const size_t page = nx::page_size();
    const size_t which = data[size - 1] % (kDataMax / page);
    madvise(area + which * page, page, MADV_DONTNEED);
  }

  nxz_window* w = nullptr;
  if (nxz_accel_open(NXZ_BACKEND_EMULATED, &cfg, &w) != 0) nxz::fuzz::fail("nxz_accel_open");
  const int pasted = nxz_accel_paste(w, &crb);
  NXZ_FUZZ_CHECK(pasted == NXZ_PASTE_ACCEPTED, "synchronous paste refused", pasted);
  const auto* valid = reinterpret_cast<const std::atomic<uint8_t>*>(csb);
  const uint8_t flags = valid->load(std::memory_order_acquire);
  NXZ_FUZZ_CHECK(flags == nx::kCsbValid, "CSB not valid after a synchronous paste", flags);
  const nx::Csb& c = *reinterpret_cast<const nx::Csb*>(csb);
  NXZ_FUZZ_CHECK(known_cc(c.cc()), "completion code outside the contract", c.cc());
  const bool terminated = c.ce() & nx::kCeTermination;
  if (!terminated && c.cc() != nx::kCcTranslation) {
    NXZ_FUZZ_CHECK(c.ce() & nx::kCeTpbcValid, "tpbc not valid", c.ce());
    NXZ_FUZZ_CHECK(c.tpbc() <= t.offered, "tpbc beyond the target", static_cast<long>(c.tpbc()),
                   static_cast<long>(t.offered));
  }
  if (c.cc() == nx::kCcTranslation) {
    const uint64_t a = c.address();
    const bool in_buffers = (a >= uintptr_t(b.src.begin()) && a < uintptr_t(b.src.end())) ||
                            (a >= uintptr_t(b.dst.begin()) && a < uintptr_t(b.dst.end()));
    NXZ_FUZZ_CHECK(cold_page && in_buffers, "a translation fault with every page resident");
  }
  const nx::Cpb& out_cpb = *reinterpret_cast<const nx::Cpb*>(cpb);

  // Good requests: the answer is the right one.
  if (good && !cold_page) {
    Bytes back;
    if (nx::fc_is_wrap(fc)) {
      // The contract: a source DDE of length 0 is cc 14, for wrap as for any function.
      if (source.empty()) {
        NXZ_FUZZ_CHECK(c.cc() == nx::kCcSourceDde, "wrap of nothing", c.cc());
      } else {
        NXZ_FUZZ_CHECK(c.cc() == nx::kCcSuccess, "wrap failed", c.cc());
        NXZ_FUZZ_CHECK(c.tpbc() == source.size() && same(dst, src, source.size()),
                       "wrap output differs");
      }
    } else if (nx::fc_is_compress(fc)) {
      NXZ_FUZZ_CHECK(c.cc() == nx::kCcSuccess || c.cc() == nx::kCcExpansion || source.empty(),
                     "compression failed", c.cc());
      if (!source.empty()) {
        NXZ_FUZZ_CHECK(out_cpb.out_spbc(fc) == source.size(), "spbc", out_cpb.out_spbc(fc));
        NXZ_FUZZ_CHECK(zlib_inflate(dst, c.tpbc(), &back), "compressed block does not decode");
        NXZ_FUZZ_CHECK(back == source, "compressed block decodes to other bytes");
        NXZ_FUZZ_CHECK(out_cpb.out_crc() == crc32(0, source.data(), uInt(source.size())), "crc");
      }
    } else if (source_kind != 2) {  // a corrupted stream has no right answer to check
      // zlib's own stream, whole: everything decodes, in one job unless
      // single-block mode stops at the first block's end.
      NXZ_FUZZ_CHECK(c.cc() == nx::kCcSuccess || fc == nx::kFcDecompressSingle,
                     "decompression of a valid stream failed", c.cc());
      if (fc == nx::kFcDecompress) {
        NXZ_FUZZ_CHECK(c.tpbc() == payload.size() && same(dst, payload.data(), payload.size()),
                       "decompressed bytes differ", c.tpbc(), static_cast<long>(payload.size()));
      } else {
        NXZ_FUZZ_CHECK(c.cc() == nx::kCcSuccess || c.cc() == nx::kCcPartial ||
                           c.cc() == nx::kCcDataError,  // a stored block ending at the source
                       "single-block decompression", c.cc());
        NXZ_FUZZ_CHECK(c.tpbc() <= payload.size() && same(dst, payload.data(), c.tpbc()),
                       "single-block output is not a prefix");
      }
    }
  }
  nxz_accel_close(w);
  return 0;
}
