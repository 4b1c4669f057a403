"""``archmodel compare`` has an area column (issue 13): the bottom-up area of a modelled chip, the die of a GPU."""

import json

from numpy.testing import assert_allclose

from tests.conftest import CHIP, WORKLOADS

RTX4090 = CHIP.parent / "gpu" / "rtx4090.json"


def test_compare_area_column(cli):
    code, out, err = cli("compare", "--chip", CHIP, "--chip", RTX4090, "--workload", WORKLOADS / "gpt2.json", "--json")
    assert code == 0, err
    rows = {row["kind"]: row for row in json.loads(out)["rows"]}
    # gain-cell: 4.78 mm² bottom-up, as `archmodel estimate` prints; RTX 4090: 608.4 mm² die (its spec's die_area)
    assert_allclose(rows["gaincell_attention"]["area"], 4.7797e-6, rtol=1e-4)
    assert rows["gaincell_attention"]["area_kind"] == "model"
    assert_allclose(rows["gpu"]["area"], 608.4e-6, rtol=1e-9)
    assert rows["gpu"]["area_kind"] == "die, datasheet"


def test_compare_table_prints_area(cli):
    code, out, _ = cli("compare", "--chip", CHIP, "--chip", RTX4090, "--workload", WORKLOADS / "gpt2.json")
    assert code == 0 and "4.78 mm²" in out and "608.4 mm²" in out and "datasheet" in out  # cells may wrap
