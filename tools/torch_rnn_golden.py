#!/usr/bin/python3
"""Generate PyTorch reference fixtures for seqwasm's recurrent layers.

Writes one JSON file per case into test/fixtures/rnn/ (see the README there).

Usage (from the repository root; needs PyTorch, e.g. Debian's python3-torch):
    /usr/bin/python3 tools/torch_rnn_golden.py [OUT_DIR]

All computation runs in float64. Every input, state, weight and loss
coefficient is first drawn in float32 (PyTorch's default init for weights)
and then widened to float64, so the stored inputs are exactly representable
in float32 while the stored outputs/gradients are float64-accurate.
"""
import json
import math
import os
import sys

import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

torch.set_num_threads(1)

INPUT_SIZE = 5
HIDDEN_SIZE = 4
SEQ_LEN = 6
BATCH = 3
UNEQUAL_LENGTHS = [6, 2, 4]  # unsorted on purpose

MODES = ["RNN_TANH", "RNN_RELU", "GRU", "LSTM"]
FILE_MODE = {"RNN_TANH": "rnn_tanh", "RNN_RELU": "rnn_relu", "GRU": "gru", "LSTM": "lstm"}


def f32(t):
    """Round to float32 values, keep as float64."""
    return t.detach().float().double()


def rand(*shape):
    """Standard-normal draw in float32, widened to float64."""
    return torch.randn(*shape, dtype=torch.float32).double()


def num(x):
    x = float(x)
    if not math.isfinite(x):
        raise ValueError("non-finite value in fixture: %r" % x)
    return x


def tens(t):
    t = t.detach().double().contiguous()
    return {"shape": list(t.shape), "data": [num(v) for v in t.reshape(-1).tolist()]}


def make_module(mode, num_layers, bidirectional, batch_first, bias):
    kw = dict(input_size=INPUT_SIZE, hidden_size=HIDDEN_SIZE, num_layers=num_layers,
              bias=bias, batch_first=batch_first, dropout=0.0, bidirectional=bidirectional)
    if mode == "RNN_TANH":
        return nn.RNN(nonlinearity="tanh", **kw)
    if mode == "RNN_RELU":
        return nn.RNN(nonlinearity="relu", **kw)
    if mode == "GRU":
        return nn.GRU(**kw)
    if mode == "LSTM":
        return nn.LSTM(**kw)
    raise ValueError(mode)


def make_cell(mode, bias=True):
    if mode == "RNN_TANH":
        return nn.RNNCell(INPUT_SIZE, HIDDEN_SIZE, bias=bias, nonlinearity="tanh")
    if mode == "RNN_RELU":
        return nn.RNNCell(INPUT_SIZE, HIDDEN_SIZE, bias=bias, nonlinearity="relu")
    if mode == "GRU":
        return nn.GRUCell(INPUT_SIZE, HIDDEN_SIZE, bias=bias)
    if mode == "LSTM":
        return nn.LSTMCell(INPUT_SIZE, HIDDEN_SIZE, bias=bias)
    raise ValueError(mode)


def prepare_module(mod):
    """Weights come from PyTorch's default (float32) init; round and widen to float64."""
    mod = mod.double()
    with torch.no_grad():
        for p in mod.parameters():
            p.copy_(f32(p))
    mod.train()  # dropout is 0 anyway; train mode keeps autograd paths standard
    return mod


