// The accelerator window every stream of the zlib layer submits through.
#pragma once

#include "engine/abandoned.h"
#include "nxz/accel.h"

namespace nxz::api {

// A process-wide window that forwards each paste to a real window owned by
// the calling thread, opened at that thread's first request (and again in
// a forked child, so that parent and child never share a window). A request is
// pasted and polled on one thread, so independent streams in N threads use
// N windows, and a stream may move between threads between calls.
// nullptr when no window can be opened at all: streams then use software.
//
// The emulated engine's matching effort is a setting of its machine, so a
// thread has a window of each effort: kFast serves the fast levels (1-3).
// On NX, which has one effort, both are the thread's one window.
enum class Effort { kDefault, kFast };
nxz_window* api_window(Effort effort = Effort::kDefault);

// The effort that serves a compression level (1-9).
inline Effort effort_for_level(int level) { return level <= 3 ? Effort::kFast : Effort::kDefault; }

// After `request` on the calling thread's window of `effort` timed out: that
// window holds a credit that may never return, and closing it would wait for
// it (contract §8.6). The thread's next request opens a new one; this one is
// closed once the request is over, never if it hangs.
void api_window_retire(const engine::AbandonedRef& request, Effort effort = Effort::kDefault);

}  // namespace nxz::api
