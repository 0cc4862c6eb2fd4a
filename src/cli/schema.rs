//! `schema`

use super::Exit;

#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(_args: Args) -> Exit {
    print!("{}", crate::ops::schema::schema());
    Exit::Ok
}
