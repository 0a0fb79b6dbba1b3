/// "did you mean `x`?" for the closest candidate, when one is close enough
/// that the suggestion helps more than it confuses.
pub fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    closest(word, candidates).map(|c| format!("did you mean `{c}`?"))
}

pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let lower = word.to_lowercase();
    candidates
        .into_iter()
        .filter(|c| *c != word)
        .map(|c| (strsim::jaro_winkler(&lower, &c.to_lowercase()), c))
        .filter(|(score, c)| *score >= 0.85 || strsim::damerau_levenshtein(word, c) <= 2.min(word.len() / 3 + 1))
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        let c = ["instance_class", "engine", "allocated_storage"];
        assert_eq!(closest("instance_clas", c), Some("instance_class"));
        assert_eq!(closest("instnce_class", c), Some("instance_class"));
        assert_eq!(closest("zzz", c), None);
    }
}
