//! The echo-server models the tests run, read from the `Model` ValueEnum
//! (a model added there is tested everywhere at once), and the runner that
//! tries every model and reports every failing one, not only the first.

use crate::common::Server;
use clap::ValueEnum;
use netlab::commands::echo_server::Model;

/// Every model's `--model` name, in the enum's order.
pub fn models() -> impl Iterator<Item = &'static str> {
    Model::value_variants().iter().map(|m| m.name())
}

/// The threaded variants (SPEC §2 `--threads`), run wherever every model is.
pub const THREADED: &[&str] = &["epoll --threads 2", "uring --threads 2"];

/// Every model, then the threaded variants: what [`for_each_model`] runs.
pub fn variants() -> impl Iterator<Item = &'static str> {
    models().chain(THREADED.iter().copied())
}

/// `--model M` and the flags a variant adds (`epoll --threads 2`).
pub fn model_args(model: &str) -> Vec<&str> {
    std::iter::once("--model").chain(model.split(' ')).collect()
}

/// The model's name alone, as `listening` and `stats` give it.
pub fn model_name(model: &str) -> &str {
    model.split(' ').next().unwrap_or(model)
}

/// `netlab --json echo-server --model MODEL --bind 127.0.0.1 EXTRA… 0`,
/// its port read from the listening event.
pub fn start(model: &str, extra: &[&str]) -> Server {
    let mut args = vec!["echo-server"];
    args.extend(model_args(model));
    args.extend(["--bind", "127.0.0.1"]);
    args.extend_from_slice(extra);
    args.push("0");
    Server::start(&args)
}

/// Run `f` for every model and threaded variant; see [`for_models`].
pub fn for_each_model(f: impl Fn(&'static str)) {
    for_models(variants(), f)
}

/// Run `f` for each of `models`, every one of them even when some fail: a
/// model's panic is caught (its `Server`s are dropped, so killed by PID,
/// while it unwinds), and at the end one panic names every model that
/// failed, with its message.
pub fn for_models(models: impl IntoIterator<Item = &'static str>, f: impl Fn(&'static str)) {
    let mut failed = Vec::new();
    let mut tried = 0;
    for m in models {
        tried += 1;
        if let Err(panic) = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(m))) {
            failed.push(format!("--- {m}: {}", panic_message(panic.as_ref())));
        }
    }
    assert!(failed.is_empty(), "{} of {tried} models failed:\n{}", failed.len(), failed.join("\n"));
}

/// The text a panic was raised with (`panic!`/`assert!` give a String or a
/// &str).
fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    match (panic.downcast_ref::<String>(), panic.downcast_ref::<&str>()) {
        (Some(s), _) => s.clone(),
        (_, Some(s)) => s.to_string(),
        _ => "(a panic without a message)".into(),
    }
}

#[test]
fn the_model_list_is_the_value_enum() {
    let listed: Vec<&str> = models().collect();
    assert_eq!(listed.len(), Model::value_variants().len());
    for m in Model::value_variants() {
        // the name the tests pass is the one clap takes
        let possible = m.to_possible_value().expect("every model is a possible value");
        assert_eq!(possible.get_name(), m.name());
    }
    assert!(listed.contains(&"iterative") && listed.contains(&"epoll"), "{listed:?}");
}

#[test]
fn one_failing_model_does_not_hide_the_others() {
    let visited = std::sync::Mutex::new(Vec::new());
    let all: Vec<&str> = variants().collect();
    let (first, last) = (all[0], all[all.len() - 1]);
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        for_each_model(|m| {
            visited.lock().unwrap().push(m);
            assert!(m != first && m != last, "{m} fails on purpose");
        })
    }));
    assert_eq!(*visited.lock().unwrap(), all, "every model is run");
    let message = panic_message(outcome.expect_err("the failures are reported").as_ref());
    assert!(message.starts_with(&format!("2 of {} models failed:", all.len())), "{message}");
    for m in [first, last] {
        assert!(message.contains(&format!("--- {m}: {m} fails on purpose")), "{message}");
    }
}
