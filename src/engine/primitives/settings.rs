//! `terraform(...)` and `backend(...)`: the `terraform {}` block.

use rhai::{Dynamic, Engine, NativeCallContext};

use crate::diagnostics::{Code, Target};
use crate::model::{Backend, Origin, PathSeg, ProviderRequirement, Value};

use super::super::context::CtxRef;
use super::super::errors::bail;
use super::{check_keys, map_arg, name_arg, origin_of, value_at, Res};

const TERRAFORM_KEYS: &[&str] = &["required_version", "required_providers"];

/// What a `required_providers` entry of a stack (a root module) takes.
const REQUIREMENT_KEYS: &[&str] = &["source", "version"];

/// Arguments of Terraform's S3 backend (1.15): any other is refused, with did-you-mean.
const S3_BACKEND_KEYS: &[&str] = &[
    "bucket",
    "key",
    "region",
    "dynamodb_table",
    "use_lockfile",
    "encrypt",
    "kms_key_id",
    "acl",
    "workspace_key_prefix",
    "profile",
    "shared_credentials_files",
    "shared_config_files",
    "assume_role",
    "skip_region_validation",
    "skip_credentials_validation",
    "sse_customer_key",
    "dynamodb_endpoint",
    "endpoints",
    "use_path_style",
    "allowed_account_ids",
    "forbidden_account_ids",
    "max_retries",
    // The rest of Terraform's S3 backend (less its deprecated names):
    // S3-compatible stores (R2, MinIO, Ceph) need the `skip_*` ones.
    "sts_region",
    "access_key",
    "secret_key",
    "token",
    "retry_mode",
    "skip_requesting_account_id",
    "skip_metadata_api_check",
    "skip_s3_checksum",
    "assume_role_with_web_identity",
    "custom_ca_bundle",
    "ec2_metadata_service_endpoint",
    "ec2_metadata_service_endpoint_mode",
    "http_proxy",
    "https_proxy",
    "no_proxy",
    "insecure",
    "use_fips_endpoint",
    "use_dualstack_endpoint",
];

/// The backends Terraform has (`terraform init` refuses any other name).
const BACKENDS: &[&str] = &[
    "local",
    "remote",
    "s3",
    "azurerm",
    "gcs",
    "consul",
    "cos",
    "http",
    "kubernetes",
    "oss",
    "pg",
];

pub(crate) fn register(engine: &mut Engine, ctx: &CtxRef) {
    let c = ctx.clone();
    engine.register_fn("terraform", move |nc: NativeCallContext, cfg: Dynamic| {
        terraform(&c, &nc, cfg)
    });
    let c = ctx.clone();
    engine.register_fn("backend", move |nc: NativeCallContext, kind: Dynamic, cfg: Dynamic| {
        backend(&c, &nc, kind, cfg)
    });
}

fn terraform(ctx: &CtxRef, nc: &NativeCallContext, cfg: Dynamic) -> Res<()> {
    let origin = origin_of(nc);
    let map = map_arg(&origin, &cfg, "`terraform`")?;
    check_keys(&origin, &map, TERRAFORM_KEYS, "`terraform`")?;
    let mut c = ctx.borrow_mut();
    c.stack.terraform.origin = origin.clone();
    if let Some(v) = map.get("required_version") {
        let path = vec![PathSeg::key("required_version")];
        let version = name_arg(&origin, v, "`required_version`")?;
        constraint(&origin, &path, &version)?;
        // A second call used to replace the first's pins without a word.
        if let Some(before) = &c.stack.terraform.required_version {
            if *before != version {
                bail!(
                    (&origin, path, Target::Value),
                    Code::ModelDuplicateName,
                    "`required_version` is already `{before}`, set by an earlier `terraform(...)`";
                    help: "set it once: keep one of the two constraints, or join them with a comma"
                );
            }
        }
        c.stack.terraform.required_version = Some(version);
    }
    if let Some(p) = map.get("required_providers") {
        let providers = map_arg(&origin, p, "`required_providers`")?;
        for (name, req) in &providers {
            let path = vec![PathSeg::key("required_providers"), PathSeg::key(name)];
            local_name(&origin, &path, name)?;
            let requirement = requirement(&origin, path.clone(), name, req)?;
            if let Some(v) = &requirement.version {
                constraint(&origin, &path, v)?;
            }
            match c.stack.terraform.required_providers.get(name.as_str()) {
                Some(before) if *before != requirement => bail!(
                    (&origin, path, Target::Value),
                    Code::ModelDuplicateName,
                    "provider `{name}` is already required as `{}` {}, by an earlier `terraform(...)`",
                    before.source,
                    before.version.as_deref().unwrap_or("(any version)");
                    help: "require each provider once, with one source and one version constraint"
                ),
                _ => {}
            }
            c.stack.terraform.required_providers.insert(name.to_string(), requirement);
        }
    }
    Ok(())
}

/// Terraform's rule for a provider's local name: lowercase letters, digits
/// and dashes, starting with a letter (`Aws` is refused by `terraform init`).
fn local_name(origin: &Origin, path: &[PathSeg], name: &str) -> Res<()> {
    let mut chars = name.chars();
    let ok = chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !ok {
        bail!(
            (origin, path.to_vec(), Target::Key),
            Code::ModelInvalidName,
            "`{name}` is not a provider name Terraform takes";
            help: format!(
                "a provider's local name is lowercase letters, digits and dashes, starting with a letter: `{}`",
                name.to_ascii_lowercase()
            )
        )
    }
    Ok(())
}

