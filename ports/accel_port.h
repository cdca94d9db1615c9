// What every accelerator port provides behind include/nxz/accel.h: a window
// that can take a pasted CRB and be closed. src/accel_select.cpp picks the
// port when a window is opened and forwards the public calls to it.
#pragma once

#include "nxz/accel.h"

namespace nxz::port {

struct Ops {
  enum nxz_backend backend;
  // Same contracts as nxz_accel_paste / nxz_accel_close.
  int (*paste)(nxz_window* w, const void* crb);
  void (*close)(nxz_window* w);
  // Optional (null: nothing to do): called between two polls of a CSB's
  // valid byte while the poller spins, so that the port can make the spin
  // cheap (POWER: low SMT priority and hwsync between reads, contract §9.3).
  void (*relax)() = nullptr;
  // Optional: called once when the spinning stops, to undo what relax did.
  void (*relax_end)() = nullptr;
  // Optional, for a port whose time is simulated (null: the real clock):
  // let `ns` pass where the poller would sleep (0: where it would yield),
  // and the clock the poller's timeouts are measured on.
  void (*pause)(uint64_t ns) = nullptr;
  uint64_t (*now)() = nullptr;
};

}  // namespace nxz::port

// Every port's window starts with this header, so the dispatcher can find
// its operations; the port casts to its own type behind it.
struct nxz_window {
  const nxz::port::Ops* ops;
};

namespace nxz::port {

// Opens a window on the emulated engine. Returns 0 or a negative errno.
int emulated_open(const nxz_emu_config* cfg, nxz_window** out);

// Opens a window on the NX-GZIP accelerator through /dev/crypto/nx-gzip.
// Returns 0, or a negative errno (-ENODEV where there is no accelerator, or
// where the port is not built: every architecture but ppc64/ppc64le).
int power9_open(nxz_window** out);

// Largest number of source bytes the accelerator takes in one request
// (contract §6: sysfs req_max_processed_len where present; else 64 MiB on
// bare metal, 1 MiB on PowerVM). The emulated port answers 64 MiB.
uint64_t power9_max_request_bytes();

}  // namespace nxz::port
