#include "elf_info.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace nxz_run {
namespace {

// The few ELF constants used here (System V gABI), spelled out so that the
// reader handles either class and either byte order whatever the host is.
constexpr unsigned char kMagic[4] = {0x7f, 'E', 'L', 'F'};
constexpr int kEiClass = 4, kEiData = 5, kEiVersion = 6;
constexpr unsigned char kClass32 = 1, kClass64 = 2;
constexpr unsigned char kData2Lsb = 1, kData2Msb = 2;
constexpr uint32_t kPtLoad = 1, kPtDynamic = 2, kPtInterp = 3;
constexpr int64_t kDtNull = 0, kDtNeeded = 1, kDtStrtab = 5, kDtStrsz = 10;
constexpr uint16_t kPnXnum = 0xffff;

// Bounds that keep a hostile or damaged file from making us allocate or
// read much: real programs are far below each.
constexpr uint64_t kMaxPhdrBytes = 1 << 22;
constexpr uint64_t kMaxDynamicBytes = 1 << 20;
constexpr size_t kMaxName = 4096;
constexpr size_t kMaxNeeded = 1024;

struct Phdr {
  uint32_t type;
  uint64_t offset, vaddr, filesz;
};

class Reader {
 public:
  explicit Reader(int fd) : fd_(fd) {}

  // Reads exactly n bytes at off; false on a short read or an error.
  bool read_at(uint64_t off, void* buf, size_t n) const {
    auto* p = static_cast<unsigned char*>(buf);
    while (n > 0) {
      const ssize_t r = pread(fd_, p, n, static_cast<off_t>(off));
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0) return false;
      p += r;
      off += static_cast<uint64_t>(r);
      n -= static_cast<size_t>(r);
    }
    return true;
  }

  void set_order(bool big) { big_ = big; }

  uint64_t get(const unsigned char* p, int bytes) const {
    uint64_t v = 0;
    for (int i = 0; i < bytes; ++i) {
      const int shift = big_ ? 8 * (bytes - 1 - i) : 8 * i;
      v |= static_cast<uint64_t>(p[i]) << shift;
    }
    return v;
  }

 private:
  int fd_;
  bool big_ = false;
};

// A string stored at file offset `off`, at most `limit` bytes, up to its
// NUL. Reads a byte at a time past a short read so that a name at the very
// end of the file is still found.
bool read_string(const Reader& rd, uint64_t off, uint64_t limit, std::string* out) {
  out->clear();
  char buf[256];
  while (out->size() < kMaxName && limit > 0) {
    size_t n = static_cast<size_t>(limit < sizeof buf ? limit : sizeof buf);
    while (n > 0 && !rd.read_at(off, buf, n)) n = n > 16 ? n / 2 : n - 1;
    if (n == 0) break;
    if (const void* nul = std::memchr(buf, 0, n)) {
      out->append(buf, static_cast<size_t>(static_cast<const char*>(nul) - buf));
      return true;
    }
    out->append(buf, n);
    off += n;
    limit -= n;
  }
  // Not NUL-terminated within its bounds: what was read is the name.
  return !out->empty();
}

ElfInfo corrupt(ElfInfo info, const char* why) {
  info.kind = ElfInfo::Kind::kCorrupt;
  info.error = why;
  return info;
}

