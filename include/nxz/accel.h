/* The accelerator interface: open a window, paste one 128-byte CRB, close.
 *
 * This is the whole surface between the library and an NX-GZIP accelerator,
 * real (ports/power9) or emulated (ports/emulated). A caller builds a CRB, a
 * CSB and a CPB exactly as the hardware expects them (big-endian, see
 * src/nx/nx.h and the contract in nx-gzip-facts.md), zeroes the CSB, pastes
 * the CRB and polls the CSB's valid bit (byte 0, 0x80) with acquire ordering.
 * Results are only meaningful once that bit is seen.
 *
 * Thread safety: a window may be used by any thread, one paste at a time per
 * window unless stated otherwise; distinct windows are independent.
 */
#ifndef NXZ_ACCEL_H
#define NXZ_ACCEL_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct nxz_window nxz_window;

enum nxz_backend {
  NXZ_BACKEND_AUTO = 0,    /* NX when the device opens, else emulated */
  NXZ_BACKEND_NX = 1,      /* /dev/crypto/nx-gzip only */
  NXZ_BACKEND_EMULATED = 2 /* the software engine only */
};

/* Settings of the emulated engine's machine registers (contract §6, §2).
 * Zero-initialise, then set what you need; zero means "the default". */
typedef struct nxz_emu_config {
  uint32_t limit_high; /* byte-count limit, high register; 0 = none */
  uint32_t limit_low;  /* byte-count limit, low register; 0 = none */
  int priority_queued; /* nonzero: the low limit applies to every job */
  uint32_t dde_limit;  /* max DDEs in an indirect list; 0 = 255 */
  /* Compression's matching effort, a property of the machine (a CRB cannot
   * choose it, as the hardware has one): NXZ_EMU_EFFORT_LAZY (the default)
   * or NXZ_EMU_EFFORT_FAST (greedy, one candidate: about twice the speed,
   * 8% larger output). */
  uint32_t effort;
  /* The emulated VAS (contract §8; see ports/emulated/README.md and
   * nxz/emulated.h). Windows whose fifo_entries and synchronous agree share
   * one emulated VAS instance: one engine thread, one fault window. */
  uint32_t credits;       /* send-window credits, 1..4095; 0 = 1024 */
  uint32_t fifo_entries;  /* fault FIFO size in CRBs, 1..32768; 0 = 1024 */
  int synchronous;        /* nonzero: run each CRB inside paste, on the
                             caller's thread (no engine or handler thread) */
  const char* faults;     /* fault injection, NXZ_EMU_FAULTS syntax; NULL =
                             take NXZ_EMU_FAULTS; "" = none */
  uint64_t fault_seed;    /* nonzero: replaces the spec's seed= */
  uint32_t stuck_warn_ms; /* close: "stuck" warning interval; 0 = 10000 */
  uint64_t sim_seed;      /* nonzero: the deterministic simulation: engine
                             and fault handler run as fibers of the opening
                             thread, interleaved with its polling by this
                             seed on a virtual clock; use the window from
                             that thread only (see nxz/emulated.h) */
} nxz_emu_config;

enum nxz_emu_effort { NXZ_EMU_EFFORT_LAZY = 0, NXZ_EMU_EFFORT_FAST = 1 };

/* Paste results. */
enum nxz_paste_result {
  NXZ_PASTE_ACCEPTED = 0, /* the CRB was taken; the CSB will become valid */
  NXZ_PASTE_BUSY = 1      /* refused (no credit, window closed): retry later */
};

/* Opens a window on `backend`. `emu` may be NULL (defaults); it is ignored
 * by the NX backend. Returns 0 and sets *out, or a negative errno value. */
int nxz_accel_open(enum nxz_backend backend, const nxz_emu_config* emu, nxz_window** out);

/* Submits the 128-byte CRB at `crb` (128-byte aligned). The CRB is taken by
 * value: its memory may be reused as soon as this returns. The CPB, DDE lists
 * and data it points at must stay valid until the CSB is valid. */
int nxz_accel_paste(nxz_window* w, const void* crb);

/* Which backend a window runs on (never NXZ_BACKEND_AUTO). */
enum nxz_backend nxz_accel_backend(const nxz_window* w);

/* Closes the window. Returns once no accepted request refers to it. */
void nxz_accel_close(nxz_window* w);

#ifdef __cplusplus
}
#endif

#endif /* NXZ_ACCEL_H */
