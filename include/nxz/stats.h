/* Per-process statistics of the request driver (a forked child starts from
 * zero). Counters only grow; they are
 * updated with relaxed atomics, so a snapshot taken while other threads run
 * is consistent per counter, not across counters. */
#ifndef NXZ_STATS_H
#define NXZ_STATS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct nxz_stats {
  uint64_t jobs;          /* requests that completed (a CSB other than a fault) */
  uint64_t bytes_in;      /* source bytes processed by completed requests */
  uint64_t bytes_out;     /* target bytes produced by completed requests */
  uint64_t faults;        /* translation faults reported in a CSB (cc 250 or 5) */
  uint64_t pages_touched; /* pages touched to resolve faults */
  uint64_t resubmits;     /* requests submitted again: after a fault, a full
                             target, an expansion or a shrink */
  uint64_t busy_retries;  /* pastes refused and retried */
  uint64_t timeouts;      /* requests abandoned after the timeout */
  uint64_t fallbacks;     /* blocks stored or work done without the engine */
  uint64_t hw_errors;     /* completion codes that mean a hardware or system error */
} nxz_stats;

/* Copies the current counters into *out. */
void nxz_stats_get(nxz_stats* out);

/* Requests given up after their timeout that have not completed (yet): how
 * many, and the bytes kept resident for them because the accelerator may
 * still write or read them (their request blocks and DDE lists; the buffers
 * they named keep their address range only, their pages given back); and
 * how many such requests completed late and were freed. Any pointer may be
 * null. */
void nxz_stats_abandoned(uint64_t* outstanding, uint64_t* resident_bytes, uint64_t* reclaimed);

/* Writes the counters as one line each to stderr (what NXZ_STATS=1 prints at exit). */
void nxz_stats_print(void);

#ifdef __cplusplus
}
#endif

#endif /* NXZ_STATS_H */
