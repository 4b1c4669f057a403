"""The paper's decode loop on a real GPU with PyTorch (optional extra ``gpu``).

Each decode step writes the new k and v of every sequence into slot
t mod S of a KV ring buffer and calls ``scaled_dot_product_attention``
over all S slots (Leroux 2025 §5).  q, k and v are drawn once with
``torch.rand`` and reused: drawing them per step would add kernels the
calibration does not describe.
"""

from __future__ import annotations

from archmodel.specs.errors import UsageError
from archmodel.specs.units import milli

INSTALL = "install the extra: pip install 'archmodel[gpu]' (PyTorch with CUDA and nvidia-ml-py)"


def require_gpu():
    """PyTorch with a visible CUDA GPU and NVML, or a :class:`UsageError` saying what is missing."""
    try:
        import torch
    except ImportError:
        raise UsageError(f"measure-gpu needs PyTorch, which is not installed; {INSTALL}") from None
    if not torch.cuda.is_available():
        raise UsageError("no CUDA GPU is visible to PyTorch: measure-gpu must run on a machine with an NVIDIA GPU")
    try:
        import pynvml  # noqa: F401
    except ImportError:
        raise UsageError(f"measure-gpu reads power through NVML (module pynvml), which is not installed; {INSTALL}") from None
    return torch


class TorchDecodeRunner:
    """``steps_per_pass`` decode steps of one attention layer on the GPU, as the paper's script."""

    def __init__(self, torch, batch: int, heads: int, head_dim: int, kv_slots: int, dtype: str = "float32",
                 steps_per_pass: int = 1024, device: str = "cuda"):
        self._torch = torch
        self.batch, self.kv_slots, self.steps_per_pass = batch, kv_slots, steps_per_pass
        options = {"dtype": getattr(torch, dtype), "device": device}
        self.k_cache = torch.rand(batch, heads, kv_slots, head_dim, **options)  # (B, H, S, d)
        self.v_cache = torch.rand(batch, heads, kv_slots, head_dim, **options)  # (B, H, S, d)
        self.query = torch.rand(batch, heads, 1, head_dim, **options)  # (B, H, 1, d)
        self.key = torch.rand(batch, heads, 1, head_dim, **options)  # (B, H, 1, d)
        self.value = torch.rand(batch, heads, 1, head_dim, **options)  # (B, H, 1, d)
        self.step = 0

    def run_pass(self) -> None:
        """Enqueue one pass (asynchronous)."""
        attention = self._torch.nn.functional.scaled_dot_product_attention
        for _ in range(self.steps_per_pass):
            slot = self.step % self.kv_slots
            self.k_cache[:, :, slot:slot + 1].copy_(self.key)
            self.v_cache[:, :, slot:slot + 1].copy_(self.value)
            attention(self.query, self.k_cache, self.v_cache)  # (B, H, 1, d)
            self.step += 1

    def synchronize(self) -> None:
        self._torch.cuda.synchronize()

    def timed_pass(self) -> float:
        """GPU time of one pass by CUDA events [s]."""
        start = self._torch.cuda.Event(enable_timing=True)
        end = self._torch.cuda.Event(enable_timing=True)
        start.record()
        self.run_pass()
        end.record()
        end.synchronize()
        return start.elapsed_time(end) * milli
