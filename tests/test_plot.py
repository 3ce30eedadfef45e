"""chainrule.plot: each figure is a valid PNG of the size asked for."""

import struct
import subprocess
import sys

import numpy as np
import pytest

import chainrule as cr
from chainrule import plot

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(path):
    """Width and height from the PNG's IHDR chunk (after the signature)."""
    data = path.read_bytes()
    assert data[:8] == PNG_SIGNATURE
    length, kind = struct.unpack(">I4s", data[8:16])
    assert (length, kind) == (13, b"IHDR")
    assert data[-8:-4] == b"IEND"
    return struct.unpack(">II", data[16:24])


@pytest.fixture(scope="module")
def trained():
    X, y = cr.datasets.test_scores()
    net = cr.Network([2, 3, 1], seed=0)
    hist = net.fit(X, y, optimizer="bfgs", epochs=30)
    return net, hist, X, y


def test_import_chainrule_does_not_import_matplotlib():
    code = "import sys, chainrule; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"


def test_cost_curve_png(trained, tmp_path):
    net, hist, X, y = trained
    fig = plot.cost_curve(hist, path=tmp_path / "c.png", figsize=(5, 3), dpi=80)
    assert png_size(tmp_path / "c.png") == (400, 240)
    assert fig.axes[0].get_yscale() == "log"
    assert fig.axes[0].get_xlabel() == "iteration"


def test_cost_curve_with_validation_lists(tmp_path):
    fig = plot.cost_curve(cost=[3.0, 2.0, 1.0], val_cost=[3.5, 2.5, 2.0])
    assert [line.get_label() for line in fig.axes[0].lines] == [
        "training",
        "validation",
    ]
    with pytest.raises(cr.ShapeError, match="cost"):
        plot.cost_curve(cost=[])


def test_activation_png_and_values(tmp_path):
    fig = plot.activation("sigmoid", path=tmp_path / "s.png")
    assert png_size(tmp_path / "s.png") == (640, 400)
    f, fp = fig.axes[0].lines
    z = f.get_xdata()
    assert z[0] == -5 and z[-1] == pytest.approx(4.99)
    # f' at z = 0 is the sigmoid's maximum slope 1/4
    assert fp.get_ydata()[np.argmin(np.abs(z))] == pytest.approx(0.25, abs=1e-4)
    with pytest.raises(cr.ConfigError, match="softmax"):
        plot.activation("softmax")


def test_network_png_with_gradients(trained, tmp_path):
    net, _, X, y = trained
    fig = plot.network(net, net.trace(X, y), path=tmp_path / "n.png", dpi=50)
    assert png_size(tmp_path / "n.png") == (660, 225)
    assert len(fig.axes) == 2
    # one line per weight, 2*3 + 3*1, and per bias, 3 + 1 (dashed)
    lines = fig.axes[0].lines
    assert len(lines) == 13
    assert sum(line.get_linestyle() == "--" for line in lines) == 4


def _texts(ax, prefix):
    return {t.get_gid(): t for t in ax.texts if (t.get_gid() or "").startswith(prefix)}


@pytest.mark.parametrize("nodes", ["a", "z", "delta"])
def test_network_shows_its_numbers(nodes):
    net = cr.Network([2, 3, 1], seed=0)
    X, y = cr.datasets.test_scores()
    t = net.trace(X, y)
    fig = plot.network(net, t, nodes=nodes, example=1)
    weights, grads = fig.axes
    # every weight and bias is written on its edge, every gradient on its own
    edges = _texts(weights, "edge:")
    assert edges["edge:W1[1,2]"].get_text() == f"{net.params['W1'][1, 2]:.3g}"
    assert edges["edge:b1[0]"].get_text() == f"{net.params['b1'][0, 0]:.3g}"
    assert len(edges) == 6 + 3 + 3 + 1
    assert _texts(grads, "edge:")["edge:dJdW2[2,0]"].get_text() == (
        f"{t['dJdW2'][2, 0]:.3g}"
    )
    # the units show the chosen values of example 1; unit 1 is at the top
    units = _texts(weights, "unit:1:")
    key = {"a": "a2", "z": "z2", "delta": "delta2"}[nodes]
    assert [units[f"unit:1:{i}"].get_text() for i in range(3)] == [
        f"{v:.3g}" for v in t[key][1]
    ]
    heights = [units[f"unit:1:{i}"].get_position()[1] for i in range(3)]
    assert heights == sorted(heights, reverse=True)
    # biases are units "1" above the units they feed
    assert _texts(weights, "bias:0")["bias:0"].get_position()[1] > max(heights)
    inputs = _texts(weights, "unit:0:")
    expected = f"{X[1, 0]:.3g}" if nodes == "a" else ""
    assert inputs["unit:0:0"].get_text() == expected


