//! Formats of values AWS, Helm and HTTP define, checked where the stdlib
//! writes them: chart versions, DynamoDB table names, policy documents,
//! health-check paths and status code matchers.

/// A version constraint as Terraform reads one (`required_version`, a
/// provider's or a registry module's `version`): comma-separated
/// `[op] version`, op one of `=`, `!=`, `>`, `>=`, `<`, `<=`, `~>`, version
/// one to three whole numbers with an optional `-prerelease`.
pub fn version_constraint(text: &str) -> bool {
    let valid = |part: &str| {
        let part = part.trim();
        let rest = ["~>", ">=", "<=", "!=", "=", ">", "<"]
            .iter()
            .find_map(|op| part.strip_prefix(op))
            .unwrap_or(part)
            .trim_start();
        let rest = rest.strip_prefix('v').unwrap_or(rest);
        let (numbers, pre) = rest.split_once('-').unwrap_or((rest, ""));
        let numbers: Vec<&str> = numbers.split('.').collect();
        (1..=3).contains(&numbers.len())
            && numbers.iter().all(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
            && pre.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
    };
    !text.trim().is_empty() && text.split(',').all(valid)
}

/// Whether Terraform converts the text to a number: a decimal, with an
/// optional sign, fraction and exponent, and nothing around it. Rust's
/// parser also takes `inf` and `NaN`, and `trim` took `" 5"`; Terraform
/// takes neither ("a number is required").
pub fn number_text(s: &str) -> bool {
    let s = s.strip_prefix(['+', '-']).unwrap_or(s);
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok =
        digits(whole) && digits(fraction) && !(whole.is_empty() && fraction.is_empty());
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['+', '-']).unwrap_or(e);
        !e.is_empty() && digits(e)
    });
    mantissa_ok && exponent_ok
}

/// A Helm chart version: semantic `MAJOR.MINOR.PATCH`, with an optional
/// `-pre.release` and `+build` (not `latest`, not a range).
pub fn chart_version(s: &str) -> Result<(), String> {
    let core = s.split(['-', '+']).next().unwrap_or("");
    let nums: Vec<&str> = core.split('.').collect();
    let number = |p: &&str| {
        !p.is_empty()
            && p.chars().all(|c| c.is_ascii_digit())
            && (p.len() == 1 || !p.starts_with('0'))
    };
    let rest_ok = s[core.len()..].chars().all(|c| c.is_ascii_alphanumeric() || "-+.".contains(c));
    if nums.len() == 3 && nums.iter().all(number) && rest_ok {
        Ok(())
    } else {
        Err(format!("`{s}` is not a chart version `MAJOR.MINOR.PATCH` such as `9.43.2`: a release is pinned to one version"))
    }
}

/// A DynamoDB table name: 3 to 255 letters, digits, `_`, `-` and `.`.
pub fn dynamodb_table(s: &str) -> Result<(), String> {
    let ok = (3..=255).contains(&s.len())
        && s.chars().all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c));
    if ok {
        Ok(())
    } else {
        Err(format!(
            "`{s}` is not a DynamoDB table name: 3 to 255 letters, digits, `_`, `-` and `.`"
        ))
    }
}

/// An IAM policy document: a JSON object (what `tf::jsonencode(#{ ... })`
/// makes at plan time).
pub fn json_object(s: &str) -> Result<(), String> {
    match serde_json::from_str::<serde_json::Value>(s) {
        Ok(serde_json::Value::Object(_)) => Ok(()),
        Ok(_) => {
            Err(format!("`{s}` is JSON, but not an object `{{ ... }}` as a policy document is"))
        }
        Err(e) => Err(format!("the policy document is not JSON ({e})")),
    }
}

/// An HTTP path a health check requests: starts with `/`, no spaces.
pub fn http_path(s: &str) -> Result<(), String> {
    if s.starts_with('/') && !s.chars().any(char::is_whitespace) && s.len() <= 1024 {
        Ok(())
    } else {
        Err(format!(
            "`{s}` is not an HTTP path: it starts with `/` (e.g. `/health`) and has no spaces"
        ))
    }
}

/// An ALB status code matcher: codes from 200 to 499, as `200`, `200,302`
/// or a range `200-399`.
pub fn http_matcher(s: &str) -> Result<(), String> {
    let code = |c: &str| {
        c.len() == 3
            && c.chars().all(|x| x.is_ascii_digit())
            && (200..=499).contains(&c.parse::<u16>().unwrap_or(0))
    };
    let part_ok = |p: &str| match p.split_once('-') {
        Some((a, b)) => code(a) && code(b) && a <= b,
        None => code(p),
    };
    if !s.is_empty() && s.split(',').all(part_ok) {
        Ok(())
    } else {
        Err(format!("`{s}` is not an ALB matcher: HTTP codes from 200 to 499, as `200`, `200,302` or `200-399`"))
    }
}

/// A certificate thumbprint as IAM takes it: 40 hexadecimal digits (SHA-1).
pub fn thumbprint(s: &str) -> Result<(), String> {
    if s.len() == 40 && s.chars().all(|c| c.is_ascii_hexdigit()) {
        Ok(())
    } else {
        Err(format!("`{s}` is not a certificate thumbprint: 40 hexadecimal digits"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_as_terraform_converts_text() {
        for ok in ["5", "-5", "+5", "5.5", ".5", "5.", "1e3", "1.5E-3", "007"] {
            assert!(number_text(ok), "{ok}");
        }
        for no in
            [" 5", "5 ", "", "-", ".", "1e", "e3", "Infinity", "inf", "NaN", "0x10", "1_000", "abc"]
        {
            assert!(!number_text(no), "{no}");
        }
    }

    #[test]
    fn version_constraints_as_terraform_reads_them() {
        for ok in ["~> 6.0", ">= 1.10, < 2.0", "1.2.3", "= 1.0.0-beta1", "v1"] {
            assert!(version_constraint(ok), "{ok}");
        }
        for bad in ["banana", "", "~>", ">= 1.2.3.4", "1.x", ">= 1,"] {
            assert!(!version_constraint(bad), "{bad}");
        }
    }

    #[test]
    fn formats_accept_what_the_services_take() {
        for ok in ["9.43.2", "1.0.0-rc.1", "0.1.0+build.5"] {
            assert!(chart_version(ok).is_ok(), "{ok}");
        }
        for bad in ["latest", " 9.43.2", "9.43", "v9.43.2", "~9.43.2", "09.1.0"] {
            assert!(chart_version(bad).is_err(), "{bad}");
        }
        assert!(thumbprint(&"9e99a48a9960b14926bb7f3b02e22da2b0ab7280".to_uppercase()).is_ok());
        assert!(thumbprint("abc").is_err());
        assert!(dynamodb_table("shop-tf-locks").is_ok());
        assert!(dynamodb_table("a b").is_err() && dynamodb_table("x").is_err());
        assert!(json_object(r#"{"Version":"2012-10-17"}"#).is_ok());
        assert!(json_object("not json").is_err() && json_object("[1]").is_err());
        assert!(http_path("/health").is_ok() && http_path("health").is_err());
        for ok in ["200", "200-399", "200,302", "200-499"] {
            assert!(http_matcher(ok).is_ok(), "{ok}");
        }
        for bad in ["200-600", "", "ok", "399-200", "2000"] {
            assert!(http_matcher(bad).is_err(), "{bad}");
        }
    }
}
