use indexmap::IndexMap;

use super::*;
use crate::diagnostics::{Code, Diagnostic, Locus, Target};
use crate::model::{
    BlockKind, Body, Item, Meta, Origin, PathSeg, Provider, Reference, Resource, ShapedBlock, Site,
    Stack, Value,
};

fn origin() -> Origin {
    Origin::new(vec![Site { file: "main.rhai".into(), line: 3, col: 5 }])
}

fn map(entries: Vec<(&str, Value)>) -> Value {
    Value::Map(entries.into_iter().map(|(k, v)| (k.to_owned(), v)).collect::<IndexMap<_, _>>())
}

fn args(entries: Vec<(&str, Value)>) -> IndexMap<String, Value> {
    entries.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
}

fn resource(kind: BlockKind, type_name: &str, attrs: Vec<(&str, Value)>) -> Resource {
    Resource {
        kind,
        type_name: type_name.into(),
        name: "this".into(),
        attrs: args(attrs),
        meta: Meta::default(),
        checkov_skips: Vec::new(),
        origin: origin(),
    }
}

fn run(resources: Vec<Resource>) -> (Vec<Body>, Vec<Diagnostic>) {
    let mut stack = Stack::new("test");
    stack.resources = resources;
    let (shaped, diags) = check(&stack, &Schemas::embedded());
    (shaped.resources, diags)
}

fn codes(diags: &[Diagnostic]) -> Vec<Code> {
    diags.iter().map(|d| d.code).collect()
}

fn locus(d: &Diagnostic) -> (Vec<PathSeg>, Target) {
    match &d.primary {
        Some(Locus::InCall { path, target, .. }) => (path.clone(), *target),
        other => panic!("unexpected locus {other:?}"),
    }
}

fn key(k: &str) -> PathSeg {
    PathSeg::Key(k.into())
}

fn s(v: &str) -> Value {
    Value::from(v)
}

#[test]
fn a_valid_vpc_passes_and_keeps_attribute_order() {
    let (bodies, diags) = run(vec![resource(
        BlockKind::Resource,
        "aws_vpc",
        vec![
            ("enable_dns_support", Value::Bool(true)),
            ("cidr_block", s("10.0.0.0/16")),
            ("tags", map(vec![("Name", s("main"))])),
        ],
    )]);
    assert!(diags.is_empty(), "{diags:?}");
    let names: Vec<&str> = bodies[0]
        .items
        .iter()
        .map(|i| match i {
            Item::Attr(n, _) => n.as_str(),
            Item::Block(b) => b.ident.as_str(),
        })
        .collect();
    assert_eq!(names, ["enable_dns_support", "cidr_block", "tags"]);
}

#[test]
fn unknown_attribute_suggests_and_points_at_the_key() {
    let (_, diags) =
        run(vec![resource(BlockKind::Resource, "aws_vpc", vec![("cidr_blok", s("10.0.0.0/16"))])]);
    assert_eq!(codes(&diags), [Code::SchemaUnknownAttribute]);
    assert_eq!(diags[0].message, "unknown attribute `cidr_blok` for resource type `aws_vpc`");
    assert_eq!(diags[0].help, ["did you mean `cidr_block`?"]);
    assert_eq!(locus(&diags[0]), (vec![key("cidr_blok")], Target::Key));
}

#[test]
fn unknown_types_suggest_close_names() {
    let (_, diags) = run(vec![
        resource(BlockKind::Resource, "aws_s3_bukcet", vec![]),
        resource(BlockKind::Data, "aws_caller_identiy", vec![]),
    ]);
    assert_eq!(codes(&diags), [Code::SchemaUnknownResourceType, Code::SchemaUnknownDataSource]);
    assert_eq!(diags[0].help, ["did you mean `aws_s3_bucket`?"]);
    assert_eq!(diags[1].help, ["did you mean `aws_caller_identity`?"]);
    assert_eq!(locus(&diags[0]), (vec![], Target::Call));
}

#[test]
fn missing_required_names_every_argument() {
    let (_, diags) =
        run(vec![resource(BlockKind::Resource, "aws_iam_role_policy_attachment", vec![])]);
    assert_eq!(codes(&diags), [Code::SchemaMissingRequired]);
    assert!(
        diags[0].message.contains("`policy_arn`") && diags[0].message.contains("`role`"),
        "{}",
        diags[0].message
    );
    assert_eq!(locus(&diags[0]), (vec![], Target::Call));
}

