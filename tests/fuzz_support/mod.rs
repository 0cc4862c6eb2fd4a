//! The checks each fuzz target runs on one input, shared by the cargo-fuzz targets in
//! `fuzz/` (which include this file) and by `tests/fuzz_regressions.rs` (stable toolchain,
//! replays `tests/fuzz_regressions/` and the example files through the same checks).
//!
//! Each check feeds untrusted bytes to one parser exactly as the tool reads them, and
//! panics when a property fails; bad input may only ever give an error. Properties beyond
//! "no crash":
//! - a desired-state file that validates plans, with the pure planner against an empty
//!   live state, into one create per present customer, each of which apply can carry out;
//!   its plan JSON reads back (as `apply --plan` reads it) as the same plan; normalising
//!   any value of it is idempotent;
//! - a saved plan that reads re-encodes and reads back equal;
//! - a seed that loads makes a consistent world that survives the `--state` round trip;
//! - every decoded API answer, re-encoded in the server's shape and decoded again, is equal;
//! - a profile that loads prints (`voss-customers profile`) as YAML that loads back equal.

#![allow(dead_code)]

use std::cell::RefCell;
use std::path::PathBuf;

use serde_json::Value;
use voss_customers::apply::request::{local_admin_from_plan, updates_from_plan};
use voss_customers::model::{Field, LiveState};
use voss_customers::ops::apply::read_saved_plan;
use voss_customers::plan::Action;
use voss_customers::voss::fuzzing;
use voss_customers::voss::profile::Profile;
use voss_customers::{desired, plan, render, sim};

/// The address plans are made against.
const TARGET: &str = "http://127.0.0.1:1";

thread_local! {
    /// A directory for the desired-state file under test, made once per thread.
    static DIR: RefCell<Option<tempfile::TempDir>> = const { RefCell::new(None) };
}

/// Writes `bytes` as the one file of a fresh path and returns it.
fn as_file(bytes: &[u8]) -> PathBuf {
    DIR.with(|dir| {
        let mut dir = dir.borrow_mut();
        let dir = dir.get_or_insert_with(|| {
            let shm = std::path::Path::new("/dev/shm");
            let builder = || tempfile::Builder::new().prefix("voss-fuzz-").tempdir();
            if shm.is_dir() {
                tempfile::Builder::new()
                    .prefix("voss-fuzz-")
                    .tempdir_in(shm)
                    .or_else(|_| builder())
            } else {
                builder()
            }
            .expect("a temporary directory")
        });
        let path = dir.path().join("customers.yaml");
        std::fs::write(&path, bytes).expect("the input written");
        path
    })
}

/// Loading and validating a desired-state file (`validate`, and every command that reads
/// files); a valid one is planned against an empty live state.
pub fn desired_file(bytes: &[u8]) {
    let path = as_file(bytes);
    let loaded = desired::load_reporting(std::slice::from_ref(&path));
    let _ = desired::render_warnings(&loaded.warnings);
    let desired = match loaded.desired {
        Ok(desired) => desired,
        Err(problems) => {
            assert!(
                !problems.is_empty(),
                "an invalid file with no problem named"
            );
            // Every output format, with the excerpts of the file as it is on disk.
            let mut sources = desired::render::Sources::new();
            let _ = desired::render_text(&problems);
            let _ = desired::render::render_json(&problems, &loaded.warnings, &mut sources);
            let _ = desired::render::render_github(&problems, &loaded.warnings, &mut sources);
            let _ = desired::render::render_sarif(&problems, &loaded.warnings, &mut sources);
            return;
        }
    };
    for declared in &desired.customers {
        for field in Field::ALL {
            if let Some(value) = field.written(&declared.customer) {
                normalise_is_idempotent(field, &value);
            }
        }
    }
    let plan = plan::diff(&desired, &LiveState::default(), TARGET);
    let present = desired
        .customers
        .iter()
        .filter(|d| d.customer.state.is_present())
        .count();
    assert_eq!(
        plan.changes.len(),
        present,
        "one change per present customer against an empty live state: {plan:#?}"
    );
    for change in &plan.changes {
        assert_eq!(change.action, Action::Create, "{change:#?}");
        if let Err(e) = updates_from_plan(&change.fields) {
            panic!("apply cannot carry out a create of a valid file: {e}: {change:#?}");
        }
        if let Err(e) = local_admin_from_plan(&change.fields) {
            panic!("apply cannot read the local admin of a valid file: {e}: {change:#?}");
        }
    }
    assert_eq!(plan.summary.create, present);
    let _ = render::text(&plan, false);
    let _ = render::markdown(&plan);
    let json = render::json(&plan);
    match read_saved_plan("plan.json", &json) {
        Ok(again) => assert_eq!(again, plan, "the saved plan reads back differently"),
        Err(e) => panic!("the plan of a valid file does not read back: {e}\n{json}"),
    }
}

/// `Field::normalise` is idempotent, and `same` agrees with it.
pub fn normalise_is_idempotent(field: Field, value: &Value) {
    let once = field.normalise(value);
    assert_eq!(field.normalise(&once), once, "{field}: {value}");
    assert!(field.same(value, &once), "{field}: {value} vs {once}");
}

/// Loading a simulator seed (`sim --seed`, `--sim SEED`).
pub fn sim_seed(bytes: &[u8]) {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return;
    };
    if let Ok(check) = sim::check_seed("seed.yaml", text) {
        assert!(check.problems.is_empty(), "{:?}", check.problems);
    }
}

