//! Commands looked up by name in the generated tables.

use crate::generated::COMMANDS;
use crate::schema::Command;

/// The command named `name`.
pub fn command(name: &str) -> Result<&'static Command, String> {
    COMMANDS.iter().find(|c| c.name == name).ok_or_else(|| {
        let near = COMMANDS.iter().find(|c| c.name.starts_with(name) || name.starts_with(c.name));
        match near {
            Some(c) => format!("unknown command {name:?}; did you mean {:?}? (see `ecr --help`)", c.name),
            None => format!("unknown command {name:?} (see `ecr --help`)"),
        }
    })
}
