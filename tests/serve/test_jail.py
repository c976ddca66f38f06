"""The code API's jail, attacked as an attacker would: a real ``nncalc serve --code-api`` under
bubblewrap, with a secret environment variable and a secret file on the host.

Every attack first defeats the in-process layers, as the issue showed it can be done: it
reaches ``os`` through ``object.__subclasses__()``, replaces the audit hook's ``__code__``
(found from a refused call's traceback frame and ``gc.get_referrers``) and sets its own
``__name__`` to get past the import guard. Each attack checks that this worked
(``unhooked``), so what stops the rest is the jail alone. After each: no secret, host name or
host file in the answer, no file created or changed outside the jail, no process of the jail
left, and the server answers the next request.

The jail's own tests (what it shows, who runs in it, the kill at the deadline) use
:class:`nncalc.serve.jail.Jail` directly, exactly as the server does.
"""

from __future__ import annotations

import hashlib
import http.client
import importlib.util
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time

import pytest

from nncalc.serve.jail import WORKDIR

from .conftest import BWRAP, ROOT, TEST_LIMITS, need_bwrap

# This suite's jails run as this host uid (when the tests run as root), so that the processes
# it looks for are its own, not those of another server's jails.
HOSTILE_UID = 65531
TINY = "import keras\nmodel = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])\n"

PRELUDE = r'''
# 1. os's globals without an import: object.__subclasses__()
g = [c for c in object.__subclasses__() if c.__name__ == '_wrap_close'][0].__init__.__globals__
gc_ = g['sys'].modules['gc']
# 2. the audit hook: from a refused call's traceback frame to the function (gc.get_referrers),
#    whose __code__ becomes a no-op with the same free variables
UNHOOKED = 0
try:
    g['listdir']('/')
except Exception as error:
    tb = error.__traceback__
    while tb.tb_next is not None:
        tb = tb.tb_next
    HOOK_LOCALS = sorted(tb.tb_frame.f_locals)
    for hook in [f for f in gc_.get_referrers(tb.tb_frame.f_code) if type(f).__name__ == 'function']:
        names = hook.__code__.co_freevars
        source = ('def outer():\n' + ''.join(f' {n} = None\n' for n in names)
                  + ' def hook(event, args):\n  return None if True else (' + ', '.join(names) + ',)\n'
                  + ' return hook\n')
        space = {}
        exec(source, space)
        hook.__code__ = space['outer']().__code__
        UNHOOKED += 1
# 3. the import guard trusts the script's own __name__
__name__ = 'nncalc.attack'
import os, sys, gc, signal, mmap, _io, json, socket, threading, ctypes
RESULT = {'unhooked': UNHOOKED, 'imported': sorted(m.__name__ for m in (os, _io, signal, mmap, gc))}


def attempt(label, action):
    try:
        RESULT[label] = 'ok: ' + repr(action())[:400]
    except BaseException as error:
        RESULT[label] = 'refused: ' + type(error).__name__ + ': ' + str(error)[:200]
'''
EPILOGUE = ("\nprint('RESULT=' + json.dumps(RESULT))\n"
            "import keras\nmodel = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])\n")


def refused(result: dict, *labels: str) -> None:
    for label in labels:
        assert result[label].startswith("refused: "), (label, result[label])


# Each attack: (code run after PRELUDE, check(result, target)). @NAME@ are filled in per run.
def check_fspath(result, target):
    for label, value in result.items():
        if label.startswith(("FileIO ", "os.open ", "open ")) and "model.py" not in label:
            assert value.startswith("refused: ") or "object.__subclasses__()" in value, (label, value)
    refused(result, "open @SECRET_FILE@", "open /etc/passwd", "open /etc/hostname", "open /proc/1/environ")


def check_processes(result, target):
    assert result["os.system"] in ("ok: 32512", "ok: -1")  # the C library's "no shell started"
    refused(result, "os.popen read", "subprocess.run", "posix_spawn", "execv /bin/sh", "fork",
            "Popen from __subclasses__ (_posixsubprocess.fork_exec)")


