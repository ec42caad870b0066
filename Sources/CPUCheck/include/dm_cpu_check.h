#ifndef DEEPMEDIA_CPU_CHECK_H
#define DEEPMEDIA_CPU_CHECK_H
// Nothing to call: the check runs as a constructor before any Swift code.
int dm_cpu_check_linked(void);
#endif
