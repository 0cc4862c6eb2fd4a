//! `completions bash|zsh|fish`

use super::Exit;

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Example:\n  voss-customers completions bash > /etc/bash_completion.d/voss-customers"
)]
pub struct Args {
    /// The shell.
    pub shell: clap_complete::Shell,
}

pub fn run(args: Args) -> Exit {
    // Generated into memory first: clap_complete panics when it cannot write.
    let mut command = super::command();
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "voss-customers", &mut script);
    super::common::emit(&String::from_utf8_lossy(&script));
    Exit::Ok
}
