//! "Did you mean": the closest known name to a misspelt one, shared by every
//! phase so suggestions feel the same everywhere.

/// "did you mean `x`?" for the closest candidate.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    closest(word, candidates).map(|c| format!("did you mean `{c}`?"))
}

/// The candidate closest to `wrong`, if it is close enough to be what the
/// operator meant. Damerau-Levenshtein catches typos and swapped letters
/// (`cidr_blok`, `cidr_bolck`); Jaro-Winkler catches a dropped or extra word
/// at the end (`aws_s3_bucket_versionin`), weighted toward a shared prefix.
pub fn closest<'a>(wrong: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let max_edits = (wrong.chars().count() / 4).clamp(1, 3);
    let mut best: Option<(f64, &str)> = None;
    for c in candidates {
        if c == wrong {
            continue;
        }
        let edits = strsim::damerau_levenshtein(wrong, c);
        let jw = strsim::jaro_winkler(wrong, c);
        if edits > max_edits && jw < 0.9 {
            continue;
        }
        // fewer edits first, Jaro-Winkler to break ties
        let score = jw - edits as f64 * 0.05;
        if best.is_none_or(|(s, _)| score > s) {
            best = Some((score, c));
        }
    }
    best.map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::closest;

    #[test]
    fn suggests_close_names_only() {
        let names = ["cidr_block", "enable_dns_support", "tags", "instance_tenancy"];
        assert_eq!(closest("cidr_blok", names), Some("cidr_block"));
        assert_eq!(closest("cidr_bolck", names), Some("cidr_block"));
        assert_eq!(closest("tag", names), Some("tags"));
        assert_eq!(closest("completely_else", names), None);
        let opts = ["instance_class", "engine", "allocated_storage"];
        assert_eq!(closest("instnce_class", opts), Some("instance_class"));
        assert_eq!(closest("c5.largee", ["c5.large", "c5.xlarge", "c6.large"]), Some("c5.large"));
    }
}
