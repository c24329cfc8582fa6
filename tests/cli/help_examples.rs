//! Every example in `--help` (the EXAMPLES of every page, from each
//! command's `DOCS`) is run as written, so that an example can never again
//! be wrong as written (issue 16).
//!
//! The examples are read from `netlab::cli::command()`, page by page, and
//! each must have its line in [`plans`]: how it is run, or why it is not
//! (the exclusions). A new example fails `every_help_example_has_a_plan`
//! until it is given one.
//!
//! Each runs through `sh -c` in a fresh temporary directory (holding the
//! files the examples name: `f`, `big.bin`, `data.txt`), with the netlab
//! under test first on PATH, bounded in time, and must end with the exit
//! code its description promises. An example that touches the network runs
//! in a sandbox of its own: a network namespace (only the loopback
//! interface, which also has 10.0.0.2, the examples' "other machine";
//! /etc/hosts the usual `localhost` lines) and a pid namespace (pgrep and
//! pkill see only the example's processes; everything in it dies with it).
//! There, ports are as written (9190) and a server binding 0.0.0.0 is on
//! loopback only; a client's server is started first, a server's client is
//! played once it listens, and a server is stopped with SIGINT. Without
//! root and iproute2 the sandboxed examples are SKIPPED, loudly; so are the
//! ones whose tool (jq, less) is not installed.