def check_walk(result, target):
    # the jail's root holds /dev, its working directory and the first directories of what it
    # binds, nothing else
    assert result["listdir /"] == "ok: " + repr(sorted(target.top | {"dev", WORKDIR.strip("/")}))
    refused(result, "open /etc/shadow", *(f"listdir /{d}" for d in ("etc", "proc", "sys", "home", "root")
                                          if d not in target.top))
    assert "hook locals" in result


def check_syscalls(result, target):
    refused(result, "mknod outside", "mkfifo outside", "mkfifo in its tmpfs", "stat secret", "stat /etc/passwd",
            "kill the server", "pidfd the server")
    assert result["setsid"].startswith("ok: ") or result["setsid"].startswith("refused: ")
    assert result["getppid"] == "ok: 1"  # its parent is the jail's own init, not the server


def check_sockets(result, target):
    refused(result, "connect to the server", "connect outward", "udp outward", "inet6", "netlink", "unix to the host")
    assert result["socketpair"].startswith("ok: ")


def check_threads(result, target):
    refused(result, "thread", "_thread", "fork")


def check_mmap(result, target):
    refused(result, "write nncalc", "mmap nncalc for writing", "mmap secret", "write libc")
    assert result["mmap its own file"].startswith("ok: ")  # its tmpfs, gone with the jail


def check_fork_bomb(result, target):
    assert result["forks"] == "ok: 0" and result["threads"] == "ok: 0", result


def check_memory(result, target):
    refused(result, "bytearray 1 TB", "anonymous mmap 100 GB")
    if importlib.util.find_spec("numpy") is not None:  # the jail sees the server's packages
        refused(result, "numpy 100 GB")


def check_reading(result, target):
    refused(result, "/etc/hostname", "/etc/passwd", "/proc/1/environ", "/proc/self/environ",
            "server environ", "secret file")
    assert result["gethostname"] == "ok: 'nncalc-jail'" and result["uname"] == "ok: 'nncalc-jail'"
    assert "NNCALC_TEST_SECRET" not in result["environ"]


def check_writing(result, target):
    refused(result, "outside", "nncalc dir", "jail root", "host /tmp")
    assert result["its tmpfs"].startswith("ok: ")  # its own working directory, gone with the jail


def check_seccomp(result, target):
    for label, value in result.items():
        if label.startswith("syscall "):
            assert value == "ok: (-1, 1)", (label, value)  # -1, EPERM