/// Refuses `text` unless it is a version constraint Terraform reads.
pub(crate) fn constraint(origin: &Origin, path: &[PathSeg], text: &str) -> Res<()> {
    if !crate::checks::formats::version_constraint(text) {
        bail!(
            (origin, path.to_vec(), Target::Value),
            Code::ScriptWrongType,
            "`{text}` is not a version constraint Terraform reads";
            help: "write versions with an operator, e.g. `\"~> 6.0\"` or `\">= 1.10, < 2.0\"`"
        )
    }
    Ok(())
}

/// `"~> 6.0"` (a hashicorp provider) or `#{ source: "hashicorp/aws", version: "~> 6.0" }`.
fn requirement(
    origin: &Origin,
    path: Vec<PathSeg>,
    name: &str,
    req: &Dynamic,
) -> Res<ProviderRequirement> {
    if let Ok(v) = req.clone().into_immutable_string() {
        return Ok(ProviderRequirement {
            source: format!("hashicorp/{name}"),
            version: Some(v.to_string()),
        });
    }
    let Some(m) = req.read_lock::<rhai::Map>().map(|m| m.clone()) else {
        bail!(
            (origin, path, Target::Value),
            Code::ScriptWrongType,
            "provider requirement `{name}` must be a version string or a map";
            help: "e.g. `aws: \"~> 6.0\"` or `aws: #{ source: \"hashicorp/aws\", version: \"~> 6.0\" }`"
        );
    };
    if m.contains_key("configuration_aliases") {
        let mut at = path.clone();
        at.push(PathSeg::key("configuration_aliases"));
        bail!(
            (origin, at, Target::Key),
            Code::ScriptUnknownOption,
            "`configuration_aliases` is for a module that receives providers, not for a stack";
            label: "not for a stack";
            help: format!("declare the configurations here instead: `provider(\"{name}\", #{{ alias: \"...\", ... }})`")
        );
    }
    // A misspelt key used to be dropped: `versoin` left the provider unpinned.
    super::check_keys_at(origin, &path, &m, REQUIREMENT_KEYS, "a `required_providers` entry")?;
    // A value of another type used to be dropped as well.
    let field = |k: &str| -> Res<Option<String>> {
        m.get(k)
            .map(|v| {
                let mut at = path.clone();
                at.push(PathSeg::key(k));
                v.clone().into_immutable_string().map(|s| s.to_string()).map_err(|_| {
                    super::super::errors::raise(crate::diagnostics::diag!(
                        (origin, at, Target::Value),
                        Code::ScriptWrongType,
                        "`{k}` of provider requirement `{name}` must be text";
                        help: "e.g. `source: \"hashicorp/aws\", version: \"~> 6.0\"`"
                    ))
                })
            })
            .transpose()
    };
    Ok(ProviderRequirement {
        source: field("source")?.unwrap_or_else(|| format!("hashicorp/{name}")),
        version: field("version")?,
    })
}

fn backend(ctx: &CtxRef, nc: &NativeCallContext, kind: Dynamic, cfg: Dynamic) -> Res<()> {
    let origin = origin_of(nc);
    let kind = name_arg(&origin, &kind, "the backend type")?;
    if !BACKENDS.contains(&kind.as_str()) {
        let mut d = crate::diagnostics::diag!(
            &origin,
            Code::ModelInvalidName,
            "Terraform has no backend `{kind}`";
            help: format!("the backends are {}", BACKENDS.join(", "))
        );
        let lower = kind.to_ascii_lowercase();
        let hint = if BACKENDS.contains(&lower.as_str()) {
            Some(format!("did you mean `{lower}`?"))
        } else {
            crate::diagnostics::did_you_mean(&lower, BACKENDS.iter().copied())
        };
        if let Some(hint) = hint {
            d = d.help(hint);
        }
        return Err(super::super::errors::raise(d));
    }
    let map = map_arg(&origin, &cfg, "the backend configuration")?;
    if kind == "s3" {
        check_keys(&origin, &map, S3_BACKEND_KEYS, "the `s3` backend")?;
    }
    let mut config = indexmap::IndexMap::new();
    {
        let c = ctx.borrow();
        for (k, v) in &map {
            let value = value_at(&c, &origin, &[PathSeg::key(k)], v)?;
            // Terraform reads backend settings before anything else exists.
            if !value.references().is_empty()
                || matches!(value, Value::Call { .. } | Value::Expr(_))
            {
                bail!(
                    (&origin, vec![PathSeg::key(k)], Target::Value),
                    Code::ModelDynamicBackend,
                    "backend setting `{k}` must be a literal value";
                    help: "Terraform reads the backend before any resource or variable exists"
                );
            }
            config.insert(k.to_string(), value);
        }
    }
    let mut c = ctx.borrow_mut();
    if c.stack.terraform.backend.is_some() {
        drop(c);
        bail!(&origin, Code::ModelDuplicateName, "a stack has one backend; this is the second");
    }
    c.stack.terraform.backend = Some(Backend { kind, config, origin });
    Ok(())
}