use crate::common::*;
use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How one example is run.
enum Plan {
    /// Runs as written and ends by itself with this exit code.
    Runs(i32),
    /// As `Runs`, in the sandbox (it needs loopback as a lone machine
    /// has it: resolve, ports as written, 10.0.0.2).
    RunsAlone(i32),
    /// A client: in the sandbox, `server` (a netlab server line) is started
    /// first and listens; the example gets `stdin` and must end with
    /// `exit`; then `after` (a pattern) must appear in the server's output.
    Client { server: &'static str, stdin: &'static [u8], exit: i32, after: Option<&'static str> },
    /// A server: in the sandbox; once a line of its stdout matches `ready`,
    /// `client` (a shell line; `$PORT` is the port from the ready line)
    /// plays the client; with `stop` it is then stopped with SIGINT
    /// (without, it ends by itself). It must end with exit 0.
    Serves { ready: &'static str, client: &'static str, stop: bool },
    /// A UDP server on port 9190 whose output is only what `client`
    /// provokes: in the sandbox; once the port is bound (/proc/net/udp),
    /// `client` plays; once a line matching `seen` is out, SIGINT. It
    /// must end with exit 0.
    Provoked { client: &'static str, seen: &'static str },
    /// Not run, and why.
    Excluded(&'static str),
}

use Plan::*;

/// The server a client example talks to, in its sandbox: on `::` without
/// IPV6_V6ONLY, so 127.0.0.1, ::1, 10.0.0.2 and localhost all reach it.
const ECHO: &str = "netlab --json echo-server -6 --bind :: 9190";
/// The UDP server of the udp client examples (0.0.0.0 in the sandbox:
/// 127.0.0.1 and 10.0.0.2).
const UDP: &str = "netlab --json udp server 9190";
/// The client that talks to an echo server example.
const ECHO_CLIENT: &str = "netlab echo-client -m hello 127.0.0.1 $PORT";

/// Every example's line (exactly as in its `DOCS`) and how it is run.
fn plans() -> Vec<(&'static str, Plan)> {
    let client = |server, exit| Client { server, stdin: b"", exit, after: None };
    let server = |client| Serves { ready: "listening", client, stop: true };
    vec![
        // netlab (the top page)
        ("netlab demo", Runs(0)),
        ("netlab --trace fileio fds", Runs(0)),
        ("netlab --json sockopt get | jq -r '.option + \"=\" + .text'", Runs(0)),
        ("netlab byteorder htons 9190", Runs(0)),
        // byteorder
        ("netlab byteorder", Runs(0)),
        ("netlab byteorder htonl 0x7f000001", Runs(0)),
        ("netlab byteorder inet_aton 127.1 0x7f.1 010.0.0.1", Runs(0)),
        ("netlab byteorder inet_addr 255.255.255.255", Runs(0)),
        ("netlab byteorder inet_ntoa 0x0100007f", Runs(0)),
        ("printf '80\\n443\\n' | netlab --json byteorder htons -", Runs(0)),
        // demo
        ("netlab --json demo | jq -c 'select(.event==\"demo_step\") | [.step, .ok]'", Runs(0)),
        // less whose output is not a terminal copies its input through
        ("netlab --trace demo 2>&1 | less", Runs(0)),
        // echo-client
        ("netlab echo-client 127.0.0.1 9190", Client { server: ECHO, stdin: b"hello\nQ\n", exit: 0, after: None }),
        ("netlab echo-client 127.0.0.1 9190 < big.bin | cmp - big.bin", client(ECHO, 0)),
        ("netlab echo-client --message hello --message world ::1 9190", client(ECHO, 0)),
        ("netlab echo-client --unix echo.sock -m hello", client("netlab --json echo-server --unix echo.sock", 0)),
        ("netlab --trace echo-client --split 127.0.0.1 9190 < f", client(ECHO, 0)),
        (
            "netlab --json echo-client --timeout 2 localhost 9190 < f | jq 'select(.event==\"summary\").verified'",
            client(ECHO, 0),
        ),
        ("netlab echo-client --connections 50 --size 512 --duration 5 127.0.0.1 9190", client(ECHO, 0)),
        ("netlab echo-client --connections 1 --idle 1000 --duration 5 127.0.0.1 9190", client(ECHO, 0)),
        ("netlab echo-client --connections 4 --reconnect --requests 20000 127.0.0.1 9190", client(ECHO, 0)),
        (
            "netlab echo-client --connections 10 --rate 2000 --duration 10 --interval 1 127.0.0.1 9190",
            client(ECHO, 0),
        ),
        (
            "netlab echo-client --connections 500 --size 64 --threads 2 --percentiles 50,99,99.99 127.0.0.1 9190",
            client(ECHO, 0),
        ),
        (
            "netlab --json echo-client --rate 1000 --interval 1 10.0.0.2 9190 | jq 'select(.event==\"interval\").retransmits'",
            client(ECHO, 0),
        ),
        // echo-server
        ("netlab echo-server 9190", server(ECHO_CLIENT)),
        ("netlab --trace echo-server --model fork 9190", server(ECHO_CLIENT)),
        ("netlab echo-server --model iterative --backlog 5 --buffer-size 30 9190", server(ECHO_CLIENT)),
        (
            "netlab --json echo-server --bind 127.0.0.1 0 | jq --unbuffered -r 'select(.event==\"listening\").port'",
            // the port comes out while the server runs (it is the ready line)
            Serves { ready: "^[0-9][0-9]*$", client: ECHO_CLIENT, stop: true },
        ),
        ("netlab echo-server -6 --bind ::1 9190", server("netlab echo-client -m hello ::1 $PORT")),
        ("netlab echo-server --model epoll --bind 127.0.0.1 9190", server(ECHO_CLIENT)),
        ("netlab --trace echo-server --model uring --bind 127.0.0.1 9190", server(ECHO_CLIENT)),
        (
            "netlab echo-server --model epoll --unix echo.sock",
            Serves { ready: "listening", client: "netlab echo-client --unix echo.sock -m hello", stop: true },
        ),
        ("netlab echo-server --model uring --threads 2 --bind 127.0.0.1 9190", server(ECHO_CLIENT)),
        (
            "netlab echo-server --nagle 9190",
            server("netlab echo-client --connections 1 --size 70000 --requests 20 127.0.0.1 $PORT"),
        ),
        // the client's stdin ends after the server closed it: exit 0 or not,
        // the server's close is the lesson
        ("netlab echo-server --idle-timeout 1 9190", server("sleep 2 | netlab echo-client 127.0.0.1 $PORT || true")),
        (
            "pkill -USR1 -f 'netlab.* echo-server'",
            Client { server: "netlab --json echo-server 9190", stdin: b"", exit: 0, after: Some("\"event\":\"stats\"") },
        ),
        // fileio (data.txt holds "hello" already, for the read)
        ("netlab fileio write data.txt --data 'hello'", Runs(0)),
        ("netlab fileio write log.txt --flags 'O_WRONLY|O_APPEND|O_CREAT' --data 'one more line'", Runs(0)),
        ("netlab fileio write secret.txt --mode u=rw --flags creat,excl,wronly --data x", Runs(0)),
        ("netlab fileio read data.txt --offset 2 --count 3", Runs(0)),
        // pipe
        ("netlab pipe oneway", Runs(0)),
        ("netlab --trace pipe oneway --data hello", Runs(0)),
        ("netlab pipe twoway --pipes 1", Runs(0)),
        ("netlab pipe twoway --pipes 2", Runs(0)),
        ("netlab pipe eof --leak", Runs(0)),
        ("netlab pipe epipe", Runs(0)),
        ("netlab pipe epipe --ignore-sigpipe", Runs(0)),
        ("netlab pipe capacity", Runs(0)),
        // process
        ("netlab process fork", Runs(0)),
        ("netlab process zombie --hold 10", Runs(0)),
        ("netlab process zombie --reap none", Runs(0)),
        ("netlab process wait --exit 3", Runs(0)),
        ("netlab process wait --signal TERM", Runs(0)),
        ("netlab process wait --call waitpid --nohang", Runs(0)),
        ("netlab process sigchld --handler once", Runs(0)),
        ("netlab --trace process sigchld --children 50", Runs(0)),
        // resolve (in the sandbox: its /etc/hosts names 127.0.0.1 and ::1)
        ("netlab resolve localhost", RunsAlone(0)),
        ("netlab resolve 127.0.0.1 ::1", RunsAlone(0)),
        ("netlab resolve -4 example.com nosuch.invalid", Excluded("needs DNS on the internet (example.com)")),
        ("netlab --json resolve localhost | jq -r '.addresses[]'", RunsAlone(0)),
        ("netlab --trace resolve --timeout 2 example.com", Excluded("needs DNS on the internet (example.com)")),
        // signal
        ("netlab signal alarm", Runs(0)),
        ("netlab signal alarm 1 --api sigaction --loops 2", Runs(0)),
        ("netlab --trace signal eintr --during read", Runs(0)),
        ("netlab signal eintr --during accept --restart", Runs(0)),
        ("netlab signal eintr --during sleep --restart", Runs(0)),
        // sockopt
        ("netlab sockopt list", Runs(0)),
        ("netlab sockopt get", Runs(0)),
        ("netlab sockopt get --type udp -6 SO_RCVBUF v6only", Runs(0)),
        ("netlab sockopt set SO_RCVBUF=100000", Runs(0)),
        ("netlab sockopt set rcvtimeo=1.5s linger=on:5 nodelay=on", Runs(0)),
        ("netlab --json sockopt get | jq -r 'select(.option==\"SO_SNDBUF\").value'", Runs(0)),
        // udp
        ("netlab udp server 9190", server("netlab udp client -m hello 127.0.0.1 $PORT")),
        ("netlab udp client -m hello 127.0.0.1 9190", client(UDP, 0)),
        (
            "netlab udp server --unix udp.sock",
            Serves { ready: "listening", client: "netlab udp client --unix udp.sock -m hello", stop: true },
        ),
        ("netlab udp client --unix udp.sock -m hello", client("netlab --json udp server --unix udp.sock", 0)),
        ("netlab udp client --count 1000 --size 512 --interval 1 127.0.0.1 9190", client(UDP, 0)),
        // nobody listens on port 9 in the sandbox: ICMP port unreachable
        ("netlab udp client --connect -m x 127.0.0.1 9", RunsAlone(1)),
        ("netlab udp client --count 100 --max-loss 1 10.0.0.2 9190 || echo lossy", client(UDP, 0)),
        (
            "netlab --json udp server 9190 | jq --unbuffered -c 'select(.event==\"dropped\")'",
            // a datagram from chargen's port (19): a reply could start a storm
            Provoked {
                client: "python3 -c 'import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); \
                         s.bind((\"127.0.0.1\", 19)); s.sendto(b\"x\", (\"127.0.0.1\", 9190))'",
                seen: "\"reason\":\"small-service-port\"",
            },
        ),
        (
            "netlab --json udp server --max-datagrams 1 0",
            Serves { ready: "listening", client: "netlab udp client -m hello 127.0.0.1 $PORT", stop: false },
        ),
    ]
}

/// Every example of every `--help` page: (line, what it shows), each once.
fn help_examples() -> Vec<(String, String)> {
    fn walk(cmd: &clap::Command, found: &mut Vec<(String, String)>) {
        let text = cmd.get_after_help().map(|h| h.to_string()).unwrap_or_default();
        let mut lines = text.lines().skip_while(|l| *l != "Examples:").skip(1).peekable();
        while let Some(line) = lines.next() {
            let Some(example) = line.strip_prefix("  ").filter(|l| !l.starts_with(' ')) else { break };
            let what = lines.next_if(|l| l.starts_with("      ")).map_or("", str::trim);
            if !found.iter().any(|(l, _)| l == example) {
                found.push((example.to_string(), what.to_string()));
            }
        }
        for sub in cmd.get_subcommands() {
            walk(sub, found);
        }
    }
    let mut found = Vec::new();
    walk(&netlab::cli::command(), &mut found);
    found
}

/// A new example needs a plan; a plan needs its example.
#[test]
fn every_help_example_has_a_plan() {
    let examples = help_examples();
    assert!(examples.len() > 50, "too few examples found in --help: {examples:?}");
    let plans = plans();
    let planned: Vec<&str> = plans.iter().map(|(l, _)| *l).collect();
    let unplanned: Vec<&str> = examples.iter().map(|(l, _)| l.as_str()).filter(|l| !planned.contains(l)).collect();
    assert!(
        unplanned.is_empty(),
        "help examples with no plan in tests/cli/help_examples.rs (run them there, or exclude them with the \
         reason):\n  {}",
        unplanned.join("\n  ")
    );
    let stale: Vec<&str> = planned.iter().copied().filter(|p| !examples.iter().any(|(l, _)| l == p)).collect();
    assert!(stale.is_empty(), "plans for lines that are no help example (any more):\n  {}", stale.join("\n  "));
    for (i, p) in planned.iter().enumerate() {
        assert!(!planned[..i].contains(p), "two plans for {p}");
    }
}

/// What an example needs that may be missing here; None when it can run.
fn missing(line: &str, plan: &Plan, sandbox: &Option<String>) -> Option<String> {
    if let Excluded(why) = plan {
        return Some(format!("excluded: {why}"));
    }
    for tool in ["jq", "less"] {
        if line.contains(&format!("| {tool}")) && !installed(tool) {
            return Some(format!("{tool} is not installed (.ci/run installs it)"));
        }
    }
    if matches!(plan, Provoked { .. }) && !installed("python3") {
        return Some("python3 is not installed (.ci/run installs it)".into());
    }
    match (plan, sandbox) {
        (Runs(_), _) | (_, None) => None,
        (_, Some(why)) => Some(format!("needs a sandbox (network and pid namespaces): {why}")),
    }
}

fn installed(tool: &str) -> bool {
    Command::new(tool).arg("--version").stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok()
}

/// Why the sandbox cannot be made here, if it cannot.
fn sandbox_unavailable() -> Option<String> {
    if let Some(why) = netns_unavailable() {
        return Some(why);
    }
    let name = format!("nl-probe-{}", std::process::id());
    let ip = |args: &[&str]| {
        Command::new("ip").args(args).stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok_and(|s| s.success())
    };
    if !ip(&["netns", "add", &name]) {
        return Some("`ip netns add` fails here".into());
    }
    let ok = ip(&["netns", "exec", &name, "unshare", "--pid", "--fork", "--kill-child", "--mount-proc", "true"]);
    ip(&["netns", "del", &name]);
    (!ok).then(|| "`unshare --pid --fork --kill-child --mount-proc` does not run here".to_string())
}

/// Shell functions the sandboxed scripts use: wait (10 s at most) until a
/// file has a line matching a pattern.
const PRELUDE: &str = r#"await() {
  i=0
  until grep -q -e "$2" "$1" 2>/dev/null; do
    i=$((i + 1))
    if [ "$i" -gt 200 ]; then
      echo "help_examples: no line matching '$2' within 10 s in $1:" >&2
      cat "$1" >&2
      exit 97
    fi
    sleep 0.05
  done
}
"#;

/// The shell script that runs `line` by its plan.
fn script(line: &str, plan: &Plan) -> String {
    match plan {
        Runs(_) | RunsAlone(_) | Excluded(_) => line.to_string(),
        Client { server, after, .. } => {
            let after = after.map_or(String::new(), |a| format!("await .server '{a}'\n"));
            format!(
                "{PRELUDE}{server} > .server 2> .server.err < /dev/null &\n\
                 await .server listening\n\
                 {line}\n\
                 status=$?\n\
                 {after}exit $status\n"
            )
        }
        Serves { ready, client, stop } => {
            let stop = if *stop { "pkill -INT -x netlab\n" } else { "" };
            format!(
                "{PRELUDE}{{ {line}\n}} > .out 2> .err < /dev/null &\n\
                 job=$!\n\
                 await .out '{ready}'\n\
                 PORT=$(sed -n -e 's/^\\([0-9][0-9]*\\)$/\\1/p' -e 's/.*\"port\":\\([0-9]*\\).*/\\1/p' \
                 -e 's/^listening on .*:\\([0-9][0-9]*\\) (.*/\\1/p' .out | head -n 1)\n\
                 {{ {client}\n}} > .client 2>&1 || {{ echo \"help_examples: the client failed:\" >&2; cat .client .err >&2; exit 96; }}\n\
                 {stop}wait $job\n\
                 status=$?\n\
                 cat .out\n\
                 cat .err >&2\n\
                 exit $status\n"
            )
        }
        Provoked { client, seen } => format!(
            "{PRELUDE}{{ {line}\n}} > .out 2> .err < /dev/null &\n\
             job=$!\n\
             await /proc/net/udp ':23E6 '\n\
             {{ {client}\n}} > .client 2>&1 || {{ echo \"help_examples: the client failed:\" >&2; cat .client .err >&2; exit 96; }}\n\
             await .out '{seen}'\n\
             pkill -INT -x netlab\n\
             wait $job\n\
             status=$?\n\
             cat .out\n\
             cat .err >&2\n\
             exit $status\n"
        ),
    }
}

/// The exit code the example promises.
fn promised(plan: &Plan) -> i32 {
    match plan {
        Runs(code) | RunsAlone(code) | Client { exit: code, .. } => *code,
        Serves { .. } | Provoked { .. } | Excluded(_) => 0,
    }
}

/// The longest an example may take.
const BOUND: Duration = Duration::from_secs(60);

/// Run one example; Err says how it failed.
fn run_example(line: &str, plan: &Plan) -> Result<(), String> {
    let dir = TempDir::new("example");
    std::fs::write(dir.0.join("f"), "hello\nworld\n").map_err(|e| e.to_string())?;
    std::fs::write(dir.0.join("big.bin"), random_bytes(256 << 10, 16)).map_err(|e| e.to_string())?;
    std::fs::write(dir.0.join("data.txt"), "hello").map_err(|e| e.to_string())?;
    let bin_dir = bin().parent().ok_or("no directory of the netlab binary")?;
    let path = format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap_or_default());
    let script = script(line, plan);
    // the sandbox lives as long as this run
    let ns = (!matches!(plan, Runs(_))).then(|| {
        let ns = Netns::new("example");
        ns.ip(&["addr", "add", "10.0.0.2/32", "dev", "lo"]);
        ns.etc("hosts", "127.0.0.1 localhost\n::1 localhost ip6-localhost ip6-loopback\n");
        ns
    });
    let mut cmd = match &ns {
        Some(ns) => {
            let mut c = Command::new("ip");
            c.args(["netns", "exec", &ns.name, "unshare", "--pid", "--fork", "--kill-child", "--mount-proc"]);
            c.args(["sh", "-c", &script]);
            c
        }
        None => {
            let mut c = Command::new("sh");
            c.args(["-c", &script]);
            c
        }
    };
    let stdin: &[u8] = match plan {
        Client { stdin, .. } => stdin,
        _ => b"",
    };
    let mut child = cmd
        .current_dir(&dir.0)
        .env("PATH", path)
        .env_remove("RUST_LOG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("spawn: {e}"))?;
    let mut sin = child.stdin.take().ok_or("stdin")?;
    let input = stdin.to_vec();
    let feeder = std::thread::spawn(move || {
        use std::io::Write;
        let _ = sin.write_all(&input);
    });
    let read_all = |mut r: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut v = Vec::new();
            let _ = r.read_to_end(&mut v);
            String::from_utf8_lossy(&v).into_owned()
        })
    };
    let out = read_all(Box::new(child.stdout.take().ok_or("stdout")?));
    let err = read_all(Box::new(child.stderr.take().ok_or("stderr")?));
    // (past the bound, the sandbox's processes die with it: --kill-child)
    let status = wait_bounded(&mut child, BOUND).map_err(|e| e.to_string())?;
    let _ = feeder.join();
    let (out, err) = (out.join().unwrap_or_default(), err.join().unwrap_or_default());
    let shown = || format!("\n--- stdout:\n{}\n--- stderr:\n{}", tail(&out), tail(&err));
    let Some(status) = status else { return Err(format!("still running after {} s{}", BOUND.as_secs(), shown())) };
    let want = promised(plan);
    if status.code() != Some(want) {
        return Err(format!("exit {status}, its description promises {want}{}", shown()));
    }
    if err.contains("panicked") {
        return Err(format!("a panic{}", shown()));
    }
    // a netlab that failed inside a pipeline (whose status is the last
    // command's)
    if want == 0 && !line.contains("||") && err.lines().any(|l| l.starts_with("netlab: ")) {
        return Err(format!("netlab failed in it{}", shown()));
    }
    if line.contains("| jq") && out.lines().all(|l| l.trim().is_empty() || l.trim() == "null") {
        return Err(format!("jq printed nothing: its filter matches no event{}", shown()));
    }
    Ok(())
}

