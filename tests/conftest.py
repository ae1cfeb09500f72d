"""Shared test configuration: recorded cassettes replayed offline.

Tests marked `vcr` replay HTTP traffic recorded against the embedded model
(SmolLM2-135M-Instruct behind llama-cpp-python's server) from `cassettes/<module>/`.
The default run replays only (`--record-mode=none` in pyproject) with the network
blocked. To re-record, run the command in RERECORD: it starts the embedded server and
rewrites the cassettes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from llm_extract.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
CASSETTES = ROOT / "cassettes"
SEEDS = ROOT / "seeds"
RERECORD = "bash scripts/rerecord.sh  (needs: pip install -e '.[local,test]')"
REPLAY_BASE_URL = "http://127.0.0.1:9/v1"  # never contacted: vcrpy answers from the cassette

SECRET_HEADERS = (
    "authorization",
    "api-key",
    "openai-organization",
    "openai-project",
    "cookie",
    "set-cookie",
    "x-api-key",
)


def _scrub_response(response: dict[str, Any]) -> dict[str, Any]:
    headers = response.get("headers") or {}
    for name in list(headers):
        if name.lower() in SECRET_HEADERS:
            del headers[name]
    return response


@pytest.fixture(autouse=True)
def _private_state_dirs(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Keep every test's cache and run log out of the user's directories and each other."""
    base = tmp_path_factory.mktemp("state")
    monkeypatch.setenv("LLM_EXTRACT_CACHE_DIR", str(base / "cache"))
    monkeypatch.setenv("LLM_EXTRACT_RUNLOG_PATH", str(base / "runlog.sqlite"))
    monkeypatch.delenv("LLM_EXTRACT_CONFIG", raising=False)


@pytest.fixture(scope="module")
def vcr_config() -> dict[str, Any]:
    return {
        "match_on": ["method", "path", "body"],
        "decode_compressed_response": True,
        "filter_headers": list(SECRET_HEADERS),
        "before_record_response": _scrub_response,
        "serializer": "yaml",
    }


@pytest.fixture(scope="module")
def vcr_cassette_dir(request: pytest.FixtureRequest) -> str:
    return str(CASSETTES / request.module.__name__.split(".")[-1])


def _recording(config: pytest.Config) -> bool:
    return config.getoption("--record-mode", default="none") not in (None, "none")


@pytest.fixture
def recorded_settings(request: pytest.FixtureRequest) -> Settings:
    """Settings for the embedded model: live server when recording, cassette otherwise.

    In replay mode a missing cassette fails here, naming the re-record command, instead
    of surfacing later as a confusing connection error.
    """
    from llm_extract.backends import probe

    probe._PASSED.clear()  # every recorded test sends (and replays) its own probe
    if _recording(request.config):
        from llm_extract.backends.embedded import SERVER

        base_url = SERVER.ensure()
    else:
        marker = request.node.get_closest_marker("vcr")
        names = [f"{request.node.name}.yaml", *(marker.args if marker else ())]
        folder = Path(request.getfixturevalue("vcr_cassette_dir"))
        missing = [n for n in names if not (folder / n).is_file()]
        if missing:
            pytest.fail(
                f"cassette {folder.name}/{missing[0]} is missing; re-record with: {RERECORD}",
                pytrace=False,
            )
        base_url = REPLAY_BASE_URL
    return Settings(
        backend="embedded",
        base_url=base_url,
        cache=False,
        transport_retries=0,  # a cassette miss must fail at once, not back off
    )


def seed_articles() -> list[tuple[str, str, str]]:
    """(doc_id, text, published) for the two seed articles, from their gold files."""
    import json

    out = []
    for gold in sorted((SEEDS / "gold").glob("*.gold.json")):
        data = json.loads(gold.read_text(encoding="utf-8"))
        doc_id = data["doc_id"]
        text = (SEEDS / f"{doc_id}.txt").read_text(encoding="utf-8")
        out.append((doc_id, text, data["published"]))
    return out


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Name the re-record command when a request had no recording to match."""
    outcome = yield
    report = outcome.get_result()
    if call.excinfo is None or not report.failed:
        return
    exc: BaseException | None = call.excinfo.value
    seen = 0
    while exc is not None and seen < 10:
        if type(exc).__name__ == "CannotOverwriteExistingCassetteException":
            report.sections.append(
                ("cassette", f"A request did not match any recording. Re-record with: {RERECORD}")
            )
            return
        exc = exc.__cause__ or exc.__context__
        seen += 1
