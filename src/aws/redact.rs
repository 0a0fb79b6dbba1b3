//! Messages from the SDK and its credential providers are shown to the
//! operator; whatever looks like a key or a token is masked first.

/// Masks access key ids (`AKIA…`, `ASIA…`) and any run of 40 or more
/// base64 characters (secret keys are 40, session tokens longer).
pub fn redact(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut run = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() || matches!(c, '/' | '+' | '=') {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
            out.push(c);
        }
    }
    flush(&mut run, &mut out);
    out
}

fn flush(run: &mut String, out: &mut String) {
    if is_secret(run) {
        out.push_str("[redacted]");
    } else {
        out.push_str(run);
    }
    run.clear();
}

fn is_secret(word: &str) -> bool {
    let key_id = word.len() == 20
        && ["AKIA", "ASIA", "ABIA", "ACCA"].iter().any(|p| word.starts_with(p))
        && word.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
    key_id || word.len() >= 40
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn keys_and_tokens_are_masked() {
        let s = "key AKIAIOSFODNN7EXAMPLE secret wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY!";
        assert_eq!(redact(s), "key [redacted] secret [redacted]!");
    }

    #[test]
    fn arns_urls_and_paths_stay() {
        let s = "arn:aws:iam::123456789012:user/ci at https://sts.eu-west-1.amazonaws.com (~/.aws/config)";
        assert_eq!(redact(s), s);
    }
}
