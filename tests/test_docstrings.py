"""The numpydoc "Parameters" section of every public callable names exactly the parameters of its
signature, in order, in the spirit of scikit-learn's ``sklearn/tests/test_docstring_parameters.py``.

Checked: every callable in ``classic.__all__`` and in the ``__all__`` of each public module of the
package (no underscore in its dotted name), each class's ``__init__`` against the class docstring,
and each public method that classic defines (methods scikit-learn's bases provide, such as
``get_params``, ``set_params`` or ``fit_transform``, and properties are out of scope). ``self``,
``*args`` and ``**kwargs`` are ignored; an entry ``a, b : type`` names ``a`` and ``b``.

A dataclass record (a trace, a certificate, a report) documents the fields its ``__init__`` takes
under "Attributes" (what they are to the user) unless it has a "Parameters" section; each class
documents the fields it declares itself, in order (those of a dataclass base, such as
:class:`classic.trace.Trace`'s, are documented and checked there).

numpydoc is not a dependency, so a small parser reads the section: an entry is a line at the
section's indentation, ``name : type`` or ``a, b : type`` (or a bare name), and the section ends
at the next underlined heading.
"""

import dataclasses
import importlib
import inspect
import pkgutil
import re

import pytest

import classic

# Callables whose docstring has no "Parameters" section, with why that is enough. The test fails
# for an entry that is not a checked callable, that has a "Parameters" section, or that does not
# meet its reason (see test_allow_list_is_exact): add a "Parameters" section rather than an entry.
NO_PARAMETERS = "takes no parameters"
IN_PROSE = "its one parameter is named, between double backquotes, in the docstring's prose"
NO_PARAMETERS_SECTION = {
    # methods and functions without parameters (besides self, *args, **kwargs); a class whose
    # __init__ is object's or Exception's (StoppingRule, NotCertifiedWarning) is not checked
    "classic.certificate.Certificate.to_dict": NO_PARAMETERS,
    "classic.convergence.stopping.StoppingRule.start": NO_PARAMETERS,
    "classic.convergence.stopping.ValidationPatience.start": NO_PARAMETERS,
    "classic.convergence.stopping._Combination.start": NO_PARAMETERS,  # AnyOf's and AllOf's
    "classic.gmm.GMMTrace.objective_error": NO_PARAMETERS,
    "classic.gmm.GMMTrace.rate_estimates": NO_PARAMETERS,
    "classic.gmm.GMMTrace.rows": NO_PARAMETERS,
    "classic.gmm.GMMTrace.shape_problem": NO_PARAMETERS,
    "classic.kmeans.KMeansTrace.objective_error": NO_PARAMETERS,
    "classic.kmeans.KMeansTrace.rows": NO_PARAMETERS,
    "classic.kmeans.KMeansTrace.shape_problem": NO_PARAMETERS,
    "classic.perceptron.OneVsRestTrace.rows": NO_PARAMETERS,
    "classic.perceptron.OneVsRestTrace.shape_problem": NO_PARAMETERS,
    "classic.perceptron.OneVsRestTrace.to_dict": NO_PARAMETERS,
    "classic.perceptron.PerceptronTrace.rows": NO_PARAMETERS,
    "classic.perceptron.PerceptronTrace.shape_problem": NO_PARAMETERS,
    "classic.rounding.product_up": NO_PARAMETERS,  # product_up(*factors), described in prose
    "classic.rounding.sum_up": NO_PARAMETERS,  # sum_up(*terms), described in prose
    "classic.trace.Trace.objective_error": NO_PARAMETERS,
    "classic.trace.Trace.rows": NO_PARAMETERS,
    "classic.trace.Trace.shape_problem": NO_PARAMETERS,
    "classic.trace.Trace.to_dict": NO_PARAMETERS,
    # one parameter, trivially documented in prose
    "classic.rounding.above": IN_PROSE,  # above(x): the float above each ``x``
    "classic.rounding.below": IN_PROSE,  # below(x): the float below each ``x``
    "classic.rounding.unit_roundoff": IN_PROSE,  # unit_roundoff(dtype)
}

_HEADING_RULE = re.compile(r"^\s*[-=]{3,}\s*$")
_ENTRY = re.compile(r"^(?P<names>[^:]*?)\s*(?::(?P<type>.*))?$")


