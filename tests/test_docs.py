"""The README documents every command, and every command has help with an example."""

from __future__ import annotations

import tomllib
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from campaign.cli import cli

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")


def command_paths(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    paths = []
    for name, command in group.commands.items():
        path = (*prefix, name)
        paths.append(path)
        if isinstance(command, click.Group):
            paths.extend(command_paths(command, path))
    return paths


COMMANDS = command_paths(cli)


@pytest.mark.parametrize("path", COMMANDS, ids=" ".join)
def test_every_command_is_documented_in_the_readme(path: tuple[str, ...]) -> None:
    assert f"campaign {' '.join(path)}" in README


@pytest.mark.parametrize("path", COMMANDS, ids=" ".join)
def test_every_command_has_help(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(cli, [*path, "--help"])
    assert result.exit_code == 0
    assert "Usage: " in result.output
    command: click.Command = cli
    for name in path:
        assert isinstance(command, click.Group)
        command = command.commands[name]
    assert command.help, f"campaign {' '.join(path)} has no help text"


def test_readme_quick_start_has_two_commands() -> None:
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    blocks = section.split("```")[1::2]
    commands = [
        line
        for block in blocks
        for line in block.splitlines()
        if line and not line.startswith(("#", "sh"))
    ]
    assert len(commands) == 2
    assert "examples/" in commands[0] and "pytest" in commands[1]


def test_the_readme_python_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    snippet = README.split("```python\n", 1)[1].split("```", 1)[0]
    shutil.copytree(Path(__file__).parent.parent / "examples", tmp_path / "examples")
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {}
    exec(compile(snippet, "README.md", "exec"), namespace)
    result = namespace["result"]
    assert result.input_rows == 300 and result.conserved  # type: ignore[attr-defined]


def test_every_package_is_in_the_wheel() -> None:
    # pyproject.toml lists the packages one by one; a package missing there works in an editable
    # install and is absent from `pip install .`.
    root = Path(__file__).parent.parent
    listed = set(
        tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    )
    found = {
        ".".join(init.parent.relative_to(root).parts)
        for top in ("campaign", "suppression")
        for init in (root / top).rglob("__init__.py")
    }
    assert found <= listed
