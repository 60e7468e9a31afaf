"""Test scenarios: the validation scenario builder (kept in the package for `validate`)."""

from replsim.validation.scenario import UNCAPPED_QOS, two_sites

__all__ = ["UNCAPPED_QOS", "two_sites"]
