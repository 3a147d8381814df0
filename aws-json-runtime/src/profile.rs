//! The shared AWS files, `~/.aws/config` and `~/.aws/credentials`, read as
//! botocore reads them: in the config file a profile is `[default]` or
//! `[profile NAME]` (other sections, `[sso-session NAME]` aside, are not
//! profiles); in the credentials file every section is a profile, named
//! exactly as written. A profile's settings are both files' merged, the
//! credentials file winning, but the credential sources that read keys look
//! at one file each.

use super::environment::Environment;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

/// A section's settings, keys lowercased.
pub(crate) type Settings = BTreeMap<String, String>;

/// Both files, parsed once.
#[derive(Debug, Default)]
pub(crate) struct ProfileFiles {
    /// `[default]` and `[profile NAME]` of the config file, by name.
    config: BTreeMap<String, Settings>,
    /// Every section of the credentials file, by its name as written.
    credentials: BTreeMap<String, Settings>,
    /// `[sso-session NAME]` of the config file.
    sso_sessions: BTreeMap<String, Settings>,
    /// The config file looked for, if there is a home or a variable to find
    /// it by.
    config_path: Option<PathBuf>,
    /// The credentials file looked for.
    credentials_path: Option<PathBuf>,
}

impl ProfileFiles {
    /// The files `AWS_CONFIG_FILE` and `AWS_SHARED_CREDENTIALS_FILE` name, or
    /// `~/.aws/config` and `~/.aws/credentials`. A missing file is empty; an
    /// unreadable or malformed one is an error naming file and line.
    pub fn load(env: &Environment) -> Result<Self, String> {
        let config = env.aws_file("AWS_CONFIG_FILE", "config").map(|path| read(&path).map(|text| (path, text)));
        let credentials =
            env.aws_file("AWS_SHARED_CREDENTIALS_FILE", "credentials").map(|path| read(&path).map(|text| (path, text)));
        Self::parse(config.transpose()?, credentials.transpose()?)
    }

    /// Both files from their texts (a missing file is empty text), each
    /// with its path for messages.
    pub fn parse(config: Option<(PathBuf, String)>, credentials: Option<(PathBuf, String)>) -> Result<Self, String> {
        let mut files = ProfileFiles::default();
        let sections =
            |path: &PathBuf, text: &str| parse(text).map_err(|(line, why)| format!("{}:{line}: {why}", path.display()));
        if let Some((path, text)) = config {
            for (section, settings) in sections(&path, &text)? {
                let (kind, name) = section_kind(&section);
                match kind {
                    Some("profile") => merge(&mut files.config, name, settings),
                    Some("sso-session") => merge(&mut files.sso_sessions, name, settings),
                    None if section == "default" => merge(&mut files.config, "default".into(), settings),
                    _ => {}
                }
            }
            files.config_path = Some(path);
        }
        if let Some((path, text)) = credentials {
            for (section, settings) in sections(&path, &text)? {
                merge(&mut files.credentials, section, settings);
            }
            files.credentials_path = Some(path);
        }
        Ok(files)
    }

    /// Every profile name either file defines.
    pub fn names(&self) -> impl Iterator<Item = &String> {
        self.config.keys().chain(self.credentials.keys().filter(|name| !self.config.contains_key(*name)))
    }

    /// Whether either file defines the profile.
    pub fn exists(&self, name: &str) -> bool {
        self.config.contains_key(name) || self.credentials.contains_key(name)
    }

    /// The profile's settings from both files, the credentials file's
    /// winning; empty if neither defines it.
    pub fn merged(&self, name: &str) -> Settings {
        let mut settings = self.config.get(name).cloned().unwrap_or_default();
        settings.extend(self.credentials.get(name).cloned().unwrap_or_default());
        settings
    }

    /// The profile's section in the credentials file alone.
    pub fn in_credentials_file(&self, name: &str) -> Option<&Settings> {
        self.credentials.get(name)
    }

    /// The profile's section in the config file alone.
    pub fn in_config_file(&self, name: &str) -> Option<&Settings> {
        self.config.get(name)
    }

    /// An `[sso-session NAME]` section.
    pub fn sso_session(&self, name: &str) -> Option<&Settings> {
        self.sso_sessions.get(name)
    }

