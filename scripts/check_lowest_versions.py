#!/usr/bin/env python3
"""Check that the lower bounds in pyproject.toml are true: install the LOWEST versions they allow
and run the test suite against them.

    python3 scripts/check_lowest_versions.py            # venv in /tmp/agreementscan-lowest, full suite
    python3 scripts/check_lowest_versions.py --plan     # only print the versions it would install
    python3 scripts/check_lowest_versions.py -- tests/test_cli.py   # pass arguments on to pytest

For every requirement of [project].dependencies and of the ``test`` extra that has a lower bound,
the bounds of all its entries are combined (click>=8.1 at run time and click>=8.2 for the tests
give click 8.2 here) and the lowest release that satisfies them and has a wheel for this Python
is pinned. Requirements without a lower bound (``wheel``) are left to pip. Transitive packages
(numpy, thinc, ...) are whatever pip resolves for those pins; the project itself is installed
with ``--no-deps`` so nothing lifts a pin. A resolver error here means a bound is not true:
raise it in pyproject.toml.

Needs Python >= 3.11 (tomllib) and the package index that pip is set up to use.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import tomllib

ROOT = Path(__file__).resolve().parent.parent


def _run(*args: str | Path, **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(a) for a in args], check=True, text=True, **kwargs)  # type: ignore[call-overload]


def _requirements() -> list[str]:
    """Runtime requirements and those of the ``test`` extra, as written in pyproject.toml."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return list(project["dependencies"]) + list(project["optional-dependencies"]["test"])


def plan(pip: Path) -> tuple[dict[str, str], list[str]]:
    """The lowest allowed version of each bounded requirement, and the requirements without a lower
    bound (run inside the venv: needs packaging)."""
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name
    from packaging.version import Version

    merged: dict[str, Requirement] = {}
    for line in _requirements():
        req = Requirement(line)
        if req.marker is not None and not req.marker.evaluate():
            continue  # e.g. tomli on Python >= 3.11
        key = canonicalize_name(req.name)
        if key == "agreementscan":
            continue
        if key in merged:
            merged[key].specifier &= req.specifier
        else:
            merged[key] = req
    pins: dict[str, str] = {}
    unbounded: list[str] = []
    with tempfile.TemporaryDirectory() as scratch:
        for name, req in merged.items():
            if not any(spec.operator in (">=", "==", "~=", ">") for spec in req.specifier):
                unbounded.append(f"{req.name}{req.specifier}")
                continue
            listed = json.loads(_run(pip, "index", "versions", "--json", name, stdout=subprocess.PIPE).stdout)
            candidates = sorted(v for v in map(Version, listed["versions"]) if v in req.specifier)
            for version in candidates:
                # The lowest release may lack a wheel for this Python (then it is not a real floor here).
                probe = subprocess.run(
                    [str(pip), "download", "-q", "--no-deps", "--only-binary=:all:", "-d", scratch, f"{name}=={version}"],
                    check=False, capture_output=True, text=True,
                )
                if probe.returncode == 0:
                    pins[name] = str(version)
                    break
                print(f"note: {name} {version} has no wheel for this Python; trying the next release", file=sys.stderr)
            else:
                raise SystemExit(f"no installable release of {name} matches {req.specifier}")
    return pins, unbounded


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--venv", type=Path, default=Path(tempfile.gettempdir()) / "agreementscan-lowest")
    parser.add_argument("--plan", action="store_true", help="print the pinned versions and stop")
    parser.add_argument("--_plan-json", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("pytest_args", nargs="*", help="arguments for pytest (default: -q -x)")
    args = parser.parse_args()
    venv: Path = args.venv
    pip, python = venv / "bin" / "pip", venv / "bin" / "python"

    if args._plan_json:  # second stage, running inside the venv
        pins, unbounded = plan(pip)
        print(json.dumps({"pins": pins, "unbounded": unbounded}))
        return 0

    if venv.exists():
        shutil.rmtree(venv)  # a fresh venv, so nothing newer is left over from an earlier run
    _run(sys.executable, "-m", "venv", venv)
    _run(pip, "install", "-q", "--upgrade", "pip", "packaging")
    planned = json.loads(_run(python, __file__, "--venv", venv, "--_plan-json", stdout=subprocess.PIPE).stdout)
    pins, unbounded = planned["pins"], planned["unbounded"]
    for name, version in sorted(pins.items()):
        print(f"{name}=={version}")
    if args.plan:
        return 0
    _run(pip, "install", "-q", "--only-binary=:all:", *(f"{n}=={v}" for n, v in pins.items()), *unbounded)
    _run(pip, "install", "-q", "--no-deps", "-e", ROOT)
    _run(pip, "check")
    # The venv's bin first on PATH: the terminal tests run the installed agreementscan command.
    env = {**os.environ, "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}"}
    pytest_args = args.pytest_args or ["-q", "-x"]
    return subprocess.run([str(python), "-m", "pytest", "-p", "no:cacheprovider", *pytest_args],
                          check=False, cwd=ROOT, env=env).returncode


if __name__ == "__main__":
    sys.exit(main())
