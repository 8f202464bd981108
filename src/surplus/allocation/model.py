"""The allocation as a mixed-integer programme, built in bulk and solved by HiGHS.

For every option o (an application a at one of its acceptable sites, in zone z):

| column | bounds | meaning |
|---|---|---|
| `x[o]` | 0 … requested MW | MW granted |
| `b[o]` | binary | the application is granted at this site |
| `T[z]` | 0 … U_z | all MW granted in the zone |
| `F[z]` | 0 … U_z | flexible MW granted in the zone |
| `e[z]` | ≥ 0 | the zone's expected curtailment, MW (average over the year) |

Maximise Σ v_o · x[o] (v: net benefit per MW a year, or 1 to maximise MW) subject to

- `min_a · b[o] ≤ x[o] ≤ req_a · b[o]`; Σ_o∈a b[o] ≤ 1 (one site per application);
- each phase's quota, cumulative: applications starting by phase i share Σ_{j≤i} Q_j;
- each operator's cap;
- firm options in a zone: Σ x ≤ the zone's firm headroom (its smallest spare);
- `e[z] ≥ α_k · T[z] + β_k` for each chord k of the zone's curtailment curve E_z
  (`curves.py`): the flexible loads, served after the firm ones, lose E_z(T[z]);
- each flexible option: `e[z] ≤ (c_a − r_o) · F[z]` when b[o] = 1 (a big-M row), where c_a
  is the share the applicant offered and r_o the share it loses to price curtailment at
  this zone: curtailment is shared pro rata among a zone's flexible loads, so each loses
  e[z] / F[z] of its energy for lack of capacity;
- each flexible option: `T[z] ≤ V_o` when b[o] = 1, where V_o is the largest zone load
  whose curtailment events (runs of hours with spare below the load) last no longer than
  the applicant accepts (`curves.event_limits_mw`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import highspy
import numpy as np
import scipy.sparse as sp

from surplus.allocation.curves import Chords

BENEFIT_SCALE = 1e-6
"""Benefits enter the solver in millions of PKR a year, keeping coefficients near 1."""


@dataclass(frozen=True)
class Option:
    """An application at one of its acceptable sites."""

    application: int
    site: str
    zone: int
    value: float
    """Objective coefficient per MW (PKR a year, or 1 in MW mode)."""
    benefit_pkr_per_mw_year: float
    price_share: float
    """Share of the year's energy lost to price curtailment at this zone."""
    budget_share: float
    """Offered share less the price share: what is left for lack of capacity."""
    firm: bool
    requested_mw: float
    min_mw: float
    event_limit_mw: float = float("inf")
    """Largest zone load whose curtailment events stay within the applicant's longest."""
    headroom_limit_mw: float = float("inf")
    """The zone's headroom at `budget_share`: implied by the budget row (E(T) ≤ βF ≤ βT),
    added as a cut because it binds the relaxation far tighter than the big-M row."""


@dataclass(frozen=True)
class Row:
    kind: str
    key: object
    """An option index, application index, phase index, operator name or (zone, chord)."""


@dataclass(frozen=True, eq=False)
class Milp:
    options: tuple[Option, ...]
    zones: tuple[int, ...]
    """Zone indices (in the grid) that have options, in column order."""
    rows: tuple[Row, ...]
    cost: np.ndarray
    col_lower: np.ndarray
    col_upper: np.ndarray
    row_lower: np.ndarray
    row_upper: np.ndarray
    matrix: sp.csc_matrix
    integer: np.ndarray
    chords: dict[int, Chords]
    scale: float
    """Objective coefficients are multiplied by this inside the solver."""

    @property
    def n_options(self) -> int:
        return len(self.options)

    def x(self, values: np.ndarray) -> np.ndarray:
        return values[: self.n_options]

    def b_columns(self) -> np.ndarray:
        return np.arange(self.n_options, 2 * self.n_options)

    def zone_column(self, which: str, zone: int) -> int:
        offset = {"T": 0, "F": 1, "e": 2}[which]
        return 2 * self.n_options + offset * len(self.zones) + self.zones.index(zone)


@dataclass(frozen=True, eq=False)
class Solved:
    values: np.ndarray
    objective: float
    bound: float
    gap: float
    status: str
    row_values: np.ndarray


class _Rows:
    """Triplets of the constraint matrix, one row at a time."""

    def __init__(self) -> None:
        self.rows: list[Row] = []
        self.lower: list[float] = []
        self.upper: list[float] = []
        self.r: list[int] = []
        self.c: list[int] = []
        self.v: list[float] = []

    def add(
        self,
        kind: str,
        key: object,
        cols: Sequence[int],
        vals: Sequence[float],
        lo: float,
        up: float,
    ) -> None:
        index = len(self.rows)
        self.rows.append(Row(kind, key))
        self.lower.append(lo)
        self.upper.append(up)
        self.r += [index] * len(cols)
        self.c += list(cols)
        self.v += list(vals)


