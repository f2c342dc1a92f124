"""PyTorch's side of the recurrent benchmark workloads (bench/workloads/recurrent.ts spawns it).

Prints one JSON line {workload: ms per call} for the sizes of src/bench/recurrent.ts, on one
thread (torch.set_num_threads(1)), best of several timed rounds after warm-up.
Run with Debian's interpreter: /usr/bin/python3 tools/torch_rnn_bench.py [WORKLOAD...]
"""
import json
import sys

from bench_timing import best_ms
import torch

torch.set_num_threads(1)
torch.manual_seed(0)


def infer(batch):
    lstm = torch.nn.LSTM(128, 256).eval()
    x = torch.rand(100, batch, 128) * 2 - 1

    def run():
        with torch.no_grad():
            lstm(x)
    return best_ms(run)


def train(cls):
    rnn = cls(64, 256)
    head = torch.nn.Linear(256, 10)
    opt = torch.optim.Adam(list(rnn.parameters()) + list(head.parameters()), lr=1e-3)
    x = torch.rand(50, 32, 64) * 2 - 1
    y = torch.arange(32) % 10

    def run():
        opt.zero_grad()
        _, h = rnn(x)
        if isinstance(h, tuple):
            h = h[0]
        loss = torch.nn.functional.cross_entropy(head(h[-1]), y)
        loss.backward()
        opt.step()
    return best_ms(run)


WORKLOADS = {
    "lstm-infer-b1": lambda: infer(1),
    "lstm-infer-b32": lambda: infer(32),
    "lstm-train-b32": lambda: train(torch.nn.LSTM),
    "gru-train-b32": lambda: train(torch.nn.GRU),
}

names = sys.argv[1:] or list(WORKLOADS)
print(json.dumps({n: WORKLOADS[n]() for n in names}))
