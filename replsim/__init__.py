"""replsim: a discrete-event simulator of NetApp Element multi-cluster replication."""

from replsim.results import Results
from replsim.scenario.loader import ScenarioError
from replsim.world import World, run_scenario

__all__ = ["Results", "ScenarioError", "World", "run_scenario"]
__version__ = "0.1.0"
