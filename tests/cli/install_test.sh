#!/bin/sh
# `cmake --install` to a fresh prefix, then the installed moesim on an installed example: it must find its
# kernel profile and validation table in PREFIX/share/moesim (and read those, not the source tree's).
#   install_test.sh CMAKE BUILD_DIR PREFIX
set -eu
cmake=$1 build=$2 prefix=$3
rm -rf "$prefix"
"$cmake" --install "$build" --prefix "$prefix" > "$prefix.install.log"
m="$prefix/bin/moesim" share="$prefix/share/moesim"
for f in "$m" "$share/profiles/h100.json" "$share/validation/published_figures.yaml" \
         "$share/validation/scenarios/switch-c-tpuv3.yaml" "$share/examples/switch-base-h100.yaml"; do
  test -e "$f" || { echo "not installed: $f"; exit 1; }
done
if [ -e "$build/cli/moesim.1" ]; then
  test -s "$prefix/share/man/man1/moesim.1" || { echo "man page not installed"; exit 1; }
fi
cd "$prefix"
"$m" simulate "$share/examples/switch-base-h100.yaml" -q --json out.json > /dev/null
grep -q '"compute_source": "measured profile h100.json' out.json || { echo "no measured profile:"; grep compute_source out.json; exit 1; }
"$m" validate --filter glam-params --json validate.json > /dev/null
grep -q '"pass": true' validate.json
# The installed copies are the ones read: breaking them is an error that names them (exit 2).
expect_broken() {  # FILE COMMAND...
  file=$1; shift
  printf '{' > "$file"
  rc=0; "$m" "$@" -q > out.txt 2> err.txt || rc=$?
  cat err.txt
  test "$rc" -eq 2 || { echo "exit $rc, want 2"; exit 1; }
  grep -q "$file" err.txt || { echo "the error does not name $file"; exit 1; }
}
expect_broken "$share/profiles/h100.json" simulate "$share/examples/switch-base-h100.yaml"
printf 'rows: [' > "$share/validation/published_figures.yaml"
rc=0; "$m" validate --filter glam-params > out.txt 2> err.txt || rc=$?
cat err.txt
test "$rc" -eq 2 && grep -q "$share/validation/published_figures.yaml" err.txt
echo "installed moesim reads $share"
