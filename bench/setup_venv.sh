#!/usr/bin/env bash
# Create (if missing) and populate bench/.venv with the Python peers' deps:
# pinned numpy, torch (CPU), jax + jaxlib (CPU), and optionally dsa-metric.
#
# Idempotent: when the venv already holds exactly these pins (stamp file
# bench/.venv/.bench-pins) and the imports work, it only prints versions.
#
# torch: we want the CPU build and none of the nvidia-* CUDA wheels that the
# default Linux torch wheel on PyPI depends on. Strategy, in order:
#   1. torch==$TORCH_VERSION+cpu  -- found if a local CPU wheel is reachable
#      (e.g. pip's find-links, as on this workplace's machines: /opt/wheels),
#      or an extra index (PIP_EXTRA_INDEX_URL) serving the CPU builds.
#      PyPI itself does not serve "+cpu" builds.
#   2. torch==$TORCH_VERSION from PyPI with --no-deps plus its small
#      pure-Python deps, kept only if `import torch; torch.zeros(3)` works.
#   3. A full `pip install torch==$TORCH_VERSION` (pulls the CUDA wheels,
#      several GB) as a last resort.
#
# Env overrides: PYTHON (interpreter used to create the venv),
# FORCE=1 (re-run pip even if the stamp matches).
set -u -o pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VENV="$HERE/.venv"
PYTHON="${PYTHON:-python3}"

NUMPY_VERSION=2.4.6
TORCH_VERSION=2.13.0
JAX_VERSION=0.10.2
DSA_VERSION=2.0.2
# small pure-Python deps of torch (used with --no-deps in strategy 2)
TORCH_SMALL_DEPS=(filelock "typing-extensions>=4.10.0" "sympy>=1.13.3"
                  "networkx>=2.5.1" jinja2 "fsspec>=0.8.5" "setuptools>=77.0.3")

PINS="numpy==$NUMPY_VERSION torch==$TORCH_VERSION jax==$JAX_VERSION jaxlib==$JAX_VERSION dsa-metric==$DSA_VERSION"
STAMP="$VENV/.bench-pins"

die() { echo "setup_venv.sh: ERROR: $*" >&2; exit 1; }

T0=$(date +%s)

if [ ! -x "$VENV/bin/python" ]; then
    echo "setup_venv.sh: creating $VENV with $($PYTHON --version 2>&1)"
    "$PYTHON" -m venv "$VENV" || die "could not create venv at $VENV"
fi
PY="$VENV/bin/python"
PIP=("$PY" -m pip -q --disable-pip-version-check)

print_versions() {
    "$PY" - <<'EOF'
import importlib, importlib.metadata as md
for name in ["numpy", "torch", "jax", "jaxlib", "dsa-metric"]:
    try:
        v = md.version(name)
    except md.PackageNotFoundError:
        v = "(not installed)"
    print(f"  {name:12s} {v}")
import torch
print(f"  torch CUDA available: {torch.cuda.is_available()}  "
      f"(nvidia-* packages installed: "
      f"{sum(1 for d in md.distributions() if (d.metadata['Name'] or '').lower().startswith('nvidia'))})")
import jax
print(f"  jax devices: {jax.devices()}")
EOF
}

imports_ok() {
    "$PY" -c "import numpy, torch, jax, jaxlib; torch.zeros(3); import jax.numpy as jnp; jnp.zeros(3).block_until_ready()" >/dev/null 2>&1
}

if [ "${FORCE:-0}" != "1" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$PINS" ] && imports_ok; then
    echo "setup_venv.sh: $VENV already up to date ($PINS)"
    echo "setup_venv.sh: installed versions:"
    print_versions
    exit 0
fi
rm -f "$STAMP"

echo "setup_venv.sh: installing numpy==$NUMPY_VERSION"
"${PIP[@]}" install "numpy==$NUMPY_VERSION" || die "pip failed installing numpy==$NUMPY_VERSION"

torch_works() {
    "$PY" -c "import torch; t = torch.zeros(3); assert t.device.type == 'cpu' and float(t.sum()) == 0.0" >/dev/null 2>&1
}

installed_torch="$("$PY" -c "import importlib.metadata as m; print(m.version('torch'))" 2>/dev/null || true)"
if [ "${installed_torch%%+*}" = "$TORCH_VERSION" ] && torch_works; then
    echo "setup_venv.sh: torch $installed_torch already installed and working"
else
    echo "setup_venv.sh: installing torch==$TORCH_VERSION+cpu (strategy 1: CPU build)"
    if "${PIP[@]}" install "torch==$TORCH_VERSION+cpu" 2>/dev/null && torch_works; then
        echo "setup_venv.sh: torch CPU build installed"
    else
        echo "setup_venv.sh: no torch+cpu build reachable; strategy 2: torch==$TORCH_VERSION --no-deps + small deps"
        "${PIP[@]}" install "${TORCH_SMALL_DEPS[@]}" || die "pip failed installing torch's small deps"
        if "${PIP[@]}" install --no-deps "torch==$TORCH_VERSION" && torch_works; then
            echo "setup_venv.sh: torch installed without its nvidia-* deps; import torch / torch.zeros(3) OK"
        else
            echo "setup_venv.sh: torch --no-deps does not import; strategy 3: full install (pulls CUDA wheels)"
            "${PIP[@]}" install "torch==$TORCH_VERSION" || die "pip failed installing torch==$TORCH_VERSION"
            torch_works || die "torch==$TORCH_VERSION installed but 'import torch; torch.zeros(3)' fails"
        fi
    fi
fi
# torch's small deps (strategy 1 pulls them via metadata; make sure anyway)
"${PIP[@]}" install "${TORCH_SMALL_DEPS[@]}" || die "pip failed installing torch's small deps"

echo "setup_venv.sh: installing jax==$JAX_VERSION jaxlib==$JAX_VERSION (CPU)"
"${PIP[@]}" install "jax==$JAX_VERSION" "jaxlib==$JAX_VERSION" || die "pip failed installing jax/jaxlib==$JAX_VERSION"

echo "setup_venv.sh: installing dsa-metric==$DSA_VERSION (optional)"
DSA_OK=1
if "${PIP[@]}" install "dsa-metric==$DSA_VERSION" && "$PY" -c "import DSA" >/dev/null 2>&1; then
    echo "setup_venv.sh: dsa-metric installed"
else
    DSA_OK=0
    echo "setup_venv.sh: NOTE: dsa-metric==$DSA_VERSION did not install/import cleanly; skipped (needed later)"
fi

imports_ok || die "installed, but 'import numpy, torch, jax' (or a trivial op) fails in $VENV"
"$PY" -m pip check >/dev/null 2>&1 || { echo "setup_venv.sh: NOTE: 'pip check' reports:"; "$PY" -m pip check | sed 's/^/  /'; }
# no stamp when dsa-metric was skipped, so that the next run retries it
[ "$DSA_OK" = 1 ] && echo "$PINS" > "$STAMP"

T1=$(date +%s)
echo "setup_venv.sh: done in $((T1 - T0)) s; $VENV uses $(du -sh "$VENV" | cut -f1)"
echo "setup_venv.sh: installed versions:"
print_versions
