"""One redaction function for every message that can reach an output, the terminal or a log.

Servers echo credentials back ("Incorrect API key provided: Bearer sk-...", a 500 page
quoting the request headers), and a base URL may carry a password. Error records, warnings,
the run log and the terminal all pass their text through `redact`, which removes:

- the values of the API keys this process was configured with (`register_secret`) and of
  environment variables whose names say they hold a secret (`*KEY*`, `*TOKEN*`,
  `*SECRET*`, `*PASSWORD*`);
- anything shaped like a key: `sk-...`, `Bearer ...`, `api-key: ...`, `?key=...`;
- the user-info part of URLs (`https://user:pass@host` -> `https://***@host`).
"""

from __future__ import annotations

import os
import re
import threading

MASK = "***"
MIN_SECRET = 6
"""Shorter values are not redacted by value: masking "abc" everywhere would mangle text."""

_SECRET_ENV = re.compile(r"KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL", re.I)
_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    # URL user-info: scheme://user:pass@host
    (re.compile(r"(?i)\b([a-z][a-z0-9+.\-]*://)[^/\s@'\"]+@"), r"\1" + MASK + "@"),
    # Authorization: Bearer <token> / Basic <token>
    (re.compile(r"(?i)\b(bearer|basic)(\s+)[A-Za-z0-9._~+/=\-]{6,}"), r"\1\2" + MASK),
    # OpenAI-style and similar prefixed keys
    (re.compile(r"\b(sk|gsk)[-_][A-Za-z0-9._\-]{6,}"), MASK),
    # key=value / "api_key": "value" / api-key: value
    (
        re.compile(
            r"(?i)\b((?:x-)?api[-_]?key|apikey|access[-_]?token|auth[-_]?token|token|"
            r"password|passwd|secret|key)(\"?'?\s*[:=]\s*\"?'?)([^\s\"'&,;}]{4,})"
        ),
        r"\1\2" + MASK,
    ),
)

_known: set[str] = set()
_lock = threading.Lock()


def register_secret(value: str | None) -> None:
    """Redact this exact value from now on (e.g. the API key a client was built with)."""
    if value and len(value) >= MIN_SECRET:
        with _lock:
            _known.add(value)


def _secret_values() -> list[str]:
    env = [v for k, v in os.environ.items() if _SECRET_ENV.search(k) and v and len(v) >= MIN_SECRET]
    with _lock:
        known = list(_known)
    # longest first, so a key containing another is masked whole
    return sorted({*env, *known}, key=len, reverse=True)


def redact(text: str | None) -> str:
    """`text` with every known secret and anything shaped like a credential masked."""
    if not text:
        return text or ""
    for secret in _secret_values():
        if secret in text:
            text = text.replace(secret, MASK)
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def redact_url(url: str | None) -> str | None:
    """A URL fit to print or hash: credentials in user-info or the query masked."""
    return None if url is None else redact(url)
