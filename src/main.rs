/// mimalloc instead of the system allocator: loading 100,000 customers spends about a
/// third of its CPU in glibc's malloc and free (see the README's performance section).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    voss_customers::cli::main()
}
