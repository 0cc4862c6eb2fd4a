//! `import --hierarchy H [--recursive] [--out FILE]`

use std::path::PathBuf;

use super::Exit;
use super::common::{fail, with_target};
use super::connection::Connection;
use crate::ops::import;
use crate::render::import_yaml;

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Example:\n  voss-customers import --hierarchy sys.hcs.CS-P --recursive --sim examples/sim-seed.yaml --out imported.yaml"
)]
pub struct Args {
    /// The provider or reseller hierarchy whose customers are written.
    #[arg(long)]
    pub hierarchy: String,
    /// Also import the customers of the nodes below it.
    #[arg(long)]
    pub recursive: bool,
    /// Write to FILE (atomically) instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub connection: Connection,
}

pub fn run(args: Args) -> Exit {
    with_target(&args.connection, async |target| {
        let imported = match import::read(&target.client, &args.hierarchy, args.recursive).await {
            Ok(imported) => imported,
            Err(message) => return fail(message),
        };
        if imported.skipped_hcmf > 0 {
            eprintln!(
                "note: {} customer(s) synced from HCM-F at sys.hcs are not imported: declare them under a provider or reseller to migrate them",
                imported.skipped_hcmf
            );
        }
        let text = import_yaml::render(&args.hierarchy, args.recursive, &imported.customers);
        match &args.out {
            Some(out) => {
                if let Err(message) = crate::fsio::write_atomically(out, text.as_bytes()) {
                    return fail(message);
                }
                eprintln!(
                    "wrote {} customer(s) to {}",
                    imported.customers.len(),
                    out.display()
                );
            }
            None => super::common::emit(&text),
        }
        Exit::Ok
    })
}
