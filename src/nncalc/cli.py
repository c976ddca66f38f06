"""The ``nncalc`` command.

    nncalc summary model.py [--explain] [--lang zh] [--format json] [--style keras2]
    nncalc explain model.py [--lang zh] [-- ARGS FOR THE SCRIPT]
    nncalc layers

A script's own ``model.summary()`` calls print exactly what Keras prints; if it
calls none, nncalc summarizes every model the script leaves in its globals.
User mistakes end in one line ``nncalc: error: file:line: ...`` and exit code 2;
a bug in nncalc says so and exits with 3 (``--debug`` shows the traceback).
"""

from __future__ import annotations

import argparse
import os
import sys

FORMATS = ("text", "json", "markdown", "csv", "html")
# Kept here (not imported) so that argument parsing imports nothing heavy.
OPTIMIZER_CHOICES = ("sgd", "sgd-momentum", "rmsprop", "adam", "adamw", "adafactor", "adagrad",
                     "adadelta", "adamax", "nadam", "ftrl", "lion")


def _shape(text: str) -> tuple:
    """``224,224,3`` or ``(None, 16)`` -> a shape tuple (positive ints or None)."""
    parts = [p.strip() for p in text.strip().strip("()[]").split(",") if p.strip()]
    try:
        shape = tuple(None if p.lower() == "none" else int(p) for p in parts)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a shape such as 224,224,3, got {text!r}") from None
    if not shape or any(d is not None and d <= 0 for d in shape):
        raise argparse.ArgumentTypeError(f"expected a shape of positive sizes such as 224,224,3, got {text!r}")
    return shape


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return value
EXIT_USER_ERROR = 2
EXIT_INTERNAL_ERROR = 3
DEFAULT_TIMEOUT = 60.0  # seconds; a script that loops forever is stopped (--timeout)


class _HelpFormatter(argparse.HelpFormatter):
    """argparse's help formatter, given the terminal's width as ``shutil`` would find it
    (argparse imports ``shutil`` for it, and with it bz2, lzma and zlib: 3 ms of every run)."""

    def __init__(self, prog, indent_increment=2, max_help_position=24, width=None):
        if width is None:
            from .render.keras3 import terminal_columns

            width = terminal_columns() - 2
        super().__init__(prog, indent_increment, max_help_position, width)


