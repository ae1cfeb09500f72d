"""User records: subclasses of `Event`, `Actor` or `Casualty` that add fields.

A user adds fields by subclassing a record (`class MyEvent(Event): weapon: str | None =
None`) and passing the class as `Settings(records=Records(event=MyEvent))` or
`--records module:MyEvent`. Everything else follows from the classes:

- the draft the model fills gets each added field (required and nullable, as the draft's
  own fields are, so strict structured outputs accept it); `Evidence` fields are bounded
  like the draft's quotes;
- the cache key and provenance carry the draft's schema hash, and the user classes' own
  schema and source, so a changed class never reuses results cached for the old one;
- fields typed `Evidence` are grounded in the article like the records' own evidence;
- added fields become extra columns of the CSV and Parquet outputs (`extra_columns`).

Added fields must have defaults: the `rules` and `sentences` strategies (and gold files)
know nothing of them, so there they keep their defaults, unless the user's own validator
fills them. The default records give back the shipped `Draft` class itself, so requests
for them are byte-identical to before.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib
import importlib.util
import inspect
import json
import operator
import os
import sys
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, TypeVar

from annotated_types import MaxLen
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    create_model,
    field_serializer,
    model_validator,
)
from pydantic.fields import FieldInfo

from llm_extract.acled import ACLED_COLUMNS, extra_columns_for
from llm_extract.draft import MAX_QUOTE, Draft, DraftActor, DraftCasualty, DraftEvent
from llm_extract.errors import ConfigurationError
from llm_extract.grounding import align_salvage
from llm_extract.models import EVIDENCE, Actor, Casualty, Event, Evidence, Span

__all__ = [
    "Evidence",
    "Extras",
    "Records",
    "class_ref",
    "draft_model",
    "extra_fields",
    "is_evidence",
    "take_extras",
]

R = TypeVar("R", bound=BaseModel)

_BASES: dict[str, tuple[type[BaseModel], type[BaseModel]]] = {
    "event": (Event, DraftEvent),
    "actor": (Actor, DraftActor),
    "casualty": (Casualty, DraftCasualty),
}


def class_ref(cls: type) -> str:
    """`module:QualName`, the form `--records` takes."""
    return f"{cls.__module__}:{cls.__qualname__}"


def import_class(ref: str) -> type:
    """The class named by `module:QualName` (or `module.Class`), or a ConfigurationError."""
    module, sep, name = ref.partition(":")
    if not sep:
        module, _, name = ref.rpartition(".")
    if not module or not name:
        raise ConfigurationError(f"records {ref!r}: expected module:Class")
    if module.endswith(".py"):
        return _class_from_file(Path(module), name, ref)
    if os.getcwd() not in sys.path:  # like `python -m`: the user's own module beside them
        sys.path.append(os.getcwd())
    try:
        obj: Any = importlib.import_module(module)
        for part in name.split("."):
            obj = getattr(obj, part)
    except (ImportError, AttributeError) as exc:
        raise ConfigurationError(f"records {ref!r}: cannot import ({exc})") from exc
    if not isinstance(obj, type):
        raise ConfigurationError(f"records {ref!r} is not a class")
    return obj


def _class_from_file(path: Path, name: str, ref: str) -> type:
    if not path.is_file():
        raise ConfigurationError(f"records {ref!r}: no file {path}")
    spec = importlib.util.spec_from_file_location(path.stem, path)
    if spec is None or spec.loader is None:
        raise ConfigurationError(f"records {ref!r}: cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(path.stem, module)
    spec.loader.exec_module(module)
    obj = getattr(module, name, None)
    if not isinstance(obj, type):
        raise ConfigurationError(f"records {ref!r}: {path} has no class {name!r}")
    return obj


def extra_fields(cls: type[BaseModel], base: type[BaseModel]) -> dict[str, FieldInfo]:
    """The fields `cls` adds to `base`, in declaration order."""
    return {n: f for n, f in cls.model_fields.items() if n not in base.model_fields}


def _has_evidence(tp: Any) -> bool:
    if typing.get_origin(tp) is Annotated:
        return EVIDENCE in tp.__metadata__ or _has_evidence(typing.get_args(tp)[0])
    return any(_has_evidence(a) for a in typing.get_args(tp))


def is_evidence(info: FieldInfo) -> bool:
    """Whether a field is typed `Evidence` (alone, optional or in a list)."""
    return EVIDENCE in info.metadata or _has_evidence(info.annotation)


def _bounded(tp: Any) -> Any:
    """The annotation with every `Evidence` replaced by a length-bounded string, so
    llama.cpp's grammar stops a small model looping inside a quote."""
    if typing.get_origin(tp) is Annotated and EVIDENCE in tp.__metadata__:
        return Annotated[str, Field(max_length=MAX_QUOTE)]
    args = typing.get_args(tp)
    if not args or typing.get_origin(tp) is Annotated:
        return tp
    mapped = tuple(_bounded(a) for a in args)
    if mapped == args:
        return tp
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        return functools.reduce(operator.or_, mapped)
    return typing.get_origin(tp)[mapped]