#[test]
fn missing_required_inside_a_block_points_at_the_block() {
    // eks vpc_config requires subnet_ids
    let (_, diags) = run(vec![resource(
        BlockKind::Resource,
        "aws_eks_cluster",
        vec![
            ("name", s("c")),
            ("role_arn", s("arn")),
            ("vpc_config", map(vec![("endpoint_private_access", Value::Bool(true))])),
        ],
    )]);
    assert_eq!(codes(&diags), [Code::SchemaMissingRequired]);
    assert!(diags[0].message.contains("`subnet_ids`"));
    assert_eq!(locus(&diags[0]), (vec![key("vpc_config")], Target::Key));
}

#[test]
fn wrong_type_says_terraform_type_and_points_at_the_value() {
    let (_, diags) = run(vec![resource(
        BlockKind::Resource,
        "aws_security_group",
        vec![
            ("name", s("sg")),
            ("tags", Value::List(vec![s("a")])),
            ("revoke_rules_on_delete", s("maybe")),
        ],
    )]);
    assert_eq!(codes(&diags), [Code::SchemaWrongType, Code::SchemaWrongType]);
    assert_eq!(diags[0].message, "wrong type for `tags`: expected map of string, found list");
    assert_eq!(locus(&diags[0]), (vec![key("tags")], Target::Value));
    assert_eq!(
        diags[1].message,
        "wrong type for `revoke_rules_on_delete`: expected bool, found string"
    );
}

#[test]
fn lenient_conversions_and_unknown_values_pass() {
    let r = Value::Ref(Reference::new("aws_vpc").attr("this").attr("id"));
    let (_, diags) = run(vec![
        resource(BlockKind::Resource, "aws_vpc", vec![("cidr_block", s("10.0.0.0/16"))]),
        resource(
            BlockKind::Resource,
            "aws_subnet",
            vec![
                ("vpc_id", r.clone()),
                ("cidr_block", Value::Call { name: "cidrsubnet".into(), args: vec![] }),
                ("map_public_ip_on_launch", s("true")),
                ("availability_zone", Value::Int(1)),
                ("tags", r),
            ],
        ),
    ]);
    assert!(diags.is_empty(), "{diags:?}");
}

#[test]
fn computed_only_attributes_cannot_be_given() {
    let (bodies, diags) = run(vec![resource(
        BlockKind::Resource,
        "aws_vpc",
        vec![("arn", s("x")), ("cidr_block", s("10.0.0.0/16"))],
    )]);
    assert_eq!(codes(&diags), [Code::SchemaComputedOnly]);
    assert_eq!(diags[0].message, "`arn` is set by AWS, it cannot be given");
    assert_eq!(locus(&diags[0]), (vec![key("arn")], Target::Key));
    assert_eq!(bodies[0].items.len(), 1);
}

#[test]
fn maps_become_blocks_and_lists_of_maps_several() {
    let (bodies, diags) = run(vec![resource(
        BlockKind::Resource,
        "aws_s3_bucket_lifecycle_configuration",
        vec![
            (
                "rule",
                Value::List(vec![
                    map(vec![
                        ("id", s("a")),
                        ("status", s("Enabled")),
                        ("expiration", map(vec![("days", Value::Int(30))])),
                    ]),
                    map(vec![("id", s("b")), ("status", s("Enabled"))]),
                ]),
            ),
            ("bucket", s("b")),
        ],
    )]);
    assert!(diags.is_empty(), "{diags:?}");
    let items = &bodies[0].items;
    // attributes first, then blocks
    assert!(matches!(&items[0], Item::Attr(n, _) if n == "bucket"));
    let Item::Block(ShapedBlock { ident, body, .. }) = &items[1] else { panic!("{items:?}") };
    assert_eq!(ident, "rule");
    assert!(body.items.iter().any(|i| matches!(i, Item::Block(b) if b.ident == "expiration")));
    assert!(matches!(&items[2], Item::Block(b) if b.ident == "rule"));
}

#[test]
fn too_many_blocks_for_a_single_block() {
    let one = map(vec![("subnet_ids", Value::List(vec![s("a")]))]);
    let (_, diags) = run(vec![resource(
        BlockKind::Resource,
        "aws_eks_cluster",
        vec![
            ("name", s("c")),
            ("role_arn", s("arn")),
            ("vpc_config", Value::List(vec![one.clone(), one])),
        ],
    )]);
    assert_eq!(codes(&diags), [Code::SchemaTooManyBlocks]);
    assert_eq!(locus(&diags[0]), (vec![key("vpc_config")], Target::Value));
}

