/*
 * libtorch's OpenMP team, shared by the native CPU passes (org.dqnsweep.util.CpuKernels): each pass splits its
 * elements over the team that has just run libtorch's ops and is still spinning, instead of a pool of its own that
 * would fight those spinning workers for the cores.
 */
#ifndef DQN_TEAM_H
#define DQN_TEAM_H

/* Runs work(arg, from, to) over [0, n): split over `threads` of libtorch's OpenMP threads into contiguous shares
 * that start on multiples of `align` elements, or on the calling thread alone when n is below `parallel_min` (waking
 * the team would cost more) or there is one thread. */
void team_run(void (*work)(void *arg, long from, long to), void *arg, long n, int threads, long align,
    long parallel_min);

#endif
