//! The simulator against clients that take too long or send what no client should, and
//! against hand-edited state files. All on 127.0.0.1:0; every test bounded in time.

mod sim_support;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use serde_json::Value;
use sim_support::*;
use voss_customers::sim::{self, Limits, SimConfig};

fn limits(request_ms: u64, body_ms: u64, shutdown_ms: u64) -> Limits {
    Limits {
        request: Duration::from_millis(request_ms),
        body: Duration::from_millis(body_ms),
        idle: Duration::from_secs(60),
        shutdown: Duration::from_millis(shutdown_ms),
    }
}

async fn start_limited(limits: Limits) -> sim::RunningSim {
    let config = SimConfig {
        seed: example_seed(),
        ..SimConfig::default()
    };
    sim::start_with(config, loopback(), limits).await.unwrap()
}

/// Reads until the server closes the connection (or 5 s pass); what it sent.
fn read_to_close(stream: &mut TcpStream) -> (String, Duration) {
    let started = Instant::now();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => got.extend_from_slice(&buf[..n]),
        }
    }
    (
        String::from_utf8_lossy(&got).into_owned(),
        started.elapsed(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_whose_headers_never_end_is_cut_off() {
    let running = start_limited(limits(400, 200, 1000)).await;
    let addr = running.addr();
    let (answer, took) = tokio::task::spawn_blocking(move || {
        let mut stream = TcpStream::connect(addr).unwrap();
        stream
            .write_all(b"GET /api/relation/HcsCustomerREL/?format=json HTTP/1.1\r\nHost: x\r\n")
            .unwrap();
        read_to_close(&mut stream)
    })
    .await
    .unwrap();
    assert!(took < Duration::from_secs(3), "closed after {took:?}");
    assert!(!answer.contains("200 OK"), "{answer}");

    // Trickling a byte every 50 ms does not keep it open either: after 1.5 s of it, the
    // connection is already closed (a read ends at once instead of waiting 5 s).
    let (answer, took) = tokio::task::spawn_blocking(move || {
        let mut stream = TcpStream::connect(addr).unwrap();
        let started = Instant::now();
        let mut bytes = b"GET /api/relation/HcsCustomerREL/?format=json HTTP/1.1\r\nX-Slow: "
            .iter()
            .chain([b'a'; 100].iter());
        while started.elapsed() < Duration::from_millis(1500) {
            let Some(byte) = bytes.next() else { break };
            if stream.write_all(&[*byte]).is_err() {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        read_to_close(&mut stream)
    })
    .await
    .unwrap();
    assert!(
        took < Duration::from_secs(1),
        "still open after trickling: {took:?}"
    );
    assert!(!answer.contains("200 OK"), "{answer}");
    running.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_that_never_arrives_is_408() {
    let running = start_limited(limits(3000, 300, 1000)).await;
    let addr = running.addr();
    let (answer, took) = tokio::task::spawn_blocking(move || {
        let mut stream = TcpStream::connect(addr).unwrap();
        stream
            .write_all(
                b"POST /api/relation/HcsCustomerREL/?format=json&hierarchy=sys.hcs.CS-P.CS-R1 HTTP/1.1\r\n\
                  Host: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\
                  Connection: close\r\n\r\n{\"name\": ",
            )
            .unwrap();
        read_to_close(&mut stream)
    })
    .await
    .unwrap();
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("did not arrive within 0.3 s"), "{answer}");
    assert!(took < Duration::from_secs(3), "{took:?}");
    running.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_waits_a_bounded_time_for_a_stuck_client() {
    // The client's own limits are long; the shutdown's is short.
    let running = start_limited(Limits {
        request: Duration::from_secs(60),
        body: Duration::from_secs(60),
        idle: Duration::from_secs(60),
        shutdown: Duration::from_millis(500),
    })
    .await;
    let addr = running.addr();
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .write_all(
            b"POST /api/relation/HcsCustomerREL/?format=json HTTP/1.1\r\nHost: x\r\n\
              Content-Length: 100\r\n\r\n{",
        )
        .unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    let started = Instant::now();
    tokio::time::timeout(Duration::from_secs(10), running.shutdown())
        .await
        .expect("shutdown returned");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    drop(stream);
}

#[tokio::test]
async fn unknown_paths_share_one_stats_key() {
    let h = start_example().await;
    for i in 0..500 {
        let _ = h
            .http
            .get(format!("{}/api/no/such/{i}/?format=json", h.sim.url()))
            .basic_auth(PROVIDER.0, Some(PROVIDER.1))
            .send()
            .await
            .unwrap();
    }
    let stats = h.stats().await;
    let by_route = stats["by_route"].as_object().unwrap();
    assert_eq!(by_route["GET (no such route)"], 500, "{by_route:?}");
    assert!(by_route.len() < 5, "{by_route:?}");
    h.sim.shutdown().await;
}

/// A state file written by the simulator from the example seed, as JSON.
async fn state_file(dir: &std::path::Path) -> (std::path::PathBuf, Value) {
    let path = dir.join("state.json");
    let config = SimConfig {
        seed: example_seed(),
        state: Some(path.clone()),
        ..SimConfig::default()
    };
    sim::start(config, loopback())
        .await
        .unwrap()
        .shutdown()
        .await;
    let value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    (path, value)
}

async fn load_error(path: &std::path::Path) -> String {
    let config = SimConfig {
        seed: example_seed(),
        state: Some(path.to_path_buf()),
        ..SimConfig::default()
    };
    match sim::start(config, loopback()).await {
        Ok(running) => {
            running.shutdown().await;
            panic!("a hand-edited state file was loaded");
        }
        Err(e) => e.to_string(),
    }
}

/// A hand edit of a state file.
type Edit = Box<dyn Fn(&mut Value)>;

#[tokio::test]
async fn a_hand_edited_state_file_is_checked_on_load() {
    let dir = tempfile::tempdir().unwrap();
    let (path, original) = state_file(dir.path()).await;
    // It loads as written.
    let config = SimConfig {
        seed: example_seed(),
        state: Some(path.clone()),
        ..SimConfig::default()
    };
    sim::start(config, loopback())
        .await
        .unwrap()
        .shutdown()
        .await;

    let customers = original["customers"].as_object().unwrap();
    let (first_key, first) = customers.iter().next().unwrap();
    let name = first["fields"]["name"].as_str().unwrap().to_owned();
    let parent = first["parent"].as_str().unwrap().to_owned();

    let edits: Vec<(Edit, String)> = vec![
        (
            Box::new(|v: &mut Value| {
                let key = v["customers"]
                    .as_object()
                    .unwrap()
                    .keys()
                    .next()
                    .unwrap()
                    .clone();
                v["customers"][&key]["parent"] = "sys.hcs.CS-P.Gone".into();
            }),
            format!("customer `{name}` is under `sys.hcs.CS-P.Gone`, which is not a node"),
        ),
        (
            Box::new(|v: &mut Value| {
                let customers = v["customers"].as_object_mut().unwrap();
                let (key, first) = customers
                    .iter()
                    .next()
                    .map(|(k, c)| (k.clone(), c.clone()))
                    .unwrap();
                let mut twin = first.clone();
                // Another pkid than the original's (pkids are random: the last digit may be 0).
                let last = if key.ends_with('0') { '1' } else { '0' };
                let twin_pkid = format!("{}{last}", &key[..23]);
                twin["pkid"] = twin_pkid.clone().into();
                customers.insert(twin_pkid, twin);
            }),
            format!("are both named `{name}` under `{parent}`"),
        ),
        (
            Box::new(|v: &mut Value| {
                let key = v["customers"]
                    .as_object()
                    .unwrap()
                    .keys()
                    .next()
                    .unwrap()
                    .clone();
                v["customers"][&key]["pkid"] = "ffffffffffffffffffffffff".into();
            }),
            format!(
                "customer `{name}` is filed under pkid `{first_key}` but its pkid is `ffffffffffffffffffffffff`"
            ),
        ),
    ];
    for (edit, wanted) in edits {
        let mut value = original.clone();
        edit(&mut value);
        let text = serde_json::to_string_pretty(&value).unwrap();
        std::fs::write(&path, &text).unwrap();
        let error = load_error(&path).await;
        assert!(error.contains("is inconsistent"), "{error}");
        assert!(error.contains(&wanted), "wanted {wanted}: {error}");
        assert!(error.contains("state.json"), "{error}");
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            text,
            "left as it is"
        );
    }
}
