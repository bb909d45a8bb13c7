#ifndef RNNDYN_SYSTEM_H
#define RNNDYN_SYSTEM_H
#include <sys/types.h>

/// Asks the kernel to SIGKILL this process when its parent dies (Linux prctl PR_SET_PDEATHSIG), then exits at
/// once if the parent is already gone (its pid is no longer `expected_parent`). A no-op elsewhere.
void rnndyn_exit_with_parent(pid_t expected_parent);

#endif
