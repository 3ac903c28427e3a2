"""Two matplotlib helpers shared by the traces' ``plot`` methods and the plots of
:mod:`classic.convergence` (matplotlib is imported only when a plot is drawn)."""

import numpy as np


def axes_or_new(ax):
    """``ax``, or the Axes of a new figure when it is None."""
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
