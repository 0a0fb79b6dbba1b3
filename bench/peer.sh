#!/usr/bin/env bash
# bench/peer.sh [RUNS]: cold `tsdsl run scripts/production.rhai` against the CDKTF peer's
# precompiled app (`node dist/main.js`, the same estate) in ONE hyperfine run, so that the
# ratio holds on a loaded machine; then peak RSS of both (/usr/bin/time -v), the 10,000-resource
# run, and instruction counts of tsdsl (valgrind callgrind: repeatable even on a busy machine,
# the figure to compare before/after a change).
#
# The peer is set up once, in a copy ($PEER_DIR, default /tmp/cdktf-peer) of
# ../shared/peers/cdktf (read-only there): `npm ci` then `tsc`, as its README says.
# Informational only: nothing here fails on a slow result.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

RUNS=${1:-${BENCH_RUNS:-20}}
PEER_SRC=${PEER_SRC:-../shared/peers/cdktf}
PEER_DIR=${PEER_DIR:-/tmp/cdktf-peer}
export CHECKPOINT_DISABLE=1 CDKTF_DISABLE_PLUGIN_CACHE_ENV=1
# The scripts ask STS who the caller is: never the instance metadata address.
export AWS_EC2_METADATA_DISABLED=true

command -v hyperfine >/dev/null || { echo "bench: hyperfine is needed (apt-get install hyperfine)" >&2; exit 2; }
if [[ ! -f $PEER_DIR/dist/main.js ]]; then
  echo "bench: setting up the CDKTF peer in $PEER_DIR (npm ci, tsc)" >&2
  mkdir -p "$PEER_DIR"
  cp -r "$PEER_SRC"/. "$PEER_DIR"/
  (cd "$PEER_DIR" && npm ci --no-audit --no-fund >/dev/null && ./node_modules/.bin/tsc -p .)
fi

echo "bench: cargo build --release" >&2
cargo build --release --quiet
BIN=$PWD/target/release/tsdsl
python3 bench/gen_big.py -o bench/generated/big.rhai >&2

OUT=$(mktemp -d "${TMPDIR:-/tmp}/tsdsl-peer.XXXXXX")
trap 'rm -rf "$OUT"' EXIT

echo "== cold run: tsdsl vs the CDKTF peer (one hyperfine run; $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg))"
hyperfine -N -w 3 -r "$RUNS" --export-json "$OUT/hf.json" \
  -n tsdsl "$BIN run scripts/production.rhai -o $OUT/production --changes none" \
  -n cdktf "bash -c 'cd $PEER_DIR && node dist/main.js'"
python3 - "$OUT/hf.json" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
t, c = r["tsdsl"], r["cdktf"]
print(f"median: tsdsl {t['median']*1e3:.1f} ms, cdktf {c['median']*1e3:.0f} ms: "
      f"tsdsl {c['median']/t['median']:.0f}x faster (mean {c['mean']/t['mean']:.0f}x)")
PY

peak() { /usr/bin/time -v "$@" 2>&1 >/dev/null | awk -F': ' '/Maximum resident/ {printf "%.1f MiB\n", $2/1024}'; }
if [[ -x /usr/bin/time ]]; then
  echo "== peak RSS"
  echo "tsdsl production: $(peak "$BIN" run scripts/production.rhai -o "$OUT/p2" --changes none)"
  echo "cdktf node dist/main.js: $(cd "$PEER_DIR" && peak node dist/main.js)"
  echo "tsdsl 10,000 resources: $(peak "$BIN" run bench/generated/big.rhai -o "$OUT/big" --changes none)"
  # The memory figure depends on the hot code being laid out together (build.rs): a stale
  # list (after much new code or a Cargo.lock change) shows here; tools/hot-functions.py renews it.
  python3 tools/hot-functions.py --check "$BIN"
fi

echo "== 10,000 resources"
hyperfine -N -w 1 -r "$(( RUNS < 10 ? RUNS : 10 ))" --prepare "rm -rf $OUT/big" \
  -n big-10k "$BIN run bench/generated/big.rhai -o $OUT/big --changes none"

if command -v valgrind >/dev/null; then
  echo "== instructions (callgrind, total Ir)"
  for s in scripts/production.rhai bench/generated/big.rhai; do
    # --timeout: under valgrind a loaded machine can reach the default 10 s deadline.
    valgrind --tool=callgrind --callgrind-out-file="$OUT/cg" "$BIN" run "$s" -o "$OUT/cg-out" --changes none --timeout 600 2>&1 \
      | awk -v s="$s" '/Collected/ {print s ": " $4 " instructions"}'
    rm -rf "$OUT/cg-out"
  done
fi