def test_network_colour_scale_per_layer():
    """Each layer's largest |gradient| gets the full colour, its range written."""
    net = cr.Network([2, 3, 1], seed=0)
    X, y = cr.datasets.test_scores()
    t = net.trace(X, y)
    grads = plot.network(net, t).axes[1]
    lines = {line.get_gid(): line for line in grads.lines}
    from matplotlib import colormaps

    cmap = colormaps["coolwarm"]
    for l in (1, 2):
        g = np.vstack([t[f"dJdW{l}"], t[f"dJdb{l}"]])
        i, j = np.unravel_index(np.argmax(np.abs(g)), g.shape)
        gid = f"dJdW{l}[{i},{j}]" if i < g.shape[0] - 1 else f"dJdb{l}[{j}]"
        full = cmap(1.0 if g[i, j] > 0 else 0.0)
        np.testing.assert_allclose(lines[gid].get_color(), full)
        rng = _texts(grads, f"range:dJdW{l}")[f"range:dJdW{l}"].get_text()
        assert rng == f"dJdW{l}, dJdb{l}: [{g.min():.3g}, {g.max():.3g}]"


def test_network_says_no_early():
    net = cr.Network([2, 3, 1], seed=0)
    X, y = cr.datasets.test_scores()
    t = net.trace(X, y)
    with pytest.raises(cr.UnknownNameError, match="nodes: unknown name 'dz'"):
        plot.network(net, t, nodes="dz")
    with pytest.raises(cr.InvalidValueError, match="example: .* 0 to 2"):
        plot.network(net, t, example=3)
    # without a trace the units show no numbers
    fig = plot.network(net)
    assert len(fig.axes) == 1
    assert {x.get_text() for x in _texts(fig.axes[0], "unit:").values()} == {""}


def test_decision_boundary_png(tmp_path):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 2))
    labels = (X[:, 0] + X[:, 1] > 0).astype(int)
    y = np.eye(2)[labels]
    net = cr.Network([2, 4, 2], output_activation="softmax", loss="cce", seed=0)
    net.fit(X, y, optimizer="lbfgs", epochs=50)
    fig = plot.decision_boundary(net, X, labels, path=tmp_path / "d.png", resolution=50)
    assert png_size(tmp_path / "d.png") == (500, 500)
    # each point has the colour of its class's region (tab10: class i, colour i)
    from matplotlib import colormaps

    faces = fig.axes[0].collections[-1].get_facecolors()[:, :3]
    palette = np.array(colormaps["tab10"].colors)
    np.testing.assert_allclose(faces, palette[labels])
    with pytest.raises(cr.InvalidValueError, match="integer labels 0 to 1"):
        plot.decision_boundary(net, X, labels + 1)
    with pytest.raises(cr.ShapeError, match="2 inputs"):
        plot.decision_boundary(cr.Network([3, 2]), np.zeros((2, 3)), [0, 1])


def test_prediction_surface_png(trained, tmp_path):
    net, *_ = trained
    Xr, yr = cr.datasets.test_scores(raw=True)
    fig = plot.prediction_surface(
        net, data=(Xr, yr), resolution=20, path=tmp_path / "p.png"
    )
    assert png_size(tmp_path / "p.png") == (1100, 450)
    assert len(fig.axes) == 3  # contour map, its colour bar, the 3-D surface


def test_missing_folder_is_a_clear_error(trained, tmp_path):
    with pytest.raises(cr.DataFileError, match="does not exist"):
        plot.activation("tanh", path=tmp_path / "nope" / "t.png")
