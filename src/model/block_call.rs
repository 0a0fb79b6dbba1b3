/// The operator's call that made a block, which the output is grouped by:
/// what `network::vpc(#{ name: "ts-production", ... })` made goes into
/// `network.tf` under the comment `# network::vpc "ts-production"`.
///
/// The call is the one the operator wrote: a stdlib block that calls
/// another (`kms::key` inside `network::vpc`) does not make a group of its
/// own. Positions are left out on purpose: editing a script above a call
/// must not change the files it generates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockCall {
    /// The output file's name without `.tf`: `network`, `main`, or a local
    /// module's file stem. Never a name of the fixed files (`versions`,
    /// `providers`, `variables`, `outputs`) and `main` only for what the
    /// script itself declared.
    pub file: String,
    /// The call as written, module alias and function (`network::vpc`,
    /// `net::vpc`); `None` for a raw `resource(...)` in the script itself.
    pub call: Option<String>,
    /// The `name` option the call was given, when it is a string.
    pub name: Option<String>,
}

impl BlockCall {
    /// `network::vpc "ts-production"`: the group's one-line comment, with
    /// every character that could end the line escaped.
    pub fn label(&self) -> Option<String> {
        let call = self.call.as_deref()?;
        Some(match &self.name {
            Some(n) => format!("{call} {n:?}"),
            None => call.to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_label_stays_one_line() {
        let c = BlockCall {
            file: "network".into(),
            call: Some("network::vpc".into()),
            name: Some("a\nb\u{1b}[2J\"".into()),
        };
        let label = c.label().unwrap();
        assert!(!label.contains('\n') && !label.contains('\u{1b}'), "{label}");
        assert_eq!(label, r#"network::vpc "a\nb\u{1b}[2J\"""#);
        assert_eq!(BlockCall { call: None, ..c }.label(), None);
    }
}