def build_milp(
    options: Sequence[Option],
    application_phase: Sequence[int],
    cumulative_quota_mw: Sequence[float],
    operators: Sequence[str],
    operator_cap_mw: float | None,
    firm_headroom_mw: np.ndarray,
    chords: dict[int, Chords],
    zone_cap_mw: dict[int, float],
    scale: float = 1.0,
) -> Milp:
    """The programme for the given options (see the module docstring)."""
    n = len(options)
    zones = tuple(sorted({o.zone for o in options}))
    nz = len(zones)
    inf = highspy.kHighsInf
    n_cols = 2 * n + 3 * nz
    cost = np.zeros(n_cols)
    lower = np.zeros(n_cols)
    upper = np.zeros(n_cols)
    integer = np.zeros(n_cols, dtype=np.int32)
    for i, o in enumerate(options):
        cost[i] = o.value
        upper[i] = o.requested_mw
        upper[n + i] = 1.0
        integer[n + i] = 1
    col = {("T", z): 2 * n + k for k, z in enumerate(zones)}
    col.update({("F", z): 2 * n + nz + k for k, z in enumerate(zones)})
    col.update({("e", z): 2 * n + 2 * nz + k for k, z in enumerate(zones)})
    for z in zones:
        upper[col["T", z]] = upper[col["F", z]] = zone_cap_mw[z]
        upper[col["e", z]] = inf
    rows = _Rows()
    for i, o in enumerate(options):
        rows.add("upper", i, [i, n + i], [1.0, -o.requested_mw], -inf, 0.0)
        if o.min_mw > 0:
            rows.add("lower", i, [i, n + i], [1.0, -o.min_mw], 0.0, inf)
    by_application: dict[int, list[int]] = {}
    for i, o in enumerate(options):
        by_application.setdefault(o.application, []).append(i)
    for a, members in sorted(by_application.items()):
        if len(members) > 1:
            rows.add("one_site", a, [n + i for i in members], [1.0] * len(members), -inf, 1.0)
    for p, quota in enumerate(cumulative_quota_mw):
        members = [i for i, o in enumerate(options) if application_phase[o.application] <= p]
        if members:
            rows.add("phase", p, members, [1.0] * len(members), -inf, quota)
    if operator_cap_mw is not None:
        by_operator: dict[str, list[int]] = {}
        for i, o in enumerate(options):
            by_operator.setdefault(operators[o.application], []).append(i)
        for name, members in sorted(by_operator.items()):
            if sum(options[i].requested_mw for i in members) > operator_cap_mw:
                rows.add("operator", name, members, [1.0] * len(members), -inf, operator_cap_mw)
    for z in zones:
        here = [i for i, o in enumerate(options) if o.zone == z]
        firm = [i for i in here if options[i].firm]
        flexible = [i for i in here if not options[i].firm]
        if firm:
            rows.add("firm", z, firm, [1.0] * len(firm), -inf, float(firm_headroom_mw[z]))
        rows.add("total", z, [col["T", z], *here], [1.0] + [-1.0] * len(here), 0.0, 0.0)
        rows.add("flex", z, [col["F", z], *flexible], [1.0] + [-1.0] * len(flexible), 0.0, 0.0)
        if not flexible:
            continue
        curve = chords[z]
        for k, (slope, intercept) in enumerate(zip(curve.slopes, curve.intercepts_mw, strict=True)):
            rows.add("chord", (z, k), [col["e", z], col["T", z]], [1.0, -slope], intercept, inf)
        big_m = float(curve.values_mw[-1]) if len(curve.values_mw) else 0.0
        for i in flexible:
            cap = zone_cap_mw[z]
            limit = options[i].event_limit_mw
            if limit < cap:
                rows.add("event", i, [col["T", z], n + i], [1.0, cap - limit], -inf, cap)
            room = options[i].headroom_limit_mw
            if room < cap:
                rows.add("cut", i, [col["T", z], n + i], [1.0, cap - room], -inf, cap)
        for i in flexible:
            share = options[i].budget_share
            rows.add(
                "budget", i, [col["e", z], col["F", z], n + i], [1.0, -share, big_m], -inf, big_m
            )
    matrix = sp.csc_matrix((rows.v, (rows.r, rows.c)), shape=(len(rows.rows), n_cols), dtype=float)
    return Milp(
        options=tuple(options),
        zones=zones,
        rows=tuple(rows.rows),
        cost=cost,
        col_lower=lower,
        col_upper=upper,
        row_lower=np.asarray(rows.lower, dtype=float),
        row_upper=np.asarray(rows.upper, dtype=float),
        matrix=matrix,
        integer=integer,
        chords=chords,
        scale=scale,
    )


def _highs(mip_rel_gap: float, time_limit_s: float) -> highspy.Highs:
    highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)
    highs.setOptionValue("mip_rel_gap", mip_rel_gap)
    highs.setOptionValue("time_limit", time_limit_s)
    highs.setOptionValue("random_seed", 0)
    highs.setOptionValue("threads", 1)
    return highs


