/* Controls and statistics of the emulated NX-GZIP port (ports/emulated).
 *
 * The emulated port models the VAS as well as the engine (contract §8): send
 * windows with credits, a fault window whose FIFO receives the CRBs that met
 * a translation fault, and a handler thread that writes the CSB (cc 250) and
 * returns the credits. These functions let tests and tools look inside it.
 * They take windows opened on NXZ_BACKEND_EMULATED only.
 *
 * Thread safety: all functions may be called from any thread. A window of
 * another port is refused with -EINVAL (stats) or 0 (window id).
 */
#ifndef NXZ_EMULATED_H
#define NXZ_EMULATED_H

#include <stdint.h>

#include "nxz/accel.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct nxz_emu_stats {
  /* ---- The send window (all zero when asked for the whole process). */
  uint32_t pswid; /* the window's id, as stamped into fault CRBs */
  uint32_t credits_initial;
  uint32_t credits_available; /* credits a paste may take now */
  uint32_t credits_hung;      /* held by injected hangs; returned at close */
  /* ---- Counters: the window's, or the whole process's since start. */
  uint64_t pastes_accepted;
  uint64_t busy_no_credit;   /* pastes refused for lack of a credit */
  uint64_t busy_injected;    /* pastes refused by injection (busy=) */
  uint64_t busy_closed;      /* pastes refused: window closing, or a forked
                                child's own window could not be opened */
  uint64_t jobs_completed;   /* CSBs written by the engine */
  uint64_t faults;           /* CRBs sent to the fault FIFO */
  uint64_t faults_residency; /* ... because a page was not resident/accessible */
  uint64_t faults_injected;  /* ... because of fault= injection */
  uint64_t late;             /* injected late completions */
  uint64_t hangs;            /* injected hangs (no valid bit ever) */
  uint64_t hwerrs;           /* injected hardware-error CSBs */
  /* ---- The window's VAS instance (process-wide sums when asked with NULL;
   * the fifo_* gauges are then 0, fifo_max_depth is the largest seen). */
  uint32_t fifo_entries; /* fault FIFO size */
  uint32_t fifo_credits; /* fault-window credits available now */
  uint32_t fifo_depth;   /* entries written, not yet read by the handler */
  uint32_t fifo_max_depth;
  uint64_t fifo_credit_waits;  /* faults that waited for a FIFO slot */
  uint64_t faults_handled;     /* FIFO entries the handler processed */
  uint64_t interrupts;         /* interrupts raised to the handler */
  uint64_t handler_passes;     /* times the handler woke and drained */
  uint64_t csb_write_failures; /* CSB not writable: SIGSEGV sent */
  uint64_t csb_skipped;        /* fault of a closing window: CSB left alone */
  uint64_t dropped_unknown;    /* entries naming no open window, dropped */
  uint64_t hung_reclaimed;     /* hung credits returned by close */
  uint64_t warnings;           /* lines logged as warnings (stuck, dropped, ...) */
  uint32_t windows_open;
} nxz_emu_stats;

/* Fills *out for window `w` and its VAS instance, or with process totals
 * when `w` is NULL. Returns 0; -EAGAIN in a forked child whose own window
 * (opened at its first use there) could not be opened. */
int nxz_emu_get_stats(const nxz_window* w, nxz_emu_stats* out);

/* The deterministic simulation (nxz_emu_config::sim_seed, or sim=N in the
 * fault spec): windows the calling thread opens from now on as simulated
 * take `seed` in place of their own (0: their own), for a campaign that
 * runs each seed in a fresh thread, through layers that open their windows
 * themselves (the zlib API). Windows that are not simulated ignore it. */
void nxz_emu_sim_thread_seed(uint64_t seed);

/* The window's id (pswid); never 0 or 0xFFFFFFFF. */
uint32_t nxz_emu_window_id(const nxz_window* w);

/* Parts of a VAS instance that tests can stop. A paused engine keeps
 * accepting pastes (while credits last) and runs nothing; a paused handler
 * lets the fault FIFO fill. Only for asynchronous instances: these return
 * -EINVAL (-22) on a synchronous one, else 0. */
enum { NXZ_EMU_ENGINE = 1, NXZ_EMU_HANDLER = 2 };
int nxz_emu_pause(nxz_window* w, unsigned parts);
int nxz_emu_resume(nxz_window* w, unsigned parts);
/* Lets a paused engine run `jobs` more CRBs, then stay paused. */
int nxz_emu_step(nxz_window* w, uint32_t jobs);

/* Copies into `entry` (128 bytes) the fault FIFO slot `back` places before
 * the write index (0 = the slot most recently written), read or not.
 * Returns 0, or -EINVAL when back >= the FIFO size. */
int nxz_emu_fifo_peek(const nxz_window* w, uint32_t back, void* entry);

/* Pastes a raw 128-byte entry into the fault window of w's instance, as NX
 * would (waiting for a fault-window credit), and raises the interrupt: for
 * tests of the handler's checks (e.g. an entry naming a closed window).
 * Returns 0. */
int nxz_emu_fifo_paste(nxz_window* w, const void* entry);

#ifdef __cplusplus
}
#endif

#endif /* NXZ_EMULATED_H */
