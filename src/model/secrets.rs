//! What counts as a secret when no schema says so: names that hold
//! passwords, tokens and keys, and the literals an operator accepted.

use super::{Backend, Origin, Value};

/// Words that make a name a secret's: `password`, `db_password`,
/// `secret_string`, `auth_token`, `DB_PASSWORD`, `sse_customer_key`.
const SECRET_WORDS: &[&str] =
    &["password", "passwd", "passphrase", "secret", "token", "apikey", "credential", "credentials"];
/// Pairs of words that do: `private_key`, `access_key`, `api_key`...
const SECRET_PAIRS: &[(&str, &str)] = &[
    ("private", "key"),
    ("access", "key"),
    ("secret", "key"),
    ("api", "key"),
    ("customer", "key"),
    ("signing", "key"),
    ("auth", "key"),
    ("preshared", "key"),
    ("client", "key"),
    ("shared", "key"),
    ("connection", "string"),
];
/// A last word that makes the name about a secret rather than one:
/// `secret_arn`, `password_length`, `token_ttl`, `kms_key_id`.
const NOT_THE_SECRET: &[&str] = &[
    "arn",
    "arns",
    "id",
    "ids",
    "name",
    "names",
    "length",
    "version",
    "ttl",
    "type",
    "count",
    "enabled",
    "policy",
    "rotation",
    "path",
    "prefix",
    "url",
    "uri",
    "endpoint",
    "header",
    "expiration",
    "days",
    "period",
    "required",
    "hash",
    "location",
    "reset",
    "mode",
    "provider",
    "source",
    "kms",
    "characters",
    "special",
    "upper",
    "lower",
    "numeric",
    "number",
    // where a secret is kept, or whether it is checked: `shared_credentials_files`,
    // `skip_credentials_validation`
    "file",
    "files",
    "validation",
];

/// Whether a name (an argument, a variable, a map key, an environment
/// variable) looks like it holds a secret.
pub fn is_secret_name(name: &str) -> bool {
    let words = words(name);
    let Some(last) = words.last() else { return false };
    if NOT_THE_SECRET.contains(&last.as_str()) {
        return false;
    }
    words.iter().any(|w| SECRET_WORDS.contains(&w.as_str()))
        || words.windows(2).any(|p| SECRET_PAIRS.contains(&(p[0].as_str(), p[1].as_str())))
}

/// Lowercase words of `snake_case`, `kebab-case`, `SCREAMING_CASE` and
/// `camelCase` names.
fn words(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if !c.is_alphanumeric() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            prev_lower = false;
            continue;
        }
        if c.is_uppercase() && prev_lower && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
        prev_lower = c.is_lowercase() || c.is_ascii_digit();
        cur.extend(c.to_lowercase());
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// A literal the operator stated is acceptable where a secret is expected,
/// with `literal_secret(value, "reason")`.
#[derive(Debug, Clone)]
pub struct AcceptedSecret {
    pub value: String,
    pub reason: String,
    pub origin: Origin,
}

/// A string written as text where a secret goes: not a reference, not a
/// function call, not empty.
pub fn literal_text(v: &Value) -> Option<&str> {
    match v {
        Value::String(s) if !s.trim().is_empty() => Some(s),
        _ => None,
    }
}

impl Backend {
    /// The settings another stack may copy to read this one's state: the
    /// same, without secrets (`sse_customer_key`, credentials), which stay
    /// with the stack that holds them; a reader supplies its own (for S3,
    /// `AWS_SSE_CUSTOMER_KEY` in its environment).
    pub fn shareable_config(&self) -> indexmap::IndexMap<String, Value> {
        self.config
            .iter()
            // A flag gives nothing away whatever its name says.
            .filter(|(k, v)| matches!(v, Value::Bool(_)) || !is_secret_name(k))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_names() {
        for yes in [
            "password",
            "master_password",
            "password_wo",
            "secret_string",
            "DB_PASSWORD",
            "dbPassword",
            "auth_token",
            "sse_customer_key",
            "private_key",
            "access_key",
            "secret_key",
            "client_secret",
            "API_KEY",
            "tunnel1_preshared_key",
            "client_key",
        ] {
            assert!(is_secret_name(yes), "{yes}");
        }
        for no in [
            "secret_arn",
            "kms_key_id",
            "password_length",
            "token_ttl",
            "http_tokens",
            "name",
            "bucket",
            "manage_master_user_password_rotation",
            "secret_name",
            "shared_credentials_files",
            "skip_credentials_validation",
            "key",
            "tags",
            "",
        ] {
            assert!(!is_secret_name(no), "{no}");
        }
    }
}
