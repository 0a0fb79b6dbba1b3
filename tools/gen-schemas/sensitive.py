"""Terraform's `sensitive` flag for the generated schemas.

The CDK provider packages that gen_schemas.py reads do not record which
attributes a provider treats as secret. Pulumi's bridged provider packages
on the npm registry do: each resource class built from the Terraform
provider lists the properties Pulumi keeps as secrets
(`additionalSecretOutputs: ["password", ...]`, and `pulumi.secret(args.x)`
for inputs), which the bridge derives from the Terraform schema's
`Sensitive`. Pulumi names resources its own way (`aws:rds/instance:Instance`
for `aws_db_instance`), so each Terraform type is matched with the Pulumi
class whose properties are the same set of names (camelCase to snake_case),
and only a clear match is used.

Limits: Pulumi lists top-level properties only, so attributes inside nested
blocks are not flagged; a type without a clear match gets no flag. tsdsl
also checks names (`password`, `secret_string`...), which covers much of
the rest.
"""
import os
import re

TYPE_RE = re.compile(r"static __pulumiType = '([^']+)'")
STATE_RE = re.compile(r'resourceInputs\["(\w+)"\] = state\?\.')
ARGS_RE = re.compile(r'resourceInputs\["(\w+)"\] = args\?\.')
SECRET_INPUT_RE = re.compile(r'resourceInputs\["(\w+)"\] = args\?\.\w+ \? pulumi\.secret\(')
SECRET_OUTPUTS_RE = re.compile(r"additionalSecretOutputs: \[([^\]]*)\]")

# Below this share of common names (Jaccard), a Terraform type and a Pulumi
# class are not taken for the same resource.
MIN_SCORE = 0.75
# The best match must beat the second best by this much.
MIN_LEAD = 0.1


def snake(name):
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


def pulumi_classes(root):
    """{pulumi type token: (property names, secret names)}, snake_case."""
    out = {}
    for dirpath, _, files in os.walk(root):
        if "node_modules" in dirpath:
            continue
        for f in files:
            if not f.endswith(".js"):
                continue
            with open(os.path.join(dirpath, f), encoding="utf-8") as fh:
                js = fh.read()
            m = TYPE_RE.search(js)
            if not m:
                continue
            props = {snake(p) for p in STATE_RE.findall(js)} | {snake(p) for p in ARGS_RE.findall(js)}
            secrets = {snake(p) for p in SECRET_INPUT_RE.findall(js)}
            for group in SECRET_OUTPUTS_RE.findall(js):
                secrets |= {snake(p) for p in re.findall(r'"(\w+)"', group)}
            if props:
                out[m.group(1)] = (frozenset(props), frozenset(secrets))
    return out


def names_of(block):
    return frozenset(block.get("attributes", {})) | frozenset(block.get("block_types", {}))


def token_names(token):
    """The Terraform type names a Pulumi token may stand for:
    `aws:pinpoint/apnsVoipChannel:ApnsVoipChannel` -> aws_pinpoint_apns_voip_channel
    or aws_apns_voip_channel; `random:index/randomPassword:...` -> random_password."""
    provider, _, rest = token.partition(":")
    module, _, name = rest.partition(":")[0].partition("/")
    name = snake(name)
    out = set()
    for n in (name, module + "_" + name):
        out.add(n if n.startswith(provider + "_") else provider + "_" + n)
    return out


# A type whose name a Pulumi token spells needs only this share of names.
MIN_SCORE_NAMED = 0.5


def match(tf_type, names, classes, index, by_name):
    """The Pulumi class that is clearly this type, or None: the one whose
    token spells the type's name when their names agree enough, else the
    one whose names are clearly the same set."""
    def score(token):
        props = classes[token][0]
        return len(names & props) / len(names | props)

    named = [t for t in by_name.get(tf_type, ()) if score(t) >= MIN_SCORE_NAMED]
    if len(named) == 1:
        return named[0]
    candidates = set()
    for n in names:
        candidates |= index.get(n, set())
    scored = sorted((score(token), token) for token in candidates)
    scored.reverse()
    if not scored or scored[0][0] < MIN_SCORE:
        return None
    if len(scored) > 1 and scored[0][0] - scored[1][0] < MIN_LEAD:
        return None
    return scored[0][1]


def flag(schema, root, provider_token):
    """Marks `sensitive: true` on the top-level attributes of `schema`
    (one provider's entry: provider, resource_schemas) that the Pulumi
    package at `root` keeps secret. Returns (types matched, attributes flagged)."""
    classes = pulumi_classes(root)
    index, by_name = {}, {}
    for token, (props, _) in classes.items():
        for p in props:
            index.setdefault(p, set()).add(token)
        for n in token_names(token):
            by_name.setdefault(n, []).append(token)
    matched = flagged = 0
    targets = [(t, s["block"], None) for t, s in sorted(schema["resource_schemas"].items())]
    if schema.get("provider") and provider_token in classes:
        targets.append(("provider", schema["provider"]["block"], provider_token))
    for tf_type, block, token in targets:
        token = token or match(tf_type, names_of(block), classes, index, by_name)
        if token is None:
            continue
        matched += 1
        secrets = classes[token][1]
        for name, attr in block.get("attributes", {}).items():
            if name in secrets:
                attr["sensitive"] = True
                flagged += 1
    return matched, flagged
