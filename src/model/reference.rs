use std::fmt;

/// A Terraform traversal: a root name followed by steps, such as
/// `aws_vpc.main.id` or `aws_subnet.private[0].id`. It is built by handles in
/// the engine and emitted as a traversal, never assembled from strings.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Reference {
    pub root: String,
    pub steps: Vec<Step>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Step {
    Attr(String),
    Index(i64),
    Key(String),
    /// `[*]`
    Splat,
}

impl Reference {
    pub fn new(root: impl Into<String>) -> Self {
        Reference { root: root.into(), steps: Vec::new() }
    }

    pub fn attr(mut self, name: impl Into<String>) -> Self {
        self.steps.push(Step::Attr(name.into()));
        self
    }

    pub fn index(mut self, i: i64) -> Self {
        self.steps.push(Step::Index(i));
        self
    }

    pub fn key(mut self, k: impl Into<String>) -> Self {
        self.steps.push(Step::Key(k.into()));
        self
    }

    pub fn splat(mut self) -> Self {
        self.steps.push(Step::Splat);
        self
    }

    /// `aws_vpc.main`, `data.aws_ami.x`, `module.m`, with at most one
    /// instance key (`aws_instance.web[0]`): an object, not one of its
    /// attributes (what `depends_on` takes; never a plain value).
    pub fn is_whole_object(&self) -> bool {
        let names = if self.root == "data" { 2 } else { 1 };
        if self.steps.len() < names {
            return false;
        }
        let (object, rest) = self.steps.split_at(names);
        object.iter().all(|s| matches!(s, Step::Attr(_)))
            && matches!(rest, [] | [Step::Index(_) | Step::Key(_)])
    }

    /// `aws_vpc.main` for a resource, `data.aws_ami.al2` for a data source,
    /// `var.x`, `module.m`: the object this reference starts from.
    pub fn object_address(&self) -> String {
        let take = match self.root.as_str() {
            "data" => 2,
            _ => 1,
        };
        let mut s = self.root.clone();
        for step in self.steps.iter().take(take) {
            if let Step::Attr(a) = step {
                s.push('.');
                s.push_str(a);
            }
        }
        s
    }
}

/// The HCL text of the traversal; `emit` builds the same text through hcl-rs.
impl fmt::Display for Reference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.root)?;
        for step in &self.steps {
            match step {
                Step::Attr(a) => write!(f, ".{a}")?,
                Step::Index(i) => write!(f, "[{i}]")?,
                Step::Key(k) => write!(f, "[{k:?}]")?,
                Step::Splat => f.write_str("[*]")?,
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_as_terraform_traversal() {
        let r = Reference::new("aws_subnet").attr("private").index(0).attr("id");
        assert_eq!(r.to_string(), "aws_subnet.private[0].id");
        assert_eq!(r.object_address(), "aws_subnet.private");
        let d = Reference::new("data").attr("aws_ami").attr("al2").attr("id");
        assert_eq!(d.object_address(), "data.aws_ami.al2");
    }
}
