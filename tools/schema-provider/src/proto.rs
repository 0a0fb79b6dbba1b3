//! The messages of Terraform's plugin protocol 6 (and of go-plugin's health
//! check) that this provider sends, written from the protocol's field
//! numbers. Requests are never read: they decode as [`Empty`] (protobuf skips
//! unknown fields), and a response with no diagnostics encodes as zero bytes,
//! so every `Validate*` call is answered with [`Empty`].

use std::collections::BTreeMap;

/// Any message whose fields we do not read or do not set.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Empty {}

/// `GetProviderSchema.Response`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct GetProviderSchemaResponse {
    #[prost(message, optional, tag = "1")]
    pub provider: Option<Schema>,
    #[prost(btree_map = "string, message", tag = "2")]
    pub resource_schemas: BTreeMap<String, Schema>,
    #[prost(btree_map = "string, message", tag = "3")]
    pub data_source_schemas: BTreeMap<String, Schema>,
    #[prost(message, repeated, tag = "4")]
    pub diagnostics: Vec<Diagnostic>,
    #[prost(message, optional, tag = "6")]
    pub server_capabilities: Option<ServerCapabilities>,
    #[prost(btree_map = "string, message", tag = "8")]
    pub ephemeral_resource_schemas: BTreeMap<String, Schema>,
}

/// `GetMetadata.Response`: the type names, without their schemas.
#[derive(Clone, PartialEq, prost::Message)]
pub struct GetMetadataResponse {
    #[prost(message, optional, tag = "1")]
    pub server_capabilities: Option<ServerCapabilities>,
    #[prost(message, repeated, tag = "2")]
    pub diagnostics: Vec<Diagnostic>,
    #[prost(message, repeated, tag = "3")]
    pub data_sources: Vec<TypeName>,
    #[prost(message, repeated, tag = "4")]
    pub resources: Vec<TypeName>,
    #[prost(message, repeated, tag = "6")]
    pub ephemeral_resources: Vec<TypeName>,
}

/// `GetMetadata.{Resource,DataSource,Ephemeral}Metadata`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct TypeName {
    #[prost(string, tag = "1")]
    pub type_name: String,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct ServerCapabilities {
    #[prost(bool, tag = "1")]
    pub plan_destroy: bool,
    /// Lets Terraform reuse the schema of the first instance it starts
    /// instead of asking every instance again.
    #[prost(bool, tag = "2")]
    pub get_provider_schema_optional: bool,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct Diagnostic {
    /// 1 error, 2 warning.
    #[prost(int32, tag = "1")]
    pub severity: i32,
    #[prost(string, tag = "2")]
    pub summary: String,
    #[prost(string, tag = "3")]
    pub detail: String,
}

pub const SEVERITY_ERROR: i32 = 1;

#[derive(Clone, PartialEq, prost::Message)]
pub struct Schema {
    #[prost(int64, tag = "1")]
    pub version: i64,
    #[prost(message, optional, tag = "2")]
    pub block: Option<Block>,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct Block {
    #[prost(int64, tag = "1")]
    pub version: i64,
    #[prost(message, repeated, tag = "2")]
    pub attributes: Vec<Attribute>,
    #[prost(message, repeated, tag = "3")]
    pub block_types: Vec<NestedBlock>,
    #[prost(string, tag = "4")]
    pub description: String,
    /// 0 plain, 1 markdown.
    #[prost(int32, tag = "5")]
    pub description_kind: i32,
    #[prost(bool, tag = "6")]
    pub deprecated: bool,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct Attribute {
    #[prost(string, tag = "1")]
    pub name: String,
    /// The cty type as JSON, exactly as `providers schema -json` writes it.
    #[prost(bytes = "vec", tag = "2")]
    pub r#type: Vec<u8>,
    #[prost(string, tag = "3")]
    pub description: String,
    #[prost(bool, tag = "4")]
    pub required: bool,
    #[prost(bool, tag = "5")]
    pub optional: bool,
    #[prost(bool, tag = "6")]
    pub computed: bool,
    #[prost(bool, tag = "7")]
    pub sensitive: bool,
    #[prost(int32, tag = "8")]
    pub description_kind: i32,
    #[prost(bool, tag = "9")]
    pub deprecated: bool,
    #[prost(message, optional, tag = "10")]
    pub nested_type: Option<Object>,
    #[prost(bool, tag = "11")]
    pub write_only: bool,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct NestedBlock {
    #[prost(string, tag = "1")]
    pub type_name: String,
    #[prost(message, optional, tag = "2")]
    pub block: Option<Block>,
    /// [`Nesting`] as its protocol number.
    #[prost(int32, tag = "3")]
    pub nesting: i32,
    #[prost(int64, tag = "4")]
    pub min_items: i64,
    #[prost(int64, tag = "5")]
    pub max_items: i64,
}

/// `Schema.Object`: the type of an attribute with nested attributes.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Object {
    #[prost(message, repeated, tag = "1")]
    pub attributes: Vec<Attribute>,
    #[prost(int32, tag = "3")]
    pub nesting: i32,
}

/// The nesting modes of blocks and nested attributes, numbered as the
/// protocol numbers them (`group` exists for blocks only).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Nesting {
    Single = 1,
    List = 2,
    Set = 3,
    Map = 4,
    Group = 5,
}

impl Nesting {
    /// From the `nesting_mode` of `providers schema -json`.
    pub fn parse(mode: &str) -> Option<Nesting> {
        Some(match mode {
            "single" => Nesting::Single,
            "list" => Nesting::List,
            "set" => Nesting::Set,
            "map" => Nesting::Map,
            "group" => Nesting::Group,
            _ => return None,
        })
    }
}

/// `grpc.health.v1.HealthCheckResponse` (go-plugin's ping).
#[derive(Clone, PartialEq, prost::Message)]
pub struct HealthCheckResponse {
    /// 1 = SERVING.
    #[prost(int32, tag = "1")]
    pub status: i32,
}
