#!/usr/bin/env bash
# GPU discovery for real GPU clusters: prints the node's NVIDIA GPU indices in Spark's ResourceInformation JSON,
# e.g. {"name": "gpu", "addresses": ["0","1","2","3"]}, as Spark's examples/src/main/scripts/getGpusResources.sh.
# Point spark.worker.resource.gpu.discoveryScript (standalone) or spark.executor.resource.gpu.discoveryScript
# (YARN, Kubernetes) at this file, present on every node; see spark-defaults-gpu.conf.
# The addresses are nvidia-smi's indices, which are the CUDA device ordinals DJL uses (Device.gpu(n)) as long as
# the executor's CUDA_VISIBLE_DEVICES is unset; in containers nvidia-smi lists only the GPUs given to the container.
set -euo pipefail
if ! command -v nvidia-smi > /dev/null 2>&1; then
  echo "gpu-discovery.sh: nvidia-smi not found on $(hostname); is the NVIDIA driver installed?" >&2
  exit 1
fi
addresses=$(nvidia-smi --query-gpu=index --format=csv,noheader \
  | sed -e 's/[[:space:]]//g' -e '/^$/d' -e 's/.*/"&"/' | paste -sd, -)
echo "{\"name\": \"gpu\", \"addresses\": [${addresses}]}"
