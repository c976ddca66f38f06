"""The OS jail of ``nncalc serve --code-api``: every request runs under bubblewrap (``bwrap``).

Pasted code is hostile until proven otherwise, and Python cannot contain it (PEP 578: audit
hooks are not a sandbox). So each request runs in a fresh jail that the kernel enforces:

* **namespaces** (``bwrap --unshare-all``): its own user, PID, network, IPC, UTS and cgroup
  namespaces. It sees only its own processes (it cannot name the server to signal it), has no
  network but its own loopback, its own host name (:data:`HOSTNAME`), no SysV IPC of the host;
  ``--disable-userns`` forbids it more user namespaces.
* **files**: a new root holding, read-only, only what Python and nncalc need (:class:`View`:
  the interpreter, its standard library, the site-packages entries nncalc imports, nncalc's
  own package and the shared libraries they map, found by :func:`survey`), a ``/dev`` with
  null/zero/random, and a private tmpfs of :data:`TMPFS_BYTES` as working directory
  (:data:`WORKDIR`). No
  ``/etc``, ``/home``, ``/root``, ``/proc`` or ``/sys``; the root itself is read-only.
* **an unprivileged uid**: :data:`JAIL_UID` inside; on the host, never root. A server running
  as root starts the jail as ``host_uid`` (:data:`DEFAULT_HOST_UID`): the ``outer`` bwrap
  (root, a mount namespace only) makes the interpreter reachable if it lies in a directory
  that uid cannot enter (``/root/.pyenv``), then a small launcher sets the limits, drops to
  that uid and runs the jail's bwrap as that user. ``--new-session`` (no terminal to type
  into), ``--die-with-parent``, ``--cap-drop ALL``, ``--clearenv`` with a minimal environment
  (the process also starts with that environment: no secret of the server's is ever in it).
* **rlimits**, set by the launcher before bwrap runs (so every process of the jail has them)
  and lowered again by the worker before any user code: CPU seconds, address space, file size,
  open files, core dumps, processes. ``RLIMIT_NPROC`` counts per user namespace and uid, and
  the kernel does not enforce it for uid 0 of the host: that is why the jail's uid is not root.
* **seccomp** (:mod:`nncalc.serve.seccomp`): ptrace, mount, namespaces, bpf, keyctl,
  userfaultfd, io_uring, modules... fail with ``EPERM``.

At the deadline the whole jail dies: the jail's PID 1 (bwrap's ``child-pid``, read from
``--info-fd`` and held as a pidfd) gets ``SIGKILL``, and when the PID 1 of a namespace dies the
kernel kills every process in it, whatever they did (``setsid``, double forks, ignored
signals). Output is read with deadlines (:func:`nncalc.serve.sandbox.exchange`).

:class:`Jail` checks at start that all of this works (a real request, answered from inside
with uid 65534 and the jail's host name, while the host sees a non-root uid); where bwrap or
user namespaces are missing it raises :class:`JailUnavailable` with a one-line reason, and the
server refuses to start. The audit hook of :mod:`nncalc.serve.worker` still runs inside, as an
extra layer that nothing relies on.
"""

from __future__ import annotations

import base64
import json
import os
import re
import select
import signal
import site
import stat
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field

from . import seccomp
from .sandbox import BOOT, Limits, _env, answer_of, converse, package_parent

BWRAP = "/usr/bin/bwrap"
JAIL_UID = 65534  # uid and gid inside the jail ("nobody")
# The host uid of the jail when the server runs as root: Debian reserves 65000-65533 (never
# given to a package or a user), so no account and no other process has it.
DEFAULT_HOST_UID = 65533
HOSTNAME = "nncalc-jail"
TMPFS_BYTES = 16 * 1024 * 1024
WORKDIR = "/scratch"  # the jail's private tmpfs and working directory (not /tmp: a venv may live there)
OPEN_FILES = 256
PROCESSES_PER_JAIL = 8  # bwrap's own two processes, the worker, and a few to spare
TINY = "import keras\nmodel = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])\n"


class JailUnavailable(Exception):
    """The jail cannot run here; the message is one line saying why."""


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip("/") + "/")


