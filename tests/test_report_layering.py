"""Published values are data to compare against, never model inputs: no model layer imports them."""

import pytest

from tests.test_layering import imported_archmodel_modules

#: the layers that compute a model value; none may see archmodel.report (published numbers live there)
MODEL_LAYERS = ("archmodel.specs", "archmodel.engine", "archmodel.sweep", "archmodel.compare")


@pytest.mark.parametrize("layer", MODEL_LAYERS)
def test_model_layers_never_import_the_published_values(layer):
    modules = imported_archmodel_modules(layer)
    assert layer in modules                                   # the check ran on an import of the layer
    assert "archmodel.report.published" not in modules
    assert not any(module.startswith("archmodel.report") for module in modules)
