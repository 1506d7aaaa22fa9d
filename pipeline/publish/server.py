"""`article-audio serve DIR`: an output folder served for review (aiohttp, which answers Range requests so a
browser can seek in the audio), taking listeners' mispronunciation reports into `DIR/feedback.jsonl`.

Only regular files inside DIR are served (no `..`, no symbolic link out of it, no hidden file, not the reports
themselves); a report is appended as one whole line only after it is checked; CORS headers go only to origins
the user named.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import mimetypes
import os
import signal
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import UsageError
from pipeline.publish.feedback import MAX_RECORD_BYTES, InvalidRecord, parse_record, record_line

FEEDBACK_PATH = "/feedback"
FEEDBACK_FILE = "feedback.jsonl"
#: feedback.jsonl stops growing here: a review folder is not a database, and a flood must not fill the disk.
MAX_FEEDBACK_BYTES = 64 * 1024**2
DEFAULT_PORT = 8000
#: The names a server bound to the loopback address answers to.
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
for _type, _suffix in (("text/vtt", ".vtt"), ("audio/mpeg", ".mp3"), ("audio/ogg", ".ogg"), ("audio/wav", ".wav"),
                       ("text/javascript", ".js"), ("application/json", ".json")):
    mimetypes.add_type(_type, _suffix)


@dataclass(frozen=True)
class ServeOptions:
    """What to serve and to whom: the folder, the address, and the other origins whose pages may send reports."""

    folder: Path
    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT
    allow_origins: tuple[str, ...] = ()
    max_feedback_bytes: int = MAX_FEEDBACK_BYTES


def _ends_with_newline(path: Path) -> bool:
    with path.open("rb") as file:
        file.seek(-1, os.SEEK_END)
        return file.read(1) == b"\n"


def is_loopback(host: str) -> bool:
    """Whether the address only this machine can reach."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _aiohttp():
    try:
        from aiohttp import web
    except ImportError:
        raise UsageError("serve needs aiohttp; reinstall article-audio (pip install article-audio)") from None
    return web


def served_file(folder: Path, request_path: str) -> Path | None:
    """The file a URL path names inside the folder (a folder's index.html), or None when it is not one to serve
    (outside the folder, hidden, or the listeners' reports, however it is reached)."""
    parts = [part for part in request_path.split("/") if part]
    if any(part in (".", "..") or part.startswith(".") or "\\" in part or "\0" in part for part in parts):
        return None
    root = folder.resolve()
    path = root.joinpath(*parts)
    if path.is_dir():
        path = path / "index.html"
    try:
        resolved = path.resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    if not resolved.is_relative_to(root) or not resolved.is_file():
        return None
    if resolved.parent == root and resolved.name.lower() == FEEDBACK_FILE:
        return None
    return resolved


def make_app(options: ServeOptions):
    """The aiohttp application serving one folder."""
    web = _aiohttp()
    folder = options.folder
    lock = asyncio.Lock()

    def cors(request, response):
        origin = request.headers.get("Origin")
        if origin and origin in options.allow_origins:
            response.headers["Access-Control-Allow-Origin"] = origin
            response.headers["Vary"] = "Origin"
        return response

    def cross_origin_refused(request) -> bool:
        origin = request.headers.get("Origin")
        if not origin:
            return False
        own = f"{request.scheme}://{request.host}"
        return origin != own and origin not in options.allow_origins

    @web.middleware
    async def known_host(request, handler):
        # Bound to this machine, it answers only to this machine's names: a web page cannot point a name of its
        # own at 127.0.0.1 (DNS rebinding) to read the folder or send reports.
        if loopback and (request.host or "").rsplit(":", 1)[0].strip("[]").lower() not in LOOPBACK_NAMES:
            return web.Response(status=421, text="this server answers to localhost only\n")
        return await handler(request)

    async def get_file(request):
        path = served_file(folder, request.path)
        if path is None:
            raise web.HTTPNotFound(text="not found\n")
        response = web.FileResponse(path, headers={"X-Content-Type-Options": "nosniff", "Cache-Control": "no-cache"})
        return response

    async def post_feedback(request):
        if cross_origin_refused(request):
            return web.json_response({"error": "this origin may not send reports (serve --allow-origin)"}, status=403)
        if request.content_type != "application/json":
            return cors(request, web.json_response({"error": "send the report as application/json"}, status=415))
        try:
            body = await request.read()  # whole, however many packets it came in; at most client_max_size
        except web.HTTPRequestEntityTooLarge:
            return cors(request, web.json_response({"error": "the report is too large"}, status=400))
        try:
            record = parse_record(body)
        except InvalidRecord as error:
            return cors(request, web.json_response({"error": str(error)}, status=400))
        line = record_line(record).encode("utf-8")
        target = folder / FEEDBACK_FILE
        async with lock:
            try:
                size = target.stat().st_size
            except FileNotFoundError:
                size = 0
            if size + len(line) > options.max_feedback_bytes:
                return cors(request, web.json_response({"error": "the feedback file is full"}, status=507))
            if size and not _ends_with_newline(target):
                line = b"\n" + line  # a hand-edited file's last line is not joined to this report
            # One write of the whole line with O_APPEND: a reader never sees half a report.
            descriptor = os.open(target, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW, 0o644)
            try:
                written = os.write(descriptor, line)
                if written != len(line):
                    os.ftruncate(descriptor, size)
                    return cors(request, web.json_response({"error": "the report could not be stored"}, status=507))
            finally:
                os.close(descriptor)
        return cors(request, web.json_response({"stored": True}, status=201))

    async def preflight(request):
        response = web.Response(status=204)
        if request.headers.get("Origin") in options.allow_origins:
            cors(request, response)
            response.headers["Access-Control-Allow-Methods"] = "POST"
            response.headers["Access-Control-Allow-Headers"] = "Content-Type"
            response.headers["Access-Control-Max-Age"] = "600"
        return response

    loopback = is_loopback(options.host)
    app = web.Application(client_max_size=MAX_RECORD_BYTES, middlewares=[known_host])
    app.router.add_post(FEEDBACK_PATH, post_feedback)
    app.router.add_route("OPTIONS", FEEDBACK_PATH, preflight)
    app.router.add_get("/{path:.*}", get_file)  # HEAD too
    return app


