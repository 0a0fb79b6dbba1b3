//! AWS and Kubernetes naming rules, as the services document them.

fn chars_ok(s: &str, ok: impl Fn(char) -> bool) -> bool {
    s.chars().all(ok)
}

/// S3 general purpose bucket naming rules.
pub fn s3_bucket(s: &str) -> Result<(), String> {
    let rule = "bucket names are 3-63 characters of lowercase letters, digits, `.` and `-`, start and end with a letter or digit";
    let ends_ok = s.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
        && s.ends_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit());
    if !(3..=63).contains(&s.len())
        || !ends_ok
        || !chars_ok(s, |c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-')
    {
        return Err(format!("`{s}` is not a valid S3 bucket name: {rule}"));
    }
    if s.contains("..")
        || s.starts_with("xn--")
        || s.ends_with("-s3alias")
        || s.split('.').count() == 4 && s.split('.').all(|p| p.parse::<u8>().is_ok())
    {
        return Err(format!("`{s}` is not a valid S3 bucket name: no `..`, no IP address form, no `xn--` prefix or `-s3alias` suffix"));
    }
    Ok(())
}

pub fn rds_identifier(s: &str) -> Result<(), String> {
    let ok = (1..=63).contains(&s.len())
        && s.starts_with(|c: char| c.is_ascii_alphabetic())
        && chars_ok(s, |c| c.is_ascii_alphanumeric() || c == '-')
        && !s.ends_with('-')
        && !s.contains("--");
    if ok {
        Ok(())
    } else {
        Err(format!("`{s}` is not a valid RDS identifier: 1-63 letters, digits and `-`, starting with a letter, no `--`, not ending with `-`"))
    }
}

pub fn ecr_repository(s: &str) -> Result<(), String> {
    let part_ok = |p: &str| {
        !p.is_empty()
            && p.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
            && p.ends_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
            && chars_ok(p, |c| {
                c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-')
            })
    };
    if (2..=256).contains(&s.len()) && s.split('/').all(part_ok) {
        Ok(())
    } else {
        Err(format!("`{s}` is not a valid ECR repository name: 2-256 characters, lowercase `/`-separated parts of letters, digits, `.`, `_` and `-`"))
    }
}

pub fn dns_name(s: &str) -> Result<(), String> {
    let s_trim = s.strip_suffix('.').unwrap_or(s);
    let label_ok = |l: &str| {
        (1..=63).contains(&l.len())
            && !l.starts_with('-')
            && !l.ends_with('-')
            && chars_ok(l, |c| c.is_ascii_alphanumeric() || c == '-')
    };
    let labels: Vec<&str> = s_trim.split('.').collect();
    let wildcard = labels.first() == Some(&"*");
    let rest = if wildcard { &labels[1..] } else { &labels[..] };
    if s_trim.len() <= 253 && rest.len() >= 2 && rest.iter().all(|l| label_ok(l)) {
        Ok(())
    } else {
        Err(format!("`{s}` is not a DNS name like `tickets.example.com`"))
    }
}

pub fn aws_region(s: &str) -> Result<(), String> {
    let parts: Vec<&str> = s.split('-').collect();
    let ok = parts.len() >= 3
        && parts[0].len() == 2
        && parts[0].chars().all(|c| c.is_ascii_lowercase())
        && parts.last().is_some_and(|n| n.parse::<u8>().is_ok())
        && parts[1..parts.len() - 1]
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_lowercase()));
    if ok {
        Ok(())
    } else {
        Err(format!("`{s}` is not an AWS region like `eu-west-1`"))
    }
}

pub fn k8s_name(s: &str) -> Result<(), String> {
    let ok = (1..=63).contains(&s.len())
        && s.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
        && s.ends_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
        && chars_ok(s, |c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if ok {
        Ok(())
    } else {
        Err(format!("`{s}` is not a Kubernetes name: at most 63 lowercase letters, digits and `-`, starting and ending with a letter or digit"))
    }
}

/// Prefix for the names of everything a block creates: short enough that
/// `<prefix>-<suffix>` fits the tightest AWS limits (ALB and target group
/// names are 32 characters).
pub fn prefix(s: &str) -> Result<(), String> {
    let ok = (1..=20).contains(&s.len())
        && s.starts_with(|c: char| c.is_ascii_lowercase())
        && !s.ends_with('-')
        && chars_ok(s, |c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if ok {
        Ok(())
    } else {
        Err(format!("`{s}` is not a valid name prefix: 1-20 lowercase letters, digits and `-`, starting with a letter (longer names overflow AWS limits once suffixed)"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn naming_rules() {
        assert!(s3_bucket("taylor-shift-tfstate").is_ok());
        assert!(s3_bucket("Taylor_Shift").is_err());
        assert!(s3_bucket("192.168.1.1").is_err());
        assert!(rds_identifier("taylor-shift-production").is_ok());
        assert!(rds_identifier("1db").is_err());
        assert!(rds_identifier("db--x").is_err());
        assert!(ecr_repository("prestashop").is_ok());
        assert!(ecr_repository("team/prestashop").is_ok());
        assert!(ecr_repository("PrestaShop").is_err());
        assert!(dns_name("tickets.taylorshift.com").is_ok());
        assert!(dns_name("*.taylorshift.com").is_ok());
        assert!(dns_name("localhost").is_err());
        assert!(aws_region("eu-west-1").is_ok());
        assert!(aws_region("us-gov-west-1").is_ok());
        assert!(aws_region("euwest1").is_err());
        assert!(k8s_name("prestashop-production").is_ok());
        assert!(k8s_name("Presta").is_err());
        assert!(prefix("taylor-shift").is_ok());
        assert!(prefix("a-very-long-prefix-that-overflows").is_err());
    }
}
