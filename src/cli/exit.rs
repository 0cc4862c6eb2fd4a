//! The exit codes of the contract, for every command.

use std::process::ExitCode;

/// How a command ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// 0: success, nothing to change.
    Ok,
    /// 1: bad input, API failure, blocked change.
    Error,
    /// 2: changes pending or drift found.
    Changes,
    /// 3: refused by a safety rule.
    Refused,
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> ExitCode {
        ExitCode::from(match exit {
            Exit::Ok => 0,
            Exit::Error => 1,
            Exit::Changes => 2,
            Exit::Refused => 3,
        })
    }
}