def _sections(doc):
    """Map each underlined heading of ``doc`` to (its indentation, the lines of its section)."""
    lines = doc.expandtabs().splitlines()
    headings = [i for i in range(len(lines) - 1)
                if lines[i].strip() and _HEADING_RULE.match(lines[i + 1])
                and len(lines[i + 1].strip()) >= len(lines[i].strip())]
    out = {}
    for j, i in enumerate(headings):
        end = headings[j + 1] if j + 1 < len(headings) else len(lines)
        indent = len(lines[i]) - len(lines[i].lstrip())
        out.setdefault(lines[i].strip(), (indent, lines[i + 2:end]))
    return out


def documented_names(doc, section="Parameters"):
    """The names the ``section`` of ``doc`` documents, in order, or None without that section.

    ``*args``-like entries are skipped; a malformed entry (``name: type``, a line of prose at
    the entries' indentation) comes back as itself, so that it cannot match a parameter."""
    found = _sections(doc or "").get(section)
    if found is None:
        return None
    indent, lines = found
    names = []
    for line in lines:
        if not line.strip() or len(line) - len(line.lstrip()) != indent:
            continue
        entry = _ENTRY.match(line.strip())
        if entry["type"] is not None and not line.strip().split(":")[0].endswith(" "):
            names.append(line.strip())  # "name: type" (numpydoc wants a space before the colon)
            continue
        for name in entry["names"].split(","):
            name = name.strip().strip("`")
            if not name.startswith("*"):
                names.append(name if name.isidentifier() else line.strip())
    return names


def _parameters(func):
    """The names of ``func``'s parameters but ``self``, ``*args`` and ``**kwargs``."""
    skip = (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)
    return [p.name for p in inspect.signature(func).parameters.values() if p.kind not in skip and p.name != "self"]


def public_modules():
    """classic and each module under it with no underscore in its dotted name that defines
    ``__all__``."""
    names = ["classic"] + [info.name for info in pkgutil.walk_packages(classic.__path__, "classic.")
                           if not any(part.startswith("_") for part in info.name.split("."))]
    modules = [importlib.import_module(name) for name in names]
    return [module for module in modules if hasattr(module, "__all__")]


def _dataclass_base_fields(cls):
    return {field.name for base in cls.__mro__[1:] if dataclasses.is_dataclass(base)
            for field in dataclasses.fields(base)}


def checked_callables():
    """Map the dotted name of each checked callable (``module.qualname`` where it is defined) to
    (the parameters its docstring must document, its docstring, the section that documents them)."""
    out = {}
    seen = set()
    for module in public_modules():
        for export in module.__all__:
            obj = getattr(module, export)
            if inspect.ismodule(obj) or not callable(obj) or id(obj) in seen:
                continue
            seen.add(id(obj))
            home = obj.__module__
            # where it is defined (hypothesis's composite strategies report a local qualname)
            where = f"{home}.{export}" if "<locals>" in obj.__qualname__ else f"{home}.{obj.__qualname__}"
            if not inspect.isclass(obj):
                out[where] = (_parameters(obj), inspect.getdoc(obj), "Parameters")
                continue
            if getattr(obj.__init__, "__module__", "").startswith("classic"):  # not object's, Exception's
                params = _parameters(obj.__init__)
                section = "Parameters"
                if dataclasses.is_dataclass(obj) and documented_names(obj.__doc__) is None:
                    inherited = _dataclass_base_fields(obj)
                    params = [name for name in params if name not in inherited]
                    section = "Attributes"
                out[where] = (params, inspect.getdoc(obj), section)
            for name in dir(obj):
                attr = inspect.getattr_static(obj, name)
                if isinstance(attr, (staticmethod, classmethod)):
                    attr = attr.__func__
                if name.startswith("_") or not inspect.isfunction(attr) or id(attr) in seen:
                    continue
                if not attr.__module__.startswith("classic"):  # scikit-learn's get_params and the like
                    continue
                seen.add(id(attr))
                out[f"{attr.__module__}.{attr.__qualname__}"] = (_parameters(attr), inspect.getdoc(attr), "Parameters")
    return out


CHECKED = checked_callables()


def mismatch(params, doc, section="Parameters"):
    """What is wrong with the ``section`` of ``doc`` for a callable of parameters ``params``, in
    words, or ``""``."""
    documented = documented_names(doc, section)
    if documented is None:
        return f"no {section!r} section (parameters {params})"
    if documented == params:
        return ""
    for i, (want, got) in enumerate(zip(params, documented)):
        if want != got:
            return f"{section} entry {i} is {got!r}, the signature's parameter {want!r} ({documented} != {params})"
    if len(params) > len(documented):
        return f"{section} misses {params[len(documented):]}"
    return f"{section} names {documented[len(params):]}, not parameters"


