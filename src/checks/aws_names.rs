//! Names AWS keeps unique that two blocks of one stack would both take: an
//! IAM role `k-node` made by `eks::cluster "k"` and by `eks::irsa_role
//! "k-node"`, a KMS alias made by `rds::mysql` and by `kms::key`. Their
//! Terraform addresses differ, so Terraform accepts the output; AWS refuses
//! the second at apply. Only names known now are compared (a name built
//! from a reference is Terraform's to judge), and resources with `count` or
//! `for_each` are left out (their instances are told apart at plan time).

use std::collections::HashMap;

use crate::diagnostics::{Code, Diagnostic, Locus, Target};
use crate::model::{BlockKind, Resource, Stack, Value};

/// `(resource type, the attribute AWS keeps unique, what it is called,
/// attributes the name is unique within)`.
const UNIQUE: &[(&str, &str, &str, &[&str])] = &[
    ("aws_iam_role", "name", "IAM role", &[]),
    ("aws_iam_policy", "name", "IAM policy", &[]),
    ("aws_iam_instance_profile", "name", "IAM instance profile", &[]),
    ("aws_iam_user", "name", "IAM user", &[]),
    ("aws_kms_alias", "name", "KMS alias", &[]),
    ("aws_s3_bucket", "bucket", "S3 bucket", &[]),
    ("aws_cloudwatch_log_group", "name", "CloudWatch log group", &[]),
    ("aws_cloudwatch_metric_alarm", "alarm_name", "CloudWatch alarm", &[]),
    ("aws_db_instance", "identifier", "DB instance", &[]),
    ("aws_db_subnet_group", "name", "DB subnet group", &[]),
    ("aws_db_parameter_group", "name", "DB parameter group", &[]),
    ("aws_ecr_repository", "name", "ECR repository", &[]),
    ("aws_ecs_cluster", "name", "ECS cluster", &[]),
    ("aws_ecs_service", "name", "ECS service", &["cluster"]),
    ("aws_eks_cluster", "name", "EKS cluster", &[]),
    ("aws_eks_node_group", "node_group_name", "EKS node group", &["cluster_name"]),
    ("aws_lb", "name", "load balancer", &[]),
    ("aws_lb_target_group", "name", "target group", &[]),
    ("aws_launch_template", "name", "launch template", &[]),
    ("aws_autoscaling_group", "name", "Auto Scaling group", &[]),
    ("aws_dynamodb_table", "name", "DynamoDB table", &[]),
    ("aws_sns_topic", "name", "SNS topic", &[]),
    ("aws_cloudtrail", "name", "CloudTrail trail", &[]),
    ("aws_secretsmanager_secret", "name", "Secrets Manager secret", &[]),
    ("aws_security_group", "name", "security group", &["vpc_id"]),
    ("aws_wafv2_web_acl", "name", "web ACL", &["scope"]),
];

/// What made a block, in the operator's words: `eks::cluster "k"`, or the
/// block's own address for a raw `resource(...)`.
fn maker(stack: &Stack, r: &Resource) -> String {
    let address = r.address();
    stack.block_calls.get(&address).and_then(|c| c.label()).unwrap_or(address)
}

/// One error per name taken twice, at the call that takes it again.
pub fn duplicate_aws_names(stack: &Stack) -> Vec<Diagnostic> {
    let mut taken: HashMap<(String, String, String), &Resource> = HashMap::new();
    let mut out = Vec::new();
    for r in &stack.resources {
        if r.kind != BlockKind::Resource || r.meta.count.is_some() || r.meta.for_each.is_some() {
            continue;
        }
        let Some((_, attr, what, within)) = UNIQUE.iter().find(|u| u.0 == r.type_name) else {
            continue;
        };
        let Some(Value::String(name)) = r.attrs.get(*attr) else { continue };
        // IAM names are unique regardless of case; a name is unique per
        // provider (region and account) and within its scope attributes.
        let name_key =
            if r.type_name.starts_with("aws_iam_") { name.to_lowercase() } else { name.clone() };
        let provider = r.meta.provider.as_ref().map(|p| p.to_string()).unwrap_or_default();
        let scope: Vec<String> = within.iter().map(|a| format!("{:?}", r.attrs.get(*a))).collect();
        let key = (r.type_name.clone(), format!("{provider}|{}", scope.join("|")), name_key);
        match taken.get(&key) {
            None => {
                taken.insert(key, r);
            }
            Some(first) => {
                let (this, that) = (maker(stack, r), maker(stack, first));
                let message = if this == that {
                    format!("`{this}` makes the {what} `{name}` twice: AWS refuses the second")
                } else {
                    format!(
                        "`{this}` makes the {what} `{name}`, which `{that}` makes too: AWS refuses the second"
                    )
                };
                out.push(
                    Diagnostic::error(Code::ModelDuplicateName, message)
                        .at_path(&r.origin, Vec::new(), Target::Call)
                        .label(format!("makes the {what} `{name}` again"))
                        .secondary(Locus::from(&first.origin), format!("first made here, by `{that}`"))
                        .help(format!(
                            "change the {what} name of one of the two: it comes from the block's `name` (`identifier`, `alias`), or from the argument of a raw resource"
                        )),
                );
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::aws::AccountSource;

    fn messages(script: &str) -> Vec<String> {
        let asked = AccountSource::from_fn(|| panic!("asked"));
        let ev = crate::engine::evaluate_files(&[("main.rhai", script)], asked);
        assert!(!ev.has_errors(), "{:?}", ev.diagnostics);
        super::duplicate_aws_names(&ev.stack).into_iter().map(|d| d.message).collect()
    }

    #[test]
    fn a_name_taken_twice_is_one_error_naming_both_makers() {
        let m = messages(
            "resource(\"aws_s3_bucket\", \"a\", #{ bucket: \"logs-1\" });\n\
             resource(\"aws_s3_bucket\", \"b\", #{ bucket: \"logs-1\" });\n\
             resource(\"aws_iam_role\", \"c\", #{ name: \"Deploy\", assume_role_policy: \"{}\" });\n\
             resource(\"aws_iam_role\", \"d\", #{ name: \"deploy\", assume_role_policy: \"{}\" });\n",
        );
        assert_eq!(
            m,
            [
                "`aws_s3_bucket.b` makes the S3 bucket `logs-1`, which `aws_s3_bucket.a` makes too: AWS refuses the second",
                "`aws_iam_role.d` makes the IAM role `deploy`, which `aws_iam_role.c` makes too: AWS refuses the second",
            ]
        );
    }

    #[test]
    fn other_regions_scopes_and_plan_time_names_are_not_compared() {
        let m = messages(
            "let east = provider(\"aws\", #{ alias: \"east\", region: \"us-east-1\" });\n\
             provider(\"aws\", #{ region: \"eu-west-1\" });\n\
             resource(\"aws_kms_alias\", \"a\", #{ name: \"alias/x\", target_key_id: \"k\" });\n\
             resource(\"aws_kms_alias\", \"b\", #{ name: \"alias/x\", target_key_id: \"k\", provider: east });\n\
             resource(\"aws_security_group\", \"c\", #{ name: \"web\", vpc_id: \"vpc-1\" });\n\
             resource(\"aws_security_group\", \"d\", #{ name: \"web\", vpc_id: \"vpc-2\" });\n\
             let v = variable(\"n\", #{ type: \"string\" });\n\
             resource(\"aws_sns_topic\", \"e\", #{ name: v });\n\
             resource(\"aws_sns_topic\", \"f\", #{ name: v });\n",
        );
        assert!(m.is_empty(), "{m:?}");
    }
}
