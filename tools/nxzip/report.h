// How nxzip tells the user about a file: one line on stderr per problem,
// prefixed "nxzip: ", and the exit status gzip would give (0 ok, 2 when
// something was only skipped or odd, 1 when something failed; a failure
// outranks a warning).
#ifndef NXZIP_REPORT_H
#define NXZIP_REPORT_H

#include <stdexcept>
#include <string>

namespace nxzip {

enum ExitCode { kExitOk = 0, kExitError = 1, kExitWarning = 2 };

// A failure of the file being worked on: caught by the per-file loop,
// reported, and the next file goes on. `what` is the whole message after
// "nxzip: " (usually "NAME: reason").
class FileError : public std::runtime_error {
 public:
  explicit FileError(const std::string& what) : std::runtime_error(what) {}
};

// "NAME: strerror(err)".
FileError system_error(const std::string& name, int err);

// Set once from -q / -v: 0 quiet, 1 normal, 2 verbose.
void set_verbosity(int level);
int verbosity();

// Print "nxzip: MSG" (errors always, warnings unless quiet) and raise the
// exit status.
void report_error(const std::string& msg);
void report_warning(const std::string& msg);
// The status every report so far adds up to.
int exit_status();

}  // namespace nxzip

#endif  // NXZIP_REPORT_H
