"""``archmodel compare``, ``archmodel calibrate`` and ``archmodel measure-gpu``."""

from __future__ import annotations

import datetime
import json
import math
from pathlib import Path
from typing import Annotated

import typer

from archmodel.cli.app import app
from archmodel.cli.estimate import ContextOption, JsonOption, ScopeOption, WorkloadOption
from archmodel.specs.errors import UsageError

#: where shipped GPU specs live (searched by measure-gpu when --chip is not given)
GPU_SPECS = Path(__file__).resolve().parents[2] / "hardware_specs" / "gpu"


def _ratio(value: float) -> str:
    """A ratio with thousands separators (97,610) or four digits (0.3442)."""
    return f"{value:,.0f}" if value >= 1000 else f"{value:.4g}"


#: narrowest console the comparison table is printed on [characters]
TABLE_WIDTH = 170


def _print_comparison(result) -> None:
    from rich.console import Console
    from rich.table import Table

    from archmodel.specs.units import format_area, format_si

    console = Console(width=max(Console().width, TABLE_WIDTH))
    table = Table(title="per generated token; ratio = chip / first chip")
    for column in ("chip", "calibration", "batch", "context", "time/token", "energy/token",
                   "floor time", "floor energy", "latency ×", "energy ×", "host/link/attn", "dies", "area"):
        text = column in ("chip", "calibration")
        table.add_column(column, justify="left" if text else "right", no_wrap=not text,  # numbers never wrap
                         min_width=16 if column == "chip" else None)
    for row in result.table.itertuples():
        floor = "—" if math.isnan(row.floor_time_per_token) else format_si(row.floor_time_per_token, "s")
        floor_energy = "—" if floor == "—" else format_si(row.floor_energy_per_token, "J")
        table.add_row(row.chip, row.calibration, str(row.batch), str(row.context), format_si(row.time_per_token, "s"),
                      format_si(row.energy_per_token, "J"), floor, floor_energy,
                      _ratio(row.latency_ratio), _ratio(row.energy_ratio),
                      f"{row.host_share:.0%}/{row.link_share:.0%}/{row.attention_share:.0%}",
                      "—" if math.isnan(row.chips) else f"{row.chips:.0f}",
                      "—" if math.isnan(row.area) else f"{format_area(row.area)}{' die' if row.area_kind.startswith('die') else ''}")
    console.print(table)
    console.print(f"convention: {result.convention}")
    console.print("area: bottom-up for a modelled chip; a GPU's die area from its datasheet ('die')")
    for label in result.labels:
        console.print(f"calibration: {label}")
    for caveat in result.caveats:
        console.print(f"caveat: {caveat}")


@app.command()
def compare(
    chip: Annotated[list[str], typer.Option("--chip", help="chip or GPU spec JSON (GPU: PATH#CALIBRATION picks a calibration); repeatable, the first is the reference")],
    workload: WorkloadOption,
    context: ContextOption = [1024],
    scope: ScopeOption = "layer",
    as_json: JsonOption = False,
) -> None:
    """Per-token latency and energy of several chips, with ratios to the first."""
    from archmodel.compare import compare as run_compare
    from archmodel.specs import load_chip, load_workload

    result = run_compare([load_chip(text) for text in chip], load_workload(workload), context=context, scope=scope)
    if as_json:
        typer.echo(json.dumps(result.to_dict(), indent=2))
    else:
        _print_comparison(result)


@app.command()
def calibrate(
    chip: Annotated[Path, typer.Option("--chip", help="GPU spec JSON")],
    calibration: Annotated[Path | None, typer.Option("--calibration", help="calibration file (default: the spec's)")] = None,
    write: Annotated[bool, typer.Option("--write", help="write the parameters back into the file (atomically)")] = False,
) -> None:
    """Recompute the parameters of every calibration of a GPU (fit, transfer or literature)."""
    from archmodel.files import write_json
    from archmodel.measure.calibrate import recalibrate
    from archmodel.specs import load_chip
    from archmodel.specs.gpu import GPU, KERNEL_CLASSES, calibration_path
    from archmodel.specs.units import format_si

    gpu = load_chip(chip)
    if not isinstance(gpu, GPU):
        raise UsageError(f"{chip}: calibrate needs a GPU spec (kind 'gpu'), got kind {gpu.kind!r}")
    document, rows = recalibrate(gpu, calibration)
    for row in rows:
        classes = ", ".join(f"{name} η {row[f'{name}_bandwidth_fraction']:.3g}" for name in KERNEL_CLASSES)
        typer.echo(f"{row['name']} ({row['status']}): {classes}; host overhead {format_si(row['step_overhead'], 's')}, "
                   f"active power {format_si(row['active_power'], 'W')}; dynamic power "
                   f"{format_si(row['dynamic_power'], 'W')} <= board - idle {format_si(row['allowed_power'], 'W')}")
    if write:
        path = write_json(document, calibration or calibration_path(gpu))
        typer.echo(f"wrote {path}")


