"""Certificates: the convergence theorems checked on one run's own trace.

``certify(estimator, X, y=None, **options)`` returns a :class:`Certificate`, a
tuple of :class:`Claim` objects. Each claim's ``id`` is the id of a step in
``proofs/`` (``KM-2`` is step 2 of ``proofs/kmeans.md``); its floating-point
``slack`` is a rounding-error bound from :mod:`classic.rounding` evaluated on
the run's numbers, as derived in that proof step.

An estimator takes part by defining ``_certify(self, X, y, **options)``
returning a list of claims.
"""

import dataclasses

import numpy as np
from sklearn.utils.validation import check_is_fitted

__all__ = ["Claim", "Certificate", "certify", "inequality_claim"]


@dataclasses.dataclass(frozen=True)
class Claim:
    """One theorem checked on one run.

    ``holds`` is True/False, or None when the claim does not apply to this run
    (``note`` then says why). For an inequality ``value <= bound`` checked at
    many steps, ``worst`` and ``bound`` are taken at the step where the margin
    ``bound + slack - value`` is smallest.
    """

    id: str
    statement: str
    worst: float
    bound: float
    slack: float
    holds: bool | None
    reference: str
    note: str = ""

    @property
    def applies(self):
        return self.holds is not None


def inequality_claim(id, statement, values, bounds, slacks, reference, note=""):
    """Claim that ``values[t] <= bounds[t] + slacks[t]`` for every ``t``.

    Empty arrays give a claim that holds vacuously (noted).
    """
    values, bounds, slacks = np.broadcast_arrays(
        np.asarray(values, dtype=np.float64),
        np.asarray(bounds, dtype=np.float64),
        np.asarray(slacks, dtype=np.float64),
    )
    if values.size == 0:
        return Claim(id, statement, 0.0, 0.0, 0.0, True, reference, note or "no step to check (vacuous)")
    margin = bounds + slacks - values
    t = int(np.argmin(margin))
    return Claim(
        id,
        statement,
        float(values.flat[t]),
        float(bounds.flat[t]),
        float(slacks.flat[t]),
        bool(np.all(margin >= 0)),
        reference,
        note,
    )


@dataclasses.dataclass(frozen=True)
class Certificate:
    """The claims checked on one fitted run. ``bool(cert)`` is True when every
    claim that applies holds."""

    estimator: str
    claims: tuple

    def __bool__(self):
        return all(c.holds is not False for c in self.claims)

    def __iter__(self):
        return iter(self.claims)

    def __len__(self):
        return len(self.claims)

    def __getitem__(self, claim_id):
        for c in self.claims:
            if c.id == claim_id:
                return c
        raise KeyError(claim_id)

    @property
    def failed(self):
        return tuple(c for c in self.claims if c.holds is False)

    def to_dict(self):
        return {"estimator": self.estimator, "holds": bool(self), "claims": [dataclasses.asdict(c) for c in self.claims]}

    def __str__(self):
        header = ("claim", "holds", "worst", "bound", "slack", "statement")
        rows = [header]
        for c in self.claims:
            verdict = {True: "yes", False: "NO", None: "n/a"}[c.holds]
            rows.append((c.id, verdict, f"{c.worst:.6g}", f"{c.bound:.6g}", f"{c.slack:.3g}", c.statement))
        widths = [max(len(r[i]) for r in rows) for i in range(len(header) - 1)]
        lines = [f"Certificate for {self.estimator}: {'all claims hold' if self else 'SOME CLAIMS FAIL'}"]
        for r in rows:
            lines.append("  ".join(cell.ljust(w) for cell, w in zip(r[:-1], widths)) + "  " + r[-1])
        notes = [f"  {c.id}: {c.note}" for c in self.claims if c.note]
        if notes:
            lines.append("notes:")
            lines.extend(notes)
        refs = sorted({c.reference for c in self.claims})
        lines.append("proofs: " + ", ".join(refs))
        return "\n".join(lines)

    __repr__ = __str__


def certify(estimator, X, y=None, **options):
    """Check the convergence theorems of ``estimator``'s last fit on its own trace.

    Parameters
    ----------
    estimator : fitted classic estimator
    X : array-like of shape (n_samples, n_features)
        The data the estimator was fitted on.
    y : array-like of shape (n_samples,), optional
        Targets, for supervised estimators.
    **options
        Estimator-specific options (e.g. ``separator=`` for the perceptron).

    Returns
    -------
    Certificate
    """
    if not hasattr(estimator, "_certify"):
        raise TypeError(f"certify() takes a classic estimator, got {type(estimator).__name__}")
    check_is_fitted(estimator, "trace_")
    claims = estimator._certify(X, y, **options)
    return Certificate(type(estimator).__name__, tuple(claims))
