use super::Body;

/// What the checks phase hands the emitter: the shaped body of every
/// resource/data source and every provider, index for index with
/// `Stack::resources` and `Stack::providers`.
#[derive(Debug, Clone, Default)]
pub struct Shaped {
    pub resources: Vec<Body>,
    pub providers: Vec<Body>,
}
