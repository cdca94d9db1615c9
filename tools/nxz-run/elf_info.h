// What nxz-run needs to know about an executable before it runs it: is it
// ELF at all, which class and machine, is it linked dynamically (only then
// does the dynamic loader run, and only the loader reads LD_PRELOAD), and
// which libraries it names. A small reader of the ELF headers of its own:
// the file header, the program headers, PT_INTERP and PT_DYNAMIC.
#ifndef NXZ_RUN_ELF_INFO_H
#define NXZ_RUN_ELF_INFO_H

#include <cstdint>
#include <string>
#include <vector>

namespace nxz_run {

struct ElfInfo {
  enum class Kind {
    kNotElf,   // no ELF magic (a script, or something else)
    kCorrupt,  // ELF magic, but headers that cannot be read
    kElf,
    kUnreadable,  // cannot be opened for reading (e.g. mode 0711): not inspected
  };
  Kind kind = Kind::kNotElf;
  std::string error;  // why kCorrupt or kUnreadable
  int bits = 0;       // 32 or 64
  bool big_endian = false;
  uint16_t type = 0;  // e_type: ET_EXEC, ET_DYN, ...
  uint16_t machine = 0;
  bool has_interp = false;  // PT_INTERP: the kernel starts this loader
  std::string interp;
  bool has_dynamic = false;         // PT_DYNAMIC
  std::vector<std::string> needed;  // DT_NEEDED, when the string table is reachable

  // Run through the dynamic loader: the only case where LD_PRELOAD matters.
  // A static-PIE program has PT_DYNAMIC but no PT_INTERP: it relocates
  // itself and no loader ever looks at the environment.
  bool dynamically_linked() const { return kind == Kind::kElf && has_interp; }
  // "ELF64 x86-64", "ELF32 i386", "ELF64 PowerPC64 (big-endian)", ...
  std::string describe() const;
};

// Reads the headers of `path`. Never throws. A file that cannot be opened is
// kUnreadable; one shorter than the ELF identification is kNotElf.
ElfInfo read_elf_info(const std::string& path);

// Name of an ELF e_machine value ("x86-64", "PowerPC64", "machine 1234").
std::string machine_name(uint16_t machine);

}  // namespace nxz_run

#endif  // NXZ_RUN_ELF_INFO_H
