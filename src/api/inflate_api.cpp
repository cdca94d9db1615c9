// inflate*(): zlib's decompression API (see inflate_state.h for the split).
#include <algorithm>
#include <cstring>
#include <new>

#include "api/api_window.h"
#include "api/inflate_state.h"
#include "api/soft_zlib.h"
#include "common/checksum.h"

namespace nxz::api {
namespace {

using Mode = InflateState::Mode;

int state_check(z_streamp strm) {
  return !strm || !strm->state || !strm->zalloc != !strm->zfree ||
         reinterpret_cast<InflateState*>(strm->state)->magic != kInflateMagic ||
         reinterpret_cast<InflateState*>(strm->state)->strm != strm;
}

InflateState* get(z_streamp strm) {
  return state_check(strm) ? nullptr : reinterpret_cast<InflateState*>(strm->state);
}

int bad(InflateState& s, const char* msg) {
  s.strm->msg = const_cast<char*>(msg);
  s.mode = Mode::kBad;
  return Z_DATA_ERROR;
}

// Output delivered to the caller: the check and the member's length.
void produced(InflateState& s, const uint8_t* p, size_t n) {
  if (!n) return;
  s.strm->total_out += n;
  s.member_out += n;
  if (s.wrap & 4) {
    s.check = s.gzip ? nxz::crc32(s.check, p, n) : nxz::adler32(s.check, p, n);
    s.strm->adler = s.check;
  }
}

void consume(z_streamp strm, size_t n) {
  strm->next_in += n;
  strm->avail_in -= static_cast<uInt>(n);
  strm->total_in += n;
}

// One byte of header or trailer: from what the decoder gave back, then the
// caller's input.
bool next_byte(InflateState& s, uint8_t* b) {
  if (s.pre_pos < s.pre.size()) {
    *b = s.pre[s.pre_pos++];
    return true;
  }
  if (!s.strm->avail_in) return false;
  *b = *s.strm->next_in;
  consume(s.strm, 1);
  return true;
}

// Gathers an n-byte little-endian field into acc; true once complete.
bool gather(InflateState& s, int n, bool crc) {
  uint8_t b;
  while (s.acc_n < n) {
    if (!next_byte(s, &b)) return false;
    s.acc |= uint32_t{b} << (8 * s.acc_n++);
    if (crc) s.hcrc = nxz::crc32(s.hcrc, &b, 1);
  }
  return true;
}

void field_done(InflateState& s, int next) {
  s.acc = 0;
  s.acc_n = 0;
  s.gz_field = next;
}

// ----------------------------------------------------------------- body

bool soft_start(InflateState& s) {
  const SoftZlib* z = soft_zlib();
  if (!z) return false;
  soft_stream_init(&s.inner, s.strm);
  const int wb = s.wbits ? s.wbits : 15;
  if (z->inflateInit2_(&s.inner, -wb, z->zlibVersion(), sizeof(z_stream)) != Z_OK) return false;
  s.inner_live = true;
  s.soft = true;
  return true;
}

void soft_end(InflateState& s) {
  if (s.inner_live) soft_zlib()->inflateEnd(&s.inner);
  s.inner_live = false;
  s.soft = false;
}

// Moves the body to software exactly where the accelerator is: its
// history, the current block's header rebuilt, the input it holds. Output
// it decoded but has not delivered stays with it and goes out first.
bool to_soft(InflateState& s) {
  if (s.soft) return true;
  if (!soft_start(s)) return false;
  const SoftZlib* z = soft_zlib();
  if (s.eng && s.body_started) {
    engine::Inflater::Handoff h = s.eng->handoff(s.strm->next_in, s.strm->avail_in);
    if (h.history_len)
      z->inflateSetDictionary(&s.inner, h.history, static_cast<uInt>(h.history_len));
    if (h.prime_bits) z->inflatePrime(&s.inner, h.prime_bits, static_cast<int>(h.prime_value));
    std::vector<uint8_t> pre = std::move(h.prefix);
    pre.insert(pre.end(), h.input, h.input + h.input_len);
    s.pre.assign(pre.begin(), pre.end());
    s.pre_pos = 0;
    if (h.skip_caller) consume(s.strm, h.skip_caller);
    if (!s.eng->pending()) s.eng.reset();
  } else {
    if (!s.dict.empty())
      z->inflateSetDictionary(&s.inner, s.dict.data(), static_cast<uInt>(s.dict.size()));
    s.eng.reset();
  }
  return true;
}

// Without a software zlib a smaller window is decoded by the accelerator
// too (it cannot refuse a distance beyond the window: such a stream, which
// zlib rejects, is then decoded).
bool body_can_use_engine(const InflateState& s) {
  return (s.wbits == 15 || s.wbits == 0 || !soft_zlib()) && api_window() != nullptr;
}

// What a call only software can serve answers when it cannot be served.
int soft_missing(InflateState& s) {
  if (soft_zlib()) return Z_MEM_ERROR;
  s.strm->msg = const_cast<char*>(kNoSoftware);
  return Z_STREAM_ERROR;
}

enum class Body { kMore, kEnd, kStop, kError };

Body soft_body(InflateState& s, int flush, int* ret) {
  z_streamp strm = s.strm;
  const SoftZlib* z = soft_zlib();
  if (s.eng) {  // output the accelerator decoded before the handoff
    uint8_t* out = strm->next_out;
    size_t left = strm->avail_out;
    s.eng->deliver_pending(&out, &left);
    produced(s, strm->next_out, out - strm->next_out);
    strm->next_out = out;
    strm->avail_out = static_cast<uInt>(left);
    if (s.eng->pending()) return Body::kMore;
    s.eng.reset();
  }
  s.body_started = true;
  for (;;) {
    const bool from_pre = s.pre_pos < s.pre.size();
    s.inner.next_in = from_pre ? s.pre.data() + s.pre_pos : strm->next_in;
    s.inner.avail_in = from_pre ? static_cast<uInt>(s.pre.size() - s.pre_pos) : strm->avail_in;
    s.inner.next_out = strm->next_out;
    s.inner.avail_out = strm->avail_out;
    const uInt in_before = s.inner.avail_in;
    const int rc = z->inflate(&s.inner, flush == Z_FINISH ? Z_NO_FLUSH : flush);
    const size_t took = in_before - s.inner.avail_in;
    const size_t made = strm->avail_out - s.inner.avail_out;
    if (from_pre)
      s.pre_pos += took;
    else
      consume(strm, took);
    produced(s, strm->next_out, made);
    strm->next_out += made;
    strm->avail_out -= static_cast<uInt>(made);
    strm->data_type = s.inner.data_type;
    if (rc == Z_STREAM_END) {
      // What the decoder did not use of `pre` is the trailer's.
      s.pre.erase(s.pre.begin(), s.pre.begin() + static_cast<ptrdiff_t>(s.pre_pos));
      s.pre_pos = 0;
      return Body::kEnd;
    }
    if (rc == Z_DATA_ERROR) {
      strm->msg = s.inner.msg;
      s.mode = Mode::kBad;
      *ret = Z_DATA_ERROR;
      return Body::kError;
    }
    if (rc == Z_MEM_ERROR) {
      s.mode = Mode::kMem;
      *ret = Z_MEM_ERROR;
      return Body::kError;
    }
    if (rc == Z_NEED_DICT || rc == Z_STREAM_ERROR) {
      *ret = rc;
      return Body::kError;
    }
    // Z_OK or Z_BUF_ERROR: go on with the caller's input once `pre` is used.
    if (from_pre && s.pre_pos == s.pre.size() && strm->avail_out && strm->avail_in &&
        !((flush == Z_BLOCK || flush == Z_TREES) && took && (s.inner.data_type & 128)))
      continue;
    return (flush == Z_BLOCK || flush == Z_TREES) ? Body::kStop : Body::kMore;
  }
}

// A request may write any byte of its target (contract §4/§5), zlib only
// what it reports. A caller decompressing in place (its input inside the
// output space, as boot loaders lay it out) is served by software from
// there on, so that input not yet read is never overwritten.
bool output_covers_input(z_streamp strm) {
  const uint8_t* o = strm->next_out;
  const uint8_t* i = strm->next_in;
  return strm->avail_in && i + strm->avail_in > o && i < o + strm->avail_out;
}

// Z_BLOCK on the accelerator: single-block requests, and a stop where a
// block ends once its output is delivered, with zlib's data_type (the bits
// of the last byte read that follow the block, 64 after the final block).
Body engine_body(InflateState& s, int flush, int* ret) {
  z_streamp strm = s.strm;
  s.body_started = true;
  if (output_covers_input(strm)) {
    to_soft(s);
    if (s.soft) return Body::kMore;  // the caller loops into the software body
  }
  const uint8_t* in = strm->next_in;
  size_t in_len = strm->avail_in;
  uint8_t* out = strm->next_out;
  size_t out_len = strm->avail_out;
  const bool block = flush == Z_BLOCK || flush == Z_TREES;
  s.eng->set_single_block(block);
  const engine::Status st = s.eng->run(&in, &in_len, &out, &out_len);
  consume(strm, in - strm->next_in);
  produced(s, strm->next_out, out - strm->next_out);
  strm->next_out = out;
  strm->avail_out = static_cast<uInt>(out_len);
  if (st == engine::Status::kOk) {
    if (s.eng->stopped_after_block()) {
      s.stop_type = 128 + s.eng->stop_bits();
      return Body::kStop;
    }
    if (!s.eng->done()) return Body::kMore;
    s.pre.assign(s.eng->leftover(), s.eng->leftover() + s.eng->leftover_len());
    s.pre_pos = 0;
    if (block) s.stop_type = 192 + s.eng->stop_bits();  // zlib stops before the trailer
    return Body::kEnd;
  }
  // A corrupt stream (or a failed accelerator): software decodes the rest
  // from the start of the request that failed, so the verdict, the message
  // and the output before the error are zlib's. A window whose request
  // timed out is given up (its credit may never return).
  if (s.eng->abandoned_target()) api_window_retire(s.eng->abandoned());
  if (!to_soft(s)) {
    if (st == engine::Status::kDataError) {
      *ret = bad(s, s.eng->message());
    } else {
      strm->msg = const_cast<char*>(kNoSoftware);
      s.mode = Mode::kBad;
      *ret = Z_DATA_ERROR;
    }
    return Body::kError;
  }
  return Body::kMore;  // the caller loops into the software body
}

bool start_body(InflateState& s, int flush) {
  s.mode = Mode::kBody;
  s.header_done = true;
  s.body_started = false;
  s.pre.clear();
  s.pre_pos = 0;
  // Z_TREES stops after block headers too, which requests cannot.
  if ((flush != Z_TREES || !soft_zlib()) && body_can_use_engine(s)) {
    if (!s.eng) s.eng = std::make_unique<engine::Inflater>(api_window());
    s.eng->reset();
    s.eng->set_exact_errors(true);
    if (!s.dict.empty()) s.eng->set_history(s.dict.data(), s.dict.size());
    return true;
  }
  s.eng.reset();
  return to_soft(s);
}

// ----------------------------------------------------------------- header

// zlib's HEAD: a zlib header, or a gzip header when allowed and present.
int parse_head(InflateState& s) {
  if (!gather(s, 2, false)) return Z_OK;
  const uint32_t b0 = s.acc & 0xff, b1 = s.acc >> 8;
  if ((s.wrap & 2) && b0 == 0x1f && b1 == 0x8b) {
    if (s.wbits == 0) s.wbits = 15;
    s.gzip = true;
    s.hcrc = nxz::crc32(0, reinterpret_cast<const uint8_t*>("\x1f\x8b"), 2);
    field_done(s, 0);
    s.mode = Mode::kGzip;
    return Z_OK;
  }
  if (s.head) s.head->done = -1;
  if (!(s.wrap & 1) || ((b0 << 8) + b1) % 31) return bad(s, "incorrect header check");
  if ((b0 & 0x0f) != Z_DEFLATED) return bad(s, "unknown compression method");
  const int len = static_cast<int>(b0 >> 4) + 8;
  if (s.wbits == 0) s.wbits = len;
  if (len > 15 || len > s.wbits) return bad(s, "invalid window size");
  s.gzip = false;
  s.check = 1;
  s.strm->adler = 1;
  field_done(s, 0);
  s.mode = (b1 & 0x20) ? Mode::kDictId : Mode::kBody;
  return Z_OK;
}

// The gzip header after its magic: FLG, MTIME, XFL/OS, FEXTRA, FNAME,
// FCOMMENT, FHCRC, in zlib's order and with zlib's checks.
int parse_gzip(InflateState& s) {
  gz_headerp h = s.head;
  const bool crc = (s.gz_flags & 2) && (s.wrap & 4);
  for (;;) {
    switch (s.gz_field) {
      case 0:  // CM, FLG
        if (!gather(s, 2, false)) return Z_OK;
        if ((s.acc & 0xff) != Z_DEFLATED) return bad(s, "unknown compression method");
        s.gz_flags = static_cast<int>(s.acc >> 8);
        if (s.gz_flags & 0xe0) return bad(s, "unknown header flags set");
        if (h) h->text = s.gz_flags & 1;
        if ((s.gz_flags & 2) && (s.wrap & 4)) {
          const uint8_t b[2] = {static_cast<uint8_t>(s.acc), static_cast<uint8_t>(s.acc >> 8)};
          s.hcrc = nxz::crc32(s.hcrc, b, 2);
        }
        field_done(s, 1);
        break;
      case 1:  // MTIME
        if (!gather(s, 4, (s.gz_flags & 2) && (s.wrap & 4))) return Z_OK;
        if (h) h->time = s.acc;
        field_done(s, 2);
        break;
      case 2:  // XFL, OS
        if (!gather(s, 2, (s.gz_flags & 2) && (s.wrap & 4))) return Z_OK;
        if (h) {
          h->xflags = static_cast<int>(s.acc & 0xff);
          h->os = static_cast<int>(s.acc >> 8);
        }
        field_done(s, 3);
        break;
      case 3:  // XLEN
        if (s.gz_flags & 4) {
          if (!gather(s, 2, (s.gz_flags & 2) && (s.wrap & 4))) return Z_OK;
          s.length = s.acc;
          if (h) h->extra_len = s.acc;
          field_done(s, 4);
          s.acc = 0;  // bytes of extra done, kept in `acc`
        } else {
          if (h) h->extra = nullptr;
          field_done(s, 5);
        }
        break;
      case 4: {  // extra field
        uint8_t b;
        while (s.acc < s.length) {
          if (!next_byte(s, &b)) return Z_OK;
          if (h && h->extra && s.acc < h->extra_max) h->extra[s.acc] = b;
          if ((s.gz_flags & 2) && (s.wrap & 4)) s.hcrc = nxz::crc32(s.hcrc, &b, 1);
          ++s.acc;
        }
        field_done(s, 5);
        s.length = 0;
        break;
      }
      case 5:    // FNAME
      case 6: {  // FCOMMENT
        const bool is_name = s.gz_field == 5;
        const int bit = is_name ? 8 : 16;
        Bytef* dst = h ? (is_name ? h->name : h->comment) : nullptr;
        const uInt max = h ? (is_name ? h->name_max : h->comm_max) : 0;
        if (s.gz_flags & bit) {
          uint8_t b;
          do {
            if (!next_byte(s, &b)) return Z_OK;
            if (dst && s.length < max) dst[s.length++] = b;
            if ((s.gz_flags & 2) && (s.wrap & 4)) s.hcrc = nxz::crc32(s.hcrc, &b, 1);
          } while (b != 0);
        } else if (h) {
          (is_name ? h->name : h->comment) = nullptr;
        }
        s.length = 0;
        field_done(s, is_name ? 6 : 7);
        break;
      }
      case 7:  // FHCRC
        if (s.gz_flags & 2) {
          if (!gather(s, 2, false)) return Z_OK;
          if ((s.wrap & 4) && s.acc != (s.hcrc & 0xffff)) return bad(s, "header crc mismatch");
        }
        if (h) {
          h->hcrc = (s.gz_flags >> 1) & 1;
          h->done = 1;
        }
        s.check = 0;
        s.strm->adler = 0;
        field_done(s, 0);
        s.mode = Mode::kBody;
        return Z_OK;
    }
  }
  (void)crc;
}

int parse_trailer(InflateState& s) {
  if (!s.wrap || s.sync_raw) {
    s.mode = Mode::kDone;
    return Z_STREAM_END;
  }
  if (!s.gzip) {
    if (!gather(s, 4, false)) return Z_OK;
    const uint32_t v = __builtin_bswap32(s.acc);
    if ((s.wrap & 4) && v != s.check) return bad(s, "incorrect data check");
  } else {
    if (s.gz_field == 0) {
      if (!gather(s, 4, false)) return Z_OK;
      if ((s.wrap & 4) && s.acc != s.check) return bad(s, "incorrect data check");
      field_done(s, 1);
    }
    if (!gather(s, 4, false)) return Z_OK;
    if ((s.wrap & 4) && s.acc != static_cast<uint32_t>(s.member_out))
      return bad(s, "incorrect length check");
  }
  field_done(s, 0);
  s.mode = Mode::kDone;
  return Z_STREAM_END;
}

int run(InflateState& s, int flush) {
  z_streamp strm = s.strm;
  for (;;) {
    switch (s.mode) {
      case Mode::kHead: {
        const int rc = parse_head(s);
        if (rc != Z_OK || s.mode == Mode::kHead) return rc;
        if (s.mode == Mode::kBody) {
          if (!start_body(s, flush)) return Z_MEM_ERROR;
          if (flush == Z_BLOCK || flush == Z_TREES) return Z_OK;
        }
        break;
      }
      case Mode::kGzip: {
        const int rc = parse_gzip(s);
        if (rc != Z_OK || s.mode == Mode::kGzip) return rc;
        if (!start_body(s, flush)) return Z_MEM_ERROR;
        if (flush == Z_BLOCK || flush == Z_TREES) return Z_OK;
        break;
      }
      case Mode::kDictId:
        if (!gather(s, 4, false)) return Z_OK;
        s.dict_id = __builtin_bswap32(s.acc);
        strm->adler = s.check = s.dict_id;
        field_done(s, 0);
        s.mode = Mode::kDict;
        [[fallthrough]];
      case Mode::kDict:
        if (!s.have_dict) return Z_NEED_DICT;
        strm->adler = s.check = 1;
        if (!start_body(s, flush)) return Z_MEM_ERROR;
        if (flush == Z_BLOCK || flush == Z_TREES) return Z_OK;
        break;
      case Mode::kBody: {
        int ret = Z_OK;
        // Stops after block headers are the software decoder's, once the
        // accelerator has delivered the block it ended (and stopped there):
        // after the final block nothing is left for software.
        if (!s.soft && flush == Z_TREES &&
            !(s.eng && (s.eng->block_end_pending() || s.eng->ended())) && !to_soft(s))
          return soft_missing(s);
        const bool was_soft = s.soft;
        const Body b = s.soft ? soft_body(s, flush, &ret) : engine_body(s, flush, &ret);
        if (b == Body::kError) return ret;
        if (b == Body::kEnd) {
          s.mode = Mode::kTrailer;
          field_done(s, 0);
          if (s.stop_type >= 0) return Z_OK;
          break;
        }
        if (b == Body::kStop) return Z_OK;
        if (!was_soft && s.soft) break;  // the accelerator just handed over: go on
        return Z_OK;
      }
      case Mode::kTrailer:
        return parse_trailer(s);
      case Mode::kDone:
        return Z_STREAM_END;
      case Mode::kBad:
        return Z_DATA_ERROR;
      case Mode::kMem:
        return Z_MEM_ERROR;
    }
  }
}

int reset_keep(InflateState& s) {
  z_streamp strm = s.strm;
  strm->total_in = strm->total_out = 0;
  s.member_out = 0;
  strm->msg = nullptr;
  if (s.wrap) strm->adler = s.wrap & 1;
  s.mode = s.wrap ? Mode::kHead : Mode::kBody;
  s.head = nullptr;
  s.gzip = false;
  s.gz_flags = 0;
  field_done(s, 0);
  s.length = 0;
  s.check = 0;
  s.have_dict = false;
  s.dict.clear();
  s.sync_raw = false;
  s.header_done = false;
  soft_end(s);
  s.pre.clear();
  s.pre_pos = 0;
  s.body_started = false;
  if (s.eng) s.eng->reset();
  if (!s.wrap) return start_body(s, Z_NO_FLUSH) ? Z_OK : Z_MEM_ERROR;
  return Z_OK;
}

int reset2(InflateState& s, int windowBits) {
  int wrap;
  if (windowBits < 0) {
    if (windowBits < -15) return Z_STREAM_ERROR;
    wrap = 0;
    windowBits = -windowBits;
  } else {
    wrap = (windowBits >> 4) + 5;
    if (windowBits < 48) windowBits &= 15;
  }
  if (windowBits && (windowBits < 8 || windowBits > 15)) return Z_STREAM_ERROR;
  s.wrap = wrap;
  s.wbits = windowBits;
  return reset_keep(s);
}

}  // namespace
}  // namespace nxz::api

