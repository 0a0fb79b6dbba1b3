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

/// An RDS identifier as the provider takes it: lowercase (RDS folds case,
/// and the provider refuses capitals).
pub fn rds_identifier(s: &str) -> Result<(), String> {
    let ok = (1..=63).contains(&s.len())
        && s.starts_with(|c: char| c.is_ascii_lowercase())
        && chars_ok(s, |c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !s.ends_with('-')
        && !s.contains("--");
    if ok {
        Ok(())
    } else {
        Err(format!("`{s}` is not a valid RDS identifier: 1-63 lowercase letters, digits and `-`, starting with a letter, no `--`, not ending with `-`"))
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

/// The region an availability zone name belongs to: `eu-west-1a` is in
/// `eu-west-1`, the Local Zone `us-west-2-lax-1a` too.
pub fn zone_region(s: &str) -> Option<&str> {
    let body = s.strip_suffix(|c: char| c.is_ascii_lowercase())?;
    if aws_region(body).is_ok() {
        return Some(body);
    }
    // A Local Zone: `<region>-<place>-<n>` before the letter.
    let mut parts = body.rsplitn(3, '-');
    let (n, place, region) = (parts.next()?, parts.next()?, parts.next()?);
    let ok = n.parse::<u8>().is_ok()
        && !place.is_empty()
        && place.chars().all(|c| c.is_ascii_lowercase())
        && aws_region(region).is_ok();
    ok.then_some(region)
}

/// An availability zone name (not a zone id such as `euw1-az1`).
pub fn availability_zone(s: &str) -> Result<(), String> {
    match zone_region(s) {
        Some(_) => Ok(()),
        None => Err(format!(
            "`{s}` is not an availability zone name like `eu-west-1a` (zone ids such as `euw1-az1` are not names)"
        )),
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

/// A KMS alias as `kms::key` takes it, the part after `alias/`: the
/// provider's `alias/[a-zA-Z0-9/_-]+`, at most 256 characters in all, and
/// not the `aws/` names AWS keeps for its own keys. A part known only at
/// plan time ([`super::UNKNOWN`]) passes.
pub fn kms_alias(s: &str) -> Result<(), super::Failure> {
    let plain = |m: String| Err(super::Failure::plain(m));
    if let Some(rest) = s.strip_prefix("alias/") {
        return Err(super::Failure {
            message: format!("`{s}` starts with `alias/`, which the block adds itself (it would write `alias/{s}`)"),
            suggestion: Some(rest.to_owned()).filter(|r| !r.contains(super::UNKNOWN)),
        });
    }
    if s.starts_with("aws/") {
        return plain(format!(
            "`{s}` starts with `aws/`: AWS keeps `alias/aws/...` for its own managed keys"
        ));
    }
    let ok = |c: char| c.is_ascii_alphanumeric() || "/_-".contains(c) || c == super::UNKNOWN;
    if !chars_ok(s, ok) || s.chars().count() > 250 {
        return plain(format!(
            "`{s}` is not a KMS alias name: at most 250 letters, digits, `/`, `_` and `-`"
        ));
    }
    Ok(())
}

/// A container image pinned to one build: a digest `@sha256:<64 hex>`, or
/// a tag other than `latest`. The tag is what follows `:` in the last path
/// segment (`registry.example.com:5000/shop` has a port, not a tag). A
/// part known only at plan time ([`super::UNKNOWN`]) in the tag or digest,
/// or in a last segment without `:`, might pin it and passes.
pub fn pinned_image(s: &str) -> Result<(), String> {
    let unknown = super::UNKNOWN;
    let last = s.rsplit('/').next().unwrap_or(s);
    if let Some((_, digest)) = last.split_once('@') {
        let hex = digest.strip_prefix("sha256:").unwrap_or("");
        if digest.contains(unknown) || hex.len() == 64 && hex.chars().all(|c| c.is_ascii_hexdigit())
        {
            return Ok(());
        }
        return Err(format!("`{s}` has a malformed digest: write `@sha256:` and 64 hex digits"));
    }
    match last.rsplit_once(':') {
        Some((_, tag)) if tag.contains(unknown) => Ok(()),
        Some((_, "latest")) => {
            Err(format!("`{s}` is tagged `latest`, which moves: pin a version tag or a digest"))
        }
        Some((_, "")) => Err(format!("`{s}` has an empty tag: pin a version tag or a digest")),
        Some(_) => Ok(()),
        None if last.contains(unknown) => Ok(()),
        None => Err(format!(
            "`{s}` has no tag (it pulls `latest`, which moves): pin a version tag or a digest"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_image_is_pinned_by_its_last_segments_tag_or_a_digest() {
        let u = crate::checks::UNKNOWN;
        for ok in [
            "prestashop/prestashop:8.1.7-apache",
            "registry.example.com:5000/prestashop:8.1.7",
            &format!("registry.example.com:5000/prestashop@sha256:{}", "a".repeat(64)),
            &format!("{u}:8.1.7"),
            &format!("{u}:{u}"),
            &format!("{u}"),
            &format!("registry.example.com:5000/{u}"),
        ] {
            assert!(pinned_image(ok).is_ok(), "{ok}");
        }
        for bad in [
            "prestashop/prestashop",
            "registry.example.com:5000/prestashop",
            "prestashop:latest",
            "registry.example.com:5000/prestashop:latest",
            &format!("{u}:latest"),
            &format!("{u}/prestashop"),
            "prestashop:",
            "prestashop@sha256:abc",
        ] {
            assert!(pinned_image(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn naming_rules() {
        assert!(s3_bucket("taylor-shift-tfstate").is_ok());
        assert!(s3_bucket("Taylor_Shift").is_err());
        assert!(s3_bucket("192.168.1.1").is_err());
        assert!(rds_identifier("taylor-shift-production").is_ok());
        assert!(rds_identifier("1db").is_err());
        assert!(rds_identifier("Shop").is_err(), "the provider refuses capitals");
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
