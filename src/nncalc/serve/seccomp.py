"""The jail's seccomp filter: a classic-BPF program, built here in pure Python, that bwrap loads
(``bwrap --seccomp FD``) before it runs the worker.

The namespaces, the unprivileged uid and the read-only file system are the jail's boundary;
this filter takes away the kernel interfaces that no model needs and that widen the kernel's
attack surface or reach outside the jail if another layer failed. A refused system call fails
with ``EPERM`` (the process is not killed, so the user gets nncalc's one-line error):

* debugging and reading other processes: ``ptrace``, ``process_vm_readv/writev``, ``kcmp``,
  ``pidfd_getfd``, ``perf_event_open``;
* new namespaces and mounts: ``unshare``, ``setns``, ``clone``/``clone3`` with a namespace
  flag (``clone3`` passes its flags in memory a filter cannot read, so it fails with
  ``ENOSYS`` and the C library falls back to ``clone``), ``mount``, ``umount2``,
  ``pivot_root``, ``chroot``, the new mount API;
* kernel features with a record of privilege escalations: ``bpf``, ``userfaultfd``,
  ``keyctl``/``add_key``/``request_key``, ``io_uring_*``, ``open_by_handle_at``;
* the machine: modules, ``kexec``, ``reboot``, swap, accounting, quotas, ``syslog``, I/O
  ports, the clock, host and domain names;
* creating device nodes or FIFOs (``mknod``, ``mknodat``);
* sockets other than ``AF_UNIX`` (the jail's network namespace has only its own loopback
  anyway), and ``ioctl(TIOCSTI)`` (typing into a terminal).

Only x86-64 has a table here; :func:`program` returns None on other machines, where the jail
runs without this layer (the README says so). A call made through the x32 ABI, or by another
architecture, is refused as well.
"""

from __future__ import annotations

import errno
import platform
import struct

AUDIT_ARCH_X86_64 = 0xC000003E
X32_SYSCALL_BIT = 0x40000000

# System call numbers of x86-64 (asm/unistd_64.h; tests/serve/test_seccomp.py checks them against
# the kernel headers when they are installed).
X86_64 = {
    "ptrace": 101, "process_vm_readv": 310, "process_vm_writev": 311, "kcmp": 312,
    "pidfd_getfd": 438, "perf_event_open": 298,
    "unshare": 272, "setns": 308, "mount": 165, "umount2": 166, "pivot_root": 155, "chroot": 161,
    "open_tree": 428, "move_mount": 429, "fsopen": 430, "fsconfig": 431, "fsmount": 432,
    "fspick": 433, "mount_setattr": 442,
    "bpf": 321, "userfaultfd": 323, "keyctl": 250, "add_key": 248, "request_key": 249,
    "io_uring_setup": 425, "io_uring_enter": 426, "io_uring_register": 427,
    "open_by_handle_at": 304, "name_to_handle_at": 303, "lookup_dcookie": 212,
    "init_module": 175, "finit_module": 313, "delete_module": 176, "kexec_load": 246,
    "kexec_file_load": 320, "reboot": 169, "swapon": 167, "swapoff": 168, "acct": 163,
    "quotactl": 179, "syslog": 103, "iopl": 172, "ioperm": 173, "vhangup": 153,
    "settimeofday": 164, "clock_settime": 227, "clock_adjtime": 305, "adjtimex": 159,
    "sethostname": 170, "setdomainname": 171, "fanotify_init": 300, "move_pages": 279,
    "migrate_pages": 256, "mknod": 133, "mknodat": 259,
}
CLONE, CLONE3, SOCKET, IOCTL = 56, 435, 41, 16
DENIED = tuple(name for name in X86_64)

# clone() flags that make a new namespace: CLONE_NEWNS, NEWCGROUP, NEWUTS, NEWIPC, NEWUSER,
# NEWPID, NEWNET (linux/sched.h).
CLONE_NEW_NAMESPACES = 0x00020000 | 0x02000000 | 0x04000000 | 0x08000000 | 0x10000000 | 0x20000000 | 0x40000000
AF_UNIX = 1
TIOCSTI = 0x5412

# classic BPF (linux/filter.h, linux/seccomp.h)
LD_W_ABS, JEQ_K, JGE_K, JSET_K, RET_K = 0x20, 0x15, 0x35, 0x45, 0x06
RET_ALLOW = 0x7FFF0000
RET_ERRNO = 0x00050000
RET_KILL_PROCESS = 0x80000000
NR, ARCH = 0, 4


def _arg(index: int) -> int:
    """Offset of the low 32 bits of argument ``index`` in ``struct seccomp_data`` (little endian)."""
    return 16 + 8 * index


def program(machine: str | None = None) -> bytes | None:
    """The filter as bwrap reads it (an array of ``struct sock_filter``), or None where there is
    no table for this machine."""
    if (machine or platform.machine()) not in ("x86_64", "AMD64", "amd64"):
        return None
    eperm, enosys = RET_ERRNO | errno.EPERM, RET_ERRNO | errno.ENOSYS
    # Each instruction is (code, jump-if-true label, jump-if-false label, k); a label names an
    # instruction below, resolved to the forward offsets BPF wants once all are placed.
    code: list[tuple] = [
        (LD_W_ABS, None, None, ARCH),
        (JEQ_K, None, "kill", AUDIT_ARCH_X86_64),
        (LD_W_ABS, None, None, NR),
        (JGE_K, "deny", None, X32_SYSCALL_BIT),
    ]
    code += [(JEQ_K, "deny", None, X86_64[name]) for name in DENIED]
    code += [(JEQ_K, "clone", None, CLONE), (JEQ_K, "enosys", None, CLONE3),
             (JEQ_K, "socket", None, SOCKET), (JEQ_K, "ioctl", None, IOCTL),
             (RET_K, None, None, RET_ALLOW)]
    labels = {}

    def place(label, *instructions):
        labels[label] = len(code)
        code.extend(instructions)

    place("clone", (LD_W_ABS, None, None, _arg(0)), (JSET_K, "deny", "allow", CLONE_NEW_NAMESPACES))
    place("socket", (LD_W_ABS, None, None, _arg(0)), (JEQ_K, "allow", "deny", AF_UNIX))
    place("ioctl", (LD_W_ABS, None, None, _arg(1)), (JEQ_K, "deny", "allow", TIOCSTI))
    place("allow", (RET_K, None, None, RET_ALLOW))
    place("deny", (RET_K, None, None, eperm))
    place("enosys", (RET_K, None, None, enosys))
    place("kill", (RET_K, None, None, RET_KILL_PROCESS))
    out = bytearray()
    for index, (op, true, false, k) in enumerate(code):
        jt = labels[true] - index - 1 if true else 0
        jf = labels[false] - index - 1 if false else 0
        assert 0 <= jt < 256 and 0 <= jf < 256, "jump too far for classic BPF"
        out += struct.pack("=HBBI", op, jt, jf, k)
    return bytes(out)