# ----------------------------------------------------------------------------- what to bind
SURVEY = r"""
import json, sys, sysconfig
p = json.loads(sys.argv[1]); sys.path[:0] = p["first"]; sys.path += p["last"]
from nncalc.serve import worker
worker.preload("model.h5")
for name in ("h5py", "ctypes"):  # ctypes: libffi is mapped only by it (or by numpy/h5py)
    try:
        __import__(name)
    except Exception:
        pass
maps = set()
with open("/proc/self/maps") as f:
    for line in f:
        parts = line.split(None, 5)
        if len(parts) == 6 and parts[5].startswith("/"):
            maps.add(parts[5].rstrip("\n"))
files = {getattr(m, "__file__", None) for m in list(sys.modules.values())}
paths = sysconfig.get_paths()
print(json.dumps({"stdlib": paths["stdlib"], "platstdlib": paths["platstdlib"], "maps": sorted(maps),
                  "modules": sorted(f for f in files if isinstance(f, str))}))
"""


@dataclass
class View:
    """The jail's file system: real host paths bound read-only at the same place, and the
    symbolic links that lead to them on the host (``/lib64 -> usr/lib64``, ``libz.so.1 ->
    libz.so.1.2.13``), recreated so that the dynamic loader finds what it looks for."""

    python: str
    first: list = field(default_factory=list)  # sys.path head: the directory that holds nncalc
    last: list = field(default_factory=list)  # sys.path tail: the site-packages directories
    binds: list = field(default_factory=list)
    symlinks: dict = field(default_factory=dict)  # link path -> target
    library_path: list = field(default_factory=list)


def elf_interpreter(path: str) -> str | None:
    """The program interpreter (``PT_INTERP``, e.g. ``/lib64/ld-linux-x86-64.so.2``) of a
    64-bit little-endian ELF file, or None."""
    import struct

    try:
        with open(path, "rb") as f:
            head = f.read(64)
            if head[:4] != b"\x7fELF" or head[4] != 2 or head[5] != 1:
                return None
            phoff, = struct.unpack_from("<Q", head, 0x20)
            phentsize, phnum = struct.unpack_from("<HH", head, 0x36)
            for index in range(phnum):
                f.seek(phoff + index * phentsize)
                entry = f.read(phentsize)
                if struct.unpack_from("<I", entry, 0)[0] == 3:  # PT_INTERP
                    offset, = struct.unpack_from("<Q", entry, 8)
                    size, = struct.unpack_from("<Q", entry, 32)
                    f.seek(offset)
                    return f.read(size).rstrip(b"\0").decode()
    except (OSError, struct.error, UnicodeDecodeError):
        return None
    return None


def resolve(path: str, symlinks: dict) -> str:
    """The real path of ``path``, recording in ``symlinks`` every link met on the way."""
    parts = [p for p in path.split("/") if p]
    current, hops = "/", 0
    while parts:
        part = parts.pop(0)
        if part == ".":
            continue
        if part == "..":
            current = os.path.dirname(current)
            continue
        candidate = os.path.join(current, part)
        if os.path.islink(candidate):
            hops += 1
            if hops > 40:
                raise JailUnavailable(f"too many symbolic links resolving {path}")
            target = os.readlink(candidate)
            symlinks[candidate] = target
            parts = [p for p in target.split("/") if p] + parts
            if target.startswith("/"):
                current = "/"
            continue
        current = candidate
    return current


