"""scikit-learn's estimator checks on classic.KMeans."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from classic import KMeans


@parametrize_with_checks([KMeans(n_clusters=3, random_state=0)])
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