def build_parser(command=None) -> argparse.ArgumentParser:
    """The command line; ``command`` (a subcommand's name): only that subcommand gets its
    arguments (the others are listed, as always, but parse nothing), which saves most of
    the work of a run (each ``add_argument`` costs argparse a help formatter)."""
    from . import __version__

    parser = argparse.ArgumentParser(
        prog="nncalc", formatter_class=_HelpFormatter,
        description="Shapes, parameters and their derivations for Keras models, without TensorFlow.",
    )
    parser.add_argument("--version", action="version", version=f"nncalc {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    def add_model_command(name: str, help_text: str):
        cmd = commands.add_parser(name, help=help_text, description=help_text,
                                  formatter_class=_HelpFormatter)
        if command is not None and command != name:
            return cmd
        cmd.add_argument("file", help="a Keras script (.py) or model file (.keras, .h5, .json config), or a "
                                      "Hugging Face config.json, model directory or cache entry")
        cmd.add_argument("--format", choices=FORMATS, default="text", help="output format (default: text)")
        cmd.add_argument("--style", choices=("keras3", "keras2", "tf_keras"), default="keras3",
                         help="summary text of Keras 3 (default), of tf.keras 2.0-2.8 as in the "
                              "tutorial (keras2), or of tf_keras 2.21 (tf_keras)")
        cmd.add_argument("--lang", choices=("en", "zh"), default="en",
                         help="language of explanations and error messages")
        cmd.add_argument("--explain", action="store_true", default=name == "explain",
                         help="after the table, derive every figure")
        cmd.add_argument("--line-length", type=int, default=None,
                         help="table width, for models the script does not summarize itself")
        cmd.add_argument("--show-trainable", action="store_true",
                         help="add a Trainable column, for models the script does not summarize itself")
        cmd.add_argument("--expand-nested", action="store_true",
                         help="show nested models' layers, for models the script does not summarize itself")
        extra = cmd.add_argument_group("nncalc's own figures (columns to the right of Keras' table)")
        extra.add_argument("--flops", action="store_true",
                           help="MACs and FLOPs per layer and in total, per sample (see README)")
        extra.add_argument("--flops-convention", choices=("nncalc", "tf", "torch", "kaplan", "megatron"),
                           default="nncalc",
                           help="FLOPs as nncalc counts them (default) or as TensorFlow's profiler "
                                "(keras-flops) counts them at batch 1, per op type; language models: "
                                "torch (FlopCounterMode), kaplan, megatron")
        extra.add_argument("--memory", action="store_true",
                           help="activation bytes per layer; weights, inference and training memory")
        extra.add_argument("--receptive-field", action="store_true",
                           help="receptive field size, stride and start per spatial axis")
        extra.add_argument("--input-shape", type=_shape, action="append", metavar="SHAPE",
                           help="for model files: the input shape without the batch axis, e.g. "
                                "224,224,3 (once per model input), giving free dims a value")
        extra.add_argument("--batch-size", type=_positive_int, default=None,
                           help="batch size of the memory estimates (default: 32, as Keras' fit; "
                                "language models: 1)")
        extra.add_argument("--optimizer", choices=OPTIMIZER_CHOICES + ("adam-8bit",), default="adam",
                           help="optimizer of the training memory estimate (default: adam; adam-8bit: "
                                "language models)")
        from .hf.command import add_arguments as add_language_model_arguments

        add_language_model_arguments(cmd, _positive_int)
        cmd.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, metavar="SECONDS",
                         help=f"stop a script (or model) that runs longer than this (default: "
                              f"{DEFAULT_TIMEOUT:g}; 0: no limit)")
        cmd.add_argument("--debug", action="store_true", help="show tracebacks")
        return cmd

    add_model_command("summary", "print the Keras summary of every model in a script")
    add_model_command("explain", "print the summary and the derivation of every figure")
    commands.add_parser("layers", help="list the Keras layers nncalc supports",
                        formatter_class=_HelpFormatter)
    serve = commands.add_parser("serve", help="start the web calculator (a page and a JSON API)",
                                description="start the web calculator: a page and a JSON API",
                                formatter_class=_HelpFormatter)
    if command is None or command == "serve":
        serve.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1)")
        serve.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
        serve.add_argument("--fetch-pyodide", action="store_true",
                           help="first get Pyodide's files (13 MB, npm registry, checked against pinned "
                                "hashes), which run pasted code in the browser")
        serve.add_argument("--export", metavar="DIR",
                           help="write the page as static files into DIR (for any static host) and exit")
        serve.add_argument("--code-api", action="store_true",
                           help="let POST /api/summary run scripts ('code'), each in a bubblewrap "
                                "jail (off by default: the page runs code in the browser)")
        serve.add_argument("--bwrap", default="/usr/bin/bwrap", metavar="PATH",
                           help="bubblewrap for --code-api (default: /usr/bin/bwrap)")
        serve.add_argument("--jail-uid", type=int, default=None, metavar="UID",
                           help="host uid of the jails when the server runs as root (default: 65533)")
    return parser


def _list_layers() -> int:
    from .layers import EXPORTS

    for name in sorted(EXPORTS):
        value = EXPORTS[name]
        if not isinstance(value, type):
            print(f"{name} (function)")
        elif getattr(value, "refused", False):
            print(f"{name} (refused: it can only be analysed by its own framework)")
        elif value.__name__ != name:
            print(f"{name} (alias of {value.__name__})")
        else:
            print(name)
    return 0


