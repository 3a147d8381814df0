//! `ecr`: every Amazon ECR operation from the shell.

fn main() -> std::process::ExitCode {
    std::process::ExitCode::from(ecr_cli::app::main(std::env::args_os().skip(1)))
}