using nxz::api::InflateState;
using Mode = nxz::api::InflateState::Mode;

extern "C" {

int inflateInit2_(z_streamp strm, int windowBits, const char* version, int stream_size) {
  if (!nxz::api::version_ok(version, stream_size)) return Z_VERSION_ERROR;
  if (!strm) return Z_STREAM_ERROR;
  strm->msg = nullptr;
  void* mem = nxz::api::stream_alloc(strm, sizeof(InflateState));
  if (!mem) return Z_MEM_ERROR;
  auto* s = new (mem) InflateState;
  s->strm = strm;
  strm->state = reinterpret_cast<internal_state*>(s);
  int rc;
  try {
    rc = nxz::api::reset2(*s, windowBits);
  } catch (...) {
    rc = Z_MEM_ERROR;
  }
  if (rc != Z_OK) {
    inflateEnd(strm);
    strm->state = nullptr;
  }
  return rc;
}

int inflateInit_(z_streamp strm, const char* version, int stream_size) {
  return inflateInit2_(strm, MAX_WBITS, version, stream_size);
}

int inflate(z_streamp strm, int flush) {
  InflateState* s = nxz::api::get(strm);
  if (!s || !strm->next_out || (!strm->next_in && strm->avail_in)) return Z_STREAM_ERROR;
  const uLong in0 = strm->total_in, out0 = strm->total_out;
  s->stop_type = -1;
  int ret;
  try {
    ret = nxz::api::run(*s, flush);
  } catch (...) {
    s->mode = Mode::kMem;
    ret = Z_MEM_ERROR;
  }
  // zlib's data_type: bits held in the current header field while a header
  // is read, 128 at a block start, 64 once the last block is done; the
  // software decoder sets its own.
  switch (s->mode) {
    case Mode::kHead:
    case Mode::kGzip:
    case Mode::kDictId:
      strm->data_type = 8 * s->acc_n;
      break;
    case Mode::kTrailer:
    case Mode::kDone:
      strm->data_type = 64 + 8 * s->acc_n;
      break;
    case Mode::kDict:
      strm->data_type = 0;
      break;
    case Mode::kBody:
      if (!s->body_started)
        strm->data_type = 128;
      else if (!s->soft)
        strm->data_type = s->eng && s->eng->in_final_block() ? 64 : 0;
      break;
    default:
      break;
  }
  if (s->stop_type >= 0) strm->data_type = s->stop_type;
  // zlib returns Z_NEED_DICT before counting the header it consumed.
  if (ret == Z_NEED_DICT) strm->total_in = in0;
  // zlib: no progress, or Z_FINISH without the end, is Z_BUF_ERROR.
  const bool progress = strm->total_in != in0 || strm->total_out != out0;
  if ((!progress || flush == Z_FINISH) && ret == Z_OK) ret = Z_BUF_ERROR;
  return ret;
}

int inflateEnd(z_streamp strm) {
  InflateState* s = nxz::api::get(strm);
  if (!s) return Z_STREAM_ERROR;
  nxz::api::soft_end(*s);
  s->~InflateState();
  nxz::api::stream_free(strm, s);
  strm->state = nullptr;
  return Z_OK;
}

int inflateResetKeep(z_streamp strm) {
  InflateState* s = nxz::api::get(strm);
  if (!s) return Z_STREAM_ERROR;
  return nxz::api::reset_keep(*s);
}

int inflateReset(z_streamp strm) { return inflateResetKeep(strm); }

int inflateReset2(z_streamp strm, int windowBits) {
  InflateState* s = nxz::api::get(strm);
  if (!s) return Z_STREAM_ERROR;
  return nxz::api::reset2(*s, windowBits);
}

int inflateSetDictionary(z_streamp strm, const Bytef* dictionary, uInt dictLength) {
  InflateState* s = nxz::api::get(strm);
  if (!s) return Z_STREAM_ERROR;
  if (s->wrap != 0 && s->mode != Mode::kDict) return Z_STREAM_ERROR;
  if (s->mode == Mode::kDict) {
    if (nxz::adler32(1, dictionary, dictLength) != s->dict_id) return Z_DATA_ERROR;
  }
  const size_t keep = std::min<size_t>(dictLength, 32768);
  if (s->mode == Mode::kDict) {
    s->dict.assign(dictionary + dictLength - keep, dictionary + dictLength);
    s->have_dict = true;
    return Z_OK;
  }
  // A raw stream: before any data the accelerator starts with it as its
  // history; later (zlib allows any time) software takes the stream.
  if (!s->soft && s->eng && !s->body_started) {
    s->dict.assign(dictionary + dictLength - keep, dictionary + dictLength);
    s->eng->set_history(s->dict.data(), s->dict.size());
    return Z_OK;
  }
  if (!nxz::api::to_soft(*s)) return nxz::api::soft_missing(*s);
  return nxz::api::soft_zlib()->inflateSetDictionary(&s->inner, dictionary, dictLength);
}

int inflateGetDictionary(z_streamp strm, Bytef* dictionary, uInt* dictLength) {
  InflateState* s = nxz::api::get(strm);
  if (!s) return Z_STREAM_ERROR;
  if (s->soft && s->inner_live)
    return nxz::api::soft_zlib()->inflateGetDictionary(&s->inner, dictionary, dictLength);
  size_t n = 0;
  const uint8_t* p = nullptr;
  if (s->eng && s->body_started) {
    const nxz::engine::Inflater::Handoff h = s->eng->handoff(nullptr, 0);
    p = h.history;
    n = h.history_len;
  } else if (!s->dict.empty()) {
    p = s->dict.data();
    n = s->dict.size();
  }
  if (dictionary && n) std::memcpy(dictionary, p, n);
  if (dictLength) *dictLength = static_cast<uInt>(n);
  return Z_OK;
}

int inflateGetHeader(z_streamp strm, gz_headerp head) {
  InflateState* s = nxz::api::get(strm);
  if (!s || !(s->wrap & 2)) return Z_STREAM_ERROR;
  s->head = head;
  if (head) head->done = 0;
  return Z_OK;
}

int inflatePrime(z_streamp strm, int bits, int value) {
  InflateState* s = nxz::api::get(strm);
  if (!s) return Z_STREAM_ERROR;
  if (s->mode != Mode::kBody) return Z_STREAM_ERROR;  // bits inside a wrapper's header
  if (!nxz::api::to_soft(*s)) return nxz::api::soft_missing(*s);
  return nxz::api::soft_zlib()->inflatePrime(&s->inner, bits, value);
}

long inflateMark(z_streamp strm) {
  InflateState* s = nxz::api::get(strm);
  if (!s) return -(1L << 16);
  if (s->mode != Mode::kBody) return -(1L << 16);
  if (!nxz::api::to_soft(*s)) return -(1L << 16);
  return nxz::api::soft_zlib()->inflateMark(&s->inner);
}

int inflateSync(z_streamp strm) {
  InflateState* s = nxz::api::get(strm);
  if (!s) return Z_STREAM_ERROR;
  if (!strm->avail_in && s->pre_pos == s->pre.size()) return Z_BUF_ERROR;
  // zlib: a stream that never got past its header continues as raw
  // blocks; one that did keeps its trailer but no longer checks it.
  if (s->mode != Mode::kBody) {
    if (!s->header_done) s->sync_raw = true;
    s->wrap &= ~4;
    s->mode = Mode::kBody;
    s->eng.reset();
    nxz::api::soft_end(*s);
  } else {
    s->wrap &= ~4;
  }
  if (!nxz::api::to_soft(*s)) return nxz::api::soft_missing(*s);
  const nxz::api::SoftZlib* z = nxz::api::soft_zlib();
  int rc = Z_BUF_ERROR;
  if (s->pre_pos < s->pre.size()) {
    s->inner.next_in = s->pre.data() + s->pre_pos;
    s->inner.avail_in = static_cast<uInt>(s->pre.size() - s->pre_pos);
    const uInt before = s->inner.avail_in;
    rc = z->inflateSync(&s->inner);
    s->pre_pos += before - s->inner.avail_in;
    if (rc == Z_OK) return Z_OK;
  }
  if (!strm->avail_in) return rc == Z_DATA_ERROR ? Z_DATA_ERROR : Z_BUF_ERROR;
  s->inner.next_in = strm->next_in;
  s->inner.avail_in = strm->avail_in;
  const uInt before = s->inner.avail_in;
  rc = z->inflateSync(&s->inner);
  nxz::api::consume(strm, before - s->inner.avail_in);
  return rc;
}

int inflateSyncPoint(z_streamp strm) {
  InflateState* s = nxz::api::get(strm);
  if (!s) return Z_STREAM_ERROR;
  if (s->mode != Mode::kBody) return 0;
  if (!nxz::api::to_soft(*s)) return nxz::api::soft_missing(*s);
  // After a handoff the private zlib has yet to read what the accelerator
  // took of the caller's input (bits primed, bytes in `pre`): it reads what
  // it can without writing (block headers, a stored block's length), so
  // that it stands where zlib would. Output, if any, waits for inflate().
  Bytef none = 0;
  s->inner.next_in = s->pre.data() + s->pre_pos;
  s->inner.avail_in = static_cast<uInt>(s->pre.size() - s->pre_pos);
  s->inner.next_out = &none;
  s->inner.avail_out = 0;
  nxz::api::soft_zlib()->inflate(&s->inner, Z_NO_FLUSH);
  s->pre_pos = s->pre.size() - s->inner.avail_in;
  return nxz::api::soft_zlib()->inflateSyncPoint(&s->inner);
}

int inflateCopy(z_streamp dest, z_streamp source) {
  InflateState* s = nxz::api::get(source);
  if (!s || !dest) return Z_STREAM_ERROR;
  std::memcpy(dest, source, sizeof(z_stream));
  void* mem = nxz::api::stream_alloc(dest, sizeof(InflateState));
  if (!mem) return Z_MEM_ERROR;
  auto* d = new (mem) InflateState;
  try {
    d->strm = dest;
    d->wrap = s->wrap;
    d->wbits = s->wbits;
    d->mode = s->mode;
    d->head = s->head;
    d->gzip = s->gzip;
    d->gz_flags = s->gz_flags;
    d->gz_field = s->gz_field;
    d->acc = s->acc;
    d->acc_n = s->acc_n;
    d->length = s->length;
    d->hcrc = s->hcrc;
    d->check = s->check;
    d->dict_id = s->dict_id;
    d->have_dict = s->have_dict;
    d->dict = s->dict;
    d->member_out = s->member_out;
    d->body_started = s->body_started;
    d->pre = s->pre;
    d->pre_pos = s->pre_pos;
    d->sync_raw = s->sync_raw;
    d->header_done = s->header_done;
    if (s->eng) d->eng = s->eng->clone();
    dest->state = reinterpret_cast<internal_state*>(d);
    if (s->inner_live) {
      if (nxz::api::soft_zlib()->inflateCopy(&d->inner, &s->inner) != Z_OK) {
        inflateEnd(dest);
        return Z_MEM_ERROR;
      }
      d->inner.opaque = dest;
      d->inner_live = true;
      d->soft = true;
    }
  } catch (...) {
    dest->state = reinterpret_cast<internal_state*>(d);
    inflateEnd(dest);
    return Z_MEM_ERROR;
  }
  return Z_OK;
}

int inflateUndermine(z_streamp strm, int) {
  // Debian's zlib is built without INFLATE_ALLOW_INVALID_DISTANCE_TOOFAR_ARRR:
  // the request is refused and the stream stays sane.
  return nxz::api::get(strm) ? Z_DATA_ERROR : Z_STREAM_ERROR;
}

int inflateValidate(z_streamp strm, int check) {
  InflateState* s = nxz::api::get(strm);
  if (!s) return Z_STREAM_ERROR;
  if (check && s->wrap)
    s->wrap |= 4;
  else
    s->wrap &= ~4;
  return Z_OK;
}

unsigned long inflateCodesUsed(z_streamp strm) {
  InflateState* s = nxz::api::get(strm);
  if (!s) return static_cast<unsigned long>(-1);
  // Code table entries the software decoder used; the accelerator has none.
  if (s->soft && s->inner_live) return nxz::api::soft_zlib()->inflateCodesUsed(&s->inner);
  return 0;
}

}  // extern "C"
