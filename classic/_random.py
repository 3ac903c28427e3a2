"""Normalising ``random_state`` arguments. Never seeds numpy globally; ``None`` draws from NumPy's
global generator (scikit-learn's convention), so ``np.random.seed`` makes such fits repeatable."""

import json
import numbers

import numpy as np

from classic._validation import ParameterError

__all__ = ["as_generator", "check_random_state", "generator_from_state", "generator_state"]


def check_random_state(random_state):
    """Raise unless ``random_state`` is one that :func:`as_generator` accepts; return it. For a
    fit that draws nothing (given centres): a Generator costs about 12 us to make."""
    if random_state is None or isinstance(random_state, (np.random.Generator, np.random.RandomState)):
        return random_state
    if isinstance(random_state, numbers.Integral) and not isinstance(random_state, bool):
        if random_state < 0:
            raise ParameterError(f"random_state must be a non-negative integer, got {random_state}")
        return random_state
    raise ParameterError(
        "random_state must be None, a non-negative int, a numpy.random.Generator or a numpy.random.RandomState, "
        f"got {type(random_state).__name__}"
    )


def as_generator(random_state):
    """Return a :class:`numpy.random.Generator` for ``random_state``.

    Accepts ``None`` (NumPy's global generator, as in scikit-learn: a seed is drawn from it, so
    ``np.random.seed(s)`` before the call makes it repeatable), an ``int`` seed, a
    ``numpy.random.Generator`` (used as is, so draws advance it) or a
    ``numpy.random.RandomState`` (scikit-learn's convention; a seed is drawn from it).
    """
    random_state = check_random_state(random_state)
    if random_state is None:
        random_state = np.random.mtrand._rand  # the RandomState behind np.random.seed, as scikit-learn's
    if isinstance(random_state, np.random.RandomState):
        return np.random.default_rng(random_state.randint(np.iinfo(np.int32).max))
    if isinstance(random_state, numbers.Integral):
        random_state = int(random_state)  # numpy integers too
    return np.random.default_rng(random_state)  # a Generator: itself


def generator_state(rng):
    """The state of ``rng``'s bit generator as a JSON string (arrays as lists): immutable, for a
    trace, and enough to redraw what ``rng`` draws next (:func:`generator_from_state`)."""
    return json.dumps(rng.bit_generator.state, default=lambda value: value.tolist())


def generator_from_state(state):
    """A new Generator in the state :func:`generator_state` wrote; a ValueError if ``state`` is
    not one (it names no numpy bit generator, or its fields do not fit it)."""
    try:
        fields = json.loads(state)
        kind = getattr(np.random, fields["bit_generator"], None)
        if not (isinstance(kind, type) and issubclass(kind, np.random.BitGenerator)):
            raise ValueError(f"{fields['bit_generator']!r} is not a numpy bit generator")
        bit_generator = kind()
        bit_generator.state = fields
    except (TypeError, KeyError, ValueError) as error:
        raise ValueError(f"not a recorded generator state: {error}") from None
    return np.random.Generator(bit_generator)