@app.command("measure-gpu")
def measure_gpu(
    chip: Annotated[Path | None, typer.Option("--chip", help="GPU spec JSON (default: found by the device name)")] = None,
    out: Annotated[Path, typer.Option("--out", help="calibration file to write")] = Path("calibration.json"),
    quick: Annotated[bool, typer.Option("--quick", help="the paper's point and two sweep points only")] = False,
    warmup: Annotated[int, typer.Option(help="warm-up passes")] = 5,
    passes: Annotated[int, typer.Option(help="timed passes")] = 10,
) -> None:
    """Measure the paper's benchmark and a sweep on this machine's NVIDIA GPU; write a calibration file."""
    from archmodel.measure.harness import PAPER_SHAPE, STEPS_PER_PASS, find_gpu_spec, measure_and_write, sweep_points
    from archmodel.measure.power import NvmlPower, measure_idle
    from archmodel.measure.torch_runner import TorchDecodeRunner, require_gpu
    from archmodel.specs import load_chip

    torch = require_gpu()
    device = torch.cuda.get_device_name(0)
    gpu = load_chip(chip if chip is not None else find_gpu_spec(device, GPU_SPECS))
    points = sweep_points(gpu)
    points = points[:3] if quick else points
    power = NvmlPower(0)
    try:
        idle = measure_idle(power)

        def make_runner(point):
            return TorchDecodeRunner(torch, point.batch, PAPER_SHAPE["heads"], PAPER_SHAPE["head_dim"], point.kv_slots,
                                     PAPER_SHAPE["dtype"], STEPS_PER_PASS)

        implementation = f"PyTorch {torch.__version__} eager scaled_dot_product_attention, float32, KV ring buffer"
        path, errors = measure_and_write(gpu, make_runner, power, out, device, implementation, points, idle,
                                         datetime.date.today(), warmup=warmup, passes=passes)
    finally:
        power.close()
    typer.echo(f"wrote {path} ({len(points)} sizes, idle {idle:.4g} W)")
    for error in errors:
        typer.echo(f"archmodel: warning: not fitted: {error}", err=True)


@app.command("validate-gpu")
def validate_gpu(
    data: Annotated[Path | None, typer.Option("--data", help="published-measurement file (default: tests/validation/gpu_public.json)")] = None,
) -> None:
    """The GPU model against published LLM decode measurements: one row per point, then the held-out medians."""
    from archmodel.measure.public import GPU_FOLDER, PUBLIC_DATA, held_out_medians, validation_table

    from archmodel.specs.units import format_si

    table = validation_table(data or PUBLIC_DATA, GPU_FOLDER)
    typer.echo("| point | GPU | batch | fitted | quantity | measured | predicted | error |")
    typer.echo("|---|---|---|---|---|---|---|---|")
    units = {"time_per_token": "s", "board_energy_per_token": "J", "board_power": "W"}
    for row in table.itertuples():
        unit = units[row.quantity]
        typer.echo(f"| {row.label} | {row.gpu} | {row.batch} | {'fitted' if row.fitted else 'held out'} | "
                   f"{row.quantity.replace('_', ' ')} | {format_si(row.measured, unit)} | {format_si(row.predicted, unit)} | "
                   f"{100 * row.error:+.1f} % |")
    medians = held_out_medians(table)
    typer.echo(f"held-out median absolute error: throughput {100 * medians['throughput']:.1f} %, "
               f"energy or power {100 * medians['energy']:.1f} %")
