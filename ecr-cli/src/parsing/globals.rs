//! The settings every command takes from its flags: where and how to call,
//! and how much of a paged answer to fetch.

use crate::output::timestamp::TimestampFormat;
use crate::Failure;
use std::time::Duration;

/// The flags every command takes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Globals {
    /// `--region`.
    pub region: Option<String>,
    /// `--profile`.
    pub profile: Option<String>,
    /// `--endpoint-url`.
    pub endpoint_url: Option<String>,
    /// `--debug`: tracing to stderr.
    pub debug: bool,
    /// `--cli-read-timeout` (0: none).
    pub read_timeout: Option<Duration>,
    /// `--cli-connect-timeout` (0: none).
    pub connect_timeout: Option<Duration>,
    /// `--output`; when not given, [`Globals::with_configured_output`]
    /// reads it as the AWS CLI does.
    pub output: Option<Format>,
    /// `--color`: tables in colour.
    pub color: Color,
    /// `--no-paginate`.
    pub no_paginate: bool,
    /// `--ca-bundle`: a PEM file whose certificates replace the system's.
    pub ca_bundle: Option<String>,
    /// `--query`: a JMESPath expression (checked) the answer goes through.
    pub query: Option<String>,
    /// `--no-cli-pager`: never page output on a terminal.
    pub no_pager: bool,
    /// The pager command on a terminal, as configured (empty: none); see
    /// [`Globals::with_configured_output`].
    pub pager: String,
    /// `--cli-binary-format`: what a blob flag's word is.
    pub binary_format: crate::parsing::input::BinaryFormat,
    /// The profile's `cli_timestamp_format` (ISO 8601 unless set).
    pub timestamp_format: TimestampFormat,
}

/// `--output`: how answers are written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Format {
    /// Indented JSON, as the service sent it.
    #[default]
    Json,
    /// The AWS CLI's tab-separated text.
    Text,
    /// The AWS CLI's table.
    Table,
    /// YAML, as AWS CLI v2 writes it.
    Yaml,
    /// YAML, a list item per page as it arrives.
    YamlStream,
}

impl Format {
    /// `json`, `text`, `table`, `yaml` or `yaml-stream`.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "json" => Some(Self::Json),
            "text" => Some(Self::Text),
            "table" => Some(Self::Table),
            "yaml" => Some(Self::Yaml),
            "yaml-stream" => Some(Self::YamlStream),
            _ => None,
        }
    }
}

impl Globals {
    /// The output format: `--output`, else `AWS_DEFAULT_OUTPUT`, else the
    /// profile's `output`, else JSON (the AWS CLI's order).
    pub fn format(&self) -> Format {
        self.output.unwrap_or_default()
    }

    /// These flags with what the profile says of output: `output` from
    /// `env` and the profile when `--output` is not given,
    /// `cli_timestamp_format`, and the pager (`AWS_PAGER`, `cli_pager`,
    /// `PAGER`). A value that is no format is an error naming
    /// where it was set.
    pub fn with_configured_output(mut self, env: &ecr_client::runtime::Environment) -> Result<Self, Failure> {
        // A profile that cannot be read fails the call itself, naming it.
        let setting_even_empty =
            |name| ecr_client::runtime::profile_setting(env, self.profile.as_deref(), name).ok().flatten();
        let setting = |name| setting_even_empty(name).filter(|value: &String| !value.is_empty());
        if let Some(value) = setting("cli_timestamp_format") {
            self.timestamp_format = TimestampFormat::parse(&value).ok_or_else(|| {
                Failure::new(
                    Failure::CONFIGURATION,
                    format!(
                        "An error occurred (Configuration): Unknown cli_timestamp_format value: {value}, valid \
                         values are \"wire\" or \"iso8601\""
                    ),
                )
            })?;
        }
        // The pager: AWS CLI v2's order, a set but empty one meaning none.
        self.pager = match (self.no_pager, env.var_even_empty("AWS_PAGER")) {
            (true, _) => String::new(),
            (false, Some(pager)) => pager.to_owned(),
            (false, None) => setting_even_empty("cli_pager")
                .or_else(|| env.var_even_empty("PAGER").map(str::to_owned))
                .unwrap_or_else(|| "less".to_owned()),
        };
        if self.output.is_some() {
            return Ok(self);
        }
        let (value, source) = match env.var("AWS_DEFAULT_OUTPUT").filter(|v| !v.is_empty()) {
            Some(value) => (Some(value.to_owned()), "AWS_DEFAULT_OUTPUT".to_owned()),
            None => (setting("output"), "the profile's output setting".to_owned()),
        };
        if let Some(value) = value {
            let format = Format::parse(&value).ok_or_else(|| {
                let why = format!("Unknown output type: {value} ({source}: json, text, table, yaml or yaml-stream)");
                Failure::new(Failure::OTHER, why)
            })?;
            self.output = Some(format);
        }
        Ok(self)
    }
}

/// `--color`: whether a table is coloured.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Color {
    /// When stdout is a terminal.
    #[default]
    Auto,
    /// Always.
    On,
    /// Never.
    Off,
}

/// How much of a paginated answer to fetch.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Pages {
    /// `--max-items`: stop after this many items, with a token to resume.
    pub max_items: Option<u64>,
    /// `--page-size`: the page limit sent to the service.
    pub page_size: Option<u64>,
    /// `--starting-token`: where an earlier `--max-items` stopped.
    pub starting_token: Option<String>,
}