    /// The config file's path, if there is a home directory or
    /// `AWS_CONFIG_FILE` to find it.
    pub fn config_path(&self) -> Option<&PathBuf> {
        self.config_path.as_ref()
    }

    /// The credentials file's path.
    pub fn credentials_path(&self) -> Option<&PathBuf> {
        self.credentials_path.as_ref()
    }

    /// Where profiles were looked for, for messages.
    pub fn describe_sources(&self) -> String {
        let files: Vec<String> =
            self.config_path.iter().chain(&self.credentials_path).map(|p| p.display().to_string()).collect();
        if files.is_empty() {
            "no home directory to find ~/.aws in".into()
        } else {
            files.join(" and ")
        }
    }
}

/// The profile in use: its name, how it was chosen, and its settings.
#[derive(Debug, Clone)]
pub(crate) struct Profile {
    pub name: String,
    /// Named in code or on the command line (not by a variable): then, as
    /// in botocore, credentials in the environment are not used.
    pub explicit: bool,
    pub settings: Settings,
    pub files: Arc<ProfileFiles>,
}

impl Profile {
    /// The profile `explicit` names, else `AWS_DEFAULT_PROFILE` or
    /// `AWS_PROFILE` (botocore's order), else `default`. A profile named
    /// either way must exist: running with another identity because of a
    /// typo is what this refuses. `default` may be absent when not named.
    pub fn load(env: &Environment, explicit: Option<&str>) -> Result<Profile, String> {
        let files = Arc::new(ProfileFiles::load(env)?);
        let named = explicit.or_else(|| env.var("AWS_DEFAULT_PROFILE")).or_else(|| env.var("AWS_PROFILE"));
        let name = named.unwrap_or("default").to_owned();
        if named.is_some() && !files.exists(&name) {
            return Err(format!(
                "the config profile ({name}) could not be found in {} (a profile is [profile {name}] in the \
                 config file, [{name}] in the credentials file)",
                files.describe_sources()
            ));
        }
        Ok(Profile { settings: files.merged(&name), name, explicit: explicit.is_some(), files })
    }

    /// A setting, if present and not empty.
    pub fn get(&self, key: &str) -> Option<&str> {
        get(&self.settings, key)
    }
}

/// A setting of the profile `explicit` names (else the environment's, else
/// `default`), as the client's configuration would read it: for tools with
/// settings of their own in the shared files, such as the AWS CLI's
/// `output`. A setting written empty (`cli_pager =`) is `Some("")`. An error
/// names the profile or file that cannot be used.
pub fn profile_setting(env: &Environment, explicit: Option<&str>, key: &str) -> Result<Option<String>, String> {
    Ok(Profile::load(env, explicit)?.settings.get(key).cloned())
}

/// A setting of `settings`, if present and not empty.
pub(crate) fn get<'a>(settings: &'a Settings, key: &str) -> Option<&'a str> {
    settings.get(key).map(String::as_str).filter(|v| !v.is_empty())
}

/// `profile NAME` → (`profile`, NAME); `sso-session NAME` likewise. Names
/// may be quoted (`[profile "my dev"]`), as botocore's shlex split allows.
fn section_kind(section: &str) -> (Option<&'static str>, String) {
    for kind in ["profile", "sso-session"] {
        if let Some(rest) = section.strip_prefix(kind).and_then(|r| r.strip_prefix(' ')) {
            let name = rest.trim();
            let unquoted = name
                .strip_prefix('"')
                .and_then(|n| n.strip_suffix('"'))
                .or_else(|| name.strip_prefix('\'').and_then(|n| n.strip_suffix('\'')));
            let name = unquoted.unwrap_or(name);
            if !name.is_empty() && (unquoted.is_some() || !name.contains(' ')) {
                return (Some(kind), name.to_owned());
            }
        }
    }
    (None, String::new())
}

fn merge(into: &mut BTreeMap<String, Settings>, name: String, settings: Settings) {
    into.entry(name).or_default().extend(settings);
}

/// A file's text; a missing file is empty.
fn read(path: &PathBuf) -> Result<String, String> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(String::new()),
        Err(e) => Err(format!("cannot read {}: {e}", path.display())),
    }
}

