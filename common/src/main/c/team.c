/*
 * Finds libtorch's OpenMP runtime and runs the native passes on its team (team.h).
 *
 * GOMP_parallel is looked up in the libgomp that libtorch_cpu.so itself links, so a pass runs on the team that has
 * just finished libtorch's last op and is still spinning (libgomp's default spin count lasts milliseconds).
 */
#define _GNU_SOURCE
#include "team.h"

#include <dlfcn.h>
#include <jni.h>
#include <link.h>
#include <string.h>

typedef void (*gomp_parallel_fn)(void (*)(void *), void *, unsigned, unsigned);
typedef int (*omp_int_fn)(void);
static gomp_parallel_fn gomp_parallel;
static omp_int_fn omp_thread_num;
static omp_int_fn omp_num_threads;

struct job {
  void (*work)(void *, long, long);
  void *arg;
  long n, align;
};

/* One OpenMP thread's share: contiguous, starting on a multiple of job->align elements. */
static void share(void *arg) {
  const struct job *job = arg;
  long threads = omp_num_threads(), t = omp_thread_num();
  long per = ((job->n + threads - 1) / threads + job->align - 1) / job->align * job->align;
  long from = t * per, to = from + per < job->n ? from + per : job->n;
  if (from < to) {
    job->work(job->arg, from, to);
  }
}

void team_run(void (*work)(void *, long, long), void *arg, long n, int threads, long align, long parallel_min) {
  if (threads > 1 && n >= parallel_min && gomp_parallel != NULL) {
    struct job job = {work, arg, n, align};
    gomp_parallel(share, &job, (unsigned) threads, 0);
  } else {
    work(arg, 0, n);
  }
}

static int find_libtorch(struct dl_phdr_info *info, size_t size, void *found) {
  const char *slash = strrchr(info->dlpi_name, '/');
  const char *name = slash ? slash + 1 : info->dlpi_name;
  if (strncmp(name, "libtorch_cpu.so", 15) == 0) {
    *(const char **) found = info->dlpi_name;
    return 1;
  }
  return 0;
}

/* Returns NULL once libtorch's OpenMP entry points are found, else why not. */
JNIEXPORT jstring JNICALL Java_org_dqnsweep_util_CpuKernels_bind(JNIEnv *env, jclass cls) {
  const char *path = NULL;
  dl_iterate_phdr(find_libtorch, &path);
  if (path == NULL) {
    return (*env)->NewStringUTF(env, "libtorch_cpu.so is not loaded");
  }
  void *torch = dlopen(path, RTLD_NOLOAD | RTLD_LAZY);
  if (torch == NULL) {
    return (*env)->NewStringUTF(env, dlerror());
  }
  /* dlsym on a handle searches the library and then its dependencies: libtorch's own libgomp */
  gomp_parallel = (gomp_parallel_fn) dlsym(torch, "GOMP_parallel");
  omp_thread_num = (omp_int_fn) dlsym(torch, "omp_get_thread_num");
  omp_num_threads = (omp_int_fn) dlsym(torch, "omp_get_num_threads");
  if (gomp_parallel == NULL || omp_thread_num == NULL || omp_num_threads == NULL) {
    gomp_parallel = NULL;
    return (*env)->NewStringUTF(env, "libtorch does not link GNU OpenMP (GOMP_parallel not found)");
  }
  return NULL;
}
