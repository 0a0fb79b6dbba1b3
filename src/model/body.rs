use super::Value;

/// A shaped block body: the schema phase has decided, for every key the
/// operator wrote, whether Terraform wants `key = value` or `key { ... }`.
/// Emitters lay this out; they make no decisions of their own.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Body {
    pub items: Vec<Item>,
    /// Fields a list-of-objects attribute written as a block leaves out:
    /// HCL's block syntax makes them null, JSON has to spell them `null`.
    pub implicit_nulls: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    Attr(String, Value),
    Block(Block),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    pub ident: String,
    pub labels: Vec<String>,
    pub body: Body,
}

impl Body {
    pub fn new() -> Self {
        Body::default()
    }

    pub fn attr(&mut self, name: impl Into<String>, value: impl Into<Value>) -> &mut Self {
        self.items.push(Item::Attr(name.into(), value.into()));
        self
    }

    pub fn block(&mut self, block: Block) -> &mut Self {
        self.items.push(Item::Block(block));
        self
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

impl Block {
    pub fn new(ident: impl Into<String>, labels: Vec<String>, body: Body) -> Self {
        Block { ident: ident.into(), labels, body }
    }
}
