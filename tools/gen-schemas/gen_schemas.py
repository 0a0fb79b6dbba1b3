#!/usr/bin/env python3
"""Derive Terraform provider schemas from the prebuilt CDK provider packages.

The packages are generated from `terraform providers schema -json` by the
cdktf/cdktn code generator, which writes the schema back out in three
places we can read without running any JavaScript:

* `synthesizeHclAttributes()` / `<struct>ToHclTerraform()` list every input
  argument with its Terraform name, whether it is a block, its collection
  kind and an element type (`storageClassType`);
* `// name - computed: X, optional: Y, required: Z` comments precede every
  member of a resource class and of each nested `...OutputReference` class,
  including output-only attributes (`arn`, `id`);
* getters say the type of output-only attributes (`getStringAttribute`,
  `new FooList(this, "foo", wrapsSet)`...), and a member backed by a
  `...OutputReference` instead of a `...List` is a block with max_items 1.

Output: `schemas/<provider>.json.zst`, in the shape of
`terraform providers schema -json`, descriptions dropped. See README.md.
"""

import base64
import json
import os
import re
import subprocess
import sys
import tarfile
import tempfile

import sensitive  # beside this file

# Exact versions: change them here, rerun, commit the outputs.
PACKAGES = {
    "aws": {"npm": "@cdktn/provider-aws@25.7.0", "nested_attributes": False,
            "sensitive": ("@pulumi/aws@7.48.0", "aws")},
    # SDKv2 has no single-nested blocks besides `timeouts`; the one "struct"
    # block of the provider (kubernetes_manifest `wait_for`) is an object attribute.
    "kubernetes": {"npm": "@cdktf/provider-kubernetes@12.1.1", "nested_attributes": False, "single_is_object": True},
    # terraform-provider-helm 3.x is built on the plugin framework and has no
    # blocks at all; the generator renders its nested attributes like blocks,
    # so they are turned back into nested attributes here.
    "helm": {"npm": "@cdktf/provider-helm@12.1.2", "nested_attributes": True},
    "random": {"npm": "@cdktn/provider-random@15.0.1", "nested_attributes": False,
               "sensitive": ("@pulumi/random@4.21.2", "random")},
}

FLAGS_RE = re.compile(
    r"^\s*// (\w+) - computed: (true|false), optional: (true|false), required: (true|false)\s*$",
    re.M,
)
HCL_ENTRY_RE = re.compile(
    r"(\w+): \{\s*value: ([^\n]*),\s*isBlock: (true|false),\s*type: \"(\w+)\",\s*storageClassType: \"(\w+)\",\s*\}"
)
STRUCT_FN_RE = re.compile(r"(?<!cdktn\.)(?<!cdktf\.)\b([a-z]\w*)ToHclTerraform\b")
SCALAR_GETTERS = {
    "getStringAttribute": "string",
    "getNumberAttribute": "number",
    "getBooleanAttribute": "bool",
    "getListAttribute": ["list", "string"],
    "getNumberListAttribute": ["list", "number"],
    "getStringMapAttribute": ["map", "string"],
    "getNumberMapAttribute": ["map", "number"],
    "getBooleanMapAttribute": ["map", "bool"],
    "getAnyMapAttribute": "dynamic",
    "interpolationForAttribute": "dynamic",
}
BUILTIN_MAPS = {
    "StringMap": ["map", "string"],
    "NumberMap": ["map", "number"],
    "BooleanMap": ["map", "bool"],
    "AnyMap": ["map", "dynamic"],
    "StringListMap": ["map", ["list", "string"]],
    "NumberListMap": ["map", ["list", "number"]],
    "BooleanListMap": ["map", ["list", "bool"]],
    "StringMapList": ["list", ["map", "string"]],
    "NumberMapList": ["list", ["map", "number"]],
    "BooleanMapList": ["list", ["map", "bool"]],
}
SCALAR_SCT = {"string": "string", "number": "number", "boolean": "bool", "any": "dynamic"}


def split_units(js):
    """Top-level functions and classes by name; the generator always closes
    them with a `}` in column 0."""
    funcs, classes = {}, {}
    lines = js.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        m = re.match(r"^(function|class) (\w+)", line)
        if not m:
            i += 1
            continue
        j = i + 1
        while j < len(lines) and lines[j] != "}":
            j += 1
        body = "\n".join(lines[i : j + 1])
        (funcs if m.group(1) == "function" else classes)[m.group(2)] = body
        i = j + 1
    return funcs, classes


