"""The app's HTTP server: Starlette routes, the guards, and server-sent events.

Guards, on every request: the Host header must name this server (no DNS rebinding).
On every ``/api`` call: the per-run token (an ``X-BPNN-Token`` header, or for GET the
SameSite=Strict cookie the start page set), and no cross-site request (``Origin`` must be
this server, ``Sec-Fetch-Site`` same-origin). Uploads larger than ``max_upload`` bytes are
refused before they are read to the end. Files are served from the ``static`` folder only.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import secrets
import socket
import tempfile
import threading
from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response, StreamingResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from . import learn
from .session import (
    AppError,
    Session,
    algorithm_choices,
    clean,
    download,
    load_model_bytes,
    parse_train_settings,
    predict,
    safe_name,
    table_summary,
    train_job,
)

STATIC = Path(__file__).resolve().parent / "static"
TEMPLATES = Path(__file__).resolve().parent / "templates"
MAX_UPLOAD = 50 * 1024 * 1024  # bytes; `bpnn app --max-upload` changes it
TOKEN_HEADER = "x-bpnn-token"
POLL_SECONDS = 0.1  # how often an event stream looks for new events


SECURITY_HEADERS = [  # on every response: nothing from elsewhere, no framing, no sniffing
    (
        b"content-security-policy",
        b"default-src 'self'; img-src 'self' data:; "
        b"style-src 'self' 'unsafe-inline'; script-src 'self'; connect-src 'self'; "
        b"frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    ),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
]


class _SecurityHeaders:
    """ASGI middleware adding :data:`SECURITY_HEADERS` (streams pass through untouched)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def with_headers(message):
            if message["type"] == "http.response.start":
                message["headers"] = list(message.get("headers", [])) + SECURITY_HEADERS
            await send(message)

        await self.app(scope, receive, with_headers)


def _json(obj, status=200):
    return JSONResponse(clean(obj), status_code=status)


def _error(message, status=400):
    return JSONResponse({"error": str(message)}, status_code=status)


class _Guard:
    """The token and same-origin checks of the API (see the module docstring)."""

    def __init__(self, token, cookie):
        self.token, self.cookie = token, cookie

    def refuse(self, request: Request):
        """None when the request may proceed, else the error response."""
        site = request.headers.get("sec-fetch-site")
        if site is not None and site not in ("same-origin", "none"):
            return _error(f"cross-site request refused (Sec-Fetch-Site: {site})", 403)
        origin = request.headers.get("origin")
        if origin is not None and origin != f"{request.url.scheme}://{request.headers.get('host')}":
            return _error(f"cross-site request refused (Origin: {origin})", 403)
        given = request.headers.get(TOKEN_HEADER)
        if given is None and request.method == "GET":
            given = request.cookies.get(self.cookie)
        if not given or not hmac.compare_digest(given.encode(), self.token.encode()):
            return _error(
                "missing or wrong app token: open the address that `bpnn app` printed", 403
            )
        return None


