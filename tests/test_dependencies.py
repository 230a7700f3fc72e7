"""Locked dependencies carry their published security fixes (issue 13, finding 11).

scripts/lock-patches moves every package in uv.lock to the latest patch of its series;
these tests keep the running environment on what the lock says and Django past the
release whose fixes we took."""

import tomllib
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import django
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent


def test_django_has_the_security_releases_after_5_2_19():
    assert Version(django.get_version()) >= Version("5.2.20")


def test_installed_packages_are_the_locked_ones():
    lock = tomllib.loads((ROOT / "uv.lock").read_text())
    stale = []
    for package in lock["package"]:
        if "registry" not in package.get("source", {}):
            continue
        try:
            installed = version(package["name"])
        except PackageNotFoundError:
            continue  # an optional group (bench) or another platform's marker
        if Version(installed) != Version(package["version"]):
            stale.append(f"{package['name']} {installed} (lock: {package['version']})")
    assert not stale, "run `uv sync`: " + ", ".join(stale)
