//! Image references: `REPO[:TAG][@DIGEST]` in the client's own registry,
//! `ACCOUNT.dkr.ecr[-fips].REGION.DOMAIN/REPO[:TAG][@DIGEST]` naming the
//! registry by its host, in every partition's form (the host pattern of
//! amazon-ecr-credential-helper), or `public.ecr.aws/ALIAS/REPO[:TAG]` in
//! ECR Public.

use super::Digest;
use regex_lite::Regex;
use std::fmt;
use std::sync::OnceLock;

/// A private ECR registry, as its host names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registry {
    /// The 12-digit account (registry) id.
    pub account: String,
    /// The region.
    pub region: String,
    /// Whether the host is a FIPS endpoint.
    pub fips: bool,
    /// The host as written, e.g. `123456789012.dkr.ecr.us-east-1.amazonaws.com`.
    pub host: String,
}

/// The hosts of private ECR registries: `.dkr.ecr.` (IPv4) and `.dkr-ecr.`
/// (dual-stack), in the aws, aws-cn, aws-eusc, aws-us-gov and iso
/// partitions. The same expression as the Go helper's.
const HOST_PATTERN: &str = r"^(\d{12})\.dkr[\.\-]ecr(\-fips)?\.([a-zA-Z0-9][a-zA-Z0-9-_]*)\.(amazonaws\.(?:com(?:\.cn)?|eu)|on\.(?:aws|amazonwebservices\.com\.cn)|sc2s\.sgov\.gov|c2s\.ic\.gov|cloud\.adc-e\.uk|csp\.hci\.ic\.gov)$";

/// ECR's repository names: lowercase path components joined by `/`.
const REPOSITORY_PATTERN: &str = r"^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$";

/// ECR Public's registry aliases.
const ALIAS_PATTERN: &str = r"^[a-z][a-z0-9]+(?:[._-][a-z0-9]+)*$";

/// The host of ECR Public's images.
pub const PUBLIC_HOST: &str = "public.ecr.aws";

/// Tags as the OCI distribution specification allows them.
const TAG_PATTERN: &str = r"^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$";

fn matcher(cell: &'static OnceLock<Regex>, pattern: &str) -> &'static Regex {
    cell.get_or_init(|| Regex::new(pattern).expect("a valid pattern"))
}

impl Registry {
    /// The registry `server` names (a host, or a URL with a scheme, port or
    /// path), or none when it is not a private ECR registry.
    pub fn from_server(server: &str) -> Option<Self> {
        static HOSTS: OnceLock<Regex> = OnceLock::new();
        let host = server_host(server)?;
        let captures = matcher(&HOSTS, HOST_PATTERN).captures(host)?;
        Some(Self {
            account: captures[1].to_owned(),
            fips: captures.get(2).is_some(),
            region: captures[3].to_owned(),
            host: host.to_owned(),
        })
    }
}

/// The host a credential helper's server names: `https://host:port/path`,
/// `host/path` and `user@host` all name `host`.
pub fn server_host(server: &str) -> Option<&str> {
    let rest = server.trim();
    let rest = rest.strip_prefix("https://").or_else(|| rest.strip_prefix("http://")).unwrap_or(rest);
    let authority = rest.split(['/', '?', '#']).next()?;
    let host = authority.rsplit('@').next()?;
    Some(match host.rsplit_once(':') {
        Some((host, port)) if port.bytes().all(|b| b.is_ascii_digit()) => host,
        _ => host,
    })
}

/// The registry a reference's host part names.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Host {
    /// `ACCOUNT.dkr.ecr.REGION.DOMAIN`: a private registry.
    Private(Registry),
    /// `public.ecr.aws/ALIAS`: a registry of ECR Public, by its alias.
    Public {
        /// The registry's alias, e.g. `mycompany`.
        alias: String,
    },
}

/// An image in a repository: by tag, by digest, or both (the digest wins
/// when both are given, as in Docker).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    /// The registry the host part names; none for the client's own.
    pub host: Option<Host>,
    /// The repository name, e.g. `team/app`.
    pub repository: String,
    /// The tag, if given.
    pub tag: Option<String>,
    /// The manifest digest, if given.
    pub digest: Option<Digest>,
}

