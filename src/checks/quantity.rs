//! Kubernetes resource quantities (`500m`, `1.5`, `512Mi`, `2Gi`, `1e3`),
//! as the API server reads them: a non-negative decimal number and one
//! suffix, binary (`Ki`...`Ei`), decimal (`n`, `u`, `m`, `k`, `M`...`E`) or an
//! exponent. Their value lets a rule compare a request with its limit.

const BINARY: &[(&str, f64)] = &[
    ("Ki", 1024.0),
    ("Mi", 1024.0 * 1024.0),
    ("Gi", 1024.0 * 1024.0 * 1024.0),
    ("Ti", 1024.0 * 1024.0 * 1024.0 * 1024.0),
    ("Pi", 1024.0 * 1024.0 * 1024.0 * 1024.0 * 1024.0),
    ("Ei", 1024.0 * 1024.0 * 1024.0 * 1024.0 * 1024.0 * 1024.0),
];
const DECIMAL: &[(&str, f64)] = &[
    ("n", 1e-9),
    ("u", 1e-6),
    ("m", 1e-3),
    ("", 1.0),
    ("k", 1e3),
    ("M", 1e6),
    ("G", 1e9),
    ("T", 1e12),
    ("P", 1e15),
    ("E", 1e18),
];

/// The value of a quantity (cores, or bytes), or `None` if `s` is not one.
pub fn value(s: &str) -> Option<f64> {
    let split = s.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(s.len());
    let (number, suffix) = s.split_at(split);
    let digits_ok = !number.is_empty()
        && number.matches('.').count() <= 1
        && number.chars().any(|c| c.is_ascii_digit());
    if !digits_ok {
        return None;
    }
    let n: f64 = number.parse().ok()?;
    let scale = if let Some((_, f)) = BINARY.iter().chain(DECIMAL).find(|(x, _)| *x == suffix) {
        *f
    } else {
        let exp = suffix.strip_prefix(['e', 'E'])?;
        let digits = exp.strip_prefix(['+', '-']).unwrap_or(exp);
        if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        10f64.powi(exp.parse::<i32>().ok()?)
    };
    Some(n * scale)
}

/// A CPU amount: `500m`, `1`, `1.5`.
pub fn cpu(s: &str) -> Result<(), String> {
    value(s).map(|_| ()).ok_or_else(|| {
        format!("`{s}` is not a Kubernetes CPU quantity: cores such as `1` or `1.5`, or millicores such as `500m`")
    })
}

/// A memory amount: `512Mi`, `2Gi`, `1G` (`1GB` is not one).
pub fn memory(s: &str) -> Result<(), String> {
    value(s).map(|_| ()).ok_or_else(|| {
        format!("`{s}` is not a Kubernetes memory quantity: bytes with a suffix such as `512Mi`, `2Gi` or `1G` (no `B`)")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities_read_as_the_api_server_reads_them() {
        assert_eq!(value("500m"), Some(0.5));
        assert_eq!(value("2"), Some(2.0));
        assert_eq!(value("1.5"), Some(1.5));
        assert_eq!(value("4Gi"), Some(4.0 * 1024.0 * 1024.0 * 1024.0));
        assert_eq!(value("1e3"), Some(1000.0));
        assert_eq!(value("1G"), Some(1e9));
        for bad in ["", "abc", "500 m", "1GB", "-1", "1..5", ".", "Gi", "1e", "1ee3"] {
            assert_eq!(value(bad), None, "{bad}");
        }
        assert!(value("8Gi") > value("4Gi"));
        assert!(value("1") < value("1500m"));
    }
}