def layer_case(mode, num_layers, bidirectional, unequal, batch_first, seed, bias=True):
    torch.manual_seed(seed)
    mod = prepare_module(make_module(mode, num_layers, bidirectional, batch_first, bias))
    D = 2 if bidirectional else 1
    T, B, I, H = SEQ_LEN, BATCH, INPUT_SIZE, HIDDEN_SIZE
    is_lstm = mode == "LSTM"

    x_shape = (B, T, I) if batch_first else (T, B, I)
    out_shape = (B, T, D * H) if batch_first else (T, B, D * H)
    x = rand(*x_shape).requires_grad_(True)
    h0 = rand(num_layers * D, B, H).requires_grad_(True)
    c0 = rand(num_layers * D, B, H).requires_grad_(True) if is_lstm else None
    Ro = rand(*out_shape)
    Rh = rand(num_layers * D, B, H)
    Rc = rand(num_layers * D, B, H) if is_lstm else None

    state = (h0, c0) if is_lstm else h0
    lengths = UNEQUAL_LENGTHS if unequal else None
    if unequal:
        packed = pack_padded_sequence(x, torch.tensor(lengths, dtype=torch.int64),
                                      batch_first=batch_first, enforce_sorted=False)
        out_packed, st = mod(packed, state)
        output, _ = pad_packed_sequence(out_packed, batch_first=batch_first, total_length=T)
    else:
        output, st = mod(x, state)
    if is_lstm:
        hN, cN = st
    else:
        hN, cN = st, None
    assert tuple(output.shape) == out_shape, (output.shape, out_shape)

    loss = (output * Ro).sum() + (hN * Rh).sum()
    if is_lstm:
        loss = loss + (cN * Rc).sum()
    loss.backward()

    doc = {
        "mode": mode,
        "inputSize": I,
        "hiddenSize": H,
        "numLayers": num_layers,
        "bidirectional": bidirectional,
        "batchFirst": batch_first,
        "bias": bias,
        "lengths": lengths,
        "seed": seed,
        "input": tens(x),
        "h0": tens(h0),
    }
    if is_lstm:
        doc["c0"] = tens(c0)
    doc["weights"] = {k: tens(v) for k, v in mod.state_dict().items()}
    doc["Ro"] = tens(Ro)
    doc["Rh"] = tens(Rh)
    if is_lstm:
        doc["Rc"] = tens(Rc)
    doc["output"] = tens(output)
    doc["hN"] = tens(hN)
    if is_lstm:
        doc["cN"] = tens(cN)
    doc["loss"] = num(loss.item())
    doc["grads"] = {k: tens(p.grad) for k, p in mod.named_parameters()}
    doc["gradInput"] = tens(x.grad)
    doc["gradH0"] = tens(h0.grad)
    if is_lstm:
        doc["gradC0"] = tens(c0.grad)
    return doc


def cell_case(mode, seed):
    torch.manual_seed(seed)
    cell = prepare_module(make_cell(mode))
    B, I, H = BATCH, INPUT_SIZE, HIDDEN_SIZE
    is_lstm = mode == "LSTM"
    x = rand(B, I).requires_grad_(True)
    h0 = rand(B, H).requires_grad_(True)
    c0 = rand(B, H).requires_grad_(True) if is_lstm else None
    Rh = rand(B, H)
    Rc = rand(B, H) if is_lstm else None
    if is_lstm:
        h1, c1 = cell(x, (h0, c0))
        loss = (h1 * Rh).sum() + (c1 * Rc).sum()
    else:
        h1 = cell(x, h0)
        c1 = None
        loss = (h1 * Rh).sum()
    loss.backward()
    doc = {
        "mode": mode,
        "cell": True,
        "inputSize": I,
        "hiddenSize": H,
        "bias": True,
        "seed": seed,
        "input": tens(x),
        "h0": tens(h0),
    }
    if is_lstm:
        doc["c0"] = tens(c0)
    doc["weights"] = {k: tens(v) for k, v in cell.state_dict().items()}
    doc["Rh"] = tens(Rh)
    if is_lstm:
        doc["Rc"] = tens(Rc)
    doc["output"] = tens(h1)
    if is_lstm:
        doc["cN"] = tens(c1)
    doc["loss"] = num(loss.item())
    doc["grads"] = {k: tens(p.grad) for k, p in cell.named_parameters()}
    doc["gradInput"] = tens(x.grad)
    doc["gradH0"] = tens(h0.grad)
    if is_lstm:
        doc["gradC0"] = tens(c0.grad)
    return doc


def write(out_dir, name, doc):
    path = os.path.join(out_dir, name + ".json")
    with open(path, "w") as f:
        json.dump(doc, f, allow_nan=False)
        f.write("\n")
    return path


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    out_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "test", "fixtures", "rnn")
    os.makedirs(out_dir, exist_ok=True)
    names = []
    seed = 1000
    for mode in MODES:
        for num_layers in (1, 2):
            for bidirectional in (False, True):
                for unequal in (False, True):
                    for batch_first in (False, True):
                        name = "%s_l%d_%s_%s_%s" % (
                            FILE_MODE[mode], num_layers, "bi" if bidirectional else "uni",
                            "unequal" if unequal else "equal", "bf" if batch_first else "tf")
                        write(out_dir, name, layer_case(mode, num_layers, bidirectional,
                                                        unequal, batch_first, seed))
                        names.append(name)
                        seed += 1
    seed = 2000
    for mode, name in (("RNN_TANH", "rnncell_tanh"), ("RNN_RELU", "rnncell_relu"),
                       ("GRU", "grucell"), ("LSTM", "lstmcell")):
        write(out_dir, name, cell_case(mode, seed))
        names.append(name)
        seed += 1
    seed = 3000
    for mode, name in (("GRU", "gru_nobias"), ("LSTM", "lstm_nobias")):
        write(out_dir, name, layer_case(mode, 1, False, False, False, seed, bias=False))
        names.append(name)
        seed += 1
    print("torch %s: wrote %d files to %s" % (torch.__version__, len(names), out_dir))


if __name__ == "__main__":
    main()
