"""Python metrics == `rnndyn compare` bit for bit, for every input form; zero-copy passing; options and info."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import rnndyn
from rnndyn import _native
from conftest import cli_compare, identical, run_cli, save

DSA_OPTIONS = {"rank": 4, "iters": 200}
DSA_FLAGS = ["--rank", "4", "--iters", "200"]


@pytest.fixture(scope="module")
def dsa_cli(cli: str, trajectories: np.ndarray, tmp_path_factory: pytest.TempPathFactory) -> dict[str, np.ndarray]:
    tmp = tmp_path_factory.mktemp("dsa")
    files = [save(tmp, f"net{k}", hidden=trajectories[k]) for k in range(len(trajectories))]
    return cli_compare(cli, tmp / "out", "dsa", files, *DSA_FLAGS, "--seed", "3")


def test_dsa_list_equals_cli(dsa_cli: dict[str, np.ndarray], trajectories: np.ndarray) -> None:
    d, info = rnndyn.dsa(list(trajectories), seed=3, info=True, **DSA_OPTIONS)
    assert identical(d, dsa_cli["distances"])
    assert identical(info["arrays"]["angular"], dsa_cli["angular"])
    assert identical(info["arrays"]["euclidean"], dsa_cli["euclidean"])
    assert d.shape == (4, 4) and np.all(np.diag(d) == 0) and np.array_equal(d, d.T)


def test_dsa_stack_equals_list_and_cli_stack(cli: str, dsa_cli: dict[str, np.ndarray], trajectories: np.ndarray,
                                             tmp_path: Path) -> None:
    stacked = rnndyn.dsa(trajectories, seed=3, **DSA_OPTIONS)
    assert identical(stacked, dsa_cli["distances"])
    cli_stack = cli_compare(cli, tmp_path / "out", "dsa", [save(tmp_path, "stack", hidden=trajectories)], *DSA_FLAGS,
                            "--seed", "3")
    assert identical(stacked, cli_stack["distances"])


def test_dsa_seed_matters_and_threads_do_not(trajectories: np.ndarray, dsa_cli: dict[str, np.ndarray]) -> None:
    assert identical(rnndyn.dsa(trajectories, seed=3, threads=2, **DSA_OPTIONS), dsa_cli["distances"])
    other = rnndyn.dsa(trajectories, seed=4, **DSA_OPTIONS)
    assert other.shape == (4, 4) and not np.array_equal(other, dsa_cli["distances"])


def test_the_cli_pins_one_blas_thread_whatever_the_environment(cli: str, trajectories: np.ndarray, tmp_path: Path) -> None:
    files = [save(tmp_path, f"n{k}", hidden=x) for k, x in enumerate(trajectories)]
    for threads in (None, "2"):
        out = tmp_path / f"out-{threads}"
        run_cli(cli, "compare", "dsa", *files, *DSA_FLAGS, "--seed", "3", "--out", str(out), blas_threads=threads)
        with np.load(out / "distances.npz") as data:
            assert identical(data["distances"], rnndyn.dsa(trajectories, seed=3, **DSA_OPTIONS))


def test_compare_generic_equals_dsa(trajectories: np.ndarray, dsa_cli: dict[str, np.ndarray]) -> None:
    assert identical(rnndyn.compare("dsa", trajectories, seed=3, rank=4, iters=200), dsa_cli["distances"])


def test_dsa_restarts(trajectories: np.ndarray) -> None:
    a = rnndyn.dsa(trajectories[:3], restarts=2, rank=4, iters=100)
    b = rnndyn.dsa(trajectories[:3], min_fits=2, max_fits=2, rank=4, iters=100)
    assert identical(a, b)
    with pytest.raises(rnndyn.InputError, match="restarts"):
        rnndyn.dsa(trajectories, restarts=2, min_fits=1)


def test_float_options_round_trip(cli: str, trajectories: np.ndarray, tmp_path: Path) -> None:
    """Floats reach the library in shortest round-trip form: a ridge that is not a short decimal gives the CLI's
    result for the same text."""
    ridge = 1.0 / 3.0 * 1e-6
    files = [save(tmp_path, f"n{k}", hidden=trajectories[k]) for k in range(3)]
    cli_d = cli_compare(cli, tmp_path / "out", "dsa", files, "--rank", "4", "--iters", "100", "--ridge", repr(ridge),
                        "--refit-above", "0.5", "--score", "euclidean")
    d, info = rnndyn.dsa(trajectories[:3], rank=4, iters=100, ridge=np.float64(ridge), refit_above=0.5,
                         score="euclidean", info=True)
    assert identical(d, cli_d["distances"])
    assert info["options"]["ridge"] == ridge


def test_float32_zero_copy_equals_cli(cli: str, trajectories: np.ndarray, tmp_path: Path) -> None:
    x32 = trajectories[:3].astype(np.float32)
    files = [save(tmp_path, f"n{k}", hidden=x32[k]) for k in range(3)]
    cli_d = cli_compare(cli, tmp_path / "out", "cka", files)
    before = dict(_native.stats)
    d = rnndyn.cka(list(x32))
    assert _native.stats["zero_copy"] - before["zero_copy"] == 3
    assert _native.stats["converted"] == before["converted"]
    assert identical(d, cli_d["distances"])


def test_layouts_and_conversions_give_the_same_result(trajectories: np.ndarray) -> None:
    x = trajectories[:3]
    base = rnndyn.cka(x)
    before = dict(_native.stats)
    assert identical(rnndyn.cka(np.asfortranarray(x)), base)                      # one copy
    assert identical(rnndyn.cka([a[:, ::1, :] for a in x]), base)                # views of C-contiguous data: no copy
    assert identical(rnndyn.cka(x.byteswap().view(x.dtype.newbyteorder())), base)  # big-endian: one copy
    assert _native.stats["converted"] - before["converted"] == 2
    time_first = np.ascontiguousarray(np.swapaxes(x, 1, 2))
    assert identical(rnndyn.cka(time_first, layout="time-trials-units"), base)
    assert identical(rnndyn.cka(time_first, key="probe_hidden", layout="auto"), base)  # probe_* keys are time-first
    assert identical(rnndyn.cka(list(x), key="states"), base)
    ints = np.round(x * 100).astype(np.int64)
    assert identical(rnndyn.cka(ints), rnndyn.cka(ints.astype(np.float64)))


@pytest.mark.parametrize("metric,flags,options", [
    ("cka", [], {}),
    ("cka", ["--score", "complement", "--samples", "trial_average"], {"score": "complement", "samples": "trial_average"}),
    ("procrustes", ["--alpha", "0.5"], {"alpha": 0.5}),
    ("cca", ["--score", "angular"], {"score": "angular"}),
    ("svcca", ["--dimensions", "3"], {"dimensions": 3}),
    ("rsa", ["--comparison", "pearson"], {"comparison": "pearson"}),
])
def test_representational_metrics_equal_cli(cli: str, trajectories: np.ndarray, tmp_path: Path, metric: str,
                                            flags: list[str], options: dict) -> None:
    files = [save(tmp_path, f"n{k}", hidden=trajectories[k]) for k in range(4)]
    cli_d = cli_compare(cli, tmp_path / "out", metric, files, *flags, "--seed", "5")
    function = getattr(rnndyn, metric)
    assert identical(function(list(trajectories), seed=5, **options), cli_d["distances"])
    assert identical(rnndyn.compare(metric, trajectories, seed=5, **options), cli_d["distances"])


def test_pif_equals_cli(cli: str, weights: np.ndarray, tmp_path: Path) -> None:
    files = [save(tmp_path, f"w{k}", W_h=weights[k]) for k in range(4)]
    cli_d = cli_compare(cli, tmp_path / "out", "pif", files, "--seed", "2")
    d, info = rnndyn.pif(list(weights), seed=2, info=True)
    assert identical(d, cli_d["distances"])
    assert identical(info["arrays"]["normalized_distances"], cli_d["normalized_distances"])
    assert identical(rnndyn.pif(weights, seed=2), cli_d["distances"])
    assert identical(rnndyn.pif([{"W_h": w} for w in weights], seed=2), cli_d["distances"])


def test_pif_all_unit_indexed_dicts_equal_cli(cli: str, weights: np.ndarray, tmp_path: Path) -> None:
    rng = np.random.default_rng(5)
    nets = [{"W_h": w, "W_x": rng.standard_normal((6, 2)), "W_y": rng.standard_normal((3, 6))} for w in weights[:3]]
    files = [save(tmp_path, f"w{k}", **net) for k, net in enumerate(nets)]
    flags = ["--blocks", "all_unit_indexed", "--random-starts", "1", "--pairwise-swaps", "false"]
    cli_d = cli_compare(cli, tmp_path / "out", "pif", files, *flags)
    d = rnndyn.pif(nets, blocks="all_unit_indexed", random_starts=1, pairwise_swaps=False)
    assert identical(d, cli_d["distances"])


def test_info_record(trajectories: np.ndarray) -> None:
    d, info = rnndyn.cka(list(trajectories[:3]), labels=["a", "b", "c"], info=True)
    assert info["metric"] == "cka"
    assert info["labels"] == ["a", "b", "c"]
    assert info["arrays"]["mds_coordinates"].shape == (3, 2)
    assert info["arrays"]["mds_eigenvalues"].shape == (3,)
    _, info = rnndyn.cka(list(trajectories[:3]), info=True)
    assert info["labels"] == ["trajectories[0]", "trajectories[1]", "trajectories[2]"]
    _, info = rnndyn.cka(trajectories[:3], info=True)
    assert info["labels"] == ["trajectories[0]", "trajectories[1]", "trajectories[2]"]


def test_metric_options_catalogue() -> None:
    names = [m["name"] for m in rnndyn.metric_options()]
    assert {"dsa", "pif", "cka", "procrustes", "cca", "svcca", "rsa"} <= set(names)
    dsa = rnndyn.metric_options("dsa")
    defaults = {o["name"]: o["default"] for o in dsa["options"]}
    assert defaults["n-delays"] == "5" and defaults["rank"] == "20" and defaults["score"] == "angular"
    assert isinstance(rnndyn.version(), str) and rnndyn.version()


class TensorLike:
    """Duck-types the ``torch.Tensor`` methods the binding calls (``detach``, ``cpu``, ``numpy``), so the tensor path is
    tested in every run without installing torch (the example and ``make bench`` use real torch tensors)."""

    def __init__(self, array: np.ndarray) -> None:
        self.array = array
        self.calls: list[str] = []

    def detach(self) -> "TensorLike":
        self.calls.append("detach")
        return self

    def cpu(self) -> "TensorLike":
        self.calls.append("cpu")
        return self

    def numpy(self) -> np.ndarray:
        self.calls.append("numpy")
        return self.array


def test_tensor_like_inputs(trajectories: np.ndarray) -> None:
    x = trajectories[:3]
    stacked = TensorLike(x)
    assert identical(rnndyn.cka(stacked), rnndyn.cka(x))
    assert stacked.calls == ["detach", "cpu", "numpy"]
    assert identical(rnndyn.cka([TensorLike(a.astype(np.float32)) for a in x]), rnndyn.cka(x.astype(np.float32)))
