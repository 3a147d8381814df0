//! Which ECR registry a Docker server URL names: the account, region and
//! FIPS-ness of `{account}.dkr.ecr[-fips].{region}.{domain}` in every
//! partition and its dual-stack forms, as amazon-ecr-credential-helper
//! reads them.

use regex_lite::Regex;
use std::sync::OnceLock;

/// A private ECR registry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registry {
    /// The 12-digit account (registry) id.
    pub account: String,
    /// The region.
    pub region: String,
    /// Whether the host is a FIPS endpoint.
    pub fips: bool,
}

/// The hosts of private ECR registries: `.dkr.ecr.` (IPv4) and `.dkr-ecr.`
/// (dual-stack), in the aws, aws-cn, aws-eusc, aws-us-gov and iso
/// partitions. The same expression as the Go helper's.
const PATTERN: &str = r"^(\d{12})\.dkr[\.\-]ecr(\-fips)?\.([a-zA-Z0-9][a-zA-Z0-9-_]*)\.(amazonaws\.(?:com(?:\.cn)?|eu)|on\.(?:aws|amazonwebservices\.com\.cn)|sc2s\.sgov\.gov|c2s\.ic\.gov|cloud\.adc-e\.uk|csp\.hci\.ic\.gov)$";

/// The registry `server` names (a host, or a URL with a scheme, port or
/// path), or none when it is not a private ECR registry.
pub fn parse(server: &str) -> Option<Registry> {
    static HOSTS: OnceLock<Regex> = OnceLock::new();
    let rest = server.trim();
    let rest = rest.strip_prefix("https://").or_else(|| rest.strip_prefix("http://")).unwrap_or(rest);
    let authority = rest.split(['/', '?', '#']).next()?;
    let host = authority.rsplit('@').next()?;
    let host = match host.rsplit_once(':') {
        Some((host, port)) if port.bytes().all(|b| b.is_ascii_digit()) => host,
        _ => host,
    };
    let captures = HOSTS.get_or_init(|| Regex::new(PATTERN).expect("a valid pattern")).captures(host)?;
    Some(Registry { account: captures[1].to_owned(), fips: captures.get(2).is_some(), region: captures[3].to_owned() })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn registry(account: &str, region: &str, fips: bool) -> Option<Registry> {
        Some(Registry { account: account.into(), region: region.into(), fips })
    }

    #[test]
    fn every_partition_and_form() {
        let id = "123456789012";
        let cases = [
            ("123456789012.dkr.ecr.us-east-1.amazonaws.com", registry(id, "us-east-1", false)),
            ("https://123456789012.dkr.ecr.eu-west-1.amazonaws.com/v2/", registry(id, "eu-west-1", false)),
            ("123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com", registry(id, "us-gov-west-1", true)),
            ("123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn", registry(id, "cn-north-1", false)),
            ("123456789012.dkr-ecr.us-west-2.on.aws", registry(id, "us-west-2", false)),
            ("123456789012.dkr-ecr-fips.us-east-1.on.aws", registry(id, "us-east-1", true)),
            ("123456789012.dkr-ecr.cn-north-1.on.amazonwebservices.com.cn", registry(id, "cn-north-1", false)),
            ("123456789012.dkr.ecr.us-iso-east-1.c2s.ic.gov", registry(id, "us-iso-east-1", false)),
            ("123456789012.dkr.ecr.us-isob-east-1.sc2s.sgov.gov", registry(id, "us-isob-east-1", false)),
            ("123456789012.dkr.ecr.eu-isoe-west-1.cloud.adc-e.uk", registry(id, "eu-isoe-west-1", false)),
            ("123456789012.dkr.ecr.us-isof-south-1.csp.hci.ic.gov", registry(id, "us-isof-south-1", false)),
            ("123456789012.dkr.ecr.eusc-de-east-1.amazonaws.eu", registry(id, "eusc-de-east-1", false)),
            ("123456789012.dkr.ecr.us-east-1.amazonaws.com:443", registry(id, "us-east-1", false)),
            ("docker.io", None),
            ("public.ecr.aws", None),
            ("12345678901.dkr.ecr.us-east-1.amazonaws.com", None),
            ("123456789012.dkr.ecr.us-east-1.amazonaws.com.evil.example", None),
            ("123456789012.dkr.ecr.us-east-1.example.com", None),
            ("", None),
        ];
        for (server, expected) in cases {
            assert_eq!(parse(server), expected, "{server}");
        }
    }
}