def _draft_field(name: str, info: FieldInfo) -> tuple[Any, Any]:
    """The draft's version of an added field: required (no default), its constraints
    kept, `Evidence` bounded, and a description the model reads."""
    annotation: Any = Annotated[str, EVIDENCE] if EVIDENCE in info.metadata else info.annotation
    annotation = _bounded(annotation)
    constraints = [m for m in info.metadata if m is not EVIDENCE]
    if constraints:
        annotation = Annotated[(annotation, *constraints)]
    description = info.description or name.replace("_", " ").capitalize() + "."
    if is_evidence(info):
        description += " Copied verbatim from the article."
    return (annotation, Field(description=description))


def _slot_of(klass: object) -> str | None:
    if not isinstance(klass, type):
        return None
    return next((s for s, (base, _) in _BASES.items() if issubclass(klass, base)), None)


class Records(BaseModel):
    """The record classes a run produces; subclasses add fields (see the module doc).

    Accepts classes, `module:Class` strings, or a list of either (each goes to the slot
    of the record it subclasses), so TOML and the CLI can name them.
    """

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    event: type[Event] = Event
    actor: type[Actor] = Actor
    casualty: type[Casualty] = Casualty

    @model_validator(mode="before")
    @classmethod
    def _from_refs(cls, value: Any) -> Any:
        if isinstance(value, str):  # LLM_EXTRACT_RECORDS="mod:A,mod:B" (or a JSON list)
            value = json.loads(value) if value.lstrip().startswith("[") else value.split(",")
        if isinstance(value, type):
            value = [value]
        if isinstance(value, dict):
            value = {k: import_class(v) if isinstance(v, str) else v for k, v in value.items()}
        if not isinstance(value, (list, tuple)):
            return value
        slots: dict[str, type] = {}
        for item in value:
            klass = import_class(item.strip()) if isinstance(item, str) else item
            slot = _slot_of(klass)
            if slot is None:
                raise ConfigurationError(
                    f"records: {klass!r} subclasses none of Event, Actor, Casualty"
                )
            if slot in slots:
                raise ConfigurationError(f"records: two {slot} classes given")
            slots[slot] = klass
        return slots

    @model_validator(mode="after")
    def _usable(self) -> Records:
        taken = {*ACLED_COLUMNS, "doc_id", "status", "error"}
        for slot, (base, drafted) in _BASES.items():
            for name, info in extra_fields(getattr(self, slot), base).items():
                where = f"{class_ref(getattr(self, slot))}.{name}"
                if info.is_required():
                    raise ConfigurationError(
                        f"{where} needs a default (e.g. None): the rules and sentences "
                        "strategies, gold files and older results cannot fill it"
                    )
                if name in drafted.model_fields:
                    raise ConfigurationError(f"{where} clashes with the draft's own field")
                for column in extra_columns_for(**{slot: [name]}):
                    if column in taken:
                        raise ConfigurationError(f"{where} clashes with the CSV column {column!r}")
                    taken.add(column)
        return self

    @field_serializer("event", "actor", "casualty")
    def _ref(self, value: type) -> str:
        return class_ref(value)

    @property
    def is_default(self) -> bool:
        return (self.event, self.actor, self.casualty) == (Event, Actor, Casualty)

    def extras(self, slot: str) -> dict[str, FieldInfo]:
        """The fields the user's class adds in `slot` (event, actor or casualty)."""
        return extra_fields(getattr(self, slot), _BASES[slot][0])

    @property
    def extra_columns(self) -> tuple[str, ...]:
        """The CSV/Parquet columns after the trace columns, for every added field
        (`llm_extract.acled.extra_columns_for`: `weapon`, `actor1_role`, ...)."""
        return extra_columns_for(*(self.extras(slot) for slot in _BASES))

    def fingerprint(self) -> str | None:
        """None for the default records; else a hash of the user classes' schemas and
        source (a changed validator changes results too), for the cache key."""
        if self.is_default:
            return None
        digest = hashlib.sha256()
        for slot in _BASES:
            klass = getattr(self, slot)
            digest.update(class_ref(klass).encode() + b"\0")
            digest.update(json.dumps(klass.model_json_schema(), sort_keys=True).encode())
            with contextlib.suppress(OSError, TypeError):  # no source file: schema only
                digest.update(inspect.getsource(klass).encode())
        return digest.hexdigest()[:16]

    def adopt(self, document: Any) -> Any:
        """A document (e.g. read back from the cache) with its records as the user's
        classes again; the default records return it unchanged."""
        if self.is_default or document is None:
            return document
        return document.model_copy(
            update={
                "events": [self.event.model_validate(e.model_dump()) for e in document.events],
                "actors": [self.actor.model_validate(a.model_dump()) for a in document.actors],
                "casualties": [
                    self.casualty.model_validate(c.model_dump()) for c in document.casualties
                ],
            }
        )

    def prompt_lines(self) -> str:
        """One line per added field, for the system prompt ('' for the default records)."""
        lines = []
        for slot in _BASES:
            for name, info in self.extras(slot).items():
                _, drafted = _draft_field(name, info)
                lines.append(f"- Each {slot} also has {name}: {drafted.description}")
        return "\n".join(lines)