def survey(python: str | None = None) -> View:
    """What the jail must show: run the worker's preload (every nncalc module and what they
    load lazily, h5py included) in a child of the server's own interpreter, and list the files
    it imported and the files mapped into it (``/proc/self/maps``: the shared libraries, the
    interpreter, locale data)."""
    python = os.path.realpath(python or sys.executable)
    parent = os.path.realpath(package_parent())
    sites = []
    for path in site.getsitepackages():
        path = os.path.realpath(path)
        if os.path.isdir(path) and path != parent and path not in sites:
            sites.append(path)
    view = View(python=python, first=[parent], last=sites)
    try:
        done = subprocess.run([python, "-I", "-S", "-c", SURVEY, json.dumps({"first": view.first, "last": sites})],
                              check=False, capture_output=True, env=_env(), cwd="/", timeout=300)
        data = json.loads(done.stdout)
    except (OSError, ValueError, subprocess.TimeoutExpired) as error:
        raise JailUnavailable(f"could not list the files the jail needs ({error})") from None
    roots = {os.path.realpath(data["stdlib"]), os.path.join(parent, "nncalc")}
    if not any(_inside(os.path.realpath(data["platstdlib"]), root) for root in roots):
        roots.add(os.path.realpath(data["platstdlib"]))
    binds, libraries = set(roots), set()
    for path in data["modules"] + data["maps"] + [python]:
        real = os.path.realpath(path)
        if not os.path.exists(real) or any(_inside(real, root) for root in roots):
            continue
        home = next((s for s in sites if _inside(real, s)), None)
        if home is not None:  # a package in site-packages: bind its top-level entry
            binds.add(os.path.join(home, os.path.relpath(real, home).split(os.sep)[0]))
        else:
            binds.add(real)
            if ".so" in os.path.basename(real):
                libraries.add(real)
    interpreter = elf_interpreter(python)
    if interpreter:
        binds.add(resolve(interpreter, view.symlinks))
    # The names the loader asks for (libz.so.1) are links beside the real file (libz.so.1.2.13).
    for directory in sorted({os.path.dirname(lib) for lib in libraries}):
        try:
            entries = list(os.scandir(directory))
        except OSError:
            continue
        for entry in entries:
            if entry.is_symlink() and os.path.realpath(entry.path) in libraries:
                resolve(entry.path, view.symlinks)
        view.library_path.append(directory)
    ordered = sorted(binds, key=len)
    view.binds = [b for i, b in enumerate(ordered)
                  if not any(_inside(b, other) for other in ordered[:i] if os.path.isdir(other))]
    return view


def unreachable(paths, uid: int) -> list[str]:
    """The topmost directories above ``paths`` that ``uid`` (no group shared with the files)
    cannot enter: the outer bwrap covers each with a tmpfs and binds back what the jail needs."""
    found = []
    for path in paths:
        current = "/"
        for part in [p for p in os.path.dirname(path).split("/") if p]:
            current = os.path.join(current, part)
            info = os.stat(current)
            if not (info.st_mode & stat.S_IXOTH or (info.st_uid == uid and info.st_mode & stat.S_IXUSR)):
                if current not in found:
                    found.append(current)
                break
    return found


# ----------------------------------------------------------------------------- the jail
# Runs first, as the server's user: set the limits every process of the jail inherits, drop
# root (to the jail's host uid) when the server is root, then become the jail's bwrap.
LAUNCH = r"""
import json, os, resource, sys
spec = json.loads(sys.argv[1])
for name, value in spec["rlimits"]:
    resource.setrlimit(getattr(resource, name), (value, value))
uid = spec["uid"]
if uid is not None:
    os.setgroups([])
    os.setresgid(uid, uid, uid)
    os.setresuid(uid, uid, uid)
if 0 in os.getresuid() or 0 in os.getresgid():
    sys.exit("nncalc: the jail would run as root")
os.execv(spec["argv"][0], spec["argv"])
"""


@dataclass
class Run:
    """One jail's bookkeeping: its PID 1 on the host (from ``--info-fd``), as a pidfd, and the
    host uids of that process (read once, for the start-up check)."""

    child_pid: int | None = None
    pidfd: int | None = None
    host_uids: tuple | None = None

    def on_info(self, text: bytes) -> None:
        if self.child_pid is not None:
            return
        found = re.search(rb'"child-pid":\s*(\d+)', text)
        if not found:
            return
        self.child_pid = int(found.group(1))
        try:
            self.pidfd = os.pidfd_open(self.child_pid)
        except (OSError, AttributeError):
            self.pidfd = None
        try:
            with open(f"/proc/{self.child_pid}/status") as f:
                for line in f:
                    if line.startswith(("Uid:", "Gid:")):
                        self.host_uids = (self.host_uids or ()) + tuple(int(v) for v in line.split()[1:])
        except OSError:
            pass

    def kill(self) -> None:
        """SIGKILL to the jail's PID 1: the kernel then kills every process of its namespace
        (PID 1 exits only once they are all gone; the pidfd turns readable when it has)."""
        if self.pidfd is not None:
            try:
                signal.pidfd_send_signal(self.pidfd, signal.SIGKILL)
                select.select([self.pidfd], [], [], 2.0)
            except OSError:
                pass
            os.close(self.pidfd)
            self.pidfd = None