#[test]
fn too_few_blocks_when_an_empty_list_is_given() {
    let (_, diags) = run(vec![resource(
        BlockKind::Resource,
        "aws_eks_cluster",
        vec![("name", s("c")), ("role_arn", s("arn")), ("vpc_config", Value::List(vec![]))],
    )]);
    assert_eq!(codes(&diags), [Code::SchemaTooFewBlocks]);
}

#[test]
fn scalars_for_a_block_and_maps_for_a_scalar() {
    let (_, diags) = run(vec![resource(
        BlockKind::Resource,
        "aws_s3_bucket_versioning",
        vec![
            ("bucket", map(vec![("name", s("x"))])),
            ("versioning_configuration", Value::List(vec![s("Enabled")])),
        ],
    )]);
    assert_eq!(codes(&diags), [Code::SchemaAttributeAsBlock, Code::SchemaBlockAsAttribute]);
    assert_eq!(
        locus(&diags[1]),
        (vec![key("versioning_configuration"), PathSeg::Index(0)], Target::Value)
    );
}

#[test]
fn nested_attributes_stay_attributes() {
    // helm 3: `set` is a list attribute of objects, one map is taken as a list of one
    let (bodies, diags) = run(vec![resource(
        BlockKind::Resource,
        "helm_release",
        vec![
            ("name", s("r")),
            ("chart", s("c")),
            ("set", map(vec![("name", s("a")), ("value", s("b"))])),
        ],
    )]);
    assert!(diags.is_empty(), "{diags:?}");
    assert!(
        matches!(&bodies[0].items[2], Item::Attr(n, Value::List(l)) if n == "set" && l.len() == 1)
    );

    let (_, diags) = run(vec![resource(
        BlockKind::Resource,
        "helm_release",
        vec![
            ("name", s("r")),
            ("chart", s("c")),
            ("set", Value::List(vec![map(vec![("nme", s("a"))])])),
        ],
    )]);
    assert_eq!(codes(&diags), [Code::SchemaUnknownAttribute, Code::SchemaMissingRequired]);
    assert_eq!(diags[0].help, ["did you mean `name`?"]);
    assert_eq!(locus(&diags[0]), (vec![key("set"), PathSeg::Index(0), key("nme")], Target::Key));
    assert_eq!(locus(&diags[1]), (vec![key("set"), PathSeg::Index(0)], Target::Key));
}

#[test]
fn every_problem_is_reported() {
    let (_, diags) = run(vec![
        resource(
            BlockKind::Resource,
            "aws_vpc",
            vec![("cidr_blok", s("x")), ("arn", s("y")), ("tags", Value::Int(1))],
        ),
        resource(BlockKind::Resource, "aws_nope_nope_nope", vec![]),
    ]);
    assert_eq!(diags.len(), 4, "{diags:?}");
}

#[test]
fn provider_config_is_shaped() {
    let mut stack = Stack::new("t");
    stack.providers.push(Provider {
        name: "aws".into(),
        alias: None,
        config: args(vec![
            ("region", s("eu-west-3")),
            ("default_tags", map(vec![("tags", map(vec![("a", s("b"))]))])),
        ]),
        origin: origin(),
    });
    stack.providers.push(Provider {
        name: "helm".into(),
        alias: None,
        config: args(vec![("kubernetes", map(vec![("host", s("h"))]))]),
        origin: origin(),
    });
    let (shaped, diags) = check(&stack, &Schemas::embedded());
    assert!(diags.is_empty(), "{diags:?}");
    assert!(matches!(&shaped.providers[0].items[1], Item::Block(b) if b.ident == "default_tags"));
    assert!(matches!(&shaped.providers[1].items[0], Item::Attr(n, _) if n == "kubernetes"));
}

