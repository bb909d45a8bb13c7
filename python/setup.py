"""Build hook of the rnndyn Python package: builds the Swift engine in release mode and ships it in the wheel.

``pip install ./python`` (from the repository root) runs, in the repository root (this file's parent's parent):

    swift build -c release --product RNNDynC     # the C interface, libRNNDynC.so  -> rnndyn/_lib/
    swift build -c release --product rnndyn      # the command line (runs, sweeps) -> rnndyn/_bin/

Environment: ``RNNDYN_SWIFT_BUILD=0`` copies the existing ``.build/release`` artifacts without running swift;
``RNNDYN_BUILD_CLI=0`` leaves the command line out; ``SWIFT`` names the swift executable; ``RNNDYN_REPO`` the
repository root when the package is built from a copy outside it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.dist import Distribution

HERE = Path(__file__).resolve().parent


def repository_root() -> Path:
    root = Path(os.environ.get("RNNDYN_REPO", HERE.parent)).resolve()
    if not (root / "Package.swift").is_file():
        raise SystemExit(f"rnndyn setup: {root} holds no Package.swift; build from the repository "
                         "(pip install ./python) or set RNNDYN_REPO to it")
    return root


def swift_build(root: Path, product: str) -> None:
    swift = os.environ.get("SWIFT", "swift")
    command = [swift, "build", "-c", "release", "--product", product]
    print(f"rnndyn setup: {' '.join(command)} (in {root})", file=sys.stderr, flush=True)
    try:
        subprocess.run(command, cwd=root, check=True)
    except FileNotFoundError:
        raise SystemExit(f"rnndyn setup: '{swift}' not found; install Swift 6 (or set SWIFT, or RNNDYN_SWIFT_BUILD=0 "
                         "with an existing .build/release)") from None
    except subprocess.CalledProcessError as error:
        raise SystemExit(f"rnndyn setup: swift build of {product} failed (exit status {error.returncode})") from None


def release_bin_path(root: Path) -> Path:
    swift = os.environ.get("SWIFT", "swift")
    try:
        out = subprocess.run([swift, "build", "-c", "release", "--show-bin-path"], cwd=root, check=True,
                             capture_output=True, text=True).stdout.strip()
        if out:
            return Path(out)
    except (OSError, subprocess.CalledProcessError):
        pass
    return root / ".build" / "release"


class BuildWithSwift(build_py):
    """build_py that also builds and copies libRNNDynC.so (and the rnndyn binary) into the package."""

    def run(self) -> None:
        super().run()
        root = repository_root()
        build = os.environ.get("RNNDYN_SWIFT_BUILD", "1") != "0"
        with_cli = os.environ.get("RNNDYN_BUILD_CLI", "1") != "0"
        if build:
            swift_build(root, "RNNDynC")
            if with_cli:
                swift_build(root, "rnndyn")
        bin_dir = release_bin_path(root) if build else root / ".build" / "release"
        package = Path(self.build_lib) / "rnndyn"
        library = bin_dir / "libRNNDynC.so"
        if not library.is_file():
            raise SystemExit(f"rnndyn setup: {library} does not exist after the build")
        (package / "_lib").mkdir(parents=True, exist_ok=True)
        shutil.copy2(library, package / "_lib" / "libRNNDynC.so")
        print(f"rnndyn setup: copied {library} into the package", file=sys.stderr)
        cli = bin_dir / "rnndyn"
        if with_cli and cli.is_file():
            (package / "_bin").mkdir(parents=True, exist_ok=True)
            shutil.copy2(cli, package / "_bin" / "rnndyn")
            print(f"rnndyn setup: copied {cli} into the package", file=sys.stderr)


class BinaryDistribution(Distribution):
    """The wheel holds a native library: a platform wheel, not a pure one."""

    def has_ext_modules(self) -> bool:
        return True


setup(cmdclass={"build_py": BuildWithSwift}, distclass=BinaryDistribution)