def test_the_check_covers_the_public_api():
    """The walk finds the modules, the exports and the methods it is meant to check."""
    modules = {module.__name__ for module in public_modules()}
    assert {"classic", "classic.convergence", "classic.certificate", "classic.rounding", "classic.strategies",
            "classic.trace", "classic.kmeans", "classic.gmm", "classic.perceptron"} <= modules
    for name in ("classic.kmeans.KMeans", "classic.kmeans.KMeans.fit", "classic.gmm.GaussianMixture.score_samples",
                 "classic.perceptron.Perceptron.decision_function", "classic.certificate.certify",
                 "classic.convergence.rate.estimate_rate", "classic.strategies.linearly_separable",
                 "classic.trace.Trace.plot", "classic.convergence.stopping.ValidationPatience"):
        assert name in CHECKED, name
    assert not any(name.endswith((".get_params", ".set_params", ".fit_transform")) for name in CHECKED)
    assert len(CHECKED) > 80


@pytest.mark.parametrize("name", sorted(name for name in CHECKED if name not in NO_PARAMETERS_SECTION))
def test_parameters_section_matches_signature(name):
    params, doc, section = CHECKED[name]
    problem = mismatch(params, doc, section)
    assert not problem, f"{name}: {problem}"


@pytest.mark.parametrize("name", sorted(NO_PARAMETERS_SECTION))
def test_allow_list_is_exact(name):
    """Each callable allowed no "Parameters" section is checked, has none, and meets its reason."""
    assert name in CHECKED, f"{name} is not a checked callable: remove it from NO_PARAMETERS_SECTION"
    params, doc, section = CHECKED[name]
    assert documented_names(doc, section) is None, f"{name} has a {section} section: remove it from the allow-list"
    if NO_PARAMETERS_SECTION[name] == NO_PARAMETERS:
        assert params == [], f"{name} takes {params}: document them in a Parameters section"
    else:
        assert len(params) == 1 and f"``{params[0]}``" in doc, f"{name} ({params}): add a Parameters section"


def test_parser_reads_numpydoc_sections():
    doc = inspect.cleandoc("""Summary.

        Parameters
        ----------
        a, b : int
            Two numbers; a line at a deeper indentation : is not an entry.
        c
        *args : object
        d : float, default=1.0

        Returns
        -------
        e : float
        """)
    assert documented_names(doc) == ["a", "b", "c", "d"]
    assert documented_names(doc, "Returns") == ["e"]
    assert documented_names("Summary only.") is None
    assert mismatch(["a", "b", "c", "d"], doc) == ""


def test_check_can_fail():
    """A missing, an extra, a misspelt or a misordered parameter, a missing section and a
    malformed entry are all found (the check is not vacuous)."""
    doc = "Summary.\n\nParameters\n----------\nX : array-like\n{}\n\nReturns\n-------\nself\n"
    assert mismatch(["X", "y"], doc.format("y : None")) == ""
    assert mismatch(["X", "y"], doc.format("")) != ""
    assert mismatch(["X"], doc.format("y : None")) != ""
    assert mismatch(["X", "y"], doc.format("Y : None")) != ""
    assert mismatch(["y", "X"], doc.format("y : None")) != ""
    assert mismatch(["X", "y"], doc.format("y: None")) != ""
    assert mismatch(["X"], "Summary.") != ""


def _modules_with_examples():
    # every module of the package, private ones too, whose docstrings hold a ">>>" example
    # (not classic.__main__, which runs the command line when imported)
    names = ["classic"] + [info.name for info in pkgutil.walk_packages(classic.__path__, "classic.")
                           if info.name != "classic.__main__"]
    return [name for name in names if ">>>" in inspect.getsource(importlib.import_module(name))]


@pytest.mark.parametrize("name", _modules_with_examples())
def test_docstring_examples_run(name):
    """The ``>>>`` examples in the package's docstrings give the output they show (doctest):
    they are what a reader copies first."""
    import doctest

    finder = doctest.DocTestFinder()
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    module = importlib.import_module(name)
    tests = [t for t in finder.find(module, name) if t.examples]
    assert tests, f"{name} has '>>>' in its source but no docstring example doctest finds"
    for test in tests:
        runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples in {name} failed (output above)"