#[test]
fn lookups_for_handles() {
    let s = Schemas::embedded();
    assert_eq!(s.lookup_attribute(BlockKind::Resource, "aws_vpc", "arn"), AttrLookup::Found);
    assert_eq!(
        s.lookup_attribute(BlockKind::Resource, "aws_vpc", "arm"),
        AttrLookup::Unknown { suggestion: Some("arn".into()) }
    );
    assert_eq!(s.lookup_attribute(BlockKind::Resource, "aws_vpcc", "arn"), AttrLookup::UnknownType);
    assert!(s.has_type(BlockKind::Data, "aws_iam_policy_document"));
    assert!(s.has_type(BlockKind::Data, "terraform_remote_state"));
    assert!(s.has_type(BlockKind::Resource, "terraform_data"));
    assert!(s.has_type(BlockKind::Provider, "kubernetes"));
    assert!(!s.has_type(BlockKind::Data, "aws_vpc_security_group_ingress_rule"));
    assert_eq!(
        s.suggest_type(BlockKind::Resource, "random_pasword").as_deref(),
        Some("random_password")
    );
    assert_eq!(s.provider_address("aws"), Some("registry.terraform.io/hashicorp/aws"));
}

#[test]
fn embedded_schemas_load_lazily() {
    // A cache of its own: `embedded()` shares the process's, which other
    // tests fill.
    let s = Schemas::embedded_sharing(&crate::schema::SchemaCache::default());
    assert_eq!(s.parsed_types(), 0);
    assert!(s.has_type(BlockKind::Resource, "aws_vpc"));
    assert!(s.has_type(BlockKind::Resource, "aws_vpc"));
    assert_eq!(s.parsed_types(), 1, "one type parsed, and only once");
    assert!(s.has_type(BlockKind::Data, "aws_ami"));
    assert_eq!(s.parsed_types(), 2);
}

#[test]
fn load_file_replaces_providers_and_reports_bad_files() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("schema.json");
    std::fs::write(
        &good,
        r#"{"format_version":"1.0","provider_schemas":{"registry.terraform.io/hashicorp/tls":{
            "provider":{"version":0,"block":{}},
            "resource_schemas":{"tls_private_key":{"version":0,"block":{"attributes":{
                "algorithm":{"type":"string","required":true},
                "public_key_pem":{"type":"string","computed":true}}}}},
            "data_source_schemas":{}}}}"#,
    )
    .unwrap();
    let mut s = Schemas::embedded();
    assert!(!s.has_type(BlockKind::Resource, "tls_private_key"));
    s.load_file(&good).unwrap();
    assert!(s.has_type(BlockKind::Resource, "tls_private_key"));
    assert!(s.has_type(BlockKind::Resource, "aws_vpc"));
    assert_eq!(
        s.lookup_attribute(BlockKind::Resource, "tls_private_key", "public_key_pem"),
        AttrLookup::Found
    );

    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, r#"{"provider_schemas":{"x/y/z":{"resource_schemas":{"z_a":{"block":{"attributes":{"a":{"type":"strin"}}}}}}}}"#).unwrap();
    let e = s.load_file(&bad).unwrap_err();
    assert_eq!(e.code, Code::SchemaBadSchemaFile);
    let e = s.load_file(&dir.path().join("missing.json")).unwrap_err();
    assert_eq!(e.code, Code::SchemaBadSchemaFile);
}

#[test]
fn map_nesting_blocks_take_labels() {
    let mut s = Schemas::empty();
    s.load_json(&serde_json::json!({"provider_schemas": {"x/y/demo": {"resource_schemas": {"demo_thing": {"block": {
        "block_types": {"slot": {"nesting_mode": "map", "block": {"attributes": {"size": {"type": "number", "optional": true}}}}}
    }}}}}}))
    .unwrap();
    let mut stack = Stack::new("t");
    stack.resources.push(resource(
        BlockKind::Resource,
        "demo_thing",
        vec![("slot", map(vec![("a", map(vec![("size", Value::Int(1))])), ("b", map(vec![]))]))],
    ));
    let (shaped, diags) = check(&stack, &s);
    assert!(diags.is_empty(), "{diags:?}");
    let labels: Vec<&[String]> = shaped.resources[0]
        .items
        .iter()
        .filter_map(|i| match i {
            Item::Block(b) => Some(b.labels.as_slice()),
            _ => None,
        })
        .collect();
    assert_eq!(labels, [["a".to_owned()], ["b".to_owned()]]);
}

