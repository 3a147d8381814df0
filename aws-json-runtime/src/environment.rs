//! The process environment as configuration sources see it: a snapshot of
//! variables plus the home directory, so loading is testable without
//! touching the real environment.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

/// Environment variables (and the home directory) configuration is read from.
///
/// Its `Debug` shows variable names only: values are often secrets.
#[derive(Clone, Default)]
pub struct Environment {
    vars: BTreeMap<String, String>,
    home: Option<PathBuf>,
}

impl Environment {
    /// This process's environment. Variables whose name or value is not
    /// UTF-8 are skipped: no setting this client reads can be one.
    pub fn from_process() -> Self {
        let vars: BTreeMap<String, String> =
            std::env::vars_os().filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?))).collect();
        let home = vars.get("HOME").or_else(|| vars.get("USERPROFILE")).map(PathBuf::from);
        Self { vars, home }
    }

    /// Given variables; the home directory is `HOME` among them, if set.
    pub fn from_vars<K: Into<String>, V: Into<String>>(vars: impl IntoIterator<Item = (K, V)>) -> Self {
        let vars: BTreeMap<String, String> = vars.into_iter().map(|(k, v)| (k.into(), v.into())).collect();
        let home = vars.get("HOME").map(PathBuf::from);
        Self { vars, home }
    }

    /// This environment with `name` set to `value`.
    pub fn with_var(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        let (name, value) = (name.into(), value.into());
        if name == "HOME" {
            self.home = Some(PathBuf::from(&value));
        }
        self.vars.insert(name, value);
        self
    }

    /// A variable's value, if set and not empty.
    pub fn var(&self, name: &str) -> Option<&str> {
        self.vars.get(name).map(String::as_str).filter(|v| !v.is_empty())
    }

    /// A variable's value if set, even empty (where an empty value means
    /// something, as `AWS_PAGER=` turns the AWS CLI's pager off).
    pub fn var_even_empty(&self, name: &str) -> Option<&str> {
        self.vars.get(name).map(String::as_str)
    }

    /// A boolean variable (`true`/`false`, any case).
    pub(crate) fn flag(&self, name: &str) -> Option<bool> {
        self.var(name).and_then(parse_bool)
    }

    /// The home directory, where `~/.aws` is.
    pub(crate) fn home(&self) -> Option<&std::path::Path> {
        self.home.as_deref()
    }

    /// `~/.aws/<file>`, or the path in the variable that overrides it.
    pub(crate) fn aws_file(&self, override_var: &str, file: &str) -> Option<PathBuf> {
        match self.var(override_var) {
            Some(path) => Some(expand_home(path, self.home.as_deref())),
            None => self.home.as_ref().map(|home| home.join(".aws").join(file)),
        }
    }
}

impl fmt::Debug for Environment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Environment").field("variables", &self.vars.keys().collect::<Vec<_>>()).finish_non_exhaustive()
    }
}

pub(crate) fn parse_bool(value: &str) -> Option<bool> {
    match value.trim().to_ascii_lowercase().as_str() {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    }
}

fn expand_home(path: &str, home: Option<&std::path::Path>) -> PathBuf {
    match (path.strip_prefix("~/"), home) {
        (Some(rest), Some(home)) => home.join(rest),
        _ => PathBuf::from(path),
    }
}
