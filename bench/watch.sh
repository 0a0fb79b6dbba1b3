#!/usr/bin/env bash
# bench/watch.sh [SAVES] [RSS_SAVES]: the editing loop's speed and memory.
#
# Builds the release binary, then runs bench/watch_driver.py twice on a copy of scripts/:
#   1. SAVES saves of scripts/shop.rhai (default 200), each changing one value, so each
#      rebuilds staging and production: p50/p95/max of watch's work per rebuild after the
#      debounce (target: p95 under 5 ms);
#   2. RSS_SAVES saves (default 1000), sampling the watch process's VmRSS every 100 saves:
#      it must stay flat.
# The work time is watch's own: with TSDSL_WATCH_STATS set, `tsdsl watch` prints one JSON line
# per round of rebuilds on stderr, {"round":N,"stacks":[...],"work_us":N} (builds, writes and
# summaries, after the debounce and the settle wait). Each save waits for that line, so a
# run takes about 0.4 s per save (the debounce and settle times), ~7 minutes for 1,000.
# Informational only: nothing here fails on a slow result.
#
# Measured (04:5x UTC, release build, 2 shared cores, wt/cache):
#   see the figures in the report of the `cache` helper; re-run to update.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

SAVES=${1:-200}
RSS_SAVES=${2:-1000}

echo "bench: cargo build --release" >&2
cargo build --release --quiet
BIN=$PWD/target/release/tsdsl

echo "== watch: $SAVES saves of shop.rhai =="
python3 bench/watch_driver.py "$BIN" --saves "$SAVES"
echo "== watch: $RSS_SAVES saves, VmRSS every 100 =="
python3 bench/watch_driver.py "$BIN" --saves "$RSS_SAVES" --rss-every 100
