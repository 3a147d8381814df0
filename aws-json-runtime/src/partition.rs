//! AWS partitions (botocore's `partitions.json`): which DNS suffixes a
//! region's endpoints use. Service-independent: endpoint rules and the STS
//! endpoint for web identity both read it.

/// A partition: a group of regions with its own DNS suffixes.
pub struct Partition {
    /// e.g. `aws`, `aws-cn`.
    name: &'static str,
    /// Regions listed by name.
    regions: &'static [&'static str],
    /// `^(p1|p2)-\w+-\d+$`, as the alternatives `p1`, `p2`.
    region_prefixes: &'static [&'static str],
    /// e.g. `amazonaws.com`.
    dns_suffix: &'static str,
    /// e.g. `api.aws`.
    dual_stack_dns_suffix: &'static str,
}

impl Partition {
    /// The partition's name, e.g. `aws`, `aws-cn`, `aws-us-gov`.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The DNS suffix of the partition's endpoints, dual-stack or not.
    pub fn dns_suffix(&self, dual_stack: bool) -> &'static str {
        if dual_stack {
            self.dual_stack_dns_suffix
        } else {
            self.dns_suffix
        }
    }
}

const PARTITIONS: &[Partition] = &[
    Partition {
        name: "aws",
        regions: &[
            "af-south-1",
            "ap-east-1",
            "ap-east-2",
            "ap-northeast-1",
            "ap-northeast-2",
            "ap-northeast-3",
            "ap-south-1",
            "ap-south-2",
            "ap-southeast-1",
            "ap-southeast-2",
            "ap-southeast-3",
            "ap-southeast-4",
            "ap-southeast-5",
            "ap-southeast-6",
            "ap-southeast-7",
            "aws-global",
            "ca-central-1",
            "ca-west-1",
            "eu-central-1",
            "eu-central-2",
            "eu-north-1",
            "eu-south-1",
            "eu-south-2",
            "eu-west-1",
            "eu-west-2",
            "eu-west-3",
            "il-central-1",
            "me-central-1",
            "me-south-1",
            "me-west-1",
            "mx-central-1",
            "sa-east-1",
            "sa-west-1",
            "us-east-1",
            "us-east-2",
            "us-west-1",
            "us-west-2",
        ],
        region_prefixes: &["us", "eu", "ap", "sa", "ca", "me", "af", "il", "mx"],
        dns_suffix: "amazonaws.com",
        dual_stack_dns_suffix: "api.aws",
    },
    Partition {
        name: "aws-cn",
        regions: &["aws-cn-global", "cn-north-1", "cn-northwest-1"],
        region_prefixes: &["cn"],
        dns_suffix: "amazonaws.com.cn",
        dual_stack_dns_suffix: "api.amazonwebservices.com.cn",
    },
    Partition {
        name: "aws-eusc",
        regions: &["eusc-de-east-1"],
        region_prefixes: &["eusc-de"],
        dns_suffix: "amazonaws.eu",
        dual_stack_dns_suffix: "api.amazonwebservices.eu",
    },
    Partition {
        name: "aws-iso",
        regions: &["aws-iso-global", "us-iso-east-1", "us-iso-west-1"],
        region_prefixes: &["us-iso"],
        dns_suffix: "c2s.ic.gov",
        dual_stack_dns_suffix: "api.aws.ic.gov",
    },
    Partition {
        name: "aws-iso-b",
        regions: &["aws-iso-b-global", "us-isob-east-1", "us-isob-west-1"],
        region_prefixes: &["us-isob"],
        dns_suffix: "sc2s.sgov.gov",
        dual_stack_dns_suffix: "api.aws.scloud",
    },
    Partition {
        name: "aws-iso-e",
        regions: &["aws-iso-e-global", "eu-isoe-west-1"],
        region_prefixes: &["eu-isoe"],
        dns_suffix: "cloud.adc-e.uk",
        dual_stack_dns_suffix: "api.cloud-aws.adc-e.uk",
    },
    Partition {
        name: "aws-iso-f",
        regions: &["aws-iso-f-global", "us-isof-east-1", "us-isof-south-1"],
        region_prefixes: &["us-isof"],
        dns_suffix: "csp.hci.ic.gov",
        dual_stack_dns_suffix: "api.aws.hci.ic.gov",
    },
    Partition {
        name: "aws-us-gov",
        regions: &["aws-us-gov-global", "us-gov-east-1", "us-gov-west-1"],
        region_prefixes: &["us-gov"],
        dns_suffix: "amazonaws.com",
        dual_stack_dns_suffix: "api.aws",
    },
];

/// The partition of a region: by name, then by pattern, else `aws`.
pub fn partition_of(region: &str) -> &'static Partition {
    PARTITIONS
        .iter()
        .find(|p| p.regions.contains(&region))
        .or_else(|| PARTITIONS.iter().find(|p| p.region_prefixes.iter().any(|prefix| matches_pattern(region, prefix))))
        .unwrap_or(&PARTITIONS[0])
}

/// `region` matches `^{prefix}-\w+-\d+$`.
fn matches_pattern(region: &str, prefix: &str) -> bool {
    let Some(rest) = region.strip_prefix(prefix).and_then(|r| r.strip_prefix('-')) else { return false };
    let Some((word, number)) = rest.split_once('-') else { return false };
    !word.is_empty()
        && word.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !number.is_empty()
        && number.chars().all(|c| c.is_ascii_digit())
}
