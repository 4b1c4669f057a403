"""Units, provenance, and Hugging Face configs."""

import pytest
from numpy.testing import assert_allclose

from archmodel.specs import SpecError, UsageError, with_overrides
from archmodel.specs.huggingface import workload_from_hf_config
from archmodel.specs.units import format_si, to_si


@pytest.mark.parametrize("text, dimension, expected", [
    ("15 ns", "time", 15e-9),
    ("113.7 mW", "power", 0.1137),
    ("1 um^2", "area", 1e-12),
    ("19.3 uA/V", "conductance", 19.3e-6),
    ("3.35 TB/s", "bandwidth", 3.35e12),
    ("989.4 TFLOP/s", "compute_rate", 989.4e12),
    ("50 MB", "bytes", 50e6),
    (6.15e-9, "energy", 6.15e-9),
])
def test_quantities_are_parsed_to_si(text, dimension, expected):
    assert_allclose(to_si(text, dimension), expected, rtol=1e-12)


def test_wrong_dimension_is_refused():
    with pytest.raises(ValueError, match="expected a unit of energy"):
        to_si("15 ns", "energy")


def test_format_si_picks_a_prefix():
    assert format_si(6.15e-9, "J") == "6.15 nJ"
    assert format_si(65e-9, "s") == "65 ns"


def test_every_shipped_chip_number_has_provenance(chip):
    """Each leaf value of the shipped chip (other than names and labels) carries a source."""
    def leaves(node, path="$"):
        if isinstance(node, dict):
            for key, value in node.items():
                yield from leaves(value, f"{path}.{key}")
        else:
            yield path, node

    unsourced = [path for path, value in leaves(chip.raw)
                 if not isinstance(value, str) and path not in chip.provenance and not path.endswith("_group")]
    assert unsourced == []
    assert chip.provenance["$.digital.register_capacitance"].kind == "derivation"
    assert "Fig. 5" in chip.provenance["$.digital.register_capacitance"].text


def test_overrides_revalidate_and_record_provenance(chip):
    narrow = with_overrides(chip, {"array.rows": 32}, label="sweep")
    assert narrow.array.rows == 32
    assert narrow.provenance["$.array.rows"].text == "sweep: set to 32"
    with pytest.raises(SpecError, match=r"\$\.array\.rows: input should be greater than 0"):
        with_overrides(chip, {"array.rows": 0})
    with pytest.raises(UsageError, match="unknown spec path 'array.banks' \\(not a field of GainCellChip\\)"):
        with_overrides(chip, {"array.banks": 2})


def test_gpt2_hf_config():
    config = {"model_type": "gpt2", "n_layer": 12, "n_embd": 768, "n_head": 12, "n_positions": 1024,
              "vocab_size": 50257, "n_inner": None}
    workload = workload_from_hf_config(config, "config.json")
    assert (workload.model.head_dim, workload.model.d_ff, workload.attention.kind) == (64, 3072, "causal")


def test_llama_hf_config_with_gqa():
    """Llama-3-8B shape (its config.json: 32 layers, 4096, 32 heads, 8 KV heads, 14336)."""
    config = {"model_type": "llama", "num_hidden_layers": 32, "hidden_size": 4096, "num_attention_heads": 32,
              "num_key_value_heads": 8, "intermediate_size": 14336, "vocab_size": 128256,
              "max_position_embeddings": 8192, "torch_dtype": "bfloat16"}
    workload = workload_from_hf_config(config, "config.json")
    assert (workload.model.kv_heads, workload.model.head_dim, workload.model.mlp, workload.dtype) == (8, 128, "gated", "bfloat16")


@pytest.mark.parametrize("name", ["gpt2", "gpt2-medium", "gpt2-large", "gpt2-xl", "llama-3-8b", "mistral-7b",
                                  "paper_gpu_benchmark"])
def test_shipped_workloads_load_with_sourced_shapes(name):
    from archmodel import load_workload
    from tests.conftest import WORKLOADS

    workload = load_workload(WORKLOADS / f"{name}.json")
    for field in ("layers", "d_model", "heads", "head_dim"):
        assert f"$.model.{field}" in workload.provenance, field
    assert workload.model.heads * workload.model.head_dim == workload.model.d_model


def test_llama_workload_maps_gqa_onto_the_gain_cell_chip(chip):
    """Llama 3 8B: 32 query heads share 8 KV heads (g = 4); d = 128 needs two 64-row arrays per sub-tile."""
    from archmodel import estimate, load_workload
    from tests.conftest import WORKLOADS

    result = estimate(chip, load_workload(WORKLOADS / "llama-3-8b.json"), context=8192, scope="layer")
    tiling = result.accounting.plan.tiling
    assert (tiling.query_heads_per_kv_head, tiling.arrays_per_subtile, tiling.subtiles) == (4, 2, 128)
