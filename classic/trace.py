"""The iteration-trace protocol shared by every algorithm.

Each fitted estimator exposes ``trace_``: an immutable record of the whole run,
a frozen dataclass of read-only numpy arrays deriving from :class:`Trace`.
Every trace has

``objective``
    1-D array, the objective at each recorded state in order (row 0 is the
    initial state). ``OBJECTIVE_SENSE`` says whether the theorem makes it
    non-increasing (``"min"``) or non-decreasing (``"max"``).
``n_iter``
    number of iterations run (with early stopping, up to the checkpoint returned).
``converged``
    whether the run stopped because its algorithm's own convergence test held: for
    k-means, labels unchanged (exact termination) or scikit-learn's ``tol`` test; for EM,
    the ``tol`` test; for the perceptron, a mistake-free epoch only (its ``tol`` is a
    loss plateau, not convergence). Never for ``max_iter``, a stopping rule or a cycle.
``stop_reason``
    why the run stopped, a short string documented by each algorithm.

and the methods :meth:`Trace.to_dict`, :meth:`Trace.plot` and :meth:`Trace.objective_error`;
:meth:`Trace.rows` and :meth:`Trace.shape_problem` say what shape the run's counts give its
arrays, which :func:`classic.certify` checks before it reads them.
The traces of classic's fits also say the precision their run computed in (``dtype``,
``"float32"`` or ``"float64"``), which :func:`classic.convergence.estimate_rate` reads for the
noise floor, with the objective's error bounds. Algorithms add
their own fields (witnesses of the proof steps in ``proofs/``) in a subclass
declared with :func:`trace_dataclass`.
"""

import dataclasses

import numpy as np

from classic._axes import axes_or_new

__all__ = ["Trace", "trace_dataclass"]


def float64_problem(trace, names):
    """Why one of the fields ``names`` of ``trace`` is not a float64 vector, or ``""``: the values
    a certificate compares bit for bit with its own float64 recomputation (NumPy compares a float32
    with a Python float in float32, so a field rounded to float32 could pass)."""
    for name in names:
        value = getattr(trace, name)
        if not isinstance(value, np.ndarray) or value.ndim != 1 or value.dtype != np.float64:
            told = f"{value.ndim}-d {value.dtype}" if isinstance(value, np.ndarray) else type(value).__name__
            return f"its {name} is {told}, not a float64 vector"
    return ""


def trace_dataclass(cls):
    """Declare a trace type: a frozen, keyword-only dataclass that keeps
    :meth:`Trace.__eq__` (array fields compared with ``numpy.array_equal``).

    Parameters
    ----------
    cls : type
        The trace class, a subclass of :class:`Trace`, with its fields annotated.

    Returns
    -------
    type
        ``cls`` made a dataclass.
    """
    return dataclasses.dataclass(frozen=True, kw_only=True, eq=False)(cls)