def parse_interfaces(dts):
    """`export interface X { readonly camel?: T; }` -> {X: {camel: optional}}."""
    out = {}
    for m in re.finditer(r"^export interface (\w+)[^{]*\{(.*?)^\}", dts, re.M | re.S):
        members = {}
        for mm in re.finditer(r"^\s*readonly (\w+)(\??):", m.group(2), re.M):
            members[mm.group(1)] = mm.group(2) == "?"
        out[m.group(1)] = members
    return out


def hcl_entries(body):
    out = []
    for m in HCL_ENTRY_RE.finditer(body):
        name, value, is_block, kind, sct = m.groups()
        camels = re.findall(r"\b(?:struct|this)\.(_?\w+)", value)
        camel = camels[-1].lstrip("_") if camels else None
        fn = STRUCT_FN_RE.search(value)
        out.append(
            {
                "name": name,
                "camel": camel,
                "block": is_block == "true",
                "kind": kind,
                "sct": sct,
                "struct": fn.group(1) if fn else None,
            }
        )
    return out


def class_flags(body):
    return {
        m.group(1): {"computed": m.group(2) == "true", "optional": m.group(3) == "true", "required": m.group(4) == "true"}
        for m in FLAGS_RE.finditer(body or "")
    }


def embedded_ts(js):
    m = re.search(r"^//# sourceMappingURL=data:application/json;base64,(\S+)", js, re.M)
    if not m:
        return ""
    try:
        sm = json.loads(base64.b64decode(m.group(1)))
    except ValueError:
        return ""
    return "\n".join(c or "" for c in sm.get("sourcesContent") or [])


def cap(s):
    return s[:1].upper() + s[1:]


SCT_TYPES = {
    "stringList": ["list", "string"],
    "numberList": ["list", "number"],
    "booleanList": ["list", "bool"],
    "stringMap": ["map", "string"],
    "numberMap": ["map", "number"],
    "booleanMap": ["map", "bool"],
    # free-form objects (kubernetes_manifest `manifest`) are `dynamic`
    "anyMap": "dynamic",
    "stringListList": ["list", ["list", "string"]],
    "stringListMap": ["map", ["list", "string"]],
    "stringMapMap": ["map", ["map", "string"]],
    "stringMapList": ["list", ["map", "string"]],
}


def sct_type(sct, kind):
    """Type of an input attribute from its storageClassType; `kind` tells a
    set from a list, which the storage class does not."""
    if sct in SCALAR_SCT:
        return SCALAR_SCT[sct]
    t = SCT_TYPES.get(sct)
    if t is None:
        return None
    if isinstance(t, str):
        return t
    if t[0] == "list" and kind == "set":
        return ["set", t[1]]
    return list(t)


