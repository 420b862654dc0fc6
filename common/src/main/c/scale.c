/*
 * uint8 screens to float32 in [0, 1] (org.dqnsweep.util.CpuKernels.scaleToUnit): out = (float) in / 255, in one
 * pass split over libtorch's OpenMP team (team.h), where the engine takes two (a cast, then a division in place).
 * A cast from uint8 is exact and an IEEE division by 255 is correctly rounded, vectorized or not, so the result is
 * the engine's bit for bit (CpuKernelsTest checks every byte value).
 */
#include <jni.h>

#include "team.h"

/* A batch of screens (903,168 bytes for 32 x 4 x 84 x 84) is split; one screen stack for acting is not. */
#define PARALLEL_MIN 65536

struct scale {
  const unsigned char *in;
  float *out;
};

__attribute__((target_clones("avx512f", "avx2", "default")))
static void scale(void *arg, long from, long to) {
  const struct scale *a = arg;
  const unsigned char *restrict in = a->in;
  float *restrict out = a->out;
  for (long i = from; i < to; i++) {
    out[i] = (float) in[i] / 255.0f;
  }
}

JNIEXPORT void JNICALL Java_org_dqnsweep_util_CpuKernels_scaleToUnit(JNIEnv *env, jclass cls, jobject in,
    jobject out, jint n, jint threads) {
  struct scale a = {(*env)->GetDirectBufferAddress(env, in), (*env)->GetDirectBufferAddress(env, out)};
  team_run(scale, &a, n, threads, 64, PARALLEL_MIN); /* shares of whole cache lines of bytes */
}
