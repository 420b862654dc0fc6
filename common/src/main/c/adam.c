/*
 * The learner's Adam pass on the CPU (org.dqnsweep.learn.AdamKernel): one pass over a parameter tensor, its gradient
 * and both moments, in libtorch's own memory, split over libtorch's own OpenMP threads.
 *
 * Its float operations and their order are those of Adam.java's Java pass, which AdamTest pins bit for bit (a seed
 * repeats its curve only while they stay the same): built with -ffp-contract=off so that no multiply and add fuse,
 * and without -ffast-math; vector square roots and divisions round as the scalar ones do.
 *
 * Threads: GOMP_parallel is looked up in the libgomp that libtorch_cpu.so itself links, so the pass runs on the
 * team that has just finished the backward pass and is still spinning; a thread pool of our own would fight those
 * spinning workers for the cores.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <jni.h>
#include <link.h>
#include <math.h>
#include <string.h>

typedef void (*gomp_parallel_fn)(void (*)(void *), void *, unsigned, unsigned);
typedef int (*omp_int_fn)(void);
static gomp_parallel_fn gomp_parallel;
static omp_int_fn omp_thread_num;
static omp_int_fn omp_num_threads;

/* Below this many elements a tensor is updated on the calling thread: waking the team costs more. */
#define PARALLEL_MIN 65536

struct pass {
  float *p;
  const float *g;
  float *m;
  float *v;
  long n;
  float step_size, correction2_sqrt, eps, rescale, clip;
};

__attribute__((target_clones("avx512f", "avx2", "default")))
static void update(const struct pass *a, long from, long to) {
  const float beta1 = 0.9f, beta2 = 0.999f;
  float *restrict p = a->p;
  const float *restrict g = a->g;
  float *restrict m = a->m;
  float *restrict v = a->v;
  const float step_size = a->step_size, correction2_sqrt = a->correction2_sqrt, eps = a->eps;
  const float rescale = a->rescale, clip = a->clip;
  for (long i = from; i < to; i++) {
    float gi = g[i] * rescale;
    if (clip > 0) { /* Java's Math.max(-clip, Math.min(clip, gi)), NaN kept; -O3 hoists the test out of the loop */
      gi = gi > clip ? clip : gi;
      gi = gi < -clip ? -clip : gi;
    }
    float mi = m[i] + (1 - beta1) * (gi - m[i]);
    float vi = v[i] * beta2 + (1 - beta2) * gi * gi;
    m[i] = mi;
    v[i] = vi;
    p[i] -= step_size * (mi / (sqrtf(vi) / correction2_sqrt + eps));
  }
}

/* One OpenMP thread's share: contiguous, a multiple of 16 floats (one AVX-512 vector). */
static void share(void *arg) {
  const struct pass *a = arg;
  long threads = omp_num_threads(), t = omp_thread_num();
  long per = ((a->n + threads - 1) / threads + 15) & ~15L;
  long from = t * per, to = from + per < a->n ? from + per : a->n;
  if (from < to) {
    update(a, from, to);
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
JNIEXPORT jstring JNICALL Java_org_dqnsweep_learn_AdamKernel_bind(JNIEnv *env, jclass cls) {
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

JNIEXPORT void JNICALL Java_org_dqnsweep_learn_AdamKernel_update(JNIEnv *env, jclass cls, jobject p, jobject g,
    jobject m, jobject v, jint n, jfloat step_size, jfloat correction2_sqrt, jfloat eps, jfloat rescale, jfloat clip,
    jint threads) {
  struct pass a = {(*env)->GetDirectBufferAddress(env, p), (*env)->GetDirectBufferAddress(env, g),
      (*env)->GetDirectBufferAddress(env, m), (*env)->GetDirectBufferAddress(env, v), n, step_size,
      correction2_sqrt, eps, rescale, clip};
  if (threads > 1 && n >= PARALLEL_MIN && gomp_parallel != NULL) {
    gomp_parallel(share, &a, (unsigned) threads, 0);
  } else {
    update(&a, 0, n);
  }
}
