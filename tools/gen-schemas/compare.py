#!/usr/bin/env python3
"""Compare generated schemas with `terraform providers schema -json` output.

    compare.py REFERENCE_DIR [TYPE...]

REFERENCE_DIR holds `<provider>.json.zst` files from Terraform itself. Reports,
per type, attributes or blocks present on one side only, type differences and
required/optional/computed differences. Without TYPE arguments it checks the
types the stdlib uses (PRIORITY). Exit 1 when something differs.
"""

import json
import os
import subprocess
import sys

PRIORITY = """aws_vpc aws_subnet aws_internet_gateway aws_nat_gateway aws_eip aws_route_table aws_route
aws_route_table_association aws_flow_log aws_cloudwatch_log_group aws_iam_role aws_iam_role_policy
aws_iam_role_policy_attachment aws_iam_policy aws_iam_openid_connect_provider aws_iam_instance_profile
aws_kms_key aws_kms_alias aws_eks_cluster aws_eks_node_group aws_eks_addon aws_launch_template
aws_security_group aws_vpc_security_group_ingress_rule aws_vpc_security_group_egress_rule
aws_security_group_rule aws_ecs_cluster aws_ecs_capacity_provider aws_ecs_cluster_capacity_providers
aws_ecs_service aws_ecs_task_definition aws_autoscaling_group aws_appautoscaling_target
aws_appautoscaling_policy aws_ecr_repository aws_ecr_lifecycle_policy aws_db_instance
aws_db_subnet_group aws_db_parameter_group aws_lb aws_lb_listener aws_lb_target_group
aws_acm_certificate aws_acm_certificate_validation aws_route53_zone aws_route53_record
aws_cloudfront_distribution aws_wafv2_web_acl aws_wafv2_web_acl_association aws_cloudtrail
aws_s3_bucket aws_s3_bucket_versioning aws_s3_bucket_server_side_encryption_configuration
aws_s3_bucket_public_access_block aws_s3_bucket_policy aws_s3_bucket_lifecycle_configuration
aws_s3_bucket_logging aws_s3_bucket_ownership_controls aws_dynamodb_table aws_cloudwatch_metric_alarm
aws_sns_topic aws_sns_topic_subscription aws_secretsmanager_secret aws_ssm_parameter
data:aws_caller_identity data:aws_region data:aws_availability_zones data:aws_iam_policy_document
data:aws_ami data:aws_ssm_parameter data:aws_eks_cluster_auth data:aws_partition
kubernetes_namespace_v1 kubernetes_deployment_v1 kubernetes_service_v1
kubernetes_horizontal_pod_autoscaler_v2 kubernetes_pod_disruption_budget_v1 kubernetes_manifest
kubernetes_config_map_v1 kubernetes_service_account_v1 helm_release random_password random_id
random_string provider:aws provider:kubernetes provider:helm provider:random""".split()


def load(path):
    text = subprocess.run(["zstd", "-dc", path], capture_output=True, check=True).stdout
    doc = json.loads(text)
    return next(iter(doc["provider_schemas"].values()))


def nested_to_type(a):
    """A nested attribute as the plain type Terraform would give it."""
    if "nested_type" not in a:
        return norm_type(a.get("type"))
    nt = a["nested_type"]
    obj = ["object", {k: nested_to_type(v) for k, v in nt.get("attributes", {}).items()}]
    mode = nt.get("nesting_mode", "single")
    return obj if mode == "single" else [mode, obj]


def norm_type(t):
    if isinstance(t, list) and len(t) == 2 and t[0] == "object":
        return ["object", {k: norm_type(v) for k, v in t[1].items()}]
    if isinstance(t, list) and len(t) == 2:
        return [t[0], norm_type(t[1])]
    return t


def flags(a):
    return tuple(bool(a.get(k)) for k in ("required", "optional", "computed"))


def diff_block(path, mine, ref, out):
    ma, ra = mine.get("attributes", {}), ref.get("attributes", {})
    mb, rb = mine.get("block_types", {}), ref.get("block_types", {})
    for k in sorted(set(ma) | set(ra) | set(mb) | set(rb)):
        p = path + "." + k
        if k in ra and k in ma:
            if nested_to_type(ma[k]) != nested_to_type(ra[k]):
                out.append("%s: type %s, reference %s" % (p, json.dumps(nested_to_type(ma[k])), json.dumps(nested_to_type(ra[k]))))
            if flags(ma[k]) != flags(ra[k]):
                out.append("%s: flags (req,opt,comp) %s, reference %s" % (p, flags(ma[k]), flags(ra[k])))
            if ("nested_type" in ma[k]) != ("nested_type" in ra[k]):
                # only matters for arguments: output-only objects read the same
                if flags(ra[k]) != (False, False, True):
                    out.append("%s: nested attribute %s, reference %s" % (p, "nested_type" in ma[k], "nested_type" in ra[k]))
        elif k in rb and k in mb:
            a, b = mb[k], rb[k]
            for f in ("nesting_mode", "min_items", "max_items"):
                if a.get(f) != b.get(f):
                    out.append("%s: %s %s, reference %s" % (p, f, a.get(f), b.get(f)))
            diff_block(p, a["block"], b["block"], out)
        elif k in ra and k in mb:
            out.append("%s: block here, attribute in reference" % p)
        elif k in rb and k in ma:
            out.append("%s: attribute here, block in reference" % p)
        elif k in ra or k in rb:
            out.append("%s: missing here" % p)
        else:
            out.append("%s: not in reference" % p)


def main():
    refdir = sys.argv[1]
    names = sys.argv[2:] or PRIORITY
    here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "schemas")
    cache = {}
    total = 0
    for name in names:
        kind, _, tname = name.rpartition(":")
        prov = tname if kind == "provider" else tname.split("_", 1)[0]
        if prov not in cache:
            cache[prov] = (load(os.path.join(here, prov + ".json.zst")), load(os.path.join(refdir, prov + ".json.zst")))
        mine, ref = cache[prov]
        if kind == "provider":
            m, r = mine.get("provider"), ref.get("provider")
        else:
            key = "data_source_schemas" if kind == "data" else "resource_schemas"
            m, r = mine[key].get(tname), ref[key].get(tname)
        if m is None or r is None:
            print("%s: %s" % (name, "missing here" if m is None else "missing in reference"))
            total += 1
            continue
        out = []
        diff_block(name, m["block"], r["block"], out)
        for line in out:
            print(line)
        total += len(out)
    print("%d differences" % total, file=sys.stderr)
    sys.exit(1 if total else 0)


if __name__ == "__main__":
    main()