ATTACKS = {
    "fspath that lies to the check (FileIO, os.open)": ('''
class Lying:
    calls = 0
    def __init__(self, target):
        self.target = target
    def __fspath__(self):
        Lying.calls += 1
        return 'model.py' if Lying.calls % 2 else self.target
for target in ('@SECRET_FILE@', '/etc/passwd', '/etc/hostname', '/proc/1/environ', '/proc/self/environ'):
    attempt('FileIO ' + target, lambda: _io.FileIO(Lying(target)).read())
    attempt('os.open ' + target, lambda: os.read(os.open(Lying(target), os.O_RDONLY), 4096))
    attempt('open ' + target, lambda: open(target).read())
''', check_fspath),
    "object.__subclasses__ to os, subprocess, _posixsubprocess": ('''
attempt('os.system', lambda: g['system']('cat /etc/passwd; touch @OUTSIDE@/system'))
attempt('os.popen read', lambda: g['popen']('id').read() or 1 / 0)
import subprocess
attempt('subprocess.run', lambda: subprocess.run(['/bin/sh', '-c', 'id'], capture_output=True).stdout)
attempt('posix_spawn', lambda: os.posix_spawn('/bin/sh', ['sh', '-c', 'touch @OUTSIDE@/spawn'], {}))
attempt('execv /bin/sh', lambda: os.execv('/bin/sh', ['sh', '-c', 'touch @OUTSIDE@/exec']))
attempt('fork', lambda: os.fork())
popen = [c for c in object.__subclasses__() if c.__name__ == 'Popen' and c.__module__ == 'subprocess'][0]
attempt('Popen from __subclasses__ (_posixsubprocess.fork_exec)',
        lambda: popen(['/usr/bin/id'], stdout=-1).communicate()[0] or 1 / 0)
''', check_processes),
    "traceback frames, f_locals, gc.get_referrers, hook __code__": ('''
RESULT['hook locals'] = HOOK_LOCALS
for path in ('/', '/etc', '/proc', '/sys', '/home', '/root'):
    attempt('listdir ' + path, lambda: sorted(os.listdir(path)))
attempt('open /etc/shadow', lambda: open('/etc/shadow').read())
''', check_walk),
    "system calls without audit events (mknod, mkfifo, stat, pidfd, kill, setsid)": ('''
attempt('mknod outside', lambda: os.mknod('@OUTSIDE@/node'))
attempt('mkfifo outside', lambda: os.mkfifo('@OUTSIDE@/fifo'))
attempt('mkfifo in its tmpfs', lambda: os.mkfifo('fifo'))
attempt('stat secret', lambda: os.stat('@SECRET_FILE@'))
attempt('stat /etc/passwd', lambda: os.stat('/etc/passwd'))
attempt('getppid', lambda: os.getppid())
attempt('kill the server', lambda: os.kill(@SERVER_PID@, signal.SIGKILL))
attempt('pidfd the server', lambda: signal.pidfd_send_signal(os.pidfd_open(@SERVER_PID@), signal.SIGKILL))
attempt('pidfd the parent', lambda: signal.pidfd_send_signal(os.pidfd_open(os.getppid()), signal.SIGKILL))
attempt('kill the parent', lambda: os.kill(os.getppid(), signal.SIGKILL))
attempt('setsid', lambda: os.setsid())
attempt('kill all it can', lambda: os.kill(-1, signal.SIGKILL))
''', check_syscalls),
    "sockets: the server itself, outward, netlink, host unix sockets": ('''
attempt('connect to the server', lambda: socket.create_connection(('127.0.0.1', @PORT@), timeout=2))
attempt('connect outward', lambda: socket.create_connection(('1.1.1.1', 80), timeout=2))
attempt('udp outward', lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b'x', ('8.8.8.8', 53)))
attempt('inet6', lambda: socket.socket(socket.AF_INET6))
attempt('netlink', lambda: socket.socket(socket.AF_NETLINK, socket.SOCK_RAW))
attempt('unix to the host', lambda: socket.socket(socket.AF_UNIX).connect('/run/systemd/private'))
attempt('socketpair', lambda: socket.socketpair())
''', check_sockets),
    "threads left running": ('''
import _thread, time
def forever():
    while True:
        time.sleep(0.01)
attempt('thread', lambda: threading.Thread(target=forever).start())
attempt('_thread', lambda: _thread.start_new_thread(forever, ()))
attempt('fork', lambda: os.fork())
''', check_threads),
    "file writes via mmap": ('''
import nncalc, ctypes.util
nncalc_file = nncalc.__file__
attempt('write nncalc', lambda: open(nncalc_file, 'r+b').write(b'#'))
def map_for_writing(path):
    with open(path, 'rb') as f:
        return mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_WRITE)
attempt('mmap nncalc for writing', lambda: map_for_writing(nncalc_file))
attempt('mmap secret', lambda: map_for_writing('@SECRET_FILE@'))
attempt('write libc', lambda: open(os.path.realpath(ctypes.util.find_library('c') or '/lib/x86_64-linux-gnu/libc.so.6'), 'r+b'))
def own():
    with open('model.py', 'r+b') as f:
        m = mmap.mmap(f.fileno(), 0)
        m[0:1] = b'#'
        return m[:1]
attempt('mmap its own file', own)
''', check_mmap),
    "fork bomb": ('''
forks = threads = 0
try:
    while forks < 100000:
        if os.fork() == 0:
            while True:
                pass
        forks += 1
except OSError:
    pass
try:
    while threads < 100000:
        threading.Thread(target=lambda: __import__('time').sleep(60)).start()
        threads += 1
except RuntimeError:
    pass
RESULT['forks'] = 'ok: %d' % forks
RESULT['threads'] = 'ok: %d' % threads
''', check_fork_bomb),
    "huge allocations": ('''
attempt('bytearray 1 TB', lambda: len(bytearray(10 ** 12)))
attempt('anonymous mmap 100 GB', lambda: len(mmap.mmap(-1, 10 ** 11)))
try:  # numpy is not needed by nncalc: the fast tier's machine may not have it
    import numpy
except ImportError:
    numpy = None
if numpy is not None:
    attempt('numpy 100 GB', lambda: numpy.ones(10 ** 11 // 8).sum())
''', check_memory),
    "reading host files and the server's environment": ('''
for path in ('/etc/hostname', '/etc/passwd', '/proc/1/environ', '/proc/self/environ'):
    attempt(path, lambda: open(path).read())
attempt('server environ', lambda: open('/proc/@SERVER_PID@/environ').read())
attempt('secret file', lambda: open('@SECRET_FILE@').read())
attempt('environ', lambda: dict(os.environ))
attempt('gethostname', lambda: socket.gethostname())
attempt('uname', lambda: os.uname().nodename)
''', check_reading),
    "writing a marker file outside the jail": ('''
attempt('outside', lambda: open('@OUTSIDE@/marker', 'w').write('x'))
attempt('nncalc dir', lambda: open(os.path.join(os.path.dirname(__import__('nncalc').__file__), 'marker'), 'w'))
attempt('jail root', lambda: open('/marker', 'w'))
attempt('host /tmp', lambda: open('@HOST_TMP_MARKER@', 'w').write('x'))
attempt('its tmpfs', lambda: open('marker', 'w').write('x'))
''', check_writing),
    "seccomp: ptrace, unshare, setns, mount, bpf, keyctl, userfaultfd, perf_event_open": ('''
libc = ctypes.CDLL(None, use_errno=True)
for name, number, args in (('ptrace', 101, (16, 1, 0, 0)), ('unshare', 272, (0x10000000,)), ('setns', 308, (0, 0)),
                           ('mount', 165, (0, 0, 0, 0, 0)), ('bpf', 321, (0, 0, 0)), ('keyctl', 250, (0, 0)),
                           ('userfaultfd', 323, (0,)), ('perf_event_open', 298, (0, 0, -1, -1, 0)),
                           ('clone newuser', 56, (0x10000000 | 17, 0, 0, 0, 0))):
    attempt('syscall ' + name, lambda: (libc.syscall(number, *args), ctypes.get_errno()))
''', check_seccomp),
}


