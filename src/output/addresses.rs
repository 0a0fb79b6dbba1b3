//! The addresses a generated file declares (`aws_s3_bucket.logs`,
//! `data.aws_ami.base`, `module.vpc`), read back from the file itself so the
//! previous output needs no record beside it.

/// One top-level address of a Terraform configuration.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct Address {
    pub kind: Kind,
    /// The resource or data source type; empty for a module call.
    pub ty: String,
    pub name: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Kind {
    Resource,
    Data,
    Module,
}

impl std::fmt::Display for Address {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.kind {
            Kind::Resource => write!(f, "{}.{}", self.ty, self.name),
            Kind::Data => write!(f, "data.{}.{}", self.ty, self.name),
            Kind::Module => write!(f, "module.{}", self.name),
        }
    }
}

/// The addresses of one file, in the order it declares them; `None` when the
/// file does not parse (then nothing is inferred from it).
pub(crate) fn of_file(name: &str, text: &str) -> Option<Vec<Address>> {
    if name.ends_with(".tf.json") {
        of_json(text)
    } else {
        of_hcl(text)
    }
}

fn of_hcl(text: &str) -> Option<Vec<Address>> {
    let body = hcl::parse(text).ok()?;
    let mut found = Vec::new();
    for block in body.blocks() {
        let labels: Vec<&str> = block.labels().iter().map(|l| l.as_str()).collect();
        let address = match (block.identifier(), labels.as_slice()) {
            ("resource", [ty, name]) => address(Kind::Resource, ty, name),
            ("data", [ty, name]) => address(Kind::Data, ty, name),
            ("module", [name]) => address(Kind::Module, "", name),
            _ => continue,
        };
        found.push(address);
    }
    Some(found)
}

fn of_json(text: &str) -> Option<Vec<Address>> {
    let doc: serde_json::Value = serde_json::from_str(text).ok()?;
    let mut found = Vec::new();
    for (key, kind) in [("resource", Kind::Resource), ("data", Kind::Data)] {
        for (ty, names) in doc.get(key).and_then(|v| v.as_object()).into_iter().flatten() {
            for name in names.as_object().into_iter().flat_map(|m| m.keys()) {
                found.push(address(kind, ty, name));
            }
        }
    }
    for name in doc.get("module").and_then(|v| v.as_object()).into_iter().flat_map(|m| m.keys()) {
        found.push(address(Kind::Module, "", name));
    }
    Some(found)
}

fn address(kind: Kind, ty: &str, name: &str) -> Address {
    Address { kind, ty: ty.to_owned(), name: name.to_owned() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_resources_data_and_modules_from_both_syntaxes() {
        let hcl = "# x\n\nlocals {\n  a = 1\n}\n\nresource \"aws_vpc\" \"main\" {\n}\n\n\
                   data \"aws_ami\" \"base\" {\n}\n\nmodule \"net\" {\n  source = \"./n\"\n}\n";
        let shown: Vec<String> =
            of_file("main.tf", hcl).unwrap().iter().map(ToString::to_string).collect();
        assert_eq!(shown, ["aws_vpc.main", "data.aws_ami.base", "module.net"]);
        let json = r#"{"//": "x", "resource": {"aws_vpc": {"main": {}, "b": {}}},
                       "module": {"net": {"source": "./n"}}}"#;
        let shown: Vec<String> =
            of_file("main.tf.json", json).unwrap().iter().map(ToString::to_string).collect();
        assert_eq!(shown, ["aws_vpc.main", "aws_vpc.b", "module.net"]);
        assert_eq!(of_file("main.tf", "resource {"), None);
    }
}