def _analysis_options(args):
    from .analysis import AnalysisOptions

    for name in ("torch", "kaplan", "megatron", "adam-8bit"):
        if name in (args.flops_convention, args.optimizer):
            from .errors import NncalcError

            raise NncalcError(f"{name} is for language models (a Hugging Face config.json), not Keras models")
    return AnalysisOptions(flops=args.flops, memory=args.memory, receptive_field=args.receptive_field,
                           batch_size=args.batch_size or 32, optimizer=args.optimizer,
                           flops_convention=args.flops_convention, sequence_length=args.seq_len)


def _summarize_script(args) -> int:
    from . import session
    from .api import run_for_summaries
    from .summary import Summary, summarize_model

    from .hf import is_hf_config

    if is_hf_config(args.file):  # a Hugging Face config.json, model directory or cache entry
        from .hf.command import run

        return run(args)
    text = args.format == "text"
    analysis = _analysis_options(args)
    if args.file.endswith(".py"):
        if args.input_shape:
            from .errors import user_error_line

            print(user_error_line(args.file, "--input-shape is for model files; a script sets its "
                                  "input shapes itself (keras.Input(shape=...))", args.lang), file=sys.stderr)
            return EXIT_USER_ERROR
        summaries, models = run_for_summaries(args.file, args.script_args,
                                              style=args.style if text else "none",
                                              stdout=None if text else sys.stderr, analysis=analysis)
    else:
        from .io.files import load_model

        session.reset()
        session.style = args.style if text else "none"
        session.analysis = analysis
        summaries, models = [], [load_model(args.file, input_shapes=args.input_shape)]
    if not summaries:
        for model in models:
            if text:
                model.summary(line_length=args.line_length, show_trainable=args.show_trainable,
                              expand_nested=args.expand_nested)
            else:
                summaries.append(summarize_model(model, expand_nested=args.expand_nested))
        summaries = summaries or list(session.summaries)
    if not summaries:
        from .errors import user_error_line

        print(user_error_line(args.file, "the script defines no model", args.lang), file=sys.stderr)
        return EXIT_USER_ERROR
    summary = Summary(summaries)
    if text:
        if args.explain:
            sys.stdout.write(summary.explain(lang=args.lang))
    elif args.format == "json":
        print(summary.to_json(lang=args.lang))
    elif args.format == "markdown":
        sys.stdout.write(summary.to_markdown(lang=args.lang))
    elif args.format == "csv":
        sys.stdout.write(summary.to_csv())
    else:
        sys.stdout.write(summary.to_html(lang=args.lang))
    return 0


def _is_user_error(error: BaseException) -> bool:
    """User mistakes: nncalc's own errors, Keras-style ValueError/TypeError, errors in user code."""
    from .errors import NncalcError, ScriptTimeout

    if isinstance(error, (NncalcError, ValueError, TypeError, SystemExit, ScriptTimeout)):
        return True
    import traceback  # error paths only: not imported by a run that succeeds

    frames = list(traceback.walk_tb(error.__traceback__))
    package_dir = os.path.dirname(os.path.abspath(__file__))
    for frame, _ in reversed(frames):  # the deepest frame that is not the standard library's
        filename = os.path.abspath(frame.f_code.co_filename)
        if _in_stdlib(filename):
            continue  # json, copy, re ...: whoever called them is responsible
        return not filename.startswith(package_dir)
    return True


def _in_stdlib(filename: str) -> bool:
    import sysconfig

    stdlib = os.path.abspath(sysconfig.get_paths()["stdlib"])
    return filename.startswith(stdlib + os.sep) and "-packages" not in filename


