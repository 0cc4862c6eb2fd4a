//! ANSI colours, used only when asked for.

pub(crate) const GREEN: &str = "32";
pub(crate) const YELLOW: &str = "33";
pub(crate) const RED: &str = "31";
pub(crate) const CYAN: &str = "36";
pub(crate) const BOLD: &str = "1";
pub(crate) const BOLD_RED: &str = "1;31";

/// Paints text with an SGR code when colour is on; leaves it alone otherwise.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Style {
    pub(crate) color: bool,
}

impl Style {
    pub(crate) fn paint(self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }
}
