#!/bin/sh
# Runs a moesim command on bad input and checks the promise to users: the expected exit code, within the
# time limit, no signal, exactly one "error:" line on stderr, naming the expected key or option.
#   expect_error.sh EXIT_CODE PATTERN COMMAND [ARGS...]
# PATTERN is a fixed string that stderr must contain (a dotted key such as 'parallelism.micro_batches').
expected=$1 pattern=$2
shift 2
err=$(mktemp)
timeout -s KILL "${MOESIM_TEST_TIMEOUT:-20}" "$@" >/dev/null 2>"$err"
rc=$?
cat "$err"
errors=$(grep -c "error:" "$err")
found=0
grep -qF -- "$pattern" "$err" && found=1
rm -f "$err"
if [ "$rc" -eq 137 ]; then echo "FAIL: killed after ${MOESIM_TEST_TIMEOUT:-20} s (a hang)"; exit 1; fi
if [ "$rc" -gt 128 ]; then echo "FAIL: died of signal $((rc - 128))"; exit 1; fi
if [ "$rc" -ne "$expected" ]; then echo "FAIL: exit code $rc, expected $expected"; exit 1; fi
if [ "$found" -ne 1 ]; then echo "FAIL: stderr does not name '$pattern'"; exit 1; fi
if [ "$expected" -eq 2 ] && [ "$errors" -ne 1 ]; then echo "FAIL: $errors error lines, expected one"; exit 1; fi
echo "ok: exit $rc, names '$pattern'"
