"""``yigai records synth``: write a synthetic (示例) data set of service records at a chosen scale.

Registered on the ``records`` command group by :mod:`yigai.cli.records`; the generator is
:mod:`yigai.core.records.synth`. It needs no database and reads no real data.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from yigai.cli.platform import _fail, user_errors
from yigai.cli.records import records_app


@records_app.command(
    "synth",
    help="生成合成的示例数据（门诊住院记录、家庭医生签约、机构名录、DRG 权重表），按月分区写成 Parquet；"
    "--scale 1.0 约为河北省一年的量（约 4 亿门急诊人次、1400 万出院人次）。同一 --seed 生成相同的数据。",
)
@user_errors
def synth_records(
    scale: Annotated[float, typer.Option("--scale", help="规模：1.0 约为河北省一年；0.01 约 400 万条")],
    year: Annotated[int, typer.Option("--year", help="数据年份")],
    out: Annotated[Path, typer.Option("--out", help="输出目录（不存在或为空）")],
    seed: Annotated[int, typer.Option("--seed", help="随机种子：相同的参数和种子生成相同的数据")] = 1,
    quiet: Annotated[bool, typer.Option("--quiet", help="不显示进度")] = False,
) -> None:
    from yigai.core.records.synth import SynthError, check_arguments, generate

    try:
        check_arguments(out, scale=scale, year=year)
    except SynthError as exc:
        _fail(str(exc), code=2)
    with typer.progressbar(length=1, label="生成示例数据", file=sys.stderr, hidden=quiet) as bar:
        shown = [0]

        def progress(stage: str, done: int, total: int) -> None:
            bar.length = total
            bar.label = "门诊住院记录" if stage == "services" else "家庭医生签约"
            bar.update(done - shown[0])
            shown[0] = done

        try:
            result: Any = generate(out, scale=scale, year=year, seed=seed, progress=progress)
        except SynthError as exc:
            _fail(str(exc), code=2)
    typer.echo(
        f"已生成示例数据 {result.out}：门诊住院记录 {result.services:,} 条（{result.parts} 个文件），"
        f"家庭医生签约 {result.family_doctor:,} 条，居民 {result.persons:,} 人，机构 {result.facilities:,} 家"
        "（均为合成数据，见 SYNTHETIC.json）"
    )