class Package:
    def __init__(self, root, nested_attributes, single_is_object=False):
        self.root = root
        self.nested_attributes = nested_attributes
        self.single_is_object = single_is_object
        self.warnings = []

    def load_module(self, d):
        """All generated sources of one type: `index.js` and, in older
        packages, `index-structs/*.js`, with their TypeScript sources."""
        js_parts, dts_parts, ts_parts = [], [], []
        for root, _, files in os.walk(d):
            for f in sorted(files):
                p = os.path.join(root, f)
                if f.endswith(".d.ts"):
                    dts_parts.append(open(p).read())
                elif f.endswith(".js"):
                    text = open(p).read()
                    js_parts.append(text)
                    ts_parts.append(embedded_ts(text))
        js = "\n".join(js_parts)
        funcs, classes = split_units(js)
        _, ts_classes = split_units("\n".join(ts_parts).replace("\nexport class ", "\nclass "))
        return {
            "js": js,
            "funcs": funcs,
            "classes": classes,
            "ts_classes": ts_classes,
            "ifaces": parse_interfaces("\n".join(dts_parts)),
            "dir": d,
        }

    def flags_of(self, mod, cls):
        """tsc drops the flag comments of plain properties from the JS of
        older packages; the TypeScript source in the source map keeps them."""
        f = class_flags(mod["ts_classes"].get(cls))
        f.update(class_flags(mod["classes"].get(cls)))
        return f

    # -- output-only types, from getters ------------------------------------
    def getter_type(self, mod, class_body, name, depth=0):
        if class_body is None:
            return None
        m = re.search(r"new (?:cdkt[nf]\.)?(\w+)\(this, \"%s\"(?:, (true|false))?\)" % re.escape(name), class_body)
        if m:
            cls, wraps_set = m.group(1), m.group(2) == "true"
            if cls in BUILTIN_MAPS:
                return BUILTIN_MAPS[cls]
            return self.complex_class_type(mod, cls, wraps_set, depth)
        m = re.search(r"(cdkt[nf]\.Fn\.tolist\()?this\.(\w+)\('%s'\)" % re.escape(name), class_body)
        if m and m.group(2) in SCALAR_GETTERS:
            t = SCALAR_GETTERS[m.group(2)]
            if m.group(1) and isinstance(t, list) and t[0] == "list":
                return ["set", t[1]]
            return t
        return None

    def complex_class_type(self, mod, cls, wraps_set, depth):
        classes = mod["classes"]
        if depth > 12:
            return "dynamic"
        if cls.endswith("OutputReference"):
            return ["object", self.object_attrs(mod, cls, depth + 1)]
        body = classes.get(cls)
        if body is None:
            self.warnings.append("%s: no class %s" % (mod["dir"], cls))
            return "dynamic"
        m = re.search(r"new (\w+OutputReference)\(", body)
        if not m:
            return "dynamic"
        obj = ["object", self.object_attrs(mod, m.group(1), depth + 1)]
        if cls.endswith("Map"):
            return ["map", obj]
        return ["set" if wraps_set else "list", obj]

    def object_attrs(self, mod, ref_cls, depth):
        body = mod["classes"].get(ref_cls)
        out = {}
        for name in self.flags_of(mod, ref_cls):
            t = self.getter_type(mod, body, name, depth)
            out[name] = t if t is not None else "dynamic"
        return out

    # -- blocks --------------------------------------------------------------
    def block(self, mod, entries, cls_name, iface, depth=0):
        """Schema block for one body: the entries of its ToHclTerraform, the
        flags and getters of its class, the optionality of its interface."""
        cls_body = mod["classes"].get(cls_name)
        flags = self.flags_of(mod, cls_name)
        by_name = {e["name"]: e for e in entries}
        attributes, block_types = {}, {}
        names = list(flags) + [e["name"] for e in entries if e["name"] not in flags]
        for name in names:
            e = by_name.get(name)
            f = flags.get(name)
            if f is None:
                # no class (provider structs): the interface says required
                optional = iface.get(e["camel"], True) if e and e["camel"] else True
                f = {"computed": False, "optional": optional, "required": not optional}
            if e is None:
                # output only
                t = self.getter_type(mod, cls_body, name)
                if t is None:
                    self.warnings.append("%s: no type for output %s" % (mod["dir"], name))
                    t = "dynamic"
                attributes[name] = {"type": t, "computed": True}
                continue
            if e["block"] or (e["struct"] and e["kind"] != "simple" and e["sct"] not in SCALAR_SCT):
                nested = self.struct_block(mod, e["struct"], depth)
                if nested is None:
                    continue
                nesting = {"list": "list", "set": "set", "map": "map", "struct": "single"}.get(e["kind"], "list")
                single_ref = cls_body is not None and re.search(
                    r"new \w+OutputReference\(this, \"%s\"\)" % re.escape(name), cls_body
                )
                if self.single_is_object and nesting == "single" and name != "timeouts":
                    obj = ["object", {k: nested_to_type(v) for k, v in self.flatten_to_attrs(nested).items()}]
                    a = {"type": obj}
                    a.update(flag_dict(f))
                    attributes[name] = a
                    continue
                if f["computed"] and e["block"]:
                    # SDKv2 "attributes as blocks" (security group `ingress`):
                    # Terraform's schema has a set/list-of-objects attribute
                    obj = ["object", {k: nested_to_type(v) for k, v in self.flatten_to_attrs(nested).items()}]
                    a = {"type": obj if nesting == "single" else [nesting, obj]}
                    a.update(flag_dict(f))
                    attributes[name] = a
                    continue
                if self.nested_attributes or not e["block"]:
                    a = {"nested_type": {"attributes": self.flatten_to_attrs(nested), "nesting_mode": nesting}}
                    a.update(flag_dict(f))
                    attributes[name] = a
                    continue
                bt = {"nesting_mode": nesting, "block": nested}
                if nesting in ("list", "set"):
                    if f["required"]:
                        bt["min_items"] = 1
                    if single_ref:
                        bt["max_items"] = 1
                block_types[name] = bt
                continue
            t = sct_type(e["sct"], e["kind"])
            if t is None:
                self.warnings.append("%s: unknown storageClassType %s for %s" % (mod["dir"], e["sct"], name))
                t = "dynamic"
            if isinstance(t, str) and e["kind"] in ("list", "set"):
                t = [e["kind"], t]
            a = {"type": t}
            a.update(flag_dict(f))
            attributes[name] = a
        out = {}
        if attributes:
            out["attributes"] = attributes
        if block_types:
            out["block_types"] = block_types
        return out

    def flatten_to_attrs(self, block):
        """A nested block as the attributes of a nested attribute (helm 3)."""
        attrs = dict(block.get("attributes", {}))
        for name, bt in block.get("block_types", {}).items():
            a = {"nested_type": {"attributes": self.flatten_to_attrs(bt["block"]), "nesting_mode": bt["nesting_mode"]}}
            a["required" if bt.get("min_items") else "optional"] = True
            attrs[name] = a
        return attrs

    def struct_block(self, mod, struct_fn, depth):
        if struct_fn is None or depth > 12:
            return {}
        fn = mod["funcs"].get(struct_fn + "ToHclTerraform")
        if fn is None:
            self.warnings.append("%s: no function %sToHclTerraform" % (mod["dir"], struct_fn))
            return None
        struct = cap(struct_fn)
        return self.block(
            mod,
            hcl_entries(fn),
            struct + "OutputReference",
            mod["ifaces"].get(struct, {}),
            depth + 1,
        )

    def main_classes(self, mod):
        for cname, body in mod["classes"].items():
            k = re.search(r"^class \w+ extends cdkt[nf]\.(Terraform\w+)", body)
            if not k:
                continue
            # cdktn writes a static field, older cdktf assigns it after the class
            m = re.search(r"static tfResourceType = \"(\w+)\"", body) or re.search(
                r"^%s\.tfResourceType = \"(\w+)\"" % cname, mod["js"], re.M
            )
            if m:
                yield cname, m.group(1), k.group(1), body

    def schema(self):
        lib = os.path.join(self.root, "lib")
        out = {"provider": None, "resource_schemas": {}, "data_source_schemas": {}}
        for d in sorted(os.listdir(lib)):
            path = os.path.join(lib, d)
            if not os.path.isfile(os.path.join(path, "index.js")):
                continue
            mod = self.load_module(path)
            for cname, tf_type, kind, body in self.main_classes(mod):
                synth = re.search(r"synthesizeHclAttributes\(\) \{(.*?)\n    \}", body, re.S)
                entries = hcl_entries(synth.group(1)) if synth else []
                iface = mod["ifaces"].get(cname + "Config", {})
                blk = self.block(mod, entries, cname, iface)
                if kind == "TerraformProvider":
                    # a meta-argument, not part of the provider's schema
                    blk.get("attributes", {}).pop("alias", None)
                sch = {"version": 0, "block": blk}
                if kind == "TerraformResource":
                    out["resource_schemas"][tf_type] = sch
                elif kind == "TerraformDataSource":
                    out["data_source_schemas"][tf_type] = sch
                elif kind == "TerraformProvider":
                    out["provider"] = sch
        return out