impl Reference {
    /// Parses `[HOST/]REPO[:TAG][@sha256:…]` and
    /// `public.ecr.aws/ALIAS/REPO[:TAG][@sha256:…]`; the error says what is
    /// wrong.
    pub fn parse(text: &str) -> Result<Self, String> {
        static REPOSITORIES: OnceLock<Regex> = OnceLock::new();
        static ALIASES: OnceLock<Regex> = OnceLock::new();
        static TAGS: OnceLock<Regex> = OnceLock::new();
        let whole = |problem: String| format!("image reference {text:?}: {problem}");
        let (rest, digest) = match text.split_once('@') {
            Some((rest, digest)) => (rest, Some(Digest::parse(digest).map_err(whole)?)),
            None => (text, None),
        };
        let (host, path) = match rest.split_once('/') {
            Some((PUBLIC_HOST, path)) => {
                let Some((alias, path)) = path.split_once('/') else {
                    return Err(whole(format!("{PUBLIC_HOST}/ is followed by ALIAS/REPO, not {path:?}")));
                };
                if !(2..=50).contains(&alias.len()) || !matcher(&ALIASES, ALIAS_PATTERN).is_match(alias) {
                    return Err(whole(format!(
                        "{alias:?} is not an ECR Public registry alias (2 to 50 lowercase letters and digits, \
                         starting with a letter, . _ - between them)"
                    )));
                }
                (Some(Host::Public { alias: alias.to_owned() }), path)
            }
            // A first component with a dot or a port is a host, as Docker reads it.
            Some((host, path)) if host.contains(['.', ':']) || host == "localhost" => {
                let registry = Registry::from_server(host).ok_or_else(|| {
                    whole(format!(
                        "{host:?} is not an ECR registry host (ACCOUNT.dkr.ecr.REGION.amazonaws.com and the \
                         other partitions' forms, or {PUBLIC_HOST})"
                    ))
                })?;
                (Some(Host::Private(registry)), path)
            }
            _ => (None, rest),
        };
        let (repository, tag) = match path.rsplit_once(':') {
            Some((repository, tag)) if !tag.contains('/') => (repository, Some(tag)),
            _ => (path, None),
        };
        if repository.is_empty() {
            return Err(whole("no repository name".into()));
        }
        if repository.len() < 2
            || repository.len() > 256
            || !matcher(&REPOSITORIES, REPOSITORY_PATTERN).is_match(repository)
        {
            return Err(whole(format!(
                "{repository:?} is not an ECR repository name (2 to 256 characters: lowercase letters, digits and \
                 . _ - between them, / between components)"
            )));
        }
        if let Some(tag) = tag {
            if !matcher(&TAGS, TAG_PATTERN).is_match(tag) {
                return Err(whole(format!(
                    "{tag:?} is not a tag (1 to 128 letters, digits, _ . -, not starting with . or -)"
                )));
            }
        }
        Ok(Self { host, repository: repository.to_owned(), tag: tag.map(str::to_owned), digest })
    }

    /// The private registry the host names, if it names one.
    pub fn registry(&self) -> Option<&Registry> {
        match &self.host {
            Some(Host::Private(registry)) => Some(registry),
            _ => None,
        }
    }

    /// The ECR Public registry alias, if the reference is `public.ecr.aws/ALIAS/…`.
    pub fn public_alias(&self) -> Option<&str> {
        match &self.host {
            Some(Host::Public { alias }) => Some(alias),
            _ => None,
        }
    }

    /// The registry id to send: the private host's account, if the
    /// reference names one.
    pub fn registry_id(&self) -> Option<&str> {
        self.registry().map(|r| r.account.as_str())
    }

    /// The same image with its tag or digest replaced.
    pub fn with_tag(&self, tag: &str) -> Self {
        Self { tag: Some(tag.to_owned()), digest: None, ..self.clone() }
    }
}

impl std::str::FromStr for Reference {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        Self::parse(text)
    }
}