@functools.lru_cache(maxsize=32)
def draft_model(records: Records | None = None) -> type[Draft]:
    """The draft the model fills for these records: `Draft` itself for the default ones,
    else `Draft` with each added field on the draft event, actor or casualty."""
    if records is None or records.is_default:
        return Draft
    parts: dict[str, Any] = {}
    for slot, (_, drafted) in _BASES.items():
        extras = records.extras(slot)
        if not extras:
            continue
        fields: dict[str, Any] = {n: _draft_field(n, f) for n, f in extras.items()}
        model = create_model(drafted.__name__, __base__=drafted, **fields)
        name = {"event": "events", "actor": "actors", "casualty": "casualties"}[slot]
        meta = Draft.model_fields[name].metadata
        bound = next(m.max_length for m in meta if isinstance(m, MaxLen))
        parts[name] = (list[model], Field(max_length=bound))
    extended: type[Draft] = create_model("Draft", __base__=Draft, __doc__=Draft.__doc__, **parts)
    return extended


@dataclass
class Extras:
    """The added fields' values read from one draft item, grounded, and what that did."""

    values: dict[str, Any] = field(default_factory=dict)
    spans: list[Span] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    aligned: list[tuple[str, str, str]] = field(default_factory=list)  # path, quote, found

    def build(self, cls: type[R], path: str, **base: Any) -> R:
        """`cls(**base, **values)`; if the user's class rejects the added values, the
        record is kept with its defaults for them and a warning says why."""
        if self.spans:
            base["spans"] = [*base.get("spans", []), *self.spans]
        base["flags"] = [*base.get("flags", []), *self.flags]
        try:
            return cls(**base, **self.values)
        except ValidationError as exc:
            if not self.values:
                raise
            first = exc.errors()[0]
            self.warnings.append(
                f"{path}: {cls.__name__} rejected its added fields "
                f"({'.'.join(str(p) for p in first['loc'])}: {first['msg']}); left at defaults"
            )
            base["spans"] = [s for s in base.get("spans", []) if s not in self.spans]
            return cls(**base)


def _ground(quote: str, text: str, name: str, path: str, keep: bool, out: Extras) -> str | None:
    span = align_salvage(quote, text)
    if span.start is not None and span.end is not None:
        found = text[span.start : span.end]
        out.spans.append(span.model_copy(update={"field": name}))
        if found != quote:
            out.aligned.append((f"{path}.{name}", quote, found))
        return found
    if keep:
        out.spans.append(span.model_copy(update={"field": name}))
        if f"ungrounded_{name}" not in out.flags:
            out.flags.append(f"ungrounded_{name}")
        return quote
    out.warnings.append(f"{path}.{name}: {quote!r} not found in the article, dropped")
    return None


def take_extras(
    records: Records, slot: str, item: BaseModel | None, text: str, *, keep: bool, path: str
) -> Extras:
    """The added fields of `slot` that the draft `item` carries (a rules draft carries
    none: they keep their defaults), with `Evidence` values aligned to the article:
    replaced by the article's own words, or dropped (kept and flagged with `keep`)."""
    out = Extras()
    if item is None:
        return out
    for name, info in records.extras(slot).items():
        if name not in type(item).model_fields:
            continue
        value = getattr(item, name)
        if is_evidence(info) and isinstance(value, str):
            value = _ground(value, text, name, path, keep, out)
            if value is None:
                continue  # the field's default applies
        elif is_evidence(info) and isinstance(value, list):
            value = [g for q in value if (g := _ground(q, text, name, path, keep, out)) is not None]
        out.values[name] = value
    return out
