#!/usr/bin/env bash
# bench/hostile.sh [BIN [BEFORE_BIN]]: wall time, peak RSS, exit status and bytes of
# diagnostic for each hostile reproducer of issue 9 (crashes, limits, files), once each.
#
# BIN defaults to the release build (built here); give BEFORE_BIN (an older tsdsl) to
# print both side by side. Every run is bounded by `timeout 60` (exit 124) and 3 GB of address space so an old
# binary that hangs (sleep, a FIFO, /dev/zero) still ends. Cases are generated into
# bench/generated/hostile/ from tests/hostile/io/ and by this script.
# Peak RSS with /usr/bin/time (Debian package `time`). Informational: nothing here fails.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [[ $# -ge 1 ]]; then
  BIN=$(realpath "$1")
else
  cargo build --release --quiet || exit 1
  BIN=$PWD/target/release/tsdsl
fi
BEFORE=${2:+$(realpath "$2")}
[[ -x /usr/bin/time ]] || { echo "bench: /usr/bin/time is needed (apt-get install time)" >&2; exit 1; }

G=$PWD/bench/generated/hostile
rm -rf "$G" && mkdir -p "$G"
cp -r tests/hostile/io/. "$G/"
python3 - "$G" <<'EOF'
import os, sys
g = sys.argv[1]
os.makedirs(f"{g}/chain", exist_ok=True)
for i in range(2000):
    body = f'import "m{i+1}" as n;\n' if i < 1999 else "let x = 1;\n"
    open(f"{g}/chain/m{i}.rhai", "w").write(body)
os.makedirs(f"{g}/stacks", exist_ok=True)
for i in range(1000):
    read = f'let s = stack("s{i+1}");\n' if i < 999 else ""
    open(f"{g}/stacks/s{i}.rhai", "w").write(
        read + f'backend("s3", #{{ bucket: "b", key: "k{i}", region: "eu-west-1" }});\noutput("o", "v");\n')
open(f"{g}/huge.rhai", "w").write('let a = "' + "x" * (20 << 20) + '" +;\n')
open(f"{g}/long.rhai", "w").write('let a = "' + "x" * (5 << 20) + '" +;\n')
EOF
mkfifo "$G/fifo.rhai"
printf 'sleep(30);\n' >"$G/sleep30.rhai"

cases=(
  "import-self|import_self|check self.rhai"
  "import-cycle|import_cycle|check a.rhai"
  "chain-2000-modules|chain|check m0.rhai"
  "chain-1000-stacks|stacks|check --timeout 100 s0.rhai"
  "push-10000-timeout-10|deadline|check push.rhai"
  "sleep-30-timeout-10|.|check sleep30.rhai"
  "nested-map-2000|limits|check --timeout 100 nested.rhai"
  "nested-map-10000-timeout-10|limits|check nested10k.rhai"
  "10mb-string-x100|limits|check --timeout 100 bigstr.rhai"
  "million-resources|limits|check --timeout 100 million.rhai"
  "180-strings-of-8mb-in-calls|limits|check --timeout 100 memory.rhai"
  "dev-zero|.|check /dev/zero"
  "fifo-script|.|check fifo.rhai"
  "20mb-line-syntax-error|.|check huge.rhai"
  "5mb-line-syntax-error|.|check long.rhai"
)

one() {  # one BIN DIR ARGS... -> "wall_s rss_mb status diag_bytes"
  local bin=$1 dir=$2; shift 2
  local t; t=$(mktemp)
  (cd "$G/$dir" && /usr/bin/time -f "%e %M" -o "$t" prlimit --as=3221225472 timeout 60 "$bin" "$@" >/dev/null 2>"$t.err")
  local rc=$?
  read -r wall kb <"$t" 2>/dev/null || { wall=?; kb=0; }
  # `time` writes "Command exited with non-zero status N" first when the command fails.
  if grep -q "exited\|terminated" "$t"; then read -r wall kb < <(tail -1 "$t"); fi
  printf '%s %s %s %s' "$wall" "$((kb / 1024))" "$rc" "$(wc -c <"$t.err")"
  rm -f "$t" "$t.err"
}

printf '%-30s %22s' case "after: s / MB / exit / diag B"
[[ -n $BEFORE ]] && printf '   %s' "before: s / MB / exit / diag B"
echo
for c in "${cases[@]}"; do
  IFS='|' read -r name dir args <<<"$c"
  # shellcheck disable=SC2086
  printf '%-30s %22s' "$name" "$(one "$BIN" "$dir" $args)"
  # shellcheck disable=SC2086
  [[ -n $BEFORE ]] && printf '   %s' "$(one "$BEFORE" "$dir" $args)"
  echo
done
