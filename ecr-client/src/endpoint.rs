//! ECR's endpoint rules (botocore's `ecr/2015-09-21/endpoint-rule-set-1.json`
//! over AWS's partitions): which URL a region, FIPS and dual-stack choice
//! lead to, and the legacy `dkr-*` regions' signing region. Checked against botocore for every region of every
//! partition in `tests/endpoints.rs`.

use aws_json_runtime::partition::partition_of;
use aws_json_runtime::{Endpoint, EndpointParams};

/// The ECR endpoint for `params`, or the rules' reason there is none.
///
/// ```
/// use ecr_client::endpoint::resolve;
/// use ecr_client::runtime::EndpointParams;
///
/// let params = EndpointParams::new("eu-west-1").use_dual_stack(true);
/// assert_eq!(resolve(&params).unwrap(), "https://ecr.eu-west-1.api.aws");
/// ```
pub fn resolve(params: &EndpointParams<'_>) -> Result<String, String> {
    if let Some(endpoint) = params.endpoint {
        if params.use_fips {
            return Err("Invalid Configuration: FIPS and custom endpoint are not supported".into());
        }
        if params.use_dual_stack {
            return Err("Invalid Configuration: Dualstack and custom endpoint are not supported".into());
        }
        return Ok(endpoint.to_owned());
    }
    let region = params.region;
    if region.is_empty() {
        return Err("Invalid Configuration: Missing Region".into());
    }
    if !is_valid_host_label(region) {
        return Err(format!("Invalid Configuration: region {region:?} is not a valid host label"));
    }
    let partition = partition_of(region);
    let (dns, dual) = (partition.dns_suffix(false), partition.dns_suffix(true));
    // Every partition ECR knows supports both FIPS and dual-stack.
    Ok(match (params.use_fips, params.use_dual_stack) {
        (false, false) => format!("https://api.ecr.{region}.{dns}"),
        (false, true) => format!("https://ecr.{region}.{dual}"),
        (true, false) => format!("https://api.ecr-fips.{region}.{dns}"),
        (true, true) => format!("https://ecr-fips.{region}.{dual}"),
    })
}

/// What the rules engine's `isValidHostLabel` accepts for a region.
fn is_valid_host_label(label: &str) -> bool {
    label.len() <= 63
        && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        && !label.starts_with('-')
        && !label.ends_with('-')
}

/// The legacy regions botocore's `endpoints.json` gives ECR a credential
/// scope for: `dkr-us-east-1` (and `fips-dkr-us-east-1`) keep their name in
/// the URL, as botocore sends them, but are signed for `us-east-1`.
const DKR_REGIONS: &[&str] = &["us-east-1", "us-east-2", "us-gov-east-1", "us-gov-west-1", "us-west-1", "us-west-2"];

/// [`resolve`], plus the region to sign for where it is not the client's:
/// the rules the generated client is given (see `specs/.../hints.json`).
pub fn resolve_with_scope(params: &EndpointParams<'_>) -> Result<Endpoint, String> {
    let url = resolve(params)?;
    let endpoint = Endpoint::new(url);
    Ok(match params.region.strip_prefix("dkr-").filter(|region| DKR_REGIONS.contains(region)) {
        Some(region) => endpoint.signing_region(region),
        None => endpoint,
    })
}
