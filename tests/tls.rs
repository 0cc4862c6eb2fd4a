//! HTTPS end to end: a CA and a server certificate for 127.0.0.1/localhost made with rcgen,
//! the real `sim --tls-cert --tls-key`, and the real `plan` trusting it with `--ca-cert`,
//! refusing it without, and accepting it with a loud warning under `--insecure`.

mod e2e_support;

use std::path::{Path, PathBuf};

use e2e_support::*;
use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};

/// The files of a test PKI in a temporary directory.
struct Pki {
    _dir: tempfile::TempDir,
    ca: PathBuf,
    cert: PathBuf,
    key: PathBuf,
}

fn make_pki() -> Pki {
    let dir = tempfile::tempdir().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "voss-customers test CA");
    let ca_key = KeyPair::generate().unwrap();
    let ca_cert = ca_params.self_signed(&ca_key).unwrap();
    let issuer = Issuer::new(ca_params, ca_key);

    let server_params =
        CertificateParams::new(vec!["127.0.0.1".to_owned(), "localhost".to_owned()]).unwrap();
    let server_key = KeyPair::generate().unwrap();
    let server_cert = server_params.signed_by(&server_key, &issuer).unwrap();

    let ca = write_file(dir.path(), "ca.pem", &ca_cert.pem());
    let cert = write_file(dir.path(), "server.pem", &server_cert.pem());
    let key = write_file(dir.path(), "server-key.pem", &server_key.serialize_pem());
    Pki {
        _dir: dir,
        ca,
        cert,
        key,
    }
}

fn https_sim(pki: &Pki) -> Sim {
    let sim = Sim::start(&[
        "--tls-cert",
        pki.cert.to_str().unwrap(),
        "--tls-key",
        pki.key.to_str().unwrap(),
    ]);
    assert!(sim.url.starts_with("https://127.0.0.1:"), "{}", sim.url);
    sim
}

/// A file that creates one customer: its plan has a change and no blocked one.
fn new_customer(dir: &Path) -> PathBuf {
    write_file(
        dir,
        "tyrell.yaml",
        "customers:\n  - {name: Tyrell, hierarchy: sys.hcs.CS-P.CS-R2}\n",
    )
}

fn plan(sim: &Sim, file: &Path, extra: &[&str]) -> Run {
    let mut args = vec!["plan", file.to_str().unwrap()];
    args.extend_from_slice(extra);
    run(&mut against(sim, PROVIDER, &args))
}

#[test]
fn the_client_trusts_the_simulator_with_its_ca_and_refuses_it_without() {
    let pki = make_pki();
    let sim = https_sim(&pki);
    let file = new_customer(pki._dir.path());

    let trusted = plan(&sim, &file, &["--ca-cert", pki.ca.to_str().unwrap()]);
    assert_eq!(trusted.code, 0, "{}", trusted.all());
    assert!(trusted.stdout.contains("Tyrell"), "{}", trusted.all());
    assert!(!trusted.stderr.contains("WARNING"), "{}", trusted.all());

    let refused = plan(&sim, &file, &[]);
    assert_eq!(refused.code, 1, "{}", refused.all());
    assert!(refused.stderr.contains("certificate"), "{}", refused.all());
    assert!(refused.stderr.contains("--ca-cert"), "{}", refused.all());
    assert!(!refused.stdout.contains("Tyrell"), "{}", refused.all());

    // VOSS_CA_CERT does the same as --ca-cert.
    let by_variable = run(
        against(&sim, PROVIDER, &["plan", file.to_str().unwrap()]).env("VOSS_CA_CERT", &pki.ca)
    );
    assert_eq!(by_variable.code, 0, "{}", by_variable.all());
}

#[test]
fn insecure_accepts_any_certificate_with_a_loud_warning() {
    let pki = make_pki();
    let sim = https_sim(&pki);
    let file = new_customer(pki._dir.path());
    let insecure = plan(&sim, &file, &["--insecure"]);
    assert_eq!(insecure.code, 0, "{}", insecure.all());
    assert!(insecure.stdout.contains("Tyrell"), "{}", insecure.all());
    assert!(
        insecure.stderr.contains("WARNING: --insecure") && insecure.stderr.contains("NOT checked"),
        "{}",
        insecure.all()
    );
}

#[test]
fn a_ca_that_did_not_sign_the_server_certificate_is_refused() {
    let pki = make_pki();
    let other = make_pki();
    let sim = https_sim(&pki);
    let file = new_customer(pki._dir.path());
    let refused = plan(&sim, &file, &["--ca-cert", other.ca.to_str().unwrap()]);
    assert_eq!(refused.code, 1, "{}", refused.all());
    assert!(refused.stderr.contains("--ca-cert"), "{}", refused.all());
}

#[test]
fn bad_certificate_or_key_files_are_one_sentence_naming_the_file() {
    let pki = make_pki();
    let other = make_pki();
    let dir = pki._dir.path();
    let missing = dir.join("missing.pem");
    let not_pem = write_file(dir, "not-pem.pem", "hello\n");
    let sim = |cert: &Path, key: &Path| {
        run(&mut tool(&[
            "sim",
            "--seed",
            seed().to_str().unwrap(),
            "--listen",
            "127.0.0.1:0",
            "--tls-cert",
            cert.to_str().unwrap(),
            "--tls-key",
            key.to_str().unwrap(),
        ]))
    };
    for (cert, key, named) in [
        (&missing, &pki.key, &missing),
        (&not_pem, &pki.key, &not_pem),
        (&pki.cert, &missing, &missing),
        (&pki.cert, &not_pem, &not_pem),
        // A key that is not the certificate's.
        (&pki.cert, &other.key, &other.key),
    ] {
        let failed = sim(cert, key);
        assert_eq!(failed.code, 1, "{}", failed.all());
        let line = failed.stderr.trim();
        assert_eq!(line.lines().count(), 1, "{}", failed.all());
        assert!(line.contains(named.to_str().unwrap()), "{}", failed.all());
        assert!(failed.stdout.is_empty(), "{}", failed.all());
    }
}

#[test]
fn a_bad_ca_file_is_named() {
    let pki = make_pki();
    let sim = https_sim(&pki);
    let file = new_customer(pki._dir.path());
    let not_pem = write_file(pki._dir.path(), "junk.pem", "junk\n");
    let refused = plan(&sim, &file, &["--ca-cert", not_pem.to_str().unwrap()]);
    assert_eq!(refused.code, 1, "{}", refused.all());
    assert!(
        refused.stderr.contains(not_pem.to_str().unwrap()),
        "{}",
        refused.all()
    );
}
