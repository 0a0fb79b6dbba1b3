#!/usr/bin/env python3
"""checkov_run.py [--json] DIR...: checkov's Terraform policies on each DIR, offline.

Runs `python -m checkov.main -d DIR --framework terraform -o json --skip-download`
with checkov's own interpreter (checkov pins bc-python-hcl2, whose `hcl2` module
clashes with python-hcl2, so tools/test-all.sh gives it a venv of its own at
.venv/checkov/). Which interpreter: $TSDSL_CHECKOV_PYTHON, else <this venv>/checkov/bin/python,
else this python if it can import checkov. No API key is passed (BC_API_KEY and the like are
removed from the environment), nothing is downloaded or uploaded, and external modules are
not fetched; each run has a time limit ($TSDSL_CHECKOV_TIMEOUT seconds, default 300). DIRs
are scanned in parallel, one process each, up to $TSDSL_CHECKOV_JOBS (default: the core count).

Per DIR prints "DIR: N passed, N failed, N skipped (N resources)", then each failed check
as "  FAILED CKV_ID resource (file:lines) name" and each skipped one with its reason.
Stated skips are `#checkov:skip=CKV_ID:reason` comments inside a block: they count as
skipped, not failed. A parsing error counts as a failure. --json prints the summaries as
one JSON document instead. Exit 0 no check failed, 1 a check failed (or a file did not
parse), 2 usage or set-up problem.
"""
import json
import os
from concurrent.futures import ThreadPoolExecutor
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _common import setup_error, tf_files, usage_if_no_dirs  # noqa: E402

SCRUB = ("BC_API_KEY", "BC_SOURCE", "PRISMA_API_URL", "BC_PLATFORM_URL", "CKV_API_KEY")


def checkov_python():
    env = os.environ.get("TSDSL_CHECKOV_PYTHON")
    if env:
        if not os.path.exists(env):
            setup_error(f"TSDSL_CHECKOV_PYTHON={env} does not exist")
        return env
    nested = os.path.join(sys.prefix, "checkov", "bin", "python")
    if os.path.exists(nested):
        return nested
    try:
        import checkov  # noqa: F401
        return sys.executable
    except ImportError:
        setup_error(f"no checkov: neither {nested} nor `import checkov` in {sys.executable}")


def child_env():
    env = {k: v for k, v in os.environ.items() if k not in SCRUB and not k.startswith(("BC_", "PRISMA_"))}
    env.update({
        "CHECKPOINT_DISABLE": "1",
        "AWS_EC2_METADATA_DISABLED": "true",
        "CHECKOV_RUN_SCA_PACKAGE_SCAN_V2": "false",
        "ENABLE_DEFINITION_KEY": "false",
        "LOG_LEVEL": "WARNING",
        "PYTHONWARNINGS": "ignore",
    })
    return env


def run_checkov(py, d):
    cmd = [py, "-m", "checkov.main", "-d", d, "--framework", "terraform", "-o", "json",
           "--skip-download", "--download-external-modules", "false", "--compact"]
    timeout = float(os.environ.get("TSDSL_CHECKOV_TIMEOUT", "300"))
    try:
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True, env=child_env(), timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, f"checkov did not finish within {timeout:.0f} s"
    # checkov exits 1 when a check failed: the JSON tells us that; anything else is a crash.
    try:
        doc = json.loads(p.stdout)
    except ValueError:
        tail = "\n".join((p.stderr or p.stdout).strip().splitlines()[-15:])
        return None, f"checkov exited {p.returncode} without a JSON report:\n{tail}"
    return doc, None


def summarize(d, doc):
    """checkov prints one report, a list of reports (several frameworks), or only a summary
    when there was nothing to scan."""
    reports = doc if isinstance(doc, list) else [doc]
    out = {"dir": d, "passed": 0, "failed": 0, "skipped": 0, "parsing_errors": 0, "resource_count": 0,
           "failed_checks": [], "skipped_checks": []}
    for r in reports:
        summary = r.get("summary", r)
        for k in ("passed", "failed", "skipped", "parsing_errors", "resource_count"):
            out[k] += int(summary.get(k, 0) or 0)
        results = r.get("results", {})
        for c in results.get("failed_checks", []):
            out["failed_checks"].append({
                "check_id": c.get("check_id"), "resource": c.get("resource"),
                "file": (c.get("file_path") or "").lstrip("/"), "lines": c.get("file_line_range"),
                "name": c.get("check_name"), "guideline": c.get("guideline")})
        for c in results.get("skipped_checks", []):
            out["skipped_checks"].append({
                "check_id": c.get("check_id"), "resource": c.get("resource"),
                "reason": (c.get("check_result") or {}).get("suppress_comment")})
        out["parsing_error_files"] = results.get("parsing_errors", [])
    out["failed_checks"].sort(key=lambda c: (c["resource"] or "", c["check_id"] or ""))
    out["skipped_checks"].sort(key=lambda c: (c["resource"] or "", c["check_id"] or ""))
    return out


def main(argv):
    as_json = "--json" in argv
    dirs = usage_if_no_dirs([a for a in argv if a != "--json"], __doc__)
    py = checkov_python()
    ok = True
    docs = []
    scannable = [d for d in dirs if tf_files(d)]
    jobs = int(os.environ.get("TSDSL_CHECKOV_JOBS", "0")) or min(len(scannable), os.cpu_count() or 1) or 1
    with ThreadPoolExecutor(max_workers=jobs) as pool:   # one checkov process per DIR
        reports = dict(zip(scannable, pool.map(lambda d: run_checkov(py, os.path.abspath(d)), scannable)))
    for d in dirs:
        if d not in reports:
            print(f"{d}: error: no .tf or .tf.json files")
            ok = False
            continue
        doc, err = reports[d]
        if err:
            print(f"{d}: error: {err}")
            ok = False
            continue
        s = summarize(d, doc)
        docs.append(s)
        bad = s["failed"] > 0 or s["parsing_errors"] > 0
        ok &= not bad
        if as_json:
            continue
        line = f"{d}: {s['passed']} passed, {s['failed']} failed, {s['skipped']} skipped ({s['resource_count']} resources)"
        if s["parsing_errors"]:
            line += f", {s['parsing_errors']} files did not parse: {', '.join(map(str, s['parsing_error_files']))}"
        print(line)
        for c in s["failed_checks"]:
            lines = "-".join(map(str, c["lines"] or []))
            print(f"  FAILED  {c['check_id']} {c['resource']} ({c['file']}:{lines}) {c['name']}")
        for c in s["skipped_checks"]:
            print(f"  skipped {c['check_id']} {c['resource']}: {c['reason']}")
    if as_json:
        print(json.dumps({"ok": ok, "directories": docs}, indent=2))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