/// `cargo test --release --lib schema::tests::timing -- --ignored --nocapture`
#[test]
#[ignore]
fn timing() {
    const TYPES: &[&str] = &[
        "aws_vpc",
        "aws_subnet",
        "aws_internet_gateway",
        "aws_nat_gateway",
        "aws_eip",
        "aws_route_table",
        "aws_route",
        "aws_route_table_association",
        "aws_flow_log",
        "aws_cloudwatch_log_group",
        "aws_iam_role",
        "aws_iam_role_policy",
        "aws_iam_policy",
        "aws_kms_key",
        "aws_kms_alias",
        "aws_eks_cluster",
        "aws_eks_node_group",
        "aws_launch_template",
        "aws_security_group",
        "aws_ecs_service",
        "aws_ecs_task_definition",
        "aws_lb",
        "aws_lb_listener",
        "aws_lb_target_group",
        "aws_db_instance",
        "aws_cloudfront_distribution",
        "aws_wafv2_web_acl",
        "aws_s3_bucket",
        "aws_dynamodb_table",
        "aws_sns_topic",
    ];
    let t = std::time::Instant::now();
    let s = Schemas::embedded();
    let built = t.elapsed();
    for ty in TYPES {
        let t = std::time::Instant::now();
        assert!(s.has_type(BlockKind::Resource, ty), "{ty}");
        if t.elapsed() > std::time::Duration::from_millis(1) {
            println!("  {ty}: {:?}", t.elapsed());
        }
    }
    let looked = t.elapsed();
    println!("embedded(): {built:?}; + {} aws types: {looked:?}", TYPES.len());
}

#[test]
fn wafv2_rule_statements_are_blocks() {
    let statement = map(vec![(
        "managed_rule_group_statement",
        map(vec![("name", s("AWSManagedRulesCommonRuleSet")), ("vendor_name", s("AWS"))]),
    )]);
    let rule = map(vec![
        ("name", s("common")),
        ("priority", Value::Int(1)),
        ("override_action", map(vec![("none", map(vec![]))])),
        ("statement", statement),
        (
            "visibility_config",
            map(vec![
                ("cloudwatch_metrics_enabled", Value::Bool(true)),
                ("metric_name", s("common")),
                ("sampled_requests_enabled", Value::Bool(true)),
            ]),
        ),
    ]);
    let (bodies, diags) = run(vec![resource(
        BlockKind::Resource,
        "aws_wafv2_web_acl",
        vec![
            ("name", s("acl")),
            ("scope", s("REGIONAL")),
            ("default_action", map(vec![("allow", map(vec![]))])),
            ("rule", Value::List(vec![rule])),
            (
                "visibility_config",
                map(vec![
                    ("cloudwatch_metrics_enabled", Value::Bool(true)),
                    ("metric_name", s("acl")),
                    ("sampled_requests_enabled", Value::Bool(true)),
                ]),
            ),
        ],
    )]);
    assert!(diags.is_empty(), "{diags:?}");
    let rule = bodies[0].items.iter().find_map(|i| match i {
        Item::Block(b) if b.ident == "rule" => Some(b),
        _ => None,
    });
    let rule = rule.expect("a rule block");
    assert!(rule.body.items.iter().any(|i| matches!(i, Item::Block(b) if b.ident == "statement")));
}

#[test]
fn partial_objects_of_a_list_of_objects_attribute_become_blocks() {
    let rule = map(vec![
        ("from_port", Value::Int(443)),
        ("to_port", Value::Int(443)),
        ("protocol", s("tcp")),
        ("cidr_blocks", Value::List(vec![s("0.0.0.0/0")])),
    ]);
    let (bodies, diags) = run(vec![resource(
        BlockKind::Resource,
        "aws_security_group",
        vec![("ingress", Value::List(vec![rule])), ("egress", map(vec![("protocol", s("-1"))]))],
    )]);
    assert!(diags.is_empty(), "{diags:?}");
    let blocks: Vec<&ShapedBlock> = bodies[0]
        .items
        .iter()
        .filter_map(|i| match i {
            Item::Block(b) => Some(b),
            Item::Attr(..) => None,
        })
        .collect();
    assert_eq!(blocks.iter().map(|b| b.ident.as_str()).collect::<Vec<_>>(), ["ingress", "egress"]);
    assert!(blocks[0].body.implicit_nulls.contains(&"description".to_owned()));
    assert!(!blocks[0].body.implicit_nulls.contains(&"from_port".to_owned()));
}

#[test]
fn a_list_of_objects_with_a_typo_or_a_non_map_is_refused() {
    let (_, diags) = run(vec![resource(
        BlockKind::Resource,
        "aws_security_group",
        vec![("ingress", Value::List(vec![map(vec![("from_prot", Value::Int(1))])]))],
    )]);
    assert_eq!(codes(&diags), [Code::SchemaUnknownAttribute]);
    assert_eq!(diags[0].help, ["did you mean `from_port`?"]);
    // a reference among the maps: attribute syntax, so every field is needed
    let r = Value::Ref(Reference::new("local").attr("rule"));
    let (_, diags) = run(vec![resource(
        BlockKind::Resource,
        "aws_security_group",
        vec![("ingress", Value::List(vec![map(vec![("from_port", Value::Int(1))]), r]))],
    )]);
    assert_eq!(codes(&diags), [Code::SchemaMissingRequired, Code::ModelUndefinedReference]);
}

