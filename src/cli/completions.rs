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
    let mut command = super::command();
    clap_complete::generate(
        args.shell,
        &mut command,
        "voss-customers",
        &mut std::io::stdout(),
    );
    Exit::Ok
}
