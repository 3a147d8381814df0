//! ECR Public's endpoint rules agree with botocore's resolver for every
//! region of every partition, with and without FIPS and dual-stack, and
//! with a custom endpoint. `tests/data/endpoints.json` is botocore's
//! answer, written by `ecr-client/tests/data/endpoints.py ecr-public ...`.

use ecr_public_client::endpoint::resolve;
use ecr_public_client::runtime::EndpointParams;
use ecr_public_client::{Client, Config, Credentials};
use serde_json::Value;

#[test]
fn every_partition_region_and_variant_matches_botocore() {
    let table: Value = serde_json::from_str(include_str!("data/endpoints.json")).unwrap();
    let cases = table["cases"].as_array().unwrap();
    assert!(cases.len() > 200, "the table covers every region");
    let mut hosts_seen = std::collections::BTreeSet::new();
    for case in cases {
        let params = EndpointParams::new(case["region"].as_str().unwrap())
            .use_fips(case["fips"].as_bool().unwrap())
            .use_dual_stack(case["dualStack"].as_bool().unwrap())
            .endpoint(case["endpoint"].as_str());
        let expected = match (&case["url"], &case["error"]) {
            (Value::String(url), _) => Ok(url.clone()),
            (_, Value::String(error)) => Err(error.clone()),
            _ => panic!("bad case {case}"),
        };
        let resolved = resolve(&params).map(|endpoint| endpoint.url);
        assert_eq!(resolved, expected, "{params:?}");
        if let Ok(url) = &expected {
            hosts_seen.insert(url.replace(params.region, "REGION"));
        }
    }
    // Plain, FIPS, dual-stack (aws's own host and the others') in every partition.
    assert!(hosts_seen.len() >= 25, "{hosts_seen:?}");
}

#[test]
fn the_client_uses_the_rules() {
    let client = |configure: fn(ecr_public_client::ConfigBuilder) -> ecr_public_client::ConfigBuilder| {
        let builder = Config::builder().region("us-east-1").credentials(Credentials::new("A", "B"));
        Client::new(configure(builder).build().unwrap())
    };
    assert_eq!(client(|b| b).unwrap().endpoint(), "https://api.ecr-public.us-east-1.amazonaws.com");
    assert_eq!(client(|b| b.use_dual_stack(true)).unwrap().endpoint(), "https://ecr-public.us-east-1.api.aws");
    assert_eq!(client(|b| b.use_fips(true)).unwrap().endpoint(), "https://api.ecr-public-fips.us-east-1.amazonaws.com");
    // As in botocore's client, a custom endpoint wins over FIPS and dual-stack.
    let custom = client(|b| b.use_fips(true).endpoint_url("https://example.com/ecr")).unwrap();
    assert_eq!(custom.endpoint(), "https://example.com/ecr");
    let unknown = client(|b| b.region("xx-unknown-1")).unwrap();
    assert_eq!(unknown.endpoint(), "https://api.ecr-public.xx-unknown-1.amazonaws.com", "aws's suffix by default");
}
