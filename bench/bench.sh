#!/usr/bin/env bash
# bench/bench.sh [RUNS]: how long `tsdsl run` takes, small to large, and its peak memory.
#
# Builds the release binary, generates bench/generated/big.rhai (10,000 resources, by
# bench/gen_big.py), then times, over RUNS runs (default 10; $BENCH_RUNS too):
#   startup       tsdsl check on an empty script
#   small         tsdsl run examples/hello-vpc.rhai      (when it exists)
#   hundred       tsdsl run examples/hundred.rhai        (100 resources)
#   big-10k       tsdsl run bench/generated/big.rhai     (10,000 resources)
#   big-10k-loop  the same 10,000 made by one Rhai loop
# Wall time with hyperfine if it is installed or installable (apt-get install -y hyperfine),
# else a Python loop; peak RSS with /usr/bin/time -v (Debian package `time`). Prints a table.
# Informational only: nothing here fails on a slow result.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

RUNS=${1:-${BENCH_RUNS:-10}}
GEN=bench/generated
mkdir -p "$GEN"

try_apt() {   # try_apt COMMAND PACKAGE: install PACKAGE if COMMAND is missing and apt-get can
  command -v "$1" >/dev/null 2>&1 && return 0
  [[ -x $2 ]] && return 0
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    echo "bench: installing $3 (apt-get)" >&2
    { apt-get install -y -q "$3" || { apt-get update -q && apt-get install -y -q "$3"; }; } >/dev/null 2>&1 \
      || echo "bench: could not install $3; falling back" >&2
  fi
}
try_apt hyperfine /usr/bin/hyperfine hyperfine
try_apt /usr/bin/time /usr/bin/time time

echo "bench: cargo build --release" >&2
cargo build --release --quiet
BIN=$PWD/target/release/tsdsl

python3 bench/gen_big.py -o "$GEN/big.rhai" >&2
python3 bench/gen_big.py --loop -o "$GEN/big-loop.rhai" >&2
: >"$GEN/empty.rhai"

OUT=$(mktemp -d "${TMPDIR:-/tmp}/tsdsl-bench.XXXXXX")
trap 'rm -rf "$OUT"' EXIT

cases=("startup=$BIN check $GEN/empty.rhai")
[[ -f examples/hello-vpc.rhai ]] && cases+=("small=$BIN run examples/hello-vpc.rhai -o $OUT/small")
cases+=("hundred=$BIN run examples/hundred.rhai -o $OUT/hundred")
cases+=("big-10k=$BIN run $GEN/big.rhai -o $OUT/big")
cases+=("big-10k-loop=$BIN run $GEN/big-loop.rhai -o $OUT/big-loop")

echo "bench: $(uname -m), $(nproc) cores, $("$BIN" --version 2>/dev/null || echo tsdsl)" >&2
python3 bench/measure.py "$RUNS" "$OUT" "${cases[@]}"

# One-off sanity: did the big run produce 10,000 resources?
if "$BIN" run "$GEN/big.rhai" -o "$OUT/check" >/dev/null 2>&1; then
  n=$(cat "$OUT"/check/*.tf 2>/dev/null | grep -c '^resource "aws_s3_bucket"' || true)
  echo
  echo "big-10k wrote $n aws_s3_bucket blocks"
fi
