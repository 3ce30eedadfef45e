"""PyTorch on the CPU, eager: raw tensors with autograd, and nn.Module + optim."""

import sys

import torch
from common import (
    BATCH_L,
    BATCH_M,
    BATCH_XL,
    L_SIZES,
    L_STEPS,
    LR,
    LR_S,
    M_N,
    M_SIZES,
    REPEATS,
    S_STEPS,
    XL_REPEATS,
    XL_SIZES,
    XL_STEPS,
    classification_data,
    report,
    s_data,
    s_weights,
    threads,
    timed,
)

torch.set_num_threads(threads())


def case_s():
    Xn, yn = s_data()
    X, y = torch.from_numpy(Xn), torch.from_numpy(yn)
    W1n, W2n = s_weights()
    W1 = torch.tensor(W1n, requires_grad=True)
    W2 = torch.tensor(W2n, requires_grad=True)

    def raw():
        for _ in range(S_STEPS):
            yhat = torch.sigmoid(torch.sigmoid(X @ W1) @ W2)
            J = 0.5 * torch.sum((y - yhat) ** 2)
            J.backward()
            with torch.no_grad():
                W1.sub_(LR_S * W1.grad)
                W2.sub_(LR_S * W2.grad)
            W1.grad = None
            W2.grad = None

    report("torch-raw", "S", [t / S_STEPS for t in timed(raw, REPEATS["S"])])
    model = torch.nn.Sequential(
        torch.nn.Linear(2, 3, bias=False, dtype=torch.float64),
        torch.nn.Sigmoid(),
        torch.nn.Linear(3, 1, bias=False, dtype=torch.float64),
        torch.nn.Sigmoid(),
    )
    opt = torch.optim.SGD(model.parameters(), lr=LR_S)

    def module():
        for _ in range(S_STEPS):
            opt.zero_grad()
            J = 0.5 * torch.sum((y - model(X)) ** 2)
            J.backward()
            opt.step()

    report("torch-module", "S", [t / S_STEPS for t in timed(module, REPEATS["S"])])


def _mlp(sizes):
    layers = []
    for a, b in zip(sizes[:-1], sizes[1:], strict=True):
        layers += [torch.nn.Linear(a, b), torch.nn.ReLU()]
    return torch.nn.Sequential(*layers[:-1])


def _epoch_fn(X, labels, sizes, batch):
    model = _mlp(sizes)
    opt = torch.optim.SGD(model.parameters(), lr=LR)
    loss_fn = torch.nn.CrossEntropyLoss()
    n = X.shape[0]

    def epoch():
        order = torch.randperm(n)
        for lo in range(0, n, batch):
            idx = order[lo : lo + batch]
            opt.zero_grad()
            loss = loss_fn(model(X[idx]), labels[idx])
            loss.backward()
            opt.step()

    return epoch


def case_m():
    Xn, labels, _ = classification_data(M_N, M_SIZES[0])
    X, lab = torch.from_numpy(Xn), torch.from_numpy(labels)
    report("torch", "M", timed(_epoch_fn(X, lab, M_SIZES, BATCH_M), REPEATS["M"]))


def case_l():
    Xn, labels, _ = classification_data(BATCH_L * L_STEPS, L_SIZES[0])
    X, lab = torch.from_numpy(Xn), torch.from_numpy(labels)
    secs = timed(_epoch_fn(X, lab, L_SIZES, BATCH_L), REPEATS["L"])
    report("torch", "L", [t / L_STEPS for t in secs])


def case_xl():
    Xn, labels, _ = classification_data(BATCH_XL * XL_STEPS, XL_SIZES[0])
    X, lab = torch.from_numpy(Xn), torch.from_numpy(labels)
    secs = timed(_epoch_fn(X, lab, XL_SIZES, BATCH_XL), XL_REPEATS)
    report("torch", "XL", [t / XL_STEPS for t in secs])


def case_ceil():
    n = 2048
    g = torch.Generator().manual_seed(0)
    A = torch.randn(n, n, generator=g)
    B = torch.randn(n, n, generator=g)
    C = torch.empty(n, n)
    secs = timed(lambda: torch.matmul(A, B, out=C), REPEATS["CEIL"])
    report("torch", "CEIL", secs, flops=2.0 * n**3)


if __name__ == "__main__":
    torch.manual_seed(0)
    {"S": case_s, "M": case_m, "L": case_l, "XL": case_xl, "CEIL": case_ceil}[
        sys.argv[1]
    ]()
