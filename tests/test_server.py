"""`serve`: an output folder over HTTP with Range requests, nothing outside it, reports checked before they are kept."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from pipeline.errors import UsageError
from pipeline.publish.feedback import SCHEMA
from pipeline.publish.server import FEEDBACK_FILE, ServeOptions, serving

AUDIO = bytes(range(256)) * 40


def record(**changes) -> dict:
    """A valid mispronunciation report, as the player builds it."""
    report = {"schema": SCHEMA, "article": "01-ferry-fares", "title": "Ferry fares rise", "rendition": "01-ferry-fares.mp3",
              "sentence_index": 2, "time_ms": 8150, "sentence": "Ms Priya Venkataraman crosses daily.",
              "word": "Venkataraman", "engine": "piper", "engine_version": "piper-tts 1.8.0", "voice": "en_US-joe-medium",
              "lexicon_sha256": None, "input_sha256": "a" * 64, "note": "stress on the third syllable"}
    report.update(changes)
    return {key: value for key, value in report.items() if value is not ...}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    out = tmp_path / "audio_out"
    (out / "desk").mkdir(parents=True)
    (out / "story.mp3").write_bytes(AUDIO)
    (out / "index.html").write_text("<!doctype html><title>index</title>", encoding="utf-8")
    (out / "desk" / "index.html").write_text("desk", encoding="utf-8")
    (out / "story.vtt").write_text("WEBVTT\n", encoding="utf-8")
    (out / ".lock").write_text("private", encoding="utf-8")
    (tmp_path / "secret.txt").write_text("outside", encoding="utf-8")
    (out / "link.txt").symlink_to(tmp_path / "secret.txt")
    (out / "desk" / "up").symlink_to(out, target_is_directory=True)
    return out


def fetch(url: str, *, data: bytes | None = None, headers: dict | None = None, method: str | None = None):
    """(status, headers, body) of one request; HTTP errors are answers too."""
    request = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def post(url: str, body: bytes, content_type: str = "application/json", **headers):
    return fetch(url + "feedback", data=body, headers={"Content-Type": content_type, **headers}, method="POST")


def test_files_are_served_with_range_requests(folder):
    with serving(ServeOptions(folder, port=0)) as url:
        status, headers, body = fetch(url + "story.mp3")
        assert status == 200 and body == AUDIO and headers["Content-Type"] == "audio/mpeg"
        assert headers["Accept-Ranges"] == "bytes"
        status, headers, body = fetch(url + "story.mp3", headers={"Range": "bytes=100-199"})
        assert status == 206 and body == AUDIO[100:200]
        assert headers["Content-Range"] == f"bytes 100-199/{len(AUDIO)}"
        assert fetch(url)[2].startswith(b"<!doctype html>")  # a folder is its index.html
        assert fetch(url + "desk/")[2] == b"desk"
        assert fetch(url + "story.vtt")[1]["Content-Type"].startswith("text/vtt")


@pytest.mark.parametrize("path", ["../secret.txt", "%2e%2e/secret.txt", "desk/%2e%2e/%2e%2e/secret.txt", "link.txt",
                                  ".lock", FEEDBACK_FILE, "Feedback.JSONL", "desk/up/feedback.jsonl", "missing.mp3",
                                  "desk/..%2f..%2fsecret.txt", "%00"])
def test_nothing_outside_the_folder_or_private_is_served(folder, path):
    (folder / FEEDBACK_FILE).write_text("{}\n", encoding="utf-8")
    with serving(ServeOptions(folder, port=0)) as url:
        status, _, body = fetch(url + path)
    assert status == 404 and b"outside" not in body and b"private" not in body


def test_a_valid_report_is_appended_as_one_line(folder):
    with serving(ServeOptions(folder, port=0)) as url:
        for word in ("Venkataraman", None):
            status, _, body = post(url, json.dumps(record(word=word)).encode())
            assert status == 201, body
        status, _, _ = post(url, json.dumps(record(word="Tullagh", note="first line\nsecond line")).encode())
        assert status == 201  # a note's line break is escaped in the JSON: still one line
        (folder / FEEDBACK_FILE).write_text((folder / FEEDBACK_FILE).read_text() + '{"edited": "by hand"}')
        assert post(url, json.dumps(record(word="Everell")).encode())[0] == 201
    lines = (folder / FEEDBACK_FILE).read_text(encoding="utf-8").splitlines()
    assert [json.loads(line).get("word") for line in lines] == ["Venkataraman", None, "Tullagh", None, "Everell"]


def test_a_report_sent_in_pieces_without_a_length_is_read_whole(folder):
    import http.client
    import time

    body = json.dumps(record(sentence="A long sentence " * 300)).encode()
    with serving(ServeOptions(folder, port=0)) as url:
        host, port = url.split("//")[1].strip("/").split(":")
        connection = http.client.HTTPConnection(host, int(port), timeout=10)
        connection.putrequest("POST", "/feedback")
        connection.putheader("Content-Type", "application/json")
        connection.putheader("Transfer-Encoding", "chunked")
        connection.endheaders()
        for at in range(0, len(body), 1000):
            piece = body[at:at + 1000]
            connection.send(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
            time.sleep(0.01)
        connection.send(b"0\r\n\r\n")
        assert connection.getresponse().status == 201
        connection.close()
    assert json.loads((folder / FEEDBACK_FILE).read_text(encoding="utf-8"))["sentence"].startswith("A long sentence")


def test_bound_to_this_machine_it_answers_to_this_machines_names_only(folder):
    with serving(ServeOptions(folder, port=0)) as url:
        port = url.rsplit(":", 1)[1].strip("/")
        assert fetch(f"http://localhost:{port}/story.vtt")[0] == 200
        assert fetch(url + "story.vtt", headers={"Host": f"attacker.example:{port}"})[0] == 421


@pytest.mark.parametrize("body, status", [
    (b"not json", 400),
    (b"[]", 400),
    (json.dumps(record(schema="other/1")).encode(), 400),
    (json.dumps(record(extra="field")).encode(), 400),
    (json.dumps(record(sentence_index=-1)).encode(), 400),
    (json.dumps(record(sentence_index=True)).encode(), 400),
    (json.dumps(record(input_sha256="not-a-digest")).encode(), 400),
    (json.dumps(record(sentence="")).encode(), 400),
    (json.dumps(record(word="x" * 101)).encode(), 400),
    (json.dumps(record(note="bell\x07")).encode(), 400),
    (json.dumps(record(word="lone \ud800 surrogate")).encode(), 400),
    (json.dumps(record(article=...)).encode(), 400),
    (json.dumps(record(note="x" * 40_000)).encode(), 400),
])
def test_a_malformed_or_oversized_report_is_refused_and_nothing_is_written(folder, body, status):
    with serving(ServeOptions(folder, port=0)) as url:
        assert post(url, body)[0] == status
    assert not (folder / FEEDBACK_FILE).exists()


def test_a_report_must_be_json_and_from_this_site_or_a_named_origin(folder):
    good = json.dumps(record()).encode()
    with serving(ServeOptions(folder, port=0, allow_origins=("https://news.example.com",))) as url:
        assert post(url, good, "text/plain")[0] == 415
        assert post(url, good, Origin="https://elsewhere.example")[0] == 403
        status, headers, _ = post(url, good, Origin="https://news.example.com")
        assert status == 201 and headers["Access-Control-Allow-Origin"] == "https://news.example.com"
        status, headers, _ = fetch(url + "feedback", method="OPTIONS", headers={
            "Origin": "https://news.example.com", "Access-Control-Request-Method": "POST"})
        assert status == 204 and headers["Access-Control-Allow-Methods"] == "POST"
        status, headers, _ = fetch(url + "feedback", method="OPTIONS", headers={"Origin": "https://elsewhere.example"})
        assert "Access-Control-Allow-Origin" not in headers
        assert "Access-Control-Allow-Origin" not in fetch(url + "story.mp3", headers={"Origin": "https://x.example"})[1]
    assert len((folder / FEEDBACK_FILE).read_text(encoding="utf-8").splitlines()) == 1


def test_the_feedback_file_stops_growing_at_its_limit(folder):
    line = json.dumps(record()).encode()
    with serving(ServeOptions(folder, port=0, max_feedback_bytes=len(line) * 2 + 10)) as url:
        assert [post(url, line)[0] for _ in range(3)] == [201, 201, 507]
    assert len((folder / FEEDBACK_FILE).read_bytes().splitlines()) == 2


@pytest.mark.parametrize("options, message", [
    (dict(port=70000), "--port 70000"),
    (dict(allow_origins=("news.example.com",)), "--allow-origin"),
])
def test_bad_options_are_one_clear_error(folder, options, message):
    with pytest.raises(UsageError, match=message), serving(ServeOptions(folder, **options)):
        pass


def test_a_missing_folder_and_a_port_in_use_are_one_line(capsys, folder, tmp_path):
    from tests.test_cli import run

    code, _, err = run(capsys, "serve", str(tmp_path / "nowhere"), "--port", "0")
    assert code == 2 and "not a folder" in err and err.count("\n") == 1
    with serving(ServeOptions(folder, port=0)) as url:
        port = url.rsplit(":", 1)[1].strip("/")
        code, _, err = run(capsys, "serve", str(folder), "--port", port)
    assert code == 2 and f"cannot listen on 127.0.0.1:{port}" in err and err.count("\n") == 1


def test_serve_runs_until_sigterm_and_says_where(folder):
    import signal
    import subprocess
    import sys
    import time

    process = subprocess.Popen([sys.executable, "-m", "pipeline", "serve", str(folder), "--port", "0"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               cwd=Path(__file__).resolve().parents[1])
    try:
        line = process.stdout.readline()
        assert line.startswith(f"serving {folder} at http://127.0.0.1:") and FEEDBACK_FILE in line
        url = line.split(" at ", 1)[1].split(" ", 1)[0]
        assert fetch(url + "story.mp3", headers={"Range": "bytes=0-9"})[0] == 206
    finally:
        process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 10
        while process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
    assert process.returncode == 0
    assert "Traceback" not in process.stderr.read()
    assert not (folder / FEEDBACK_FILE).exists()  # serving alone writes nothing
