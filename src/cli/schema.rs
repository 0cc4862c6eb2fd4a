//! `schema`

use super::Exit;

#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(_args: Args) -> Exit {
    super::exit::not_built("schema", 2)
}