/// A build whose embedded schema of a known type is damaged reports an
/// internal error at the call, never "unknown resource type".
#[test]
fn a_damaged_embedded_schema_is_an_internal_error_not_an_unknown_type() {
    use super::embedded::EmbeddedProvider;
    // Valid zstd around bytes that are not the binary schema form.
    let bad_json = br#"{"block":{"attributes":{"name":{"type":"strng"}}}}"#;
    let frame = ruzstd::encoding::compress_to_vec(
        &bad_json[..],
        ruzstd::encoding::CompressionLevel::Fastest,
    );
    let len = frame.len();
    let mut blob = frame;
    blob.extend_from_slice(b"not a zstd frame");
    let blob: &'static [u8] = Box::leak(blob.into_boxed_slice());
    let resources: &'static [(&'static str, usize, usize)] =
        Box::leak(Box::new([("demo_bad_frame", len, 16), ("demo_bad_json", 0, len)]));
    let providers: &'static [EmbeddedProvider] = Box::leak(Box::new([EmbeddedProvider {
        name: "demo",
        address: "example.com/x/demo",
        blob,
        provider: (len, 16),
        resources,
        data_sources: &[],
    }]));
    let schemas = Schemas::with_embedded(providers);
    let mut stack = Stack::new("test");
    stack.resources = vec![
        resource(BlockKind::Resource, "demo_bad_json", vec![("name", s("x"))]),
        resource(BlockKind::Resource, "demo_bad_frame", vec![]),
        resource(BlockKind::Resource, "demo_unknown", vec![]),
    ];
    let (_, diags) = check(&stack, &schemas);
    assert_eq!(
        codes(&diags),
        [
            Code::InternalEmbeddedSchema,
            Code::InternalEmbeddedSchema,
            Code::SchemaUnknownResourceType
        ],
        "{diags:#?}"
    );
    assert!(diags[0].message.contains("resource type `demo_bad_json`"), "{}", diags[0].message);
    assert!(diags[0].message.contains("built into tsdsl does not parse: "), "{}", diags[0].message);
    assert!(diags[1].message.contains("does not decode"), "{}", diags[1].message);
    let err = crate::diagnostics::Error::Script {
        diagnostics: diags,
        sources: crate::diagnostics::SourceMap::default(),
    };
    assert_eq!(err.exit_code(), 70);
}

/// A provider key that is not a source address is refused, not loaded under
/// the name of its last part: `../../aws` replaced the built-in `aws`, and
/// `x` or a four-part key loaded a provider no type reached.
#[test]
fn a_schema_key_must_be_a_source_address() {
    let doc = |key: &str| {
        serde_json::json!({"provider_schemas": {key: {"resource_schemas": {"aws_zzz": {"block": {
            "attributes": {"a": {"type": "string", "optional": true}}}}}}}})
    };
    for (key, says) in [
        ("../../aws", "`..` is not a host name"),
        ("x", "(1 parts)"),
        ("registry.terraform.io/hashicorp/aws/extra", "(4 parts)"),
        ("registry.terraform.io/evil/Aws", "its type `Aws` is not lowercase"),
        ("registry.terraform.io/-evil/aws", "its namespace `-evil`"),
        ("registry terraform.io/hashicorp/aws", "is not a host name"),
    ] {
        let mut s = Schemas::embedded();
        let e = s.load_json(&doc(key)).unwrap_err();
        assert!(e.contains(says) && e.contains("HOST/NAMESPACE/TYPE"), "{key}: {e}");
        assert!(s.block(BlockKind::Resource, "aws_vpc").is_some(), "{key} replaced aws");
    }
    for key in ["registry.terraform.io/hashicorp/aws", "localhost:8080/acme/aws", "x/y/aws"] {
        let mut s = Schemas::embedded();
        s.load_json(&doc(key)).unwrap();
        assert!(s.block(BlockKind::Resource, "aws_zzz").is_some(), "{key}");
        assert_eq!(s.provider_address("aws"), Some(key));
    }
}
