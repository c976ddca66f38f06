"""The jail's seccomp filter: its system call numbers are the kernel's, and its program decides
as documented (run here by a small classic-BPF interpreter; tests/serve/test_jail.py sees the
kernel refuse the same calls inside a real jail)."""

from __future__ import annotations

import errno
import re
import struct
from pathlib import Path

import pytest

from nncalc.serve import seccomp

HEADERS = [Path("/usr/include/x86_64-linux-gnu/asm/unistd_64.h"), Path("/usr/include/asm/unistd_64.h")]


def test_numbers_are_the_kernel_headers():
    header = next((p for p in HEADERS if p.exists()), None)
    if header is None:
        pytest.skip("no x86-64 kernel headers here (Debian: linux-libc-dev)")
    numbers = {m.group(1): int(m.group(2))
               for m in re.finditer(r"#define __NR_(\w+) (\d+)", header.read_text())}
    for name, number in seccomp.X86_64.items():
        assert numbers[name] == number, name
    assert (numbers["clone"], numbers["clone3"], numbers["socket"], numbers["ioctl"]) == (
        seccomp.CLONE, seccomp.CLONE3, seccomp.SOCKET, seccomp.IOCTL)


def run(program: bytes, nr: int, args=(0,) * 6, arch: int = seccomp.AUDIT_ARCH_X86_64) -> int:
    """What the filter returns for one system call (the instructions it uses, as the kernel runs them)."""
    data = struct.pack("<iIQ6Q", nr, arch, 0, *(list(args) + [0] * 6)[:6])
    code = [struct.unpack_from("=HBBI", program, i) for i in range(0, len(program), 8)]
    pc, acc = 0, 0
    while True:
        op, jt, jf, k = code[pc]
        if op == seccomp.LD_W_ABS:
            acc = struct.unpack_from("<I", data, k)[0]
            pc += 1
        elif op in (seccomp.JEQ_K, seccomp.JGE_K, seccomp.JSET_K):
            taken = {seccomp.JEQ_K: acc == k, seccomp.JGE_K: acc >= k, seccomp.JSET_K: bool(acc & k)}[op]
            pc += 1 + (jt if taken else jf)
        elif op == seccomp.RET_K:
            return k
        else:  # pragma: no cover - the program uses no other instruction
            raise AssertionError(f"unknown instruction {op:#x}")


def test_the_program_decides_as_documented():
    program = seccomp.program("x86_64")
    eperm, allow = seccomp.RET_ERRNO | errno.EPERM, seccomp.RET_ALLOW
    for name, number in seccomp.X86_64.items():
        assert run(program, number) == eperm, name
    for number in (0, 1, 2, 9, 39, 60, 231, 257):  # read, write, open, mmap, getpid, exit, exit_group, openat
        assert run(program, number) == allow
    assert run(program, seccomp.CLONE, (0x01200011,)) == allow  # fork(): no namespace flag
    assert run(program, seccomp.CLONE, (0x10000000 | 17,)) == eperm  # CLONE_NEWUSER
    assert run(program, seccomp.CLONE, (0x40000000,)) == eperm  # CLONE_NEWNET
    assert run(program, seccomp.CLONE3) == seccomp.RET_ERRNO | errno.ENOSYS
    assert run(program, seccomp.SOCKET, (1, 1, 0)) == allow  # AF_UNIX
    for family in (2, 10, 16, 17):  # AF_INET, AF_INET6, AF_NETLINK, AF_PACKET
        assert run(program, seccomp.SOCKET, (family, 1, 0)) == eperm
    assert run(program, seccomp.IOCTL, (0, seccomp.TIOCSTI)) == eperm
    assert run(program, seccomp.IOCTL, (0, 0x5401)) == allow  # TCGETS
    assert run(program, seccomp.X32_SYSCALL_BIT | 39) == eperm  # the x32 ABI
    assert run(program, 39, arch=0x40000003) == seccomp.RET_KILL_PROCESS  # i386


def test_no_table_no_filter():
    assert seccomp.program("aarch64") is None and seccomp.program("x86_64")
