"""Ground distances used by the gazetteer import, the extractor and the accuracy benchmark."""

import pytest

from geo.distance import distance_km


@pytest.mark.parametrize(("a", "b", "km"), [
    ((35.3359, 40.1408), (35.0186, 40.4517), 45.2),   # Deir ez-Zor → al-Mayadin
    ((34.4530, 40.9180), (34.4530, 40.9180), 0.0),
    ((0.0, 0.0), (0.0, 1.0), 111.2),                  # one degree along the equator
], ids=["dez-mayadin", "same-point", "equator"])
def test_distance_km(a, b, km):
    assert distance_km(*a, *b) == pytest.approx(km, abs=0.1)
    assert distance_km(*b, *a) == pytest.approx(km, abs=0.1)


def test_latitude_and_longitude_are_not_interchangeable():
    # One degree of longitude is shorter than one of latitude away from the equator: a swap shows.
    assert distance_km(35.0, 40.0, 35.0, 41.0) < distance_km(35.0, 40.0, 36.0, 40.0) - 15


def test_the_vectorised_distance_is_the_same_formula():
    import numpy as np

    from geo.distance import distances_km

    rng = np.random.default_rng(4)
    lat1, lat2 = rng.uniform(-80, 80, 200), rng.uniform(-80, 80, 200)
    lon1, lon2 = rng.uniform(-179, 179, 200), rng.uniform(-179, 179, 200)
    expected = [distance_km(*point) for point in zip(lat1, lon1, lat2, lon2, strict=True)]
    assert np.allclose(distances_km(lat1, lon1, lat2, lon2), expected, rtol=1e-12, atol=1e-9)