type Sections = Vec<(String, Settings)>;

/// Parses INI text into sections; an error names the line (1-based).
fn parse(text: &str) -> Result<Sections, (usize, String)> {
    let mut sections: Sections = Vec::new();
    let mut last_key: Option<String> = None;
    for (index, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if let Some(header) = line.strip_prefix('[') {
            let name = header.strip_suffix(']').ok_or((index + 1, format!("unclosed section header {line:?}")))?;
            sections.push((name.split_whitespace().collect::<Vec<_>>().join(" "), Settings::new()));
            last_key = None;
            continue;
        }
        let Some((_, settings)) = sections.last_mut() else {
            return Err((index + 1, "a setting before any [section]".into()));
        };
        // An indented line continues the previous value (nested settings).
        if raw.starts_with([' ', '\t']) {
            if let Some(key) = &last_key {
                let value = settings.entry(key.clone()).or_default();
                value.push('\n');
                value.push_str(line);
                continue;
            }
        }
        let (key, value) = line.split_once('=').ok_or_else(|| (index + 1, malformed_setting(line)))?;
        let key = key.trim().to_ascii_lowercase();
        settings.insert(key.clone(), strip_comment(value.trim()).to_owned());
        last_key = Some(key);
    }
    Ok(sections)
}

/// Why a line is not `key = value`, naming the key it starts with but never
/// the rest: a mistyped line is often a secret (`aws_secret_access_key: ...`).
fn malformed_setting(line: &str) -> String {
    let key: String = line.chars().take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')).collect();
    if key.is_empty() {
        "expected `key = value`; the line is not shown, it may hold a secret".into()
    } else {
        format!("expected `{key} = value`; the rest of the line is not shown, it may hold a secret")
    }
}

/// `value # comment` → `value` (a `#` or `;` after whitespace starts one).
fn strip_comment(value: &str) -> &str {
    let cut = value.char_indices().find(|&(i, c)| (c == '#' || c == ';') && i > 0 && value[..i].ends_with([' ', '\t']));
    cut.map_or(value, |(i, _)| value[..i].trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ini_sections_settings_comments_and_errors() {
        let sections =
            parse("# top\n[default]\nregion = eu-west-1 # note\n[profile  dev]\nKEY=v=1\n  nested = x\n").unwrap();
        assert_eq!(sections[0].0, "default");
        assert_eq!(sections[0].1["region"], "eu-west-1");
        assert_eq!(sections[1].0, "profile dev");
        assert_eq!(sections[1].1["key"], "v=1\nnested = x");
        assert_eq!(parse("region = x\n").unwrap_err().0, 1);
        assert_eq!(parse("[default\n").unwrap_err(), (1, "unclosed section header \"[default\"".into()));
        assert_eq!(parse("[a]\njunk\n").unwrap_err().0, 2);
        let (line, why) = parse("[a]\nregion = x\naws_secret_access_key: SENTINEL\n").unwrap_err();
        assert_eq!(line, 3);
        assert!(why.contains("`aws_secret_access_key = value`") && !why.contains("SENTINEL"), "{why}");
    }

    #[test]
    fn each_file_keeps_its_own_path() {
        // No config file to look for (no home), a credentials file named.
        let files = ProfileFiles::parse(None, Some((PathBuf::from("/c/credentials"), "[a]\nx = 1\n".into()))).unwrap();
        assert_eq!(files.config_path(), None);
        assert_eq!(files.credentials_path(), Some(&PathBuf::from("/c/credentials")));
        assert_eq!(files.describe_sources(), "/c/credentials");
        assert!(files.exists("a") && !files.exists("b"));
    }

    #[test]
    fn which_sections_are_profiles() {
        assert_eq!(section_kind("profile dev"), (Some("profile"), "dev".into()));
        assert_eq!(section_kind("profile \"my dev\""), (Some("profile"), "my dev".into()));
        assert_eq!(section_kind("sso-session corp"), (Some("sso-session"), "corp".into()));
        for not_one in ["profiledev", "profile a b", "bare", "profile", "profile \"\""] {
            assert_eq!(section_kind(not_one).0, None, "{not_one}");
        }
    }
}
