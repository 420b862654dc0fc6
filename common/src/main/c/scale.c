/*
 * uint8 screens to float32 in [0, 1], out = (float) in / 255, in one pass split over libtorch's OpenMP team
 * (team.h), where the engine takes two (a cast, then a division in place):
 * - org.dqnsweep.util.CpuKernels.scaleToUnit scales a tensor (an observation to act on, screens to score);
 * - org.dqnsweep.util.CpuKernels.gatherToUnit scales a sampled batch's frames straight out of the replay's
 *   segments into the learner's input, so that no uint8 copy of the batch is written and read back.
 * A cast from uint8 is exact and an IEEE division by 255 is correctly rounded, vectorized or not, so the result is
 * the engine's bit for bit (CpuKernelsTest checks every byte value).
 */
#include <jni.h>
#include <stdlib.h>

#include "team.h"

/* A batch of screens (903,168 bytes for 32 x 4 x 84 x 84) is split; one screen stack for acting is not. */
#define PARALLEL_MIN 65536

__attribute__((target_clones("avx512f", "avx2", "default")))
static void to_unit(const unsigned char *restrict in, float *restrict out, long n) {
  for (long i = 0; i < n; i++) {
    out[i] = (float) in[i] / 255.0f;
  }
}

struct scale {
  const unsigned char *in;
  float *out;
};

static void scale(void *arg, long from, long to) {
  const struct scale *a = arg;
  to_unit(a->in + from, a->out + from, to - from);
}

JNIEXPORT void JNICALL Java_org_dqnsweep_util_CpuKernels_scaleToUnit(JNIEnv *env, jclass cls, jobject in,
    jobject out, jint n, jint threads) {
  struct scale a = {(*env)->GetDirectBufferAddress(env, in), (*env)->GetDirectBufferAddress(env, out)};
  team_run(scale, &a, n, threads, 64, PARALLEL_MIN); /* shares of whole cache lines of bytes */
}

struct gather {
  const unsigned char **frames; /* where each output frame is read from */
  float *states, *next;
  long half, frame_bytes;
};

static void gather(void *arg, long from, long to) {
  const struct gather *a = arg;
  for (long f = from; f < to; f++) {
    float *out = f < a->half ? a->states + f * a->frame_bytes : a->next + (f - a->half) * a->frame_bytes;
    to_unit(a->frames[f], out, a->frame_bytes);
  }
}

/*
 * Output frame f (of n, the first half into states, the rest into next) is replay slot slots[f], which lives in
 * segments[slots[f] >> segment_bits]. The segments are Java byte arrays, read in place inside critical regions:
 * the collector waits for the fraction of a millisecond the pass takes instead of the pass copying them out.
 */
JNIEXPORT void JNICALL Java_org_dqnsweep_util_CpuKernels_gatherToUnit(JNIEnv *env, jclass cls,
    jobjectArray segments, jint segment_bits, jintArray slot_array, jint frame_bytes, jobject states, jobject next,
    jint threads) {
  jsize n = (*env)->GetArrayLength(env, slot_array);
  jsize segment_count = (*env)->GetArrayLength(env, segments);
  struct gather a = {NULL, (*env)->GetDirectBufferAddress(env, states), (*env)->GetDirectBufferAddress(env, next),
      n / 2, frame_bytes};
  jint *slots = malloc(sizeof(jint) * n);
  const unsigned char **frames = malloc(sizeof(*frames) * n);
  jint *used = malloc(sizeof(jint) * n); /* the segments this batch reads, each once */
  jbyteArray *arrays = calloc(segment_count, sizeof(jbyteArray));
  unsigned char **bases = calloc(segment_count, sizeof(unsigned char *));
  jsize count = 0, pinned = 0;
  const char *missing = NULL;
  if (slots == NULL || frames == NULL || used == NULL || arrays == NULL || bases == NULL
      || (*env)->EnsureLocalCapacity(env, n) != 0) {
    missing = "java/lang/OutOfMemoryError";
  } else {
    (*env)->GetIntArrayRegion(env, slot_array, 0, n, slots);
  }
  /* Every reference first: no other JNI call may run while a critical region is open. */
  for (jsize f = 0; missing == NULL && f < n; f++) {
    jint s = slots[f] >> segment_bits;
    if (arrays[s] == NULL) {
      arrays[s] = (*env)->GetObjectArrayElement(env, segments, s);
      if (arrays[s] == NULL) {
        missing = "java/lang/IllegalStateException";
      }
      used[count++] = s;
    }
  }
  while (missing == NULL && pinned < count) {
    bases[used[pinned]] = (*env)->GetPrimitiveArrayCritical(env, arrays[used[pinned]], NULL);
    if (bases[used[pinned]] == NULL) { /* a JVM that would copy the array, out of memory */
      missing = "java/lang/OutOfMemoryError";
    } else {
      pinned++;
    }
  }
  if (missing == NULL) {
    long mask = (1L << segment_bits) - 1;
    for (jsize f = 0; f < n; f++) {
      frames[f] = bases[slots[f] >> segment_bits] + (slots[f] & mask) * (long) frame_bytes;
    }
    a.frames = frames;
    team_run(gather, &a, n, threads, 1, PARALLEL_MIN / frame_bytes + 1);
  }
  for (jsize i = pinned - 1; i >= 0; i--) {
    (*env)->ReleasePrimitiveArrayCritical(env, arrays[used[i]], bases[used[i]], JNI_ABORT);
  }
  for (jsize i = 0; i < count; i++) {
    if (arrays[used[i]] != NULL) {
      (*env)->DeleteLocalRef(env, arrays[used[i]]);
    }
  }
  free(slots);
  free(frames);
  free(used);
  free(arrays);
  free(bases);
  if (missing != NULL) {
    (*env)->ThrowNew(env, (*env)->FindClass(env, missing), "gatherToUnit: out of memory, or a sampled slot's "
        "segment was never written");
  }
}
