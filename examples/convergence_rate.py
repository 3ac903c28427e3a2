"""How fast does it converge? The rate read off six runs of known order.

``classic.convergence.estimate_rate`` classifies a sequence from its own values
(proofs/convergence.md, CV-1 to CV-6): successive error ratios, the
computational order of convergence, Aitken's extrapolation of the limit, all
cut at the floating-point noise floor. Four iterations whose order the
textbooks give:

* Newton's method for sqrt(2): quadratic;
* the fixed-point iteration x <- cos(x): linear, rate |sin x*| = 0.674;
* gradient descent on f(x) = x^4 (not strongly convex): sublinear, x_t ~ t^-1/2;
* the secant method for sqrt(2): superlinear, order (1 + sqrt 5)/2 = 1.618.

and two that show what a finite window cannot tell (CV-4):

* 60 values of gradient descent on f(x) = (x1^2 + 1.1 x2^2)/2 with step 0.1: two geometric
  modes of close rates, 0.81 and 0.7921, so the ratios of f creep up toward (1 - 0.1)^2 = 0.81
  over the whole run. Linear: the estimate is the median tail ratio, 0.805, and ``rate_bounds``
  (printed) spans the creep of the tail, 0.8035 to 0.8059 (on 120 values the ratios are nearer
  0.81);
* (t + 1000)^-2 over 60 steps, a power law far from its origin: its ratios rise from 0.99800 at
  the start (0.99806 where the tail window begins) to 0.99811, as a power law's and as a creep
  toward a rate would. Undetermined, and the reason gives the exponent 2 it would have as a power
  law.

The y-axis is the error |x_t - x*| where the run iterates towards x*, and the values themselves
for the two runs given as values that fall to 0 (the descent's f(x_t), and (t + 1000)^-2).
Newton's error is exactly 0 at step 7 and one rounding (2.2e-16) at step 8: sqrt 2 is not a
float, and the iteration steps between the two floats nearest it.

``plot_rate`` draws each on a log scale of the error, the sublinear one log-log
(where its power law is a straight line); an error that is exactly 0 (Newton's
step 7, the secant's step 8, x <- cos x from step 92) has no logarithm and is
marked on the step axis.

Run: ``python examples/convergence_rate.py [out.png]``
"""

import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from classic.convergence import estimate_rate, plot_rate


def iterate(step, x0, n):
    xs = [x0]
    for _ in range(n):
        xs.append(step(xs[-1]))
    return np.array(xs)


def secant(a, x0, x1, n):
    xs = [x0, x1]
    for _ in range(n):
        x, y = xs[-2], xs[-1]
        if y == x:
            break
        xs.append(y - (y * y - a) * (y - x) / ((y * y - a) - (x * x - a)))
    return np.array(xs)


def quadratic_descent(curvatures, step, n):
    """f(x_t) of gradient descent on f(x) = sum(c_i x_i^2)/2 from x_0 = (1, ..., 1)."""
    c = np.asarray(curvatures, dtype=np.float64)
    x = np.ones_like(c)
    values = []
    for _ in range(n + 1):
        values.append(float(np.sum(c * x * x)) / 2)
        x = x - step * c * x
    return np.array(values)


def main(path="convergence_rate.png"):
    fixed_point = 0.7390851332151607  # cos(x*) = x*
    runs = [
        ("Newton for sqrt 2", iterate(lambda x: x - (x * x - 2) / (2 * x), 3.0, 8), np.sqrt(2.0)),
        ("x <- cos x", iterate(np.cos, 1.0, 120), fixed_point),
        ("gradient descent on x^4", iterate(lambda x: x - 0.1 * 4 * x**3, 1.0, 400), 0.0),
        ("secant for sqrt 2", secant(2.0, 3.0, 2.5, 12), np.sqrt(2.0)),
        ("gradient descent, curvatures 1 and 1.1", quadratic_descent([1.0, 1.1], 0.1, 59), 0.0),
        ("(t + 1000)^-2", (np.arange(61.0) + 1000) ** -2.0, 0.0),
    ]
    fig, axes = plt.subplots(2, 3, figsize=(16, 10))
    for (title, x, limit), ax in zip(runs, axes.ravel()):
        estimate = estimate_rate(x, limit)
        print(f"{title}: {estimate}")
        if estimate.rate_bounds is not None and np.all(np.isfinite(estimate.rate_bounds)):
            print(f"  rate_bounds {estimate.rate_bounds[0]:.4f} to {estimate.rate_bounds[1]:.4f}")
        plot_rate(estimate, ax=ax)
        if title.startswith(("gradient descent, curvatures", "(t + 1000)")):
            ax.set_ylabel("value (its limit is 0)")
        ax.set_title(f"{title}\n{ax.get_title()}", fontsize="small")
    print(f"x <- cos x: the theory's rate is |sin x*| = {abs(np.sin(fixed_point)):.4f}")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    print(f"plot written to {path}")


if __name__ == "__main__":
    main(*sys.argv[1:])
