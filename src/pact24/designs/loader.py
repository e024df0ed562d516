"""Load designs from YAML, naming the field and the line of every error.

pydantic reports where in the data an error is (a path of keys and indices); PyYAML's node tree
knows where in the file each key stands. Walking the node tree along the pydantic path gives the
line a person has to fix.

Designs are parsed with libyaml where PyYAML has it (ten times faster: `pact24 designs list`
reads every preset); a text it rejects is parsed again in pure Python, so an error reads the
same with or without libyaml.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from pact24.designs.schema import Design
from pact24.errors import InvalidDesign, UnknownDesign

_PRESETS = "pact24.designs.presets"
_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def preset_names() -> list[str]:
    """Names of the shipped presets, sorted."""
    root = resources.files(_PRESETS)
    return sorted(p.name.removesuffix(".yaml") for p in root.iterdir() if p.name.endswith(".yaml"))


def preset_path(name: str) -> Path:
    path = Path(str(resources.files(_PRESETS).joinpath(f"{name}.yaml")))
    if not path.is_file():
        raise UnknownDesign(
            f"no preset named {name!r}; presets: {', '.join(preset_names())}", name=name
        )
    return path


def resolve_design(name_or_path: str) -> Design:
    """A preset by name, or a design file by path."""
    p = Path(name_or_path)
    if p.suffix in (".yaml", ".yml") or p.exists():
        return load_design(p)
    return load_design(preset_path(name_or_path))


def load_design(path: Path | str) -> Design:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InvalidDesign(f"{path}: cannot read: {exc.strerror}") from None
    return load_design_text(text, source=str(path))


def load_design_text(text: str, source: str = "<design>") -> Design:
    """Parse and validate a design; every error names the field and its line in ``source``."""
    try:
        data: Any = _parse(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else "unknown line"
        problem = getattr(exc, "problem", None) or str(exc)
        raise InvalidDesign(f"{source}: {where}: not valid YAML: {problem}") from None
    if not isinstance(data, dict):
        raise InvalidDesign(f"{source}: line 1: a design must be a mapping of fields")
    try:
        return Design.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = tuple(first["loc"])
        field = ".".join(str(p) for p in loc) or "(design)"
        # The node tree is composed only to place an error: parsing twice doubled every load.
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        assert node is not None  # the text parsed to a mapping
        line = line_of(node, loc)
        more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        raise InvalidDesign(
            f"{source}: line {line}: {field}: {first['msg']}{more}", field=field, line=line
        ) from None


def _parse(text: str) -> Any:
    try:
        return yaml.load(text, Loader=_FAST_LOADER)
    except yaml.YAMLError:
        return yaml.safe_load(text)  # raises, naming the problem as the pure-Python parser does


def line_of(node: yaml.Node, loc: tuple[Any, ...]) -> int:
    """The 1-based line of the deepest node along ``loc`` that exists in the file."""
    line = node.start_mark.line + 1
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            match = next((v for k, v in node.value if k.value == str(part)), None)
            key = next((k for k, _ in node.value if k.value == str(part)), None)
            if match is None or key is None:
                return line
            line, node = key.start_mark.line + 1, match
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if part >= len(node.value):
                return line
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            return line
    return line
