//! Value checks the stdlib's option declarations name (`check: "cidr"`).
//! They know nothing of positions: the `options` primitive that calls them
//! attaches the operator's key.

pub mod aws_names;
pub mod catalog;
pub mod cidr;
pub mod formats;
pub mod names;
pub mod quantity;
pub mod raw;
pub mod windows;

/// Every check a declaration may name, with the line its documentation shows.
pub const CHECKS: &[(&str, &str)] = &[
    ("cidr", "an IPv4 CIDR block such as `10.0.0.0/16`"),
    ("ec2_instance_type", "an EC2 instance type that exists, such as `c5.large`"),
    ("rds_instance_class", "an RDS for MySQL instance class, such as `db.t3.micro`"),
    ("s3_bucket_name", "an S3 bucket name: 3-63 lowercase letters, digits, `.` and `-`"),
    ("rds_identifier", "an RDS identifier: 1-63 lowercase letters, digits and `-`, starting with a letter"),
    (
        "ecr_repository_name",
        "an ECR repository name: lowercase, `/`-separated parts of letters, digits, `.`, `_`, `-`",
    ),
    ("dns_name", "a DNS name such as `tickets.example.com`"),
    ("aws_region", "an AWS region such as `eu-west-1`"),
    ("chart_version", "a Helm chart version `MAJOR.MINOR.PATCH` such as `9.43.2`"),
    ("dynamodb_table", "a DynamoDB table name: 3-255 letters, digits, `_`, `-` and `.`"),
    ("json_object", "a JSON object, e.g. `tf::jsonencode(#{ ... })`"),
    ("http_path", "an HTTP path starting with `/`"),
    ("thumbprint", "a certificate thumbprint: 40 hexadecimal digits"),
    ("http_matcher", "HTTP codes from 200 to 499: `200`, `200,302` or `200-399`"),
    ("rds_backup_window", "a daily window `hh:mm-hh:mm` (UTC), 30 minutes at least"),
    ("rds_maintenance_window", "a weekly window `ddd:hh:mm-ddd:hh:mm` (UTC, `mon` to `sun`), 30 minutes at least"),
    ("availability_zone", "an availability zone name such as `eu-west-1a`"),
    ("k8s_name", "a Kubernetes name: lowercase letters, digits and `-`, at most 63"),
    ("k8s_cpu", "a Kubernetes CPU quantity such as `500m` or `1.5`"),
    ("k8s_memory", "a Kubernetes memory quantity such as `512Mi` or `2Gi`"),
    (
        "kms_alias",
        "a KMS alias name without `alias/`: letters, digits, `/`, `_`, `-`, not starting with `aws/`",
    ),
    ("name", "a resource name prefix: 1-20 lowercase letters, digits and `-`, starting with a letter, not ending with `-`"),
    (
        "pinned_image",
        "a container image pinned by a tag other than `latest` (`name:8.1.7`) or a digest (`name@sha256:...`); a tag known only at plan time passes",
    ),
];

/// Checks that also judge a string only partly known now (`repo.url +
/// ":latest"`): they are given its text with each plan-time part replaced
/// by [`UNKNOWN`], and pass what the unknown part could make right.
pub const PARTIAL: &[&str] = &["pinned_image", "kms_alias"];

/// Checks whose values have an order an `ordered` rule compares: the
/// value of a known string, by check name.
pub fn ordered_value(check: &str, value: &str) -> Option<f64> {
    match check {
        "k8s_cpu" | "k8s_memory" => quantity::value(value),
        _ => None,
    }
}

/// Stands for a part of a string known only at plan time ([`PARTIAL`]).
pub const UNKNOWN: char = '\u{FFFD}';

/// Runs the check called `name` on `value`: `Err` says what is wrong, and
/// may carry a suggestion.
pub fn run(name: &str, value: &str) -> Result<(), Failure> {
    match name {
        "cidr" => cidr::parse(value).map(|_| ()).map_err(Failure::plain),
        "ec2_instance_type" => catalog::ec2_instance_type(value),
        "rds_instance_class" => catalog::rds_instance_class(value),
        "s3_bucket_name" => names::s3_bucket(value).map_err(Failure::plain),
        "rds_identifier" => names::rds_identifier(value).map_err(Failure::plain),
        "ecr_repository_name" => names::ecr_repository(value).map_err(Failure::plain),
        "dns_name" => names::dns_name(value).map_err(Failure::plain),
        "aws_region" => names::aws_region(value).map_err(Failure::plain),
        "chart_version" => formats::chart_version(value).map_err(Failure::plain),
        "dynamodb_table" => formats::dynamodb_table(value).map_err(Failure::plain),
        "json_object" => formats::json_object(value).map_err(Failure::plain),
        "http_path" => formats::http_path(value).map_err(Failure::plain),
        "thumbprint" => formats::thumbprint(value).map_err(Failure::plain),
        "http_matcher" => formats::http_matcher(value).map_err(Failure::plain),
        "rds_backup_window" => windows::backup(value).map(|_| ()).map_err(Failure::plain),
        "rds_maintenance_window" => windows::maintenance(value).map(|_| ()).map_err(Failure::plain),
        "availability_zone" => names::availability_zone(value).map_err(Failure::plain),
        "k8s_name" => names::k8s_name(value).map_err(Failure::plain),
        "name" => names::prefix(value).map_err(Failure::plain),
        "kms_alias" => names::kms_alias(value),
        "k8s_cpu" => quantity::cpu(value).map_err(Failure::plain),
        "k8s_memory" => quantity::memory(value).map_err(Failure::plain),
        "pinned_image" => names::pinned_image(value).map_err(Failure::plain),
        other => Err(Failure::plain(format!("the stdlib names an unknown check `{other}`"))),
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub message: String,
    pub suggestion: Option<String>,
}

impl Failure {
    pub fn plain(message: String) -> Self {
        Failure { message, suggestion: None }
    }
}
