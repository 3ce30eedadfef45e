"""Collection settings for the whole repository (doctests of src/ included)."""

try:
    import numba  # noqa: F401 (the optional extra chainrule[fast])
except ImportError:
    # the compiled kernels' modules import numba: without it they are not
    # collected for doctests (tests/test_accel.py skips and says why)
    collect_ignore = [
        "src/chainrule/accel/kernels.py",
        "src/chainrule/accel/compiled.py",
    ]