@trace_dataclass
class Trace:
    """Base of every iteration trace (see the module docstring).

    Attributes
    ----------
    objective : ndarray of shape (n_states,)
        The objective at each recorded state in order (row 0: the initial state).
    n_iter : int
        The number of iterations recorded: those run, or, when early stopping returned an
        earlier checkpoint, those up to it (the trace is cut there; the rule's
        ``consulted_at`` says where the run stopped).
    converged : bool
        Whether the run stopped because its algorithm's own convergence test held.
    stop_reason : str
        Why the run stopped, a short string documented by each algorithm.
    """

    #: ``"min"`` if the theorem says the objective never increases, ``"max"`` if never decreases.
    OBJECTIVE_SENSE = "min"
    #: Label of the objective for plots and tables.
    OBJECTIVE_NAME = "objective"

    objective: np.ndarray
    n_iter: int
    converged: bool
    stop_reason: str

    def __post_init__(self):
        # Freeze: copy every array and make it read-only, so a trace can be
        # shared and cited without anyone changing it behind its back.
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            if isinstance(value, np.ndarray):
                value = np.array(value, copy=True)
                value.setflags(write=False)
                object.__setattr__(self, field.name, value)

    def __setstate__(self, state):
        # pickle and copy (deep or not) restore the fields without __post_init__, and numpy keeps
        # no array's read-only flag across either: freeze again. A field added since the pickle was
        # written takes its default (an old PerceptronTrace has no carried_average: an audit, 2026-12-06)
        for field in dataclasses.fields(self):
            if field.name not in state:
                if field.default is not dataclasses.MISSING:
                    state[field.name] = field.default
                elif field.default_factory is not dataclasses.MISSING:
                    state[field.name] = field.default_factory()
        self.__dict__.update(state)
        self.__post_init__()

    def rows(self):
        """The number of rows of each array field that the run's counts fix (``n_iter`` and the
        like), by name: the shape :func:`classic.certify` checks before it reads the trace."""
        return {}

    def shape_problem(self):
        """Why this trace cannot be the record of a run, in a few words, or ``""``: a count that is
        no count, an array whose rows disagree with the counts (:meth:`rows`), a precision that is
        neither float32 nor float64. Values are the certificate's to judge, not this check's."""
        counts = {name: getattr(self, name) for name in ("n_iter", "n_updates") if hasattr(self, name)}
        for name, count in counts.items():
            if isinstance(count, bool) or not isinstance(count, (int, np.integer)) or count < 0:
                return f"its {name} = {count!r} is not a count"
        for name, rows in self.rows().items():
            value = getattr(self, name)
            if not isinstance(value, np.ndarray) or value.ndim == 0 or value.shape[0] != rows:
                shape = value.shape if isinstance(value, np.ndarray) else type(value).__name__
                told = ", ".join(f"{key} = {count}" for key, count in counts.items())
                return f"its {name} has shape {shape} where {told} gives {rows} rows"
        dtype = getattr(self, "dtype", "float64")
        if dtype not in ("float32", "float64"):
            return f"its dtype = {dtype!r} is neither 'float32' nor 'float64'"
        if not isinstance(self.stop_reason, str):
            return f"its stop_reason = {self.stop_reason!r} is not a string"
        if not isinstance(self.converged, (bool, np.bool_)):
            return f"its converged = {self.converged!r} is not a bool"
        return float64_problem(self, ("objective",))

    def objective_error(self):
        """Bounds on the absolute error of each ``objective`` value beyond its final rounding (an
        objective computed as a sum of many terms carries more than one rounding), one per row, or
        None when the algorithm records none (its values are exact, or one rounding of the exact
        value): :func:`classic.convergence.estimate_rate` adds them to its noise floor (CV-1)."""
        return None

    def to_dict(self):
        """Plain-Python dictionary (lists, floats, ints, strings), e.g. for JSON.

        Non-finite values stay floats (a float32 ``GaussianMixture``'s ``m_step_deficit`` is
        ``inf``: no bound exists there): :func:`json.dumps` writes them as ``Infinity`` and
        ``NaN``, which Python's :mod:`json` reads back, but strict JSON (RFC 8259) has no such
        tokens and ``json.dumps(..., allow_nan=False)`` refuses them."""
        out = {}
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            out[field.name] = value.tolist() if isinstance(value, np.ndarray) else value
        return out

    def plot(self, ax=None):
        """Plot the objective against the recorded step; returns the matplotlib Axes.

        Parameters
        ----------
        ax : matplotlib Axes or None, default=None
            The Axes to draw on; None draws on the Axes of a new figure.

        Returns
        -------
        matplotlib Axes
        """
        ax = axes_or_new(ax)
        steps = np.arange(len(self.objective))
        ax.plot(steps, self.objective, marker=".", label=self.OBJECTIVE_NAME)
        ax.set_xlabel("recorded step")
        ax.set_ylabel(self.OBJECTIVE_NAME)
        ax.set_title(f"{type(self).__name__}: stopped ({self.stop_reason}) after {self.n_iter} iterations")
        return ax

    def __eq__(self, other):
        if type(self) is not type(other):
            return NotImplemented
        return all(
            np.array_equal(getattr(self, f.name), getattr(other, f.name))
            if isinstance(getattr(self, f.name), np.ndarray)
            else getattr(self, f.name) == getattr(other, f.name)
            for f in dataclasses.fields(self)
        )

    __hash__ = None
