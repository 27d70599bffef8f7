"""Runtime parameters against the IR's `root.inputDefinitions.parameters`, as KFP checks them."""

from __future__ import annotations

from typing import Callable


def _fits(value: object, kind: str) -> bool:
    if kind == "STRING":
        return isinstance(value, str)
    if kind == "BOOLEAN":
        return isinstance(value, bool)
    if kind == "NUMBER_INTEGER":
        return isinstance(value, int) and not isinstance(value, bool) or (isinstance(value, float) and value.is_integer())
    if kind == "NUMBER_DOUBLE":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind == "LIST":
        return isinstance(value, list)
    if kind == "STRUCT":
        return isinstance(value, dict)
    return False


def check_parameters(ir: dict, given: dict, bad: Callable[[str], Exception]) -> None:
    declared = ((ir.get("root") or {}).get("inputDefinitions") or {}).get("parameters") or {}
    for name, value in given.items():
        definition = declared.get(name)
        if definition is None:
            known = ", ".join(sorted(declared)) or "none"
            raise bad(f"parameter {name!r} is not declared in the pipeline's root.inputDefinitions (declared: {known})")
        kind = definition.get("parameterType", "")
        if not _fits(value, kind):
            raise bad(f"parameter {name!r} requires type {kind}, got {value!r} ({type(value).__name__})")
    for name, definition in declared.items():
        if name not in given and "defaultValue" not in definition and not definition.get("isOptional"):
            raise bad(f"parameter {name!r} is required: it has no default value")
