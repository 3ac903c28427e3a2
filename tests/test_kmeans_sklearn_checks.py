"""scikit-learn's estimator checks on classic.KMeans."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from classic import KMeans

#: Checks that fail by design, with the reason (scikit-learn marks the same one for its own KMeans).
EXPECTED_FAILURES = {
    "check_sample_weight_equivalence_on_dense_data": (
        "integer weights and repeated rows give the same seeding distribution, not the same draws: the check "
        "shuffles the rows, so one seed picks other initial centres (tests/test_kmeans.py::"
        "test_integer_weights_equal_repeated_rows checks the equivalence from the same initial centres)"
    ),
}


@parametrize_with_checks([KMeans(n_clusters=3, random_state=0)], expected_failed_checks=lambda est: EXPECTED_FAILURES)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