/// Reading a saved plan (`apply --plan FILE`), and what apply does with it before any
/// request: render it, judge its safety, read each change's write.
pub fn saved_plan(bytes: &[u8]) {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return;
    };
    let Ok(plan) = read_saved_plan("plan.json", text) else {
        return;
    };
    let _ = render::text(&plan, false);
    let _ = render::text(&plan, true);
    let _ = render::markdown(&plan);
    let _ = plan::safety::refusals(&plan, &LiveState::default(), 5);
    let _ = plan.only_blocked();
    for change in &plan.changes {
        let _ = updates_from_plan(&change.fields);
        let _ = local_admin_from_plan(&change.fields);
    }
    // The JSON writer never writes a sensitive field's `before`, even of a hand-edited
    // plan that marks a plain field sensitive (found by this target).
    let mut expected = plan.clone();
    for field in expected
        .changes
        .iter_mut()
        .flat_map(|c| c.fields.iter_mut())
    {
        if field.sensitive {
            field.before = Value::Null;
        }
    }
    let json = render::json(&plan);
    match read_saved_plan("plan.json", &json) {
        Ok(again) => assert_eq!(
            again, expected,
            "a saved plan re-encoded reads back differently"
        ),
        Err(e) => panic!("a saved plan re-encoded does not read back: {e}\n{json}"),
    }
}

/// The profile every answer is decoded with (read once).
fn builtin() -> &'static Profile {
    static BUILTIN: std::sync::OnceLock<Profile> = std::sync::OnceLock::new();
    BUILTIN.get_or_init(|| Profile::builtin().expect("the built-in profile loads"))
}

/// The kinds of API answer, chosen by the first byte of an input of [`api_answer`].
pub const ANSWERS: [&str; 7] = [
    "list",
    "instance",
    "poll",
    "write",
    "error",
    "transaction",
    "add_form",
];

/// Decoding an API answer: the first byte picks the kind ([`ANSWERS`], modulo their
/// number); a poll answer's input is `ID\nBODY`.
pub fn api_answer(bytes: &[u8]) {
    let Some((&kind, body)) = bytes.split_first() else {
        return;
    };
    let profile = builtin();
    let encode = |value: &Value| serde_json::to_vec(value).expect("a value encodes");
    match ANSWERS[usize::from(kind) % ANSWERS.len()] {
        "list" => {
            if let Ok(page) = fuzzing::list_answer(body, profile) {
                let again = fuzzing::list_answer(&encode(&page.to_answer()), profile);
                assert_eq!(again, Ok(page), "a list answer re-encoded");
            }
        }
        "instance" => {
            if let Ok(record) = fuzzing::instance_answer(body, profile) {
                let again = fuzzing::instance_answer(&encode(&record.to_answer()), profile);
                assert_eq!(again, Ok(record), "an instance answer re-encoded");
            }
        }
        "poll" => {
            let (id, body) = match body.iter().position(|b| *b == b'\n') {
                Some(at) => (&body[..at], &body[at + 1..]),
                None => (&b""[..], body),
            };
            let id = String::from_utf8_lossy(id);
            if let Ok(Some(poll)) = fuzzing::poll_answer(body, &id, profile) {
                let answer = encode(&fuzzing::poll_to_answer(&id, &poll));
                let again = fuzzing::poll_answer(&answer, &id, profile);
                assert_eq!(again, Ok(Some(poll)), "a poll answer re-encoded");
            }
        }
        "write" => {
            if let Ok(Some(id)) = fuzzing::write_answer(body) {
                let again = fuzzing::write_answer(&encode(&fuzzing::write_to_answer(&id)));
                assert_eq!(again, Ok(Some(id)), "a write answer re-encoded");
            }
        }
        "error" => {
            let (message, errors) = fuzzing::error_answer(body);
            let answer = encode(&fuzzing::error_to_answer(400, &message, &errors));
            assert_eq!(
                fuzzing::error_answer(&answer),
                (message, errors),
                "an error answer re-encoded"
            );
        }
        "transaction" => {
            if let Ok(Some(message)) = fuzzing::transaction_answer(body) {
                let answer = encode(&serde_json::json!({"data": {"message": message}}));
                let again = fuzzing::transaction_answer(&answer);
                assert_eq!(again, Ok(Some(message)), "a transaction answer re-encoded");
            }
        }
        _ => {
            if let Ok(form) = fuzzing::add_form_answer(body, profile) {
                let again =
                    fuzzing::add_form_answer(&encode(&fuzzing::add_form_to_answer(&form)), profile);
                assert_eq!(again, Ok(form), "an add form re-encoded");
            }
        }
    }
}

/// Reading an API profile (`--profile FILE`); one that loads prints (`voss-customers
/// profile`) as YAML that loads back as the same profile.
pub fn profile(bytes: &[u8]) {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return;
    };
    let Ok(profile) = Profile::layered(Some(("profile.yaml", text))) else {
        return;
    };
    let printed = profile.to_yaml();
    match Profile::layered(Some(("printed.yaml", &printed))) {
        Ok(again) => assert_eq!(again, profile, "the printed profile reads back differently"),
        Err(e) => panic!("the printed profile does not read back: {e}\n{printed}"),
    }
}

/// The check of the fuzz target `name`.
pub fn check_of(name: &str) -> Option<fn(&[u8])> {
    Some(match name {
        "desired_file" => desired_file,
        "sim_seed" => sim_seed,
        "saved_plan" => saved_plan,
        "api_answer" => api_answer,
        "profile" => profile,
        _ => return None,
    })
}
