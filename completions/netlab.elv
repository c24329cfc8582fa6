
use builtin;
use str;

set edit:completion:arg-completer[netlab] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'netlab'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'netlab'= {
            cand --log-format 'Format of stderr logs, trace lines and side notes (the error line stays `netlab: …`)'
            cand --json 'Machine output: one JSON object per line on stdout, each with an "event" field'
            cand --trace 'Narrate every socket and file system call on stderr, in C notation, with its result'
            cand -v 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides'
            cand --verbose 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand echo-server 'TCP (or Unix-domain) echo server: iterative, fork, select, poll, epoll, thread or uring model'
            cand echo-client 'TCP (or Unix-domain) echo client: prompt, stream, --message or --split; every byte verified'
            cand udp 'UDP (or Unix-domain datagram) echo: server and client (loss, duplicates, reordering, RTT)'
            cand resolve 'Names to addresses (struct hostent) and addresses to names'
            cand sockopt 'Socket options on a fresh socket: list, get, set (and why the kernel changed your value)'
            cand byteorder 'Host and network byte order: htons/ntohs/htonl/ntohl, inet_addr/inet_aton/inet_ntoa'
            cand fileio 'Low-level file I/O: open/read/write explained, and the fds the kernel hands out'
            cand process 'Processes as the course runs them: fork, zombies, wait/waitpid, the SIGCHLD handler'
            cand signal 'Signals as the course handles them: signal/sigaction, alarm, and EINTR'
            cand pipe 'Pipes between a parent and its child: one way, two ways, EOF, EPIPE, capacity'
            cand demo 'A guided tour: every command once on loopback, one line per step'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'netlab;echo-server'= {
            cand --model 'Server model'
            cand --bind 'Address to bind (default 0.0.0.0, the course''s INADDR_ANY; :: with -6)'
            cand --port 'Port (alternative to the positional PORT)'
            cand --unix 'Listen on a Unix-domain socket file (PF_LOCAL) instead of a port; a stale file nobody listens on is replaced, anything else at the path is left alone'
            cand --backlog 'listen() backlog (default SOMAXCONN; the textbook''s 5 shows queue overflow)'
            cand --buffer-size 'Bytes per read() (default 16K; the textbook uses 30)'
            cand --max-clients 'At most N clients served at once; more wait in the backlog (what ncat calls --max-conns)'
            cand --max-conns 'Exit 0 after N connections were served; once the Nth is accepted, later clients are refused (ncat''s --max-conns is netlab''s --max-clients)'
            cand --idle-timeout 'Drop a client that sends nothing for SECS seconds'
            cand --threads 'N event loops on N threads sharing the port, each with its own SO_REUSEPORT listener (with --unix, sharing the socket file''s one listener; epoll and uring; default 1)'
            cand --log-format 'Format of stderr logs, trace lines and side notes (the error line stays `netlab: …`)'
            cand -4 'IPv4 only'
            cand -6 'IPv6 only'
            cand --no-reuseaddr 'Do not set SO_REUSEADDR: after the server closed a connection first (--idle-timeout), a restart on the same port fails with EADDRINUSE while that connection waits in TIME_WAIT (about 60 s)'
            cand --nagle 'Keep Nagle''s algorithm (do not set TCP_NODELAY): with requests above the loopback MSS (echo-client --size 70000), each echo''s tail waits about 40 ms for the delayed ACK; 100 or 3000 bytes do not show it'
            cand --json 'Machine output: one JSON object per line on stdout, each with an "event" field'
            cand --trace 'Narrate every socket and file system call on stderr, in C notation, with its result'
            cand -v 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides'
            cand --verbose 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'netlab;echo-client'= {
            cand -m 'Send TEXT and print its echo as it came back, byte for byte (on a terminal with control characters escaped; repeatable; any bytes, not only UTF-8)'
            cand --message 'Send TEXT and print its echo as it came back, byte for byte (on a terminal with control characters escaped; repeatable; any bytes, not only UTF-8)'
            cand --timeout 'Give up on connect, or on an echo that stalls, after SECS seconds'
            cand --buffer-size 'Bytes per read()/write()'
            cand --connections 'Load mode: C concurrent connections doing verified request/response'
            cand --size 'Load mode: bytes per request [default: 64]'
            cand --requests 'Load mode: stop after N requests in all'
            cand --duration 'Load mode: run for SECS seconds (default 5 when --requests is not given)'
            cand --idle 'Load mode: hold N extra idle connections open during the run'
            cand --rate 'Load mode, open loop: R requests/s in all, sent on schedule; service time from the actual send'
            cand --threads 'Load mode: N event loops (threads) share the connections [default: 1]'
            cand --interval 'Load mode: a line every SECS: requests, latency, errors, TCP_INFO (rtt, cwnd, retransmits), CPU'
            cand --percentiles 'Load mode: latency percentiles to report, max besides [default: 50,90,99,99.9]'
            cand --unix 'The server''s Unix-domain socket file (PF_LOCAL) instead of HOST and PORT'
            cand --log-format 'Format of stderr logs, trace lines and side notes (the error line stays `netlab: …`)'
            cand -4 'IPv4 only'
            cand -6 'IPv6 only'
            cand --split 'The I/O split: a forked child writes, the parent reads'
            cand --reconnect 'Load mode: every request is a fresh connect, echo, close (connections/s)'
            cand --json 'Machine output: one JSON object per line on stdout, each with an "event" field'
            cand --trace 'Narrate every socket and file system call on stderr, in C notation, with its result'
            cand -v 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides'
            cand --verbose 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'netlab;udp'= {
            cand --log-format 'Format of stderr logs, trace lines and side notes (the error line stays `netlab: …`)'
            cand --json 'Machine output: one JSON object per line on stdout, each with an "event" field'
            cand --trace 'Narrate every socket and file system call on stderr, in C notation, with its result'
            cand -v 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides'
            cand --verbose 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand server 'recvfrom, then sendto the same bytes back to the sender'
            cand client 'Send datagrams and match the replies'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'netlab;udp;server'= {
            cand --bind 'Address to bind (default 0.0.0.0, the course''s INADDR_ANY; :: with -6)'
            cand --port 'Port (alternative to the positional PORT)'
            cand --unix 'Listen on a Unix-domain socket file (PF_LOCAL) instead of a port; a stale file nobody listens on is replaced, anything else at the path is left alone'
            cand --buffer-size 'Largest datagram echoed; longer ones are reported as truncated'
            cand --max-datagrams 'Exit 0 after N datagrams'
            cand --log-format 'Format of stderr logs, trace lines and side notes (the error line stays `netlab: …`)'
            cand -4 'IPv4 only'
            cand -6 'IPv6 only'
            cand --json 'Machine output: one JSON object per line on stdout, each with an "event" field'
            cand --trace 'Narrate every socket and file system call on stderr, in C notation, with its result'
            cand -v 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides'
            cand --verbose 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'netlab;udp;client'= {
            cand -m 'Send TEXT as one datagram and print the reply as it came back, byte for byte (repeatable; any bytes, not only UTF-8)'
            cand --message 'Send TEXT as one datagram and print the reply as it came back, byte for byte (repeatable; any bytes, not only UTF-8)'
            cand --count 'Send N numbered datagrams and match the replies'
            cand --size 'Bytes per numbered datagram (at least 8: the sequence number) [default: 64]'
            cand --interval 'Milliseconds between numbered datagrams [default: 10]'
            cand --timeout 'Milliseconds to wait for a reply before the datagram counts as lost'
            cand --max-loss 'Exit 3 when more than PCT percent are lost'
            cand --unix 'The server''s Unix-domain socket file (PF_LOCAL) instead of HOST and PORT; the client binds a temporary path of its own for the replies and removes it'
            cand --log-format 'Format of stderr logs, trace lines and side notes (the error line stays `netlab: …`)'
            cand -4 'IPv4 only'
            cand -6 'IPv6 only'
            cand --connect 'Connected UDP socket: connect(), then write/read (hears ICMP errors)'
            cand --json 'Machine output: one JSON object per line on stdout, each with an "event" field'
            cand --trace 'Narrate every socket and file system call on stderr, in C notation, with its result'
            cand -v 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides'
            cand --verbose 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'netlab;udp;help'= {
            cand server 'recvfrom, then sendto the same bytes back to the sender'
            cand client 'Send datagrams and match the replies'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'netlab;udp;help;server'= {
        }
        &'netlab;udp;help;client'= {
        }
        &'netlab;udp;help;help'= {
        }
        &'netlab;resolve'= {
            cand --timeout 'Give up on a lookup after SECS seconds'
            cand --log-format 'Format of stderr logs, trace lines and side notes (the error line stays `netlab: …`)'
            cand -4 'IPv4 only'
            cand -6 'IPv6 only'
            cand --json 'Machine output: one JSON object per line on stdout, each with an "event" field'
            cand --trace 'Narrate every socket and file system call on stderr, in C notation, with its result'
            cand -v 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides'
            cand --verbose 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'netlab;sockopt'= {
            cand --log-format 'Format of stderr logs, trace lines and side notes (the error line stays `netlab: …`)'
            cand --json 'Machine output: one JSON object per line on stdout, each with an "event" field'
            cand --trace 'Narrate every socket and file system call on stderr, in C notation, with its result'
            cand -v 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides'
            cand --verbose 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand list 'List every option netlab knows'
            cand get 'Print option values of a fresh socket (all that apply, or those named)'
            cand set 'Set options on a fresh socket, read them back and explain any difference'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'netlab;sockopt;list'= {
            cand --log-format 'Format of stderr logs, trace lines and side notes (the error line stays `netlab: …`)'
            cand --json 'Machine output: one JSON object per line on stdout, each with an "event" field'
            cand --trace 'Narrate every socket and file system call on stderr, in C notation, with its result'
            cand -v 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides'
            cand --verbose 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'netlab;sockopt;get'= {
            cand --type 'Socket type'
            cand --log-format 'Format of stderr logs, trace lines and side notes (the error line stays `netlab: …`)'
            cand -4 'IPv4 only'
            cand -6 'IPv6 only'
            cand --json 'Machine output: one JSON object per line on stdout, each with an "event" field'
            cand --trace 'Narrate every socket and file system call on stderr, in C notation, with its result'
            cand -v 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides'
            cand --verbose 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'netlab;sockopt;set'= {
            cand --type 'Socket type'
            cand --log-format 'Format of stderr logs, trace lines and side notes (the error line stays `netlab: …`)'
            cand -4 'IPv4 only'
            cand -6 'IPv6 only'
            cand --json 'Machine output: one JSON object per line on stdout, each with an "event" field'
            cand --trace 'Narrate every socket and file system call on stderr, in C notation, with its result'
            cand -v 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides'
            cand --verbose 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'netlab;sockopt;help'= {
            cand list 'List every option netlab knows'
            cand get 'Print option values of a fresh socket (all that apply, or those named)'
            cand set 'Set options on a fresh socket, read them back and explain any difference'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'netlab;sockopt;help;list'= {
        }
        &'netlab;sockopt;help;get'= {
        }
        &'netlab;sockopt;help;set'= {
        }
        &'netlab;sockopt;help;help'= {
        }
        &'netlab;byteorder'= {
            cand --log-format 'Format of stderr logs, trace lines and side notes (the error line stays `netlab: …`)'
            cand --json 'Machine output: one JSON object per line on stdout, each with an "event" field'
            cand --trace 'Narrate every socket and file system call on stderr, in C notation, with its result'
            cand -v 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides'
            cand --verbose 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'netlab;fileio'= {
            cand --log-format 'Format of stderr logs, trace lines and side notes (the error line stays `netlab: …`)'
            cand --json 'Machine output: one JSON object per line on stdout, each with an "event" field'
            cand --trace 'Narrate every socket and file system call on stderr, in C notation, with its result'
            cand -v 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides'
            cand --verbose 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand write 'open(2) and write(2) data from --data or stdin; partial writes are retried'
            cand read 'open(2) and read(2) a file to stdout, binary-safe'
            cand fds 'Show descriptors 0/1/2 and those handed to a file, a TCP and a UDP socket'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'netlab;fileio;write'= {
            cand --flags 'Open flags: a list (creat,wronly,trunc) or C spelling (O_CREAT|O_WRONLY)'
            cand --mode 'Mode for a created file: octal (0644), symbolic (u=rw,g=r,o=r) or S_IRUSR|S_IWUSR; the umask is applied'
            cand --data 'Data to write (default: all of stdin)'
            cand --log-format 'Format of stderr logs, trace lines and side notes (the error line stays `netlab: …`)'
            cand --nofollow 'Add O_NOFOLLOW: refuse to open through a symbolic link'
            cand --json 'Machine output: one JSON object per line on stdout, each with an "event" field'
            cand --trace 'Narrate every socket and file system call on stderr, in C notation, with its result'
            cand -v 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides'
            cand --verbose 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'netlab;fileio;read'= {
            cand --count 'Read at most N bytes'
            cand --offset 'lseek(2) to this offset before reading'
            cand --buffer-size 'Bytes asked for in each read(2) call'
            cand --flags 'Open flags (must include rdonly or rdwr)'
            cand --log-format 'Format of stderr logs, trace lines and side notes (the error line stays `netlab: …`)'
            cand --nofollow 'Add O_NOFOLLOW: refuse to open through a symbolic link'
            cand --json 'Machine output: one JSON object per line on stdout, each with an "event" field'
            cand --trace 'Narrate every socket and file system call on stderr, in C notation, with its result'
            cand -v 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides'
            cand --verbose 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'netlab;fileio;fds'= {
            cand --log-format 'Format of stderr logs, trace lines and side notes (the error line stays `netlab: …`)'
            cand --json 'Machine output: one JSON object per line on stdout, each with an "event" field'
            cand --trace 'Narrate every socket and file system call on stderr, in C notation, with its result'
            cand -v 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides'
            cand --verbose 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'netlab;fileio;help'= {
            cand write 'open(2) and write(2) data from --data or stdin; partial writes are retried'
            cand read 'open(2) and read(2) a file to stdout, binary-safe'
            cand fds 'Show descriptors 0/1/2 and those handed to a file, a TCP and a UDP socket'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'netlab;fileio;help;write'= {
        }
        &'netlab;fileio;help;read'= {
        }
        &'netlab;fileio;help;fds'= {
        }
        &'netlab;fileio;help;help'= {
        }
        &'netlab;process'= {
            cand --log-format 'Format of stderr logs, trace lines and side notes (the error line stays `netlab: …`)'
            cand --json 'Machine output: one JSON object per line on stdout, each with an "event" field'
            cand --trace 'Narrate every socket and file system call on stderr, in C notation, with its result'
            cand -v 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides'
            cand --verbose 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand fork 'fork.c: the parent and the child each change their own copy of two variables'
            cand zombie 'zombie.c: a child exits while its parent does not wait; ps shows it as Z'
            cand wait 'wait.c and waitpid.c: wait for a child and decode its status'
            cand sigchld 'remove_zombie.c: N children exit at once; a handler that waits once per SIGCHLD leaks zombies'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'netlab;process;fork'= {
            cand --log-format 'Format of stderr logs, trace lines and side notes (the error line stays `netlab: …`)'
            cand --json 'Machine output: one JSON object per line on stdout, each with an "event" field'
            cand --trace 'Narrate every socket and file system call on stderr, in C notation, with its result'
            cand -v 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides'
            cand --verbose 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'netlab;process;zombie'= {
            cand --reap 'How the parent reaps its child'
            cand --hold 'How long the parent holds without waiting (0..60 s)'
            cand --exit 'The child''s exit code'
            cand --log-format 'Format of stderr logs, trace lines and side notes (the error line stays `netlab: …`)'
            cand --json 'Machine output: one JSON object per line on stdout, each with an "event" field'
            cand --trace 'Narrate every socket and file system call on stderr, in C notation, with its result'
            cand -v 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides'
            cand --verbose 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'netlab;process;wait'= {
            cand --call 'The call the parent waits with'
            cand --exit 'The child exits with CODE [default: 3]'
            cand --signal 'The child dies of this signal instead (TERM, KILL, 9…)'
            cand --log-format 'Format of stderr logs, trace lines and side notes (the error line stays `netlab: …`)'
            cand --nohang 'Poll with waitpid(pid, &status, WNOHANG) until the child has ended (needs --call waitpid)'
            cand --json 'Machine output: one JSON object per line on stdout, each with an "event" field'
            cand --trace 'Narrate every socket and file system call on stderr, in C notation, with its result'
            cand -v 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides'
            cand --verbose 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'netlab;process;sigchld'= {
            cand --children 'Children that exit at the same moment (1..1000)'
            cand --handler 'What the SIGCHLD handler does'
            cand --log-format 'Format of stderr logs, trace lines and side notes (the error line stays `netlab: …`)'
            cand --json 'Machine output: one JSON object per line on stdout, each with an "event" field'
            cand --trace 'Narrate every socket and file system call on stderr, in C notation, with its result'
            cand -v 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides'
            cand --verbose 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'netlab;process;help'= {
            cand fork 'fork.c: the parent and the child each change their own copy of two variables'
            cand zombie 'zombie.c: a child exits while its parent does not wait; ps shows it as Z'
            cand wait 'wait.c and waitpid.c: wait for a child and decode its status'
            cand sigchld 'remove_zombie.c: N children exit at once; a handler that waits once per SIGCHLD leaks zombies'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'netlab;process;help;fork'= {
        }
        &'netlab;process;help;zombie'= {
        }
        &'netlab;process;help;wait'= {
        }
        &'netlab;process;help;sigchld'= {
        }
        &'netlab;process;help;help'= {
        }
        &'netlab;signal'= {
            cand --log-format 'Format of stderr logs, trace lines and side notes (the error line stays `netlab: …`)'
            cand --json 'Machine output: one JSON object per line on stdout, each with an "event" field'
            cand --trace 'Narrate every socket and file system call on stderr, in C notation, with its result'
            cand -v 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides'
            cand --verbose 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand alarm 'signal.c / sigaction.c: alarm(SECS); each SIGALRM cuts a sleep(100) short'
            cand eintr 'A blocking call with an alarm pending: EINTR without SA_RESTART, restarted with it'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'netlab;signal;alarm'= {
            cand --api 'How the handlers are installed'
            cand --loops 'Rounds of `wait...` and sleep(100) (1..100)'
            cand --log-format 'Format of stderr logs, trace lines and side notes (the error line stays `netlab: …`)'
            cand --json 'Machine output: one JSON object per line on stdout, each with an "event" field'
            cand --trace 'Narrate every socket and file system call on stderr, in C notation, with its result'
            cand -v 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides'
            cand --verbose 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'netlab;signal;eintr'= {
            cand --during 'The call that blocks'
            cand --log-format 'Format of stderr logs, trace lines and side notes (the error line stays `netlab: …`)'
            cand --restart 'Install the handler with SA_RESTART: the kernel restarts the call'
            cand --json 'Machine output: one JSON object per line on stdout, each with an "event" field'
            cand --trace 'Narrate every socket and file system call on stderr, in C notation, with its result'
            cand -v 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides'
            cand --verbose 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'netlab;signal;help'= {
            cand alarm 'signal.c / sigaction.c: alarm(SECS); each SIGALRM cuts a sleep(100) short'
            cand eintr 'A blocking call with an alarm pending: EINTR without SA_RESTART, restarted with it'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'netlab;signal;help;alarm'= {
        }
        &'netlab;signal;help;eintr'= {
        }
        &'netlab;signal;help;help'= {
        }
        &'netlab;pipe'= {
            cand --log-format 'Format of stderr logs, trace lines and side notes (the error line stays `netlab: …`)'
            cand --json 'Machine output: one JSON object per line on stdout, each with an "event" field'
            cand --trace 'Narrate every socket and file system call on stderr, in C notation, with its result'
            cand -v 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides'
            cand --verbose 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand oneway 'pipe1.c: the child writes, the parent reads'
            cand twoway 'pipe2.c (one pipe, both ways) and pipe3.c (two pipes)'
            cand eof 'EOF comes only when every write end is closed'
            cand epipe 'Writing after every read end is closed: SIGPIPE, or EPIPE'
            cand capacity 'How much a pipe holds, and which writes are atomic (PIPE_BUF)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'netlab;pipe;oneway'= {
            cand --data 'What the child writes'
            cand --log-format 'Format of stderr logs, trace lines and side notes (the error line stays `netlab: …`)'
            cand --json 'Machine output: one JSON object per line on stdout, each with an "event" field'
            cand --trace 'Narrate every socket and file system call on stderr, in C notation, with its result'
            cand -v 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides'
            cand --verbose 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'netlab;pipe;twoway'= {
            cand --pipes '1: one pipe for both directions (pipe2.c); 2: one pipe each way (pipe3.c)'
            cand --log-format 'Format of stderr logs, trace lines and side notes (the error line stays `netlab: …`)'
            cand --json 'Machine output: one JSON object per line on stdout, each with an "event" field'
            cand --trace 'Narrate every socket and file system call on stderr, in C notation, with its result'
            cand -v 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides'
            cand --verbose 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'netlab;pipe;eof'= {
            cand --log-format 'Format of stderr logs, trace lines and side notes (the error line stays `netlab: …`)'
            cand --leak 'The parent keeps its copy of the write end open: EOF never comes'
            cand --json 'Machine output: one JSON object per line on stdout, each with an "event" field'
            cand --trace 'Narrate every socket and file system call on stderr, in C notation, with its result'
            cand -v 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides'
            cand --verbose 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'netlab;pipe;epipe'= {
            cand --log-format 'Format of stderr logs, trace lines and side notes (the error line stays `netlab: …`)'
            cand --ignore-sigpipe 'The writer ignores SIGPIPE: write() fails with EPIPE instead'
            cand --json 'Machine output: one JSON object per line on stdout, each with an "event" field'
            cand --trace 'Narrate every socket and file system call on stderr, in C notation, with its result'
            cand -v 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides'
            cand --verbose 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'netlab;pipe;capacity'= {
            cand --log-format 'Format of stderr logs, trace lines and side notes (the error line stays `netlab: …`)'
            cand --json 'Machine output: one JSON object per line on stdout, each with an "event" field'
            cand --trace 'Narrate every socket and file system call on stderr, in C notation, with its result'
            cand -v 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides'
            cand --verbose 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'netlab;pipe;help'= {
            cand oneway 'pipe1.c: the child writes, the parent reads'
            cand twoway 'pipe2.c (one pipe, both ways) and pipe3.c (two pipes)'
            cand eof 'EOF comes only when every write end is closed'
            cand epipe 'Writing after every read end is closed: SIGPIPE, or EPIPE'
            cand capacity 'How much a pipe holds, and which writes are atomic (PIPE_BUF)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'netlab;pipe;help;oneway'= {
        }
        &'netlab;pipe;help;twoway'= {
        }
        &'netlab;pipe;help;eof'= {
        }
        &'netlab;pipe;help;epipe'= {
        }
        &'netlab;pipe;help;capacity'= {
        }
        &'netlab;pipe;help;help'= {
        }
        &'netlab;demo'= {
            cand --log-format 'Format of stderr logs, trace lines and side notes (the error line stays `netlab: …`)'
            cand --json 'Machine output: one JSON object per line on stdout, each with an "event" field'
            cand --trace 'Narrate every socket and file system call on stderr, in C notation, with its result'
            cand -v 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides'
            cand --verbose 'More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'netlab;help'= {
            cand echo-server 'TCP (or Unix-domain) echo server: iterative, fork, select, poll, epoll, thread or uring model'
            cand echo-client 'TCP (or Unix-domain) echo client: prompt, stream, --message or --split; every byte verified'
            cand udp 'UDP (or Unix-domain datagram) echo: server and client (loss, duplicates, reordering, RTT)'
            cand resolve 'Names to addresses (struct hostent) and addresses to names'
            cand sockopt 'Socket options on a fresh socket: list, get, set (and why the kernel changed your value)'
            cand byteorder 'Host and network byte order: htons/ntohs/htonl/ntohl, inet_addr/inet_aton/inet_ntoa'
            cand fileio 'Low-level file I/O: open/read/write explained, and the fds the kernel hands out'
            cand process 'Processes as the course runs them: fork, zombies, wait/waitpid, the SIGCHLD handler'
            cand signal 'Signals as the course handles them: signal/sigaction, alarm, and EINTR'
            cand pipe 'Pipes between a parent and its child: one way, two ways, EOF, EPIPE, capacity'
            cand demo 'A guided tour: every command once on loopback, one line per step'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'netlab;help;echo-server'= {
        }
        &'netlab;help;echo-client'= {
        }
        &'netlab;help;udp'= {
            cand server 'recvfrom, then sendto the same bytes back to the sender'
            cand client 'Send datagrams and match the replies'
        }
        &'netlab;help;udp;server'= {
        }
        &'netlab;help;udp;client'= {
        }
        &'netlab;help;resolve'= {
        }
        &'netlab;help;sockopt'= {
            cand list 'List every option netlab knows'
            cand get 'Print option values of a fresh socket (all that apply, or those named)'
            cand set 'Set options on a fresh socket, read them back and explain any difference'
        }
        &'netlab;help;sockopt;list'= {
        }
        &'netlab;help;sockopt;get'= {
        }
        &'netlab;help;sockopt;set'= {
        }
        &'netlab;help;byteorder'= {
        }
        &'netlab;help;fileio'= {
            cand write 'open(2) and write(2) data from --data or stdin; partial writes are retried'
            cand read 'open(2) and read(2) a file to stdout, binary-safe'
            cand fds 'Show descriptors 0/1/2 and those handed to a file, a TCP and a UDP socket'
        }
        &'netlab;help;fileio;write'= {
        }
        &'netlab;help;fileio;read'= {
        }
        &'netlab;help;fileio;fds'= {
        }
        &'netlab;help;process'= {
            cand fork 'fork.c: the parent and the child each change their own copy of two variables'
            cand zombie 'zombie.c: a child exits while its parent does not wait; ps shows it as Z'
            cand wait 'wait.c and waitpid.c: wait for a child and decode its status'
            cand sigchld 'remove_zombie.c: N children exit at once; a handler that waits once per SIGCHLD leaks zombies'
        }
        &'netlab;help;process;fork'= {
        }
        &'netlab;help;process;zombie'= {
        }
        &'netlab;help;process;wait'= {
        }
        &'netlab;help;process;sigchld'= {
        }
        &'netlab;help;signal'= {
            cand alarm 'signal.c / sigaction.c: alarm(SECS); each SIGALRM cuts a sleep(100) short'
            cand eintr 'A blocking call with an alarm pending: EINTR without SA_RESTART, restarted with it'
        }
        &'netlab;help;signal;alarm'= {
        }
        &'netlab;help;signal;eintr'= {
        }
        &'netlab;help;pipe'= {
            cand oneway 'pipe1.c: the child writes, the parent reads'
            cand twoway 'pipe2.c (one pipe, both ways) and pipe3.c (two pipes)'
            cand eof 'EOF comes only when every write end is closed'
            cand epipe 'Writing after every read end is closed: SIGPIPE, or EPIPE'
            cand capacity 'How much a pipe holds, and which writes are atomic (PIPE_BUF)'
        }
        &'netlab;help;pipe;oneway'= {
        }
        &'netlab;help;pipe;twoway'= {
        }
        &'netlab;help;pipe;eof'= {
        }
        &'netlab;help;pipe;epipe'= {
        }
        &'netlab;help;pipe;capacity'= {
        }
        &'netlab;help;demo'= {
        }
        &'netlab;help;help'= {
        }
    ]
    $completions[$command]
}
