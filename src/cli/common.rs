//! Steps several commands share: loading the files, connecting, printing errors.

use std::path::PathBuf;

use super::Exit;
use super::connection::Connection;
use crate::desired;
use crate::model::Desired;
use crate::ops::connect::{Target, runtime};

/// The validated desired state, or the diagnostics printed to stderr.
pub fn load_desired(paths: &[PathBuf]) -> Result<Desired, Exit> {
    desired::load(paths).map_err(|diagnostics| invalid_files(&diagnostics))
}

/// Prints the problems of files that are not valid, and says nothing was read or sent.
pub fn invalid_files(diagnostics: &[desired::Diagnostic]) -> Exit {
    eprint!("{}", desired::render_text(diagnostics));
    eprintln!("error: the files are not valid; nothing was read from or sent to VOSS Automate");
    Exit::Error
}

/// Runs `work` against the live system named by `connection`, on a fresh runtime.
pub fn with_target<F>(connection: &Connection, work: F) -> Exit
where
    F: AsyncFnOnce(&Target) -> Exit,
{
    let endpoint = match connection.endpoint() {
        Ok(endpoint) => endpoint,
        Err(message) => return fail(message),
    };
    let runtime = match runtime() {
        Ok(runtime) => runtime,
        Err(message) => return fail(message),
    };
    runtime.block_on(async {
        let target = match Target::open(endpoint).await {
            Ok(target) => target,
            Err(message) => return fail(message),
        };
        let exit = work(&target).await;
        target.close().await;
        exit
    })
}

/// Prints `error: MESSAGE` and fails.
/// The message is escaped: it may quote names from files or text from a server.
pub fn fail(message: impl std::fmt::Display) -> Exit {
    eprintln!("error: {}", crate::render::escape(&message.to_string()));
    Exit::Error
}

/// Prints `error: MESSAGE` for a message of several lines (the preflight's, with the
/// profile lines to paste) and fails: each line escaped, the line breaks kept.
pub fn fail_lines(message: impl std::fmt::Display) -> Exit {
    eprintln!("error: {}", lines_escaped(&message.to_string()));
    Exit::Error
}

/// `text` with each line escaped ([`crate::render::escape`]) and its line breaks kept.
pub fn lines_escaped(text: &str) -> String {
    text.split('\n')
        .map(|line| crate::render::escape(line).into_owned())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Whether stdout is a terminal that wants colour (NO_COLOR honoured).
pub fn stdout_color() -> bool {
    use std::io::IsTerminal;
    crate::render::color_wanted(
        std::io::stdout().is_terminal(),
        std::env::var_os("NO_COLOR").as_deref(),
    )
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

/// Set once a write to standard output failed.
static OUTPUT_FAILED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Writes `text` to stdout. A failure (a full disk, a closed pipe) is said once on stderr
/// and remembered: the command finishes what it was doing (an apply is not cut in the
/// middle), then exits 1 ([`after_output`]), so `import > customers.yaml` on a full disk
/// never "succeeds" with a cut file.
pub fn emit(text: &str) {
    use std::io::Write;
    use std::sync::atomic::Ordering;
    let mut out = std::io::stdout().lock();
    if let Err(error) = out.write_all(text.as_bytes()).and_then(|()| out.flush())
        && !OUTPUT_FAILED.swap(true, Ordering::SeqCst)
    {
        if error.kind() == std::io::ErrorKind::BrokenPipe {
            eprintln!("error: standard output was closed before everything was written");
        } else {
            eprintln!("error: cannot write to standard output: {error}");
        }
    }
}

/// Whether a write to standard output failed.
pub fn output_failed() -> bool {
    OUTPUT_FAILED.load(std::sync::atomic::Ordering::SeqCst)
}

/// `exit`, or [`Exit::Error`] when a write to standard output failed.
pub fn after_output(exit: Exit) -> Exit {
    if output_failed() { Exit::Error } else { exit }
}
