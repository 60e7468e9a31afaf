import numpy as np
import pytest

from replsim.model.distributions import Sampler, make_distribution


@pytest.mark.parametrize(
    ("kind", "mean", "cv", "expected_cv"),
    [("deterministic", 2e-4, None, 0.0), ("exponential", 2e-4, None, 1.0),
     ("lognormal", 2e-4, 0.3, 0.3)],
)
def test_mean_and_cv(kind, mean, cv, expected_cv):
    dist = make_distribution(kind, mean, cv)
    x = dist.draw(np.random.default_rng(0), 200_000)
    assert x.mean() == pytest.approx(mean, rel=0.01)
    assert x.std() / x.mean() == pytest.approx(expected_cv, abs=0.01)


def test_empirical_resamples_given_values():
    dist = make_distribution("empirical", samples_s=[1e-4, 3e-4])
    x = dist.draw(np.random.default_rng(0), 10_000)
    assert set(np.unique(x)) == {1e-4, 3e-4}
    assert dist.mean_s == pytest.approx(2e-4)


def test_sampler_pops_in_draw_order():
    dist = make_distribution("exponential", 1.0)
    sampler = Sampler(dist, np.random.default_rng(4), block=16)
    popped = [sampler.next() for _ in range(40)]
    rng = np.random.default_rng(4)
    expected = np.concatenate([dist.draw(rng, 16) for _ in range(3)])[:40]
    np.testing.assert_array_equal(popped, expected)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"kind": "weibull", "mean_s": 1}, "unknown distribution"),
     ({"kind": "lognormal", "mean_s": 1}, "cv"),
     ({"kind": "exponential"}, "mean"),
     ({"kind": "empirical", "samples_s": []}, "non-empty")],
)
def test_bad_parameters_are_named(kwargs, message):
    with pytest.raises(ValueError, match=message):
        make_distribution(**kwargs)