def main(argv=None) -> int:
    """The command; ``argv=None`` is the real process (``sys.argv``), which may be ended hard."""
    own_process = argv is None
    argv = list(sys.argv[1:] if argv is None else argv)
    script_args = []
    if "--" in argv:  # nncalc summary model.py --explain -- --epochs 3
        cut = argv.index("--")
        argv, script_args = argv[:cut], argv[cut + 1:]
    # The subcommand is the first word that is not an option (nncalc's own options take no value).
    parser = build_parser(next((arg for arg in argv if not arg.startswith("-")), None))
    args = parser.parse_args(argv)
    args.script_args = script_args
    if args.command is None:
        parser.print_help()
        return EXIT_USER_ERROR
    if args.command == "layers":
        try:
            code = _list_layers()
            sys.stdout.flush()
            return code
        except BrokenPipeError:
            return _reader_gone()
    if args.command == "serve" and (args.fetch_pyodide or args.export):
        from .serve.assets import prepare

        code = prepare(fetch_pyodide=args.fetch_pyodide, export_dir=args.export)
        if code or args.export:
            return code
    if args.command == "serve":
        from .serve.server import serve  # lazily: the server is not needed by other commands

        return serve(args.host, args.port, code_api=args.code_api, bwrap=args.bwrap, jail_uid=args.jail_uid)
    from .errors import internal_error_line, user_error_line

    if not os.path.isfile(args.file) and not os.path.isdir(args.file):
        print(user_error_line(args.file, "no such file", args.lang), file=sys.stderr)
        return EXIT_USER_ERROR
    from .script import ScriptError

    if own_process:
        _young_collections_only()
    try:
        line = (lambda error: user_error_line(args.file, error, args.lang)) if own_process else None
        stuck = (lambda error: _exit_now(line(error))) if own_process else None
        # The limit (and its watchdog process) starts before the heavy imports: forked from a
        # small process, the watchdog costs the run few copy-on-write page faults.
        with _time_limit(args.timeout, stuck, line):
            from .summary import lazy_explanations

            # Plain text without --explain never reads an explanation: derive none.
            with lazy_explanations(args.format == "text" and not args.explain):
                code = _summarize_script(args)
            sys.stdout.flush()  # here, where a reader that has gone (BrokenPipeError) is handled
            return code
    except ScriptError as failure:
        error, where = failure.error, failure.where
    except BrokenPipeError:
        return _reader_gone()
    except (Exception, _ScriptTimeout()) as failure:  # after the script ran, or a model file
        error, where = failure, args.file
    if args.debug:
        import traceback

        traceback.print_exception(error)
    if _is_user_error(error):
        print(user_error_line(where, error, args.lang), file=sys.stderr)
        return EXIT_USER_ERROR
    print(internal_error_line(where, error, args.lang), file=sys.stderr)
    return EXIT_INTERNAL_ERROR


def _young_collections_only() -> None:
    """The command's garbage collector collects only the youngest objects.

    Everything a model is made of (layers, tensors, nodes, weights, rows) lives until the
    process ends, so Python's older-generation collections, which re-walk every surviving
    object each time their number has grown by a quarter, free nothing and cost more the
    larger the model: 30–40 % of a 10,000-layer summary (see README "Speed"). Collections
    of the youngest generation still free the short-lived cycles a script makes. Only the
    real process does this (in-process callers, such as the tests, keep their settings).
    """
    import gc

    gc.set_threshold(gc.get_threshold()[0], 1 << 30, 1 << 30)


def _reader_gone() -> int:
    """``nncalc ... | head``: the reader has gone; nothing to say, and nothing left to flush
    (stdout now goes nowhere, so Python's flush at exit cannot fail)."""
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, ValueError):  # stdout has no file descriptor (in-process callers)
        pass
    return 0


def _exit_now(line: str) -> None:
    """Print the error line and end the process at once (a script that swallows every timeout)."""
    sys.stdout.flush()
    print(line, file=sys.stderr, flush=True)
    os._exit(EXIT_USER_ERROR)


def _ScriptTimeout():
    from .errors import ScriptTimeout

    return ScriptTimeout