impl fmt::Display for Reference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.host {
            Some(Host::Private(registry)) => write!(f, "{}/", registry.host)?,
            Some(Host::Public { alias }) => write!(f, "{PUBLIC_HOST}/{alias}/")?,
            None => {}
        }
        f.write_str(&self.repository)?;
        if let Some(tag) = &self.tag {
            write!(f, ":{tag}")?;
        }
        if let Some(digest) = &self.digest {
            write!(f, "@{digest}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn registry(account: &str, region: &str, fips: bool, host: &str) -> Option<Registry> {
        Some(Registry { account: account.into(), region: region.into(), fips, host: host.into() })
    }

    #[test]
    fn every_partition_and_form() {
        let id = "123456789012";
        let cases = [
            ("123456789012.dkr.ecr.us-east-1.amazonaws.com", "us-east-1", false, ""),
            (
                "https://123456789012.dkr.ecr.eu-west-1.amazonaws.com/v2/",
                "eu-west-1",
                false,
                "123456789012.dkr.ecr.eu-west-1.amazonaws.com",
            ),
            ("123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com", "us-gov-west-1", true, ""),
            ("123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn", "cn-north-1", false, ""),
            ("123456789012.dkr-ecr.us-west-2.on.aws", "us-west-2", false, ""),
            ("123456789012.dkr-ecr-fips.us-east-1.on.aws", "us-east-1", true, ""),
            ("123456789012.dkr-ecr.cn-north-1.on.amazonwebservices.com.cn", "cn-north-1", false, ""),
            ("123456789012.dkr.ecr.us-iso-east-1.c2s.ic.gov", "us-iso-east-1", false, ""),
            ("123456789012.dkr.ecr.us-isob-east-1.sc2s.sgov.gov", "us-isob-east-1", false, ""),
            ("123456789012.dkr.ecr.eu-isoe-west-1.cloud.adc-e.uk", "eu-isoe-west-1", false, ""),
            ("123456789012.dkr.ecr.us-isof-south-1.csp.hci.ic.gov", "us-isof-south-1", false, ""),
            ("123456789012.dkr.ecr.eusc-de-east-1.amazonaws.eu", "eusc-de-east-1", false, ""),
            (
                "123456789012.dkr.ecr.us-east-1.amazonaws.com:443",
                "us-east-1",
                false,
                "123456789012.dkr.ecr.us-east-1.amazonaws.com",
            ),
        ];
        for (server, region, fips, host) in cases {
            let host = if host.is_empty() { server } else { host };
            assert_eq!(Registry::from_server(server), registry(id, region, fips, host), "{server}");
        }
        for server in [
            "docker.io",
            "public.ecr.aws",
            "12345678901.dkr.ecr.us-east-1.amazonaws.com",
            "123456789012.dkr.ecr.us-east-1.amazonaws.com.evil.example",
            "123456789012.dkr.ecr.us-east-1.example.com",
            "",
        ] {
            assert_eq!(Registry::from_server(server), None, "{server}");
        }
    }

    #[test]
    fn references() {
        let digest = format!("sha256:{}", "a".repeat(64));
        let r = Reference::parse("app").unwrap();
        assert_eq!((r.host, r.repository.as_str(), r.tag, r.digest), (None, "app", None, None));
        let r = Reference::parse(&format!("team/app:v1.2@{digest}")).unwrap();
        assert_eq!((r.repository.as_str(), r.tag.as_deref()), ("team/app", Some("v1.2")));
        assert_eq!(r.digest.unwrap().as_str(), digest);
        let text = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/app:latest";
        let r = Reference::parse(text).unwrap();
        assert_eq!(r.registry_id(), Some("123456789012"));
        assert_eq!(r.registry().unwrap().region, "eu-west-1");
        assert_eq!(r.to_string(), text);
        let text = "public.ecr.aws/my-co/team/app:v1";
        let r = Reference::parse(text).unwrap();
        assert_eq!((r.public_alias(), r.repository.as_str(), r.registry_id()), (Some("my-co"), "team/app", None));
        assert_eq!(r.to_string(), text);
        for bad in [
            "",
            "a",
            "App",
            "app:",
            "app:-x",
            "app@sha256:12",
            "docker.io/library/app",
            "localhost:5000/app",
            "public.ecr.aws/app",
            "public.ecr.aws/Alias/app",
            "public.ecr.aws/a/app",
            "public.ecr.aws/alias/App",
            "team//app",
            "app/",
            ":tag",
        ] {
            let error = Reference::parse(bad).unwrap_err();
            assert!(error.starts_with(&format!("image reference {bad:?}: ")), "{error}");
        }
    }
}
