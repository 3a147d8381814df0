//! What the generated flag tests call.

use ecr_client::runtime::{Operation, Service};
use serde::de::DeserializeOwned;
use serde::Serialize;

/// The bytes the generator's sample blob (`AAEC/w==`) stands for.
const SAMPLE_BLOB: &[u8] = &[0, 1, 2, 255];

/// One file of the sample blob's bytes for every test and run: written
/// once under a name of this process's and renamed into place, so no test
/// reads it half written and runs do not leave one each behind.
fn sample_blob_file() -> std::path::PathBuf {
    static FILE: std::sync::OnceLock<std::path::PathBuf> = std::sync::OnceLock::new();
    FILE.get_or_init(|| {
        let file = std::env::temp_dir().join("ecr-cli-sample-blob");
        let staged = std::env::temp_dir().join(format!("ecr-cli-sample-blob.{}", std::process::id()));
        std::fs::write(&staged, SAMPLE_BLOB).unwrap();
        std::fs::rename(&staged, &file).unwrap();
        file
    })
    .clone()
}

/// Parses `args` (with `{blob file}` replaced by a file of the sample
/// blob's bytes) and checks the input is `expected`, that the client's
/// typed input `I` accepts it, and that `I` writes it back unchanged.
pub fn parses_flags<I: Operation + DeserializeOwned + Serialize>(args: &[&str], expected: &str) {
    let blob = sample_blob_file();
    // ECR Public's commands follow `public`.
    let public = (<I::Service as Service>::META.name == "ecr-public").then_some("public");
    let args: Vec<String> = public
        .into_iter()
        .chain(args.iter().copied())
        .map(|a| a.replace("{blob file}", &blob.display().to_string()))
        .collect();
    let parsed = crate::parsing::parse(&args).unwrap_or_else(|e| panic!("{e}\n{args:?}"));
    let crate::parsing::Action::Call { input, .. } = parsed.action else { panic!("not a call: {:?}", parsed.action) };
    let input = serde_json::Value::Object(input);
    let expected: serde_json::Value = serde_json::from_str(expected).unwrap();
    assert_eq!(input, expected, "{args:?}");
    let typed: I = serde_json::from_value(input).unwrap_or_else(|e| panic!("{}: {e}", I::NAME));
    assert_eq!(serde_json::to_value(&typed).unwrap(), expected, "{} writes back what it read", I::NAME);
}
