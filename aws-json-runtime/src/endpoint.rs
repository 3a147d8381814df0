//! Endpoint resolution: a custom endpoint wins; else the service's own rules
//! (named in its hints); else the document's URL templates. Legacy
//! pseudo-regions (`fips-us-east-1`, `us-east-1-fips`) are read as botocore's
//! client reads them: the real region, with FIPS.

use super::config::{Config, ConfigError};
use super::ServiceMeta;

/// What endpoint rules decide on. More may come: made with
/// [`EndpointParams::new`] and its setters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct EndpointParams<'a> {
    /// The region, e.g. `us-east-1`.
    pub region: &'a str,
    /// Use a FIPS 140 endpoint.
    pub use_fips: bool,
    /// Use a dual-stack (IPv4 and IPv6) endpoint.
    pub use_dual_stack: bool,
    /// A custom endpoint URL.
    pub endpoint: Option<&'a str>,
}

impl<'a> EndpointParams<'a> {
    /// The parameters for `region`: no FIPS, no dual stack, no custom endpoint.
    pub fn new(region: &'a str) -> Self {
        Self { region, use_fips: false, use_dual_stack: false, endpoint: None }
    }

    /// Whether to use a FIPS 140 endpoint.
    pub fn use_fips(mut self, use_fips: bool) -> Self {
        self.use_fips = use_fips;
        self
    }

    /// Whether to use a dual-stack endpoint.
    pub fn use_dual_stack(mut self, use_dual_stack: bool) -> Self {
        self.use_dual_stack = use_dual_stack;
        self
    }

    /// A custom endpoint URL.
    pub fn endpoint(mut self, endpoint: Option<&'a str>) -> Self {
        self.endpoint = endpoint;
        self
    }
}

/// What endpoint rules decide: where to send, and the region to sign for
/// when it is not the client's. Made with [`Endpoint::new`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Endpoint {
    /// The endpoint URL, e.g. `https://api.ecr.us-east-1.amazonaws.com`.
    pub url: String,
    /// The signing region, when the rules give one of their own.
    pub signing_region: Option<String>,
}

impl Endpoint {
    /// An endpoint at `url`, signed for the client's region.
    pub fn new(url: impl Into<String>) -> Self {
        Self { url: url.into(), signing_region: None }
    }

    /// Signed for `region` instead.
    pub fn signing_region(mut self, region: impl Into<String>) -> Self {
        self.signing_region = Some(region.into());
        self
    }
}

/// A service's endpoint rules: the endpoint for the parameters, or why there
/// is none.
pub type ResolveEndpoint = fn(&EndpointParams<'_>) -> Result<Endpoint, String>;

/// Where a client sends, and the region it signs for.
pub struct Resolved {
    pub url: String,
    pub signing_region: String,
}

/// The endpoint a client for `meta` with `config` sends to.
///
/// As in botocore's client, a custom endpoint wins: the FIPS and dual-stack
/// settings do not reach the rules then (the rules would refuse the pair).
pub fn resolve(meta: &ServiceMeta, config: &Config) -> Result<Resolved, ConfigError> {
    let (region, use_fips) = match legacy_fips_region(&config.region) {
        Some(region) => (region, true),
        None => (config.region.as_str(), config.use_fips),
    };
    let custom = config.endpoint_url.is_some();
    let params = EndpointParams {
        region,
        use_fips: use_fips && !custom,
        use_dual_stack: config.use_dual_stack && !custom,
        endpoint: config.endpoint_url.as_deref(),
    };
    let endpoint = match meta.resolve_endpoint {
        Some(rules) => rules(&params),
        None => from_templates(meta, &params).map(|url| Endpoint { url, signing_region: None }),
    }
    .map_err(ConfigError::Endpoint)?;
    Ok(Resolved { url: endpoint.url, signing_region: endpoint.signing_region.unwrap_or_else(|| region.to_owned()) })
}

/// `fips-us-east-1` and `us-east-1-fips` → `us-east-1`.
fn legacy_fips_region(region: &str) -> Option<&str> {
    region.strip_prefix("fips-").or_else(|| region.strip_suffix("-fips")).filter(|r| !r.is_empty())
}

/// The document's template for the region: the one that lists the region,
/// else the first (the lists are often stale). The documents know no FIPS or
/// dual-stack endpoints.
fn from_templates(meta: &ServiceMeta, params: &EndpointParams<'_>) -> Result<String, String> {
    if let Some(url) = params.endpoint {
        return Ok(url.to_owned());
    }
    if params.use_fips || params.use_dual_stack {
        return Err(format!("the {} document names no FIPS or dual-stack endpoints: set an endpoint URL", meta.name));
    }
    let template = meta
        .endpoints
        .iter()
        .find(|e| e.regions.contains(&params.region))
        .or_else(|| meta.endpoints.first())
        .ok_or_else(|| format!("the {} document names no endpoint: set an endpoint URL", meta.name))?;
    Ok(template.url.replace("{region}", params.region))
}
