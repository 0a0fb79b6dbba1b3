#!/usr/bin/env python3
"""hcl2_parse.py DIR...: every .tf file of each DIR parses with python-hcl2.

A second, independent HCL parser (Lark grammar, PyPI python-hcl2) next to Terraform's
own: catches output that only happens to load in Terraform. `.tf.json` files are
checked to be JSON objects. Prints "DIR: OK (N files, M blocks)" or "DIR: N errors"
with "FILE:LINE:COL: error: ..." lines. Exit 0 all parsed, 1 a parse error, 2 usage
or set-up problem (python-hcl2 missing).
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _common import setup_error, tf_files, usage_if_no_dirs  # noqa: E402


def import_hcl2():
    try:
        from importlib.metadata import PackageNotFoundError, version
        try:
            version("python-hcl2")
        except PackageNotFoundError:
            setup_error(f"python-hcl2 is not installed for {sys.executable}")
        import hcl2
        return hcl2
    except ImportError as e:
        setup_error(f"cannot import hcl2 ({e})")


def position(e):
    line = getattr(e, "line", None)
    col = getattr(e, "column", None)
    if isinstance(line, int) and line > 0:
        return f"{line}:{col if isinstance(col, int) and col > 0 else 1}"
    return "1:1"


def count_blocks(doc):
    n = 0
    for key, value in doc.items():
        if key.startswith("__"):   # __comments__ and the like
            continue
        if isinstance(value, list):
            n += sum(1 for v in value if isinstance(v, dict))
    return n


def check_dir(hcl2, d):
    errors = []
    files = tf_files(d)
    if not files:
        errors.append(f"{d}: error: no .tf or .tf.json files")
    blocks = 0
    for name in files:
        path = os.path.join(d, name)
        try:
            with open(path, encoding="utf-8") as f:
                text = f.read()
        except (OSError, UnicodeDecodeError) as e:
            errors.append(f"{path}:1:1: error: cannot read: {e}")
            continue
        if name.endswith(".tf.json"):
            try:
                doc = json.loads(text)
                if not isinstance(doc, dict):
                    raise ValueError("the top level is not a JSON object")
            except ValueError as e:
                errors.append(f"{path}:1:1: error: {e}")
            continue
        try:
            doc = hcl2.loads(text)
        except Exception as e:   # lark's UnexpectedInput and friends, hcl2's own errors
            lines = str(e).strip().splitlines() or [""]
            msg = lines[0] + (" ..." if len(lines) > 1 else "")
            errors.append(f"{path}:{position(e)}: error: {type(e).__name__}: {msg}")
            continue
        if not isinstance(doc, dict):
            errors.append(f"{path}:1:1: error: parsed to {type(doc).__name__}, not a body")
            continue
        blocks += count_blocks(doc)
    if errors:
        print(f"{d}: {len(errors)} errors")
        for e in errors:
            print(f"  {e}")
        return False
    print(f"{d}: OK ({len(files)} files, {blocks} blocks)")
    return True


def main(argv):
    dirs = usage_if_no_dirs(argv, __doc__)
    hcl2 = import_hcl2()
    ok = True
    for d in dirs:
        ok &= check_dir(hcl2, d)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