class Jail:
    """Runs requests in bubblewrap jails (see the module's docstring); checks itself at start."""

    def __init__(self, bwrap: str = BWRAP, host_uid: int | None = None, limits: Limits | None = None,
                 concurrency: int = 4, tmpfs_bytes: int = TMPFS_BYTES, check: bool = True):
        if not (os.path.isfile(bwrap) and os.access(bwrap, os.X_OK)):
            raise JailUnavailable(f"--code-api needs bubblewrap, and {bwrap} is not an executable "
                                  "file (Debian: apt-get install bubblewrap)")
        self.bwrap = bwrap
        self.root = os.geteuid() == 0
        self.host_uid = (host_uid if host_uid is not None else DEFAULT_HOST_UID) if self.root else None
        if self.host_uid == 0:
            raise JailUnavailable("the jail's host uid must not be 0 (root)")
        self.limits = limits or Limits()
        self.concurrency = max(1, concurrency)
        self.tmpfs_bytes = tmpfs_bytes
        self.view = survey()
        if any(_inside(path, WORKDIR) for path in self.view.binds):
            raise JailUnavailable(f"the jail's working directory {WORKDIR} would hide part of Python")
        self.filter = seccomp.program()
        if check:
            self.check()

    # ---------------------------------------------------------------- the command line
    def environment(self) -> dict:
        env = _env()
        env.update({"HOME": WORKDIR, "TMPDIR": WORKDIR, "PATH": "/nonexistent"})
        if self.view.library_path:
            env["LD_LIBRARY_PATH"] = ":".join(self.view.library_path)
        return env

    def rlimits(self) -> list:
        limits = self.limits
        plan = [("RLIMIT_CPU", int(limits.cpu_seconds) + 1), ("RLIMIT_AS", int(limits.memory_bytes)),
                ("RLIMIT_FSIZE", self.tmpfs_bytes), ("RLIMIT_CORE", 0), ("RLIMIT_NOFILE", OPEN_FILES)]
        if self.root:  # counted for the jails' host uid, all jails together
            plan.append(("RLIMIT_NPROC", PROCESSES_PER_JAIL * (self.concurrency + 1)))
        return plan

    def worker(self) -> list[str]:
        """The program the jail runs for a request: this nncalc's worker."""
        paths = json.dumps({"first": self.view.first, "last": self.view.last})
        return [self.view.python, "-I", "-S", "-c", BOOT, paths]

    def inner(self, program: list[str], seccomp_fd: int | None, info_fd: int) -> list[str]:
        """The jail's bwrap command line, running ``program``."""
        view = self.view
        argv = [self.bwrap, "--unshare-all", "--unshare-user", "--hostname", HOSTNAME, "--uid", str(JAIL_UID),
                "--gid", str(JAIL_UID), "--disable-userns", "--die-with-parent", "--new-session",
                "--cap-drop", "ALL", "--clearenv"]
        for key, value in self.environment().items():
            argv += ["--setenv", key, value]
        argv += ["--info-fd", str(info_fd)]
        if seccomp_fd is not None:
            argv += ["--seccomp", str(seccomp_fd)]
        for path in view.binds:
            argv += ["--ro-bind", path, path]
        for link, target in sorted(view.symlinks.items()):
            argv += ["--symlink", target, link]
        argv += ["--dev", "/dev", "--size", str(self.tmpfs_bytes), "--perms", "0700", "--tmpfs", WORKDIR,
                 "--chdir", WORKDIR, "--remount-ro", "/", "--", *program]
        return argv

    def command(self, program: list[str], seccomp_fd: int | None, info_fd: int) -> list[str]:
        """The whole command: (outer bwrap, when root) -> launcher -> the jail's bwrap."""
        spec = {"rlimits": self.rlimits(), "uid": self.host_uid,
                "argv": self.inner(program, seccomp_fd, info_fd)}
        argv = [self.view.python, "-I", "-S", "-c", LAUNCH, json.dumps(spec)]
        if not self.root:
            return argv
        outer = [self.bwrap, "--dev-bind", "/", "/"]
        hidden = unreachable(self.view.binds, self.host_uid)
        made = set(hidden)
        for directory in hidden:
            outer += ["--tmpfs", directory]
        for path in self.view.binds:
            top = next((directory for directory in hidden if _inside(path, directory)), None)
            if top is None:
                continue
            parents = []  # between the tmpfs and the bound path: made enterable (bwrap: 0700)
            current = os.path.dirname(path)
            while current != top and current not in made:
                parents.append(current)
                current = os.path.dirname(current)
            for directory in reversed(parents):
                outer += ["--perms", "0755", "--dir", directory]
                made.add(directory)
            outer += ["--ro-bind", path, path]
        outer += ["--die-with-parent", "--cap-drop", "ALL", "--cap-add", "CAP_SETUID",
                  "--cap-add", "CAP_SETGID", "--"]
        return outer + argv

    # ---------------------------------------------------------------- running a program
    def run(self, program: list[str], stdin: bytes, seconds: float, limit: int):
        """Run ``program`` (an argv, in the jail) with ``stdin``; at most ``seconds`` later the
        jail is dead. Returns (:class:`~nncalc.serve.sandbox.Exchange`, exit status, :class:`Run`)."""
        deadline = time.monotonic() + seconds
        run = Run()
        seccomp_fd = None
        info_read, info_write = os.pipe()
        fds = [info_write]
        try:
            if self.filter is not None:
                seccomp_fd, filter_write = os.pipe()
                os.write(filter_write, self.filter)
                os.close(filter_write)
                fds.append(seccomp_fd)
            proc = subprocess.Popen(self.command(program, seccomp_fd, info_write), stdin=subprocess.PIPE,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, pass_fds=fds,
                                    env=self.environment(), cwd="/", start_new_session=True)
        except BaseException:
            os.close(info_read)
            raise
        finally:
            for fd in fds:
                os.close(fd)
        try:  # at the end the jail's PID 1 is killed, and with it every process of the jail
            result, returncode = converse(proc, stdin, deadline, limit, info_fd=info_read,
                                          on_info=run.on_info, stop=run.kill)
        finally:
            os.close(info_read)
        return result, returncode, run

    def run_request(self, filename: str, content: bytes, options: dict, limits: Limits | None = None,
                    probe: bool = False, keep: dict | None = None) -> dict:
        """Run ``nncalc summary`` on ``content`` (the file ``filename``) in a new jail; the
        answer as :func:`nncalc.serve.sandbox.run_request` gives it. ``keep`` (a dict) receives
        the run's bookkeeping and bwrap's stderr (for the start-up check and the tests)."""
        limits = limits or self.limits
        request = {"file": filename, "content_base64": base64.b64encode(content).decode(),
                   "options": dict(options, timeout=limits.timeout), "limits": asdict(limits),
                   "probe": probe}
        result, returncode, run = self.run(self.worker(), json.dumps(request).encode(),
                                           limits.timeout + limits.grace, limits.output_bytes)
        if keep is not None:
            keep.update(run=run, stderr=result.stderr, returncode=returncode)
        return answer_of(result, returncode, filename, limits, options.get("lang", "en"))

    def check(self) -> None:
        """A real request in a real jail, or :class:`JailUnavailable` saying what failed."""
        keep: dict = {}
        try:
            answer = self.run_request("model.py", TINY.encode(), {}, Limits(timeout=60, grace=30),
                                      probe=True, keep=keep)
        except Exception as error:  # one line: bwrap's own complaint when there is one
            answer = {"ok": False, "error": str(error)}
        said = [line for line in keep.get("stderr", b"").decode("utf-8", "replace").splitlines() if line.strip()]
        if not answer.get("ok"):
            reason = said[0] if said else str(answer.get("error"))
            raise JailUnavailable(f"--code-api needs a working bubblewrap jail, and it failed here: {reason}")
        probe, run = answer.get("probe", {}), keep["run"]
        if (probe.get("uid"), probe.get("gid"), probe.get("hostname")) != (JAIL_UID, JAIL_UID, HOSTNAME):
            raise JailUnavailable(f"the jail did not isolate its process as asked ({probe})")
        if not run.host_uids or 0 in run.host_uids:
            raise JailUnavailable("the jail would run code as root on the host (uid 0); refusing")
