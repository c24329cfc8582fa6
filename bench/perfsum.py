#!/usr/bin/env python3
"""bench/perfsum.py - where a server's CPU goes, from `perf script` of a
`perf record -g -e cpu-clock` profile (bench/profile.sh makes them).

Usage: perf script -i FILE.data | bench/perfsum.py --hz HZ --requests N [--top K]

Each sample is put in the first category whose rule matches its stack
(leaf first):
  user: DSO           the sampled instruction is in user space (netlab, libc, ...)
  tcp send: to client  tcp_sendmsg and tcp_v4_rcv on the stack: on loopback the
                      server's send also runs the client socket's receive
                      (softirq) and wakes the client
  tcp send: own       the rest of tcp_sendmsg: copy, segment, transmit
  tcp receive         tcp_recvmsg on the stack: copying the request out
  tcp/ip other        other TCP/IP work: softirq rx of the server's own
                      sockets, connection set-up (accept, SYN) and teardown
                      (tcp_poll is not here: it goes with the epoll or
                      io_uring code that polls)
  scheduler           __schedule on the stack: going to sleep, switching
  io_uring            io_uring's own code (io_*): enter, submission, poll
                      arming and wake-ups, task work, buffer selection, CQEs
  epoll               epoll's own code (ep_*, do_epoll_*)
  syscall+vfs         system call entry and exit, the file and socket layers
                      above TCP (vfs_read, sock_write_iter, __sys_sendto, ...;
                      a sample in the socket layer counts here whoever called)
  other kernel        the rest
With --hz and --requests, each category's CPU per request in microseconds
(samples / hz / requests) too. Then the top symbols by self time, overall and within each category.
"""
import collections
import re
import sys

TCP_SEND = ("tcp_sendmsg", "tcp_sendmsg_locked")
TCP_RECV = ("tcp_recvmsg", "tcp_recvmsg_locked")
TCP_OTHER = re.compile(r"^(tcp_(?!poll)|__tcp_|inet_csk|inet_accept|inet_release|inet_shutdown|__inet_|ip_|__ip_|"
                       r"ipv4_|net_rx_action|__netif_|netif_|process_backlog|__napi_poll|__dev_queue_xmit|"
                       r"loopback_xmit|__sys_accept4|do_accept|sock_close|__sock_release)")
SOCKET_LEAF = re.compile(r"^(sock_(?!poll)|__sock_|security_socket|inet_sendmsg|inet_recvmsg|inet_send_prepare)")
SCHED = ("__schedule", "schedule")
URING = re.compile(r"^((__)?io_|__do_sys_io_uring|__x64_sys_io_uring)")
EPOLL = re.compile(r"^(ep_|do_epoll_|__x64_sys_epoll|__do_sys_epoll)")
SYSCALL = re.compile(r"^(do_syscall_64|entry_SYSCALL|syscall_exit|syscall_return|x64_sys_call|__x64_sys_|ksys_|vfs_|"
                     r"sock_|__sys_|new_sync_|rw_verify_area|fdget|__fget|fput|__fput|security_|apparmor_|"
                     r"exit_to_user_mode|syscall_exit_to_user_mode|arch_exit_to_user_mode)")


def frames(block):
    out = []
    for line in block[1:]:
        m = re.match(r"\s*[0-9a-f]+\s+(.*?)\s+\((.*)\)\s*$", line)
        if not m:
            continue
        sym = re.sub(r"\+0x[0-9a-f]+$", "", m.group(1))
        out.append((sym, m.group(2)))
    return out


def category(fr):
    if not fr:
        return "unknown"
    leaf_sym, leaf_dso = fr[0]
    if "kernel.kallsyms" not in leaf_dso and not leaf_dso.startswith("["):
        return "user: " + leaf_dso.rsplit("/", 1)[-1]
    syms = [s for s, _ in fr]
    if any(s in TCP_SEND for s in syms):
        return "tcp send: to client" if "tcp_v4_rcv" in syms else "tcp send: own"
    if any(s in TCP_RECV for s in syms):
        return "tcp receive"
    if any(TCP_OTHER.match(s) for s in syms):
        return "tcp/ip other"
    if SOCKET_LEAF.match(leaf_sym):
        return "syscall+vfs"
    if any(s in SCHED for s in syms):
        return "scheduler"
    if any(URING.match(s) for s in syms):
        return "io_uring"
    if any(EPOLL.match(s) for s in syms):
        return "epoll"
    if any(SYSCALL.match(s) for s in syms):
        return "syscall+vfs"
    return "other kernel"


def main(argv):
    hz = float(argv[argv.index("--hz") + 1]) if "--hz" in argv else None
    req = float(argv[argv.index("--requests") + 1]) if "--requests" in argv else None
    top = int(argv[argv.index("--top") + 1]) if "--top" in argv else 15
    cats = collections.Counter()
    selfsym = collections.Counter()
    bycat = collections.defaultdict(collections.Counter)
    total = 0
    block = []
    for line in list(sys.stdin) + ["\n"]:
        if line.strip():
            block.append(line.rstrip("\n"))
            continue
        if block:
            fr = frames(block)
            total += 1
            c = category(fr)
            cats[c] += 1
            if fr:
                s = fr[0][0] if "kallsyms" in fr[0][1] else f"{fr[0][0]} [{fr[0][1].rsplit('/', 1)[-1]}]"
                selfsym[s] += 1
                bycat[c][s] += 1
            block = []
    if not total:
        print("no samples")
        return
    per = (lambda n: f"{n / hz / req * 1e6:.2f}") if hz and req else (lambda n: "-")
    print(f"samples {total}" + (f", {total / hz / req * 1e6:.2f} us of CPU per request" if hz and req else ""))
    print("| category | % of samples | us/request |")
    print("|---|---|---|")
    for c, n in cats.most_common():
        print(f"| {c} | {100 * n / total:.1f} | {per(n)} |")
    print()
    print("| top symbols (self) | % |")
    print("|---|---|")
    for s, n in selfsym.most_common(top):
        print(f"| `{s}` | {100 * n / total:.1f} |")
    print()
    print("| category: its top symbols (self, % of all samples) |")
    print("|---|")
    for c, _ in cats.most_common():
        tops = ", ".join(f"`{s}` {100 * n / total:.1f}" for s, n in bycat[c].most_common(6))
        print(f"| {c}: {tops} |")


if __name__ == "__main__":
    main(sys.argv[1:])
