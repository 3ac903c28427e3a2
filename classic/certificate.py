"""Certificates: the convergence theorems checked on one run's own trace.

``certify(estimator, X, y=None, **options)`` returns a :class:`Certificate`, which holds
a tuple of :class:`Claim` objects and reads like one (``len``, iteration, ``certificate[0]``),
and also by id (``certificate["KM-2"]``). Each claim's ``id`` is the id of a step in
``proofs/`` (``KM-2`` is step 2 of ``proofs/kmeans.md``); its floating-point
``slack`` is a rounding-error bound from :mod:`classic.rounding` evaluated on
the run's numbers, as derived in that proof step.

An estimator takes part by defining ``_certify(self, X, y, **options)`` (without ``y`` if its
fit takes no labels) returning a list of claims.
"""

import dataclasses
import inspect
from fractions import Fraction

import numpy as np
from sklearn.utils.validation import check_is_fitted

from classic.rounding import gamma

__all__ = ["Claim", "Certificate", "certify", "inequality_claim", "NotCertifiedWarning"]


class NotCertifiedWarning(UserWarning):
    """Warned by a fit whose run the certificate will not certify: its theorem failed on the
    recorded numbers beyond their rounding bounds, or needs an allowance with no finite bound
    (``classic.GaussianMixture``: EM-4 or EM-2, proofs/em.md, EM-2 *Limitation*)."""