def check_options(options: ServeOptions) -> None:
    """Refuse a folder that is not one, a port out of range or an origin that is not scheme://host[:port]."""
    if not options.folder.is_dir():
        raise UsageError(f"{options.folder}: not a folder; give the output folder to serve (e.g. audio_out)")
    if not 0 <= options.port <= 65535:
        raise UsageError(f"--port {options.port}: give a port between 1 and 65535")
    for origin in options.allow_origins:
        scheme, _, rest = origin.partition("://")
        if scheme not in ("http", "https") or not rest or "/" in rest:
            raise UsageError(f"--allow-origin {origin!r}: give an origin such as https://news.example.com")


async def start(options: ServeOptions):
    """Start serving; the runner (to clean up) and the address it listens on."""
    web = _aiohttp()
    check_options(options)
    runner = web.AppRunner(make_app(options), access_log=None, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, options.host, options.port)
    try:
        await site.start()
    except OSError as error:
        await runner.cleanup()
        raise UsageError(f"cannot listen on {options.host}:{options.port} ({error.strerror or error}); "
                         "give another --port, or stop what uses it") from None
    host, port = runner.addresses[0][:2]
    shown = f"[{host}]" if ":" in host else host
    return runner, f"http://{shown}:{port}/"


@contextlib.contextmanager
def serving(options: ServeOptions) -> Iterator[str]:
    """Serve on a thread of its own for as long as the block runs; yields the base URL (port 0: any free one)."""
    loop = asyncio.new_event_loop()
    started: dict = {}
    ready = threading.Event()

    def run() -> None:
        asyncio.set_event_loop(loop)
        try:
            started["runner"], started["url"] = loop.run_until_complete(start(options))
        except BaseException as error:  # handed to the caller below
            started["error"] = error
        ready.set()
        if "error" not in started:
            loop.run_forever()

    thread = threading.Thread(target=run, name="article-audio-serve", daemon=True)
    thread.start()
    ready.wait()
    if "error" in started:
        thread.join()
        loop.close()
        raise started["error"]
    try:
        yield started["url"]
    finally:
        asyncio.run_coroutine_threadsafe(started["runner"].cleanup(), loop).result(timeout=10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        loop.close()


async def serve_forever(options: ServeOptions, on_ready) -> None:
    """Serve until Ctrl-C or SIGTERM, calling `on_ready(url)` once listening. The signals are taken inside the
    event loop (raised from a plain handler, they could land in the middle of a connection's callback)."""
    runner, url = await start(options)
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    handled = []
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):  # not the main thread, or Windows
            loop.add_signal_handler(signum, stop.set)
            handled.append(signum)
    on_ready(url)
    try:
        await stop.wait()
    finally:
        for signum in handled:
            loop.remove_signal_handler(signum)
        await runner.cleanup()
