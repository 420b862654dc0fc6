#!/usr/bin/env bash
# Compiles the native CPU passes (adam.c, scale.c, on libtorch's OpenMP team: team.c) into the JNI library
# CpuKernels loads (Maven runs this on Linux x86_64; elsewhere the engine's ops and a Java Adam pass run instead).
# Usage: build.sh <output .so> <JDK home>
set -euo pipefail
out=$1
jdk=$2
cc=${CC:-cc}
if ! command -v "$cc" > /dev/null; then
  echo "error: no C compiler ($cc) for the learner's native CPU passes; install one (bin/setup does: apt-get install gcc libc6-dev) or set CC" >&2
  exit 2
fi
src=$(dirname "${BASH_SOURCE[0]}")
mkdir -p "$(dirname "$out")"
# -ffp-contract=off and no -ffast-math: the passes must round exactly as the Java and engine ones (adam.c, scale.c
# say why); -fno-math-errno lets sqrtf vectorize without changing its result.
"$cc" -O3 -fPIC -shared -ffp-contract=off -fno-math-errno -fvisibility=default \
  -I"$jdk/include" -I"$jdk/include/linux" -o "$out" "$src/team.c" "$src/adam.c" "$src/scale.c" -ldl
