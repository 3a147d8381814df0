//! Endpoint resolution: a custom endpoint wins; else the service's own rules
//! (named in its hints); else the document's URL templates.

use super::config::{Config, ConfigError};
use super::ServiceMeta;

/// What endpoint rules decide on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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

/// A service's endpoint rules: the URL for the parameters, or why there is
/// none.
pub type ResolveEndpoint = fn(&EndpointParams<'_>) -> Result<String, String>;

/// The endpoint a client for `meta` with `config` sends to.
pub(crate) fn resolve(meta: &ServiceMeta, config: &Config) -> Result<String, ConfigError> {
    let params = EndpointParams {
        region: &config.region,
        use_fips: config.use_fips,
        use_dual_stack: config.use_dual_stack,
        endpoint: config.endpoint_url.as_deref(),
    };
    let endpoint = match meta.resolve_endpoint {
        Some(rules) => rules(&params),
        None => from_templates(meta, &params),
    };
    endpoint.map(|url| url.trim_end_matches('/').to_owned()).map_err(ConfigError::Endpoint)
}

/// The document's template for the region: the one that lists the region,
/// else the first (the lists are often stale). The documents know no FIPS or
/// dual-stack endpoints.
fn from_templates(meta: &ServiceMeta, params: &EndpointParams<'_>) -> Result<String, String> {
    if let Some(url) = params.endpoint {
        if params.use_fips || params.use_dual_stack {
            return Err("Invalid Configuration: FIPS and dual-stack are not supported with a custom endpoint".into());
        }
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
