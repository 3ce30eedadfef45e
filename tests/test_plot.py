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
    assert png_size(tmp_path / "n.png") == (640, 200)
    assert len(fig.axes) == 2
    # one line per weight: 2*3 + 3*1
    assert len(fig.axes[0].lines) == 9


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
