//! The stdlib's block declarations, read by loading every module: the
//! reference chapter ([`crate::docs`]) is rendered from them, so the book
//! never carries a hand-written copy that could drift from what `options()`
//! enforces. The values here are plain text: no Rhai type leaves the engine.

use std::cell::RefCell;
use std::path::PathBuf;
use std::rc::Rc;
use std::sync::Arc;

use rhai::{Dynamic, Map, Position};

use super::primitives::spec::{self, BlockSpec, OptionSpec, PlanTime, Rule};

use crate::diagnostics::{Error, SourceMap};
use crate::schema::Schemas;

use super::context::Ctx;
use super::remote::RemoteStacks;
use super::resolver::{stdlib_modules, Resolver};
use super::{primitives, sandbox, Limits};

/// The declared blocks of one stdlib module, sorted by name.
#[derive(Debug, Clone, PartialEq)]
pub struct ModuleDecl {
    pub module: String,
    pub blocks: Vec<BlockDecl>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct BlockDecl {
    /// `eks::cluster`
    pub name: String,
    pub doc: String,
    pub options: Vec<OptionDecl>,
    pub rules: Vec<RuleDecl>,
    pub results: Option<Vec<ResultDecl>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct OptionDecl {
    pub name: String,
    /// The type in the operator's words (`list of string`).
    pub ty: String,
    pub default: Option<Literal>,
    pub optional: bool,
    pub doc: String,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub one_of: Vec<Literal>,
    /// A check of [`crate::checks::CHECKS`], by name.
    pub check: Option<String>,
    pub items_check: Option<String>,
    /// The values each item of a list must be one of (empty: any).
    pub items_one_of: Vec<Literal>,
    /// No item of the list may be given twice.
    pub unique: bool,
    /// `"yes"`, `"items"` or `"no"`: see the reference's plan time column.
    pub plan_time: &'static str,
}

/// A value as the script writes it: a string, or the text of any other value.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    String(String),
    Other(String),
}

#[derive(Debug, Clone, PartialEq)]
pub enum RuleDecl {
    Ordered(Vec<String>),
    Within {
        within: String,
        lists: Vec<String>,
    },
    /// The options of `by` take effect only with one of `needs` (holding
    /// `containing`, if given).
    Needs {
        needs: Vec<String>,
        containing: Option<String>,
        by: Vec<String>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct ResultDecl {
    pub name: String,
    pub ty: String,
    pub doc: String,
}

fn literal(v: &Dynamic) -> Literal {
    if v.is_string() {
        Literal::String(v.to_string())
    } else {
        Literal::Other(v.to_string())
    }
}

fn option_decl(d: &OptionSpec) -> OptionDecl {
    OptionDecl {
        name: d.name.clone(),
        ty: d.ty.to_string(),
        default: d.default.as_ref().map(literal),
        optional: d.optional,
        doc: d.doc.clone(),
        min: d.min,
        max: d.max,
        one_of: d.one_of.iter().map(literal).collect(),
        check: d.check.clone(),
        items_check: d.items_check.clone(),
        items_one_of: d.items_one_of.iter().map(literal).collect(),
        unique: d.unique,
        plan_time: match d.plan_time {
            PlanTime::Yes => "yes",
            PlanTime::Items => "items",
            PlanTime::No => "no",
        },
    }
}

fn block_decl(spec: &BlockSpec) -> BlockDecl {
    BlockDecl {
        name: spec.block.clone(),
        doc: spec.doc.clone(),
        options: spec.options.iter().map(option_decl).collect(),
        rules: spec
            .rules
            .iter()
            .map(|r| match r {
                Rule::Ordered(names) => RuleDecl::Ordered(names.clone()),
                Rule::Within { within, lists } => {
                    RuleDecl::Within { within: within.clone(), lists: lists.clone() }
                }
                Rule::Needs { needs, containing, by } => RuleDecl::Needs {
                    needs: needs.clone(),
                    containing: containing.clone(),
                    by: by.clone(),
                },
            })
            .collect(),
        results: spec.results.as_ref().map(|rs| {
            rs.iter()
                .map(|r| ResultDecl {
                    name: r.name.clone(),
                    ty: r.ty.to_string(),
                    doc: r.doc.clone(),
                })
                .collect()
        }),
    }
}

/// The declared blocks of `module` (of every module if `None`); modules
/// that declare none are left out.
pub fn stdlib_declarations(only: Option<&str>) -> Result<Vec<ModuleDecl>, Error> {
    let limits = Limits::default();
    let sources = Rc::new(RefCell::new(SourceMap::new()));
    let ctx = Rc::new(RefCell::new(Ctx::new(
        "docs",
        Arc::new(Schemas::empty()),
        RemoteStacks::default(),
        sources.clone(),
    )));
    let mut engine = sandbox::engine(&limits);
    primitives::register(&mut engine, &ctx);
    // Modules import each other (`util`): the engine resolves those imports.
    engine.set_module_resolver(Resolver::new(
        PathBuf::from("."),
        sources,
        Default::default(),
        Default::default(),
    ));
    let mut out = Vec::new();
    let modules: Vec<String> = match only {
        Some(m) => vec![m.trim_end_matches(".rhai").to_owned()],
        None => stdlib_modules(),
    };
    for module in modules {
        let m = engine
            .module_resolver()
            .resolve(&engine, None, &module, Position::NONE)
            .map_err(|e| Error::Usage(format!("stdlib module `{module}` does not load: {e}")))?;
        let mut specs = Vec::new();
        for (_, v) in m.iter_var() {
            let Some(map) = v.read_lock::<Map>().map(|s| s.clone()) else { continue };
            if !(map.contains_key("options") && map.contains_key("block")) {
                continue;
            }
            let parsed = spec::parse(&map, "").map_err(|e| {
                Error::Usage(format!(
                    "a declaration in stdlib module `{module}` is malformed: {}",
                    e.message
                ))
            })?;
            specs.push(parsed);
        }
        if specs.is_empty() {
            continue;
        }
        specs.sort_by(|a, b| a.block.cmp(&b.block));
        out.push(ModuleDecl { module, blocks: specs.iter().map(block_decl).collect() });
    }
    drop(engine);
    Ok(out)
}
