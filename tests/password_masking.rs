//! Issue 12, item 11: a short local-admin password is never "masked" letter by letter in
//! what the server said (`C(sensitive)berd(sensitive)ne`): that text is withheld with a
//! note, and a long password leaves ordinary text as it is.

use std::path::Path;
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_voss-customers");

fn apply_examples(password: &str) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let output: Output = Command::new(BIN)
        .arg("apply")
        .arg(root.join("examples/customers"))
        .arg("--sim")
        .arg(root.join("examples/sim-seed.yaml"))
        .arg("--yes")
        .env_remove("VOSS_URL")
        .env("ACME_ADMIN_PASSWORD", password)
        .env("CYBERDYNE_ADMIN_PASSWORD", password)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[test]
fn a_one_letter_password_withholds_the_text_instead_of_garbling_it() {
    let shown = apply_examples("y");
    assert!(!shown.contains("C(sensitive)berd"), "{shown}");
    assert!(!shown.contains("s(sensitive)s.hcs"), "{shown}");
    assert!(
        shown.contains("create Cyberdyne Systems at sys.hcs.CS-P.CS-R1: the server's message was withheld: it could contain the password"),
        "{shown}"
    );
}

#[test]
fn a_two_letter_password_that_is_not_in_the_text_leaves_it_readable() {
    let shown = apply_examples("pw");
    assert!(!shown.contains("(sensitive)s"), "{shown}");
    assert!(
        shown.contains("add relation/HcsCustomerREL Cyberdyne Systems at sys.hcs.CS-P.CS-R1"),
        "{shown}"
    );
}

#[test]
fn a_long_password_leaves_the_text_readable() {
    let shown = apply_examples("Tr0ub4dor-3-horse");
    assert!(!shown.contains("Tr0ub4dor"), "{shown}");
    assert!(
        shown.contains("add relation/HcsCustomerREL Cyberdyne Systems at sys.hcs.CS-P.CS-R1"),
        "{shown}"
    );
}