@dataclasses.dataclass(frozen=True)
class Claim:
    """One theorem checked on one run.

    ``holds`` is True/False, or None when the claim does not apply to this run
    (``note`` then says why). For an inequality ``value <= bound`` checked at
    many steps, ``worst`` and ``bound`` are taken at the step where the margin
    ``bound + slack - value`` is smallest.

    Attributes
    ----------
    id : str
        The claim's id in ``proofs/`` (e.g. ``"KM-1"``).
    statement : str
        The theorem, in words.
    worst : float
        The checked value at the step of the smallest margin.
    bound : float
        The bound at that step.
    slack : float
        The rounding slack allowed at that step.
    holds : bool or None
        Whether the claim holds; None when it does not apply to this run.
    reference : str
        Where the proof is (a file of ``proofs/``).
    note : str, default=""
        Why the claim does not apply, or what else the check found.
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


def inequality_claim(id, statement, values, bounds, slacks, reference, note="", *, absolute=False, allowance=None):
    """Claim that ``values[t] <= bounds[t] + slacks[t]`` for every ``t``, decided exactly.

    ``values`` is an array, or a tuple of arrays whose exact sum is the value (a difference
    of two recorded objectives is ``(a, -b)``: no rounding of ``a - b`` enters the
    decision); with ``absolute=True`` the value is the absolute value of that sum. The
    comparison is exact in the recorded float64 numbers (proofs/rounding.md, RD-4): a
    claim holds when the real numbers satisfy the inequality, whatever the rounding of
    a float64 evaluation of it. Empty arrays give a claim that holds vacuously (noted). A
    non-finite slack (no rounding bound exists there) makes the claim fail, with a note.

    ``allowance`` (per step, ≥ 0) is what a floating-point version of the theorem may lose
    against the exact one (EM-2's deficit D_t): it joins the slack only at the steps that do
    not satisfy the exact theorem within ``slacks`` alone, and the note counts them (also 0); an
    infinite allowance at such a step is a non-finite slack there (RD-4 (e)).

    Parameters
    ----------
    id, statement : str
        The claim's id and its theorem in words (:class:`Claim`).
    values : array-like or tuple of array-like
        The value at each step, or arrays whose exact sum is the value.
    bounds, slacks : array-like
        The bound at each step and the rounding slack allowed there (broadcast with ``values``).
    reference : str
        Where the proof is.
    note : str, default=""
        The claim's note; what the check finds is appended to it.
    absolute : bool, default=False
        Whether the value is the absolute value of the sum of ``values``.
    allowance : array-like or None, default=None
        What the floating-point theorem may lose at each step, used only where needed.

    Returns
    -------
    Claim
    """
    terms = values if isinstance(values, tuple) else (values,)
    extra = 0.0 if allowance is None else allowance
    *terms, bounds, slacks, extra = np.broadcast_arrays(
        *(np.atleast_1d(np.asarray(v, dtype=np.float64)) for v in (*terms, bounds, slacks, extra)))
    if bounds.size == 0:
        return Claim(id, statement, 0.0, 0.0, 0.0, True, reference, note or "no step to check (vacuous)")

    def satisfied(*more):  # value <= bounds + slacks (+ more: one more exact operand)
        holds = _at_most([*terms, *(-m for m in more)], bounds, slacks)
        if absolute:
            holds &= _at_most([*(-term for term in terms), *(-m for m in more)], bounds, slacks)
        return holds

    holds = satisfied()
    if allowance is not None:
        needed = ~holds
        holds |= needed & satisfied(np.where(needed, extra, 0.0))
        slacks = np.where(needed, slacks + extra, slacks)
        # said also when 0: the note names the allowance, and must not read as if it were used
        note = (note + "; " if note else "") + f"allowance needed at {int(np.sum(needed))} of {needed.size} steps"
    with np.errstate(over="ignore", invalid="ignore"):  # for reading only: the decision is _at_most's
        value = sum(terms[1:], terms[0])
        if absolute:
            value = np.abs(value)
        margin = bounds + slacks - value
    unbounded = ~np.isfinite(slacks)
    if np.any(unbounded):  # no rounding bound exists there: nothing is certified (RD-4)
        holds &= ~unbounded
        where = int(np.argmax(unbounded))
        note = (note + "; " if note else "") + f"no finite rounding bound at step {where}: not certified"
    t = int(np.argmin(np.where(np.isnan(margin), -np.inf, margin)))
    return Claim(
        id,
        statement,
        float(value.flat[t]),
        float(bounds.flat[t]),
        float(slacks.flat[t]),
        bool(np.all(holds)),
        reference,
        note,
    )


def _at_most(terms, bounds, slacks):
    """Elementwise, exactly: is sum(terms) <= bounds + slacks? (RD-4)

    The float64 margin of p operands is within gamma_{p-1} of their absolute sum of the exact
    margin (RD-1); where it is farther than twice that from zero its sign is the exact sign,
    elsewhere the margin is summed in rational arithmetic. With non-finite operands the float64
    margin's sign decides: an infinite bound or slack against finite values holds; NaN fails, and
    so does an infinite value against an infinite bound (inf - inf is NaN).
    """
    operands = np.stack([bounds, slacks, *(-term for term in terms)])
    with np.errstate(over="ignore", invalid="ignore"):  # an overflowing margin is decided in Fractions
        margin = np.sum(operands, axis=0)
        error = 2.0 * gamma(len(operands) - 1, np.float64) * np.sum(np.abs(operands), axis=0)
    holds = margin >= 0
    undecided = (np.abs(margin) <= error) & np.all(np.isfinite(operands), axis=0)
    for index in zip(*np.nonzero(undecided)):
        holds[index] = sum(Fraction(float(x)) for x in operands[(slice(None), *index)]) >= 0
    return holds


@dataclasses.dataclass(frozen=True)
class Certificate:
    """The claims checked on one fitted run. ``bool(cert)`` is True when every
    claim that applies holds.

    Attributes
    ----------
    estimator : str
        The class name of the estimator whose run was checked (e.g. ``"KMeans"``).
    claims : tuple of Claim
        The claims checked, in order.
    """

    estimator: str
    claims: tuple

    def __bool__(self):
        return all(c.holds is not False for c in self.claims)

    def __iter__(self):
        return iter(self.claims)

    def __len__(self):
        return len(self.claims)

    def __contains__(self, item):
        """``"KM-1" in certificate``: whether it checks a claim of that id (``certificate["KM-1"]``
        finds it); for a :class:`Claim`, whether it is one of the claims."""
        if isinstance(item, str):
            return any(c.id == item for c in self.claims)
        return item in self.claims

    def __getitem__(self, claim_id):
        """The claim of id ``claim_id`` (a str, e.g. ``"KM-2"``); a ValueError when the certificate
        checks it more than once (a one-vs-rest perceptron checks every claim once per class:
        :meth:`all` gives them). An int or a slice indexes the claims in order, as a tuple does."""
        if isinstance(claim_id, (int, np.integer, slice)) and not isinstance(claim_id, (bool, np.bool_)):
            return self.claims[claim_id]
        found = self.all(claim_id)
        if not found:
            ids = ", ".join(dict.fromkeys(c.id for c in self.claims))
            raise KeyError(f"{claim_id!r}: this certificate checks no claim of that id (its ids: {ids or 'none'})")
        if len(found) > 1:
            raise ValueError(f"{claim_id} is checked {len(found)} times in this certificate (once per one-vs-rest "
                             f"problem; each statement names its class): take them all with "
                             f"certificate.all({claim_id!r})")
        return found[0]

    def all(self, claim_id):
        """Every claim ``claim_id``, in order (one per class for a one-vs-rest perceptron).

        Parameters
        ----------
        claim_id : str
            The id of the claims, e.g. ``"KM-1"``.

        Returns
        -------
        tuple of Claim
            Empty when no claim has that id (where ``certificate[claim_id]`` is a KeyError).
        """
        return tuple(c for c in self.claims if c.id == claim_id)

    @property
    def failed(self):
        return tuple(c for c in self.claims if c.holds is False)

    def to_dict(self):
        """Plain-Python dictionary of the verdict and every claim, e.g. for JSON (as
        :meth:`classic.trace.Trace.to_dict`, a non-finite value stays a float)."""
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


def check_training_rows(n_rows, n_fitted, labels=False):
    """A certificate checks a run on its own training data: a ValueError naming the fix when X has
    ``n_rows`` rows and the run was fitted on ``n_fitted`` (``labels``: the estimator takes y too)."""
    if n_rows != n_fitted:
        call, given = ("certify(model, X, y)", "the X and y") if labels else ("certify(model, X)", "the X")
        raise ValueError(f"X has {n_rows} rows, but this run was fitted on {n_fitted}: "
                         f"{call} checks a run on its own training data; pass {given} given to fit")


def in_fit_dtype(X, dtype):
    """``X`` in the precision its run computed in (``dtype``): converted when its numbers convert
    exactly (the same data, given in another dtype), else a ValueError: a float64 X holding
    numbers that are not float32 ones cannot be the data of a float32 run, however close."""
    dtype = np.dtype(dtype)
    if X.dtype == dtype:
        return X
    with np.errstate(over="ignore", invalid="ignore"):  # beyond the fit's range: inf, not equal below
        converted = X.astype(dtype)
        exact = np.array_equal(converted.astype(X.dtype), X, equal_nan=True)  # NaN: the range rule names it
    if not exact:
        raise ValueError(f"X is {X.dtype.name} and holds numbers that are not {dtype.name} numbers, but this run was "
                         f"fitted on {dtype.name} data: pass the data fit was given (X.astype(np.{dtype.name}) if "
                         "that is what it received)")
    return converted


def certify(estimator, X, y=None, **options):
    """Check the convergence theorems of ``estimator``'s last fit on its own trace.

    Parameters
    ----------
    estimator : fitted classic estimator
    X : array-like of shape (n_samples, n_features)
        The data the estimator was fitted on.
    y : array-like of shape (n_samples,), optional
        Targets, for supervised estimators (:class:`classic.Perceptron`); a TypeError for the
        others, whose fits take no labels (a sample weight given there would be lost).
    **options
        Estimator-specific options:

        - :class:`classic.KMeans`: ``sample_weight=``, the weights the fit was given (required
          for a weighted fit, refused for an unweighted one);
        - :class:`classic.Perceptron`: ``separator=``, a direction of the augmented space
          (length ``n_features`` or ``n_features + 1``; one row per class for one-vs-rest),
          by default the best of a hard-margin solver's and the run's own, ``margin=``,
          the gamma of the Freund-Schapire bound (PC-9), and ``sample_weight=``, the weights the
          fit was given (required for a weighted fit, refused for an unweighted one);
        - :class:`classic.GaussianMixture`: none.

    Returns
    -------
    Certificate
        Its ``claims`` are :class:`Claim` records: the proof step's ``id`` and ``statement``;
        ``worst``, ``bound`` and the floating-point ``slack`` the proof allows, the claim checked
        being worst <= bound + slack at the step where that margin is smallest (for an
        equality, worst is its deviation and bound 0; for an ascent, the decrease);
        ``holds`` (True, False, or None where the claim does not apply: ``note`` says why) and
        the proof ``reference``. ``bool(certificate)`` is whether every claim that applies
        holds; ``certificate["KM-1"]`` is one claim, ``certificate.all("PC-2")`` every claim of
        that id (one per class for a one-vs-rest perceptron); ``print(certificate)`` shows the
        table.
    """
    if not hasattr(estimator, "_certify"):
        kind = type(estimator)
        hint = (": certify its last step on the data that step was fitted on, "
                "certify(pipe[-1], pipe[:-1].transform(X))") if hasattr(estimator, "steps") else ""
        raise TypeError(f"certify() takes a fitted classic estimator (classic.KMeans, classic.GaussianMixture or "
                        f"classic.Perceptron), got {kind.__module__}.{kind.__qualname__}{hint}")
    check_is_fitted(estimator, "trace_")
    _check_trace(estimator)
    parameters = inspect.signature(estimator._certify).parameters
    accepted = [name for name in parameters if name not in ("X", "y")]
    unknown = [name for name in options if name not in accepted]
    if unknown:
        raise TypeError(f"certify() got an unknown option {unknown[0]!r} for {type(estimator).__name__}, which takes "
                        + (", ".join(f"{name}=" for name in accepted) if accepted else "no options"))
    if "y" in parameters:
        options["y"] = y
    elif y is not None:   # a clusterer's fit ignores y (scikit-learn's convention); weights given there would be lost
        weights = "; the fit's weights go in sample_weight=" if "sample_weight" in accepted else ""
        raise TypeError(f"certify() got y for {type(estimator).__name__}, which is fitted without labels: call "
                        f"certify(model, X){weights}")
    try:
        claims = estimator._certify(X, **options)
    except AttributeError as error:
        if getattr(error, "obj", None) is not estimator:
            raise
        raise ValueError(f"{type(estimator).__name__} has no {error.name}, which its fit sets: restore it, or fit "
                         "again") from None
    return Certificate(type(estimator).__name__, tuple(claims))


def _check_trace(estimator):
    """A ValueError, before any claim, when ``estimator.trace_`` is not the kind of record its fit
    makes or its arrays disagree with its own counts (``Trace.shape_problem``): such a trace was
    replaced or edited, and reading it would end in an error of NumPy's or Python's instead."""
    trace, kinds, name = estimator.trace_, estimator._TRACE_TYPES, type(estimator).__name__
    if not isinstance(trace, kinds):
        raise ValueError(f"trace_ is a {type(trace).__name__}, not the {' or '.join(k.__name__ for k in kinds)} that "
                         f"{name}.fit records: restore trace_, or fit again")
    problem = trace.shape_problem()
    if problem:
        raise ValueError(f"trace_ cannot be the record of a run: {problem}. Restore trace_, or fit again")
