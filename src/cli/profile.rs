//! `profile [--profile FILE] [--voss-release X.Y]`: the effective API profile, as YAML.

use super::Exit;
use super::common::{emit, fail};
use super::connection::ApiProfile;

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  voss-customers profile > my-voss.yaml   # then keep only the lines that differ\n  voss-customers profile --profile my-voss.yaml"
)]
pub struct Args {
    #[command(flatten)]
    pub api: ApiProfile,
}

pub fn run(args: Args) -> Exit {
    match args.api.load() {
        Ok(profile) => {
            emit(&format!(
                "# The effective API profile of voss-customers (the built-in one{}).\n{}",
                match &args.api.profile {
                    Some(path) => format!(" with {} laid over it", path.display()),
                    None => String::new(),
                },
                profile.to_yaml()
            ));
            Exit::Ok
        }
        Err(message) => fail(message),
    }
}
