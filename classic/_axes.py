"""Two matplotlib helpers shared by the traces' ``plot`` methods and the plots of
:mod:`classic.convergence` (matplotlib is imported only when a plot is drawn)."""

import numpy as np


def check_axes(ax):
    """A TypeError unless ``ax`` is a matplotlib Axes or None: a plot on the wrong object fails
    here, naming it, not inside matplotlib (``ax=3``: "'int' object has no attribute ...")."""
    from matplotlib.axes import Axes

    if ax is not None and not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes or None, got {type(ax).__name__}")


def axes_or_new(ax):
    """``ax`` (checked by :func:`check_axes`), or the Axes of a new figure when it is None."""
    check_axes(ax)
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots()
    return ax


def mark_zeros(ax, x, label, **style):
    """Mark the steps ``x`` whose value is exactly 0 on the bottom of a log-scaled ``ax`` (a
    hollow marker on the x-axis, which no positive value can reach); nothing if there are none."""
    if len(x):
        ax.plot(x, np.zeros(len(x)), "o", markerfacecolor="none", markersize=7, clip_on=False, zorder=3,
                transform=ax.get_xaxis_transform(), label=label, **style)
