"""The ``classic`` command (also ``python -m classic``).

``classic demo``
    runs every implemented algorithm on data that ships with scikit-learn,
    prints each certificate and writes the convergence plots.
``classic kmeans FILE.csv -k K [--weight-column NAME] [--plot out.png]``
    k-means on the user's own CSV (numeric columns; a header row is optional),
    optionally weighting each row by one of its columns (``sample_weight``).
``classic perceptron FILE.csv [--label-column NAME] [--weight-column NAME] [--plot out.png]``
    the perceptron on the user's CSV: numeric feature columns and one label
    column (by default the last; integers or text), optionally weighting each row
    by one of its columns, with its Novikoff certificate.
``classic gmm FILE.csv -k K [--plot out.png]``
    a Gaussian mixture fitted by EM (MAP-EM with ``--prior``) on the user's CSV.

The first row is a header when none of its cells is a number (``--header``: always;
``--no-header``: never). A first row 0, 1, ..., as pandas' ``to_csv(index=False)`` writes for a
frame made from an array, is read as data with a warning naming ``--header``. A first column
without a name in the header that numbers the rows (the index pandas' ``DataFrame.to_csv()``
writes) is left out of the features, with a warning.
A missing or malformed file, a bad option value, or an output path that cannot
be written (checked before the run), gets a one-line message on stderr and exit
status 2. A run whose certificate fails exits with status 1. Standard output
closed before the end (a pipe into ``head``) ends the command quietly with status
141, as a broken pipe ends other commands (128 + SIGPIPE); a full one (a full disk)
gets the one-line message and status 2.
"""

import argparse
import errno
import os
import sys
import warnings

import numpy as np

from classic._csv import (CSVError, column_name, label_column, numeric_columns, read_csv, row_index_column,
                          separator_hint)
from classic._validation import counted

__all__ = ["main"]


def _plot_format(path):
    """The image format of ``--plot path``: its suffix, or PNG when it has none (written to
    ``path`` itself, where matplotlib would append ".png"). ValueError for a suffix that
    matplotlib cannot write."""
    from matplotlib.backend_bases import FigureCanvasBase

    suffix = os.path.splitext(path)[1][1:].lower()
    formats = FigureCanvasBase.get_supported_filetypes()
    if suffix and suffix not in formats:
        raise ValueError(f"--plot {path}: unknown plot format {suffix!r}; end the name with .png "
                         f"(or one of .{', .'.join(sorted(formats))})")
    if suffix == "pgf":  # matplotlib writes PGF through a TeX system
        import shutil

        import matplotlib

        tex = matplotlib.rcParams["pgf.texsystem"]
        if shutil.which(tex) is None:
            raise ValueError(f"--plot {path}: matplotlib writes .pgf with {tex}, which is not installed; end the "
                             "name with .png, .pdf or .svg")
    return suffix or "png"


def _nearest_existing(path):
    """``path`` or its nearest ancestor that exists."""
    path = os.path.abspath(path)
    while not os.path.exists(path):
        path = os.path.dirname(path)
    return path


def _check_outputs(args):
    """Refuse, before any work, an output path the run could not write: ``--plot`` must name a
    file in an existing, writable folder, in a format matplotlib writes; ``demo --out`` a folder
    (made if missing) whose nearest existing ancestor is a writable folder."""
    plot = getattr(args, "plot", None)
    if plot is not None and not plot.strip():
        raise ValueError("--plot needs a file name, e.g. --plot objective.png")
    if plot:
        _plot_format(plot)
        folder = os.path.dirname(os.path.abspath(plot))
        if os.path.isdir(plot):
            raise ValueError(f"--plot {plot}: is a folder; give a file name, e.g. {os.path.join(plot, 'plot.png')}")
        if not os.path.isdir(folder):
            found = _nearest_existing(folder)
            if not os.path.isdir(found):
                raise ValueError(f"--plot {plot}: {found} is a file, not a folder; choose another path")
            raise ValueError(f"--plot {plot}: no such folder {folder}; create it first, or choose another path")
        if not os.access(folder, os.W_OK) or (os.path.exists(plot) and not os.access(plot, os.W_OK)):
            raise ValueError(f"--plot {plot}: permission denied; choose a path you can write")
    out = getattr(args, "out", None)
    if out is not None:
        found = _nearest_existing(out)
        if not os.path.isdir(found):
            raise ValueError(f"--out {out}: {found} is not a folder; give a folder for the plots (made if missing)")
        if not os.access(found, os.W_OK):
            raise ValueError(f"--out {out}: permission denied in {found}; choose a folder you can write")