def _pass(
    highs: highspy.Highs,
    milp: Milp,
    cost: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    integer: np.ndarray,
    matrix: sp.csc_matrix,
    row_lower: np.ndarray,
    row_upper: np.ndarray,
) -> None:
    highs.passModel(
        matrix.shape[1],
        matrix.shape[0],
        matrix.nnz,
        int(highspy.MatrixFormat.kColwise),
        int(highspy.ObjSense.kMaximize),
        0.0,
        cost,
        lower,
        upper,
        row_lower,
        row_upper,
        matrix.indptr.astype(np.int32),
        matrix.indices.astype(np.int32),
        matrix.data,
        integer,
    )


def solve_milp(milp: Milp, mip_rel_gap: float, time_limit_s: float) -> Solved:
    """Solve to the relative gap (or the time limit); the gap is reported, never hidden."""
    highs = _highs(mip_rel_gap, time_limit_s)
    _pass(
        highs,
        milp,
        milp.cost * milp.scale,
        milp.col_lower,
        milp.col_upper,
        milp.integer,
        milp.matrix,
        milp.row_lower,
        milp.row_upper,
    )
    return _run(highs, milp.scale)


def _run(highs: highspy.Highs, scale: float) -> Solved:
    highs.run()
    status = highs.getModelStatus()
    if status not in (highspy.HighsModelStatus.kOptimal, highspy.HighsModelStatus.kTimeLimit):
        raise RuntimeError(f"HiGHS ended with {highs.modelStatusToString(status)}")
    solution = highs.getSolution()
    if not solution.value_valid:
        raise RuntimeError("HiGHS found no feasible allocation in the time allowed")
    info = highs.getInfo()
    objective = float(info.objective_function_value) / scale
    bound = float(getattr(info, "mip_dual_bound", info.objective_function_value)) / scale
    gap = float(getattr(info, "mip_gap", 0.0))
    if not np.isfinite(gap) or gap > 1e20:
        gap = 0.0 if abs(objective) < 1e-9 else gap
    return Solved(
        values=np.asarray(solution.col_value, dtype=float),
        objective=objective,
        bound=bound,
        gap=gap,
        status=highs.modelStatusToString(status),
        row_values=np.asarray(solution.row_value, dtype=float),
    )


def solve_fair(
    milp: Milp,
    classes: Sequence[Sequence[int]],
    requested: Sequence[float],
    floor_objective: float,
    mip_rel_gap: float,
    time_limit_s: float,
) -> Solved:
    """Among allocations worth at least `floor_objective`, the one that fills equal
    applications most evenly: maximise Σ_C m_C with m_C ≤ granted_a / requested_a for every
    application a of class C (`classes` lists application indices)."""
    n_cols = milp.matrix.shape[1]
    m_cols = np.arange(n_cols, n_cols + len(classes))
    by_app: dict[int, list[int]] = {}
    for i, o in enumerate(milp.options):
        by_app.setdefault(o.application, []).append(i)
    r: list[int] = []
    c: list[int] = []
    v: list[float] = []
    n_rows = 0
    for k, members in enumerate(classes):
        for a in members:
            r += [n_rows] * (1 + len(by_app.get(a, [])))
            c += [int(m_cols[k]), *by_app.get(a, [])]
            v += [1.0] + [-1.0 / requested[a]] * len(by_app.get(a, []))
            n_rows += 1
    fairness = sp.csc_matrix((v, (r, c)), shape=(n_rows, n_cols + len(classes)))
    keep = sp.csc_matrix(
        (milp.cost * milp.scale, (np.zeros(n_cols, dtype=int), np.arange(n_cols))),
        shape=(1, n_cols + len(classes)),
    )
    base = sp.hstack([milp.matrix, sp.csc_matrix((milp.matrix.shape[0], len(classes)))])
    matrix = sp.vstack([base, fairness, keep]).tocsc()
    inf = highspy.kHighsInf
    highs = _highs(mip_rel_gap, time_limit_s)
    _pass(
        highs,
        milp,
        np.concatenate([np.zeros(n_cols), np.ones(len(classes))]),
        np.concatenate([milp.col_lower, np.zeros(len(classes))]),
        np.concatenate([milp.col_upper, np.ones(len(classes))]),
        np.concatenate([milp.integer, np.zeros(len(classes), dtype=np.int32)]),
        matrix,
        np.concatenate([milp.row_lower, np.full(n_rows, -inf), [floor_objective * milp.scale]]),
        np.concatenate([milp.row_upper, np.zeros(n_rows), [inf]]),
    )
    return _run(highs, milp.scale)


def shadow_prices(milp: Milp, values: np.ndarray) -> np.ndarray:
    """Row duals of the linear programme left when every binary is fixed at its value:
    the change in the objective (PKR a year, or MW) per unit of each row's limit."""
    highs = _highs(0.0, 60.0)
    lower, upper = milp.col_lower.copy(), milp.col_upper.copy()
    b = milp.b_columns()
    fixed = np.round(values[b])
    lower[b] = upper[b] = fixed
    _pass(
        highs,
        milp,
        milp.cost * milp.scale,
        lower,
        upper,
        np.zeros_like(milp.integer),
        milp.matrix,
        milp.row_lower,
        milp.row_upper,
    )
    highs.run()
    if highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return np.zeros(len(milp.rows))
    return np.asarray(highs.getSolution().row_dual, dtype=float) / milp.scale