ElfInfo read_fd(int fd) {
  ElfInfo info;
  Reader rd(fd);
  unsigned char eh[64] = {};
  unsigned char ident[16];
  if (!rd.read_at(0, ident, sizeof ident)) {
    // Shorter than an ELF identification: whatever it is, it is not ELF.
    return info;
  }
  if (std::memcmp(ident, kMagic, 4) != 0) return info;
  info.kind = ElfInfo::Kind::kElf;
  if (ident[kEiClass] != kClass32 && ident[kEiClass] != kClass64)
    return corrupt(info, "unknown ELF class");
  if (ident[kEiData] != kData2Lsb && ident[kEiData] != kData2Msb)
    return corrupt(info, "unknown ELF byte order");
  if (ident[kEiVersion] != 1) return corrupt(info, "unknown ELF version");
  const bool is64 = ident[kEiClass] == kClass64;
  info.bits = is64 ? 64 : 32;
  info.big_endian = ident[kEiData] == kData2Msb;
  rd.set_order(info.big_endian);
  const size_t ehsize = is64 ? 64 : 52;
  if (!rd.read_at(0, eh, ehsize)) return corrupt(info, "truncated ELF header");
  info.type = static_cast<uint16_t>(rd.get(eh + 16, 2));
  info.machine = static_cast<uint16_t>(rd.get(eh + 18, 2));
  const uint64_t phoff = is64 ? rd.get(eh + 32, 8) : rd.get(eh + 28, 4);
  const uint64_t shoff = is64 ? rd.get(eh + 40, 8) : rd.get(eh + 32, 4);
  const uint64_t phentsize = rd.get(eh + (is64 ? 54 : 42), 2);
  uint64_t phnum = rd.get(eh + (is64 ? 56 : 44), 2);
  const size_t want_phent = is64 ? 56 : 32;
  if (phnum == 0) return info;  // no segments: nothing the loader would map
  if (phnum == kPnXnum) {
    // More than 65534 segments: the real count is section 0's sh_info.
    unsigned char sh[64];
    const size_t shsize = is64 ? 64 : 40;
    if (shoff == 0 || !rd.read_at(shoff, sh, shsize))
      return corrupt(info, "unreadable extended program header count");
    phnum = rd.get(sh + (is64 ? 44 : 28), 4);
  }
  if (phentsize < want_phent) return corrupt(info, "program header entries too small");
  if (phnum * phentsize > kMaxPhdrBytes) return corrupt(info, "implausible program header table");

  std::vector<unsigned char> table(static_cast<size_t>(phnum * phentsize));
  if (!rd.read_at(phoff, table.data(), table.size()))
    return corrupt(info, "truncated program header table");
  std::vector<Phdr> phdrs;
  phdrs.reserve(static_cast<size_t>(phnum));
  for (uint64_t i = 0; i < phnum; ++i) {
    const unsigned char* p = table.data() + i * phentsize;
    Phdr ph;
    ph.type = static_cast<uint32_t>(rd.get(p, 4));
    if (is64) {
      ph.offset = rd.get(p + 8, 8);
      ph.vaddr = rd.get(p + 16, 8);
      ph.filesz = rd.get(p + 32, 8);
    } else {
      ph.offset = rd.get(p + 4, 4);
      ph.vaddr = rd.get(p + 8, 4);
      ph.filesz = rd.get(p + 16, 4);
    }
    phdrs.push_back(ph);
  }

  const Phdr* dynamic = nullptr;
  for (const Phdr& ph : phdrs) {
    if (ph.type == kPtInterp) {
      info.has_interp = true;
      if (!read_string(rd, ph.offset, ph.filesz, &info.interp))
        return corrupt(info, "unreadable PT_INTERP");
    } else if (ph.type == kPtDynamic) {
      info.has_dynamic = true;
      dynamic = &ph;
    }
  }
  if (dynamic == nullptr) return info;

  // DT_NEEDED names live in the string table that DT_STRTAB gives as a
  // virtual address; the PT_LOAD segment holding it says where in the file.
  // Failing to find them is not an error: the names are only informative.
  const size_t dynent = is64 ? 16 : 8;
  const uint64_t dynsize = dynamic->filesz < kMaxDynamicBytes ? dynamic->filesz : kMaxDynamicBytes;
  std::vector<unsigned char> dyn(static_cast<size_t>(dynsize));
  if (dyn.empty() || !rd.read_at(dynamic->offset, dyn.data(), dyn.size())) return info;
  uint64_t strtab = 0, strsz = 0;
  bool have_strtab = false;
  std::vector<uint64_t> needed_offsets;
  for (size_t at = 0; at + dynent <= dyn.size(); at += dynent) {
    const int half = is64 ? 8 : 4;
    const auto tag = static_cast<int64_t>(rd.get(dyn.data() + at, half));
    const uint64_t val = rd.get(dyn.data() + at + half, half);
    if (tag == kDtNull) break;
    if (tag == kDtNeeded && needed_offsets.size() < kMaxNeeded) needed_offsets.push_back(val);
    if (tag == kDtStrtab) {
      strtab = val;
      have_strtab = true;
    }
    if (tag == kDtStrsz) strsz = val;
  }
  if (!have_strtab) return info;
  uint64_t strtab_file = 0;
  bool mapped = false;
  for (const Phdr& ph : phdrs) {
    if (ph.type == kPtLoad && strtab >= ph.vaddr && strtab - ph.vaddr < ph.filesz) {
      strtab_file = ph.offset + (strtab - ph.vaddr);
      mapped = true;
      break;
    }
  }
  if (!mapped) return info;
  for (uint64_t off : needed_offsets) {
    if (strsz != 0 && off >= strsz) continue;
    std::string name;
    const uint64_t limit = strsz != 0 ? strsz - off : kMaxName;
    if (read_string(rd, strtab_file + off, limit, &name)) info.needed.push_back(name);
  }
  return info;
}

}  // namespace

std::string machine_name(uint16_t machine) {
  switch (machine) {
    case 3:
      return "i386";
    case 8:
      return "MIPS";
    case 20:
      return "PowerPC";
    case 21:
      return "PowerPC64";
    case 22:
      return "S/390";
    case 40:
      return "ARM";
    case 62:
      return "x86-64";
    case 183:
      return "AArch64";
    case 243:
      return "RISC-V";
    case 258:
      return "LoongArch";
    default:
      return "machine " + std::to_string(machine);
  }
}

std::string ElfInfo::describe() const {
  std::string s = "ELF" + std::to_string(bits) + " " + machine_name(machine);
  // Only the byte order that is not the machine's usual one is worth naming.
  if (machine == 21 || machine == 20) s += big_endian ? " (big-endian)" : " (little-endian)";
  return s;
}

ElfInfo read_elf_info(const std::string& path) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    ElfInfo info;
    info.kind = ElfInfo::Kind::kUnreadable;
    info.error = std::strerror(errno);
    return info;
  }
  ElfInfo info = read_fd(fd);
  close(fd);
  return info;
}

}  // namespace nxz_run
