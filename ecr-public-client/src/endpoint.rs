//! ECR Public's endpoint rules (botocore's
//! `ecr-public/2020-10-30/endpoint-rule-set-1.json` over AWS's partitions):
//! which URL a region, FIPS and dual-stack choice lead to. Checked against
//! botocore for every region of every partition in `tests/endpoints.rs`.

use aws_json_runtime::partition::partition_of;
use aws_json_runtime::{Endpoint, EndpointParams};

/// The ECR Public endpoint for `params`, or the rules' reason there is none.
///
/// ```
/// use ecr_public_client::endpoint::resolve;
/// use ecr_public_client::runtime::EndpointParams;
///
/// let params = EndpointParams::new("us-east-1").use_dual_stack(true);
/// assert_eq!(resolve(&params).unwrap().url, "https://ecr-public.us-east-1.api.aws");
/// ```
pub fn resolve(params: &EndpointParams<'_>) -> Result<Endpoint, String> {
    if let Some(endpoint) = params.endpoint {
        if params.use_fips {
            return Err("Invalid Configuration: FIPS and custom endpoint are not supported".into());
        }
        if params.use_dual_stack {
            return Err("Invalid Configuration: Dualstack and custom endpoint are not supported".into());
        }
        return Ok(Endpoint::new(endpoint));
    }
    let region = params.region;
    if region.is_empty() {
        return Err("Invalid Configuration: Missing Region".into());
    }
    let partition = partition_of(region);
    let (dns, dual) = (partition.dns_suffix(false), partition.dns_suffix(true));
    // Every partition supports both FIPS and dual-stack; only `aws` has a
    // dual-stack host of its own.
    Ok(Endpoint::new(match (params.use_fips, params.use_dual_stack) {
        (false, false) => format!("https://api.ecr-public.{region}.{dns}"),
        (false, true) if partition.name() == "aws" => format!("https://ecr-public.{region}.api.aws"),
        (false, true) => format!("https://api.ecr-public.{region}.{dual}"),
        (true, false) => format!("https://api.ecr-public-fips.{region}.{dns}"),
        (true, true) => format!("https://api.ecr-public-fips.{region}.{dual}"),
    }))
}
