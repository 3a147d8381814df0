//! The generated command tables, by service: ECR's commands at the top level
//! of `ecr`, ECR Public's under `ecr public`; and commands by name.

use crate::parsing::schema::{Command, Wait};
use crate::{generated, generated_public};

/// The service a command line calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Api {
    /// Amazon ECR: `ecr <command>`.
    #[default]
    Ecr,
    /// Amazon ECR Public: `ecr public <command>`.
    Public,
}

impl Api {
    /// A command per operation, sorted by name.
    pub fn commands(self) -> &'static [Command] {
        match self {
            Api::Ecr => generated::COMMANDS,
            Api::Public => generated_public::COMMANDS,
        }
    }

    /// A `wait` subcommand per waiter.
    pub fn waits(self) -> &'static [Wait] {
        match self {
            Api::Ecr => generated::WAITS,
            Api::Public => generated_public::WAITS,
        }
    }

    /// How its commands are typed: `ecr`, `ecr public`.
    pub fn program(self) -> &'static str {
        match self {
            Api::Ecr => "ecr",
            Api::Public => "ecr public",
        }
    }

    /// The command named `name`.
    pub fn command(self, name: &str) -> Result<&'static Command, String> {
        let commands = self.commands();
        let program = self.program();
        commands.iter().find(|c| c.name == name).ok_or_else(|| {
            let near = commands.iter().find(|c| c.name.starts_with(name) || name.starts_with(c.name));
            match near {
                // The AWS CLI's words first: scripts match them.
                Some(c) => format!(
                    "argument operation: Found invalid choice '{name}' (did you mean {:?}? see `{program} --help`)",
                    c.name
                ),
                None => format!("argument operation: Found invalid choice '{name}' (see `{program} --help`)"),
            }
        })
    }
}
