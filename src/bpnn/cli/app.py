"""``bpnn app``: start the local browser app (needs the ``app`` extra)."""

from __future__ import annotations

import sys

from ._shared import EXIT_OK, UsageError

DEFAULT_PORT = 8765


def cmd_app(args):
    from ..app import INSTALL_HINT, missing_requirements

    missing = missing_requirements()
    if missing:
        raise UsageError(f"the app needs {', '.join(missing)}: {INSTALL_HINT}")
    if args.max_upload is not None and args.max_upload <= 0:
        raise UsageError(f"--max-upload must be a positive number of MB, got {args.max_upload}")
    from ..app.server import MAX_UPLOAD, AppServer

    limit = MAX_UPLOAD if args.max_upload is None else int(args.max_upload * 1024 * 1024)
    try:
        server = AppServer(args.host, args.port, max_upload=limit)
    except OSError as exc:
        if args.port == DEFAULT_PORT and args.port_given is False:
            server = AppServer(args.host, 0, max_upload=limit)  # the default port is taken
        else:
            raise UsageError(
                f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}"
            ) from None
    url = server.url
    if not args.quiet:
        print(f"bpnn app: serving on {url}", flush=True)
        if args.host not in ("127.0.0.1", "localhost", "::1"):
            print(
                "bpnn app: warning: reachable from other machines; anyone with the address "
                "above (it carries the token) can use it",
                file=sys.stderr,
            )
        print("bpnn app: press Ctrl-C to stop", flush=True)
    if not args.no_browser:
        import webbrowser

        webbrowser.open(url)
    try:
        server.run()
    finally:
        server.stop()
    return EXIT_OK


def add_parsers(sub, common):
    import argparse

    class Port(argparse.Action):
        def __call__(self, parser, ns, value, option_string=None):
            ns.port, ns.port_given = value, True

    a = sub.add_parser(
        "app",
        parents=[common],
        help="start the local browser app (train, predict, learn)",
        description="Start a local web server with the bpnn "
        "app and open it in the browser. Needs the app extra: "
        'pip install "bpnn[app]".',
    )
    a.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1: this machine only)",
    )
    a.add_argument(
        "--port",
        type=int,
        default=DEFAULT_PORT,
        action=Port,
        help=f"port (default {DEFAULT_PORT}, or a free one if that is taken; 0: a free one)",
    )
    a.add_argument(
        "--no-browser",
        dest="no_browser",
        action="store_true",
        help="do not open a browser; just print the address",
    )
    a.add_argument(
        "--max-upload",
        dest="max_upload",
        type=float,
        metavar="MB",
        help="largest upload in MB (default 50)",
    )
    a.set_defaults(func=cmd_app, port_given=False)