/// The last lines of an output, for a failure's message.
fn tail(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(40)..].join("\n")
}

#[test]
fn every_help_example_runs_as_written() {
    // the load examples fill the CPU for seconds: not next to the tests
    // that measure time
    let _serial = exclusive();
    let sandbox = sandbox_unavailable();
    let examples = help_examples();
    let mut runs = Vec::new();
    let mut skipped = Vec::new();
    for (line, plan) in plans() {
        if !examples.iter().any(|(l, _)| l == line) {
            continue; // every_help_example_has_a_plan says so
        }
        match missing(line, &plan, &sandbox) {
            Some(why) => skipped.push(format!("{line}: {why}")),
            None => runs.push((line, plan)),
        }
    }
    let total = runs.len();
    // in the table's order (the queue is taken from its end)
    runs.reverse();
    let queue = std::sync::Mutex::new(runs);
    let failed = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..3 {
            scope.spawn(|| loop {
                let Some((line, plan)) = queue.lock().unwrap().pop() else { break };
                let t0 = Instant::now();
                match run_example(line, &plan) {
                    Ok(()) => eprintln!("ran: {line} ({:.1} s)", t0.elapsed().as_secs_f64()),
                    Err(why) => failed.lock().unwrap().push(format!("=== {line}: {why}")),
                }
            });
        }
    });
    for s in &skipped {
        eprintln!("SKIPPED help example {s}");
    }
    let failed = failed.into_inner().unwrap();
    assert!(failed.is_empty(), "{} of {total} help examples fail as written:\n{}", failed.len(), failed.join("\n"));
}
