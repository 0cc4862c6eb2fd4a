//! How far a YAML token reaches on its line, for the caret under a diagnostic: the reader
//! keeps where each node starts, and only a problem's renderer asks where it ends.

/// The end of the token that starts at the 1-based character `column` of `line` (one line
/// of text, without its line break): the 1-based character column just past it, on the
/// same line.
///
/// A quoted scalar reaches its closing quote, a flow list or mapping its matching bracket
/// (just the bracket when it is not closed on the line), a plain scalar or a key up to
/// `: `, ` #` or, after `[`, `{` or `,`, a flow indicator; trailing spaces are left out.
/// A token that goes on to the next line ends at the line's end. The result is always
/// past `column`, so an empty value (a column at the line's end) gets one caret.
pub fn token_end(line: &str, column: usize) -> usize {
    let chars: Vec<char> = line.trim_end_matches('\r').chars().collect();
    let start = column.saturating_sub(1);
    let Some(&first) = chars.get(start) else {
        return column + 1;
    };
    // The end as a 0-based exclusive index.
    let end = match first {
        '"' => quoted_end(&chars, start, true),
        '\'' => quoted_end(&chars, start, false),
        '[' | '{' => bracket_end(&chars, start).unwrap_or(start + 1),
        // A comment (a place at the start of a file that holds no document): one caret.
        '#' => start + 1,
        _ => plain_end(&chars, start),
    };
    end.max(start + 1) + 1
}

/// Past the closing quote, or the line's end.
fn quoted_end(chars: &[char], start: usize, double: bool) -> usize {
    let quote = chars[start];
    let mut i = start + 1;
    while i < chars.len() {
        match chars[i] {
            '\\' if double => i += 2,
            c if c == quote => {
                // `''` inside a single-quoted scalar is one quote.
                if !double && chars.get(i + 1) == Some(&'\'') {
                    i += 2;
                    continue;
                }
                return i + 1;
            }
            _ => i += 1,
        }
    }
    chars.len()
}

/// Past the bracket that closes the one at `start`, skipping quoted text; `None` when it
/// is not closed on this line.
fn bracket_end(chars: &[char], start: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut i = start;
    while i < chars.len() {
        match chars[i] {
            '[' | '{' => depth += 1,
            ']' | '}' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            '"' => {
                i = quoted_end(chars, i, true);
                continue;
            }
            '\'' => {
                i = quoted_end(chars, i, false);
                continue;
            }
            '#' if i > 0 && chars[i - 1] == ' ' => return None,
            _ => {}
        }
        i += 1;
    }
    None
}

/// Whether the text before a token leaves a `[` or `{` open (quoted text skipped), so
/// that the token is in a flow collection; or starts with `,` (a flow list's next line).
fn inside_brackets(before: &[char]) -> bool {
    let mut depth = 0usize;
    let mut i = 0;
    while i < before.len() {
        match before[i] {
            '[' | '{' => depth += 1,
            ']' | '}' => depth = depth.saturating_sub(1),
            '"' => {
                i = quoted_end(before, i, true);
                continue;
            }
            '\'' => {
                i = quoted_end(before, i, false);
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    depth > 0 || before.iter().rev().find(|c| !c.is_whitespace()) == Some(&',')
}

/// Past a plain scalar or key.
fn plain_end(chars: &[char], start: usize) -> usize {
    let flow = inside_brackets(&chars[..start]);
    let mut end = chars.len();
    for i in start..chars.len() {
        let next = chars.get(i + 1).copied();
        let stop = match chars[i] {
            ':' => next.is_none_or(|c| c == ' ' || c == '\t' || (flow && ",]}".contains(c))),
            '#' => i > start && chars[i - 1].is_whitespace(),
            ',' | ']' | '}' => flow,
            _ => false,
        };
        if stop {
            end = i;
            break;
        }
    }
    while end > start + 1 && chars[end - 1].is_whitespace() {
        end -= 1;
    }
    end
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The text a caret from `column` would underline.
    fn under(line: &str, column: usize) -> String {
        let end = token_end(line, column);
        line.chars().skip(column - 1).take(end - column).collect()
    }

    #[test]
    fn spans_cover_the_token_and_nothing_after_it() {
        assert_eq!(under("  - name: Smith & Sons", 11), "Smith & Sons");
        assert_eq!(
            under("  - name: Smith & Sons  # a comment", 11),
            "Smith & Sons"
        );
        assert_eq!(under("    deal_id: [D-1]", 5), "deal_id");
        assert_eq!(under("    name: \"Alpha \" # c", 11), "\"Alpha \"");
        assert_eq!(under(r#"    name: "a\"b" x"#, 11), r#""a\"b""#);
        assert_eq!(under("    name: 'it''s' x", 11), "'it''s'");
        assert_eq!(
            under("    deal_ids: [D-1, ' D-2', D-3]", 15),
            "[D-1, ' D-2', D-3]"
        );
        assert_eq!(under("    deal_ids: [D-1, ' D-2', D-3]", 16), "D-1");
        assert_eq!(under("    deal_ids: [D-1, ' D-2', D-3]", 21), "' D-2'");
        assert_eq!(under("    deal_ids: [D-1, D-2", 15), "[");
        assert_eq!(under("    url: http://x:80/y", 10), "http://x:80/y");
        assert_eq!(under("a: {b: 1, c: [2]}", 5), "b");
        assert_eq!(under("a: {b: 1, c: [2]}", 8), "1");
    }

    #[test]
    fn an_empty_value_or_a_column_past_the_end_gets_one_caret() {
        assert_eq!(token_end("    description:", 17), 18);
        assert_eq!(token_end("", 1), 2);
        assert_eq!(token_end("a: \"never closed", 4), 17);
        assert_eq!(token_end("a: b\r", 4), 5);
        assert_eq!(token_end("# only a comment", 1), 2);
    }
}
