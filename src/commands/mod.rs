//! The dispatcher: one exhaustive match from [`Command`] to the module that
//! runs it. Adding a subcommand means a new module, one variant in
//! `cli.rs` and one arm here.

pub mod byteorder;
pub mod demo;
pub mod echo_client;
pub mod echo_server;
pub mod fileio;
pub mod resolve;
pub mod sockopt;
pub mod udp;

use crate::cli::Command;
use crate::error::Result;
use crate::output::Out;

/// Run one subcommand.
pub fn run(cmd: &Command, out: &mut Out) -> Result<()> {
    match cmd {
        Command::EchoServer(a) => echo_server::run(a, out),
        Command::EchoClient(a) => echo_client::run(a, out),
        Command::Udp(a) => udp::run(a, out),
        Command::Resolve(a) => resolve::run(a, out),
        Command::Sockopt(a) => sockopt::run(a, out),
        Command::Byteorder(a) => byteorder::run(a, out),
        Command::Fileio(a) => fileio::run(a, out),
        Command::Demo(a) => demo::run(a, out),
    }
}
