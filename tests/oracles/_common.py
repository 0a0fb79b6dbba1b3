"""Helpers shared by the oracle scripts in this folder (not an oracle itself).

Every oracle takes DIR... (tsdsl output folders), prints one verdict line per DIR
("DIR: OK ..." or "DIR: N errors") with details indented below, and exits
0 when every DIR passed, 1 when some DIR failed, 2 on a usage or set-up problem.
"""
import os
import sys

TF_SUFFIXES = (".tf", ".tf.json")


def usage_if_no_dirs(argv, doc):
    dirs = [a for a in argv if not a.startswith("-")]
    if not dirs or "-h" in argv or "--help" in argv:
        print(doc.strip(), file=sys.stderr)
        sys.exit(0 if ("-h" in argv or "--help" in argv) else 2)
    return dirs


def tf_files(d):
    """The Terraform files of DIR, sorted; raises SystemExit(2) if DIR is not a folder."""
    if not os.path.isdir(d):
        print(f"{d}: not a directory", file=sys.stderr)
        sys.exit(2)
    return sorted(f for f in os.listdir(d) if f.endswith(TF_SUFFIXES) and os.path.isfile(os.path.join(d, f)))


def setup_error(msg):
    print(f"set-up problem: {msg}\n(tools/test-all.sh sets up every oracle: .venv/ and the schema provider; "
          "`tools/test-all.sh --setup` prints the variables to export)", file=sys.stderr)
    sys.exit(2)
