"""chainrule through its public API: ``Network.fit`` (and ``Network.step``)."""

import sys

from common import (
    BATCH_L,
    BATCH_M,
    L_SIZES,
    L_STEPS,
    LR,
    LR_S,
    M_N,
    M_SIZES,
    REPEATS,
    S_STEPS,
    classification_data,
    report,
    s_data,
    s_weights,
    timed,
)

import chainrule as cr


def case_s():
    X, y = s_data()
    W1, W2 = s_weights()
    net = cr.Network([2, 3, 1], activation="sigmoid", loss="sse", bias=False)
    net.set_params({"W1": W1, "W2": W2})

    def run_fit():
        net.fit(X, y, optimizer="gd", epochs=S_STEPS, learning_rate=LR_S)

    def run_step():
        for _ in range(S_STEPS):
            net.step(X, y, learning_rate=LR_S)

    fit_s = [t / S_STEPS for t in timed(run_fit, REPEATS["S"])]
    step_s = [t / S_STEPS for t in timed(run_step, REPEATS["S"])]
    report("chainrule", "S", fit_s, variant="fit(gd), per epoch = 1 step")
    report("chainrule-step", "S", step_s, variant="Network.step per call")


def _classifier(sizes):
    return cr.Network(
        sizes,
        activation="relu",
        output_activation="softmax",
        loss="cce",
        dtype="float32",
        seed=0,
    )


def case_m():
    X, _, Y = classification_data(M_N, M_SIZES[0])
    net = _classifier(M_SIZES)

    def epoch():
        net.fit(X, Y, optimizer="sgd", epochs=1, learning_rate=LR, batch_size=BATCH_M)

    report(
        "chainrule", "M", timed(epoch, REPEATS["M"]), dtype=str(net.params["W1"].dtype)
    )


def case_l():
    X, _, Y = classification_data(BATCH_L * L_STEPS, L_SIZES[0])
    net = _classifier(L_SIZES)

    def steps():
        net.fit(X, Y, optimizer="sgd", epochs=1, learning_rate=LR, batch_size=BATCH_L)

    report("chainrule", "L", [t / L_STEPS for t in timed(steps, REPEATS["L"])])


if __name__ == "__main__":
    {"S": case_s, "M": case_m, "L": case_l}[sys.argv[1]]()
