"""The `replsim` command: thin argument parsing over the Python surface."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml

from replsim.scenario.executor import TimelineError
from replsim.scenario.loader import ScenarioError
from replsim.summary_table import format_summary
from replsim.world import World


def _parse_sets(items: list[str]) -> dict[str, object]:
    overrides = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise ScenarioError("--set", [f"{item!r}: expected key.path=value"])
        try:
            overrides[key] = yaml.safe_load(value)
        except yaml.YAMLError as exc:
            raise ScenarioError("--set", [f"{item!r}: the value is not valid YAML "
                                          f"({getattr(exc, 'problem', exc)})"]) from None
    return overrides


def cmd_run(args: argparse.Namespace) -> int:
    world = World.from_scenario(args.scenario, seed=args.seed, overrides=_parse_sets(args.set))
    world.run(progress=not args.quiet and sys.stderr.isatty())
    results = world.results()
    name = world.scenario.run.name
    out = Path(args.output) if args.output else Path("results") / name
    results.save(out, overwrite=True)
    print(f"{name}: {world.now:g} s simulated in {world.wall_time_s:.1f} s (seed {world.seed})")
    print(format_summary(results.summary))
    print(f"results written to {out}/")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="replsim",
        description="Simulate NetApp Element (SolidFire) replication: ack latency, RPO and "
                    "WAN use under Async, Sync and SnapshotsOnly. See docs/cli.md.")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run a scenario, print its summary, write its results")
    run.add_argument("scenario", help="scenario YAML file")
    run.add_argument("-o", "--output", help="results folder (default results/<run.name>)")
    run.add_argument("--seed", type=int, help="override run.seed")
    run.add_argument("--set", action="append", default=[], metavar="KEY.PATH=VALUE",
                     help="override a scenario key, e.g. --set run.duration=10s")
    run.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    run.set_defaults(func=cmd_run)
    validate = sub.add_parser("validate", help="check the model against queueing theory")
    validate.add_argument("--only", help="comma-separated checks, e.g. V1,V4 (default: all)")
    validate.set_defaults(func=cmd_validate)
    from replsim.plots import add_subcommand as add_plot
    from replsim.serve import add_subcommand as add_serve
    from replsim.workload.describe import add_subcommand as add_workload

    add_plot(sub)
    add_serve(sub)
    add_workload(sub)
    return parser


def cmd_validate(args: argparse.Namespace) -> int:
    from replsim.validation.checks import format_checks, run_checks

    names = [n.strip() for n in args.only.split(",")] if args.only else None
    checks = run_checks(names)
    print(format_checks(checks))
    failed = [c for c in checks if not c.passed]
    print(f"{len(checks) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (ScenarioError, TimelineError) as exc:
        print(f"replsim: {exc}", file=sys.stderr)
        return 2
    except (ValueError, OSError) as exc:
        print(f"replsim: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
