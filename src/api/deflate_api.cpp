// deflate*(): zlib's compression API over the accelerator or the software
// zlib (see deflate_state.h for the split and why blocks have a fixed size).
#include <algorithm>
#include <array>
#include <cstring>
#include <new>

#include "api/api_window.h"
#include "api/deflate_state.h"
#include "api/soft_zlib.h"
#include "common/checksum.h"

namespace nxz::api {
namespace {

// zlib's ordering of flush values, for "a flush no stronger than the last".
int rank(int flush) { return flush * 2 - (flush > 4 ? 9 : 0); }

int fail(z_streamp strm, int code) {
  strm->msg = const_cast<char*>(error_text(code));
  return code;
}

// The accelerator takes the parameters zlib's own deflate would honour with
// a 32 KiB window and a matching effort; everything else is software's:
// smaller windows (the engine's matches reach 32 KiB back), Huffman-only
// and RLE (no matching or restricted matching), level 0 (stored blocks).
// Without a software zlib the accelerator takes those too (its output is
// a valid stream for them, only not zlib's choice of codes); a small window
// it cannot honour.
bool engine_can(const DeflateState& s) {
  if (s.wbits != 15) return false;
  if (!soft_zlib()) return true;
  return s.level != 0 && s.strategy != Z_HUFFMAN_ONLY && s.strategy != Z_RLE;
}

// Stored blocks written here: a block the accelerator failed on when
// there is no software codec to take it.
bool put_stored(DeflateState& s, const uint8_t* p, size_t n, bool final) {
  do {
    const size_t k = std::min<size_t>(n, 65535);
    n -= k;
    const uint8_t h[5] = {static_cast<uint8_t>(final && n == 0), static_cast<uint8_t>(k),
                          static_cast<uint8_t>(k >> 8), static_cast<uint8_t>(~k),
                          static_cast<uint8_t>(~k >> 8)};
    if (!s.pend.append(s.strm, h, 5) || !s.pend.append(s.strm, p, k)) return false;
    p += k;
  } while (n);
  return true;
}

// zlib updates adler as it reads input, on zlib and gzip streams only.
void update_check(DeflateState& s, const uint8_t* p, size_t n) {
  if (s.wrap == 1)
    s.check = nxz::adler32(s.check, p, n);
  else if (s.wrap == 2)
    s.check = nxz::crc32(s.check, p, n);
  else
    return;
  s.strm->adler = s.check;
}

// zlib's data_type guess for the first block: text when the bytes are
// only the printable set and a few controls. (zlib judges the literals its
// matcher left, so a rare block may be called otherwise there.)
// zlib's rule: a byte of 0-6, 14-25 or 28-31 makes the data binary; else
// a byte of 9, 10, 13 or 32-255 makes it text.
constexpr uint8_t kBlocked = 1, kAllowed = 2;
constexpr std::array<uint8_t, 256> kByteClass = [] {
  std::array<uint8_t, 256> t{};
  for (int c = 0; c < 256; ++c) {
    if (c <= 6 || (c >= 14 && c <= 25) || (c >= 28 && c <= 31))
      t[c] = kBlocked;
    else if (c == 9 || c == 10 || c == 13 || c >= 32)
      t[c] = kAllowed;
  }
  return t;
}();

int guess_data_type(const uint8_t* p, size_t n) {
  // Eight bytes at a time: a word without a byte below 32 is all text
  // bytes, and only the others are looked at one by one. (It was 8% of
  // level-1 compression as a loop over bytes.)
  constexpr uint64_t kOnes = 0x0101010101010101u;
  uint8_t seen = 0;
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t x;
    std::memcpy(&x, p + i, 8);
    // Sets the high bit of some byte when a byte of x is below 32.
    if (((x - 32 * kOnes) & ~x & (0x80 * kOnes)) == 0) {
      seen |= kAllowed;
      continue;
    }
    for (size_t k = 0; k < 8; ++k) seen |= kByteClass[p[i + k]];
    if (seen & kBlocked) return Z_BINARY;
  }
  for (; i < n; ++i) seen |= kByteClass[p[i]];
  if (seen & kBlocked) return Z_BINARY;
  return seen & kAllowed ? Z_TEXT : Z_BINARY;
}

bool put_zlib_header(DeflateState& s) {
  const int cinfo = s.wbits - 8;
  const int cmf = (cinfo << 4) | Z_DEFLATED;
  int flevel;
  if (s.strategy >= Z_HUFFMAN_ONLY || s.level < 2)
    flevel = 0;
  else if (s.level < 6)
    flevel = 1;
  else if (s.level == 6)
    flevel = 2;
  else
    flevel = 3;
  int flg = (flevel << 6) | (s.have_dict ? 0x20 : 0);
  flg += 31 - ((cmf << 8) + flg) % 31;
  uint8_t h[6] = {static_cast<uint8_t>(cmf), static_cast<uint8_t>(flg)};
  size_t n = 2;
  if (s.have_dict) {
    for (int i = 0; i < 4; ++i) h[n++] = static_cast<uint8_t>(s.dict_id >> (24 - 8 * i));
  }
  return s.pend.append(s.strm, h, n);
}

bool put_gzip_header(DeflateState& s) {
  const gz_headerp g = s.gzhead;
  const uint8_t xfl = s.level == 9 ? 2 : (s.strategy >= Z_HUFFMAN_ONLY || s.level < 2) ? 4 : 0;
  uint8_t fixed[10] = {0x1f, 0x8b, Z_DEFLATED, 0, 0, 0, 0, 0, xfl, 3 /* Unix */};
  if (g) {
    fixed[3] = static_cast<uint8_t>((g->text ? 1 : 0) | (g->hcrc ? 2 : 0) | (g->extra ? 4 : 0) |
                                    (g->name ? 8 : 0) | (g->comment ? 16 : 0));
    for (int i = 0; i < 4; ++i) fixed[4 + i] = static_cast<uint8_t>(g->time >> (8 * i));
    fixed[9] = static_cast<uint8_t>(g->os);
  }
  const size_t start = s.pend.produced();
  if (!s.pend.append(s.strm, fixed, 10)) return false;
  if (g) {
    if (g->extra) {
      const uint8_t xlen[2] = {static_cast<uint8_t>(g->extra_len),
                               static_cast<uint8_t>(g->extra_len >> 8)};
      if (!s.pend.append(s.strm, xlen, 2) || !s.pend.append(s.strm, g->extra, g->extra_len))
        return false;
    }
    if (g->name &&
        !s.pend.append(s.strm, g->name, std::strlen(reinterpret_cast<char*>(g->name)) + 1))
      return false;
    if (g->comment &&
        !s.pend.append(s.strm, g->comment, std::strlen(reinterpret_cast<char*>(g->comment)) + 1))
      return false;
    if (g->hcrc) {
      const size_t len = s.pend.produced() - start;
      const uint32_t crc = nxz::crc32(0, s.pend.last(len), len);
      const uint8_t h[2] = {static_cast<uint8_t>(crc), static_cast<uint8_t>(crc >> 8)};
      if (!s.pend.append(s.strm, h, 2)) return false;
    }
  }
  return true;
}

bool put_trailer(DeflateState& s) {
  uint8_t t[8];
  size_t n = 0;
  if (s.wrap == 1) {
    for (int i = 0; i < 4; ++i) t[n++] = static_cast<uint8_t>(s.check >> (24 - 8 * i));
  } else if (s.wrap == 2) {
    const uint32_t isize = static_cast<uint32_t>(s.strm->total_in);
    for (int i = 0; i < 4; ++i) t[n++] = static_cast<uint8_t>(s.check >> (8 * i));
    for (int i = 0; i < 4; ++i) t[n++] = static_cast<uint8_t>(isize >> (8 * i));
  }
  return s.pend.append(s.strm, t, n);
}

// ---------------------------------------------------------------- software

bool soft_start(DeflateState& s) {
  const SoftZlib* z = soft_zlib();
  if (!z) return false;
  soft_stream_init(&s.inner, s.strm);
  // Window bits 8 are 9 in zlib's deflate; raw -8 is refused, so ask -9.
  const int wb = std::max(s.wbits, 9);
  if (z->deflateInit2_(&s.inner, s.level, Z_DEFLATED, -wb, s.mem_level, s.strategy,
                       z->zlibVersion(), sizeof(z_stream)) != Z_OK)
    return false;
  s.inner_live = true;
  s.soft = true;
  return true;
}

void soft_end(DeflateState& s) {
  if (s.inner_live) soft_zlib()->deflateEnd(&s.inner);
  s.inner_live = false;
}

// Runs the inner raw stream over in[0..n) with `flush` into pend until all
// of it is taken (and, for a flush, all of its output is out).
bool soft_into_pending(DeflateState& s, const uint8_t* in, size_t n, int flush) {
  const SoftZlib* z = soft_zlib();
  s.inner.next_in = const_cast<Bytef*>(in);
  s.inner.avail_in = static_cast<uInt>(n);
  for (;;) {
    const size_t room = z->deflateBound(&s.inner, s.inner.avail_in) + 64;
    if (!s.pend.reserve(s.strm, room)) return false;
    s.inner.next_out = s.pend.tail();
    s.inner.avail_out = static_cast<uInt>(room);
    const int rc = z->deflate(&s.inner, flush);
    s.pend.commit(room - s.inner.avail_out);
    if (rc == Z_STREAM_ERROR) return false;
    if (s.inner.avail_in == 0 &&
        (flush == Z_NO_FLUSH || s.inner.avail_out != 0 || rc == Z_STREAM_END))
      return true;
  }
}

// Moves the stream to software at a block boundary: the history becomes
// the inner stream's dictionary, and input already buffered goes in first.
bool switch_to_soft(DeflateState& s) {
  if (s.soft) return true;
  if (!soft_start(s)) return false;
  if (s.hist &&
      soft_zlib()->deflateSetDictionary(&s.inner, s.win, static_cast<uInt>(s.hist)) != Z_OK)
    return false;
  if (s.blk && !soft_into_pending(s, s.win + s.hist, s.blk, Z_NO_FLUSH)) return false;
  s.hist = s.blk = 0;
  s.eng.reset();
  return true;
}

// -------------------------------------------------------------- accelerator

bool engine_start(DeflateState& s) {
  nxz_window* w = api_window(effort_for_level(s.level));
  if (!w) return false;
  if (!s.win) {
    s.win = static_cast<uint8_t*>(stream_alloc(s.strm, kHistory + kDeflateBlock));
    if (!s.win) return false;
  }
  // Fixed codes when asked for (Z_FIXED); otherwise dynamic tables from
  // each block's symbol counts.
  s.eng = std::make_unique<engine::Deflater>(w, s.strategy != Z_FIXED);
  return true;
}

// Keeps the last 32 KiB of input at the front of win as the next history.
void slide(DeflateState& s) {
  const size_t total = s.hist + s.blk;
  const size_t keep = std::min(total, kHistory);
  std::memmove(s.win, s.win + total - keep, keep);
  s.hist = keep;
  s.blk = 0;
}

// Compresses the buffered block into pend (which is empty): one or more
// requests, all of the block, byte-aligned at the end.
bool engine_block(DeflateState& s, bool final) {
  const uint8_t* in = s.win + s.hist;
  size_t done = 0;
  if (!s.data_type_known && s.blk) {
    s.strm->data_type = guess_data_type(in, s.blk);
    s.data_type_known = true;
  }
  if (final && s.blk == 0) {
    static const uint8_t kEmptyFinal[2] = {0x03, 0x00};  // an empty fixed-code final block
    return s.pend.append(s.strm, kEmptyFinal, 2);
  }
  while (done < s.blk) {
    const size_t n = s.blk - done;
    const size_t cap = engine::deflate_bound(n) + 16;
    if (!s.pend.reserve(s.strm, cap)) return false;
    size_t took = 0, made = 0;
    // History: everything before this request within win (up to 32 KiB).
    const engine::Status st = s.eng->compress(s.win, s.hist + done, in + done, n, final,
                                              s.pend.tail(), cap, &took, &made);
    if (st != engine::Status::kOk || (took == 0 && made == 0)) {
      // The accelerator failed: the rest of this block and of the stream
      // go to software, from exactly here. After a timeout the request's
      // target (our pending buffer) and the window are given up.
      if (s.eng->abandoned_target()) {
        if (!s.pend.abandon(s.strm)) return false;
        api_window_retire(s.eng->abandoned(), effort_for_level(s.level));
      }
      if (!soft_zlib()) {
        const bool stored = put_stored(s, in + done, n, final);
        if (s.eng->abandoned_target()) {
          s.eng = std::make_unique<engine::Deflater>(api_window(effort_for_level(s.level)),
                                                     s.strategy != Z_FIXED);
        }
        slide(s);
        return stored;
      }
      const size_t h = s.hist + done;
      const size_t keep = std::min(h, kHistory);
      std::memmove(s.win, s.win + h - keep, keep + n);
      s.hist = keep;
      s.blk = n;
      if (!switch_to_soft(s)) return false;
      return soft_into_pending(s, nullptr, 0, final ? Z_FINISH : Z_BLOCK);
    }
    s.pend.commit(made);
    done += took;
  }
  slide(s);
  return true;
}

// Z_SYNC_FLUSH and Z_FULL_FLUSH end with an empty stored block (00 00 ff
// ff): programs look for it (permessage-deflate strips and restores it).
bool append_sync_marker(DeflateState& s) {
  if (s.pend.size() >= 4) {
    const uint8_t* e = s.pend.last(4);
    if (e[0] == 0 && e[1] == 0 && e[2] == 0xff && e[3] == 0xff) return true;
  }
  static const uint8_t kMarker[5] = {0x00, 0x00, 0x00, 0xff, 0xff};
  return s.pend.append(s.strm, kMarker, 5);
}

// ------------------------------------------------------------ the stream

int state_check(z_streamp strm) {
  return !strm || !strm->state || !strm->zalloc != !strm->zfree ||
         reinterpret_cast<DeflateState*>(strm->state)->magic != kDeflateMagic ||
         reinterpret_cast<DeflateState*>(strm->state)->strm != strm;
}

void reset_totals(DeflateState& s) {
  z_streamp strm = s.strm;
  strm->total_in = strm->total_out = 0;
  strm->msg = nullptr;
  strm->data_type = Z_UNKNOWN;
  s.check = s.wrap == 2 ? 0 : 1;
  strm->adler = s.check;
}

int do_reset(DeflateState& s) {
  s.phase = DeflateState::Phase::kInit;
  s.last_flush = -2;
  s.flushed_rank = -1;
  s.have_dict = false;
  s.data_type_known = false;
  s.pend.clear();
  s.hist = s.blk = 0;
  soft_end(s);
  s.soft = false;
  s.eng.reset();
  reset_totals(s);
  if (engine_can(s) && engine_start(s)) return Z_OK;
  return soft_start(s) ? Z_OK : Z_MEM_ERROR;
}

// The whole of deflate() once the arguments are checked: hand over pending
// output, take input, compress whole blocks, apply the flush.
int run(DeflateState& s, int flush) {
  z_streamp strm = s.strm;
  if (s.phase == DeflateState::Phase::kInit) {
    if (!(s.wrap == 1 ? put_zlib_header(s) : s.wrap == 2 ? put_gzip_header(s) : true))
      return fail(strm, Z_MEM_ERROR);
    s.phase = DeflateState::Phase::kBusy;
    if (s.wrap == 1 && s.have_dict) s.check = 1;  // the dictionary is not in the check
  }
  for (;;) {
    s.pend.drain(strm);
    if (!s.pend.empty()) break;  // avail_out is 0
    if (s.phase == DeflateState::Phase::kEnded) return Z_STREAM_END;
    if (s.soft) {
      const uInt before = strm->avail_in;
      const Bytef* in = strm->next_in;
      s.inner.next_in = strm->next_in;
      s.inner.avail_in = strm->avail_in;
      s.inner.next_out = strm->next_out;
      s.inner.avail_out = strm->avail_out;
      const int rc = soft_zlib()->deflate(&s.inner, flush);
      const size_t took = before - s.inner.avail_in;
      const size_t made = strm->avail_out - s.inner.avail_out;
      update_check(s, in, took);
      strm->next_in += took;
      strm->avail_in -= static_cast<uInt>(took);
      strm->total_in += took;
      strm->next_out += made;
      strm->avail_out -= static_cast<uInt>(made);
      strm->total_out += made;
      if (flush == Z_FINISH && s.inner.avail_in == 0) s.phase = DeflateState::Phase::kFinishing;
      if (rc == Z_STREAM_END) {
        if (!put_trailer(s)) return fail(strm, Z_MEM_ERROR);
        s.phase = DeflateState::Phase::kEnded;
        continue;
      }
      if (!s.data_type_known && s.inner.data_type != Z_UNKNOWN) {
        strm->data_type = s.inner.data_type;
        s.data_type_known = true;
      }
      // Output left in the private zlib: the same flush again, with no new
      // input, must hand it over, not be refused as a repeated flush (zlib
      // does the same for its own pending output).
      if (strm->avail_out == 0) s.last_flush = -1;
      if (rc == Z_BUF_ERROR && (took || made)) return Z_OK;
      return rc == Z_BUF_ERROR ? fail(strm, rc) : rc;
    }
    if (strm->avail_in) {
      const size_t k = std::min<size_t>(strm->avail_in, kDeflateBlock - s.blk);
      std::memcpy(s.win + s.hist + s.blk, strm->next_in, k);
      update_check(s, strm->next_in, k);
      s.blk += k;
      strm->next_in += k;
      strm->avail_in -= static_cast<uInt>(k);
      strm->total_in += k;
      s.flushed_rank = -1;
      if (s.blk == kDeflateBlock) {
        if (!engine_block(s, false)) return fail(strm, Z_MEM_ERROR);
      }
      continue;
    }
    // All input is in; apply the flush once.
    if (flush == Z_NO_FLUSH || rank(flush) <= s.flushed_rank) break;
    s.flushed_rank = rank(flush);
    if (flush == Z_FINISH) {
      s.phase = DeflateState::Phase::kFinishing;
      if (!engine_block(s, true)) return fail(strm, Z_MEM_ERROR);
      if (s.soft) continue;  // the engine failed: software finishes
      if (!put_trailer(s)) return fail(strm, Z_MEM_ERROR);
      s.phase = DeflateState::Phase::kEnded;
      continue;
    }
    if (s.blk && !engine_block(s, false)) return fail(strm, Z_MEM_ERROR);
    if (s.soft) continue;
    if (flush == Z_SYNC_FLUSH || flush == Z_FULL_FLUSH) {
      if (!append_sync_marker(s)) return fail(strm, Z_MEM_ERROR);
    }
    if (flush == Z_FULL_FLUSH) s.hist = 0;  // no match may reach back across it
  }
  if (strm->avail_out == 0) s.last_flush = -1;  // zlib: avoid Z_BUF_ERROR next time
  if (s.wrap) strm->adler = s.check;
  return Z_OK;
}

}  // namespace

