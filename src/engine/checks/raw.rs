//! The catalogs the stdlib checks its options with, applied to the same
//! attributes of raw `resource(...)` and `data(...)` blocks: `t3.mirco` is
//! as wrong in `aws_instance` as in `eks::node_group`.

use super::{catalog, Failure};

type Check = fn(&str) -> Result<(), Failure>;

/// `(block type, attribute, check)`: every literal string in the attribute
/// (or in the list it holds) must pass. A value known only at plan time is
/// not checked.
const CHECKED: &[(&str, &str, Check)] = &[
    ("aws_instance", "instance_type", catalog::ec2_instance_type),
    ("aws_launch_template", "instance_type", catalog::ec2_instance_type),
    ("aws_launch_configuration", "instance_type", catalog::ec2_instance_type),
    ("aws_spot_instance_request", "instance_type", catalog::ec2_instance_type),
    ("aws_ec2_instance_type", "instance_type", catalog::ec2_instance_type),
    ("aws_eks_node_group", "instance_types", catalog::ec2_instance_type),
    ("aws_db_instance", "instance_class", catalog::rds_any_instance_class),
    ("aws_rds_cluster_instance", "instance_class", catalog::rds_any_instance_class),
    ("aws_rds_cluster", "db_cluster_instance_class", catalog::rds_any_instance_class),
    ("aws_elasticache_cluster", "node_type", catalog::elasticache_node_type),
    ("aws_elasticache_replication_group", "node_type", catalog::elasticache_node_type),
];

/// The checks that apply to attributes of `type_name`.
pub fn for_type(type_name: &str) -> impl Iterator<Item = (&'static str, Check)> + '_ {
    CHECKED.iter().filter(move |(t, _, _)| *t == type_name).map(|(_, a, c)| (*a, *c))
}
