//! Integration tests: the real binary, real sockets on loopback, port 0.

mod common;
mod course_trace;

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
mod pipe;
mod process;
mod resolve;
mod signal;
mod sockopt;
mod udp;
mod udp_storm;
