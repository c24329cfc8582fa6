
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'netlab' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'netlab'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'netlab' {
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Format of stderr logs, trace lines and side notes (the error line stays `netlab: …`)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine output: one JSON object per line on stdout, each with an "event" field')
            [CompletionResult]::new('--trace', '--trace', [CompletionResultType]::ParameterName, 'Narrate every socket and file system call on stderr, in C notation, with its result')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('echo-server', 'echo-server', [CompletionResultType]::ParameterValue, 'TCP (or Unix-domain) echo server: iterative, fork, select, poll, epoll, thread or uring model')
            [CompletionResult]::new('echo-client', 'echo-client', [CompletionResultType]::ParameterValue, 'TCP (or Unix-domain) echo client: prompt, stream, --message or --split; every byte verified')
            [CompletionResult]::new('udp', 'udp', [CompletionResultType]::ParameterValue, 'UDP (or Unix-domain datagram) echo: server and client (loss, duplicates, reordering, RTT)')
            [CompletionResult]::new('resolve', 'resolve', [CompletionResultType]::ParameterValue, 'Names to addresses (struct hostent) and addresses to names')
            [CompletionResult]::new('sockopt', 'sockopt', [CompletionResultType]::ParameterValue, 'Socket options on a fresh socket: list, get, set (and why the kernel changed your value)')
            [CompletionResult]::new('byteorder', 'byteorder', [CompletionResultType]::ParameterValue, 'Host and network byte order: htons/ntohs/htonl/ntohl, inet_addr/inet_aton/inet_ntoa')
            [CompletionResult]::new('fileio', 'fileio', [CompletionResultType]::ParameterValue, 'Low-level file I/O: open/read/write explained, and the fds the kernel hands out')
            [CompletionResult]::new('process', 'process', [CompletionResultType]::ParameterValue, 'Processes as the course runs them: fork, zombies, wait/waitpid, the SIGCHLD handler')
            [CompletionResult]::new('signal', 'signal', [CompletionResultType]::ParameterValue, 'Signals as the course handles them: signal/sigaction, alarm, and EINTR')
            [CompletionResult]::new('pipe', 'pipe', [CompletionResultType]::ParameterValue, 'Pipes between a parent and its child: one way, two ways, EOF, EPIPE, capacity')
            [CompletionResult]::new('demo', 'demo', [CompletionResultType]::ParameterValue, 'A guided tour: every command once on loopback, one line per step')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'netlab;echo-server' {
            [CompletionResult]::new('--model', '--model', [CompletionResultType]::ParameterName, 'Server model')
            [CompletionResult]::new('--bind', '--bind', [CompletionResultType]::ParameterName, 'Address to bind (default 0.0.0.0, the course''s INADDR_ANY; :: with -6)')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Port (alternative to the positional PORT)')
            [CompletionResult]::new('--unix', '--unix', [CompletionResultType]::ParameterName, 'Listen on a Unix-domain socket file (PF_LOCAL) instead of a port; a stale file nobody listens on is replaced, anything else at the path is left alone')
            [CompletionResult]::new('--backlog', '--backlog', [CompletionResultType]::ParameterName, 'listen() backlog (default SOMAXCONN; the textbook''s 5 shows queue overflow)')
            [CompletionResult]::new('--buffer-size', '--buffer-size', [CompletionResultType]::ParameterName, 'Bytes per read() (default 16K; the textbook uses 30)')
            [CompletionResult]::new('--max-clients', '--max-clients', [CompletionResultType]::ParameterName, 'At most N clients served at once; more wait in the backlog (what ncat calls --max-conns)')
            [CompletionResult]::new('--max-conns', '--max-conns', [CompletionResultType]::ParameterName, 'Exit 0 after N connections were served; once the Nth is accepted, later clients are refused (ncat''s --max-conns is netlab''s --max-clients)')
            [CompletionResult]::new('--idle-timeout', '--idle-timeout', [CompletionResultType]::ParameterName, 'Drop a client that sends nothing for SECS seconds')
            [CompletionResult]::new('--threads', '--threads', [CompletionResultType]::ParameterName, 'N event loops on N threads sharing the port, each with its own SO_REUSEPORT listener (with --unix, sharing the socket file''s one listener; epoll and uring; default 1)')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Format of stderr logs, trace lines and side notes (the error line stays `netlab: …`)')
            [CompletionResult]::new('-4', '-4', [CompletionResultType]::ParameterName, 'IPv4 only')
            [CompletionResult]::new('-6', '-6', [CompletionResultType]::ParameterName, 'IPv6 only')
            [CompletionResult]::new('--no-reuseaddr', '--no-reuseaddr', [CompletionResultType]::ParameterName, 'Do not set SO_REUSEADDR: after the server closed a connection first (--idle-timeout), a restart on the same port fails with EADDRINUSE while that connection waits in TIME_WAIT (about 60 s)')
            [CompletionResult]::new('--nagle', '--nagle', [CompletionResultType]::ParameterName, 'Keep Nagle''s algorithm (do not set TCP_NODELAY): with requests above the loopback MSS (echo-client --size 70000), each echo''s tail waits about 40 ms for the delayed ACK; 100 or 3000 bytes do not show it')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine output: one JSON object per line on stdout, each with an "event" field')
            [CompletionResult]::new('--trace', '--trace', [CompletionResultType]::ParameterName, 'Narrate every socket and file system call on stderr, in C notation, with its result')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'netlab;echo-client' {
            [CompletionResult]::new('-m', '-m', [CompletionResultType]::ParameterName, 'Send TEXT and print its echo as it came back, byte for byte (on a terminal with control characters escaped; repeatable; any bytes, not only UTF-8)')
            [CompletionResult]::new('--message', '--message', [CompletionResultType]::ParameterName, 'Send TEXT and print its echo as it came back, byte for byte (on a terminal with control characters escaped; repeatable; any bytes, not only UTF-8)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up on connect, or on an echo that stalls, after SECS seconds')
            [CompletionResult]::new('--buffer-size', '--buffer-size', [CompletionResultType]::ParameterName, 'Bytes per read()/write()')
            [CompletionResult]::new('--connections', '--connections', [CompletionResultType]::ParameterName, 'Load mode: C concurrent connections doing verified request/response')
            [CompletionResult]::new('--size', '--size', [CompletionResultType]::ParameterName, 'Load mode: bytes per request [default: 64]')
            [CompletionResult]::new('--requests', '--requests', [CompletionResultType]::ParameterName, 'Load mode: stop after N requests in all')
            [CompletionResult]::new('--duration', '--duration', [CompletionResultType]::ParameterName, 'Load mode: run for SECS seconds (default 5 when --requests is not given)')
            [CompletionResult]::new('--idle', '--idle', [CompletionResultType]::ParameterName, 'Load mode: hold N extra idle connections open during the run')
            [CompletionResult]::new('--rate', '--rate', [CompletionResultType]::ParameterName, 'Load mode, open loop: R requests/s in all, sent on schedule; service time from the actual send')
            [CompletionResult]::new('--threads', '--threads', [CompletionResultType]::ParameterName, 'Load mode: N event loops (threads) share the connections [default: 1]')
            [CompletionResult]::new('--interval', '--interval', [CompletionResultType]::ParameterName, 'Load mode: a line every SECS: requests, latency, errors, TCP_INFO (rtt, cwnd, retransmits), CPU')
            [CompletionResult]::new('--percentiles', '--percentiles', [CompletionResultType]::ParameterName, 'Load mode: latency percentiles to report, max besides [default: 50,90,99,99.9]')
            [CompletionResult]::new('--unix', '--unix', [CompletionResultType]::ParameterName, 'The server''s Unix-domain socket file (PF_LOCAL) instead of HOST and PORT')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Format of stderr logs, trace lines and side notes (the error line stays `netlab: …`)')
            [CompletionResult]::new('-4', '-4', [CompletionResultType]::ParameterName, 'IPv4 only')
            [CompletionResult]::new('-6', '-6', [CompletionResultType]::ParameterName, 'IPv6 only')
            [CompletionResult]::new('--split', '--split', [CompletionResultType]::ParameterName, 'The I/O split: a forked child writes, the parent reads')
            [CompletionResult]::new('--reconnect', '--reconnect', [CompletionResultType]::ParameterName, 'Load mode: every request is a fresh connect, echo, close (connections/s)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine output: one JSON object per line on stdout, each with an "event" field')
            [CompletionResult]::new('--trace', '--trace', [CompletionResultType]::ParameterName, 'Narrate every socket and file system call on stderr, in C notation, with its result')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'netlab;udp' {
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Format of stderr logs, trace lines and side notes (the error line stays `netlab: …`)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine output: one JSON object per line on stdout, each with an "event" field')
            [CompletionResult]::new('--trace', '--trace', [CompletionResultType]::ParameterName, 'Narrate every socket and file system call on stderr, in C notation, with its result')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('server', 'server', [CompletionResultType]::ParameterValue, 'recvfrom, then sendto the same bytes back to the sender')
            [CompletionResult]::new('client', 'client', [CompletionResultType]::ParameterValue, 'Send datagrams and match the replies')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'netlab;udp;server' {
            [CompletionResult]::new('--bind', '--bind', [CompletionResultType]::ParameterName, 'Address to bind (default 0.0.0.0, the course''s INADDR_ANY; :: with -6)')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Port (alternative to the positional PORT)')
            [CompletionResult]::new('--unix', '--unix', [CompletionResultType]::ParameterName, 'Listen on a Unix-domain socket file (PF_LOCAL) instead of a port; a stale file nobody listens on is replaced, anything else at the path is left alone')
            [CompletionResult]::new('--buffer-size', '--buffer-size', [CompletionResultType]::ParameterName, 'Largest datagram echoed; longer ones are reported as truncated')
            [CompletionResult]::new('--max-datagrams', '--max-datagrams', [CompletionResultType]::ParameterName, 'Exit 0 after N datagrams')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Format of stderr logs, trace lines and side notes (the error line stays `netlab: …`)')
            [CompletionResult]::new('-4', '-4', [CompletionResultType]::ParameterName, 'IPv4 only')
            [CompletionResult]::new('-6', '-6', [CompletionResultType]::ParameterName, 'IPv6 only')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine output: one JSON object per line on stdout, each with an "event" field')
            [CompletionResult]::new('--trace', '--trace', [CompletionResultType]::ParameterName, 'Narrate every socket and file system call on stderr, in C notation, with its result')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'netlab;udp;client' {
            [CompletionResult]::new('-m', '-m', [CompletionResultType]::ParameterName, 'Send TEXT as one datagram and print the reply as it came back, byte for byte (repeatable; any bytes, not only UTF-8)')
            [CompletionResult]::new('--message', '--message', [CompletionResultType]::ParameterName, 'Send TEXT as one datagram and print the reply as it came back, byte for byte (repeatable; any bytes, not only UTF-8)')
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'Send N numbered datagrams and match the replies')
            [CompletionResult]::new('--size', '--size', [CompletionResultType]::ParameterName, 'Bytes per numbered datagram (at least 8: the sequence number) [default: 64]')
            [CompletionResult]::new('--interval', '--interval', [CompletionResultType]::ParameterName, 'Milliseconds between numbered datagrams [default: 10]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Milliseconds to wait for a reply before the datagram counts as lost')
            [CompletionResult]::new('--max-loss', '--max-loss', [CompletionResultType]::ParameterName, 'Exit 3 when more than PCT percent are lost')
            [CompletionResult]::new('--unix', '--unix', [CompletionResultType]::ParameterName, 'The server''s Unix-domain socket file (PF_LOCAL) instead of HOST and PORT; the client binds a temporary path of its own for the replies and removes it')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Format of stderr logs, trace lines and side notes (the error line stays `netlab: …`)')
            [CompletionResult]::new('-4', '-4', [CompletionResultType]::ParameterName, 'IPv4 only')
            [CompletionResult]::new('-6', '-6', [CompletionResultType]::ParameterName, 'IPv6 only')
            [CompletionResult]::new('--connect', '--connect', [CompletionResultType]::ParameterName, 'Connected UDP socket: connect(), then write/read (hears ICMP errors)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine output: one JSON object per line on stdout, each with an "event" field')
            [CompletionResult]::new('--trace', '--trace', [CompletionResultType]::ParameterName, 'Narrate every socket and file system call on stderr, in C notation, with its result')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'netlab;udp;help' {
            [CompletionResult]::new('server', 'server', [CompletionResultType]::ParameterValue, 'recvfrom, then sendto the same bytes back to the sender')
            [CompletionResult]::new('client', 'client', [CompletionResultType]::ParameterValue, 'Send datagrams and match the replies')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'netlab;udp;help;server' {
            break
        }
        'netlab;udp;help;client' {
            break
        }
        'netlab;udp;help;help' {
            break
        }
        'netlab;resolve' {
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up on a lookup after SECS seconds')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Format of stderr logs, trace lines and side notes (the error line stays `netlab: …`)')
            [CompletionResult]::new('-4', '-4', [CompletionResultType]::ParameterName, 'IPv4 only')
            [CompletionResult]::new('-6', '-6', [CompletionResultType]::ParameterName, 'IPv6 only')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine output: one JSON object per line on stdout, each with an "event" field')
            [CompletionResult]::new('--trace', '--trace', [CompletionResultType]::ParameterName, 'Narrate every socket and file system call on stderr, in C notation, with its result')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'netlab;sockopt' {
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Format of stderr logs, trace lines and side notes (the error line stays `netlab: …`)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine output: one JSON object per line on stdout, each with an "event" field')
            [CompletionResult]::new('--trace', '--trace', [CompletionResultType]::ParameterName, 'Narrate every socket and file system call on stderr, in C notation, with its result')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List every option netlab knows')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Print option values of a fresh socket (all that apply, or those named)')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Set options on a fresh socket, read them back and explain any difference')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'netlab;sockopt;list' {
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Format of stderr logs, trace lines and side notes (the error line stays `netlab: …`)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine output: one JSON object per line on stdout, each with an "event" field')
            [CompletionResult]::new('--trace', '--trace', [CompletionResultType]::ParameterName, 'Narrate every socket and file system call on stderr, in C notation, with its result')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'netlab;sockopt;get' {
            [CompletionResult]::new('--type', '--type', [CompletionResultType]::ParameterName, 'Socket type')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Format of stderr logs, trace lines and side notes (the error line stays `netlab: …`)')
            [CompletionResult]::new('-4', '-4', [CompletionResultType]::ParameterName, 'IPv4 only')
            [CompletionResult]::new('-6', '-6', [CompletionResultType]::ParameterName, 'IPv6 only')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine output: one JSON object per line on stdout, each with an "event" field')
            [CompletionResult]::new('--trace', '--trace', [CompletionResultType]::ParameterName, 'Narrate every socket and file system call on stderr, in C notation, with its result')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'netlab;sockopt;set' {
            [CompletionResult]::new('--type', '--type', [CompletionResultType]::ParameterName, 'Socket type')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Format of stderr logs, trace lines and side notes (the error line stays `netlab: …`)')
            [CompletionResult]::new('-4', '-4', [CompletionResultType]::ParameterName, 'IPv4 only')
            [CompletionResult]::new('-6', '-6', [CompletionResultType]::ParameterName, 'IPv6 only')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine output: one JSON object per line on stdout, each with an "event" field')
            [CompletionResult]::new('--trace', '--trace', [CompletionResultType]::ParameterName, 'Narrate every socket and file system call on stderr, in C notation, with its result')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'netlab;sockopt;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List every option netlab knows')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Print option values of a fresh socket (all that apply, or those named)')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Set options on a fresh socket, read them back and explain any difference')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'netlab;sockopt;help;list' {
            break
        }
        'netlab;sockopt;help;get' {
            break
        }
        'netlab;sockopt;help;set' {
            break
        }
        'netlab;sockopt;help;help' {
            break
        }
        'netlab;byteorder' {
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Format of stderr logs, trace lines and side notes (the error line stays `netlab: …`)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine output: one JSON object per line on stdout, each with an "event" field')
            [CompletionResult]::new('--trace', '--trace', [CompletionResultType]::ParameterName, 'Narrate every socket and file system call on stderr, in C notation, with its result')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'netlab;fileio' {
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Format of stderr logs, trace lines and side notes (the error line stays `netlab: …`)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine output: one JSON object per line on stdout, each with an "event" field')
            [CompletionResult]::new('--trace', '--trace', [CompletionResultType]::ParameterName, 'Narrate every socket and file system call on stderr, in C notation, with its result')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('write', 'write', [CompletionResultType]::ParameterValue, 'open(2) and write(2) data from --data or stdin; partial writes are retried')
            [CompletionResult]::new('read', 'read', [CompletionResultType]::ParameterValue, 'open(2) and read(2) a file to stdout, binary-safe')
            [CompletionResult]::new('fds', 'fds', [CompletionResultType]::ParameterValue, 'Show descriptors 0/1/2 and those handed to a file, a TCP and a UDP socket')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'netlab;fileio;write' {
            [CompletionResult]::new('--flags', '--flags', [CompletionResultType]::ParameterName, 'Open flags: a list (creat,wronly,trunc) or C spelling (O_CREAT|O_WRONLY)')
            [CompletionResult]::new('--mode', '--mode', [CompletionResultType]::ParameterName, 'Mode for a created file: octal (0644), symbolic (u=rw,g=r,o=r) or S_IRUSR|S_IWUSR; the umask is applied')
            [CompletionResult]::new('--data', '--data', [CompletionResultType]::ParameterName, 'Data to write (default: all of stdin)')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Format of stderr logs, trace lines and side notes (the error line stays `netlab: …`)')
            [CompletionResult]::new('--nofollow', '--nofollow', [CompletionResultType]::ParameterName, 'Add O_NOFOLLOW: refuse to open through a symbolic link')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine output: one JSON object per line on stdout, each with an "event" field')
            [CompletionResult]::new('--trace', '--trace', [CompletionResultType]::ParameterName, 'Narrate every socket and file system call on stderr, in C notation, with its result')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'netlab;fileio;read' {
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'Read at most N bytes')
            [CompletionResult]::new('--offset', '--offset', [CompletionResultType]::ParameterName, 'lseek(2) to this offset before reading')
            [CompletionResult]::new('--buffer-size', '--buffer-size', [CompletionResultType]::ParameterName, 'Bytes asked for in each read(2) call')
            [CompletionResult]::new('--flags', '--flags', [CompletionResultType]::ParameterName, 'Open flags (must include rdonly or rdwr)')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Format of stderr logs, trace lines and side notes (the error line stays `netlab: …`)')
            [CompletionResult]::new('--nofollow', '--nofollow', [CompletionResultType]::ParameterName, 'Add O_NOFOLLOW: refuse to open through a symbolic link')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine output: one JSON object per line on stdout, each with an "event" field')
            [CompletionResult]::new('--trace', '--trace', [CompletionResultType]::ParameterName, 'Narrate every socket and file system call on stderr, in C notation, with its result')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'netlab;fileio;fds' {
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Format of stderr logs, trace lines and side notes (the error line stays `netlab: …`)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine output: one JSON object per line on stdout, each with an "event" field')
            [CompletionResult]::new('--trace', '--trace', [CompletionResultType]::ParameterName, 'Narrate every socket and file system call on stderr, in C notation, with its result')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'netlab;fileio;help' {
            [CompletionResult]::new('write', 'write', [CompletionResultType]::ParameterValue, 'open(2) and write(2) data from --data or stdin; partial writes are retried')
            [CompletionResult]::new('read', 'read', [CompletionResultType]::ParameterValue, 'open(2) and read(2) a file to stdout, binary-safe')
            [CompletionResult]::new('fds', 'fds', [CompletionResultType]::ParameterValue, 'Show descriptors 0/1/2 and those handed to a file, a TCP and a UDP socket')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'netlab;fileio;help;write' {
            break
        }
        'netlab;fileio;help;read' {
            break
        }
        'netlab;fileio;help;fds' {
            break
        }
        'netlab;fileio;help;help' {
            break
        }
        'netlab;process' {
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Format of stderr logs, trace lines and side notes (the error line stays `netlab: …`)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine output: one JSON object per line on stdout, each with an "event" field')
            [CompletionResult]::new('--trace', '--trace', [CompletionResultType]::ParameterName, 'Narrate every socket and file system call on stderr, in C notation, with its result')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('fork', 'fork', [CompletionResultType]::ParameterValue, 'fork.c: the parent and the child each change their own copy of two variables')
            [CompletionResult]::new('zombie', 'zombie', [CompletionResultType]::ParameterValue, 'zombie.c: a child exits while its parent does not wait; ps shows it as Z')
            [CompletionResult]::new('wait', 'wait', [CompletionResultType]::ParameterValue, 'wait.c and waitpid.c: wait for a child and decode its status')
            [CompletionResult]::new('sigchld', 'sigchld', [CompletionResultType]::ParameterValue, 'remove_zombie.c: N children exit at once; a handler that waits once per SIGCHLD leaks zombies')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'netlab;process;fork' {
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Format of stderr logs, trace lines and side notes (the error line stays `netlab: …`)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine output: one JSON object per line on stdout, each with an "event" field')
            [CompletionResult]::new('--trace', '--trace', [CompletionResultType]::ParameterName, 'Narrate every socket and file system call on stderr, in C notation, with its result')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'netlab;process;zombie' {
            [CompletionResult]::new('--reap', '--reap', [CompletionResultType]::ParameterName, 'How the parent reaps its child')
            [CompletionResult]::new('--hold', '--hold', [CompletionResultType]::ParameterName, 'How long the parent holds without waiting (0..60 s)')
            [CompletionResult]::new('--exit', '--exit', [CompletionResultType]::ParameterName, 'The child''s exit code')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Format of stderr logs, trace lines and side notes (the error line stays `netlab: …`)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine output: one JSON object per line on stdout, each with an "event" field')
            [CompletionResult]::new('--trace', '--trace', [CompletionResultType]::ParameterName, 'Narrate every socket and file system call on stderr, in C notation, with its result')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'netlab;process;wait' {
            [CompletionResult]::new('--call', '--call', [CompletionResultType]::ParameterName, 'The call the parent waits with')
            [CompletionResult]::new('--exit', '--exit', [CompletionResultType]::ParameterName, 'The child exits with CODE [default: 3]')
            [CompletionResult]::new('--signal', '--signal', [CompletionResultType]::ParameterName, 'The child dies of this signal instead (TERM, KILL, 9…)')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Format of stderr logs, trace lines and side notes (the error line stays `netlab: …`)')
            [CompletionResult]::new('--nohang', '--nohang', [CompletionResultType]::ParameterName, 'Poll with waitpid(pid, &status, WNOHANG) until the child has ended (needs --call waitpid)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine output: one JSON object per line on stdout, each with an "event" field')
            [CompletionResult]::new('--trace', '--trace', [CompletionResultType]::ParameterName, 'Narrate every socket and file system call on stderr, in C notation, with its result')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'netlab;process;sigchld' {
            [CompletionResult]::new('--children', '--children', [CompletionResultType]::ParameterName, 'Children that exit at the same moment (1..1000)')
            [CompletionResult]::new('--handler', '--handler', [CompletionResultType]::ParameterName, 'What the SIGCHLD handler does')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Format of stderr logs, trace lines and side notes (the error line stays `netlab: …`)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine output: one JSON object per line on stdout, each with an "event" field')
            [CompletionResult]::new('--trace', '--trace', [CompletionResultType]::ParameterName, 'Narrate every socket and file system call on stderr, in C notation, with its result')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'netlab;process;help' {
            [CompletionResult]::new('fork', 'fork', [CompletionResultType]::ParameterValue, 'fork.c: the parent and the child each change their own copy of two variables')
            [CompletionResult]::new('zombie', 'zombie', [CompletionResultType]::ParameterValue, 'zombie.c: a child exits while its parent does not wait; ps shows it as Z')
            [CompletionResult]::new('wait', 'wait', [CompletionResultType]::ParameterValue, 'wait.c and waitpid.c: wait for a child and decode its status')
            [CompletionResult]::new('sigchld', 'sigchld', [CompletionResultType]::ParameterValue, 'remove_zombie.c: N children exit at once; a handler that waits once per SIGCHLD leaks zombies')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'netlab;process;help;fork' {
            break
        }
        'netlab;process;help;zombie' {
            break
        }
        'netlab;process;help;wait' {
            break
        }
        'netlab;process;help;sigchld' {
            break
        }
        'netlab;process;help;help' {
            break
        }
        'netlab;signal' {
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Format of stderr logs, trace lines and side notes (the error line stays `netlab: …`)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine output: one JSON object per line on stdout, each with an "event" field')
            [CompletionResult]::new('--trace', '--trace', [CompletionResultType]::ParameterName, 'Narrate every socket and file system call on stderr, in C notation, with its result')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('alarm', 'alarm', [CompletionResultType]::ParameterValue, 'signal.c / sigaction.c: alarm(SECS); each SIGALRM cuts a sleep(100) short')
            [CompletionResult]::new('eintr', 'eintr', [CompletionResultType]::ParameterValue, 'A blocking call with an alarm pending: EINTR without SA_RESTART, restarted with it')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'netlab;signal;alarm' {
            [CompletionResult]::new('--api', '--api', [CompletionResultType]::ParameterName, 'How the handlers are installed')
            [CompletionResult]::new('--loops', '--loops', [CompletionResultType]::ParameterName, 'Rounds of `wait...` and sleep(100) (1..100)')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Format of stderr logs, trace lines and side notes (the error line stays `netlab: …`)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine output: one JSON object per line on stdout, each with an "event" field')
            [CompletionResult]::new('--trace', '--trace', [CompletionResultType]::ParameterName, 'Narrate every socket and file system call on stderr, in C notation, with its result')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'netlab;signal;eintr' {
            [CompletionResult]::new('--during', '--during', [CompletionResultType]::ParameterName, 'The call that blocks')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Format of stderr logs, trace lines and side notes (the error line stays `netlab: …`)')
            [CompletionResult]::new('--restart', '--restart', [CompletionResultType]::ParameterName, 'Install the handler with SA_RESTART: the kernel restarts the call')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine output: one JSON object per line on stdout, each with an "event" field')
            [CompletionResult]::new('--trace', '--trace', [CompletionResultType]::ParameterName, 'Narrate every socket and file system call on stderr, in C notation, with its result')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'netlab;signal;help' {
            [CompletionResult]::new('alarm', 'alarm', [CompletionResultType]::ParameterValue, 'signal.c / sigaction.c: alarm(SECS); each SIGALRM cuts a sleep(100) short')
            [CompletionResult]::new('eintr', 'eintr', [CompletionResultType]::ParameterValue, 'A blocking call with an alarm pending: EINTR without SA_RESTART, restarted with it')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'netlab;signal;help;alarm' {
            break
        }
        'netlab;signal;help;eintr' {
            break
        }
        'netlab;signal;help;help' {
            break
        }
        'netlab;pipe' {
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Format of stderr logs, trace lines and side notes (the error line stays `netlab: …`)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine output: one JSON object per line on stdout, each with an "event" field')
            [CompletionResult]::new('--trace', '--trace', [CompletionResultType]::ParameterName, 'Narrate every socket and file system call on stderr, in C notation, with its result')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('oneway', 'oneway', [CompletionResultType]::ParameterValue, 'pipe1.c: the child writes, the parent reads')
            [CompletionResult]::new('twoway', 'twoway', [CompletionResultType]::ParameterValue, 'pipe2.c (one pipe, both ways) and pipe3.c (two pipes)')
            [CompletionResult]::new('eof', 'eof', [CompletionResultType]::ParameterValue, 'EOF comes only when every write end is closed')
            [CompletionResult]::new('epipe', 'epipe', [CompletionResultType]::ParameterValue, 'Writing after every read end is closed: SIGPIPE, or EPIPE')
            [CompletionResult]::new('capacity', 'capacity', [CompletionResultType]::ParameterValue, 'How much a pipe holds, and which writes are atomic (PIPE_BUF)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'netlab;pipe;oneway' {
            [CompletionResult]::new('--data', '--data', [CompletionResultType]::ParameterName, 'What the child writes')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Format of stderr logs, trace lines and side notes (the error line stays `netlab: …`)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine output: one JSON object per line on stdout, each with an "event" field')
            [CompletionResult]::new('--trace', '--trace', [CompletionResultType]::ParameterName, 'Narrate every socket and file system call on stderr, in C notation, with its result')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'netlab;pipe;twoway' {
            [CompletionResult]::new('--pipes', '--pipes', [CompletionResultType]::ParameterName, '1: one pipe for both directions (pipe2.c); 2: one pipe each way (pipe3.c)')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Format of stderr logs, trace lines and side notes (the error line stays `netlab: …`)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine output: one JSON object per line on stdout, each with an "event" field')
            [CompletionResult]::new('--trace', '--trace', [CompletionResultType]::ParameterName, 'Narrate every socket and file system call on stderr, in C notation, with its result')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'netlab;pipe;eof' {
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Format of stderr logs, trace lines and side notes (the error line stays `netlab: …`)')
            [CompletionResult]::new('--leak', '--leak', [CompletionResultType]::ParameterName, 'The parent keeps its copy of the write end open: EOF never comes')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine output: one JSON object per line on stdout, each with an "event" field')
            [CompletionResult]::new('--trace', '--trace', [CompletionResultType]::ParameterName, 'Narrate every socket and file system call on stderr, in C notation, with its result')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'netlab;pipe;epipe' {
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Format of stderr logs, trace lines and side notes (the error line stays `netlab: …`)')
            [CompletionResult]::new('--ignore-sigpipe', '--ignore-sigpipe', [CompletionResultType]::ParameterName, 'The writer ignores SIGPIPE: write() fails with EPIPE instead')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine output: one JSON object per line on stdout, each with an "event" field')
            [CompletionResult]::new('--trace', '--trace', [CompletionResultType]::ParameterName, 'Narrate every socket and file system call on stderr, in C notation, with its result')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'netlab;pipe;capacity' {
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Format of stderr logs, trace lines and side notes (the error line stays `netlab: …`)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine output: one JSON object per line on stdout, each with an "event" field')
            [CompletionResult]::new('--trace', '--trace', [CompletionResultType]::ParameterName, 'Narrate every socket and file system call on stderr, in C notation, with its result')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'netlab;pipe;help' {
            [CompletionResult]::new('oneway', 'oneway', [CompletionResultType]::ParameterValue, 'pipe1.c: the child writes, the parent reads')
            [CompletionResult]::new('twoway', 'twoway', [CompletionResultType]::ParameterValue, 'pipe2.c (one pipe, both ways) and pipe3.c (two pipes)')
            [CompletionResult]::new('eof', 'eof', [CompletionResultType]::ParameterValue, 'EOF comes only when every write end is closed')
            [CompletionResult]::new('epipe', 'epipe', [CompletionResultType]::ParameterValue, 'Writing after every read end is closed: SIGPIPE, or EPIPE')
            [CompletionResult]::new('capacity', 'capacity', [CompletionResultType]::ParameterValue, 'How much a pipe holds, and which writes are atomic (PIPE_BUF)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'netlab;pipe;help;oneway' {
            break
        }
        'netlab;pipe;help;twoway' {
            break
        }
        'netlab;pipe;help;eof' {
            break
        }
        'netlab;pipe;help;epipe' {
            break
        }
        'netlab;pipe;help;capacity' {
            break
        }
        'netlab;pipe;help;help' {
            break
        }
        'netlab;demo' {
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Format of stderr logs, trace lines and side notes (the error line stays `netlab: …`)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine output: one JSON object per line on stdout, each with an "event" field')
            [CompletionResult]::new('--trace', '--trace', [CompletionResultType]::ParameterName, 'Narrate every socket and file system call on stderr, in C notation, with its result')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'netlab;help' {
            [CompletionResult]::new('echo-server', 'echo-server', [CompletionResultType]::ParameterValue, 'TCP (or Unix-domain) echo server: iterative, fork, select, poll, epoll, thread or uring model')
            [CompletionResult]::new('echo-client', 'echo-client', [CompletionResultType]::ParameterValue, 'TCP (or Unix-domain) echo client: prompt, stream, --message or --split; every byte verified')
            [CompletionResult]::new('udp', 'udp', [CompletionResultType]::ParameterValue, 'UDP (or Unix-domain datagram) echo: server and client (loss, duplicates, reordering, RTT)')
            [CompletionResult]::new('resolve', 'resolve', [CompletionResultType]::ParameterValue, 'Names to addresses (struct hostent) and addresses to names')
            [CompletionResult]::new('sockopt', 'sockopt', [CompletionResultType]::ParameterValue, 'Socket options on a fresh socket: list, get, set (and why the kernel changed your value)')
            [CompletionResult]::new('byteorder', 'byteorder', [CompletionResultType]::ParameterValue, 'Host and network byte order: htons/ntohs/htonl/ntohl, inet_addr/inet_aton/inet_ntoa')
            [CompletionResult]::new('fileio', 'fileio', [CompletionResultType]::ParameterValue, 'Low-level file I/O: open/read/write explained, and the fds the kernel hands out')
            [CompletionResult]::new('process', 'process', [CompletionResultType]::ParameterValue, 'Processes as the course runs them: fork, zombies, wait/waitpid, the SIGCHLD handler')
            [CompletionResult]::new('signal', 'signal', [CompletionResultType]::ParameterValue, 'Signals as the course handles them: signal/sigaction, alarm, and EINTR')
            [CompletionResult]::new('pipe', 'pipe', [CompletionResultType]::ParameterValue, 'Pipes between a parent and its child: one way, two ways, EOF, EPIPE, capacity')
            [CompletionResult]::new('demo', 'demo', [CompletionResultType]::ParameterValue, 'A guided tour: every command once on loopback, one line per step')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'netlab;help;echo-server' {
            break
        }
        'netlab;help;echo-client' {
            break
        }
        'netlab;help;udp' {
            [CompletionResult]::new('server', 'server', [CompletionResultType]::ParameterValue, 'recvfrom, then sendto the same bytes back to the sender')
            [CompletionResult]::new('client', 'client', [CompletionResultType]::ParameterValue, 'Send datagrams and match the replies')
            break
        }
        'netlab;help;udp;server' {
            break
        }
        'netlab;help;udp;client' {
            break
        }
        'netlab;help;resolve' {
            break
        }
        'netlab;help;sockopt' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List every option netlab knows')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Print option values of a fresh socket (all that apply, or those named)')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Set options on a fresh socket, read them back and explain any difference')
            break
        }
        'netlab;help;sockopt;list' {
            break
        }
        'netlab;help;sockopt;get' {
            break
        }
        'netlab;help;sockopt;set' {
            break
        }
        'netlab;help;byteorder' {
            break
        }
        'netlab;help;fileio' {
            [CompletionResult]::new('write', 'write', [CompletionResultType]::ParameterValue, 'open(2) and write(2) data from --data or stdin; partial writes are retried')
            [CompletionResult]::new('read', 'read', [CompletionResultType]::ParameterValue, 'open(2) and read(2) a file to stdout, binary-safe')
            [CompletionResult]::new('fds', 'fds', [CompletionResultType]::ParameterValue, 'Show descriptors 0/1/2 and those handed to a file, a TCP and a UDP socket')
            break
        }
        'netlab;help;fileio;write' {
            break
        }
        'netlab;help;fileio;read' {
            break
        }
        'netlab;help;fileio;fds' {
            break
        }
        'netlab;help;process' {
            [CompletionResult]::new('fork', 'fork', [CompletionResultType]::ParameterValue, 'fork.c: the parent and the child each change their own copy of two variables')
            [CompletionResult]::new('zombie', 'zombie', [CompletionResultType]::ParameterValue, 'zombie.c: a child exits while its parent does not wait; ps shows it as Z')
            [CompletionResult]::new('wait', 'wait', [CompletionResultType]::ParameterValue, 'wait.c and waitpid.c: wait for a child and decode its status')
            [CompletionResult]::new('sigchld', 'sigchld', [CompletionResultType]::ParameterValue, 'remove_zombie.c: N children exit at once; a handler that waits once per SIGCHLD leaks zombies')
            break
        }
        'netlab;help;process;fork' {
            break
        }
        'netlab;help;process;zombie' {
            break
        }
        'netlab;help;process;wait' {
            break
        }
        'netlab;help;process;sigchld' {
            break
        }
        'netlab;help;signal' {
            [CompletionResult]::new('alarm', 'alarm', [CompletionResultType]::ParameterValue, 'signal.c / sigaction.c: alarm(SECS); each SIGALRM cuts a sleep(100) short')
            [CompletionResult]::new('eintr', 'eintr', [CompletionResultType]::ParameterValue, 'A blocking call with an alarm pending: EINTR without SA_RESTART, restarted with it')
            break
        }
        'netlab;help;signal;alarm' {
            break
        }
        'netlab;help;signal;eintr' {
            break
        }
        'netlab;help;pipe' {
            [CompletionResult]::new('oneway', 'oneway', [CompletionResultType]::ParameterValue, 'pipe1.c: the child writes, the parent reads')
            [CompletionResult]::new('twoway', 'twoway', [CompletionResultType]::ParameterValue, 'pipe2.c (one pipe, both ways) and pipe3.c (two pipes)')
            [CompletionResult]::new('eof', 'eof', [CompletionResultType]::ParameterValue, 'EOF comes only when every write end is closed')
            [CompletionResult]::new('epipe', 'epipe', [CompletionResultType]::ParameterValue, 'Writing after every read end is closed: SIGPIPE, or EPIPE')
            [CompletionResult]::new('capacity', 'capacity', [CompletionResultType]::ParameterValue, 'How much a pipe holds, and which writes are atomic (PIPE_BUF)')
            break
        }
        'netlab;help;pipe;oneway' {
            break
        }
        'netlab;help;pipe;twoway' {
            break
        }
        'netlab;help;pipe;eof' {
            break
        }
        'netlab;help;pipe;epipe' {
            break
        }
        'netlab;help;pipe;capacity' {
            break
        }
        'netlab;help;demo' {
            break
        }
        'netlab;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
