"""Maps on Pakistan's provinces, colours for many zones, labels apart, clipped axes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from surplus.maps import add_provinces, bounds, label_positions, province_of, zone_colours


def test_the_provinces_frame_pakistan() -> None:
    lon_min, lon_max, lat_min, lat_max = bounds()
    assert 60 < lon_min < 61.5 and 77 < lon_max < 78.5  # not to 82 °E
    assert 23 < lat_min < 24.5 and 37 < lat_max < 38
    figure = add_provinces(go.Figure(go.Scatter(x=[67.0], y=[25.0], name="data")))
    assert figure.data[-1].name == "data"  # data drawn over the provinces
    assert sum(1 for t in figure.data if t.fill == "toself") >= 7


def test_every_pakistan_zone_gets_its_own_colour_grouped_by_province() -> None:
    zones = pd.read_csv(
        Path(__file__).resolve().parents[2] / "src/surplus/data/pakistan/zones.csv", index_col=0
    )
    colours = zone_colours(zones)
    assert len(colours) == len(zones) >= 13
    assert len(set(colours.values())) == len(colours)
    assert province_of(zones.loc["ke", "lon"], zones.loc["ke", "lat"]) == "Sindh"


def test_labels_of_close_points_go_different_ways() -> None:
    positions = label_positions([70.0, 70.05, 75.0], [30.0, 30.0, 33.0], ["lesco", "gepco", "x"])
    assert positions[0] != positions[1]


def test_marginal_cost_axis_stops_at_the_dearest_plant(tmp_path: Path) -> None:
    from surplus.dispatch import dispatch
    from surplus.grid.load import load_dataset
    from surplus.report.figures import price_duration
    from surplus.report.summary import summarise
    from tests.grid.tiny import write_tiny

    dataset = load_dataset(write_tiny(tmp_path / "tiny"))
    figure = price_duration(summarise(dataset, dispatch(dataset)))
    dearest = dataset.operating_plants["variable_cost_pkr_per_mwh"].max() / 1000
    top = figure.layout.yaxis.range[1]
    assert top == pytest.approx(dearest * 1.08)
    assert np.isfinite(top)
