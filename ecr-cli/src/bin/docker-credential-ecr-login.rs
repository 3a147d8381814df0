//! `docker-credential-ecr-login`: a Docker credential helper for Amazon ECR.

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    std::process::ExitCode::from(ecr_cli::helper::main(&args))
}