def nested_to_type(a):
    if "nested_type" not in a:
        return a["type"]
    nt = a["nested_type"]
    obj = ["object", {k: nested_to_type(v) for k, v in nt["attributes"].items()}]
    return obj if nt["nesting_mode"] == "single" else [nt["nesting_mode"], obj]


TOP_LEVEL_ONLY = ("managed_rule_group_statement", "rate_based_statement", "rule_group_reference_statement")


def prune_statements(block, levels, nested=False):
    """Drops the logical statements (and/or/not) below `levels` nested
    `statement` blocks, as the SDKv2 WAFv2 resources do at 3; statements
    inside and/or/not cannot be managed rule groups, rate-based or rule
    group references."""
    out = {k: v for k, v in block.items() if k != "block_types"}
    bts = {}
    for name, bt in block.get("block_types", {}).items():
        if levels <= 1 and name in ("and_statement", "or_statement", "not_statement"):
            continue
        if nested and name in TOP_LEVEL_ONLY:
            continue
        if name in ("statement", "scope_down_statement"):
            bts[name] = dict(bt, block=prune_statements(bt["block"], levels - 1, nested=True))
        else:
            bts[name] = dict(bt, block=prune_statements(bt["block"], levels))
    if bts:
        out["block_types"] = bts
    return out


