//! A provider schema in memory, parsed from Terraform's own JSON shape
//! (`terraform providers schema -json`), one type at a time.

use std::fmt;

use std::collections::BTreeMap;

use indexmap::IndexMap;
use serde::Deserialize;

pub use super::binary::NestedBlock;
use serde_json::Value as Json;

/// The body of a resource, data source or provider block, or of a nested block.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SchemaBlock {
    pub attributes: IndexMap<String, Attribute>,
    pub block_types: IndexMap<String, BlockType>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Attribute {
    pub ty: AttrType,
    pub required: bool,
    pub optional: bool,
    pub computed: bool,
    /// The provider treats the value as a secret (Terraform's `sensitive`):
    /// a literal there is a secret written into the configuration.
    pub sensitive: bool,
}

impl Attribute {
    /// Terraform computes it and refuses it as an argument (`arn`, `id` of most resources).
    pub fn is_output_only(&self) -> bool {
        self.computed && !self.optional && !self.required
    }
}

/// A cty type, or a nested attribute (plugin framework), which takes the
/// same values as the object type it describes but knows which of its
/// attributes are required.
#[derive(Debug, Clone, PartialEq)]
pub enum AttrType {
    String,
    Number,
    Bool,
    /// `dynamic`: any value.
    Dynamic,
    List(Box<AttrType>),
    Set(Box<AttrType>),
    Map(Box<AttrType>),
    Object(IndexMap<String, AttrType>),
    Tuple(Vec<AttrType>),
    Nested {
        mode: Nesting,
        attributes: IndexMap<String, Attribute>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nesting {
    Single,
    Group,
    List,
    Set,
    Map,
}

#[derive(Debug, Clone, PartialEq)]
pub struct BlockType {
    pub nesting: Nesting,
    /// Read it as a `SchemaBlock` (it derefs to one): an embedded type's
    /// nested blocks are decoded on first use.
    pub block: NestedBlock,
    pub min_items: u64,
    /// 0: unlimited.
    pub max_items: u64,
}

/// The JSON did not have the shape of a Terraform schema.
#[derive(Debug, Clone, PartialEq)]
pub struct ParseError(pub String);

type Result<T> = std::result::Result<T, ParseError>;

fn err<T>(msg: impl Into<String>) -> Result<T> {
    Err(ParseError(msg.into()))
}

impl SchemaBlock {
    /// From a type's entry, `{"version": 0, "block": {...}}`, already parsed:
    /// for tests, which compare what the other readers made with it (a
    /// `--schema` file is read into [`RawSchema`]s directly).
    #[cfg(test)]
    pub fn from_schema_json(j: &Json) -> Result<SchemaBlock> {
        let raw = RawSchema::deserialize(j).map_err(|e| ParseError(e.to_string()))?;
        raw.into_block()
    }

    /// The same from JSON text, without building a `serde_json::Value`
    /// first: the embedded types are parsed this way, on the startup path.
    /// Every reader goes through the one set of `Raw*` shapes below.
    pub fn from_schema_slice(text: &[u8]) -> Result<SchemaBlock> {
        let raw: RawSchema = serde_json::from_slice(text).map_err(|e| ParseError(e.to_string()))?;
        raw.into_block()
    }

    /// Every name an operator may write in this body, for suggestions.
    pub fn argument_names(&self) -> impl Iterator<Item = &str> {
        let attrs =
            self.attributes.iter().filter(|(_, a)| !a.is_output_only()).map(|(k, _)| k.as_str());
        attrs.chain(self.block_types.keys().map(String::as_str))
    }
}

/// One type's schema as `terraform providers schema -json` writes it; only
/// the fields tsdsl reads are built, the others are skipped unread.
#[derive(Deserialize)]
pub(crate) struct RawSchema {
    block: RawBlock,
}

impl RawSchema {
    pub(crate) fn into_block(self) -> Result<SchemaBlock> {
        self.block.into_block()
    }
}

#[derive(Deserialize, Default)]
struct RawBlock {
    #[serde(default)]
    attributes: BTreeMap<String, RawAttr>,
    #[serde(default)]
    block_types: BTreeMap<String, RawBlockType>,
}

#[derive(Deserialize)]
struct RawAttr {
    #[serde(rename = "type")]
    ty: Option<Json>,
    nested_type: Option<RawNested>,
    #[serde(default)]
    required: bool,
    #[serde(default)]
    optional: bool,
    #[serde(default)]
    computed: bool,
    #[serde(default)]
    sensitive: bool,
}

#[derive(Deserialize)]
struct RawNested {
    #[serde(default)]
    attributes: BTreeMap<String, RawAttr>,
    nesting_mode: Json,
}

#[derive(Deserialize)]
struct RawBlockType {
    nesting_mode: Json,
    #[serde(default)]
    block: RawBlock,
    #[serde(default)]
    min_items: u64,
    #[serde(default)]
    max_items: u64,
}

impl RawBlock {
    fn into_block(self) -> Result<SchemaBlock> {
        let mut b = SchemaBlock::default();
        for (name, a) in self.attributes {
            named(&name)?;
            let a = a.into_attribute().map_err(|e| within(&name, e))?;
            b.attributes.insert(name, a);
        }
        for (name, bt) in self.block_types {
            named(&name)?;
            let nesting =
                Nesting::from_json(Some(&bt.nesting_mode)).map_err(|e| within(&name, e))?;
            let block = bt.block.into_block().map_err(|e| within(&name, e))?;
            b.block_types.insert(
                name,
                BlockType {
                    nesting,
                    block: block.into(),
                    min_items: bt.min_items,
                    max_items: bt.max_items,
                },
            );
        }
        Ok(b)
    }
}

impl RawAttr {
    fn into_attribute(self) -> Result<Attribute> {
        let ty = match (self.ty, self.nested_type) {
            (Some(t), _) => AttrType::from_json(&t)?,
            (None, Some(nt)) => {
                let mode = Nesting::from_json(Some(&nt.nesting_mode))?;
                let mut attributes = IndexMap::new();
                for (name, a) in nt.attributes {
                    named(&name)?;
                    let a = a.into_attribute().map_err(|e| within(&name, e))?;
                    attributes.insert(name, a);
                }
                AttrType::Nested { mode, attributes }
            }
            (None, None) => return err("attribute without `type` or `nested_type`"),
        };
        Ok(Attribute {
            ty,
            required: self.required,
            optional: self.optional,
            computed: self.computed,
            sensitive: self.sensitive,
        })
    }
}

/// A name the emitter will write as an argument or block type: a schema
/// file is input like any other, and a name in it that is not an
/// identifier would be written as code.
pub(crate) fn named(name: &str) -> Result<()> {
    if crate::model::is_identifier(name) {
        Ok(())
    } else {
        err(format!(
            "`{}` is not a valid Terraform name (letters, digits, `_` and `-`, starting with a letter or `_`)",
            crate::model::shown(name)
        ))
    }
}

fn within(name: &str, e: ParseError) -> ParseError {
    ParseError(format!("{name}: {}", e.0))
}

impl AttrType {
    /// From cty's JSON type notation: `"string"`, `["list","string"]`,
    /// `["object",{"a":"number"}]`.
    pub fn from_json(j: &Json) -> Result<AttrType> {
        match j {
            Json::String(s) => match s.as_str() {
                "string" => Ok(AttrType::String),
                "number" => Ok(AttrType::Number),
                "bool" => Ok(AttrType::Bool),
                "dynamic" => Ok(AttrType::Dynamic),
                other => err(format!("unknown type `{other}`")),
            },
            Json::Array(parts) => {
                let (Some(kind), Some(arg)) = (parts.first().and_then(Json::as_str), parts.get(1))
                else {
                    return err("malformed type");
                };
                match kind {
                    "list" => Ok(AttrType::List(Box::new(AttrType::from_json(arg)?))),
                    "set" => Ok(AttrType::Set(Box::new(AttrType::from_json(arg)?))),
                    "map" => Ok(AttrType::Map(Box::new(AttrType::from_json(arg)?))),
                    "object" => {
                        let Some(fields) = arg.as_object() else {
                            return err("object type without fields");
                        };
                        let mut out = IndexMap::new();
                        for (k, v) in fields {
                            out.insert(k.clone(), AttrType::from_json(v)?);
                        }
                        Ok(AttrType::Object(out))
                    }
                    "tuple" => {
                        let Some(items) = arg.as_array() else {
                            return err("tuple type without items");
                        };
                        Ok(AttrType::Tuple(
                            items.iter().map(AttrType::from_json).collect::<Result<_>>()?,
                        ))
                    }
                    other => err(format!("unknown type `{other}`")),
                }
            }
            _ => err("malformed type"),
        }
    }

    pub fn is_primitive(&self) -> bool {
        matches!(self, AttrType::String | AttrType::Number | AttrType::Bool)
    }

    /// The object type of the elements, for list/set/map of objects and
    /// nested attributes: those take maps the way blocks do.
    pub fn takes_objects(&self) -> bool {
        match self {
            AttrType::Object(_) | AttrType::Nested { .. } => true,
            AttrType::List(e) | AttrType::Set(e) | AttrType::Map(e) => {
                matches!(**e, AttrType::Object(_))
            }
            _ => false,
        }
    }
}

impl Nesting {
    fn from_json(j: Option<&Json>) -> Result<Nesting> {
        match j.and_then(Json::as_str) {
            Some("single") => Ok(Nesting::Single),
            Some("group") => Ok(Nesting::Group),
            Some("list") => Ok(Nesting::List),
            Some("set") => Ok(Nesting::Set),
            Some("map") => Ok(Nesting::Map),
            Some(other) => err(format!("unknown nesting mode `{other}`")),
            None => err("no nesting mode"),
        }
    }
}

impl BlockType {
    /// At most one block: a single map is the natural way to write it.
    pub fn is_single(&self) -> bool {
        matches!(self.nesting, Nesting::Single | Nesting::Group) || self.max_items == 1
    }
}

/// Types in Terraform's words: `list of string`, `map of number`, `object`.
impl fmt::Display for AttrType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AttrType::String => f.write_str("string"),
            AttrType::Number => f.write_str("number"),
            AttrType::Bool => f.write_str("bool"),
            AttrType::Dynamic => f.write_str("any value"),
            AttrType::List(e) => write!(f, "list of {e}"),
            AttrType::Set(e) => write!(f, "set of {e}"),
            AttrType::Map(e) => write!(f, "map of {e}"),
            AttrType::Object(_) => f.write_str("object"),
            AttrType::Tuple(_) => f.write_str("tuple"),
            AttrType::Nested { mode, .. } => match mode {
                Nesting::Single | Nesting::Group => f.write_str("object"),
                Nesting::List => f.write_str("list of object"),
                Nesting::Set => f.write_str("set of object"),
                Nesting::Map => f.write_str("map of object"),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_types_and_nested_attributes() {
        let j: Json = serde_json::json!({
            "attributes": {
                "tags": {"type": ["map", "string"], "optional": true},
                "arn": {"type": "string", "computed": true},
                "set": {"nested_type": {"nesting_mode": "list", "attributes": {
                    "name": {"type": "string", "required": true}}}, "optional": true}
            },
            "block_types": {"timeouts": {"nesting_mode": "single", "block": {}}}
        });
        let b = SchemaBlock::from_schema_json(&serde_json::json!({ "block": j })).unwrap();
        assert_eq!(b.attributes["tags"].ty.to_string(), "map of string");
        assert!(b.attributes["arn"].is_output_only());
        assert!(matches!(b.attributes["set"].ty, AttrType::Nested { mode: Nesting::List, .. }));
        assert!(b.block_types["timeouts"].is_single());
        assert_eq!(b.argument_names().collect::<Vec<_>>(), vec!["set", "tags", "timeouts"]);
    }

    #[test]
    fn rejects_unknown_types() {
        assert!(AttrType::from_json(&serde_json::json!("strng")).is_err());
        assert!(AttrType::from_json(&serde_json::json!(["list"])).is_err());
    }

    #[test]
    fn names_that_are_not_identifiers_are_refused_at_every_depth() {
        let bad = serde_json::json!({"block": {"block_types": {"b": {"nesting_mode": "list",
            "block": {"attributes": {"x\"y": {"type": "string"}}}}}}});
        let e = SchemaBlock::from_schema_json(&bad).unwrap_err();
        assert!(e.0.starts_with("b: `x\"y` is not a valid Terraform name"), "{}", e.0);
        let text = serde_json::to_vec(&bad).unwrap();
        assert_eq!(SchemaBlock::from_schema_slice(&text).unwrap_err(), e);
    }
}
