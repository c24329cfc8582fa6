//! Integration tests: the real binary, real sockets on loopback, port 0.

mod common;

mod byteorder;
mod demo;
mod echo;
mod errors;
mod faults;
mod fileio;
mod generated;
mod golden;
mod hosts;
mod output;
mod resolve;
mod sockopt;
mod udp;
mod uring;
