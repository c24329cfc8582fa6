//! Integration tests: the real binary, real sockets on loopback, port 0.

mod common;
mod course_trace;

mod models;
mod peers;

mod byteorder;
mod demo;
mod echo_client;
mod errors;
mod faults;
mod faults_lifecycle;
mod fileio;
mod fork_model;
mod generated;
mod golden;
mod help_examples;
mod hosts;
mod load;
mod load_mode;
mod output;
mod pipe;
mod process;
mod resolve;
mod schema;
mod server_conformance;
mod server_limits;
mod server_trace;
mod signal;
mod sockopt;
mod strace;
mod strace_match;
mod structure;
mod trace_vs_strace;
mod udp;
mod udp_storm;
mod unix;
mod uring;
