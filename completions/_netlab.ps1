
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
            [CompletionResult]::new('echo-server', 'echo-server', [CompletionResultType]::ParameterValue, 'TCP echo server: iterative, fork, select, poll, epoll or thread model')
            [CompletionResult]::new('echo-client', 'echo-client', [CompletionResultType]::ParameterValue, 'TCP echo client: prompt, stream, --message or --split; every byte verified')
            [CompletionResult]::new('udp', 'udp', [CompletionResultType]::ParameterValue, 'UDP echo: server and client (loss, duplicates, reordering, RTT)')
            [CompletionResult]::new('resolve', 'resolve', [CompletionResultType]::ParameterValue, 'Names to addresses (struct hostent) and addresses to names')
            [CompletionResult]::new('sockopt', 'sockopt', [CompletionResultType]::ParameterValue, 'Socket options on a fresh socket: list, get, set (and why the kernel changed your value)')
            [CompletionResult]::new('byteorder', 'byteorder', [CompletionResultType]::ParameterValue, 'Host and network byte order: htons/ntohs/htonl/ntohl, inet_addr/inet_aton/inet_ntoa')
            [CompletionResult]::new('fileio', 'fileio', [CompletionResultType]::ParameterValue, 'Low-level file I/O: open/read/write explained, and the fds the kernel hands out')
            [CompletionResult]::new('demo', 'demo', [CompletionResultType]::ParameterValue, 'A guided tour: every command once on loopback, one line per step')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'netlab;echo-server' {
            [CompletionResult]::new('--model', '--model', [CompletionResultType]::ParameterName, 'Server model')
            [CompletionResult]::new('--bind', '--bind', [CompletionResultType]::ParameterName, 'Address to bind (default 0.0.0.0, the course''s INADDR_ANY; :: with -6)')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Port (alternative to the positional PORT)')
            [CompletionResult]::new('--backlog', '--backlog', [CompletionResultType]::ParameterName, 'listen() backlog (default SOMAXCONN; the textbook''s 5 shows queue overflow)')
            [CompletionResult]::new('--buffer-size', '--buffer-size', [CompletionResultType]::ParameterName, 'Bytes per read() (default 16K; the textbook uses 30)')
            [CompletionResult]::new('--max-clients', '--max-clients', [CompletionResultType]::ParameterName, 'At most N clients served at once; more wait in the backlog')
            [CompletionResult]::new('--max-conns', '--max-conns', [CompletionResultType]::ParameterName, 'Exit 0 after N connections were served; once the Nth is accepted, later clients are refused')
            [CompletionResult]::new('--idle-timeout', '--idle-timeout', [CompletionResultType]::ParameterName, 'Drop a client that sends nothing for SECS seconds')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Format of stderr logs, trace lines and side notes (the error line stays `netlab: …`)')
            [CompletionResult]::new('-4', '-4', [CompletionResultType]::ParameterName, 'IPv4 only')
            [CompletionResult]::new('-6', '-6', [CompletionResultType]::ParameterName, 'IPv6 only')
            [CompletionResult]::new('--no-reuseaddr', '--no-reuseaddr', [CompletionResultType]::ParameterName, 'Do not set SO_REUSEADDR (shows the TIME_WAIT bind failure)')
            [CompletionResult]::new('--nagle', '--nagle', [CompletionResultType]::ParameterName, 'Keep Nagle''s algorithm (do not set TCP_NODELAY; shows the 40 ms delayed-ACK stall)')
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
            [CompletionResult]::new('-m', '-m', [CompletionResultType]::ParameterName, 'Send TEXT and print its echo (repeatable; any bytes, not only UTF-8)')
            [CompletionResult]::new('--message', '--message', [CompletionResultType]::ParameterName, 'Send TEXT and print its echo (repeatable; any bytes, not only UTF-8)')
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
            [CompletionResult]::new('-m', '-m', [CompletionResultType]::ParameterName, 'Send TEXT as one datagram and print the reply (repeatable; any bytes, not only UTF-8)')
            [CompletionResult]::new('--message', '--message', [CompletionResultType]::ParameterName, 'Send TEXT as one datagram and print the reply (repeatable; any bytes, not only UTF-8)')
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'Send N numbered datagrams and match the replies')
            [CompletionResult]::new('--size', '--size', [CompletionResultType]::ParameterName, 'Bytes per numbered datagram (at least 8: the sequence number) [default: 64]')
            [CompletionResult]::new('--interval', '--interval', [CompletionResultType]::ParameterName, 'Milliseconds between numbered datagrams [default: 10]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Milliseconds to wait for a reply before the datagram counts as lost')
            [CompletionResult]::new('--max-loss', '--max-loss', [CompletionResultType]::ParameterName, 'Exit 3 when more than PCT percent are lost')
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
            [CompletionResult]::new('echo-server', 'echo-server', [CompletionResultType]::ParameterValue, 'TCP echo server: iterative, fork, select, poll, epoll or thread model')
            [CompletionResult]::new('echo-client', 'echo-client', [CompletionResultType]::ParameterValue, 'TCP echo client: prompt, stream, --message or --split; every byte verified')
            [CompletionResult]::new('udp', 'udp', [CompletionResultType]::ParameterValue, 'UDP echo: server and client (loss, duplicates, reordering, RTT)')
            [CompletionResult]::new('resolve', 'resolve', [CompletionResultType]::ParameterValue, 'Names to addresses (struct hostent) and addresses to names')
            [CompletionResult]::new('sockopt', 'sockopt', [CompletionResultType]::ParameterValue, 'Socket options on a fresh socket: list, get, set (and why the kernel changed your value)')
            [CompletionResult]::new('byteorder', 'byteorder', [CompletionResultType]::ParameterValue, 'Host and network byte order: htons/ntohs/htonl/ntohl, inet_addr/inet_aton/inet_ntoa')
            [CompletionResult]::new('fileio', 'fileio', [CompletionResultType]::ParameterValue, 'Low-level file I/O: open/read/write explained, and the fds the kernel hands out')
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
