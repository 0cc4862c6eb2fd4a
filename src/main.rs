fn main() -> std::process::ExitCode {
    voss_customers::cli::main()
}
