"""Curtailment of a constant load as a piecewise-linear, convex function of its size.

For a zone with spare s_t (MW, clipped at zero) and hour weights w_t (1 / hours in the
year), a constant load of L MW loses E(L) = Σ_t w_t · max(0, L − s_t) MW on average, i.e.
E(L) / L is its curtailment rate (`surplus.headroom`). E is convex and piecewise linear
with a kink at each distinct s_t, so "E(L) ≤ c · L" is exactly the headroom condition.

In the allocator E enters through its chords on a set of points: the upper envelope of
the chords is the linear interpolation of E, which is convex and never below E, so a
constraint on the chords is safe (it may refuse a little load, never admit too much).
When every kink below the largest load considered is a point the chords are exact.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MAX_POINTS = 400
"""Points per curve: kinks are used as they are up to this many, else spread by quantile."""


@dataclass(frozen=True)
class Chords:
    """Lines e ≥ slope · L + intercept whose upper envelope is E interpolated on `points`."""

    points_mw: np.ndarray
    values_mw: np.ndarray
    slopes: np.ndarray
    intercepts_mw: np.ndarray
    exact: bool


def expected_curtailment_mw(
    spare_mw: np.ndarray, weights: np.ndarray, loads_mw: np.ndarray
) -> np.ndarray:
    """E(L) for each load: Σ_t w_t · max(0, L − s_t), with sorted prefix sums (exact).

    >>> spare, weights = np.array([10.0, 20.0]), np.array([0.5, 0.5])
    >>> expected_curtailment_mw(spare, weights, np.array([15.0, 30.0]))
    array([ 2.5, 15. ])
    """
    spare = np.maximum(np.asarray(spare_mw, dtype=float), 0.0)
    order = np.argsort(spare, kind="stable")
    s, w = spare[order], np.asarray(weights, dtype=float)[order]
    weight = np.concatenate([[0.0], np.cumsum(w)])
    moment = np.concatenate([[0.0], np.cumsum(w * s)])
    loads = np.asarray(loads_mw, dtype=float)
    below = np.searchsorted(s, loads, side="left")
    return np.maximum(weight[below] * loads - moment[below], 0.0)


def chords(spare_mw: np.ndarray, weights: np.ndarray, up_to_mw: float) -> Chords:
    """Chords of E on [0, up_to_mw]; exact when E has at most `MAX_POINTS` kinks there."""
    spare = np.maximum(np.asarray(spare_mw, dtype=float), 0.0)
    kinks = np.unique(spare[spare < up_to_mw])
    exact = len(kinks) <= MAX_POINTS
    if not exact:
        quantiles = np.quantile(kinks, np.linspace(0.0, 1.0, MAX_POINTS - 50))
        kinks = np.unique(np.concatenate([quantiles, np.linspace(0.0, up_to_mw, 50)]))
    points = np.unique(np.concatenate([[0.0, up_to_mw], kinks[(kinks > 0) & (kinks < up_to_mw)]]))
    values = expected_curtailment_mw(spare, weights, points)
    if len(points) < 2:
        empty = np.zeros(0)
        return Chords(points, values, empty, empty, exact)
    slopes = np.diff(values) / np.diff(points)
    intercepts = values[:-1] - slopes * points[:-1]
    keep = slopes > 1e-12  # a flat chord at zero is the column's own bound e ≥ 0
    return Chords(points, values, slopes[keep], intercepts[keep], exact)


def event_limits_mw(
    spare_mw: np.ndarray, follows: np.ndarray, longest_hours: list[int]
) -> dict[int, float]:
    """For each longest event accepted (hours), the largest constant load whose curtailment
    events, the runs of consecutive hours with spare below the load, last no longer.

    Hours enter in order of rising spare, joining runs as they go (union-find), so every
    limit comes from one pass. `follows[t]` says hour t comes right after hour t − 1.

    >>> follows = np.array([False, True, True, True])
    >>> event_limits_mw(np.array([5.0, 1.0, 2.0, 9.0]), follows, [1, 2, 3])
    {1: 2.0, 2: 5.0, 3: 9.0}
    """
    spare = np.maximum(np.asarray(spare_mw, dtype=float), 0.0)
    n = len(spare)
    order = np.argsort(spare, kind="stable")
    parent = np.arange(n)
    size = np.zeros(n, dtype=int)
    active = np.zeros(n, dtype=bool)

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = int(parent[i])
        return i

    wanted = sorted(set(longest_hours))
    limits: dict[int, float] = {}
    longest = 0
    k = 0
    while k < n:
        value = spare[order[k]]
        # Every hour with this spare joins before the limit can pass it.
        while k < n and spare[order[k]] == value:
            t = int(order[k])
            active[t] = True
            size[t] = 1
            for other in (t - 1, t + 1):
                joined = other == t - 1 and t > 0 and follows[t]
                joined = joined or (other == t + 1 and other < n and follows[other])
                if joined and active[other]:
                    a, b = root(t), root(other)
                    if a != b:
                        parent[b] = a
                        size[a] += size[b]
            longest = max(longest, int(size[root(t)]))
            k += 1
        for h in wanted:
            if h not in limits and longest > h:
                limits[h] = float(value)  # a load at `value` still leaves these hours uncut
    return {h: limits.get(h, float("inf")) for h in sorted(set(longest_hours))}