# ----------------------------------------------------------------------------- the server
class Target:
    """``nncalc serve --code-api`` in a child process with secrets in its environment and cwd."""

    def __init__(self, base, port, proc, token, secret_file, outside):
        self.base, self.port, self.proc, self.token = base, port, proc, token
        self.secret_file, self.outside = secret_file, outside
        self.host_tmp_marker = f"/tmp/nncalc-escaped-{token}"
        # (the attacks are told the secret file's path; what must never come back is its content)
        self.secrets = [f"SECRET-ENV-{token}", f"SECRET-FILE-{token}"]

    def fill(self, code: str) -> str:
        return (code.replace("@SECRET_FILE@", self.secret_file).replace("@OUTSIDE@", self.outside)
                .replace("@SERVER_PID@", str(self.proc.pid)).replace("@PORT@", str(self.port))
                .replace("@TOKEN@", self.token).replace("@HOST_TMP_MARKER@", self.host_tmp_marker))

    def post(self, code: str, source: str, timeout: float = 60):
        """POST ``code`` from the address ``source`` (each test is its own client)."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout,
                                                source_address=(source, 0))
        try:
            body = json.dumps({"code": code}).encode()
            connection.request("POST", "/api/summary", body, {"Content-Type": "application/json"})
            response = connection.getresponse()
            raw = response.read().decode("utf-8")
            return response.status, json.loads(raw), raw
        finally:
            connection.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def target(tmp_path_factory):
    need_bwrap()
    base = tmp_path_factory.mktemp("hostile")
    token = secrets.token_hex(12)
    secret_file = base / f"secret-{token}.txt"
    secret_file.write_text(f"SECRET-FILE-{token}\n")
    outside = base / "outside"
    outside.mkdir()
    env = dict(os.environ, NNCALC_TEST_SECRET=f"SECRET-ENV-{token}", PYTHONPATH=str(ROOT / "src"))
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "nncalc", "serve", "--code-api", "--port", str(port),
                             "--bwrap", BWRAP, "--jail-uid", str(HOSTILE_UID)],
                            cwd=str(base), env=env, stderr=subprocess.PIPE, text=True)
    server = Target(str(base), port, proc, token, str(secret_file), str(outside))
    from nncalc.serve.jail import survey

    view = survey()  # what the server's jails bind, as it computes it
    server.top = {p.split("/")[1] for p in list(view.binds) + list(view.symlinks)}
    for _ in range(1200):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            if proc.poll() is not None:
                pytest.fail(f"nncalc serve --code-api did not start: {proc.stderr.read()}")
            time.sleep(0.1)
    yield server
    proc.terminate()
    proc.wait(10)


def jail_processes(target) -> list:
    """Live processes of this server's jails: of its jail uid when the tests run as root, else
    of our uid in another PID namespace."""
    own_ns = os.readlink("/proc/self/ns/pid")
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/status") as f:
                fields = dict(line.split(":", 1) for line in f.read().splitlines() if ":" in line)
            other_ns = os.readlink(f"/proc/{pid}/ns/pid") != own_ns
        except OSError:
            continue
        uid, state = int(fields["Uid"].split()[0]), fields["State"].split()[0]
        ours = uid == HOSTILE_UID if os.geteuid() == 0 else (uid == os.getuid() and other_ns)
        if ours and state != "Z":
            found.append((int(pid), fields["Name"].strip(), state))
    return found


def no_jail_left(target, seconds: float = 5.0) -> list:
    end = time.monotonic() + seconds
    while (left := jail_processes(target)) and time.monotonic() < end:
        time.sleep(0.1)
    return left


def snapshot(*roots) -> dict:
    """Every file under ``roots``: size, mtime and a hash of its start."""
    state = {}
    for root in roots:
        for directory, _, files in os.walk(root):
            for name in files:
                path = os.path.join(directory, name)
                try:
                    info = os.lstat(path)
                    with open(path, "rb") as f:
                        state[path] = (info.st_size, info.st_mtime_ns, hashlib.sha1(f.read(65536)).hexdigest())
                except OSError:
                    state[path] = None
    return state


def leaks(target, raw: str) -> list:
    """Secrets or host facts in an answer."""
    found = [secret for secret in target.secrets if secret in raw]
    hostname = socket.gethostname()
    for marker in (f"'{hostname}'", f'\\"{hostname}\\n', f"'{hostname}\\n'"):
        if hostname != "nncalc-jail" and marker in raw:
            found.append(f"host name {hostname!r}")
    return found


NNCALC_DIR = str(ROOT / "src" / "nncalc")


@pytest.mark.parametrize("index, name", list(enumerate(ATTACKS)), ids=list(ATTACKS))
def test_attack_gets_nothing(target, index, name):
    code, check = ATTACKS[name]
    source = f"127.0.0.{10 + index}"
    before = snapshot(target.base, NNCALC_DIR)
    started = time.monotonic()
    status, answer, raw = target.post(target.fill(PRELUDE + code + EPILOGUE), source)
    took = time.monotonic() - started
    assert not leaks(target, raw), leaks(target, raw)
    assert status == 200, answer
    line = next(line for line in answer["text"].splitlines() if line.startswith("RESULT="))
    result = json.loads(line[len("RESULT="):])
    assert result["unhooked"] >= 1  # the audit hook was defeated: the jail alone stopped the rest
    assert result["imported"] == ["gc", "io", "mmap", "os", "signal"]  # and the import guard (_io is "io")
    check({key.replace(target.secret_file, "@SECRET_FILE@"): value for key, value in result.items()}, target)
    assert took < TEST_LIMITS["timeout"] + TEST_LIMITS["grace"] + 10, took
    assert snapshot(target.base, NNCALC_DIR) == before  # nothing created or changed outside
    assert not os.path.exists(target.host_tmp_marker)
    assert os.listdir(target.outside) == []
    assert not no_jail_left(target), jail_processes(target)
    assert target.post(TINY, source)[0] == 200  # and the server answers the next request
    assert target.proc.poll() is None


def test_a_worker_that_kills_itself(target):
    """No answer at all: a clean one-line error, nothing left, the server answers on."""
    code = PRELUDE + "os.kill(os.getpid(), signal.SIGKILL)\n" + EPILOGUE
    status, answer, raw = target.post(target.fill(code), "127.0.0.9")
    assert status == 422 and set(answer) == {"error"} and "\n" not in answer["error"], answer
    assert not leaks(target, raw) and not no_jail_left(target)
    assert target.post(TINY, "127.0.0.9")[0] == 200 and target.proc.poll() is None


def test_an_endless_loop_is_killed_with_its_jail(target):
    code = PRELUDE + ("for s in (signal.SIGTERM, signal.SIGINT, signal.SIGALRM, signal.SIGXCPU):\n"
                      "    signal.signal(s, signal.SIG_IGN)\nsys.settrace(None)\nwhile True:\n    pass\n")
    started = time.monotonic()
    status, answer, _ = target.post(target.fill(code), "127.0.0.8")
    took = time.monotonic() - started
    assert status == 422 and ("time limit" in answer["error"] or "CPU" in answer["error"]), answer
    # nncalc serve's own limits (10 s, then 5 s of grace); the jail is dead right after
    assert took < 10 + 5 + 5, took
    assert not no_jail_left(target)
    assert target.post(TINY, "127.0.0.8")[0] == 200


# ----------------------------------------------------------------------------- the jail itself
@pytest.fixture(scope="module")
def jail():
    need_bwrap()
    from nncalc.serve.jail import Jail
    from nncalc.serve.sandbox import Limits

    return Jail(BWRAP, host_uid=HOSTILE_UID, limits=Limits(**TEST_LIMITS))


def run_python(jail, code: str, seconds: float = 20):
    """``python -c code`` in a jail (no worker, no audit hook: the jail alone)."""
    return jail.run([jail.view.python, "-I", "-S", "-c", code], b"", seconds, 64 << 20)


def test_what_the_jail_shows(jail):
    code = ("import os, json\nfiles = []\nfor d, dirs, names in os.walk('/'):\n"
            "    files += [os.path.join(d, n) for n in names + [x for x in dirs if os.path.islink(os.path.join(d, x))]]\n"
            "print(json.dumps({'files': files, 'top': sorted(os.listdir('/')), 'id': [os.getuid(), os.getgid(), os.getpid()],"
            " 'groups': os.getgroups(), 'host': os.uname().nodename, 'cwd': os.getcwd(), 'env': dict(os.environ)}))\n")
    result, returncode, run = run_python(jail, code)
    assert returncode == 0 and not result.overflow, result.stderr
    seen = json.loads(result.stdout)
    assert seen["id"] == [65534, 65534, 2] and seen["groups"] == [] and seen["host"] == "nncalc-jail"
    assert seen["cwd"] == WORKDIR and not {"etc", "home", "proc", "sys", "run", "var", "mnt"} & set(seen["top"])
    assert "NNCALC_TEST_SECRET" not in seen["env"] and set(seen["env"]) <= {
        "PATH", "LANG", "LC_ALL", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "TERM",
        "NO_COLOR", "HOME", "TMPDIR", "LD_LIBRARY_PATH", "PWD"}
    allowed = list(jail.view.binds) + list(jail.view.symlinks) + ["/dev/"]
    stray = [f for f in seen["files"] if not any(f == a or f.startswith(a.rstrip("/") + "/") for a in allowed)]
    assert stray == []  # only Python, nncalc, their libraries, and /dev's few devices
    assert any(f.startswith(os.path.join(ROOT, "src", "nncalc") + "/") for f in seen["files"])
    assert all(not f.startswith(str(ROOT / "tests")) for f in seen["files"])
    assert run.host_uids and 0 not in run.host_uids  # and on the host, never root
    if os.geteuid() == 0:
        assert set(run.host_uids) == {HOSTILE_UID}


def test_a_setsid_double_forked_survivor_dies_with_the_jail(jail):
    """Even without the worker's process limit (this is plain Python in the jail), a child that
    left the session, forked again, ignores signals and holds stdout dies with the jail when
    its program ends: the answer is not held up."""
    code = ("import os, signal, time\nif os.fork() == 0:\n    os.setsid()\n    if os.fork() == 0:\n"
            "        for s in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):\n            signal.signal(s, signal.SIG_IGN)\n"
            "        time.sleep(600)\n    os._exit(0)\nprint('parent done', flush=True)\n")
    started = time.monotonic()
    result, returncode, _ = run_python(jail, code, seconds=30)
    assert time.monotonic() - started < 10 and not result.timed_out
    assert result.stdout == b"parent done\n" and returncode == 0
    assert not no_jail_left(jail)


def test_at_the_deadline_the_whole_jail_dies(jail):
    code = ("import os, signal\nfor s in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):\n"
            "    signal.signal(s, signal.SIG_IGN)\nos.fork(); os.fork()\nif os.fork() == 0:\n    os.setsid()\n"
            "while True:\n    pass\n")
    started = time.monotonic()
    result, _, _ = run_python(jail, code, seconds=3)
    assert result.timed_out and 3 <= time.monotonic() - started < 8
    assert not no_jail_left(jail)


def test_rlimits_in_the_jail(jail):
    code = ("import resource, json\nprint(json.dumps({n: resource.getrlimit(getattr(resource, n)) for n in "
            "('RLIMIT_CPU', 'RLIMIT_AS', 'RLIMIT_FSIZE', 'RLIMIT_NOFILE', 'RLIMIT_CORE', 'RLIMIT_NPROC')}))\n")
    result, _, _ = run_python(jail, code)
    limits = json.loads(result.stdout)
    assert limits["RLIMIT_CPU"] == [TEST_LIMITS["cpu_seconds"] + 1] * 2
    assert limits["RLIMIT_AS"] == [TEST_LIMITS["memory_bytes"]] * 2
    assert limits["RLIMIT_FSIZE"][1] <= 16 * 1024 * 1024 and limits["RLIMIT_CORE"] == [0, 0]
    assert limits["RLIMIT_NOFILE"][1] <= 256
    if os.geteuid() == 0:
        assert 0 < limits["RLIMIT_NPROC"][1] <= 64


def test_the_worker_allows_no_new_process_before_user_code(jail):
    """The worker lowers RLIMIT_NPROC to 0 before it runs a script (the server's requests)."""
    from nncalc.serve.sandbox import Limits

    code = PRELUDE + "attempt('fork', lambda: os.fork())\nattempt('thread', lambda: threading.Thread(target=int).start())" + EPILOGUE
    answer = jail.run_request("model.py", code.encode(), {}, Limits(**TEST_LIMITS))
    result = json.loads(re.search(r"RESULT=(.*)", answer["text"]).group(1))
    assert result["unhooked"] >= 1
    refused(result, "fork", "thread")
