//! The registry: every subcommand, once. Each lives in its own folder and
//! exports `Args` (its doc comment or `about` is the help), `DOCS`
//! (examples, events, exit notes), `run`, and, when it has events of its
//! own, `events::Event`.
//!
//! Adding a subcommand: make its folder, then add one line to the list at
//! the bottom (and to `events:` if it has events of its own). The enum, the
//! dispatch, the docs lookup and the union the tests read events into are
//! all generated from that one list, so none of them can be forgotten.

pub mod byteorder;
pub mod demo;
pub mod echo_client;
pub mod echo_server;
pub mod fileio;
pub mod pipe;
pub mod process;
pub mod resolve;
pub mod signal;
pub mod sockopt;
pub mod udp;

use crate::docs::Docs;
use crate::error::Result;
use crate::output::Out;

macro_rules! registry {
    (commands: $( $variant:ident($module:ident) ),* ; events: $( $ev_variant:ident($ev_module:ident) ),* $(,)?) => {
        /// One variant per subcommand; its help is its `Args`' doc comment.
        #[derive(Debug, clap::Subcommand)]
        pub enum Command {
            $( $variant($module::Args), )*
        }

        impl Command {
            /// Run the subcommand.
            pub fn run(&self, out: &mut Out) -> Result<()> {
                match self {
                    $( Command::$variant(a) => $module::run(a, out), )*
                }
            }

            /// Its EXAMPLES, events and exit notes.
            pub fn docs(&self) -> &'static Docs {
                match self {
                    $( Command::$variant(_) => &$module::DOCS, )*
                }
            }
        }

        /// The docs of the subcommand clap calls `name` (`echo-server`).
        pub fn docs_for(name: &str) -> Option<&'static Docs> {
            $( if name == kebab(stringify!($variant)) { return Some(&$module::DOCS); } )*
            None
        }

        /// Any line netlab prints with `--json`, read back: the shared
        /// events first, then each command's own (their `event` names are
        /// distinct, which a test checks).
        #[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
        #[serde(untagged)]
        pub enum AnyEvent {
            Shared(crate::events::Event),
            $( $ev_variant($ev_module::events::Event), )*
        }
    };
}

/// `EchoServer` → `echo-server`, as clap names a variant.
fn kebab(camel: &str) -> String {
    let mut s = String::new();
    for (i, c) in camel.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                s.push('-');
            }
            s.push(c.to_ascii_lowercase());
        } else {
            s.push(c);
        }
    }
    s
}

registry! {
    commands:
        EchoServer(echo_server),
        EchoClient(echo_client),
        Udp(udp),
        Resolve(resolve),
        Sockopt(sockopt),
        Byteorder(byteorder),
        Fileio(fileio),
        Process(process),
        Signal(signal),
        Pipe(pipe),
        Demo(demo);
    events:
        EchoServer(echo_server),
        EchoClient(echo_client),
        Udp(udp),
        Resolve(resolve),
        Sockopt(sockopt),
        Byteorder(byteorder),
        Fileio(fileio),
        Process(process),
        Signal(signal),
        Pipe(pipe),
        Demo(demo),
}
