#!/usr/bin/env bash
# The robustness half of `make test`: the unit tests that parse and check input, built once more with
# AddressSanitizer + UndefinedBehaviorSanitizer (clang, build dir $1), then the libFuzzer target of the
# scenario reader + accounting + small step simulations for a bounded time on a corpus seeded from
# examples/, tests/validation/scenarios/ and tests/cli/. Any sanitizer report, failing test or fuzzer
# finding (crash, hang > 20 s, > 2 GB) fails. Prints the time of each stage and the fuzzer's executions.
#   scripts/test-asan.sh [BUILD_DIR=build-asan] [FUZZ_SECONDS=60] [JOBS=2]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build-asan}
fuzz_seconds=${2:-60}
jobs=${3:-2}
tests=(workloads_tests topologies_tests reports_tests step_tests json_limits_tests)
t0=$(date +%s)

if ! command -v clang++ >/dev/null 2>&1; then
  echo "test-asan: error: clang++ not found (scripts/install-deps.sh --test installs it)" >&2
  exit 1
fi
launcher=()
if command -v ccache >/dev/null 2>&1; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
# -O1 -g1: fast enough to fuzz, quick to compile; warnings stay warnings (another compiler than CI's g++).
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1" -DMOESIM_ENABLE_CUDA=OFF -DMOESIM_WERROR=OFF \
  -DMOESIM_SANITIZE=ON -DMOESIM_FUZZ=ON "${launcher[@]}" >"$build.configure.log" 2>&1 ||
  { cat "$build.configure.log"; exit 1; }
cmake --build "$build" -j"$jobs" --target "${tests[@]}" fuzz_scenario
t1=$(date +%s)
echo "test-asan: sanitizer build took $((t1 - t0)) s"

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
for t in "${tests[@]}"; do
  exe=$(find "$build/tests" -type f -name "$t" -perm -u+x | head -1)
  echo "test-asan: $t (ASan+UBSan)"
  "$exe" --gtest_brief=1
done
t2=$(date +%s)
echo "test-asan: sanitized unit tests took $((t2 - t1)) s"

corpus="$build/fuzz-corpus"
artifacts="$build/fuzz-artifacts"
rm -rf "$corpus" "$artifacts"
mkdir -p "$corpus" "$artifacts"
cp examples/*.yaml tests/validation/scenarios/*.yaml tests/cli/good.yaml tests/cli/bad/*.yaml "$corpus/"
log="$build/fuzz.log"
set +e
"$build/tests/fuzz/fuzz_scenario" \
  -max_total_time="$fuzz_seconds" -timeout=20 -rss_limit_mb=2048 -seed="${FUZZ_SEED:-1}" \
  -dict=tests/fuzz/scenario.dict -artifact_prefix="$artifacts/" -print_final_stats=1 "$corpus" >"$log" 2>&1
rc=$?
set -e
t3=$(date +%s)
done_line=$(grep -E "^Done [0-9]+ runs" "$log" || true)
if [ $rc -ne 0 ]; then
  tail -60 "$log"
  for a in "$artifacts"/*; do
    [ -f "$a" ] && { echo "test-asan: finding $a (base64):"; base64 -w0 "$a"; echo; }
  done
  echo "test-asan: FAILED: the fuzzer found a crash, hang or sanitizer report (exit $rc)" >&2
  exit 1
fi
echo "test-asan: fuzz_scenario: ${done_line:-no summary line} (corpus: $(ls "$corpus" | wc -l) inputs after fuzzing)"
echo "test-asan: fuzzing took $((t3 - t2)) s; sanitizer build + tests + fuzz took $((t3 - t0)) s"
echo "test-asan: $((${#tests[@]} + 1)) passed, 0 failed"
