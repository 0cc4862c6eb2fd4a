//! `doctor`'s checks as text (one line per check, then the profile lines to change) or as
//! JSON (`{"ok", "checks": [{name, status, detail, help?}], "profile_fix"}`).

use serde_json::json;

use crate::escape::escape;
use crate::model::check::{Check, Status};

/// The heading above the merged profile fix in text.
pub const FIX_HEADING: &str = "Put these lines in your --profile file:";

/// True when plan and apply would work: no check failed.
pub fn passed(checks: &[Check]) -> bool {
    checks.iter().all(|c| c.status != Status::Fail)
}

/// One line per check (`ok`, `warn`, `FAIL`, what was checked, what to do), the profile
/// fix under [`FIX_HEADING`], and a summary line.
pub fn doctor_text(checks: &[Check]) -> String {
    let mut out = String::new();
    for check in checks {
        let mark = match check.status {
            Status::Ok => "ok",
            Status::Warn => "warn",
            Status::Fail => "FAIL",
        };
        out.push_str(&format!(
            "{mark:<4}  {}: {}",
            escape(&check.name),
            escape(&check.detail)
        ));
        if let Some(help) = &check.help {
            out.push_str(&format!(" -> {}", escape(help)));
        }
        out.push('\n');
    }
    if let Some(fix) = profile_fix(checks) {
        out.push_str(&format!("\n{FIX_HEADING}\n{fix}"));
    }
    let count = |status| checks.iter().filter(|c| c.status == status).count();
    let (failed, warned) = (count(Status::Fail), count(Status::Warn));
    out.push('\n');
    out.push_str(&if failed > 0 {
        format!(
            "{failed} check(s) failed, {warned} warning(s): plan and apply will not work until the failures are fixed\n"
        )
    } else {
        format!(
            "{} check(s) passed, {warned} warning(s): plan and apply can run\n",
            checks.len() - warned
        )
    });
    out
}

/// The checks as one pretty JSON object.
pub fn doctor_json(checks: &[Check]) -> String {
    super::pretty_json(&json!({
        "ok": passed(checks),
        "checks": checks,
        "profile_fix": profile_fix(checks),
    }))
}

/// Every check's fix, merged per section (`fields:` once, its lines below it), top-level
/// lines first; `None` when nothing is to change.
pub fn profile_fix(checks: &[Check]) -> Option<String> {
    let mut top: Vec<&str> = Vec::new();
    let mut sections: Vec<(&str, Vec<&str>)> = Vec::new();
    for fix in checks.iter().filter_map(|c| c.fix.as_deref()) {
        let mut lines = fix.lines().filter(|l| !l.trim().is_empty()).peekable();
        while let Some(line) = lines.next() {
            let opens = line.ends_with(':') && !line.starts_with(' ');
            if !opens {
                if !top.contains(&line) {
                    top.push(line);
                }
                continue;
            }
            let at = match sections.iter().position(|(s, _)| *s == line) {
                Some(at) => at,
                None => {
                    sections.push((line, Vec::new()));
                    sections.len() - 1
                }
            };
            while let Some(inner) = lines.next_if(|l| l.starts_with(' ')) {
                if !sections[at].1.contains(&inner) {
                    sections[at].1.push(inner);
                }
            }
        }
    }
    if top.is_empty() && sections.is_empty() {
        return None;
    }
    let mut out = String::new();
    for line in top {
        out.push_str(line);
        out.push('\n');
    }
    for (section, lines) in sections {
        out.push_str(section);
        out.push('\n');
        for line in lines {
            out.push_str(line);
            out.push('\n');
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(status: Status, fix: Option<&str>) -> Check {
        Check {
            name: "field x".into(),
            status,
            detail: "d".into(),
            help: None,
            fix: fix.map(str::to_owned),
        }
    }

    #[test]
    fn fixes_are_merged_per_section() {
        let checks = [
            check(Status::Fail, Some("fields:\n  extended_name: extName")),
            check(Status::Warn, Some("release: \"24.2\"")),
            check(Status::Fail, Some("fields:\n  account_id: acctId")),
            check(Status::Ok, None),
        ];
        assert_eq!(
            profile_fix(&checks).as_deref(),
            Some("release: \"24.2\"\nfields:\n  extended_name: extName\n  account_id: acctId\n")
        );
        assert!(!passed(&checks));
        assert_eq!(profile_fix(&checks[3..]), None);
    }

    #[test]
    fn json_has_the_keys_and_no_fix_per_check() {
        let checks = [check(Status::Warn, Some("release: \"24.2\""))];
        let value: serde_json::Value = serde_json::from_str(&doctor_json(&checks)).unwrap();
        assert_eq!(value["ok"], true);
        assert_eq!(value["checks"][0]["status"], "warn");
        assert!(value["checks"][0].get("help").is_none());
        assert!(value["checks"][0].get("fix").is_none());
        assert_eq!(value["profile_fix"], "release: \"24.2\"\n");
    }
}