DeflateState* deflate_state(z_streamp strm) {
  return state_check(strm) ? nullptr : reinterpret_cast<DeflateState*>(strm->state);
}

}  // namespace nxz::api

using nxz::api::deflate_state;
using nxz::api::DeflateState;

extern "C" {

int deflateInit2_(z_streamp strm, int level, int method, int windowBits, int memLevel, int strategy,
                  const char* version, int stream_size) {
  if (!nxz::api::version_ok(version, stream_size)) return Z_VERSION_ERROR;
  if (!strm) return Z_STREAM_ERROR;
  strm->msg = nullptr;
  if (level == Z_DEFAULT_COMPRESSION) level = 6;
  int wrap = 1;
  if (windowBits < 0) {
    wrap = 0;
    if (windowBits < -15) return Z_STREAM_ERROR;
    windowBits = -windowBits;
  } else if (windowBits > 15) {
    wrap = 2;
    windowBits -= 16;
  }
  if (memLevel < 1 || memLevel > MAX_MEM_LEVEL || method != Z_DEFLATED || windowBits < 8 ||
      windowBits > 15 || level < 0 || level > 9 || strategy < 0 || strategy > Z_FIXED ||
      (windowBits == 8 && wrap != 1))
    return Z_STREAM_ERROR;
  if (windowBits == 8) windowBits = 9;  // as zlib: a 256-byte window is not supported
  void* mem = nxz::api::stream_alloc(strm, sizeof(DeflateState));
  if (!mem) return Z_MEM_ERROR;
  auto* s = new (mem) DeflateState;
  s->strm = strm;
  s->level = level;
  s->wbits = windowBits;
  s->mem_level = memLevel;
  s->strategy = strategy;
  s->wrap = wrap;
  strm->state = reinterpret_cast<internal_state*>(s);
  const int rc = nxz::api::do_reset(*s);
  if (rc != Z_OK) {
    deflateEnd(strm);
    if (!nxz::api::soft_zlib()) strm->msg = const_cast<char*>(nxz::api::kNoSoftware);
    return rc;
  }
  return Z_OK;
}

int deflateInit_(z_streamp strm, int level, const char* version, int stream_size) {
  return deflateInit2_(strm, level, Z_DEFLATED, MAX_WBITS, 8, Z_DEFAULT_STRATEGY, version,
                       stream_size);
}

int deflate(z_streamp strm, int flush) {
  DeflateState* s = deflate_state(strm);
  if (!s || flush > Z_BLOCK || flush < 0) return Z_STREAM_ERROR;
  if (!strm->next_out || (strm->avail_in != 0 && !strm->next_in) ||
      (s->phase >= DeflateState::Phase::kFinishing && flush != Z_FINISH))
    return nxz::api::fail(strm, Z_STREAM_ERROR);
  if (strm->avail_out == 0) return nxz::api::fail(strm, Z_BUF_ERROR);
  const uLong in0 = strm->total_in, out0 = strm->total_out;
  const int old_flush = s->last_flush;
  s->last_flush = flush;
  if (!s->pend.empty()) {
    s->pend.drain(strm);
    if (strm->avail_out == 0) {
      s->last_flush = -1;
      return Z_OK;
    }
  } else if (strm->avail_in == 0 && nxz::api::rank(flush) <= nxz::api::rank(old_flush) &&
             flush != Z_FINISH) {
    return nxz::api::fail(strm, Z_BUF_ERROR);
  }
  if (s->phase >= DeflateState::Phase::kFinishing && strm->avail_in != 0)
    return nxz::api::fail(strm, Z_BUF_ERROR);
  int rc;
  try {
    rc = nxz::api::run(*s, flush);
  } catch (...) {  // nothing may cross the C ABI
    return nxz::api::fail(strm, Z_MEM_ERROR);
  }
  // Z_BUF_ERROR means no progress: output handed over earlier in this call
  // (say, blocks a failed accelerator left pending) is progress.
  if (rc == Z_BUF_ERROR && (strm->total_in != in0 || strm->total_out != out0)) rc = Z_OK;
  return rc;
}

int deflateEnd(z_streamp strm) {
  DeflateState* s = deflate_state(strm);
  if (!s) return Z_STREAM_ERROR;
  const bool busy =
      s->phase == DeflateState::Phase::kBusy || s->phase == DeflateState::Phase::kFinishing;
  nxz::api::soft_end(*s);
  s->pend.release(strm);
  nxz::api::stream_free(strm, s->win);
  s->~DeflateState();
  nxz::api::stream_free(strm, s);
  strm->state = nullptr;
  return busy ? Z_DATA_ERROR : Z_OK;
}

int deflateResetKeep(z_streamp strm) {
  DeflateState* s = deflate_state(strm);
  if (!s) return Z_STREAM_ERROR;
  return nxz::api::do_reset(*s);
}

int deflateReset(z_streamp strm) { return deflateResetKeep(strm); }

int deflateSetHeader(z_streamp strm, gz_headerp head) {
  DeflateState* s = deflate_state(strm);
  if (!s || s->wrap != 2) return Z_STREAM_ERROR;
  s->gzhead = head;
  return Z_OK;
}

int deflateSetDictionary(z_streamp strm, const Bytef* dictionary, uInt dictLength) {
  DeflateState* s = deflate_state(strm);
  if (!s || !dictionary) return Z_STREAM_ERROR;
  // zlib: a zlib stream only before its first deflate(); never gzip; raw
  // whenever no input waits to be compressed.
  if (s->wrap == 2 || (s->wrap == 1 && s->phase != DeflateState::Phase::kInit) || s->blk)
    return Z_STREAM_ERROR;
  if (s->wrap == 1) {
    s->dict_id = nxz::adler32(1, dictionary, dictLength);
    s->have_dict = true;
    strm->adler = s->dict_id;
  }
  if (s->soft) {
    if (s->soft && !s->inner_live) return Z_STREAM_ERROR;
    return nxz::api::soft_zlib()->deflateSetDictionary(&s->inner, dictionary, dictLength);
  }
  // The dictionary continues the history (zlib puts it in the window).
  const size_t keep_old =
      dictLength >= nxz::api::kHistory ? 0 : std::min(s->hist, nxz::api::kHistory - dictLength);
  std::memmove(s->win, s->win + s->hist - keep_old, keep_old);
  const size_t take = std::min<size_t>(dictLength, nxz::api::kHistory);
  std::memcpy(s->win + keep_old, dictionary + dictLength - take, take);
  s->hist = keep_old + take;
  return Z_OK;
}

int deflateGetDictionary(z_streamp strm, Bytef* dictionary, uInt* dictLength) {
  DeflateState* s = deflate_state(strm);
  if (!s) return Z_STREAM_ERROR;
  if (s->soft)
    return nxz::api::soft_zlib()->deflateGetDictionary(&s->inner, dictionary, dictLength);
  const size_t total = s->hist + s->blk;
  const size_t len = std::min(total, nxz::api::kHistory);
  if (dictionary && len) std::memcpy(dictionary, s->win + total - len, len);
  if (dictLength) *dictLength = static_cast<uInt>(len);
  return Z_OK;
}

int deflateParams(z_streamp strm, int level, int strategy) {
  DeflateState* s = deflate_state(strm);
  if (!s) return Z_STREAM_ERROR;
  if (level == Z_DEFAULT_COMPRESSION) level = 6;
  if (level < 0 || level > 9 || strategy < 0 || strategy > Z_FIXED) return Z_STREAM_ERROR;
  DeflateState probe;
  probe.wbits = s->wbits;
  probe.level = level;
  probe.strategy = strategy;
  const auto effort = nxz::api::effort_for_level(level);
  const bool to_engine = nxz::api::engine_can(probe) && nxz::api::api_window(effort);
  // Among the accelerator's levels only the codes (fixed or dynamic) and
  // the matching effort of the window (api_window.h) change what it writes.
  const bool codec_changes =
      s->soft ? (to_engine || level != s->level || strategy != s->strategy)
              : (!to_engine || (strategy == Z_FIXED) != (s->strategy == Z_FIXED) ||
                 effort != nxz::api::effort_for_level(s->level));
  if (codec_changes && s->last_flush != -2) {
    // zlib 1.2.12: what came before is compressed with the old parameters.
    const int err = deflate(strm, Z_BLOCK);
    if (err == Z_STREAM_ERROR) return err;
    // What the private zlib still holds is not all in deflatePending(): at
    // level 0 input waits in its window for a stored block. Everything it
    // has goes into pend, so the new codec starts after all of it.
    if (s->soft && s->inner_live && !strm->avail_in) {
      if (!nxz::api::soft_into_pending(*s, nullptr, 0, Z_BLOCK)) return Z_MEM_ERROR;
      s->pend.drain(strm);
    }
    if (strm->avail_in || s->blk || !s->pend.empty()) return Z_BUF_ERROR;
  }
  s->level = level;
  s->strategy = strategy;
  if (!codec_changes) return Z_OK;
  if (s->soft && !to_engine) {
    Bytef dummy;
    s->inner.next_in = &dummy;
    s->inner.avail_in = 0;
    s->inner.next_out = &dummy;
    s->inner.avail_out = 0;
    return nxz::api::soft_zlib()->deflateParams(&s->inner, level, strategy);
  }
  if (!s->soft && to_engine) {
    s->eng =
        std::make_unique<nxz::engine::Deflater>(nxz::api::api_window(effort), strategy != Z_FIXED);
    return Z_OK;
  }
  if (!s->soft) return nxz::api::switch_to_soft(*s) ? Z_OK : Z_MEM_ERROR;
  // software -> accelerator: the accelerator starts on a byte boundary.
  int bits = 0;
  nxz::api::soft_zlib()->deflatePending(&s->inner, nullptr, &bits);
  if (bits && !nxz::api::soft_into_pending(*s, nullptr, 0, Z_SYNC_FLUSH)) return Z_MEM_ERROR;
  if (!s->win) {
    s->win = static_cast<uint8_t*>(
        nxz::api::stream_alloc(strm, nxz::api::kHistory + nxz::api::kDeflateBlock));
    if (!s->win) return Z_MEM_ERROR;
  }
  uInt len = 0;
  nxz::api::soft_zlib()->deflateGetDictionary(&s->inner, s->win, &len);
  nxz::api::soft_end(*s);
  s->soft = false;
  s->hist = len;
  s->blk = 0;
  if (!nxz::api::engine_start(*s)) return nxz::api::soft_start(*s) ? Z_OK : Z_MEM_ERROR;
  return Z_OK;
}

int deflateTune(z_streamp strm, int good_length, int max_lazy, int nice_length, int max_chain) {
  DeflateState* s = deflate_state(strm);
  if (!s) return Z_STREAM_ERROR;
  // The accelerator has one matching effort; the values tune software.
  if (s->soft)
    return nxz::api::soft_zlib()->deflateTune(&s->inner, good_length, max_lazy, nice_length,
                                              max_chain);
  return Z_OK;
}

int deflatePending(z_streamp strm, unsigned* pending, int* bits) {
  DeflateState* s = deflate_state(strm);
  if (!s) return Z_STREAM_ERROR;
  unsigned p = static_cast<unsigned>(s->pend.size());
  int b = 0;
  if (s->soft && s->inner_live) {
    unsigned ip = 0;
    nxz::api::soft_zlib()->deflatePending(&s->inner, &ip, &b);
    p += ip;
  }
  if (pending) *pending = p;
  if (bits) *bits = b;
  return Z_OK;
}

int deflatePrime(z_streamp strm, int bits, int value) {
  DeflateState* s = deflate_state(strm);
  if (!s) return Z_STREAM_ERROR;
  if (bits < 0 || bits > 16) return Z_BUF_ERROR;
  // Bits at an arbitrary offset: the accelerator starts every block on a
  // byte, so the stream continues in software from here.
  if (!s->soft) {
    if (s->phase == DeflateState::Phase::kInit) {
      if (!(s->wrap == 1   ? nxz::api::put_zlib_header(*s)
            : s->wrap == 2 ? nxz::api::put_gzip_header(*s)
                           : true))
        return Z_MEM_ERROR;
      s->phase = DeflateState::Phase::kBusy;
    }
    if (!nxz::api::soft_zlib()) {
      strm->msg = const_cast<char*>(nxz::api::kNoSoftware);
      return Z_STREAM_ERROR;
    }
    if (!nxz::api::switch_to_soft(*s)) return Z_MEM_ERROR;
  }
  return nxz::api::soft_zlib()->deflatePrime(&s->inner, bits, value);
}

uLong deflateBound(z_streamp strm, uLong sourceLen) {
  // zlib's conservative bound, its tight one for default parameters, and
  // the accelerator's: per block, stored size plus an alignment block.
  const uLong conservative = sourceLen + ((sourceLen + 7) >> 3) + ((sourceLen + 63) >> 6) + 5;
  // Each accelerator block is at most its stored form (5 bytes a 64 KiB
  // piece, so 15 per full block); an empty final block or the first
  // stored piece adds 7.
  const uLong engine = sourceLen + 15 * (sourceLen / nxz::api::kDeflateBlock) + 7;
  DeflateState* s = deflate_state(strm);
  if (!s) return std::max(conservative, engine) + 6;
  uLong wraplen = 0;
  if (s->wrap == 1) {
    wraplen = 6 + (s->have_dict ? 4 : 0);
  } else if (s->wrap == 2) {
    wraplen = 18;
    if (const gz_headerp g = s->gzhead) {
      if (g->extra) wraplen += 2 + g->extra_len;
      if (g->name) wraplen += std::strlen(reinterpret_cast<const char*>(g->name)) + 1;
      if (g->comment) wraplen += std::strlen(reinterpret_cast<const char*>(g->comment)) + 1;
      if (g->hcrc) wraplen += 2;
    }
  }
  uLong soft = conservative;
  if (s->wbits == 15 && s->mem_level == 8)
    soft = sourceLen + (sourceLen >> 12) + (sourceLen >> 14) + (sourceLen >> 25) + 13 - 6;
  return std::max(soft, engine) + wraplen + s->pend.size();
}

int deflateCopy(z_streamp dest, z_streamp source) {
  DeflateState* s = deflate_state(source);
  if (!s || !dest) return Z_STREAM_ERROR;
  std::memcpy(dest, source, sizeof(z_stream));
  void* mem = nxz::api::stream_alloc(dest, sizeof(DeflateState));
  if (!mem) return Z_MEM_ERROR;
  auto* d = new (mem) DeflateState;
  d->strm = dest;
  d->level = s->level;
  d->wbits = s->wbits;
  d->mem_level = s->mem_level;
  d->strategy = s->strategy;
  d->wrap = s->wrap;
  d->gzhead = s->gzhead;
  d->phase = s->phase;
  d->last_flush = s->last_flush;
  d->flushed_rank = s->flushed_rank;
  d->check = s->check;
  d->have_dict = s->have_dict;
  d->dict_id = s->dict_id;
  d->data_type_known = s->data_type_known;
  dest->state = reinterpret_cast<internal_state*>(d);
  bool ok = s->pend.copy_to(dest, &d->pend);
  if (ok && s->soft) {
    d->soft = true;
    d->inner_live = nxz::api::soft_zlib()->deflateCopy(&d->inner, &s->inner) == Z_OK;
    d->inner.opaque = dest;
    ok = d->inner_live;
  } else if (ok) {
    // A new request driver; its first block samples a fresh table.
    ok = nxz::api::engine_start(*d);
    if (ok) {
      std::memcpy(d->win, s->win, s->hist + s->blk);
      d->hist = s->hist;
      d->blk = s->blk;
    }
  }
  if (!ok) {
    deflateEnd(dest);
    return Z_MEM_ERROR;
  }
  return Z_OK;
}

}  // extern "C"
