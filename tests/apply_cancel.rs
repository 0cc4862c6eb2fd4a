//! The executor's cancellation: a cancelled token starts nothing, and says so per step.

mod plan_fixtures;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use plan_fixtures::*;
use tokio_util::sync::CancellationToken;
use voss_customers::apply::{ApplyOptions, Observer, Outcome, Secrets, StepResult, execute};
use voss_customers::voss::{Client, ConnectSettings, Secret};
use voss_customers::{plan, render};

/// Records what the executor says.
#[derive(Default)]
struct Recorder {
    started: Mutex<Vec<String>>,
    finished: Mutex<Vec<StepResult>>,
}

impl Observer for Recorder {
    fn started(&self, step: &str, _hierarchy: &str, name: &str) {
        self.started.lock().unwrap().push(format!("{step} {name}"));
    }

    fn finished(&self, result: &StepResult) {
        self.finished.lock().unwrap().push(result.clone());
    }
}

#[tokio::test]
async fn a_cancelled_apply_starts_no_step_and_sends_nothing() {
    // A server that must see no connection at all.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let settings = ConnectSettings::new(&url, "admin@p.example", Secret::new("pw")).unwrap();
    let client = Client::new(settings).unwrap();

    let desired = desired(
        vec![cust(R1, "Acme"), cust(R2, "Initech"), cust(R1, "Globex")],
        &[],
    );
    let live = state(vec![live(R1, "Globex", "g1")]);
    let plan = plan::diff(&desired, &live, &url);
    let runnable = plan.changes.iter().filter(|c| !c.is_blocked()).count();
    assert!(runnable >= 2, "{:?}", plan.changes);

    let cancel = CancellationToken::new();
    cancel.cancel();
    let recorder = Arc::new(Recorder::default());
    let report = execute(
        &client,
        &plan,
        &Secrets::from_env(&plan).unwrap(),
        ApplyOptions {
            concurrency: 2,
            retries: 0,
        },
        recorder.clone(),
        &cancel,
    )
    .await;

    assert!(report.interrupted);
    assert_eq!(report.results.len(), runnable);
    for result in &report.results {
        assert_eq!(
            result.outcome,
            Outcome::Skipped {
                reason: "not started: apply was interrupted".into()
            },
            "{result:?}"
        );
    }
    assert!(recorder.started.lock().unwrap().is_empty());
    assert_eq!(recorder.finished.lock().unwrap().len(), runnable);
    let text = render::apply_report(&report);
    assert!(text.starts_with("skipped  "));
    assert!(text.contains("Apply interrupted: 0 applied"));
    let connected = tokio::time::timeout(Duration::from_millis(200), listener.accept()).await;
    assert!(
        connected.is_err(),
        "the cancelled apply connected to the server"
    );
}
