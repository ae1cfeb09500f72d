"""Prompt stage: versioned Jinja2 templates rendered into chat messages.

A template is a folder (`prompts/<id>/`) holding `system.j2`, `user.j2` and optional
`examples.json` (few-shot turns). Rendering is sandboxed, undefined variables are errors,
and the system text plus examples come first and never vary with the article, so
servers that cache a shared prompt prefix (llama.cpp, OpenAI) reuse it across documents.
The article goes last, between <article> markers, as data.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import StrictUndefined, Template
from jinja2.sandbox import SandboxedEnvironment

from llm_extract.errors import ConfigurationError
from llm_extract.ontology import ActorType, EventType, SubEventType

PACKAGED_PROMPTS = Path(__file__).resolve().parent / "templates"  # -> the top-level prompts/
TEMPLATE_FILES = ("system.j2", "user.j2", "examples.json")

Message = dict[str, Any]

_ENV = SandboxedEnvironment(
    undefined=StrictUndefined, autoescape=False, keep_trailing_newline=False
)


@lru_cache(maxsize=64)
def _compiled(source: str) -> Template:
    """Compile a template once per process; rendering is then cheap per document."""
    return _ENV.from_string(source)


def _prompt_dirs(extra: Path | None) -> list[Path]:
    return [extra, PACKAGED_PROMPTS] if extra else [PACKAGED_PROMPTS]


def neutralise_markers(article: str) -> str:
    """Stop an article from closing its own data block and smuggling in instructions."""
    return article.replace("<article>", "<article\u200b>").replace("</article>", "</article\u200b>")


@dataclass(frozen=True)
class PromptTemplate:
    """A loaded template; `hash` covers every file so any edit shows in provenance."""

    id: str
    system: str
    user: str
    examples: list[dict[str, Any]] = field(default_factory=list)
    hash: str = ""
    record_fields: str = ""
    """One line per field the user's record classes add (`{{ record_fields }}`)."""

    _prefixes: dict[bool, tuple[Message, ...]] = field(
        default_factory=dict, init=False, compare=False, repr=False
    )
    """`prefix` rendered once per `few_shot` value (the same for every article)."""

    def _context(self) -> dict[str, str]:
        return {**_ontology_context(), "record_fields": self.record_fields}

    def with_record_fields(self, lines: str) -> PromptTemplate:
        """This template telling the model about the user's added fields: at
        `{{ record_fields }}` if the system template places it, else after the system
        text. No lines: the template itself, so default requests are unchanged."""
        if not lines:
            return self
        system = self.system
        if "record_fields" not in system:
            system += "\n{{ record_fields }}"
        digest = hashlib.sha256(f"{self.hash}\0{lines}".encode()).hexdigest()[:16]
        return dataclasses.replace(self, system=system, record_fields=lines, hash=digest)

    def render_user(self, article: str, published: dt.date | str | None) -> str:
        return _compiled(self.user).render(
            article=neutralise_markers(article),
            published=str(published) if published else None,
            **self._context(),
        )

    def prefix(self, few_shot: bool = True) -> list[Message]:
        """The byte-stable part: system text and few-shot turns (rendered once; each call
        gets its own message dicts, so a caller may change them)."""
        rendered = self._prefixes.get(few_shot)
        if rendered is None:
            rendered = self._prefixes[few_shot] = tuple(self._render_prefix(few_shot))
        return [dict(m) for m in rendered]

    def _render_prefix(self, few_shot: bool) -> list[Message]:
        messages: list[Message] = [
            {"role": "system", "content": _compiled(self.system).render(**self._context())}
        ]
        if few_shot:
            for ex in self.examples:
                messages.append(
                    {
                        "role": "user",
                        "content": self.render_user(ex["article"], ex.get("published")),
                    }
                )
                messages.append(
                    {"role": "assistant", "content": json.dumps(ex["draft"], ensure_ascii=False)}
                )
        return messages

    def render(
        self, article: str, published: dt.date | str | None = None, few_shot: bool = True
    ) -> list[Message]:
        """Chat messages for one article: the stable prefix, then the article."""
        return [
            *self.prefix(few_shot),
            {"role": "user", "content": self.render_user(article, published)},
        ]


@lru_cache(maxsize=1)
def _ontology_context() -> dict[str, str]:
    """The ontology's names as the templates list them (fixed for the process)."""
    return {
        "event_types": "; ".join(e.value for e in EventType),
        "sub_event_types": "; ".join(s.value for s in SubEventType),
        "actor_types": ", ".join(a.value for a in ActorType),
    }


@lru_cache(maxsize=32)
def _load(template_id: str, extra_dir: Path | None) -> PromptTemplate:
    for base in _prompt_dirs(extra_dir):
        folder = base / template_id
        if (folder / "system.j2").is_file() and (folder / "user.j2").is_file():
            break
    else:
        searched = ", ".join(str(d) for d in _prompt_dirs(extra_dir))
        raise ConfigurationError(
            f"prompt template {template_id!r} not found (searched {searched}); "
            "pass --prompt with a folder name holding system.j2 and user.j2, "
            "or set prompts_dir"
        )
    digest = hashlib.sha256()
    texts: dict[str, str] = {}
    for name in TEMPLATE_FILES:
        path = folder / name
        raw = path.read_bytes() if path.is_file() else b""
        digest.update(name.encode() + b"\0" + raw + b"\0")
        texts[name] = raw.decode("utf-8")
    examples = json.loads(texts["examples.json"]) if texts["examples.json"] else []
    return PromptTemplate(
        id=template_id,
        system=texts["system.j2"],
        user=texts["user.j2"],
        examples=examples,
        hash=digest.hexdigest()[:16],
    )


def load_template(template_id: str, extra_dir: Path | None = None) -> PromptTemplate:
    """Find a template by id in `extra_dir`, then in the shipped prompts/."""
    return _load(template_id, extra_dir)
