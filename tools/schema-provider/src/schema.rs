//! tsdsl's embedded provider schemas (`schemas/*.json.zst`, the files
//! `src/schema` compiles in), turned into plugin-protocol schema messages.

use std::collections::{BTreeMap, HashSet};
use std::io::Read;

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::proto;

/// The providers served, by local name, with their compressed schema
/// document (Terraform's `providers schema -json` shape).
pub const PROVIDERS: &[(&str, &[u8])] = &[
    ("aws", include_bytes!("../../../schemas/aws.json.zst")),
    ("kubernetes", include_bytes!("../../../schemas/kubernetes.json.zst")),
    ("helm", include_bytes!("../../../schemas/helm.json.zst")),
    ("random", include_bytes!("../../../schemas/random.json.zst")),
];

/// Which resource and data source types get their full schema: all of them,
/// or those whose names appear in a word list (the others get an empty
/// schema, so their names still exist for Terraform's "did you mean").
pub enum Selection {
    All,
    Words(HashSet<String>),
}

impl Selection {
    fn wants(&self, type_name: &str) -> bool {
        match self {
            Selection::All => true,
            Selection::Words(words) => words.contains(type_name),
        }
    }
}

/// The schemas of one provider, as protocol messages.
pub struct Served {
    pub schema: proto::GetProviderSchemaResponse,
    pub metadata: proto::GetMetadataResponse,
}

fn decompress(provider: &str) -> Result<Vec<u8>, String> {
    let (_, zst) = PROVIDERS
        .iter()
        .find(|(name, _)| *name == provider)
        .ok_or_else(|| format!("no embedded schema for provider `{provider}`"))?;
    let mut json = Vec::new();
    ruzstd::decoding::StreamingDecoder::new(*zst)
        .map_err(|e| format!("schemas/{provider}.json.zst: {e}"))?
        .read_to_end(&mut json)
        .map_err(|e| format!("schemas/{provider}.json.zst: {e}"))?;
    Ok(json)
}

/// How many resource, data source and ephemeral resource types a provider's
/// schema describes (for `--summary`: the oracle says what it cannot check).
pub fn counts(provider: &str) -> Result<[usize; 3], String> {
    let json = decompress(provider)?;
    let doc: Document =
        serde_json::from_slice(&json).map_err(|e| format!("schemas/{provider}.json.zst: {e}"))?;
    let s = doc.provider_schemas.values().next().ok_or("no provider_schemas")?;
    Ok([s.resource_schemas.len(), s.data_source_schemas.len(), s.ephemeral_resource_schemas.len()])
}

pub fn load(provider: &str, selection: &Selection) -> Result<Served, String> {
    let json = decompress(provider)?;
    let doc: Document =
        serde_json::from_slice(&json).map_err(|e| format!("schemas/{provider}.json.zst: {e}"))?;
    let mut providers = doc.provider_schemas.into_iter();
    let (address, schemas) = match (providers.next(), providers.next()) {
        (Some(one), None) => one,
        _ => return Err(format!("schemas/{provider}.json.zst: expected one provider")),
    };
    let wanted = format!("/hashicorp/{provider}");
    if !address.ends_with(&wanted) {
        return Err(format!("schemas/{provider}.json.zst holds `{address}`"));
    }
    let at = |kind: &str, name: &str, e: String| format!("{address}: {kind} `{name}`: {e}");

    let provider_schema = schema(schemas.provider).map_err(|e| at("provider", "config", e))?;
    let mut resource_schemas = BTreeMap::new();
    let mut data_source_schemas = BTreeMap::new();
    let mut ephemeral_resource_schemas = BTreeMap::new();
    for (out, list, kind) in [
        (&mut resource_schemas, &schemas.resource_schemas, "resource"),
        (&mut data_source_schemas, &schemas.data_source_schemas, "data source"),
        (&mut ephemeral_resource_schemas, &schemas.ephemeral_resource_schemas, "ephemeral"),
    ] {
        for (name, raw) in list {
            let s = if selection.wants(name) {
                schema(raw).map_err(|e| at(kind, name, e))?
            } else {
                proto::Schema { version: 0, block: Some(proto::Block::default()) }
            };
            out.insert(name.clone(), s);
        }
    }
    let capabilities =
        proto::ServerCapabilities { plan_destroy: false, get_provider_schema_optional: true };
    let names = |m: &BTreeMap<String, proto::Schema>| {
        m.keys().map(|n| proto::TypeName { type_name: n.clone() }).collect()
    };
    let metadata = proto::GetMetadataResponse {
        server_capabilities: Some(capabilities.clone()),
        diagnostics: Vec::new(),
        data_sources: names(&data_source_schemas),
        resources: names(&resource_schemas),
        ephemeral_resources: names(&ephemeral_resource_schemas),
    };
    let schema = proto::GetProviderSchemaResponse {
        provider: Some(provider_schema),
        resource_schemas,
        data_source_schemas,
        diagnostics: Vec::new(),
        server_capabilities: Some(capabilities),
        ephemeral_resource_schemas,
    };
    Ok(Served { schema, metadata })
}

