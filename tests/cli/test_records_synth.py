"""yigai records synth: writes the data set and says what it wrote; bad arguments exit 2 with a Chinese
message and write nothing. (The generator itself is tested in tests/core/records/test_synth.py.)"""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from yigai.cli import app

runner = CliRunner()


def test_synth_writes_a_marked_synthetic_set(tmp_path: Path) -> None:
    out = tmp_path / "synth"
    result = runner.invoke(app, ["records", "synth", "--scale", "0.0001", "--year", "2023", "--out", str(out),
                                 "--seed", "4"])  # fmt: skip
    assert result.exit_code == 0, result.output
    about = json.loads((out / "SYNTHETIC.json").read_text(encoding="utf-8"))
    assert about["synthetic"] is True and about["year"] == 2023 and about["seed"] == 4
    assert f"{about['rows']['services']:,}" in result.stdout
    assert sorted(p.name for p in (out / "services").iterdir())[0] == "month=2023-01"


def test_bad_arguments_exit_2_and_write_nothing(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["records", "synth", "--scale", "-1", "--year", "2024", "--out", str(tmp_path / "x")]
    )
    assert result.exit_code == 2
    assert "--scale 应在" in result.stderr
    full = tmp_path / "full"
    full.mkdir()
    (full / "a").write_text("", encoding="utf-8")
    result = runner.invoke(
        app, ["records", "synth", "--scale", "0.0001", "--year", "2024", "--out", str(full)]
    )
    assert result.exit_code == 2
    assert "不为空" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["full"]
