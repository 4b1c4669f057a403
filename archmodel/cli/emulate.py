"""``archmodel emulate``: run the chip's functional model on numbers and print fidelity metrics."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from archmodel.cli.app import app
from archmodel.specs.errors import UsageError


def _show(value) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, list) and len(value) > 8:
        return f"[{', '.join(_show(item) for item in value[:4])}, … ({len(value)} values)]"
    return str(value)


def _seconds(text: str) -> float:
    """``--time-per-token`` in seconds: a bare number is seconds, else a string with a unit."""
    from archmodel.specs.units import to_si

    try:
        value = float(text)
    except ValueError:
        try:
            value = to_si(text, "time")
        except ValueError as error:
            raise UsageError(f"--time-per-token: {error}") from None
    if not value > 0:
        raise UsageError(f"--time-per-token: must be > 0, got {text!r}")
    return value


def _chip_and_interval(chip, system, workload, context, time_per_token, decay_per_step) -> tuple[Path, float | None]:
    """The chip file and Δt [s]: from --chip and --time-per-token, or from --system and --workload."""
    if system is None:
        named = [flag for flag, value in (("--workload", workload), ("--context", context)) if value is not None]
        if named:
            raise UsageError(f"{', '.join(named)} only apply with --system")
        if chip is None:
            raise UsageError("give --chip (a gain-cell chip) or --system with --workload")
        return chip, None if time_per_token is None else _seconds(time_per_token)
    named = [flag for flag, value in (("--chip", chip), ("--time-per-token", time_per_token),
                                      ("--decay-per-step", decay_per_step)) if value is not None]
    if named:
        raise UsageError(f"--system sets the chip and λ = Δt/τ itself; drop {', '.join(named)}")
    if workload is None:
        raise UsageError("--system needs --workload (the token interval depends on the model and batch)")
    from archmodel.system.emulation import system_token_interval

    return system_token_interval(system, workload, context)


@app.command()
def emulate(
    mode: Annotated[str, typer.Option(metavar="MODE", help="softmax, softmax_window, hardsigmoid, gaincell_linear or gaincell_cubic")],
    chip: Annotated[Path | None, typer.Option("--chip", help="gain-cell chip spec JSON")] = None,
    system: Annotated[Path | None, typer.Option("--system", help="system spec JSON: its attention chip, λ = Δt/τ from its token interval")] = None,
    workload: Annotated[Path | None, typer.Option("--workload", help="with --system: the workload whose token interval sets λ")] = None,
    context: Annotated[int | None, typer.Option("--context", help="with --system: context of the token interval (default: the window)")] = None,
    inputs: Annotated[Path | None, typer.Option("--inputs", help="npz with float32 q, k, v (B, H, T, d) and optional scalers")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="npz receiving y")] = None,
    window: Annotated[int | None, typer.Option(help="sliding window M [tokens] (default 1024)")] = None,
    decay_per_step: Annotated[float | None, typer.Option("--decay-per-step", help="leakage λ per token step")] = None,
    q_levels: Annotated[int | None, typer.Option("--q-levels", help="query levels (default: the chip's)")] = None,
    kv_levels: Annotated[int | None, typer.Option("--kv-levels", help="K/V levels (default: the chip's)")] = None,
    out_levels: Annotated[int | None, typer.Option("--out-levels", help="sub-tile output levels (default: the chip's)")] = None,
    no_quantization: Annotated[bool, typer.Option("--no-quantization", help="ignore the chip's levels (levels given explicitly still apply)")] = False,
    time_per_token: Annotated[str | None, typer.Option("--time-per-token", metavar="TIME", help="time between tokens, e.g. '0.78 us': λ = Δt / τ of the chip")] = None,
    tokens: Annotated[int | None, typer.Option(help="random inputs: tokens T (default 1024)")] = None,
    heads: Annotated[int | None, typer.Option(help="random inputs: heads H (default 12)")] = None,
    batch: Annotated[int | None, typer.Option(help="random inputs: sequences B (default 1)")] = None,
    head_dim: Annotated[int | None, typer.Option("--head-dim", help="random inputs: head dimension d (default: the chip's array.rows)")] = None,
    seed: Annotated[int | None, typer.Option(help="random inputs and noise: seed")] = None,
    path: Annotated[str, typer.Option(metavar="prefill|decode", help="prefill (all tokens at once) or decode (token by token)")] = "prefill",
    chip_out: Annotated[Path | None, typer.Option("--chip-out", help="write a chip JSON extending --chip with the measured activity")] = None,
    grouping: Annotated[str | None, typer.Option("--grouping", help="sub-tiles by ring slot (ring, hardware, default) or by absolute position (absolute, training code)")] = None,
    qk_decay_dtype: Annotated[str | None, typer.Option("--qk-decay-dtype", help="decay on the QK side in float32 (default) or bfloat16 (training code)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON object")] = False,
) -> None:
    """Emulate one attention layer on the chip and compare it with ideal attention.

    Without --inputs, q, k and v are random (Gaussian, seeded), not activations of a trained
    model, and the model is not adapted to the hardware: the errors printed are those of
    the unadapted layer on synthetic data.
    """
    from rich.console import Console
    from rich.table import Table

    from archmodel.emulator.cli import run_emulate

    chip, time_per_token = _chip_and_interval(chip, system, workload, context, time_per_token, decay_per_step)
    metrics = run_emulate(chip, mode, inputs=inputs, out=out, window=window, decay_per_step=decay_per_step,
                          q_levels=q_levels, kv_levels=kv_levels, out_levels=out_levels,
                          no_quantization=no_quantization, tokens=tokens, heads=heads, batch=batch, seed=seed,
                          path=path, time_per_token=time_per_token, chip_out=chip_out, head_dim=head_dim,
                          interval_from_system=system is not None, grouping=grouping, qk_decay_dtype=qk_decay_dtype)
    if as_json:
        typer.echo(json.dumps(metrics, indent=2))
        return
    table = Table(title=f"emulate {metrics['mode']} ({metrics['path']}) on {system or chip}")
    table.add_column("metric")
    table.add_column("value", justify="right")
    for key, value in metrics.items():
        table.add_row(key, _show(value))
    Console(width=120).print(table)
