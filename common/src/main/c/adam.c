/*
 * The learner's Adam pass on the CPU (org.dqnsweep.util.CpuKernels.adam): one pass over a parameter tensor, its
 * gradient and both moments, in libtorch's own memory, split over libtorch's OpenMP team (team.h).
 *
 * Its float operations and their order are those of Adam.java's Java pass, which AdamTest pins bit for bit (a seed
 * repeats its curve only while they stay the same): built with -ffp-contract=off so that no multiply and add fuse,
 * and without -ffast-math; vector square roots and divisions round as the scalar ones do.
 */
#include <jni.h>
#include <math.h>

#include "team.h"

/* Below this many elements a tensor is updated on the calling thread: waking the team costs more. */
#define PARALLEL_MIN 65536

struct pass {
  float *p;
  const float *g;
  float *m;
  float *v;
  float step_size, correction2_sqrt, eps, rescale, clip;
};

__attribute__((target_clones("avx512f", "avx2", "default")))
static void update(void *arg, long from, long to) {
  const struct pass *a = arg;
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

JNIEXPORT void JNICALL Java_org_dqnsweep_util_CpuKernels_adam(JNIEnv *env, jclass cls, jobject p, jobject g,
    jobject m, jobject v, jint n, jfloat step_size, jfloat correction2_sqrt, jfloat eps, jfloat rescale, jfloat clip,
    jint threads) {
  struct pass a = {(*env)->GetDirectBufferAddress(env, p), (*env)->GetDirectBufferAddress(env, g),
      (*env)->GetDirectBufferAddress(env, m), (*env)->GetDirectBufferAddress(env, v), step_size, correction2_sqrt,
      eps, rescale, clip};
  team_run(update, &a, n, threads, 16, PARALLEL_MIN); /* shares of whole AVX-512 vectors */
}
