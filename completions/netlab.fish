# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_netlab_global_optspecs
    string join \n json trace v/verbose q/quiet log-format= h/help V/version
end

function __fish_netlab_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_netlab_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_netlab_using_subcommand
    set -l cmd (__fish_netlab_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c netlab -n "__fish_netlab_needs_command" -l log-format -d 'Format of stderr logs, trace lines and side notes (the error line stays `netlab: …`)' -r -f -a "text\t''
json\t''"
complete -c netlab -n "__fish_netlab_needs_command" -l json -d 'Machine output: one JSON object per line on stdout, each with an "event" field'
complete -c netlab -n "__fish_netlab_needs_command" -l trace -d 'Narrate every socket and file system call on stderr, in C notation, with its result'
complete -c netlab -n "__fish_netlab_needs_command" -s v -l verbose -d 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides'
complete -c netlab -n "__fish_netlab_needs_command" -s q -l quiet -d 'Only errors on stderr'
complete -c netlab -n "__fish_netlab_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c netlab -n "__fish_netlab_needs_command" -s V -l version -d 'Print version'
complete -c netlab -n "__fish_netlab_needs_command" -f -a "echo-server" -d 'TCP (or Unix-domain) echo server: iterative, fork, select, poll, epoll, thread or uring model'
complete -c netlab -n "__fish_netlab_needs_command" -f -a "echo-client" -d 'TCP (or Unix-domain) echo client: prompt, stream, --message or --split; every byte verified'
complete -c netlab -n "__fish_netlab_needs_command" -f -a "udp" -d 'UDP (or Unix-domain datagram) echo: server and client (loss, duplicates, reordering, RTT)'
complete -c netlab -n "__fish_netlab_needs_command" -f -a "resolve" -d 'Names to addresses (struct hostent) and addresses to names'
complete -c netlab -n "__fish_netlab_needs_command" -f -a "sockopt" -d 'Socket options on a fresh socket: list, get, set (and why the kernel changed your value)'
complete -c netlab -n "__fish_netlab_needs_command" -f -a "byteorder" -d 'Host and network byte order: htons/ntohs/htonl/ntohl, inet_addr/inet_aton/inet_ntoa'
complete -c netlab -n "__fish_netlab_needs_command" -f -a "fileio" -d 'Low-level file I/O: open/read/write explained, and the fds the kernel hands out'
complete -c netlab -n "__fish_netlab_needs_command" -f -a "process" -d 'Processes as the course runs them: fork, zombies, wait/waitpid, the SIGCHLD handler'
complete -c netlab -n "__fish_netlab_needs_command" -f -a "signal" -d 'Signals as the course handles them: signal/sigaction, alarm, and EINTR'
complete -c netlab -n "__fish_netlab_needs_command" -f -a "pipe" -d 'Pipes between a parent and its child: one way, two ways, EOF, EPIPE, capacity'
complete -c netlab -n "__fish_netlab_needs_command" -f -a "demo" -d 'A guided tour: every command once on loopback, one line per step'
complete -c netlab -n "__fish_netlab_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c netlab -n "__fish_netlab_using_subcommand echo-server" -l model -d 'Server model' -r -f -a "iterative\t'one client at a time; the rest wait in the listen backlog'
fork\t'a child process per connection (once there are as many as CPUs, new ones run under SCHED_BATCH)'
select\t'one process multiplexing with select(2)'
poll\t'one process multiplexing with poll(2): no FD_SETSIZE limit'
epoll\t'one thread with a level-triggered epoll(7) set: idle connections cost nothing'
thread\t'a thread per connection (once there are as many as CPUs, new ones run under SCHED_BATCH)'
uring\t'io_uring (Linux 6.1+): completions instead of readiness, multishot receives into provided buffers'"
complete -c netlab -n "__fish_netlab_using_subcommand echo-server" -l bind -d 'Address to bind (default 0.0.0.0, the course\'s INADDR_ANY; :: with -6)' -r
complete -c netlab -n "__fish_netlab_using_subcommand echo-server" -l port -d 'Port (alternative to the positional PORT)' -r
complete -c netlab -n "__fish_netlab_using_subcommand echo-server" -l unix -d 'Listen on a Unix-domain socket file (PF_LOCAL) instead of a port; a stale file nobody listens on is replaced, anything else at the path is left alone' -r -F
complete -c netlab -n "__fish_netlab_using_subcommand echo-server" -l backlog -d 'listen() backlog (default SOMAXCONN; the textbook\'s 5 shows queue overflow)' -r
complete -c netlab -n "__fish_netlab_using_subcommand echo-server" -l buffer-size -d 'Bytes per read() (default 16K; the textbook uses 30)' -r
complete -c netlab -n "__fish_netlab_using_subcommand echo-server" -l max-clients -d 'At most N clients served at once; more wait in the backlog (what ncat calls --max-conns)' -r
complete -c netlab -n "__fish_netlab_using_subcommand echo-server" -l max-conns -d 'Exit 0 after N connections were served; once the Nth is accepted, later clients are refused (ncat\'s --max-conns is netlab\'s --max-clients)' -r
complete -c netlab -n "__fish_netlab_using_subcommand echo-server" -l idle-timeout -d 'Drop a client that sends nothing for SECS seconds' -r
complete -c netlab -n "__fish_netlab_using_subcommand echo-server" -l threads -d 'N event loops on N threads sharing the port, each with its own SO_REUSEPORT listener (with --unix, sharing the socket file\'s one listener; epoll and uring; default 1)' -r
complete -c netlab -n "__fish_netlab_using_subcommand echo-server" -l log-format -d 'Format of stderr logs, trace lines and side notes (the error line stays `netlab: …`)' -r -f -a "text\t''
json\t''"
complete -c netlab -n "__fish_netlab_using_subcommand echo-server" -s 4 -d 'IPv4 only'
complete -c netlab -n "__fish_netlab_using_subcommand echo-server" -s 6 -d 'IPv6 only'
complete -c netlab -n "__fish_netlab_using_subcommand echo-server" -l no-reuseaddr -d 'Do not set SO_REUSEADDR: after the server closed a connection first (--idle-timeout), a restart on the same port fails with EADDRINUSE while that connection waits in TIME_WAIT (about 60 s)'
complete -c netlab -n "__fish_netlab_using_subcommand echo-server" -l nagle -d 'Keep Nagle\'s algorithm (do not set TCP_NODELAY): with requests above the loopback MSS (echo-client --size 70000), each echo\'s tail waits about 40 ms for the delayed ACK; 100 or 3000 bytes do not show it'
complete -c netlab -n "__fish_netlab_using_subcommand echo-server" -l json -d 'Machine output: one JSON object per line on stdout, each with an "event" field'
complete -c netlab -n "__fish_netlab_using_subcommand echo-server" -l trace -d 'Narrate every socket and file system call on stderr, in C notation, with its result'
complete -c netlab -n "__fish_netlab_using_subcommand echo-server" -s v -l verbose -d 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides'
complete -c netlab -n "__fish_netlab_using_subcommand echo-server" -s q -l quiet -d 'Only errors on stderr'
complete -c netlab -n "__fish_netlab_using_subcommand echo-server" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c netlab -n "__fish_netlab_using_subcommand echo-server" -s V -l version -d 'Print version'
complete -c netlab -n "__fish_netlab_using_subcommand echo-client" -s m -l message -d 'Send TEXT and print its echo as it came back, byte for byte (on a terminal with control characters escaped; repeatable; any bytes, not only UTF-8)' -r
complete -c netlab -n "__fish_netlab_using_subcommand echo-client" -l timeout -d 'Give up on connect, or on an echo that stalls, after SECS seconds' -r
complete -c netlab -n "__fish_netlab_using_subcommand echo-client" -l buffer-size -d 'Bytes per read()/write()' -r
complete -c netlab -n "__fish_netlab_using_subcommand echo-client" -l connections -d 'Load mode: C concurrent connections doing verified request/response' -r
complete -c netlab -n "__fish_netlab_using_subcommand echo-client" -l size -d 'Load mode: bytes per request [default: 64]' -r
complete -c netlab -n "__fish_netlab_using_subcommand echo-client" -l requests -d 'Load mode: stop after N requests in all' -r
complete -c netlab -n "__fish_netlab_using_subcommand echo-client" -l duration -d 'Load mode: run for SECS seconds (default 5 when --requests is not given)' -r
complete -c netlab -n "__fish_netlab_using_subcommand echo-client" -l idle -d 'Load mode: hold N extra idle connections open during the run' -r
complete -c netlab -n "__fish_netlab_using_subcommand echo-client" -l rate -d 'Load mode, open loop: R requests/s in all, sent on schedule; service time from the actual send' -r
complete -c netlab -n "__fish_netlab_using_subcommand echo-client" -l threads -d 'Load mode: N event loops (threads) share the connections [default: 1]' -r
complete -c netlab -n "__fish_netlab_using_subcommand echo-client" -l interval -d 'Load mode: a line every SECS: requests, latency, errors, TCP_INFO (rtt, cwnd, retransmits), CPU' -r
complete -c netlab -n "__fish_netlab_using_subcommand echo-client" -l percentiles -d 'Load mode: latency percentiles to report, max besides [default: 50,90,99,99.9]' -r
complete -c netlab -n "__fish_netlab_using_subcommand echo-client" -l unix -d 'The server\'s Unix-domain socket file (PF_LOCAL) instead of HOST and PORT' -r -F
complete -c netlab -n "__fish_netlab_using_subcommand echo-client" -l log-format -d 'Format of stderr logs, trace lines and side notes (the error line stays `netlab: …`)' -r -f -a "text\t''
json\t''"
complete -c netlab -n "__fish_netlab_using_subcommand echo-client" -s 4 -d 'IPv4 only'
complete -c netlab -n "__fish_netlab_using_subcommand echo-client" -s 6 -d 'IPv6 only'
complete -c netlab -n "__fish_netlab_using_subcommand echo-client" -l split -d 'The I/O split: a forked child writes, the parent reads'
complete -c netlab -n "__fish_netlab_using_subcommand echo-client" -l reconnect -d 'Load mode: every request is a fresh connect, echo, close (connections/s)'
complete -c netlab -n "__fish_netlab_using_subcommand echo-client" -l json -d 'Machine output: one JSON object per line on stdout, each with an "event" field'
complete -c netlab -n "__fish_netlab_using_subcommand echo-client" -l trace -d 'Narrate every socket and file system call on stderr, in C notation, with its result'
complete -c netlab -n "__fish_netlab_using_subcommand echo-client" -s v -l verbose -d 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides'
complete -c netlab -n "__fish_netlab_using_subcommand echo-client" -s q -l quiet -d 'Only errors on stderr'
complete -c netlab -n "__fish_netlab_using_subcommand echo-client" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c netlab -n "__fish_netlab_using_subcommand echo-client" -s V -l version -d 'Print version'
complete -c netlab -n "__fish_netlab_using_subcommand udp; and not __fish_seen_subcommand_from server client help" -l log-format -d 'Format of stderr logs, trace lines and side notes (the error line stays `netlab: …`)' -r -f -a "text\t''
json\t''"
complete -c netlab -n "__fish_netlab_using_subcommand udp; and not __fish_seen_subcommand_from server client help" -l json -d 'Machine output: one JSON object per line on stdout, each with an "event" field'
complete -c netlab -n "__fish_netlab_using_subcommand udp; and not __fish_seen_subcommand_from server client help" -l trace -d 'Narrate every socket and file system call on stderr, in C notation, with its result'
complete -c netlab -n "__fish_netlab_using_subcommand udp; and not __fish_seen_subcommand_from server client help" -s v -l verbose -d 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides'
complete -c netlab -n "__fish_netlab_using_subcommand udp; and not __fish_seen_subcommand_from server client help" -s q -l quiet -d 'Only errors on stderr'
complete -c netlab -n "__fish_netlab_using_subcommand udp; and not __fish_seen_subcommand_from server client help" -s h -l help -d 'Print help'
complete -c netlab -n "__fish_netlab_using_subcommand udp; and not __fish_seen_subcommand_from server client help" -s V -l version -d 'Print version'
complete -c netlab -n "__fish_netlab_using_subcommand udp; and not __fish_seen_subcommand_from server client help" -f -a "server" -d 'recvfrom, then sendto the same bytes back to the sender'
complete -c netlab -n "__fish_netlab_using_subcommand udp; and not __fish_seen_subcommand_from server client help" -f -a "client" -d 'Send datagrams and match the replies'
complete -c netlab -n "__fish_netlab_using_subcommand udp; and not __fish_seen_subcommand_from server client help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c netlab -n "__fish_netlab_using_subcommand udp; and __fish_seen_subcommand_from server" -l bind -d 'Address to bind (default 0.0.0.0, the course\'s INADDR_ANY; :: with -6)' -r
complete -c netlab -n "__fish_netlab_using_subcommand udp; and __fish_seen_subcommand_from server" -l port -d 'Port (alternative to the positional PORT)' -r
complete -c netlab -n "__fish_netlab_using_subcommand udp; and __fish_seen_subcommand_from server" -l unix -d 'Listen on a Unix-domain socket file (PF_LOCAL) instead of a port; a stale file nobody listens on is replaced, anything else at the path is left alone' -r -F
complete -c netlab -n "__fish_netlab_using_subcommand udp; and __fish_seen_subcommand_from server" -l buffer-size -d 'Largest datagram echoed; longer ones are reported as truncated' -r
complete -c netlab -n "__fish_netlab_using_subcommand udp; and __fish_seen_subcommand_from server" -l max-datagrams -d 'Exit 0 after N datagrams' -r
complete -c netlab -n "__fish_netlab_using_subcommand udp; and __fish_seen_subcommand_from server" -l log-format -d 'Format of stderr logs, trace lines and side notes (the error line stays `netlab: …`)' -r -f -a "text\t''
json\t''"
complete -c netlab -n "__fish_netlab_using_subcommand udp; and __fish_seen_subcommand_from server" -s 4 -d 'IPv4 only'
complete -c netlab -n "__fish_netlab_using_subcommand udp; and __fish_seen_subcommand_from server" -s 6 -d 'IPv6 only'
complete -c netlab -n "__fish_netlab_using_subcommand udp; and __fish_seen_subcommand_from server" -l json -d 'Machine output: one JSON object per line on stdout, each with an "event" field'
complete -c netlab -n "__fish_netlab_using_subcommand udp; and __fish_seen_subcommand_from server" -l trace -d 'Narrate every socket and file system call on stderr, in C notation, with its result'
complete -c netlab -n "__fish_netlab_using_subcommand udp; and __fish_seen_subcommand_from server" -s v -l verbose -d 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides'
complete -c netlab -n "__fish_netlab_using_subcommand udp; and __fish_seen_subcommand_from server" -s q -l quiet -d 'Only errors on stderr'
complete -c netlab -n "__fish_netlab_using_subcommand udp; and __fish_seen_subcommand_from server" -s h -l help -d 'Print help'
complete -c netlab -n "__fish_netlab_using_subcommand udp; and __fish_seen_subcommand_from server" -s V -l version -d 'Print version'
complete -c netlab -n "__fish_netlab_using_subcommand udp; and __fish_seen_subcommand_from client" -s m -l message -d 'Send TEXT as one datagram and print the reply as it came back, byte for byte (repeatable; any bytes, not only UTF-8)' -r
complete -c netlab -n "__fish_netlab_using_subcommand udp; and __fish_seen_subcommand_from client" -l count -d 'Send N numbered datagrams and match the replies' -r
complete -c netlab -n "__fish_netlab_using_subcommand udp; and __fish_seen_subcommand_from client" -l size -d 'Bytes per numbered datagram (at least 8: the sequence number) [default: 64]' -r
complete -c netlab -n "__fish_netlab_using_subcommand udp; and __fish_seen_subcommand_from client" -l interval -d 'Milliseconds between numbered datagrams [default: 10]' -r
complete -c netlab -n "__fish_netlab_using_subcommand udp; and __fish_seen_subcommand_from client" -l timeout -d 'Milliseconds to wait for a reply before the datagram counts as lost' -r
complete -c netlab -n "__fish_netlab_using_subcommand udp; and __fish_seen_subcommand_from client" -l max-loss -d 'Exit 3 when more than PCT percent are lost' -r
complete -c netlab -n "__fish_netlab_using_subcommand udp; and __fish_seen_subcommand_from client" -l unix -d 'The server\'s Unix-domain socket file (PF_LOCAL) instead of HOST and PORT; the client binds a temporary path of its own for the replies and removes it' -r -F
complete -c netlab -n "__fish_netlab_using_subcommand udp; and __fish_seen_subcommand_from client" -l log-format -d 'Format of stderr logs, trace lines and side notes (the error line stays `netlab: …`)' -r -f -a "text\t''
json\t''"
complete -c netlab -n "__fish_netlab_using_subcommand udp; and __fish_seen_subcommand_from client" -s 4 -d 'IPv4 only'
complete -c netlab -n "__fish_netlab_using_subcommand udp; and __fish_seen_subcommand_from client" -s 6 -d 'IPv6 only'
complete -c netlab -n "__fish_netlab_using_subcommand udp; and __fish_seen_subcommand_from client" -l connect -d 'Connected UDP socket: connect(), then write/read (hears ICMP errors)'
complete -c netlab -n "__fish_netlab_using_subcommand udp; and __fish_seen_subcommand_from client" -l json -d 'Machine output: one JSON object per line on stdout, each with an "event" field'
complete -c netlab -n "__fish_netlab_using_subcommand udp; and __fish_seen_subcommand_from client" -l trace -d 'Narrate every socket and file system call on stderr, in C notation, with its result'
complete -c netlab -n "__fish_netlab_using_subcommand udp; and __fish_seen_subcommand_from client" -s v -l verbose -d 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides'
complete -c netlab -n "__fish_netlab_using_subcommand udp; and __fish_seen_subcommand_from client" -s q -l quiet -d 'Only errors on stderr'
complete -c netlab -n "__fish_netlab_using_subcommand udp; and __fish_seen_subcommand_from client" -s h -l help -d 'Print help'
complete -c netlab -n "__fish_netlab_using_subcommand udp; and __fish_seen_subcommand_from client" -s V -l version -d 'Print version'
complete -c netlab -n "__fish_netlab_using_subcommand udp; and __fish_seen_subcommand_from help" -f -a "server" -d 'recvfrom, then sendto the same bytes back to the sender'
complete -c netlab -n "__fish_netlab_using_subcommand udp; and __fish_seen_subcommand_from help" -f -a "client" -d 'Send datagrams and match the replies'
complete -c netlab -n "__fish_netlab_using_subcommand udp; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c netlab -n "__fish_netlab_using_subcommand resolve" -l timeout -d 'Give up on a lookup after SECS seconds' -r
complete -c netlab -n "__fish_netlab_using_subcommand resolve" -l log-format -d 'Format of stderr logs, trace lines and side notes (the error line stays `netlab: …`)' -r -f -a "text\t''
json\t''"
complete -c netlab -n "__fish_netlab_using_subcommand resolve" -s 4 -d 'IPv4 only'
complete -c netlab -n "__fish_netlab_using_subcommand resolve" -s 6 -d 'IPv6 only'
complete -c netlab -n "__fish_netlab_using_subcommand resolve" -l json -d 'Machine output: one JSON object per line on stdout, each with an "event" field'
complete -c netlab -n "__fish_netlab_using_subcommand resolve" -l trace -d 'Narrate every socket and file system call on stderr, in C notation, with its result'
complete -c netlab -n "__fish_netlab_using_subcommand resolve" -s v -l verbose -d 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides'
complete -c netlab -n "__fish_netlab_using_subcommand resolve" -s q -l quiet -d 'Only errors on stderr'
complete -c netlab -n "__fish_netlab_using_subcommand resolve" -s h -l help -d 'Print help'
complete -c netlab -n "__fish_netlab_using_subcommand resolve" -s V -l version -d 'Print version'
complete -c netlab -n "__fish_netlab_using_subcommand sockopt; and not __fish_seen_subcommand_from list get set help" -l log-format -d 'Format of stderr logs, trace lines and side notes (the error line stays `netlab: …`)' -r -f -a "text\t''
json\t''"
complete -c netlab -n "__fish_netlab_using_subcommand sockopt; and not __fish_seen_subcommand_from list get set help" -l json -d 'Machine output: one JSON object per line on stdout, each with an "event" field'
complete -c netlab -n "__fish_netlab_using_subcommand sockopt; and not __fish_seen_subcommand_from list get set help" -l trace -d 'Narrate every socket and file system call on stderr, in C notation, with its result'
complete -c netlab -n "__fish_netlab_using_subcommand sockopt; and not __fish_seen_subcommand_from list get set help" -s v -l verbose -d 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides'
complete -c netlab -n "__fish_netlab_using_subcommand sockopt; and not __fish_seen_subcommand_from list get set help" -s q -l quiet -d 'Only errors on stderr'
complete -c netlab -n "__fish_netlab_using_subcommand sockopt; and not __fish_seen_subcommand_from list get set help" -s h -l help -d 'Print help'
complete -c netlab -n "__fish_netlab_using_subcommand sockopt; and not __fish_seen_subcommand_from list get set help" -s V -l version -d 'Print version'
complete -c netlab -n "__fish_netlab_using_subcommand sockopt; and not __fish_seen_subcommand_from list get set help" -f -a "list" -d 'List every option netlab knows'
complete -c netlab -n "__fish_netlab_using_subcommand sockopt; and not __fish_seen_subcommand_from list get set help" -f -a "get" -d 'Print option values of a fresh socket (all that apply, or those named)'
complete -c netlab -n "__fish_netlab_using_subcommand sockopt; and not __fish_seen_subcommand_from list get set help" -f -a "set" -d 'Set options on a fresh socket, read them back and explain any difference'
complete -c netlab -n "__fish_netlab_using_subcommand sockopt; and not __fish_seen_subcommand_from list get set help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c netlab -n "__fish_netlab_using_subcommand sockopt; and __fish_seen_subcommand_from list" -l log-format -d 'Format of stderr logs, trace lines and side notes (the error line stays `netlab: …`)' -r -f -a "text\t''
json\t''"
complete -c netlab -n "__fish_netlab_using_subcommand sockopt; and __fish_seen_subcommand_from list" -l json -d 'Machine output: one JSON object per line on stdout, each with an "event" field'
complete -c netlab -n "__fish_netlab_using_subcommand sockopt; and __fish_seen_subcommand_from list" -l trace -d 'Narrate every socket and file system call on stderr, in C notation, with its result'
complete -c netlab -n "__fish_netlab_using_subcommand sockopt; and __fish_seen_subcommand_from list" -s v -l verbose -d 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides'
complete -c netlab -n "__fish_netlab_using_subcommand sockopt; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Only errors on stderr'
complete -c netlab -n "__fish_netlab_using_subcommand sockopt; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c netlab -n "__fish_netlab_using_subcommand sockopt; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c netlab -n "__fish_netlab_using_subcommand sockopt; and __fish_seen_subcommand_from get" -l type -d 'Socket type' -r -f -a "tcp\t''
udp\t''"
complete -c netlab -n "__fish_netlab_using_subcommand sockopt; and __fish_seen_subcommand_from get" -l log-format -d 'Format of stderr logs, trace lines and side notes (the error line stays `netlab: …`)' -r -f -a "text\t''
json\t''"
complete -c netlab -n "__fish_netlab_using_subcommand sockopt; and __fish_seen_subcommand_from get" -s 4 -d 'IPv4 only'
complete -c netlab -n "__fish_netlab_using_subcommand sockopt; and __fish_seen_subcommand_from get" -s 6 -d 'IPv6 only'
complete -c netlab -n "__fish_netlab_using_subcommand sockopt; and __fish_seen_subcommand_from get" -l json -d 'Machine output: one JSON object per line on stdout, each with an "event" field'
complete -c netlab -n "__fish_netlab_using_subcommand sockopt; and __fish_seen_subcommand_from get" -l trace -d 'Narrate every socket and file system call on stderr, in C notation, with its result'
complete -c netlab -n "__fish_netlab_using_subcommand sockopt; and __fish_seen_subcommand_from get" -s v -l verbose -d 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides'
complete -c netlab -n "__fish_netlab_using_subcommand sockopt; and __fish_seen_subcommand_from get" -s q -l quiet -d 'Only errors on stderr'
complete -c netlab -n "__fish_netlab_using_subcommand sockopt; and __fish_seen_subcommand_from get" -s h -l help -d 'Print help'
complete -c netlab -n "__fish_netlab_using_subcommand sockopt; and __fish_seen_subcommand_from get" -s V -l version -d 'Print version'
complete -c netlab -n "__fish_netlab_using_subcommand sockopt; and __fish_seen_subcommand_from set" -l type -d 'Socket type' -r -f -a "tcp\t''
udp\t''"
complete -c netlab -n "__fish_netlab_using_subcommand sockopt; and __fish_seen_subcommand_from set" -l log-format -d 'Format of stderr logs, trace lines and side notes (the error line stays `netlab: …`)' -r -f -a "text\t''
json\t''"
complete -c netlab -n "__fish_netlab_using_subcommand sockopt; and __fish_seen_subcommand_from set" -s 4 -d 'IPv4 only'
complete -c netlab -n "__fish_netlab_using_subcommand sockopt; and __fish_seen_subcommand_from set" -s 6 -d 'IPv6 only'
complete -c netlab -n "__fish_netlab_using_subcommand sockopt; and __fish_seen_subcommand_from set" -l json -d 'Machine output: one JSON object per line on stdout, each with an "event" field'
complete -c netlab -n "__fish_netlab_using_subcommand sockopt; and __fish_seen_subcommand_from set" -l trace -d 'Narrate every socket and file system call on stderr, in C notation, with its result'
complete -c netlab -n "__fish_netlab_using_subcommand sockopt; and __fish_seen_subcommand_from set" -s v -l verbose -d 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides'
complete -c netlab -n "__fish_netlab_using_subcommand sockopt; and __fish_seen_subcommand_from set" -s q -l quiet -d 'Only errors on stderr'
complete -c netlab -n "__fish_netlab_using_subcommand sockopt; and __fish_seen_subcommand_from set" -s h -l help -d 'Print help'
complete -c netlab -n "__fish_netlab_using_subcommand sockopt; and __fish_seen_subcommand_from set" -s V -l version -d 'Print version'
complete -c netlab -n "__fish_netlab_using_subcommand sockopt; and __fish_seen_subcommand_from help" -f -a "list" -d 'List every option netlab knows'
complete -c netlab -n "__fish_netlab_using_subcommand sockopt; and __fish_seen_subcommand_from help" -f -a "get" -d 'Print option values of a fresh socket (all that apply, or those named)'
complete -c netlab -n "__fish_netlab_using_subcommand sockopt; and __fish_seen_subcommand_from help" -f -a "set" -d 'Set options on a fresh socket, read them back and explain any difference'
complete -c netlab -n "__fish_netlab_using_subcommand sockopt; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c netlab -n "__fish_netlab_using_subcommand byteorder" -l log-format -d 'Format of stderr logs, trace lines and side notes (the error line stays `netlab: …`)' -r -f -a "text\t''
json\t''"
complete -c netlab -n "__fish_netlab_using_subcommand byteorder" -l json -d 'Machine output: one JSON object per line on stdout, each with an "event" field'
complete -c netlab -n "__fish_netlab_using_subcommand byteorder" -l trace -d 'Narrate every socket and file system call on stderr, in C notation, with its result'
complete -c netlab -n "__fish_netlab_using_subcommand byteorder" -s v -l verbose -d 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides'
complete -c netlab -n "__fish_netlab_using_subcommand byteorder" -s q -l quiet -d 'Only errors on stderr'
complete -c netlab -n "__fish_netlab_using_subcommand byteorder" -s h -l help -d 'Print help'
complete -c netlab -n "__fish_netlab_using_subcommand byteorder" -s V -l version -d 'Print version'
complete -c netlab -n "__fish_netlab_using_subcommand fileio; and not __fish_seen_subcommand_from write read fds help" -l log-format -d 'Format of stderr logs, trace lines and side notes (the error line stays `netlab: …`)' -r -f -a "text\t''
json\t''"
complete -c netlab -n "__fish_netlab_using_subcommand fileio; and not __fish_seen_subcommand_from write read fds help" -l json -d 'Machine output: one JSON object per line on stdout, each with an "event" field'
complete -c netlab -n "__fish_netlab_using_subcommand fileio; and not __fish_seen_subcommand_from write read fds help" -l trace -d 'Narrate every socket and file system call on stderr, in C notation, with its result'
complete -c netlab -n "__fish_netlab_using_subcommand fileio; and not __fish_seen_subcommand_from write read fds help" -s v -l verbose -d 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides'
complete -c netlab -n "__fish_netlab_using_subcommand fileio; and not __fish_seen_subcommand_from write read fds help" -s q -l quiet -d 'Only errors on stderr'
complete -c netlab -n "__fish_netlab_using_subcommand fileio; and not __fish_seen_subcommand_from write read fds help" -s h -l help -d 'Print help'
complete -c netlab -n "__fish_netlab_using_subcommand fileio; and not __fish_seen_subcommand_from write read fds help" -s V -l version -d 'Print version'
complete -c netlab -n "__fish_netlab_using_subcommand fileio; and not __fish_seen_subcommand_from write read fds help" -f -a "write" -d 'open(2) and write(2) data from --data or stdin; partial writes are retried'
complete -c netlab -n "__fish_netlab_using_subcommand fileio; and not __fish_seen_subcommand_from write read fds help" -f -a "read" -d 'open(2) and read(2) a file to stdout, binary-safe'
complete -c netlab -n "__fish_netlab_using_subcommand fileio; and not __fish_seen_subcommand_from write read fds help" -f -a "fds" -d 'Show descriptors 0/1/2 and those handed to a file, a TCP and a UDP socket'
complete -c netlab -n "__fish_netlab_using_subcommand fileio; and not __fish_seen_subcommand_from write read fds help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c netlab -n "__fish_netlab_using_subcommand fileio; and __fish_seen_subcommand_from write" -l flags -d 'Open flags: a list (creat,wronly,trunc) or C spelling (O_CREAT|O_WRONLY)' -r
complete -c netlab -n "__fish_netlab_using_subcommand fileio; and __fish_seen_subcommand_from write" -l mode -d 'Mode for a created file: octal (0644), symbolic (u=rw,g=r,o=r) or S_IRUSR|S_IWUSR; the umask is applied' -r
complete -c netlab -n "__fish_netlab_using_subcommand fileio; and __fish_seen_subcommand_from write" -l data -d 'Data to write (default: all of stdin)' -r
complete -c netlab -n "__fish_netlab_using_subcommand fileio; and __fish_seen_subcommand_from write" -l log-format -d 'Format of stderr logs, trace lines and side notes (the error line stays `netlab: …`)' -r -f -a "text\t''
json\t''"
complete -c netlab -n "__fish_netlab_using_subcommand fileio; and __fish_seen_subcommand_from write" -l nofollow -d 'Add O_NOFOLLOW: refuse to open through a symbolic link'
complete -c netlab -n "__fish_netlab_using_subcommand fileio; and __fish_seen_subcommand_from write" -l json -d 'Machine output: one JSON object per line on stdout, each with an "event" field'
complete -c netlab -n "__fish_netlab_using_subcommand fileio; and __fish_seen_subcommand_from write" -l trace -d 'Narrate every socket and file system call on stderr, in C notation, with its result'
complete -c netlab -n "__fish_netlab_using_subcommand fileio; and __fish_seen_subcommand_from write" -s v -l verbose -d 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides'
complete -c netlab -n "__fish_netlab_using_subcommand fileio; and __fish_seen_subcommand_from write" -s q -l quiet -d 'Only errors on stderr'
complete -c netlab -n "__fish_netlab_using_subcommand fileio; and __fish_seen_subcommand_from write" -s h -l help -d 'Print help'
complete -c netlab -n "__fish_netlab_using_subcommand fileio; and __fish_seen_subcommand_from write" -s V -l version -d 'Print version'
complete -c netlab -n "__fish_netlab_using_subcommand fileio; and __fish_seen_subcommand_from read" -l count -d 'Read at most N bytes' -r
complete -c netlab -n "__fish_netlab_using_subcommand fileio; and __fish_seen_subcommand_from read" -l offset -d 'lseek(2) to this offset before reading' -r
complete -c netlab -n "__fish_netlab_using_subcommand fileio; and __fish_seen_subcommand_from read" -l buffer-size -d 'Bytes asked for in each read(2) call' -r
complete -c netlab -n "__fish_netlab_using_subcommand fileio; and __fish_seen_subcommand_from read" -l flags -d 'Open flags (must include rdonly or rdwr)' -r
complete -c netlab -n "__fish_netlab_using_subcommand fileio; and __fish_seen_subcommand_from read" -l log-format -d 'Format of stderr logs, trace lines and side notes (the error line stays `netlab: …`)' -r -f -a "text\t''
json\t''"
complete -c netlab -n "__fish_netlab_using_subcommand fileio; and __fish_seen_subcommand_from read" -l nofollow -d 'Add O_NOFOLLOW: refuse to open through a symbolic link'
complete -c netlab -n "__fish_netlab_using_subcommand fileio; and __fish_seen_subcommand_from read" -l json -d 'Machine output: one JSON object per line on stdout, each with an "event" field'
complete -c netlab -n "__fish_netlab_using_subcommand fileio; and __fish_seen_subcommand_from read" -l trace -d 'Narrate every socket and file system call on stderr, in C notation, with its result'
complete -c netlab -n "__fish_netlab_using_subcommand fileio; and __fish_seen_subcommand_from read" -s v -l verbose -d 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides'
complete -c netlab -n "__fish_netlab_using_subcommand fileio; and __fish_seen_subcommand_from read" -s q -l quiet -d 'Only errors on stderr'
complete -c netlab -n "__fish_netlab_using_subcommand fileio; and __fish_seen_subcommand_from read" -s h -l help -d 'Print help'
complete -c netlab -n "__fish_netlab_using_subcommand fileio; and __fish_seen_subcommand_from read" -s V -l version -d 'Print version'
complete -c netlab -n "__fish_netlab_using_subcommand fileio; and __fish_seen_subcommand_from fds" -l log-format -d 'Format of stderr logs, trace lines and side notes (the error line stays `netlab: …`)' -r -f -a "text\t''
json\t''"
complete -c netlab -n "__fish_netlab_using_subcommand fileio; and __fish_seen_subcommand_from fds" -l json -d 'Machine output: one JSON object per line on stdout, each with an "event" field'
complete -c netlab -n "__fish_netlab_using_subcommand fileio; and __fish_seen_subcommand_from fds" -l trace -d 'Narrate every socket and file system call on stderr, in C notation, with its result'
complete -c netlab -n "__fish_netlab_using_subcommand fileio; and __fish_seen_subcommand_from fds" -s v -l verbose -d 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides'
complete -c netlab -n "__fish_netlab_using_subcommand fileio; and __fish_seen_subcommand_from fds" -s q -l quiet -d 'Only errors on stderr'
complete -c netlab -n "__fish_netlab_using_subcommand fileio; and __fish_seen_subcommand_from fds" -s h -l help -d 'Print help'
complete -c netlab -n "__fish_netlab_using_subcommand fileio; and __fish_seen_subcommand_from fds" -s V -l version -d 'Print version'
complete -c netlab -n "__fish_netlab_using_subcommand fileio; and __fish_seen_subcommand_from help" -f -a "write" -d 'open(2) and write(2) data from --data or stdin; partial writes are retried'
complete -c netlab -n "__fish_netlab_using_subcommand fileio; and __fish_seen_subcommand_from help" -f -a "read" -d 'open(2) and read(2) a file to stdout, binary-safe'
complete -c netlab -n "__fish_netlab_using_subcommand fileio; and __fish_seen_subcommand_from help" -f -a "fds" -d 'Show descriptors 0/1/2 and those handed to a file, a TCP and a UDP socket'
complete -c netlab -n "__fish_netlab_using_subcommand fileio; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c netlab -n "__fish_netlab_using_subcommand process; and not __fish_seen_subcommand_from fork zombie wait sigchld help" -l log-format -d 'Format of stderr logs, trace lines and side notes (the error line stays `netlab: …`)' -r -f -a "text\t''
json\t''"
complete -c netlab -n "__fish_netlab_using_subcommand process; and not __fish_seen_subcommand_from fork zombie wait sigchld help" -l json -d 'Machine output: one JSON object per line on stdout, each with an "event" field'
complete -c netlab -n "__fish_netlab_using_subcommand process; and not __fish_seen_subcommand_from fork zombie wait sigchld help" -l trace -d 'Narrate every socket and file system call on stderr, in C notation, with its result'
complete -c netlab -n "__fish_netlab_using_subcommand process; and not __fish_seen_subcommand_from fork zombie wait sigchld help" -s v -l verbose -d 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides'
complete -c netlab -n "__fish_netlab_using_subcommand process; and not __fish_seen_subcommand_from fork zombie wait sigchld help" -s q -l quiet -d 'Only errors on stderr'
complete -c netlab -n "__fish_netlab_using_subcommand process; and not __fish_seen_subcommand_from fork zombie wait sigchld help" -s h -l help -d 'Print help'
complete -c netlab -n "__fish_netlab_using_subcommand process; and not __fish_seen_subcommand_from fork zombie wait sigchld help" -s V -l version -d 'Print version'
complete -c netlab -n "__fish_netlab_using_subcommand process; and not __fish_seen_subcommand_from fork zombie wait sigchld help" -f -a "fork" -d 'fork.c: the parent and the child each change their own copy of two variables'
complete -c netlab -n "__fish_netlab_using_subcommand process; and not __fish_seen_subcommand_from fork zombie wait sigchld help" -f -a "zombie" -d 'zombie.c: a child exits while its parent does not wait; ps shows it as Z'
complete -c netlab -n "__fish_netlab_using_subcommand process; and not __fish_seen_subcommand_from fork zombie wait sigchld help" -f -a "wait" -d 'wait.c and waitpid.c: wait for a child and decode its status'
complete -c netlab -n "__fish_netlab_using_subcommand process; and not __fish_seen_subcommand_from fork zombie wait sigchld help" -f -a "sigchld" -d 'remove_zombie.c: N children exit at once; a handler that waits once per SIGCHLD leaks zombies'
complete -c netlab -n "__fish_netlab_using_subcommand process; and not __fish_seen_subcommand_from fork zombie wait sigchld help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c netlab -n "__fish_netlab_using_subcommand process; and __fish_seen_subcommand_from fork" -l log-format -d 'Format of stderr logs, trace lines and side notes (the error line stays `netlab: …`)' -r -f -a "text\t''
json\t''"
complete -c netlab -n "__fish_netlab_using_subcommand process; and __fish_seen_subcommand_from fork" -l json -d 'Machine output: one JSON object per line on stdout, each with an "event" field'
complete -c netlab -n "__fish_netlab_using_subcommand process; and __fish_seen_subcommand_from fork" -l trace -d 'Narrate every socket and file system call on stderr, in C notation, with its result'
complete -c netlab -n "__fish_netlab_using_subcommand process; and __fish_seen_subcommand_from fork" -s v -l verbose -d 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides'
complete -c netlab -n "__fish_netlab_using_subcommand process; and __fish_seen_subcommand_from fork" -s q -l quiet -d 'Only errors on stderr'
complete -c netlab -n "__fish_netlab_using_subcommand process; and __fish_seen_subcommand_from fork" -s h -l help -d 'Print help'
complete -c netlab -n "__fish_netlab_using_subcommand process; and __fish_seen_subcommand_from fork" -s V -l version -d 'Print version'
complete -c netlab -n "__fish_netlab_using_subcommand process; and __fish_seen_subcommand_from zombie" -l reap -d 'How the parent reaps its child' -r -f -a "none\t'the parent ends without waiting: the orphan is adopted and reaped by its new parent'
wait\t'wait(&status)'
waitpid\t'waitpid(pid, &status, 0)'
sigchld\t'a SIGCHLD handler installed first reaps it at once: no zombie'"
complete -c netlab -n "__fish_netlab_using_subcommand process; and __fish_seen_subcommand_from zombie" -l hold -d 'How long the parent holds without waiting (0..60 s)' -r
complete -c netlab -n "__fish_netlab_using_subcommand process; and __fish_seen_subcommand_from zombie" -l exit -d 'The child\'s exit code' -r
complete -c netlab -n "__fish_netlab_using_subcommand process; and __fish_seen_subcommand_from zombie" -l log-format -d 'Format of stderr logs, trace lines and side notes (the error line stays `netlab: …`)' -r -f -a "text\t''
json\t''"
complete -c netlab -n "__fish_netlab_using_subcommand process; and __fish_seen_subcommand_from zombie" -l json -d 'Machine output: one JSON object per line on stdout, each with an "event" field'
complete -c netlab -n "__fish_netlab_using_subcommand process; and __fish_seen_subcommand_from zombie" -l trace -d 'Narrate every socket and file system call on stderr, in C notation, with its result'
complete -c netlab -n "__fish_netlab_using_subcommand process; and __fish_seen_subcommand_from zombie" -s v -l verbose -d 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides'
complete -c netlab -n "__fish_netlab_using_subcommand process; and __fish_seen_subcommand_from zombie" -s q -l quiet -d 'Only errors on stderr'
complete -c netlab -n "__fish_netlab_using_subcommand process; and __fish_seen_subcommand_from zombie" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c netlab -n "__fish_netlab_using_subcommand process; and __fish_seen_subcommand_from zombie" -s V -l version -d 'Print version'
complete -c netlab -n "__fish_netlab_using_subcommand process; and __fish_seen_subcommand_from wait" -l call -d 'The call the parent waits with' -r -f -a "wait\t'wait(&status): any child, blocking'
waitpid\t'waitpid(pid, &status, options): that child; with --nohang, without blocking'"
complete -c netlab -n "__fish_netlab_using_subcommand process; and __fish_seen_subcommand_from wait" -l exit -d 'The child exits with CODE [default: 3]' -r
complete -c netlab -n "__fish_netlab_using_subcommand process; and __fish_seen_subcommand_from wait" -l signal -d 'The child dies of this signal instead (TERM, KILL, 9…)' -r
complete -c netlab -n "__fish_netlab_using_subcommand process; and __fish_seen_subcommand_from wait" -l log-format -d 'Format of stderr logs, trace lines and side notes (the error line stays `netlab: …`)' -r -f -a "text\t''
json\t''"
complete -c netlab -n "__fish_netlab_using_subcommand process; and __fish_seen_subcommand_from wait" -l nohang -d 'Poll with waitpid(pid, &status, WNOHANG) until the child has ended (needs --call waitpid)'
complete -c netlab -n "__fish_netlab_using_subcommand process; and __fish_seen_subcommand_from wait" -l json -d 'Machine output: one JSON object per line on stdout, each with an "event" field'
complete -c netlab -n "__fish_netlab_using_subcommand process; and __fish_seen_subcommand_from wait" -l trace -d 'Narrate every socket and file system call on stderr, in C notation, with its result'
complete -c netlab -n "__fish_netlab_using_subcommand process; and __fish_seen_subcommand_from wait" -s v -l verbose -d 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides'
complete -c netlab -n "__fish_netlab_using_subcommand process; and __fish_seen_subcommand_from wait" -s q -l quiet -d 'Only errors on stderr'
complete -c netlab -n "__fish_netlab_using_subcommand process; and __fish_seen_subcommand_from wait" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c netlab -n "__fish_netlab_using_subcommand process; and __fish_seen_subcommand_from wait" -s V -l version -d 'Print version'
complete -c netlab -n "__fish_netlab_using_subcommand process; and __fish_seen_subcommand_from sigchld" -l children -d 'Children that exit at the same moment (1..1000)' -r
complete -c netlab -n "__fish_netlab_using_subcommand process; and __fish_seen_subcommand_from sigchld" -l handler -d 'What the SIGCHLD handler does' -r -f -a "once\t'waitpid once per signal, as remove_zombie.c: signals coalesce, zombies are left'
loop\t'waitpid(-1, WNOHANG) in a loop until it returns 0: none is left'"
complete -c netlab -n "__fish_netlab_using_subcommand process; and __fish_seen_subcommand_from sigchld" -l log-format -d 'Format of stderr logs, trace lines and side notes (the error line stays `netlab: …`)' -r -f -a "text\t''
json\t''"
complete -c netlab -n "__fish_netlab_using_subcommand process; and __fish_seen_subcommand_from sigchld" -l json -d 'Machine output: one JSON object per line on stdout, each with an "event" field'
complete -c netlab -n "__fish_netlab_using_subcommand process; and __fish_seen_subcommand_from sigchld" -l trace -d 'Narrate every socket and file system call on stderr, in C notation, with its result'
complete -c netlab -n "__fish_netlab_using_subcommand process; and __fish_seen_subcommand_from sigchld" -s v -l verbose -d 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides'
complete -c netlab -n "__fish_netlab_using_subcommand process; and __fish_seen_subcommand_from sigchld" -s q -l quiet -d 'Only errors on stderr'
complete -c netlab -n "__fish_netlab_using_subcommand process; and __fish_seen_subcommand_from sigchld" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c netlab -n "__fish_netlab_using_subcommand process; and __fish_seen_subcommand_from sigchld" -s V -l version -d 'Print version'
complete -c netlab -n "__fish_netlab_using_subcommand process; and __fish_seen_subcommand_from help" -f -a "fork" -d 'fork.c: the parent and the child each change their own copy of two variables'
complete -c netlab -n "__fish_netlab_using_subcommand process; and __fish_seen_subcommand_from help" -f -a "zombie" -d 'zombie.c: a child exits while its parent does not wait; ps shows it as Z'
complete -c netlab -n "__fish_netlab_using_subcommand process; and __fish_seen_subcommand_from help" -f -a "wait" -d 'wait.c and waitpid.c: wait for a child and decode its status'
complete -c netlab -n "__fish_netlab_using_subcommand process; and __fish_seen_subcommand_from help" -f -a "sigchld" -d 'remove_zombie.c: N children exit at once; a handler that waits once per SIGCHLD leaks zombies'
complete -c netlab -n "__fish_netlab_using_subcommand process; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c netlab -n "__fish_netlab_using_subcommand signal; and not __fish_seen_subcommand_from alarm eintr help" -l log-format -d 'Format of stderr logs, trace lines and side notes (the error line stays `netlab: …`)' -r -f -a "text\t''
json\t''"
complete -c netlab -n "__fish_netlab_using_subcommand signal; and not __fish_seen_subcommand_from alarm eintr help" -l json -d 'Machine output: one JSON object per line on stdout, each with an "event" field'
complete -c netlab -n "__fish_netlab_using_subcommand signal; and not __fish_seen_subcommand_from alarm eintr help" -l trace -d 'Narrate every socket and file system call on stderr, in C notation, with its result'
complete -c netlab -n "__fish_netlab_using_subcommand signal; and not __fish_seen_subcommand_from alarm eintr help" -s v -l verbose -d 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides'
complete -c netlab -n "__fish_netlab_using_subcommand signal; and not __fish_seen_subcommand_from alarm eintr help" -s q -l quiet -d 'Only errors on stderr'
complete -c netlab -n "__fish_netlab_using_subcommand signal; and not __fish_seen_subcommand_from alarm eintr help" -s h -l help -d 'Print help'
complete -c netlab -n "__fish_netlab_using_subcommand signal; and not __fish_seen_subcommand_from alarm eintr help" -s V -l version -d 'Print version'
complete -c netlab -n "__fish_netlab_using_subcommand signal; and not __fish_seen_subcommand_from alarm eintr help" -f -a "alarm" -d 'signal.c / sigaction.c: alarm(SECS); each SIGALRM cuts a sleep(100) short'
complete -c netlab -n "__fish_netlab_using_subcommand signal; and not __fish_seen_subcommand_from alarm eintr help" -f -a "eintr" -d 'A blocking call with an alarm pending: EINTR without SA_RESTART, restarted with it'
complete -c netlab -n "__fish_netlab_using_subcommand signal; and not __fish_seen_subcommand_from alarm eintr help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c netlab -n "__fish_netlab_using_subcommand signal; and __fish_seen_subcommand_from alarm" -l api -d 'How the handlers are installed' -r -f -a "signal\t'the C library\'s signal(): glibc installs the handler with SA_RESTART'
sigaction\t'sigaction() with sa_flags 0, as the course\'s sigaction.c'"
complete -c netlab -n "__fish_netlab_using_subcommand signal; and __fish_seen_subcommand_from alarm" -l loops -d 'Rounds of `wait...` and sleep(100) (1..100)' -r
complete -c netlab -n "__fish_netlab_using_subcommand signal; and __fish_seen_subcommand_from alarm" -l log-format -d 'Format of stderr logs, trace lines and side notes (the error line stays `netlab: …`)' -r -f -a "text\t''
json\t''"
complete -c netlab -n "__fish_netlab_using_subcommand signal; and __fish_seen_subcommand_from alarm" -l json -d 'Machine output: one JSON object per line on stdout, each with an "event" field'
complete -c netlab -n "__fish_netlab_using_subcommand signal; and __fish_seen_subcommand_from alarm" -l trace -d 'Narrate every socket and file system call on stderr, in C notation, with its result'
complete -c netlab -n "__fish_netlab_using_subcommand signal; and __fish_seen_subcommand_from alarm" -s v -l verbose -d 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides'
complete -c netlab -n "__fish_netlab_using_subcommand signal; and __fish_seen_subcommand_from alarm" -s q -l quiet -d 'Only errors on stderr'
complete -c netlab -n "__fish_netlab_using_subcommand signal; and __fish_seen_subcommand_from alarm" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c netlab -n "__fish_netlab_using_subcommand signal; and __fish_seen_subcommand_from alarm" -s V -l version -d 'Print version'
complete -c netlab -n "__fish_netlab_using_subcommand signal; and __fish_seen_subcommand_from eintr" -l during -d 'The call that blocks' -r -f -a "read\t'read() on an empty pipe nobody writes to'
accept\t'accept() on a listener nobody connects to'
sleep\t'sleep(): never restarted, SA_RESTART or not'"
complete -c netlab -n "__fish_netlab_using_subcommand signal; and __fish_seen_subcommand_from eintr" -l log-format -d 'Format of stderr logs, trace lines and side notes (the error line stays `netlab: …`)' -r -f -a "text\t''
json\t''"
complete -c netlab -n "__fish_netlab_using_subcommand signal; and __fish_seen_subcommand_from eintr" -l restart -d 'Install the handler with SA_RESTART: the kernel restarts the call'
complete -c netlab -n "__fish_netlab_using_subcommand signal; and __fish_seen_subcommand_from eintr" -l json -d 'Machine output: one JSON object per line on stdout, each with an "event" field'
complete -c netlab -n "__fish_netlab_using_subcommand signal; and __fish_seen_subcommand_from eintr" -l trace -d 'Narrate every socket and file system call on stderr, in C notation, with its result'
complete -c netlab -n "__fish_netlab_using_subcommand signal; and __fish_seen_subcommand_from eintr" -s v -l verbose -d 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides'
complete -c netlab -n "__fish_netlab_using_subcommand signal; and __fish_seen_subcommand_from eintr" -s q -l quiet -d 'Only errors on stderr'
complete -c netlab -n "__fish_netlab_using_subcommand signal; and __fish_seen_subcommand_from eintr" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c netlab -n "__fish_netlab_using_subcommand signal; and __fish_seen_subcommand_from eintr" -s V -l version -d 'Print version'
complete -c netlab -n "__fish_netlab_using_subcommand signal; and __fish_seen_subcommand_from help" -f -a "alarm" -d 'signal.c / sigaction.c: alarm(SECS); each SIGALRM cuts a sleep(100) short'
complete -c netlab -n "__fish_netlab_using_subcommand signal; and __fish_seen_subcommand_from help" -f -a "eintr" -d 'A blocking call with an alarm pending: EINTR without SA_RESTART, restarted with it'
complete -c netlab -n "__fish_netlab_using_subcommand signal; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c netlab -n "__fish_netlab_using_subcommand pipe; and not __fish_seen_subcommand_from oneway twoway eof epipe capacity help" -l log-format -d 'Format of stderr logs, trace lines and side notes (the error line stays `netlab: …`)' -r -f -a "text\t''
json\t''"
complete -c netlab -n "__fish_netlab_using_subcommand pipe; and not __fish_seen_subcommand_from oneway twoway eof epipe capacity help" -l json -d 'Machine output: one JSON object per line on stdout, each with an "event" field'
complete -c netlab -n "__fish_netlab_using_subcommand pipe; and not __fish_seen_subcommand_from oneway twoway eof epipe capacity help" -l trace -d 'Narrate every socket and file system call on stderr, in C notation, with its result'
complete -c netlab -n "__fish_netlab_using_subcommand pipe; and not __fish_seen_subcommand_from oneway twoway eof epipe capacity help" -s v -l verbose -d 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides'
complete -c netlab -n "__fish_netlab_using_subcommand pipe; and not __fish_seen_subcommand_from oneway twoway eof epipe capacity help" -s q -l quiet -d 'Only errors on stderr'
complete -c netlab -n "__fish_netlab_using_subcommand pipe; and not __fish_seen_subcommand_from oneway twoway eof epipe capacity help" -s h -l help -d 'Print help'
complete -c netlab -n "__fish_netlab_using_subcommand pipe; and not __fish_seen_subcommand_from oneway twoway eof epipe capacity help" -s V -l version -d 'Print version'
complete -c netlab -n "__fish_netlab_using_subcommand pipe; and not __fish_seen_subcommand_from oneway twoway eof epipe capacity help" -f -a "oneway" -d 'pipe1.c: the child writes, the parent reads'
complete -c netlab -n "__fish_netlab_using_subcommand pipe; and not __fish_seen_subcommand_from oneway twoway eof epipe capacity help" -f -a "twoway" -d 'pipe2.c (one pipe, both ways) and pipe3.c (two pipes)'
complete -c netlab -n "__fish_netlab_using_subcommand pipe; and not __fish_seen_subcommand_from oneway twoway eof epipe capacity help" -f -a "eof" -d 'EOF comes only when every write end is closed'
complete -c netlab -n "__fish_netlab_using_subcommand pipe; and not __fish_seen_subcommand_from oneway twoway eof epipe capacity help" -f -a "epipe" -d 'Writing after every read end is closed: SIGPIPE, or EPIPE'
complete -c netlab -n "__fish_netlab_using_subcommand pipe; and not __fish_seen_subcommand_from oneway twoway eof epipe capacity help" -f -a "capacity" -d 'How much a pipe holds, and which writes are atomic (PIPE_BUF)'
complete -c netlab -n "__fish_netlab_using_subcommand pipe; and not __fish_seen_subcommand_from oneway twoway eof epipe capacity help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c netlab -n "__fish_netlab_using_subcommand pipe; and __fish_seen_subcommand_from oneway" -l data -d 'What the child writes' -r
complete -c netlab -n "__fish_netlab_using_subcommand pipe; and __fish_seen_subcommand_from oneway" -l log-format -d 'Format of stderr logs, trace lines and side notes (the error line stays `netlab: …`)' -r -f -a "text\t''
json\t''"
complete -c netlab -n "__fish_netlab_using_subcommand pipe; and __fish_seen_subcommand_from oneway" -l json -d 'Machine output: one JSON object per line on stdout, each with an "event" field'
complete -c netlab -n "__fish_netlab_using_subcommand pipe; and __fish_seen_subcommand_from oneway" -l trace -d 'Narrate every socket and file system call on stderr, in C notation, with its result'
complete -c netlab -n "__fish_netlab_using_subcommand pipe; and __fish_seen_subcommand_from oneway" -s v -l verbose -d 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides'
complete -c netlab -n "__fish_netlab_using_subcommand pipe; and __fish_seen_subcommand_from oneway" -s q -l quiet -d 'Only errors on stderr'
complete -c netlab -n "__fish_netlab_using_subcommand pipe; and __fish_seen_subcommand_from oneway" -s h -l help -d 'Print help'
complete -c netlab -n "__fish_netlab_using_subcommand pipe; and __fish_seen_subcommand_from oneway" -s V -l version -d 'Print version'
complete -c netlab -n "__fish_netlab_using_subcommand pipe; and __fish_seen_subcommand_from twoway" -l pipes -d '1: one pipe for both directions (pipe2.c); 2: one pipe each way (pipe3.c)' -r
complete -c netlab -n "__fish_netlab_using_subcommand pipe; and __fish_seen_subcommand_from twoway" -l log-format -d 'Format of stderr logs, trace lines and side notes (the error line stays `netlab: …`)' -r -f -a "text\t''
json\t''"
complete -c netlab -n "__fish_netlab_using_subcommand pipe; and __fish_seen_subcommand_from twoway" -l json -d 'Machine output: one JSON object per line on stdout, each with an "event" field'
complete -c netlab -n "__fish_netlab_using_subcommand pipe; and __fish_seen_subcommand_from twoway" -l trace -d 'Narrate every socket and file system call on stderr, in C notation, with its result'
complete -c netlab -n "__fish_netlab_using_subcommand pipe; and __fish_seen_subcommand_from twoway" -s v -l verbose -d 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides'
complete -c netlab -n "__fish_netlab_using_subcommand pipe; and __fish_seen_subcommand_from twoway" -s q -l quiet -d 'Only errors on stderr'
complete -c netlab -n "__fish_netlab_using_subcommand pipe; and __fish_seen_subcommand_from twoway" -s h -l help -d 'Print help'
complete -c netlab -n "__fish_netlab_using_subcommand pipe; and __fish_seen_subcommand_from twoway" -s V -l version -d 'Print version'
complete -c netlab -n "__fish_netlab_using_subcommand pipe; and __fish_seen_subcommand_from eof" -l log-format -d 'Format of stderr logs, trace lines and side notes (the error line stays `netlab: …`)' -r -f -a "text\t''
json\t''"
complete -c netlab -n "__fish_netlab_using_subcommand pipe; and __fish_seen_subcommand_from eof" -l leak -d 'The parent keeps its copy of the write end open: EOF never comes'
complete -c netlab -n "__fish_netlab_using_subcommand pipe; and __fish_seen_subcommand_from eof" -l json -d 'Machine output: one JSON object per line on stdout, each with an "event" field'
complete -c netlab -n "__fish_netlab_using_subcommand pipe; and __fish_seen_subcommand_from eof" -l trace -d 'Narrate every socket and file system call on stderr, in C notation, with its result'
complete -c netlab -n "__fish_netlab_using_subcommand pipe; and __fish_seen_subcommand_from eof" -s v -l verbose -d 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides'
complete -c netlab -n "__fish_netlab_using_subcommand pipe; and __fish_seen_subcommand_from eof" -s q -l quiet -d 'Only errors on stderr'
complete -c netlab -n "__fish_netlab_using_subcommand pipe; and __fish_seen_subcommand_from eof" -s h -l help -d 'Print help'
complete -c netlab -n "__fish_netlab_using_subcommand pipe; and __fish_seen_subcommand_from eof" -s V -l version -d 'Print version'
complete -c netlab -n "__fish_netlab_using_subcommand pipe; and __fish_seen_subcommand_from epipe" -l log-format -d 'Format of stderr logs, trace lines and side notes (the error line stays `netlab: …`)' -r -f -a "text\t''
json\t''"
complete -c netlab -n "__fish_netlab_using_subcommand pipe; and __fish_seen_subcommand_from epipe" -l ignore-sigpipe -d 'The writer ignores SIGPIPE: write() fails with EPIPE instead'
complete -c netlab -n "__fish_netlab_using_subcommand pipe; and __fish_seen_subcommand_from epipe" -l json -d 'Machine output: one JSON object per line on stdout, each with an "event" field'
complete -c netlab -n "__fish_netlab_using_subcommand pipe; and __fish_seen_subcommand_from epipe" -l trace -d 'Narrate every socket and file system call on stderr, in C notation, with its result'
complete -c netlab -n "__fish_netlab_using_subcommand pipe; and __fish_seen_subcommand_from epipe" -s v -l verbose -d 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides'
complete -c netlab -n "__fish_netlab_using_subcommand pipe; and __fish_seen_subcommand_from epipe" -s q -l quiet -d 'Only errors on stderr'
complete -c netlab -n "__fish_netlab_using_subcommand pipe; and __fish_seen_subcommand_from epipe" -s h -l help -d 'Print help'
complete -c netlab -n "__fish_netlab_using_subcommand pipe; and __fish_seen_subcommand_from epipe" -s V -l version -d 'Print version'
complete -c netlab -n "__fish_netlab_using_subcommand pipe; and __fish_seen_subcommand_from capacity" -l log-format -d 'Format of stderr logs, trace lines and side notes (the error line stays `netlab: …`)' -r -f -a "text\t''
json\t''"
complete -c netlab -n "__fish_netlab_using_subcommand pipe; and __fish_seen_subcommand_from capacity" -l json -d 'Machine output: one JSON object per line on stdout, each with an "event" field'
complete -c netlab -n "__fish_netlab_using_subcommand pipe; and __fish_seen_subcommand_from capacity" -l trace -d 'Narrate every socket and file system call on stderr, in C notation, with its result'
complete -c netlab -n "__fish_netlab_using_subcommand pipe; and __fish_seen_subcommand_from capacity" -s v -l verbose -d 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides'
complete -c netlab -n "__fish_netlab_using_subcommand pipe; and __fish_seen_subcommand_from capacity" -s q -l quiet -d 'Only errors on stderr'
complete -c netlab -n "__fish_netlab_using_subcommand pipe; and __fish_seen_subcommand_from capacity" -s h -l help -d 'Print help'
complete -c netlab -n "__fish_netlab_using_subcommand pipe; and __fish_seen_subcommand_from capacity" -s V -l version -d 'Print version'
complete -c netlab -n "__fish_netlab_using_subcommand pipe; and __fish_seen_subcommand_from help" -f -a "oneway" -d 'pipe1.c: the child writes, the parent reads'
complete -c netlab -n "__fish_netlab_using_subcommand pipe; and __fish_seen_subcommand_from help" -f -a "twoway" -d 'pipe2.c (one pipe, both ways) and pipe3.c (two pipes)'
complete -c netlab -n "__fish_netlab_using_subcommand pipe; and __fish_seen_subcommand_from help" -f -a "eof" -d 'EOF comes only when every write end is closed'
complete -c netlab -n "__fish_netlab_using_subcommand pipe; and __fish_seen_subcommand_from help" -f -a "epipe" -d 'Writing after every read end is closed: SIGPIPE, or EPIPE'
complete -c netlab -n "__fish_netlab_using_subcommand pipe; and __fish_seen_subcommand_from help" -f -a "capacity" -d 'How much a pipe holds, and which writes are atomic (PIPE_BUF)'
complete -c netlab -n "__fish_netlab_using_subcommand pipe; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c netlab -n "__fish_netlab_using_subcommand demo" -l log-format -d 'Format of stderr logs, trace lines and side notes (the error line stays `netlab: …`)' -r -f -a "text\t''
json\t''"
complete -c netlab -n "__fish_netlab_using_subcommand demo" -l json -d 'Machine output: one JSON object per line on stdout, each with an "event" field'
complete -c netlab -n "__fish_netlab_using_subcommand demo" -l trace -d 'Narrate every socket and file system call on stderr, in C notation, with its result'
complete -c netlab -n "__fish_netlab_using_subcommand demo" -s v -l verbose -d 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides'
complete -c netlab -n "__fish_netlab_using_subcommand demo" -s q -l quiet -d 'Only errors on stderr'
complete -c netlab -n "__fish_netlab_using_subcommand demo" -s h -l help -d 'Print help'
complete -c netlab -n "__fish_netlab_using_subcommand demo" -s V -l version -d 'Print version'
complete -c netlab -n "__fish_netlab_using_subcommand help; and not __fish_seen_subcommand_from echo-server echo-client udp resolve sockopt byteorder fileio process signal pipe demo help" -f -a "echo-server" -d 'TCP (or Unix-domain) echo server: iterative, fork, select, poll, epoll, thread or uring model'
complete -c netlab -n "__fish_netlab_using_subcommand help; and not __fish_seen_subcommand_from echo-server echo-client udp resolve sockopt byteorder fileio process signal pipe demo help" -f -a "echo-client" -d 'TCP (or Unix-domain) echo client: prompt, stream, --message or --split; every byte verified'
complete -c netlab -n "__fish_netlab_using_subcommand help; and not __fish_seen_subcommand_from echo-server echo-client udp resolve sockopt byteorder fileio process signal pipe demo help" -f -a "udp" -d 'UDP (or Unix-domain datagram) echo: server and client (loss, duplicates, reordering, RTT)'
complete -c netlab -n "__fish_netlab_using_subcommand help; and not __fish_seen_subcommand_from echo-server echo-client udp resolve sockopt byteorder fileio process signal pipe demo help" -f -a "resolve" -d 'Names to addresses (struct hostent) and addresses to names'
complete -c netlab -n "__fish_netlab_using_subcommand help; and not __fish_seen_subcommand_from echo-server echo-client udp resolve sockopt byteorder fileio process signal pipe demo help" -f -a "sockopt" -d 'Socket options on a fresh socket: list, get, set (and why the kernel changed your value)'
complete -c netlab -n "__fish_netlab_using_subcommand help; and not __fish_seen_subcommand_from echo-server echo-client udp resolve sockopt byteorder fileio process signal pipe demo help" -f -a "byteorder" -d 'Host and network byte order: htons/ntohs/htonl/ntohl, inet_addr/inet_aton/inet_ntoa'
complete -c netlab -n "__fish_netlab_using_subcommand help; and not __fish_seen_subcommand_from echo-server echo-client udp resolve sockopt byteorder fileio process signal pipe demo help" -f -a "fileio" -d 'Low-level file I/O: open/read/write explained, and the fds the kernel hands out'
complete -c netlab -n "__fish_netlab_using_subcommand help; and not __fish_seen_subcommand_from echo-server echo-client udp resolve sockopt byteorder fileio process signal pipe demo help" -f -a "process" -d 'Processes as the course runs them: fork, zombies, wait/waitpid, the SIGCHLD handler'
complete -c netlab -n "__fish_netlab_using_subcommand help; and not __fish_seen_subcommand_from echo-server echo-client udp resolve sockopt byteorder fileio process signal pipe demo help" -f -a "signal" -d 'Signals as the course handles them: signal/sigaction, alarm, and EINTR'
complete -c netlab -n "__fish_netlab_using_subcommand help; and not __fish_seen_subcommand_from echo-server echo-client udp resolve sockopt byteorder fileio process signal pipe demo help" -f -a "pipe" -d 'Pipes between a parent and its child: one way, two ways, EOF, EPIPE, capacity'
complete -c netlab -n "__fish_netlab_using_subcommand help; and not __fish_seen_subcommand_from echo-server echo-client udp resolve sockopt byteorder fileio process signal pipe demo help" -f -a "demo" -d 'A guided tour: every command once on loopback, one line per step'
complete -c netlab -n "__fish_netlab_using_subcommand help; and not __fish_seen_subcommand_from echo-server echo-client udp resolve sockopt byteorder fileio process signal pipe demo help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c netlab -n "__fish_netlab_using_subcommand help; and __fish_seen_subcommand_from udp" -f -a "server" -d 'recvfrom, then sendto the same bytes back to the sender'
complete -c netlab -n "__fish_netlab_using_subcommand help; and __fish_seen_subcommand_from udp" -f -a "client" -d 'Send datagrams and match the replies'
complete -c netlab -n "__fish_netlab_using_subcommand help; and __fish_seen_subcommand_from sockopt" -f -a "list" -d 'List every option netlab knows'
complete -c netlab -n "__fish_netlab_using_subcommand help; and __fish_seen_subcommand_from sockopt" -f -a "get" -d 'Print option values of a fresh socket (all that apply, or those named)'
complete -c netlab -n "__fish_netlab_using_subcommand help; and __fish_seen_subcommand_from sockopt" -f -a "set" -d 'Set options on a fresh socket, read them back and explain any difference'
complete -c netlab -n "__fish_netlab_using_subcommand help; and __fish_seen_subcommand_from fileio" -f -a "write" -d 'open(2) and write(2) data from --data or stdin; partial writes are retried'
complete -c netlab -n "__fish_netlab_using_subcommand help; and __fish_seen_subcommand_from fileio" -f -a "read" -d 'open(2) and read(2) a file to stdout, binary-safe'
complete -c netlab -n "__fish_netlab_using_subcommand help; and __fish_seen_subcommand_from fileio" -f -a "fds" -d 'Show descriptors 0/1/2 and those handed to a file, a TCP and a UDP socket'
complete -c netlab -n "__fish_netlab_using_subcommand help; and __fish_seen_subcommand_from process" -f -a "fork" -d 'fork.c: the parent and the child each change their own copy of two variables'
complete -c netlab -n "__fish_netlab_using_subcommand help; and __fish_seen_subcommand_from process" -f -a "zombie" -d 'zombie.c: a child exits while its parent does not wait; ps shows it as Z'
complete -c netlab -n "__fish_netlab_using_subcommand help; and __fish_seen_subcommand_from process" -f -a "wait" -d 'wait.c and waitpid.c: wait for a child and decode its status'
complete -c netlab -n "__fish_netlab_using_subcommand help; and __fish_seen_subcommand_from process" -f -a "sigchld" -d 'remove_zombie.c: N children exit at once; a handler that waits once per SIGCHLD leaks zombies'
complete -c netlab -n "__fish_netlab_using_subcommand help; and __fish_seen_subcommand_from signal" -f -a "alarm" -d 'signal.c / sigaction.c: alarm(SECS); each SIGALRM cuts a sleep(100) short'
complete -c netlab -n "__fish_netlab_using_subcommand help; and __fish_seen_subcommand_from signal" -f -a "eintr" -d 'A blocking call with an alarm pending: EINTR without SA_RESTART, restarted with it'
complete -c netlab -n "__fish_netlab_using_subcommand help; and __fish_seen_subcommand_from pipe" -f -a "oneway" -d 'pipe1.c: the child writes, the parent reads'
complete -c netlab -n "__fish_netlab_using_subcommand help; and __fish_seen_subcommand_from pipe" -f -a "twoway" -d 'pipe2.c (one pipe, both ways) and pipe3.c (two pipes)'
complete -c netlab -n "__fish_netlab_using_subcommand help; and __fish_seen_subcommand_from pipe" -f -a "eof" -d 'EOF comes only when every write end is closed'
complete -c netlab -n "__fish_netlab_using_subcommand help; and __fish_seen_subcommand_from pipe" -f -a "epipe" -d 'Writing after every read end is closed: SIGPIPE, or EPIPE'
complete -c netlab -n "__fish_netlab_using_subcommand help; and __fish_seen_subcommand_from pipe" -f -a "capacity" -d 'How much a pipe holds, and which writes are atomic (PIPE_BUF)'
