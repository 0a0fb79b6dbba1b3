//! Scripts Terraform accepts that tsdsl once wrote invalid (issue 8): each
//! must pass `tsdsl run` and Terraform's validate. Their refused twins are
//! error fixtures in `tests/fixtures/errors/` (`instance_keys.rhai`,
//! `expression_references.rhai`, `interpolation_in_plain_string.rhai`...).

use crate::support;

use support::{assert_oracle, tf_validate, Tsdsl};

/// Runs every script, then validates all their outputs in one oracle call.
fn accepted(scripts: &[(&str, &str)]) -> Vec<(String, String)> {
    let all = tempfile::tempdir().expect("tempdir");
    let mut outputs = Vec::new();
    let mut dirs = Vec::new();
    for (name, src) in scripts {
        let script = format!("{name}.rhai");
        let run = Tsdsl::new().script(&script, src).args(["run", &script, "-o", "out"]).run();
        run.assert_success();
        outputs.push((name.to_string(), run.read("out/main.tf")));
        let dest = all.path().join(name);
        copy_dir(&run.path().join("out"), &dest);
        dirs.push(dest);
    }
    assert_oracle(&tf_validate(&dirs));
    outputs
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).expect("folder");
    for e in std::fs::read_dir(from).expect("output folder").flatten() {
        std::fs::copy(e.path(), to.join(e.file_name())).expect("copy");
    }
}

const SECURITY_GROUP: &str = r#"
let sg = resource("aws_security_group", "web", #{
    name: "web",
    ingress: [#{ from_port: 443, to_port: 443, protocol: "tcp", cidr_blocks: ["0.0.0.0/0"] }],
    egress: #{ from_port: 0, to_port: 0, protocol: "-1", cidr_blocks: ["0.0.0.0/0"] },
});
"#;

#[test]
fn issue_8_scripts_are_written_valid() {
    let outs = accepted(&[
        ("security_group", SECURITY_GROUP),
        (
            "heredocs",
            r#"
resource("aws_ssm_parameter", "motd", #{
    name: "/shop/motd",
    type: "StringList",
    value: tf::join(",", [tf::expr("<<EOT\nhello\nEOT\n"), tf::upper(tf::expr("<<-EOT\n    shop\n    EOT\n"))]),
    description: tf::expr("<<EOT\nwhole heredoc\nEOT\n"),
});
"#,
        ),
        (
            "instances",
            r#"
variable("region", #{ type: "string", default: "eu-west-1" });
variable("db", #{
    type: "object({ name = string, port = optional(number, 5432) })",
    default: #{ name: "shop" },
});
variable("sizes", #{ type: "map(list(number))", default: #{ small: [1, 2] } });
let bastion = resource("aws_instance", "bastion", #{ count: 2, ami: "ami-1", instance_type: "t3.micro" });
let users = resource("aws_iam_user", "users", #{ for_each: ["alice", "bob"], name: tf::each_key() });
let media = resource("aws_s3_bucket", "media", #{ bucket: `media-${tf::var("region")}` });
resource("aws_s3_object", "index", #{
    bucket: media.bucket,
    key: "index.html",
    source: `${tf::path_module()}/site/index.html`,
    content_type: "${HOME} is shell text, kept literal",
});
output("first", bastion[0].id);
output("all", bastion.all().id);
output("alice", users.at("alice").arn);
output("ids", tf::expr("[for u in aws_iam_user.users : u.arn]"));
output("some", tf::expr("join(\",\", aws_instance.bastion[*].id)"));
output("where", tf::expr("\"${path.root}/${terraform.workspace}\""));
output("converted", tf::convert([1], "list(string)"));
output("core", tf::expr("core::length(convert([1], set(number)))"));
// A Terraform template's own variable, with a closure of the same parameter name.
let l = variable("l", #{ type: "list(string)", default: ["a"] });
output("joined", tf::expr("\"%{ for x in var.l }${x},%{ endfor }\""));
output("upper", tf::for_list(l, |x| tf::upper(x)));
"#,
        ),
    ]);
    // JSON has no block syntax for attributes: the left-out fields are `null`
    let json = Tsdsl::new()
        .script("sg.rhai", SECURITY_GROUP)
        .args(["run", "sg.rhai", "-o", "out", "--format", "json"])
        .run();
    json.assert_success();
    assert!(json.read("out/main.tf.json").contains("\"self\": null"));
    assert_oracle(&tf_validate(&[json.path().join("out")]));
    let sg = &outs[0].1;
    assert!(sg.contains("  ingress {\n"), "{sg}");
    assert!(!sg.contains("ingress = ["), "{sg}");
    let heredocs = &outs[1].1;
    assert!(heredocs.contains("description = <<EOT\n"), "{heredocs}");
    assert!(heredocs.contains("[\"hello\\n\", upper(\"shop\\n\")]"), "{heredocs}");
}

/// Every name Terraform reserves for a variable is refused, at the call.
#[test]
fn reserved_variable_names_are_refused() {
    for name in
        ["count", "source", "version", "providers", "for_each", "lifecycle", "depends_on", "locals"]
    {
        let src = format!("variable(\"{name}\", #{{ type: \"string\" }});\n");
        let out = Tsdsl::new()
            .script("v.rhai", &src)
            .args(["check", "v.rhai", "--message-format", "short"])
            .env("NO_COLOR", "1")
            .run();
        out.assert_status(1);
        out.assert_stderr_contains("tsdsl::model::reserved_name");
        out.assert_stderr_contains(&format!("`{name}` is reserved by Terraform"));
    }
}

const VPC_MODULE: &str = r#"variable "cidr" {
  type = string
}

variable "settings" {
  type    = object({ nat = bool, name = optional(string) })
  default = { nat = false }
}

output "vpc_id" {
  value = "vpc-${var.cidr}"
}
"#;

/// A local module's folder (relative to the output folder, as Terraform
/// reads it) gives its inputs' names and types and its outputs.
#[test]
fn local_module_inputs_and_outputs_are_checked() {
    let bad = Tsdsl::new()
        .file("out/modules/vpc/main.tf", VPC_MODULE)
        .script(
            "m.rhai",
            r#"let net = module("vpc", #{ source: "./modules/vpc", cidrr: "10.0.0.0/16", settings: #{ nat: "yes" } });
output("id", net.vpc_idd);
"#,
        )
        .args(["run", "m.rhai", "-o", "out", "--message-format", "short"])
        .env("NO_COLOR", "1")
        .run();
    bad.assert_status(1);
    for needle in [
        "error[tsdsl::schema::missing_required]: module `vpc` needs `cidr`",
        "has no variable `cidrr` (help: did you mean `cidr`?)",
        "input `settings` of module `vpc` does not fit `object`: expected bool, found string",
        "module `vpc` has no output `vpc_idd` (help: did you mean `vpc_id`?)",
    ] {
        bad.assert_stderr_contains(needle);
    }
    let good = Tsdsl::new()
        .file("out/modules/vpc/main.tf", VPC_MODULE)
        .script(
            "m.rhai",
            r#"let net = module("vpc", #{ source: "./modules/vpc", cidr: "10.0.0.0/16", settings: #{ nat: true } });
output("id", net.vpc_id);
output("also", tf::expr("module.vpc.vpc_id"));
"#,
        )
        .args(["run", "m.rhai", "-o", "out"])
        .run();
    good.assert_success();
    assert_oracle(&tf_validate(&[good.path().join("out")]));
}