// ------------------------------------------------------------ the JSON shape
// Each type stays raw until it is wanted: parsing all ~2,400 AWS types costs
// far more than scanning past them. Unknown fields are errors, so a schema
// feature this provider does not pass on cannot be dropped silently.

#[derive(Deserialize)]
struct Document<'a> {
    #[serde(borrow)]
    provider_schemas: BTreeMap<String, ProviderSchemas<'a>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProviderSchemas<'a> {
    #[serde(borrow)]
    provider: &'a RawValue,
    #[serde(default, borrow)]
    resource_schemas: BTreeMap<String, &'a RawValue>,
    #[serde(default, borrow)]
    data_source_schemas: BTreeMap<String, &'a RawValue>,
    #[serde(default, borrow)]
    ephemeral_resource_schemas: BTreeMap<String, &'a RawValue>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SchemaJson<'a> {
    #[serde(default)]
    version: i64,
    #[serde(borrow)]
    block: BlockJson<'a>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BlockJson<'a> {
    #[serde(default, borrow)]
    attributes: BTreeMap<String, AttributeJson<'a>>,
    #[serde(default, borrow)]
    block_types: BTreeMap<String, NestedBlockJson<'a>>,
    #[serde(default)]
    description: String,
    #[serde(default)]
    description_kind: Option<String>,
    #[serde(default)]
    deprecated: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AttributeJson<'a> {
    #[serde(rename = "type", default, borrow)]
    ty: Option<&'a RawValue>,
    #[serde(default, borrow)]
    nested_type: Option<ObjectJson<'a>>,
    #[serde(default)]
    description: String,
    #[serde(default)]
    description_kind: Option<String>,
    #[serde(default)]
    required: bool,
    #[serde(default)]
    optional: bool,
    #[serde(default)]
    computed: bool,
    #[serde(default)]
    sensitive: bool,
    #[serde(default)]
    deprecated: bool,
    #[serde(default)]
    write_only: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ObjectJson<'a> {
    #[serde(borrow)]
    attributes: BTreeMap<String, AttributeJson<'a>>,
    nesting_mode: String,
    // Never used by Terraform's validation (the protocol marks them deprecated).
    #[serde(default)]
    #[allow(dead_code)]
    min_items: i64,
    #[serde(default)]
    #[allow(dead_code)]
    max_items: i64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NestedBlockJson<'a> {
    nesting_mode: String,
    #[serde(borrow)]
    block: BlockJson<'a>,
    #[serde(default)]
    min_items: i64,
    #[serde(default)]
    max_items: i64,
}

fn schema(raw: &RawValue) -> Result<proto::Schema, String> {
    let s: SchemaJson = serde_json::from_str(raw.get()).map_err(|e| e.to_string())?;
    Ok(proto::Schema { version: s.version, block: Some(block(s.block)?) })
}

fn description_kind(kind: Option<&str>) -> Result<i32, String> {
    match kind {
        None | Some("plain") => Ok(0),
        Some("markdown") => Ok(1),
        Some(other) => Err(format!("unknown description_kind `{other}`")),
    }
}

fn block(b: BlockJson) -> Result<proto::Block, String> {
    let attributes = attributes(b.attributes)?;
    let mut block_types = Vec::with_capacity(b.block_types.len());
    for (name, nb) in b.block_types {
        let nesting = proto::Nesting::parse(&nb.nesting_mode)
            .ok_or_else(|| format!("block `{name}`: unknown nesting_mode `{}`", nb.nesting_mode))?;
        block_types.push(proto::NestedBlock {
            block: Some(block(nb.block).map_err(|e| format!("block `{name}`: {e}"))?),
            type_name: name,
            nesting: nesting as i32,
            min_items: nb.min_items,
            max_items: nb.max_items,
        });
    }
    Ok(proto::Block {
        version: 0,
        attributes,
        block_types,
        description: b.description,
        description_kind: description_kind(b.description_kind.as_deref())?,
        deprecated: b.deprecated,
    })
}

fn attributes(list: BTreeMap<String, AttributeJson>) -> Result<Vec<proto::Attribute>, String> {
    let mut out = Vec::with_capacity(list.len());
    for (name, a) in list {
        let nested_type = match a.nested_type {
            None => None,
            Some(o) => {
                let nesting = match proto::Nesting::parse(&o.nesting_mode) {
                    Some(proto::Nesting::Group) | None => {
                        return Err(format!(
                            "attribute `{name}`: unknown nesting_mode `{}`",
                            o.nesting_mode
                        ))
                    }
                    Some(n) => n,
                };
                let attributes =
                    attributes(o.attributes).map_err(|e| format!("attribute `{name}`: {e}"))?;
                Some(proto::Object { attributes, nesting: nesting as i32 })
            }
        };
        let ty = a.ty.map(|t| t.get().as_bytes().to_vec()).unwrap_or_default();
        if ty.is_empty() == nested_type.is_none() {
            return Err(format!(
                "attribute `{name}`: needs exactly one of `type` and `nested_type`"
            ));
        }
        out.push(proto::Attribute {
            r#type: ty,
            nested_type,
            description: a.description,
            description_kind: description_kind(a.description_kind.as_deref())
                .map_err(|e| format!("attribute `{name}`: {e}"))?,
            required: a.required,
            optional: a.optional,
            computed: a.computed,
            sensitive: a.sensitive,
            deprecated: a.deprecated,
            write_only: a.write_only,
            name,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_embedded_schema_converts() {
        for (name, _) in PROVIDERS {
            let served = load(name, &Selection::All).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(served.schema.provider.is_some());
            assert_eq!(served.metadata.resources.len(), served.schema.resource_schemas.len());
        }
    }

    #[test]
    fn aws_vpc_keeps_its_arguments_and_types() {
        let served = load("aws", &Selection::All).unwrap();
        let vpc = served.schema.resource_schemas["aws_vpc"].block.as_ref().unwrap();
        let cidr = vpc.attributes.iter().find(|a| a.name == "cidr_block").unwrap();
        assert_eq!(cidr.r#type, br#""string""#);
        assert!(cidr.optional);
        let tags = vpc.attributes.iter().find(|a| a.name == "tags").unwrap();
        assert_eq!(tags.r#type, br#"["map","string"]"#);
    }

    #[test]
    fn unselected_types_keep_their_names_with_empty_schemas() {
        let words = Selection::Words(["aws_vpc".to_owned()].into_iter().collect());
        let served = load("aws", &words).unwrap();
        let subnet = &served.schema.resource_schemas["aws_subnet"];
        assert!(subnet.block.as_ref().unwrap().attributes.is_empty());
        let vpc = &served.schema.resource_schemas["aws_vpc"];
        assert!(!vpc.block.as_ref().unwrap().attributes.is_empty());
        // The provider's own configuration is always served in full.
        assert!(!served.schema.provider.unwrap().block.unwrap().attributes.is_empty());
    }

    #[test]
    fn bad_schemas_are_errors() {
        let raw = |s: &str| RawValue::from_string(s.to_owned()).unwrap();
        let unknown_field =
            raw(r#"{"block":{"attributes":{"a":{"type":"string","frobnicate":true}}}}"#);
        assert!(schema(&unknown_field).unwrap_err().contains("frobnicate"));
        let bad_mode =
            raw(r#"{"block":{"block_types":{"b":{"nesting_mode":"tuple","block":{}}}}}"#);
        assert!(schema(&bad_mode).unwrap_err().contains("tuple"));
        let no_type = raw(r#"{"block":{"attributes":{"a":{"optional":true}}}}"#);
        assert!(schema(&no_type).unwrap_err().contains("exactly one"));
    }
}
