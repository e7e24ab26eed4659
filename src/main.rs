//! govscan CLI
fn main() {}
