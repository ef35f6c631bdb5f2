"""YAML read with the line of every value, so a scheme's error can name its line (PyYAML's composer keeps
the marks; the usual ``safe_load`` drops them).

>>> data, lines = load_with_lines("a: 1\\nb:\\n  - x: 2\\n")
>>> data, lines[("b", 0, "x")], lines[("b",)]
({'a': 1, 'b': [{'x': 2}]}, 3, 2)
"""

from __future__ import annotations

from typing import Any

import yaml

Path = tuple[str | int, ...]


class YamlSyntaxError(ValueError):
    def __init__(self, line: int, reason: str) -> None:
        super().__init__(f"第 {line} 行：{reason}")
        self.line = line
        self.reason = reason


def load_with_lines(text: str) -> tuple[Any, dict[Path, int]]:
    """The document as plain Python values and a map from each value's path to its 1-based line."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        raise YamlSyntaxError((mark.line + 1) if mark else 1, f"YAML 语法错误：{e.problem or e}") from None
    lines: dict[Path, int] = {}
    if node is None:
        return None, lines
    return _convert(node, (), lines), lines


def _convert(node: yaml.Node, path: Path, lines: dict[Path, int]) -> Any:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            out[key] = _convert(value_node, (*path, key), lines)
            lines[(*path, key)] = key_node.start_mark.line + 1
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_convert(v, (*path, i), lines) for i, v in enumerate(node.value)]
    loader = yaml.SafeLoader("")
    return loader.construct_object(node, deep=True)
