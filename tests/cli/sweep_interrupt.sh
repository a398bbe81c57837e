#!/bin/sh
# SIGINT (or SIGTERM) in the middle of a sweep: exit 128 + signal, the finished points kept in the shard file
# (which sweep-merge reads), and no child process left running.
#   sweep_interrupt.sh MOESIM SCENARIO OUT_DIR [INT|TERM]
m=$1 scenario=$2 out=$3 sig=${4:-INT}
code=130
[ "$sig" = TERM ] && code=143
rm -rf "$out" "$out.log"
"$m" sweep "$scenario" --set model.capacity_factor=1.0,1.1,1.2,1.3,1.4,1.5,1.6,1.7 -j 1 --out "$out" \
  >"$out.log" 2>&1 &
pid=$!
i=0
while ! grep -q '\[1/8\]' "$out.log" 2>/dev/null; do
  i=$((i + 1))
  if [ $i -gt 300 ]; then cat "$out.log"; echo "FAIL: no point finished within 60 s"; kill -9 $pid; exit 1; fi
  sleep 0.2
done
kill -"$sig" $pid
wait $pid
rc=$?
cat "$out.log"
[ $rc -eq $code ] || { echo "FAIL: exit code $rc, expected $code"; exit 1; }
sleep 0.5
if pgrep -f -- "--out $out" >/dev/null; then echo "FAIL: a sweep process is still running"; exit 1; fi
shard="$out/points-0-of-1.jsonl"
[ -f "$shard" ] || { echo "FAIL: no shard file $shard"; exit 1; }
records=$(($(wc -l <"$shard") - 1))
[ $records -ge 1 ] && [ $records -lt 8 ] || { echo "FAIL: $records records kept, expected 1..7"; exit 1; }
"$m" sweep-merge "$out" --out "$out/merged.md" >/dev/null || { echo "FAIL: sweep-merge rejects the shard"; exit 1; }
grep -q "Missing points" "$out/merged.md" || { echo "FAIL: merged report does not list the missing points"; exit 1; }
echo "ok: interrupted sweep kept $records finished points"
