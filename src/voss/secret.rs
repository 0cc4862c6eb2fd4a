//! A value that must never be printed: passwords.

/// A secret string. `Debug` and `Display` print `(sensitive)`; only [`Secret::expose`]
/// gives the value, and only the code that sends it to the server calls it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The value itself, for the request that carries it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("(sensitive)")
    }
}

impl std::fmt::Display for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("(sensitive)")
    }
}

#[cfg(test)]
mod tests {
    use super::Secret;

    #[test]
    fn debug_and_display_hide_the_value() {
        let secret = Secret::new("hunter2");
        assert_eq!(format!("{secret}"), "(sensitive)");
        assert_eq!(format!("{secret:?}"), "(sensitive)");
        assert_eq!(format!("{:?}", Some(secret.clone())), "Some((sensitive))");
        assert_eq!(secret.expose(), "hunter2");
    }
}
