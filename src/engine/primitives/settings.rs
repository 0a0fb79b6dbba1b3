//! `terraform(...)` and `backend(...)`: the `terraform {}` block.

use rhai::{Dynamic, Engine, NativeCallContext};

use crate::diagnostics::{Code, Target};
use crate::model::{Backend, Origin, PathSeg, ProviderRequirement, Value};

use super::super::context::CtxRef;
use super::super::errors::bail;
use super::{check_keys, map_arg, name_arg, origin_of, value_at, Res};

const TERRAFORM_KEYS: &[&str] = &["required_version", "required_providers"];

/// Arguments of Terraform's S3 backend (1.15), for did-you-mean.
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
        c.stack.terraform.required_version = Some(name_arg(&origin, v, "`required_version`")?);
    }
    if let Some(p) = map.get("required_providers") {
        let providers = map_arg(&origin, p, "`required_providers`")?;
        for (name, req) in &providers {
            let path = vec![PathSeg::key("required_providers"), PathSeg::key(name)];
            let requirement = requirement(&origin, path, name, req)?;
            c.stack.terraform.required_providers.insert(name.to_string(), requirement);
        }
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
    let field = |k: &str| {
        m.get(k).and_then(|v| v.clone().into_immutable_string().ok()).map(|s| s.to_string())
    };
    Ok(ProviderRequirement {
        source: field("source").unwrap_or_else(|| format!("hashicorp/{name}")),
        version: field("version"),
    })
}

fn backend(ctx: &CtxRef, nc: &NativeCallContext, kind: Dynamic, cfg: Dynamic) -> Res<()> {
    let origin = origin_of(nc);
    let kind = name_arg(&origin, &kind, "the backend type")?;
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
