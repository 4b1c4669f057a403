"""Report recipes: which chips, workloads and sweeps a report shows (strict JSON, pydantic).

Schema (paths are relative to the recipe's folder)::

    {
      "title": "...", "description": "...",
      "chips": [{"key": "gaincell", "file": "../hardware_specs/gaincell_leroux2025.json",
                 "label": "Gain-cell chip", "color": "#1b9e77",
                 "published": "gaincell_leroux2025", "set": {"array.rows": 64}}, ...],
      "reference": "gaincell",
      "scenarios": [{"key": "decode", "label": "GPT-2 decoding, batch 1",
                     "workload": "../workloads/gpt2.json", "contexts": "1:16384:log64",
                     "batch": 1, "scope": "layer", "published": "gaincell_m1024",
                     "set": {"attention.window": 1024}}, ...],
      "breakdown": {"scenario": "decode", "context": 1024},
      "output": "output/paper_reproduction.html"
    }

``reference`` is the chip the others are divided by (speed-up, energy
ratio); ``published`` keys pick the paper's points to overlay
(:mod:`archmodel.report.published`); ``breakdown`` picks the scenario and
context of the breakdown figures.  Errors name the recipe file and JSON path.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from archmodel.report.published import DEVICES, SCENARIOS
from archmodel.specs import SpecError, read_json
from archmodel.specs.loading import spec_error

Key = str
Scalar = bool | int | float | str


class RecipeModel(BaseModel):
    """Strict: unknown keys and coerced types are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class ChipEntry(RecipeModel):
    key: Key = Field(pattern=r"^[A-Za-z0-9_.-]+$", description="short name the recipe refers to")
    file: str = Field(min_length=1, description="chip or GPU spec JSON; GPU.json#NAME picks calibration NAME")
    label: str | None = Field(default=None, min_length=1, description="legend name (default: the spec's name)")
    color: str | None = Field(default=None, pattern=r"^#[0-9a-fA-F]{6}$", description="curve colour")
    published: str | None = Field(default=None, description=f"published device key: {', '.join(DEVICES)}")
    set: dict[str, Scalar] = Field(default_factory=dict, description="spec overrides by dotted path")


class Scenario(RecipeModel):
    key: Key = Field(pattern=r"^[A-Za-z0-9_.-]+$")
    label: str = Field(min_length=1)
    workload: str = Field(min_length=1, description="workload JSON")
    contexts: str | list[int] = Field(description="context lengths [token]: list or range text (1:16384:log64)")
    batch: int | None = Field(default=None, ge=1, description="sequences per step (default: the workload's)")
    scope: Literal["head", "layer", "model"] = "layer"
    published: str | None = Field(default=None, description=f"published scenario key: {', '.join(SCENARIOS)}")
    set: dict[str, Scalar] = Field(default_factory=dict, description="workload overrides by dotted path")


class Breakdown(RecipeModel):
    scenario: Key
    context: int = Field(ge=1, description="context of the breakdown figures [token]")


class Recipe(RecipeModel):
    title: str = Field(min_length=1)
    description: str = ""
    chips: list[ChipEntry] = Field(min_length=1)
    reference: Key
    scenarios: list[Scenario] = Field(min_length=1)
    breakdown: Breakdown
    output: str | None = Field(default=None, description="HTML path (default output/<recipe name>.html)")

    @property
    def chip_keys(self) -> list[str]:
        return [chip.key for chip in self.chips]


class LoadedRecipe(BaseModel):
    """A validated recipe with its file and folder (paths resolve against ``folder``)."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    recipe: Recipe
    file: Path

    @property
    def folder(self) -> Path:
        return self.file.parent

    def resolve(self, relative: str) -> Path:
        """A path of the recipe, made absolute against the recipe's folder (a ``#NAME`` suffix dropped)."""
        return resolve_path(self.folder, relative.partition("#")[0])

    def spec_path(self, relative: str) -> str:
        """What the spec loaders take: the resolved path, with its ``#CALIBRATION`` suffix kept."""
        _, hash_sign, name = relative.partition("#")
        return f"{self.resolve(relative)}{hash_sign}{name}"

    def output_path(self) -> Path:
        return self.resolve(self.recipe.output or f"output/{self.file.stem}.html")


def recipe_from_dict(document: dict, file: str) -> Recipe:
    """Validate a recipe document; errors are :class:`SpecError` naming ``file`` and the JSON path."""
    try:
        recipe = Recipe.model_validate(document)
    except ValidationError as exc:
        raise spec_error(exc, file, noun="a recipe") from None
    check_references(recipe, file)
    return recipe


def check_references(recipe: Recipe, file: str) -> None:
    """Cross-field rules: unique keys, known reference, breakdown scenario and published keys."""
    for name, keys in (("chips", recipe.chip_keys), ("scenarios", [s.key for s in recipe.scenarios])):
        for index, key in enumerate(keys):
            if key in keys[:index]:
                raise SpecError(file, f"$.{name}[{index}].key", f"duplicate key {key!r}")
    if recipe.reference not in recipe.chip_keys:
        raise SpecError(file, "$.reference", f"expected one of the chip keys {recipe.chip_keys}, got {recipe.reference!r}")
    scenario_keys = [scenario.key for scenario in recipe.scenarios]
    if recipe.breakdown.scenario not in scenario_keys:
        raise SpecError(file, "$.breakdown.scenario",
                        f"expected one of the scenario keys {scenario_keys}, got {recipe.breakdown.scenario!r}")
    for name, entries, known in (("chips", recipe.chips, DEVICES), ("scenarios", recipe.scenarios, SCENARIOS)):
        for index, entry in enumerate(entries):
            if entry.published is not None and entry.published not in known:
                raise SpecError(file, f"$.{name}[{index}].published", f"expected one of {sorted(known)}, got {entry.published!r}")


def load_recipe(path: str | Path) -> LoadedRecipe:
    """Read, validate and check a recipe, including that every file it names exists."""
    path = Path(path)
    loaded = LoadedRecipe(recipe=recipe_from_dict(read_json(path), str(path)), file=path.resolve())
    named = [(f"$.chips[{i}].file", chip.file) for i, chip in enumerate(loaded.recipe.chips)]
    named += [(f"$.scenarios[{i}].workload", s.workload) for i, s in enumerate(loaded.recipe.scenarios)]
    for json_location, relative in named:
        if not loaded.resolve(relative).is_file():
            raise SpecError(str(path), json_location, f"file not found: {relative!r} (looked for {loaded.resolve(relative)})")
    return loaded


def resolve_path(folder: Path, relative: str) -> Path:
    """``relative`` made absolute against a recipe's ``folder`` (an absolute path is kept)."""
    path = Path(relative)
    return path if path.is_absolute() else (folder / path).resolve()
