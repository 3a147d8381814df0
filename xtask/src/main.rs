//! The project's commands: `cargo xtask <task>`.
//!
//! - `regen [--check] [--accept-breaking] [--spec PATH] [--hints PATH] [--out DIR] [--cli-out DIR]`:
//!   generate the client module and its API listing from an OpenAPI
//!   document (default: every service of `regen::SERVICES`: ECR's and ECR
//!   Public's documents into their client crates and the `ecr` tool's
//!   command layers), under the lock of the checked-in listing; `--check`
//!   changes nothing and fails if the checked-in code of any is stale;
//!   `--accept-breaking` takes a document's breaking changes.
//! - `bench [--runs N]`: time regen of the ECR document, from reading the
//!   document to writing the files, and count the generated lines.
//! - `cli-bench [--runs N]`: wall time of `ecr` beside the AWS CLI, and
//!   the size of the release binaries.
//! - `build-time [--aws-sdk]`: clean build times of a small program on the
//!   client (and on the official SDK, for comparison).
//! - `corpus DIR`: generate every awsJson document in a directory (without
//!   hints) and list the warnings.
//! - `startup [--iterations N]`: instructions and CPU time of building a
//!   client and making one call, beside the official SDK.
//! - `fuzz [--seconds N] [--jobs J] [TARGET…]`: run the fuzz targets in
//!   `fuzz/` and print executions and findings per target.
//! - `deps [msrv|updated|minimal]...`: the declared rust-version against
//!   the dependencies', and the workspace checked with its dependencies
//!   updated and at their declared minimal versions, in copies.
//! - `semver`: generate ECR's client from today's document and from one
//!   with a member, an enum value, an error and an operation added, and
//!   check with `cargo semver-checks` that nothing breaks.

mod bench;
mod bench_program;
mod build_time;
mod cli_bench;
mod corpus;
mod deps;
mod fuzz;
mod generated_crate;
mod image_bench;
mod regen;
mod semver;
mod startup;

use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask <task>

tasks:
  regen [--check] [--accept-breaking] [--spec PATH] [--hints PATH] [--out DIR] [--cli-out DIR]
        generate client code and its API listing (api-listing.txt) from an
        OpenAPI document (default: every service of the table in
        xtask/src/regen.rs: ECR's and ECR Public's documents in specs/ into
        their client crates and the ecr tool's commands; with --out only
        the client), keeping what the checked-in listing locks; --check
        writes nothing and fails when the checked-in code of any differs;
        --accept-breaking takes a document's breaking changes
  bench [--runs N]
        measure regen of the ECR document (build with --release for figures)
        and count the generated lines
  cli-bench [--runs N]
        wall time per invocation of ecr beside the AWS CLI (describe-repositories
        against moto, --version), and the stripped size of the release binaries
  build-time [--aws-sdk]
        clean debug and release build times of a small program on ecr-client
        (and on aws-sdk-ecr + aws-config, for comparison)
  corpus DIR
        generate every awsJson document in DIR without hints (e.g. APIs.guru's
        api/amazonaws.com) and list each one's warnings and errors
  startup [--iterations N]
        instructions (valgrind) and CPU time of building a client and making
        one call against a local stub, beside aws-sdk-ecr
  image-bench [--parts N]
        moving images, beside aws-sdk-ecr: CPU per UploadLayerPart of a
        10 MiB part (and a bare POST of the same body), peak RSS of pushing
        a 100 MiB and a 2 GiB image, pull over 1 and 4 ranged connections
        held to 25 MB/s each
  deps [msrv|updated|minimal]...
        msrv: no dependency of a default build declares a newer rust-version
        than the workspace; updated, minimal: a copy of the workspace with its
        dependencies `cargo update`d, or at the lowest versions it declares
        (-Z direct-minimal-versions), checked with warnings denied (default: all)
  semver
        ECR's client from today's document and from one with a member, an
        enum value, an error and an operation added: cargo semver-checks
        must find no breaking change (needs cargo-semver-checks)
  fuzz [--seconds N] [--jobs J] [TARGET...]
        build the fuzz targets in fuzz/ (needs cargo-fuzz), seed their corpora
        from the test data, run each (or those named) for N seconds (default
        30), J at a time (default: the cores), and print executions and
        findings (panics, inputs over 1 s or 256 MiB) per target";

fn main() -> ExitCode {
    match try_main(std::env::args().skip(1).collect()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn try_main(args: Vec<String>) -> Result<(), String> {
    let (task, rest) = args.split_first().ok_or_else(|| USAGE.to_owned())?;
    match task.as_str() {
        "regen" => regen::run_all(regen::Options::parse_all(rest)?),
        "bench" => bench::run(rest),
        "cli-bench" => cli_bench::run(rest),
        "build-time" => build_time::run(rest),
        "startup" => startup::run(rest),
        "corpus" => corpus::run(rest),
        "fuzz" => fuzz::run(rest),
        "image-bench" => image_bench::run(rest),
        "semver" => semver::run(rest),
        "deps" => deps::run(rest),
        "help" | "--help" | "-h" => {
            println!("{USAGE}");
            Ok(())
        }
        other => Err(format!("unknown task {other:?}\n\n{USAGE}")),
    }
}
