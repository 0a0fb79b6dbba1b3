/// A point in a script: the file as the engine named it (`scripts/prod.rhai`,
/// or `@stdlib/aws/network.rhai` for an embedded module), and a 1-based line
/// and column as Rhai reports them.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Site {
    pub file: String,
    pub line: u32,
    pub col: u32,
}

/// Where a declaration came from: the chain of calls that led to it, the
/// operator's top-level call first and the primitive call (`resource(...)`)
/// last. Diagnostics pick the innermost frame the operator can open.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Origin {
    pub frames: Vec<Site>,
}

/// One step of a path into the arguments of a call: a map key or a list
/// index. `["ingress", 0, "from_port"]` names one value inside a literal.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PathSeg {
    Key(String),
    Index(usize),
}

impl Origin {
    pub fn new(frames: Vec<Site>) -> Self {
        Origin { frames }
    }

    /// The innermost frame, the call of the primitive itself.
    pub fn innermost(&self) -> Option<&Site> {
        self.frames.last()
    }
}

impl PathSeg {
    pub fn key(k: &str) -> Self {
        PathSeg::Key(k.to_owned())
    }
}

impl std::fmt::Display for PathSeg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PathSeg::Key(k) => write!(f, ".{k}"),
            PathSeg::Index(i) => write!(f, "[{i}]"),
        }
    }
}
