#!/usr/bin/env bash
# Compiles adam.c into the JNI library AdamKernel loads (Maven runs this on Linux x86_64; elsewhere the learner
# uses its Java pass). Usage: build.sh <output .so> <JDK home>
set -euo pipefail
out=$1
jdk=$2
cc=${CC:-cc}
if ! command -v "$cc" > /dev/null; then
  echo "error: no C compiler ($cc) for the learner's native Adam pass; install one (bin/setup does: apt-get install gcc libc6-dev) or set CC" >&2
  exit 2
fi
mkdir -p "$(dirname "$out")"
# -ffp-contract=off and no -ffast-math: the pass must round exactly as the Java one (adam.c says why);
# -fno-math-errno lets sqrtf vectorize without changing its result.
"$cc" -O3 -fPIC -shared -ffp-contract=off -fno-math-errno -fvisibility=default \
  -I"$jdk/include" -I"$jdk/include/linux" -o "$out" "$(dirname "${BASH_SOURCE[0]}")/adam.c" -ldl
