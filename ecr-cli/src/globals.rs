//! The settings every command takes from its flags: where and how to call,
//! and how much of a paged answer to fetch.

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
    /// `--output`.
    pub output: Format,
    /// `--color`: tables in colour.
    pub color: Color,
    /// `--no-paginate`.
    pub no_paginate: bool,
    /// `--ca-bundle`: a PEM file whose certificates replace the system's.
    pub ca_bundle: Option<String>,
    /// `--query`: a JMESPath expression (checked) the answer goes through.
    pub query: Option<String>,
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