def graft_wafv2_statements(sch):
    """The package types the rule `statement` of aws_wafv2_web_acl and
    aws_wafv2_rule_group as `any`, yet Terraform wants blocks there. The
    same statement is typed in aws_wafv2_web_acl_rule: graft it, three
    levels deep like the provider's own schema, one block per rule."""
    donor = sch["resource_schemas"].get("aws_wafv2_web_acl_rule", {}).get("block", {}).get("block_types", {}).get("statement")
    if donor is None:
        return
    for t in ("aws_wafv2_web_acl", "aws_wafv2_rule_group"):
        rule = sch["resource_schemas"].get(t, {}).get("block", {}).get("block_types", {}).get("rule")
        if rule is None or rule["block"].get("attributes", {}).get("statement", {}).get("type") != "dynamic":
            continue
        del rule["block"]["attributes"]["statement"]
        bt = {"nesting_mode": "list", "min_items": 1, "max_items": 1, "block": prune_statements(donor["block"], 3)}
        rule["block"].setdefault("block_types", {})["statement"] = bt


def flag_dict(f):
    if f["required"]:
        return {"required": True}
    d = {}
    if f["optional"] or not f["computed"]:
        d["optional"] = True
    if f["computed"]:
        d["computed"] = True
    return d


def fetch(spec, into):
    """`npm pack` the exact version and unpack it: no install scripts run and
    no peer dependencies are needed, we only read the generated sources."""
    subprocess.run(["npm", "pack", "--silent", spec], cwd=into, check=True, stdout=subprocess.DEVNULL)
    tgz = [f for f in os.listdir(into) if f.endswith(".tgz")]
    dest = os.path.join(into, "unpacked")
    with tarfile.open(os.path.join(into, tgz[0])) as t:
        t.extractall(dest, filter="data")
    return os.path.join(dest, "package")


def flag_sensitive(name, cfg, sch, tmp):
    """Terraform's `sensitive` flags, from the Pulumi package named in
    PACKAGES (see sensitive.py); kubernetes and helm have none to read."""
    if "sensitive" not in cfg:
        return
    spec, token = cfg["sensitive"]
    into = os.path.join(tmp, "sensitive")
    os.makedirs(into, exist_ok=True)
    root = os.environ.get("GEN_SCHEMAS_SENSITIVE_" + name.upper()) or fetch(spec, into)
    matched, flagged = sensitive.flag(sch, root, token)
    print("%s: %s matched %d types, %d sensitive attributes" % (name, spec, matched, flagged))


def main():
    repo = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
    outdir = os.path.join(repo, "schemas")
    only = sys.argv[1:] or list(PACKAGES)
    for name in only:
        cfg = PACKAGES[name]
        with tempfile.TemporaryDirectory(prefix="gen-schemas-") as tmp:
            root = os.environ.get("GEN_SCHEMAS_PKG_" + name.upper()) or fetch(cfg["npm"], tmp)
            with open(os.path.join(root, "package.json")) as f:
                meta = json.load(f)
            address = meta["cdktf"]["provider"]["name"]
            pkg = Package(root, cfg["nested_attributes"], cfg.get("single_is_object", False))
            sch = pkg.schema()
            if name == "aws":
                graft_wafv2_statements(sch)
            flag_sensitive(name, cfg, sch, tmp)
            for w in pkg.warnings:
                print("warning: " + w, file=sys.stderr)
            doc = {"format_version": "1.0", "provider_schemas": {address: sch}}
            text = json.dumps(doc, separators=(",", ":"), sort_keys=True).encode()
            target = os.path.join(outdir, name + ".json.zst")
            subprocess.run(["zstd", "-19", "-q", "-f", "-o", target], input=text, check=True)
            print(
                "%s: %s %s -> %s (%d resources, %d data sources, %d bytes json)"
                % (name, cfg["npm"], meta["cdktf"]["provider"]["version"], target,
                   len(sch["resource_schemas"]), len(sch["data_source_schemas"]), len(text))
            )


if __name__ == "__main__":
    main()
