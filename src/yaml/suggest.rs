//! "Did you mean ...?" for misspelt keys of a YAML file (desired state, profile).

/// The known name nearest to `typed`, when it is near enough to be a likely typo.
pub fn nearest<'a>(typed: &str, known: &[&'a str]) -> Option<&'a str> {
    let typed_lower = typed.to_lowercase();
    known
        .iter()
        .map(|k| (strsim::jaro_winkler(&typed_lower, &k.to_lowercase()), *k))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| k)
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEYS: &[&str] = &["name", "hierarchy", "deal_ids", "domain", "description"];

    #[test]
    fn suggests_close_keys_only() {
        assert_eq!(nearest("deal_id", KEYS), Some("deal_ids"));
        assert_eq!(nearest("Hierachy", KEYS), Some("hierarchy"));
        assert_eq!(nearest("descripton", KEYS), Some("description"));
        assert_eq!(nearest("colour", KEYS), None);
    }
}
