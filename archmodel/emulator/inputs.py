"""Inputs of the ``emulate`` command: an npz file, or realistic random q, k, v.

``in.npz`` holds float arrays ``q``, ``k``, ``v`` of shape (B, H, T, d) and,
optionally, scaler pairs ``a_q, b_q, a_k, b_k, a_v, b_v, a_out, b_out``
of shape (H,) (each pair complete or absent).
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import numpy as np

from archmodel.emulator.scalers import SCALER_NAMES
from archmodel.emulator.settings import validate_inputs
from archmodel.specs.errors import UsageError

#: Standard deviation of random q and k: logits q·k/√d then have std 1.5² = 2.25,
#: the spread of a trained GPT-2 layer's attention logits (a few units).
RANDOM_QK_STD = 1.5


#: peak memory of an emulation per element of q (B·H·T·d): the measured growth of peak RSS
#: is 75-80 bytes per element (gaincell_linear prefill, d = 64, T = 1024-4096, H = 1-8,
#: ``benchmarks/bench_emulator.py``); the estimate allows 128 [byte]
BYTES_PER_ELEMENT = 128
#: share of the available memory an emulation may plan to use [-]
MEMORY_SHARE = 0.8


def available_memory() -> float:
    """Memory this machine can give a new allocation now: MemAvailable of /proc/meminfo, else physical RAM [byte]."""
    try:
        with open("/proc/meminfo") as info:
            for line in info:
                if line.startswith("MemAvailable:"):
                    return float(line.split()[1]) * 1024
    except OSError:
        pass
    return float(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))


def _size(size: float) -> str:
    """Bytes as ``12.8 GB`` (from 0.1 GB), ``1.1 MB`` (from 0.1 MB) or ``32.9 kB``."""
    for scale, unit in ((1e9, "GB"), (1e6, "MB")):
        if size >= scale / 10:
            return f"{size / scale:,.1f} {unit}"
    return f"{size / 1e3:,.1f} kB"


def check_memory(batch: int, heads: int, tokens: int, head_dim: int) -> None:
    """Refuse, before allocating, an emulation whose estimated peak memory exceeds what is available.

    Estimate: B·H·T·d elements × :data:`BYTES_PER_ELEMENT` [byte].
    """
    for flag, value in (("--batch", batch), ("--heads", heads), ("--tokens", tokens), ("--head-dim", head_dim)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise UsageError(f"{flag} must be a positive integer, got {value!r}")
    needed = float(batch) * heads * tokens * head_dim * BYTES_PER_ELEMENT
    available = available_memory() * MEMORY_SHARE
    if needed > available:
        raise UsageError(
            f"--batch {batch} × --heads {heads} × --tokens {tokens} × head dim {head_dim} would need about "
            f"{_size(needed)}, more than the {_size(available)} available; use fewer tokens, heads or sequences"
        )


def load_inputs(path: str | Path) -> tuple[tuple[np.ndarray, np.ndarray, np.ndarray], dict[str, tuple]]:
    """Read ``(q, k, v)`` and the scaler pairs present, ``{name: (a, b)}``, from an npz file."""
    name = str(path)
    expected = "expected an npz archive of float arrays q, k, v (numpy.savez(path, q=q, k=k, v=v))"
    try:
        with open(path, "rb") as file:
            magic = file.read(6)
    except FileNotFoundError:
        raise UsageError(f"{name}: input file not found") from None
    except OSError as exc:
        raise UsageError(f"{name}: cannot read file ({exc.strerror})") from None
    if magic == b"\x93NUMPY":
        raise UsageError(f"{name}: a single .npy array, not an npz archive; {expected}")
    if not magic.startswith(b"PK"):
        raise UsageError(f"{name}: not an npz archive (no zip header); {expected}")
    _check_archive_memory(path, name)
    try:
        with np.load(path, allow_pickle=False) as archive:
            arrays = {key: archive[key] for key in archive.files}
    except (OSError, ValueError, zipfile.BadZipFile) as exc:
        raise UsageError(f"{name}: not a readable npz archive of numeric arrays ({exc})") from None
    missing = [key for key in ("q", "k", "v") if key not in arrays]
    if missing:
        raise UsageError(f"{name}: missing array {', '.join(repr(m) for m in missing)}; "
                         "expected float arrays q, k, v of shape (B, H, T, d)")
    try:
        q, k, v = validate_inputs(arrays["q"], arrays["k"], arrays["v"])
    except UsageError as exc:
        raise UsageError(f"{name}: {exc}") from None
    return (q, k, v), _scaler_pairs(arrays, q.shape[1], name)


def _check_archive_memory(path, name: str) -> None:
    """Refuse, before reading, an archive whose q would need more memory to emulate than is available.

    The element count of q is its stored size over 4 bytes (float32; wider types only have fewer).
    """
    try:
        with zipfile.ZipFile(path) as archive:
            stored = next((info.file_size for info in archive.infolist() if info.filename == "q.npy"), 0)
    except (OSError, zipfile.BadZipFile) as exc:
        raise UsageError(f"{name}: not a readable npz archive of numeric arrays ({exc})") from None
    needed = stored / 4 * BYTES_PER_ELEMENT
    available = available_memory() * MEMORY_SHARE
    if needed > available:
        raise UsageError(f"{name}: q of {_size(stored)} would need about {_size(needed)} to emulate, "
                         f"more than the {_size(available)} available; use fewer tokens, heads or sequences")


def _scaler_pairs(arrays: dict, heads: int, name: str) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    pairs = {}
    for scaler in SCALER_NAMES:
        keys = (f"a_{scaler}", f"b_{scaler}")
        present = [key for key in keys if key in arrays]
        if not present:
            continue
        if len(present) == 1:
            other = keys[1] if present[0] == keys[0] else keys[0]
            raise UsageError(f"{name}: has {present[0]} but not {other}; give both or neither")
        pair = tuple(np.asarray(arrays[key]) for key in keys)
        for key, value in zip(keys, pair):
            if value.shape != (heads,) or not np.issubdtype(value.dtype, np.number):
                raise UsageError(f"{name}: {key} must be a numeric array of shape (H,) = ({heads},), got {value.shape}")
            if not np.all(np.isfinite(value)):
                raise UsageError(f"{name}: {key} contains NaN or infinite values")
        pairs[scaler] = pair
    return pairs


def random_inputs(batch: int, heads: int, tokens: int, head_dim: int, seed: int):
    """Gaussian q, k ~ N(0, 1.5²) and v ~ N(0, 1), float32 (B, H, T, d), from ``seed``."""
    for label, value in (("batch", batch), ("heads", heads), ("tokens", tokens)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise UsageError(f"{label} must be a positive integer, got {value!r}")
    generator = np.random.default_rng(seed)
    shape = (batch, heads, tokens, head_dim)
    q = RANDOM_QK_STD * generator.standard_normal(shape, dtype=np.float32)
    k = RANDOM_QK_STD * generator.standard_normal(shape, dtype=np.float32)
    v = generator.standard_normal(shape, dtype=np.float32)
    return q, k, v