class _time_limit:
    """``with _time_limit(seconds):`` raises :class:`~nncalc.errors.ScriptTimeout` when time is up.

    A real-time interval timer (``setitimer``), in the main thread of a platform that has it;
    elsewhere (Windows, a thread) no limit. After the first signal it fires again every
    second, and each time also arms a trace function that raises the timeout again at the
    next line run (so a script whose ``except BaseException: pass`` swallows the signal is
    stopped in its handler). ``on_stuck`` (the real command passes one) is called when the
    code still runs :data:`GRACE` seconds after the limit: it prints the error line and
    ends the process, for scripts that swallow even that. ``line`` (the real command passes
    one: the error line of a timeout) starts a :mod:`~nncalc.watchdog` process that prints it
    and ends the process a second after that, should a single C call (``json.loads`` of a
    huge file) keep every signal handler from running.

    A signal that arrives while a gc callback or a ``__del__`` runs is not raised there
    (Python would print the exception and drop it, "Exception ignored in ..."), nor while the
    script runner swaps Keras modules in ``sys.modules`` (see :func:`_not_here`): the timeout
    is raised at the first line run outside it, or by the timer, which fires again 50 ms
    later (up to 100 times, then it raises wherever the code is).
    """

    GRACE = 5  # seconds after the limit before ``on_stuck``

    def __init__(self, seconds, on_stuck=None, line=None):
        self.seconds = seconds or 0
        self.on_stuck = on_stuck
        self.line = line
        self.active = False
        self.watchdog = None

    def __enter__(self):
        import signal
        import threading

        if (self.seconds > 0 and hasattr(signal, "setitimer")
                and threading.current_thread() is threading.main_thread()):
            from .errors import ScriptTimeout

            fired = [0]
            outer = sys._getframe(1)  # frames from here up are not ours to stop
            package_dir = os.path.dirname(os.path.abspath(__file__))

            def raise_timeout(frame, event, arg):
                if frame.f_code.co_filename.startswith(package_dir):
                    return None  # nncalc's own frames (its error handling) run on
                if event not in ("line", "call") or _not_here(frame):
                    return raise_timeout  # (an "exception" event: the timeout on its way up)
                raise ScriptTimeout(self.seconds)

            def arm(frame):  # raise the timeout again at the next line run (see raise_timeout)
                sys.settrace(raise_timeout)
                while frame is not None and frame is not outer:
                    frame.f_trace, frame.f_trace_lines = raise_timeout, True
                    frame = frame.f_back

            deferred = [0]

            def expired(signum, frame):
                if deferred[0] < 100 and _not_here(frame):  # dropped, or sys.modules left half-swapped
                    deferred[0] += 1
                    arm(frame)  # raised at the first line run outside the finalizer,
                    signal.setitimer(signal.ITIMER_REAL, 0.05, 1.0)  # or by this signal 50 ms on
                    return
                fired[0] += 1
                if fired[0] > self.GRACE and self.on_stuck is not None:
                    self.on_stuck(ScriptTimeout(self.seconds))
                if fired[0] > 1:  # the first timeout was swallowed: stop at the next line
                    arm(frame)
                raise ScriptTimeout(self.seconds)

            self.previous = signal.signal(signal.SIGALRM, expired)
            self.previous_trace = sys.gettrace()
            if self.line is not None:
                from . import watchdog

                self.watchdog = watchdog.start(self.seconds + self.GRACE + 1,
                                               self.line(ScriptTimeout(self.seconds)))
            signal.setitimer(signal.ITIMER_REAL, self.seconds, 1.0)
            self.active = True
        return self

    def __exit__(self, *exc):
        if self.active:
            import signal

            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self.previous)
            sys.settrace(self.previous_trace)
            if self.watchdog is not None:
                self.watchdog.stop()
        return False


def _not_here(frame) -> bool:
    """True where the timeout must not be raised: inside a gc callback or a ``__del__`` method
    (where a raised exception is dropped), or while :func:`nncalc.script.keras_aliases` swaps
    the process's Keras/TensorFlow modules in ``sys.modules`` for nncalc's and back (raised
    there, it would leave the real ones out: an in-process caller's next ``import keras``
    would then import TensorFlow a second time, which aborts the process)."""
    import gc

    from .script import MODULE_SWAP_CODE

    callbacks = {getattr(callback, "__code__", None) for callback in gc.callbacks}
    while frame is not None:
        code = frame.f_code
        if code.co_name == "__del__" or code in callbacks or code is MODULE_SWAP_CODE:
            return True
        frame = frame.f_back
    return False
