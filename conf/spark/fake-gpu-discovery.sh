#!/usr/bin/env bash
# Fake GPU discovery for the local standalone cluster (scripts/spark-standalone) and its tests: reports two GPU
# addresses, "0" and "1", in Spark's ResourceInformation JSON, so GPU scheduling (spark.executor/task.resource.gpu.*)
# can be exercised on a machine without GPUs. Nothing is bound to these addresses; a trial still runs on the CPU.
# Spark runs it as spark.worker.resource.gpu.discoveryScript (or spark.executor.resource.gpu.discoveryScript).
echo '{"name": "gpu", "addresses": ["0", "1"]}'
