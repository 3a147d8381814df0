//! The shared AWS files, `~/.aws/config` and `~/.aws/credentials`: INI
//! sections of `key = value`, merged per profile with the credentials file
//! winning, as the AWS CLI reads them.

use super::environment::Environment;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// One profile's settings, and where they were looked for.
#[derive(Debug, Clone, Default)]
pub(crate) struct Profile {
    pub name: String,
    pub settings: BTreeMap<String, String>,
    /// The files that were read (or looked for), for error messages.
    pub sources: Vec<PathBuf>,
    /// Whether any file had a section for this profile.
    pub found: bool,
}

impl Profile {
    /// The profile named by `AWS_PROFILE` (default `default`), from the
    /// files `AWS_CONFIG_FILE` and `AWS_SHARED_CREDENTIALS_FILE` name, or
    /// `~/.aws/config` and `~/.aws/credentials`.
    pub fn load(env: &Environment) -> Result<Profile, String> {
        let name = env.var("AWS_PROFILE").unwrap_or("default").to_owned();
        let mut profile = Profile { name: name.clone(), ..Profile::default() };
        let files = [
            (env.aws_file("AWS_CONFIG_FILE", "config"), true),
            (env.aws_file("AWS_SHARED_CREDENTIALS_FILE", "credentials"), false),
        ];
        for (path, is_config) in files {
            let Some(path) = path else { continue };
            profile.sources.push(path.clone());
            let text = match std::fs::read_to_string(&path) {
                Ok(text) => text,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
            };
            let sections = parse(&text).map_err(|(line, why)| format!("{}:{line}: {why}", path.display()))?;
            // In the config file, profiles other than default are `[profile name]`.
            let wanted = if is_config && name != "default" { format!("profile {name}") } else { name.clone() };
            for (section, settings) in sections {
                let matches = section == wanted || (is_config && name == "default" && section == "profile default");
                if matches {
                    profile.found = true;
                    profile.settings.extend(settings);
                }
            }
        }
        Ok(profile)
    }

    /// A setting, if present and not empty.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.settings.get(key).map(String::as_str).filter(|v| !v.is_empty())
    }

    /// Where the profile was looked for, for messages.
    pub fn describe_sources(&self) -> String {
        let files: Vec<String> = self.sources.iter().map(|p| p.display().to_string()).collect();
        if files.is_empty() {
            "no home directory to find ~/.aws in".into()
        } else {
            files.join(" and ")
        }
    }
}

type Sections = Vec<(String, BTreeMap<String, String>)>;

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
            sections.push((name.split_whitespace().collect::<Vec<_>>().join(" "), BTreeMap::new()));
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
}