def create_app(
    token=None, *, port=0, max_upload=MAX_UPLOAD, allowed_hosts=None, workdir=None
) -> Starlette:
    """The ASGI app. ``token``: the per-run secret (random when None); ``port``: names the
    cookie; ``allowed_hosts``: the Host names accepted (loopback names by default)."""
    token = token or secrets.token_urlsafe(24)
    cookie = f"bpnn_app_{port}"
    guard = _Guard(token, cookie)
    tmp = tempfile.TemporaryDirectory(prefix="bpnn-app-")
    session = Session(Path(workdir) if workdir else Path(tmp.name))
    page = (TEMPLATES / "index.html").read_text(encoding="utf-8")

    def api(handler):
        async def wrapped(request: Request):
            refused = guard.refuse(request)
            if refused is not None:
                return refused
            try:
                return await handler(request)
            except AppError as exc:
                return _error(exc, exc.status)
            except ValueError as exc:  # the library's one-line errors (TableError, ...)
                from ..tables.frames import one_line

                msg = one_line(exc).replace("choose --missing", "choose under Missing values:")
                return _error(msg, 400)
            except Exception as exc:  # noqa: BLE001 - a bug: say so, keep serving
                from ..tables.frames import one_line

                return _error(f"internal error: {type(exc).__name__}: {one_line(exc)}", 500)

        return wrapped

    async def index(request: Request):
        given = request.query_params.get("token") or request.cookies.get(cookie) or ""
        if not hmac.compare_digest(given.encode(), token.encode()):
            return HTMLResponse(
                "<!DOCTYPE html><meta charset='utf-8'><title>bpnn app</title>"
                "<p>Open the address that <code>bpnn app</code> printed "
                "(it carries this run's token).</p>",
                status_code=403,
            )
        resp = HTMLResponse(page.replace("{{TOKEN}}", token))
        resp.set_cookie(cookie, token, httponly=True, samesite="strict", path="/")
        resp.headers["Cache-Control"] = "no-store"
        return resp

    async def body_of(request: Request) -> bytes:
        """The request body, refused (413) past ``max_upload`` bytes."""
        length = request.headers.get("content-length")
        if length is not None and length.isdigit() and int(length) > max_upload:
            raise AppError(
                f"the file is {_size(int(length))}, over the upload limit of "
                f"{_size(max_upload)} (start bpnn app with --max-upload MB)",
                413,
            )
        chunks, total = [], 0
        async for chunk in request.stream():
            total += len(chunk)
            if total > max_upload:
                raise AppError(
                    f"the file is over the upload limit of {_size(max_upload)} "
                    "(start bpnn app with --max-upload MB)",
                    413,
                )
            chunks.append(chunk)
        return b"".join(chunks)

    # -- API: meta and data ---------------------------------------------------------------
    async def meta(request):
        import importlib.util

        import bpnn
        from ..datasets import dataset_names
        from .session import ACTIVATIONS, MISSING, OUTPUT_ACTIVATIONS

        try:
            ts = importlib.util.find_spec("bpnn.timeseries") is not None
        except ImportError:
            ts = False
        return _json(
            {
                "version": bpnn.__version__,
                "datasets": dataset_names(),
                "algorithms": algorithm_choices(),
                "activations": ACTIVATIONS,
                "output_activations": OUTPUT_ACTIVATIONS,
                "missing": MISSING,
                "max_upload": max_upload,
                "timeseries": ts,
                "playground": {
                    "sets": learn.PLAYGROUND_SETS,
                    "algorithms": learn.PLAYGROUND_ALGORITHMS,
                    "activations": learn.PLAYGROUND_ACTIVATIONS,
                },
            }
        )

    async def upload(request):
        from ..io_tables import TABLE_SUFFIXES, read_table

        name = safe_name(request.query_params.get("name"), "upload.csv")
        suffix = Path(name).suffix.lower()
        if suffix not in TABLE_SUFFIXES:
            raise AppError(f"{name!r} is not a table file: use one of {', '.join(TABLE_SUFFIXES)}")
        data = await body_of(request)
        path = session.workdir / f"{secrets.token_hex(8)}{suffix}"
        path.write_bytes(data)
        try:
            df = await asyncio.to_thread(read_table, path, request.query_params.get("sheet"))
        except ValueError as exc:
            raise AppError(str(exc).replace(str(path), name)) from None
        except Exception as exc:  # noqa: BLE001 - e.g. a broken Excel or Parquet file
            raise AppError(f"cannot read {name!r} as a table: {type(exc).__name__}") from None
        finally:
            path.unlink(missing_ok=True)
        return _json(table_summary(session.add_table(name, df)))

    async def builtin(request):
        from ..datasets import load_dataset

        body = await _read_json(request)
        ds = await asyncio.to_thread(load_dataset, str(body.get("name", "")))
        return _json(table_summary(session.add_table(ds.name, ds.frame, ds)))

    async def detect(request):
        from .session import detect_task

        body = await _read_json(request)
        return _json(
            detect_task(
                session.table(body.get("table")), [str(c) for c in body.get("target") or []]
            )
        )

    # -- API: training ----------------------------------------------------------------------
    async def start_train(request):
        spec = parse_train_settings(session, await _read_json(request))
        work = await asyncio.to_thread(train_job, session, spec)
        job = session.start("train", work)
        return _json({"job": job.id})

    async def start_timeseries(request):
        from .timeseries import parse_ts_settings, ts_job

        spec = parse_ts_settings(session, await _read_json(request))
        work = await asyncio.to_thread(ts_job, session, spec)
        job = session.start("timeseries", work)
        return _json({"job": job.id})

    async def start_playground(request):
        p = learn.parse_playground(await _read_json(request))
        job = session.start("playground", learn.playground_job(p))
        return _json({"job": job.id})

    async def stop(request):
        job = session.job(request.path_params["job"])
        job.stop_requested = True
        return _json({"stopping": not job.done})

    async def events(request):
        job = session.job(request.path_params["job"])

        async def stream():
            sent = 0
            yield "retry: 1000\n\n"
            while True:
                n = len(job.events)
                if n > sent:
                    batch = job.events[sent:n]
                    sent = n
                    epochs = [d for k, d in batch if k == "epoch"]
                    if epochs:
                        yield f"event: epochs\ndata: {json.dumps(epochs)}\n\n"
                    for kind, data in batch:
                        if kind not in ("epoch", "superseded"):
                            yield f"event: {kind}\ndata: {json.dumps(data)}\n\n"
                elif job.done:
                    yield "event: end\ndata: {}\n\n"
                    return
                if await request.is_disconnected():
                    return
                await asyncio.sleep(POLL_SECONDS)

        return StreamingResponse(
            stream(),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
        )

    async def runs(request):
        return _json({"runs": [r.result for r in session.runs.values()]})

    async def run_result(request):
        return _json(session.run(request.path_params["run"]).result)

    async def plot(request):
        run = session.run(request.path_params["run"])
        name = request.path_params["name"]
        if name not in run.figures:
            raise AppError(f"no plot {name!r}", 404)
        return Response(run.figures[name][1], media_type="image/png")

    async def get_download(request):
        run = session.run(request.path_params["run"])
        data, name, media = await asyncio.to_thread(
            download, session, run, request.path_params["kind"]
        )
        return Response(
            data,
            media_type=media,
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )

    # -- API: predict and learn ------------------------------------------------------------
    async def upload_model(request):
        name = safe_name(request.query_params.get("name"), "model.bpnn")
        data = await body_of(request)
        return _json(await asyncio.to_thread(load_model_bytes, session, name, data))

    async def do_predict(request):
        body = await _read_json(request)
        return _json(
            await asyncio.to_thread(
                predict, session, body.get("model"), body.get("table"), body.get("missing", "error")
            )
        )

    async def get_predictions(request):
        out = session.predictions.get(request.path_params["pid"])
        if out is None:
            raise AppError("no such predictions", 404)
        return Response(
            out.to_csv(index=False).encode("utf-8"),
            media_type="text/csv",
            headers={"Content-Disposition": 'attachment; filename="predictions.csv"'},
        )

    async def worked(request):
        try:
            lr = float(request.query_params.get("lr", 0.5))
        except ValueError:
            raise AppError("the learning rate must be a number") from None
        return _json(learn.worked_example(lr))

    async def points(request):
        p = learn.parse_playground(dict(request.query_params))
        X, y = learn.make_points(p["data"], p["n"], p["noise"], p["seed"])
        tr, te = learn.split_points(len(y), p["train"], p["seed"])
        return _json(
            {"X": X, "y": y, "train": tr, "test": te, "grid": learn.GRID, "extent": learn.EXTENT}
        )

    routes = [
        Route("/", index),
        Route("/api/meta", api(meta)),
        Route("/api/data/upload", api(upload), methods=["POST"]),
        Route("/api/data/builtin", api(builtin), methods=["POST"]),
        Route("/api/data/detect", api(detect), methods=["POST"]),
        Route("/api/train", api(start_train), methods=["POST"]),
        Route("/api/playground", api(start_playground), methods=["POST"]),
        Route("/api/timeseries", api(start_timeseries), methods=["POST"]),
        Route("/api/jobs/{job}/events", api(events)),
        Route("/api/jobs/{job}/stop", api(stop), methods=["POST"]),
        Route("/api/runs", api(runs)),
        Route("/api/runs/{run}", api(run_result)),
        Route("/api/runs/{run}/plot/{name}.png", api(plot)),
        Route("/api/runs/{run}/download/{kind}", api(get_download)),
        Route("/api/predict/model", api(upload_model), methods=["POST"]),
        Route("/api/predict", api(do_predict), methods=["POST"]),
        Route("/api/predictions/{pid}.csv", api(get_predictions)),
        Route("/api/learn/worked", api(worked)),
        Route("/api/playground/points", api(points)),
        Mount("/static", app=StaticFiles(directory=STATIC), name="static"),
    ]
    hosts = list(allowed_hosts or ["127.0.0.1", "localhost", "[::1]"])
    app = Starlette(
        routes=routes,
        middleware=[
            Middleware(_SecurityHeaders),
            Middleware(TrustedHostMiddleware, allowed_hosts=hosts),
        ],
    )
    app.state.token, app.state.session, app.state.tmp = token, session, tmp
    app.state.cookie = cookie
    return app


