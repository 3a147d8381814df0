//! ECR's endpoint rules agree with botocore's resolver for every region of
//! every partition, with and without FIPS and dual-stack, and with a custom
//! endpoint. `tests/data/endpoints.json` is botocore's answer, written by
//! `tests/data/endpoints.py`.

mod support;

use ecr_client::endpoint::resolve;
use ecr_client::runtime::EndpointParams;
use ecr_client::{Client, Config, Credentials};
use serde_json::Value;
use support::fault_server::{Reply, Server};

#[test]
fn every_partition_region_and_variant_matches_botocore() {
    let table: Value = serde_json::from_str(include_str!("data/endpoints.json")).unwrap();
    let cases = table["cases"].as_array().unwrap();
    assert!(cases.len() > 200, "the table covers every region");
    let mut partitions_seen = std::collections::BTreeSet::new();
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
        assert_eq!(resolve(&params), expected, "{params:?}");
        if let Ok(url) = &expected {
            partitions_seen.insert(url.rsplit_once(params.region).map(|(_, suffix)| suffix.to_owned()));
        }
    }
    // aws (and us-gov), cn, eusc, iso, iso-b, iso-e, iso-f, each plain and dual-stack.
    assert!(partitions_seen.len() >= 13, "{partitions_seen:?}");
}

#[test]
fn the_client_uses_the_rules_and_reports_their_errors() {
    let config = |fips: bool, dual: bool, endpoint: Option<&str>| {
        let mut builder = Config::builder()
            .region("us-gov-west-1")
            .credentials(Credentials::new("AKID", "secret"))
            .use_fips(fips)
            .use_dual_stack(dual);
        if let Some(url) = endpoint {
            builder = builder.endpoint_url(url);
        }
        builder.build().unwrap()
    };
    let client = Client::new(config(true, false, None)).unwrap();
    assert_eq!(client.endpoint(), "https://api.ecr-fips.us-gov-west-1.amazonaws.com");
    let client = Client::new(config(false, false, Some("http://localhost:4566/"))).unwrap();
    assert_eq!(client.endpoint(), "http://localhost:4566");
    // As in botocore's client, a custom endpoint wins over FIPS and dual-stack.
    for (fips, dual) in [(true, false), (false, true), (true, true)] {
        let client = Client::new(config(fips, dual, Some("http://localhost:4566"))).unwrap();
        assert_eq!(client.endpoint(), "http://localhost:4566");
    }
}

/// Legacy pseudo-regions, as botocore 1.44's client resolves and signs them.
#[tokio::test]
async fn pseudo_regions_resolve_and_sign_as_botocore_does() {
    let cases = [
        ("fips-us-east-1", "https://api.ecr-fips.us-east-1.amazonaws.com", "us-east-1"),
        ("us-east-1-fips", "https://api.ecr-fips.us-east-1.amazonaws.com", "us-east-1"),
        ("fips-us-gov-west-1", "https://api.ecr-fips.us-gov-west-1.amazonaws.com", "us-gov-west-1"),
        ("fips-cn-north-1", "https://api.ecr-fips.cn-north-1.amazonaws.com.cn", "cn-north-1"),
        ("dkr-us-east-1", "https://api.ecr.dkr-us-east-1.amazonaws.com", "us-east-1"),
        ("fips-dkr-us-east-1", "https://api.ecr-fips.dkr-us-east-1.amazonaws.com", "us-east-1"),
        ("dkr-us-gov-west-1", "https://api.ecr.dkr-us-gov-west-1.amazonaws.com", "us-gov-west-1"),
        // Not in botocore's legacy list: signed as named.
        ("dkr-eu-west-1", "https://api.ecr.dkr-eu-west-1.amazonaws.com", "dkr-eu-west-1"),
    ];
    for (region, endpoint, signing_region) in cases {
        let config = Config::builder().region(region).credentials(Credentials::new("AKID", "secret"));
        let client = Client::new(config.clone().build().unwrap()).unwrap();
        assert_eq!(client.endpoint(), endpoint, "{region}");
        // Signed for the real region, also when sent to a custom endpoint.
        let server = Server::start(vec![Reply::json(200, "{}")]).await;
        let client = Client::new(config.endpoint_url(&server.url).build().unwrap()).unwrap();
        client.describe_registry().send().await.unwrap();
        let authorization = server.requests()[0].header("authorization").unwrap().to_owned();
        assert!(authorization.contains(&format!("/{signing_region}/ecr/aws4_request")), "{region}: {authorization}");
    }
}
