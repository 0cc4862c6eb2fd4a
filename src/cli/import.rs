//! `import --hierarchy H [--out FILE]`

use std::path::PathBuf;

use super::Exit;
use super::connection::Connection;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The provider or reseller hierarchy whose customers are written.
    #[arg(long)]
    pub hierarchy: String,
    /// Also import the customers of the nodes below it.
    #[arg(long)]
    pub recursive: bool,
    /// Write to FILE instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub connection: Connection,
}

pub fn run(_args: Args) -> Exit {
    super::exit::not_built("import", 6)
}
