"""docs/rules.md is a tutorial whose steps run: its YAML blocks are written to the files they
name, its commands are run in order, and the lines shown after each command must appear."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from typer.testing import CliRunner

import cli

DOC = Path(__file__).parent.parent / "docs" / "rules.md"
BLOCK = re.compile(r"```(\w+)([^\n]*)\n(.*?)```", re.S)


def test_the_rules_tutorial_runs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    steps = 0
    for lang, info, body in BLOCK.findall(DOC.read_text(encoding="utf-8")):
        if lang == "yaml" and info.strip():
            target = tmp_path / info.strip()
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(body, encoding="utf-8")  # the tutorial's file replaces the template
            continue
        if lang != "console":
            continue
        commands = re.split(r"^\$ ", body, flags=re.M)[1:]
        for chunk in commands:
            line, *expected = chunk.strip("\n").split("\n")
            args = shlex.split(line)
            assert args[0] == "zh-extract"
            stdin = "力保全年能耗总量控制在1500万吨标准煤以内" if args[-1] == "-" else None
            result = runner.invoke(cli.app, args[1:], input=stdin, catch_exceptions=False)
            assert result.exit_code == 0, f"{line}\n{result.output}"
            for want in expected:
                assert want.strip() in result.output, f"{line}: {want!r} not in\n{result.output}"
            steps += 1
    assert steps >= 5