def _save_plot(estimator, path, certificate):
    """The trace's plot, its title followed by the certificate's outcome, written to ``path``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4.5))
    estimator.trace_.plot(ax=ax)
    outcome = "every claim holds" if certificate else \
        "SOME CLAIMS FAIL: " + ", ".join(dict.fromkeys(c.id for c in certificate.failed))  # once per id (one-vs-rest)
    ax.set_title(f"{ax.get_title()}\ncertificate: {outcome}", fontsize="medium")
    fig.tight_layout()
    try:
        fig.savefig(path, dpi=120, format=_plot_format(path))
    except OSError as err:   # checked before the run (_check_outputs); a full disk, say
        raise ValueError(f"--plot {path}: cannot write it ({err.strerror or err})") from None
    except RuntimeError as err:  # a backend's own failure (its external tools, say)
        raise ValueError(f"--plot {path}: matplotlib cannot write it ({str(err).splitlines()[0]}); end the name "
                         "with .png, .pdf or .svg") from None
    finally:
        plt.close(fig)


def _report(estimator, X, y, plot, **options):
    from classic import certify

    certificate = certify(estimator, X, y, **options)
    print(certificate)
    if plot:
        _save_plot(estimator, plot, certificate)
        print(f"plot written to {plot}")
    return 0 if certificate else 1


def _row_index(path, header, rows, *chosen):
    """The column of a row index (pandas' ``to_csv``), left out of the features with a warning that
    says how to keep it; None if there is none, the user chose that column (``chosen``: the label or
    weight column) or it is the only column left for features."""
    index = row_index_column(header, rows)
    if index is None or index in chosen or len(rows[0]) - len({index, *chosen} - {None}) < 1:
        return None
    warnings.warn(f"{path}: column 1 has no name in the header and numbers the rows "
                  f"({', '.join(row[0].strip() for row in rows[:3])}{', ...' if len(rows) > 3 else ''}): read as "
                  "the row index pandas' to_csv writes and left out; name it in the header to use it as a feature",
                  UserWarning, stacklevel=2)
    return index


def _load_numeric(path, header):
    header, rows = read_csv(path, header)
    index = _row_index(path, header, rows)
    return numeric_columns(path, header, rows, [c for c in range(len(rows[0])) if c != index])


def _cmd_kmeans(args):
    from classic import KMeans

    header, rows = read_csv(args.file, args.header)
    width = len(rows[0])
    weight = None if args.weight_column is None else _column(args.file, header, width, args.weight_column, "weight")
    if weight is not None and width < 2:
        raise CSVError(f"{args.file}: needs at least one feature column besides the weight column")
    index = _row_index(args.file, header, rows, weight)
    X = numeric_columns(args.file, header, rows, [c for c in range(width) if c not in (weight, index)])
    w = _weights(args.file, header, rows, weight)
    if args.k > X.shape[0]:
        raise CSVError(f"{args.file}: {X.shape[0]} rows is fewer than k={args.k} clusters")
    if w is not None and np.count_nonzero(w) < args.k:  # the seeding draws centres among them
        raise CSVError(f"{args.file}: {np.count_nonzero(w)} rows have a positive weight in "
                       f"{column_name(header, weight)}, fewer than k={args.k} clusters: lower -k, or give more "
                       "rows a positive weight")
    model = KMeans(n_clusters=args.k, n_init=args.n_init, n_local_trials=None if args.greedy else 1,
                   random_state=args.seed).fit(X, sample_weight=w)
    print(
        f"k-means: {X.shape[0]} points, {counted(X.shape[1], 'feature')}, k={args.k}"
        f"{'' if w is None else f', weighted by column {args.weight_column} (total {w.sum():.6g})'}; "
        f"inertia {model.inertia_:.6g} after {counted(model.n_iter_, 'iteration')} ({model.trace_.stop_reason})"
    )
    sizes = np.bincount(model.labels_, minlength=args.k)
    for j, centre in enumerate(model.cluster_centers_):
        print(f"  cluster {j}: {counted(int(sizes[j]), 'point')}, centre [{', '.join(f'{v:.4g}' for v in centre)}]")
    return _report(model, X, None, args.plot, **({} if w is None else {"sample_weight": w}))


def _weights(path, header, rows, column):
    """The sample weights in ``column`` (None for no column), refused with a one-line message where
    the library would refuse them: negative, or positive below the smallest normal number (the
    library's reason, proofs/kmeans.md "Weights", in the file's terms)."""
    if column is None:
        return None
    w = numeric_columns(path, header, rows, [column])[:, 0]
    if (w < 0).any():
        row = int((w < 0).argmax())
        raise CSVError(f"{path}: negative weight {w[row]:g} in {column_name(header, column)}, data row "
                       f"{row + 1}; weights must be >= 0")
    tiny = np.flatnonzero((w > 0) & (w < np.finfo(np.float64).tiny))
    if tiny.size:
        raise CSVError(f"{path}: weight {w[tiny[0]]:g} in {column_name(header, column)}, data row {tiny[0] + 1}, "
                       "is below the smallest normal number (2.2e-308); give it 0 to leave the row out, or scale "
                       "the weights up")
    if not w.any():
        raise CSVError(f"{path}: every weight in {column_name(header, column)} is 0; give at least one row a "
                       "positive weight")
    return w


def _column(path, header, width, name, role):
    """Index of a column given by its header name or 1-based number (``role``: for the message)."""
    if header is not None and name in header:
        where = [i + 1 for i, column in enumerate(header) if column == name]
        if len(where) > 1:
            raise CSVError(f"{path}: the header names {len(where)} columns {name!r} (columns "
                           f"{', '.join(map(str, where))}): give the {role} column by its number instead")
        return header.index(name)
    if name.isdecimal() and name.isascii() and 1 <= int(name) <= width:   # not '²' (isdigit), audit 51
        return int(name) - 1
    known = f" (columns: {', '.join(header)})" if header else f" (give a number from 1 to {width})"
    raise CSVError(f"{path}: no {role} column {name!r}{known}")


def _label_column(path, header, width, name):
    """Index of the label column: a header name, or a 1-based column number; default the last."""
    return width - 1 if name is None else _column(path, header, width, name, "label")


def _cmd_perceptron(args):
    from sklearn.exceptions import ConvergenceWarning

    from classic import Perceptron

    header, rows = read_csv(args.file, args.header)
    width = len(rows[0])
    if width < 2:
        raise CSVError(f"{args.file}: needs at least one feature column and a label column{separator_hint(rows[0][0])}")
    label = _label_column(args.file, header, width, args.label_column)
    weight = None if args.weight_column is None else _column(args.file, header, width, args.weight_column, "weight")
    if weight == label:
        raise CSVError(f"{args.file}: the weight column is the label column ({column_name(header, label)}); name "
                       "another with --weight-column or --label-column")
    if weight is not None and width < 3:
        raise CSVError(f"{args.file}: needs at least one feature column besides the label and weight columns")
    index = _row_index(args.file, header, rows, label, weight)
    features = [c for c in range(width) if c not in (label, weight, index)]
    X = numeric_columns(args.file, header, rows, features)
    y = label_column(args.file, header, rows, label)
    w = _weights(args.file, header, rows, weight)
    classes = sorted(set(y.tolist()))
    if len(classes) < 2:
        raise CSVError(f"{args.file}: the label column ({column_name(header, label)}) holds one class, "
                       f"{classes[0]!r}; a classifier needs two or more. Is it the label column? Name it with "
                       "--label-column")
    model = Perceptron(fit_intercept=not args.no_intercept, max_iter=args.max_iter, tol=args.tol,
                       shuffle=args.shuffle, random_state=args.seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X, y, sample_weight=w)
    print(
        f"perceptron: {X.shape[0]} examples, {counted(X.shape[1], 'feature')}, {len(model.classes_)} classes"
        f"{'' if w is None else f', weighted by column {args.weight_column}'}; "
        f"{counted(model.n_updates_, 'update')} in {counted(model.n_iter_, 'epoch')} ({model.trace_.stop_reason}); "
        f"{'' if w is None else 'weighted '}training accuracy {model.score(X, y, sample_weight=w):.4g}"
    )
    for j, (coef, intercept) in enumerate(zip(model.coef_, model.intercept_)):   # scikit-learn's rows of coef_
        which = (f"class {model.classes_[j]} against the rest" if len(model.classes_) > 2
                 else f"positive for class {model.classes_[1]}")
        print(f"  {which}: weights [{', '.join(f'{v:.4g}' for v in coef)}], intercept {intercept:.4g}")
    return _report(model, X, y, args.plot, **({} if w is None else {"sample_weight": w}))


def _cmd_gmm(args):
    from classic import GaussianMixture

    X = _load_numeric(args.file, args.header)
    if args.k > X.shape[0]:
        raise CSVError(f"{args.file}: {X.shape[0]} rows is fewer than k={args.k} components")
    from classic import ComponentCollapseError

    model = GaussianMixture(
        args.k,
        covariance_type=args.covariance_type,
        init_params=args.init,
        n_init=args.n_init,
        max_iter=args.max_iter,
        random_state=args.seed,
        prior="default" if args.prior else None,
    )
    if np.all(X == X[0]):
        raise CSVError(f"{args.file}: every row is the same point; a mixture has nothing to fit")
    try:
        model.fit(X)
    except ComponentCollapseError as err:
        raise ValueError(f"{err} On the command line: add --prior (or lower -k).") from None
    except ValueError as err:
        if args.prior or "prior='default'" not in str(err):
            raise
        raise ValueError(f"{err}. On the command line: add --prior.") from None
    kind = "MAP-EM" if args.prior else "EM"
    print(
        f"{kind} Gaussian mixture: {X.shape[0]} points, {counted(X.shape[1], 'feature')}, k={args.k}, "
        f"{args.covariance_type} covariances; mean log-likelihood {model.score(X):.6g}, "
        f"{counted(model.n_iter_, 'iteration')} ({model.trace_.stop_reason})"
    )
    for k in range(args.k):
        mean = ", ".join(f"{v:.4g}" for v in model.means_[k])
        print(f"  component {k}: weight {model.weights_[k]:.4f}, mean [{mean}]")
    return _report(model, X, None, args.plot)


def _cmd_demo(args):
    from classic.demo import run_demo

    try:
        os.makedirs(args.out, exist_ok=True)
    except OSError as err:  # where the checks before the run cannot tell (e.g. root in /proc)
        raise ValueError(f"--out {args.out}: cannot create it ({err.strerror or err}); choose a folder you can "
                         "write") from None
    return run_demo(args.out)


def _integer_at_least(minimum):
    """An argparse ``type``: an integer >= ``minimum``, refused in the option's own terms (the
    estimator's message named its parameter, ``random_state`` for ``--seed``)."""

    def parse(text):
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be an integer, got {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be an integer >= {minimum}, got {value}")
        return value

    return parse


def _tolerance(text):
    """An argparse ``type``: a finite number >= 0, refused in the option's own terms (the
    estimator's "tol must be >= 0" named neither the option nor argparse's form)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number, got {text!r}") from None
    if not np.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(f"must be a finite number >= 0, got {text}")
    return value


SEED = _integer_at_least(0)
COUNT = _integer_at_least(1)


class _OneLineParser(argparse.ArgumentParser):
    """argparse's parser whose usage errors are one line, as the command's other errors (argparse
    printed its usage block before them), with exit status 2."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _header_options(command):
    """--header and --no-header: the first row of the file is the header, or data (default: a header
    when none of its cells is a number, or pandas' header with its index; the module docstring)."""
    first = command.add_mutually_exclusive_group()
    first.add_argument("--header", dest="header", action="store_const", const="yes", default="auto",
                       help="the first row names the columns (default: when none of its cells is a number)")
    first.add_argument("--no-header", dest="header", action="store_const", const="no",
                       help="the first row is data")


def _parser():
    parser = _OneLineParser(prog="classic", description=__doc__.split("\n\n")[0].replace("``", ""))
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo", help="run every algorithm on built-in data, print certificates, write plots")
    demo.add_argument("--out", default="demo-output", help="folder for the plots (default: demo-output)")
    demo.set_defaults(run=_cmd_demo)

    km = sub.add_parser("kmeans", help="k-means on a CSV file of numeric columns")
    km.add_argument("file", help="CSV file; an optional header row")
    _header_options(km)
    km.add_argument("-k", type=COUNT, required=True, help="number of clusters")
    km.add_argument("--n-init", type=COUNT, default=1, help="number of k-means++ restarts (default 1)")
    km.add_argument("--seed", type=SEED, default=0, help="random seed (default 0)")
    km.add_argument("--greedy", action="store_true",
                    help="seed as scikit-learn does: 2 + ln k candidates per k-means++ step, the best kept "
                         "(outside the 8(ln k + 2) bound; often lower inertia on well-separated clusters)")
    km.add_argument("--weight-column", help="header name or 1-based number of a column of sample weights (>= 0)")
    km.add_argument("--plot", help="write the objective per half-step to this PNG")
    km.set_defaults(run=_cmd_kmeans)

    pc = sub.add_parser("perceptron", help="the perceptron on a CSV file: feature columns and a label column")
    pc.add_argument("file", help="CSV file; an optional header row")
    _header_options(pc)
    pc.add_argument("--label-column", help="header name or 1-based number of the label column (default: the last)")
    pc.add_argument("--max-iter", type=COUNT, default=1000, help="maximum number of epochs (default 1000)")
    pc.add_argument("--tol", type=_tolerance, default=None,
                    help="also stop by scikit-learn's rule: 5 epochs whose mean loss improves by less than TOL "
                         "(its default is 1e-3; default here: only a mistake-free epoch or --max-iter)")
    pc.add_argument("--no-intercept", action="store_true", help="no intercept (no augmented constant feature)")
    pc.add_argument("--shuffle", action="store_true", help="present the examples in a random order each epoch")
    pc.add_argument("--seed", type=SEED, default=0, help="random seed of --shuffle (default 0)")
    pc.add_argument("--weight-column", help="header name or 1-based number of a column of sample weights (>= 0)")
    pc.add_argument("--plot", help="write the updates per epoch to this PNG")
    pc.set_defaults(run=_cmd_perceptron)

    gm = sub.add_parser("gmm", help="Gaussian mixture (EM) on a CSV file of numeric columns")
    gm.add_argument("file", help="CSV file; an optional header row")
    _header_options(gm)
    gm.add_argument("-k", type=COUNT, required=True, help="number of components")
    gm.add_argument(
        "--covariance-type", default="full", choices=["full", "tied", "diag", "spherical"], help="default: full"
    )
    gm.add_argument("--init", default="kmeans", choices=["kmeans", "k-means++", "random"],
                    help="default: kmeans (the labels of a k-means run, as scikit-learn)")
    gm.add_argument("--n-init", type=COUNT, default=1, help="number of initialisations (default 1)")
    gm.add_argument("--max-iter", type=COUNT, default=100, help="maximum EM iterations (default 100)")
    gm.add_argument("--prior", action="store_true", help="MAP-EM with the default conjugate prior")
    gm.add_argument("--seed", type=SEED, default=0, help="random seed (default 0)")
    gm.add_argument("--plot", help="write the objective per iteration to this PNG")
    gm.set_defaults(run=_cmd_gmm)
    return parser


def main(argv=None):
    """Run the ``classic`` command (see the module docstring).

    Parameters
    ----------
    argv : list of str or None, default=None
        The command's arguments, without the program name; None reads ``sys.argv``.

    Returns
    -------
    int
        The exit status: 0, 1 when a certificate fails, 2 for an error in the run (a file,
        a value, an output), 141 for a closed output. Errors in the command line itself (an
        unknown command or option, a missing argument, a value of the wrong type) and
        ``--help`` exit through argparse instead: SystemExit with status 2 (0 for ``--help``).
    """
    parser = _parser()
    args = parser.parse_args(argv)

    def one_line(message, category, *rest, **options):  # a warning as the errors are: no source line
        print(f"classic {args.command}: warning: {message}", file=sys.stderr)

    try:
        with warnings.catch_warnings():
            warnings.showwarning = one_line
            # a library's deprecation notices are for its developers, not the command's user (matplotlib 3.7
            # with pyparsing 3.3 printed six on every plot); they are also UserWarnings, hence the filter
            warnings.filterwarnings("ignore", category=DeprecationWarning)
            warnings.filterwarnings("ignore", category=PendingDeprecationWarning)
            _check_outputs(args)
            status = args.run(args)
            sys.stdout.flush()  # a closed or full output fails here, not in the interpreter's exit
            return status
    except (CSVError, ValueError) as err:
        print(f"classic {args.command}: error: {err}", file=sys.stderr)
        return 2
    except OSError as err:
        if not isinstance(err, BrokenPipeError) and err.errno not in (errno.ENOSPC, errno.EDQUOT, errno.EIO):
            raise
        _discard_standard_output()
        if isinstance(err, BrokenPipeError):  # the reader has all it wanted (`classic ... | head -1`)
            return 128 + 13  # 13: SIGPIPE
        print(f"classic {args.command}: error: cannot write the output ({err.strerror or err})", file=sys.stderr)
        return 2


def _discard_standard_output():
    """Point standard output at the null device, so that what is left in its buffer does not fail
    again (with Python's "Exception ignored" lines) when the interpreter flushes it at exit. An
    output without a file descriptor (a test's capture) is left as it is."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):
        return
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, fd)
    os.close(null)
