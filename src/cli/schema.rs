//! `schema`

use super::Exit;

#[derive(Debug, clap::Args)]
#[command(after_help = "Example:\n  voss-customers schema > schemas/customers.schema.json")]
pub struct Args {}

pub fn run(_args: Args) -> Exit {
    super::common::emit(&crate::ops::schema::schema());
    Exit::Ok
}
