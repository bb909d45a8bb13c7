"""rnndyn.ntk == `rnndyn ntk` bit for bit, and == J Jᵀ from an explicit Jacobian computed here in NumPy."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import rnndyn
from conftest import identical, run_cli, save

N_H, N_X, N_Y, P, T = 4, 2, 3, 5, 6


@pytest.fixture(scope="module")
def net() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(11)
    return {"W_x": rng.standard_normal((N_H, N_X)), "W_h": rng.standard_normal((N_H, N_H)) * 0.4,
            "W_y": rng.standard_normal((N_Y, N_H)), "inputs": rng.standard_normal((P, T, N_X))}


def jacobian(net: dict[str, np.ndarray], readout: str, blocks: tuple[str, ...]) -> np.ndarray:
    """Exact Jacobian of vec(outputs) (row i + N_y·(p + P·t)) with respect to the blocks' entries, by forward-mode
    differentiation of h_t = W_h h_{t−1} + W_x x_t, h_0 = 0 (ŷ = W_y h_T, or ŷ_t = W_y h_t)."""
    wx, wh, wy, x = net["W_x"], net["W_h"], net["W_y"], net["inputs"]
    p, steps, _ = x.shape
    n_y, n_h = wy.shape
    # states h[t] for t = 0..T, [T+1, P, N_h]
    h = np.zeros((steps + 1, p, n_h))
    for t in range(1, steps + 1):
        h[t] = h[t - 1] @ wh.T + x[:, t - 1] @ wx.T
    readouts = [steps] if readout == "final" else list(range(1, steps + 1))
    columns = []
    for block in ("wx", "wh", "wy"):
        if block not in blocks:
            continue
        shape = {"wx": wx.shape, "wh": wh.shape, "wy": wy.shape}[block]
        for a in range(shape[0]):
            for b in range(shape[1]):
                e = np.zeros(shape)
                e[a, b] = 1.0
                dwx, dwh, dwy = (e if block == "wx" else 0 * wx), (e if block == "wh" else 0 * wh), (e if block == "wy" else 0 * wy)
                dh = np.zeros((steps + 1, p, n_h))
                for t in range(1, steps + 1):
                    dh[t] = dh[t - 1] @ wh.T + h[t - 1] @ dwh.T + x[:, t - 1] @ dwx.T
                column = np.zeros(n_y * len(readouts) * p)
                for r, t in enumerate(readouts):
                    dy = h[t] @ dwy.T + dh[t] @ wy.T  # [P, N_y]
                    for q in range(p):
                        column[np.arange(n_y) + n_y * (q + p * r)] = dy[q]
                columns.append(column)
    return np.stack(columns, axis=1)


def outputs(net: dict[str, np.ndarray], readout: str) -> np.ndarray:
    wx, wh, wy, x = net["W_x"], net["W_h"], net["W_y"], net["inputs"]
    p, steps, _ = x.shape
    h = np.zeros((p, wh.shape[0]))
    out = []
    for t in range(steps):
        h = h @ wh.T + x[:, t] @ wx.T
        out.append(h @ wy.T)
    ys = [out[-1]] if readout == "final" else out
    return np.concatenate([y.reshape(-1) for y in ys])  # index i + N_y·(p + P·t)


@pytest.mark.parametrize("readout", ["final", "autoregressive"])
def test_ntk_equals_cli(cli: str, net: dict[str, np.ndarray], tmp_path: Path, readout: str) -> None:
    path = save(tmp_path, "net", **net)
    run_cli(cli, "ntk", path, "--readout", readout, "--out", str(tmp_path / "out"))
    with np.load(tmp_path / "out" / "kernel.npz") as data:
        expected = data["kernel"]
    kernel, record = rnndyn.ntk(net["W_x"], net["W_h"], net["W_y"], net["inputs"], readout=readout, info=True)
    assert identical(kernel, expected)
    assert record["readout"] == readout and record["samples"] == P and record["time_steps"] == T


def test_ntk_blocks_equal_cli(cli: str, net: dict[str, np.ndarray], tmp_path: Path) -> None:
    path = save(tmp_path, "net", **net)
    run_cli(cli, "ntk", path, "--blocks", "wx,wy", "--out", str(tmp_path / "out"))
    with np.load(tmp_path / "out" / "kernel.npz") as data:
        expected = data["kernel"]
    assert identical(rnndyn.ntk(net["W_x"], net["W_h"], net["W_y"], net["inputs"], blocks=("wy", "wx")), expected)
    assert identical(rnndyn.ntk(net["W_x"], net["W_h"], net["W_y"], net["inputs"], blocks="wx,wy"), expected)


@pytest.mark.parametrize("readout", ["final", "autoregressive"])
@pytest.mark.parametrize("blocks", [("wx", "wh", "wy"), ("wh",), ("wx", "wy")])
def test_ntk_equals_explicit_jacobian(net: dict[str, np.ndarray], readout: str, blocks: tuple[str, ...]) -> None:
    j = jacobian(net, readout, blocks)
    expected = j @ j.T
    kernel = rnndyn.ntk(net["W_x"], net["W_h"], net["W_y"], net["inputs"], readout=readout, blocks=blocks)
    r = 1 if readout == "final" else T
    assert kernel.shape == (N_Y * r * P, N_Y * r * P)
    assert np.max(np.abs(kernel - expected)) <= 1e-10 * np.max(np.abs(expected))


def test_explicit_jacobian_against_finite_differences(net: dict[str, np.ndarray]) -> None:
    """The test's own Jacobian (row order included) agrees with central differences of the forward pass."""
    for readout in ("final", "autoregressive"):
        j = jacobian(net, readout, ("wx", "wh", "wy"))
        column, eps = 0, 1e-6
        for block in ("W_x", "W_h", "W_y"):
            for index in np.ndindex(net[block].shape):
                plus = {k: v.copy() for k, v in net.items()}
                minus = {k: v.copy() for k, v in net.items()}
                plus[block][index] += eps
                minus[block][index] -= eps
                fd = (outputs(plus, readout) - outputs(minus, readout)) / (2 * eps)
                assert np.max(np.abs(fd - j[:, column])) <= 1e-6 * max(1.0, np.max(np.abs(j[:, column])))
                column += 1


def test_ntk_float32_and_lists(net: dict[str, np.ndarray]) -> None:
    k64 = rnndyn.ntk(*(net[k].astype(np.float32).astype(np.float64) for k in ("W_x", "W_h", "W_y", "inputs")))
    k32 = rnndyn.ntk(*(net[k].astype(np.float32) for k in ("W_x", "W_h", "W_y", "inputs")))
    assert identical(k32, k64)
    klist = rnndyn.ntk(*(net[k].tolist() for k in ("W_x", "W_h", "W_y", "inputs")))
    assert identical(klist, rnndyn.ntk(net["W_x"], net["W_h"], net["W_y"], net["inputs"]))
