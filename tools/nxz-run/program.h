// Finding the program to run, as a shell would, and telling the user when
// preloading cannot work for it (static, setuid, another architecture)
// before it runs, so that "nxz did nothing" never goes unexplained.
#ifndef NXZ_RUN_PROGRAM_H
#define NXZ_RUN_PROGRAM_H

#include <string>
#include <vector>

#include "elf_info.h"

namespace nxz_run {

struct Resolved {
  enum class Status {
    kFound,
    kNotFound,       // exit 127, like a shell
    kNotExecutable,  // exit 126: exists, but no execute permission
    kIsDirectory,    // exit 126
  };
  Status status = Status::kNotFound;
  std::string path;  // what to execute (or what was found and refused)
};

// Looks `name` up like a POSIX shell: a name holding a '/' is taken as it
// is; otherwise each directory of `path_env` in turn (an empty entry is the
// current directory; NULL means the system's default search path).
Resolved resolve_command(const std::string& name, const char* path_env);

// A file the kernel refuses (ENOEXEC) that a shell still runs with /bin/sh:
// text without "#!" (no NUL in its first bytes; not ELF: an ELF file of
// another machine stays an error, "Exec format error").
bool runs_as_shell_script(const std::string& path);

struct Diagnosis {
  std::vector<std::string> notes;    // always printed: the preload will not apply, and why
  std::vector<std::string> details;  // printed with -v: what was found
};

// Inspects the program at `path` (already resolved) and, for a script, its
// #! interpreter, against the library `lib` that will be preloaded.
Diagnosis diagnose(const std::string& path, const std::string& lib_path, const ElfInfo& lib);

}  // namespace nxz_run

#endif  // NXZ_RUN_PROGRAM_H
