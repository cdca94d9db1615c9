// A one-line progress report on stderr, rewritten in place ("\r"), only
// when stderr is a terminal: in a log or a pipe it would be noise.
#pragma once

#include <string>

namespace nxz::bench {

class Progress {
 public:
  // Enabled when `wanted` and stderr is a terminal.
  explicit Progress(bool wanted);
  ~Progress() { clear(); }
  // Starts counting `total` steps of a phase named `phase`.
  void begin(const std::string& phase, int total);
  // Shows the step about to run.
  void step(const std::string& what);
  // Erases the line (before printing anything else to the terminal).
  void clear();

 private:
  bool enabled_;
  std::string phase_;
  int total_ = 0, done_ = 0;
  size_t shown_ = 0;  // characters on the line now
};

}  // namespace nxz::bench