async def _read_json(request: Request) -> dict:
    raw = await request.body()
    if len(raw) > 1_000_000:
        raise AppError("request too large", 413)
    try:
        body = json.loads(raw or b"{}")
    except ValueError:
        raise AppError("the request is not valid JSON") from None
    if not isinstance(body, dict):
        raise AppError("the request must be a JSON object")
    return body


def _size(n) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{-(-n // 1024)} kB"


# -- running it ---------------------------------------------------------------------------------
def bind(host="127.0.0.1", port=0) -> socket.socket:
    """A listening TCP socket on (host, port); port 0 picks a free one."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(64)
    return sock


class AppServer:
    """uvicorn serving :func:`create_app` on a socket, in this thread or a background one."""

    def __init__(self, host="127.0.0.1", port=0, max_upload=MAX_UPLOAD, token=None):
        import uvicorn

        self.socket = bind(host, port)
        self.host, self.port = self.socket.getsockname()[:2]
        hosts = ["127.0.0.1", "localhost", "[::1]"]
        if host not in ("127.0.0.1", "localhost", "::1"):
            hosts = ["*"]  # served on another interface: any name reaching it
        self.app = create_app(token, port=self.port, max_upload=max_upload, allowed_hosts=hosts)
        self.token = self.app.state.token
        config = uvicorn.Config(
            self.app,
            log_level="warning",
            lifespan="off",
            access_log=False,
            timeout_graceful_shutdown=1,
        )
        self.server = uvicorn.Server(config)
        self.thread = None

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/?token={self.token}"

    def run(self):
        self.server.run(sockets=[self.socket])

    def start(self):
        """Serve in a daemon thread; returns when the server accepts connections."""
        self.thread = threading.Thread(target=self.run, name="bpnn-app-server", daemon=True)
        self.thread.start()
        for _ in range(500):
            if self.server.started:
                return self
            if not self.thread.is_alive():
                raise RuntimeError("the app server did not start")
            threading.Event().wait(0.01)
        raise RuntimeError("the app server did not start in 5 s")

    def stop(self):
        self.server.should_exit = True
        if self.thread is not None:
            self.thread.join(10)
        self.socket.close()
        self.app.state.tmp.cleanup()


__all__ = ["create_app", "AppServer", "bind", "MAX_UPLOAD"]
