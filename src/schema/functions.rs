//! Terraform's function names, for `tf::` calls and for the calls inside
//! `tf::expr` text.

#[path = "function_arity.rs"]
mod arity;

/// What is wrong with calling Terraform's `name` with `given` arguments
/// (Terraform refuses it when it reads the configuration), if anything.
/// `None` too for a name it does not know: that is said elsewhere.
pub fn arity_problem(name: &str, given: usize) -> Option<String> {
    let i = arity::ARITY.binary_search_by(|(f, ..)| (*f).cmp(name)).ok()?;
    let (_, n, variadic) = arity::ARITY[i];
    let n = usize::from(n);
    if (variadic && given >= n) || (!variadic && given == n) {
        return None;
    }
    let s = |k: usize| if k == 1 { "" } else { "s" };
    let takes = if variadic {
        format!("at least {n} argument{}", s(n))
    } else {
        format!("{n} argument{}", s(n))
    };
    Some(format!("Terraform's `{name}` takes {takes}, given {given}"))
}

/// Terraform 1.15's built-in functions (`terraform metadata functions -json`,
/// each also callable as `core::NAME`).
pub const FUNCTIONS: &[&str] = &[
    "abs",
    "ceil",
    "floor",
    "log",
    "max",
    "min",
    "parseint",
    "pow",
    "signum",
    "chomp",
    "endswith",
    "format",
    "formatlist",
    "indent",
    "join",
    "lower",
    "regex",
    "regexall",
    "replace",
    "split",
    "startswith",
    "strcontains",
    "strrev",
    "substr",
    "templatestring",
    "title",
    "trim",
    "trimprefix",
    "trimspace",
    "trimsuffix",
    "upper",
    "alltrue",
    "anytrue",
    "chunklist",
    "coalesce",
    "coalescelist",
    "compact",
    "concat",
    "contains",
    "distinct",
    "element",
    "flatten",
    "index",
    "keys",
    "length",
    "lookup",
    "matchkeys",
    "merge",
    "one",
    "range",
    "reverse",
    "setintersection",
    "setproduct",
    "setsubtract",
    "setunion",
    "slice",
    "sort",
    "sum",
    "transpose",
    "values",
    "zipmap",
    "base64decode",
    "base64encode",
    "base64gzip",
    "csvdecode",
    "jsondecode",
    "jsonencode",
    "textdecodebase64",
    "textencodebase64",
    "urlencode",
    "yamldecode",
    "yamlencode",
    "abspath",
    "dirname",
    "pathexpand",
    "basename",
    "file",
    "fileexists",
    "fileset",
    "filebase64",
    "templatefile",
    "formatdate",
    "plantimestamp",
    "timeadd",
    "timecmp",
    "timestamp",
    "base64sha256",
    "base64sha512",
    "bcrypt",
    "filebase64sha256",
    "filebase64sha512",
    "filemd5",
    "filesha1",
    "filesha256",
    "filesha512",
    "md5",
    "rsadecrypt",
    "sha1",
    "sha256",
    "sha512",
    "uuid",
    "uuidv5",
    "cidrhost",
    "cidrnetmask",
    "cidrsubnet",
    "cidrsubnets",
    "can",
    "convert",
    "issensitive",
    "nonsensitive",
    "sensitive",
    "tobool",
    "tolist",
    "tomap",
    "tonumber",
    "toset",
    "tostring",
    "try",
    "ephemeralasnull",
];

/// Functions providers define, called as `provider::NAME::FUNC(...)`, for
/// the providers whose schemas are embedded (helm and random define none).
pub const PROVIDER_FUNCTIONS: &[(&str, &[&str])] = &[
    ("aws", &["arn_build", "arn_parse", "trim_iam_role_path", "user_agent"]),
    ("kubernetes", &["manifest_decode", "manifest_decode_multi", "manifest_encode"]),
    ("helm", &[]),
    ("random", &[]),
];
