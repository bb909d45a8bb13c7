#include "rnndyn_system.h"
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

void rnndyn_exit_with_parent(pid_t expected_parent) {
#ifdef __linux__
    prctl(PR_SET_PDEATHSIG, SIGKILL);
#endif
    if (expected_parent > 0 && getppid() != expected_parent) _exit(137);
}
