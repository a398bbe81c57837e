#!/bin/bash
# Builds kernels/ standalone on the GPU machine and runs the GPU tests, the validation and the profiler,
# leaving logs and the profile DB in $OUT (device tool) or ./gpu-out. Usage: kernels/tools/gpu_run.sh [--no-profile]
set -u -o pipefail
OUT=${OUT:-gpu-out}
mkdir -p "$OUT"
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.max.sm,clocks.mem,power.draw,temperature.gpu --format=csv | tee "$OUT/nvidia_smi.txt"
cmake -S kernels -B /tmp/build-gpu -G Ninja -DMOESIM_GTEST_DIR="$PWD/.devcarry/gtest" -DMOESIM_KERNELS_WERROR=OFF \
  > "$OUT/build.log" 2>&1 && cmake --build /tmp/build-gpu -j16 >> "$OUT/build.log" 2>&1 || { tail -40 "$OUT/build.log"; exit 1; }
grep -i warning "$OUT/build.log" | head -20
/tmp/build-gpu/moesim_kernels_gpu_tests 2>&1 | tee "$OUT/gpu_tests.log" | grep -E "FAIL|PASSED|Failure|error|Expected|Which|  Actual" | head -40
/tmp/build-gpu/moesim_kernels_validate 2>&1 | tee "$OUT/validate.log"
if [ "${1:-}" != "--no-profile" ]; then
  /tmp/build-gpu/moesim_kernels_profile --out "$OUT/h100.json" > "$OUT/profile.log" 2>&1; echo "profile rc=$?"
  tail -3 "$OUT/profile.log"
fi
