/*
 * uint8 screens to float32 in [0, 1], out = (float) in / 255, channels last: each pixel's stack of frames side by
 * side ([states, pixels..., stack]), the layout in which libtorch's oneDNN convolutions run their backward pass
 * without reordering (docs/design.md, "Networks and optimizer"). One pass split over libtorch's OpenMP team
 * (team.h), where the engine takes three (a cast, a division in place, a copy into the other layout):
 * - org.dqnsweep.util.CpuKernels.scaleToUnit scales states stored frame after frame (an observation to act on,
 *   screens to score);
 * - org.dqnsweep.util.CpuKernels.gatherToUnit scales a sampled batch's frames straight out of the replay's
 *   segments into the learner's input, so that no uint8 copy of the batch is written and read back.
 * A cast from uint8 is exact and an IEEE division by 255 is correctly rounded, vectorized or not, so each value is
 * the engine's bit for bit (CpuKernelsTest checks every byte value and the layout).
 */
#include <jni.h>
#include <stdlib.h>

#include "team.h"

/* A batch of screens (903,168 bytes for 32 x 4 x 84 x 84) is split; one screen stack for acting is not. */
#define PARALLEL_MIN 65536

/* out[p * channels + k] = planes[k][p] / 255 over `pixels` pixels. */
__attribute__((target_clones("avx512f", "avx2", "default")))
static void interleave_to_unit(const unsigned char *const *planes, long channels, float *restrict out, long pixels) {
  if (channels == 4) { /* every Atari preset's stack: a constant the compiler vectorizes the interleave for */
    const unsigned char *a = planes[0], *b = planes[1], *c = planes[2], *d = planes[3];
    for (long p = 0; p < pixels; p++) {
      out[4 * p] = (float) a[p] / 255.0f;
      out[4 * p + 1] = (float) b[p] / 255.0f;
      out[4 * p + 2] = (float) c[p] / 255.0f;
      out[4 * p + 3] = (float) d[p] / 255.0f;
    }
    return;
  }
  if (channels == 1) {
    const unsigned char *a = planes[0];
    for (long p = 0; p < pixels; p++) {
      out[p] = (float) a[p] / 255.0f;
    }
    return;
  }
  for (long p = 0; p < pixels; p++) {
    for (long k = 0; k < channels; k++) {
      out[p * channels + k] = (float) planes[k][p] / 255.0f;
    }
  }
}

/* Where each state's frames are read from, and where its scaled pixels go. */
struct states {
  const unsigned char **frames; /* frames[s * channels + k]: state s's frame k */
  float *first, *second;        /* states [0, half) go to first, the rest to second */
  long half, channels, pixels;
};

static void scale_states(void *arg, long from, long to) {
  const struct states *a = arg;
  long size = a->channels * a->pixels;
  for (long s = from; s < to; s++) {
    float *out = s < a->half ? a->first + s * size : a->second + (s - a->half) * size;
    interleave_to_unit(a->frames + s * a->channels, a->channels, out, a->pixels);
  }
}

/* Splits the states over the team when the batch is large enough to pay for waking it. */
static void run_states(struct states *a, long n, int threads) {
  team_run(scale_states, a, n, threads, 1, PARALLEL_MIN / (a->channels * a->pixels) + 1);
}

JNIEXPORT void JNICALL Java_org_dqnsweep_util_CpuKernels_scaleToUnit(JNIEnv *env, jclass cls, jobject in,
    jobject out, jint states, jint channels, jint pixels, jint threads) {
  const unsigned char *bytes = (*env)->GetDirectBufferAddress(env, in);
  const unsigned char **frames = malloc(sizeof(*frames) * (size_t) states * channels);
  if (frames == NULL) {
    (*env)->ThrowNew(env, (*env)->FindClass(env, "java/lang/OutOfMemoryError"), "scaleToUnit: out of memory");
    return;
  }
  for (long f = 0; f < (long) states * channels; f++) {
    frames[f] = bytes + f * pixels;
  }
  struct states a = {frames, (*env)->GetDirectBufferAddress(env, out), NULL, states, channels, pixels};
  run_states(&a, states, threads);
  free(frames);
}

/*
 * Frame f (of n: states of `stack` frames each, the first half into states, the rest into next) is replay slot
 * slots[f], which lives in segments[slots[f] >> segment_bits]. The segments are Java byte arrays, read in place
 * inside critical regions: the collector waits for the fraction of a millisecond the pass takes instead of the pass
 * copying them out.
 */
JNIEXPORT void JNICALL Java_org_dqnsweep_util_CpuKernels_gatherToUnit(JNIEnv *env, jclass cls,
    jobjectArray segments, jint segment_bits, jintArray slot_array, jint frame_bytes, jint stack, jobject states,
    jobject next, jint threads) {
  jsize n = (*env)->GetArrayLength(env, slot_array);
  jsize segment_count = (*env)->GetArrayLength(env, segments);
  struct states a = {NULL, (*env)->GetDirectBufferAddress(env, states), (*env)->GetDirectBufferAddress(env, next),
      n / 2 / stack, stack, frame_bytes};
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
    run_states(&a, n / stack, threads);
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
