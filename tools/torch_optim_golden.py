#!/usr/bin/python3
"""Generate PyTorch reference fixtures for seqwasm's losses, gradient clipping,
optimizers and learning-rate schedulers.

Writes cross_entropy.json, mse.json, clip.json and optimizers.json into
test/fixtures/optim/ (see the README there).

Usage (from the repository root; needs PyTorch, e.g. Debian's python3-torch):
    /usr/bin/python3 tools/torch_optim_golden.py [OUT_DIR]

Losses and clipping are computed in float64 from float32-representable inputs
("dtype": "float64" in those files); optimizers and schedulers' parameter
updates run on float32 tensors exactly as a float32 implementation would.
"""
import json
import math
import os
import sys

import torch
import torch.nn.functional as F

torch.set_num_threads(1)


def num(x):
    """JSON number; non-finite values become the strings "NaN", "Infinity", "-Infinity"
    (JSON has no literal for them)."""
    x = float(x)
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    return x


def tens(t):
    t = t.detach().double().contiguous()
    return {"shape": list(t.shape), "data": [num(v) for v in t.reshape(-1).tolist()]}


def itens(t):
    t = t.detach().contiguous()
    return {"shape": list(t.shape), "data": [int(v) for v in t.reshape(-1).tolist()]}


def rand64(*shape):
    """Standard-normal draw in float32, widened to float64 (float32-exact values)."""
    return torch.randn(*shape, dtype=torch.float32).double()


def write(out_dir, name, doc):
    path = os.path.join(out_dir, name)
    with open(path, "w") as f:
        json.dump(doc, f, allow_nan=False, indent=1)
        f.write("\n")


# ---------------------------------------------------------------- losses

def cross_entropy_doc():
    seed = 10
    torch.manual_seed(seed)
    N, C = 7, 5
    logits = rand64(N, C) * 2.0
    target = torch.tensor([2, -100, 0, 4, -100, 1, 3], dtype=torch.int64)
    all_ignored = torch.full((N,), -100, dtype=torch.int64)
    cases = []
    for tname, tgt in (("some_ignored", target), ("all_ignored", all_ignored)):
        for reduction in ("mean", "sum"):
            for ls in (0.0, 0.1):
                x = logits.clone().requires_grad_(True)
                loss = F.cross_entropy(x, tgt, ignore_index=-100, reduction=reduction,
                                       label_smoothing=ls)
                loss.backward()
                cases.append({
                    "name": "%s_%s_ls%g" % (tname, reduction, ls),
                    "targets": tname,
                    "reduction": reduction,
                    "labelSmoothing": ls,
                    "ignoreIndex": -100,
                    "loss": num(loss.item()),
                    "gradLogits": tens(x.grad),
                })
    return {
        "description": "F.cross_entropy(logits, target, ignore_index=-100, reduction, "
                       "label_smoothing); gradLogits = d loss / d logits. "
                       "Non-finite numbers are written as the strings \"NaN\"/\"Infinity\".",
        "dtype": "float64",
        "seed": seed,
        "logits": tens(logits),
        "targets": {"some_ignored": itens(target), "all_ignored": itens(all_ignored)},
        "ignoreIndex": -100,
        "cases": cases,
    }


def mse_doc():
    seed = 11
    torch.manual_seed(seed)
    inp = rand64(3, 4).requires_grad_(True)
    target = rand64(3, 4).requires_grad_(True)
    loss = F.mse_loss(inp, target, reduction="mean")
    loss.backward()
    return {
        "description": "F.mse_loss(input, target, reduction='mean'); gradInput = d loss / d input, "
                       "gradTarget = d loss / d target.",
        "dtype": "float64",
        "seed": seed,
        "reduction": "mean",
        "input": tens(inp),
        "target": tens(target),
        "loss": num(loss.item()),
        "gradInput": tens(inp.grad),
        "gradTarget": tens(target.grad),
    }


# ---------------------------------------------------------------- clipping

def clip_doc():
    seed = 12
    torch.manual_seed(seed)
    shapes = [[4, 3], [5], [2, 2]]
    big = [rand64(*s) for s in shapes]            # total 2-norm well above 1
    small = [(rand64(*s) * 0.05).float().double() for s in shapes]  # total 2-norm below 1
    val = [(rand64(*s) * 0.1).float().double() for s in shapes]     # mix of |g| > 0.05 and < 0.05

    def params_with(grads):
        ps = []
        for g in grads:
            p = torch.zeros_like(g, requires_grad=True)
            p.grad = g.clone()
            ps.append(p)
        return ps

    cases = []
    for gname, grads in (("large", big), ("small", small)):
        for norm_type in (2.0, float("inf")):
            ps = params_with(grads)
            total = torch.nn.utils.clip_grad_norm_(ps, max_norm=1.0, norm_type=norm_type)
            cases.append({
                "name": "norm_%s_%s" % ("inf" if math.isinf(norm_type) else "2", gname),
                "fn": "clip_grad_norm_",
                "grads": gname,
                "maxNorm": 1.0,
                "normType": num(norm_type),
                "totalNorm": num(total.item()),
                "clipped": [tens(p.grad) for p in ps],
            })
    ps = params_with(val)
    torch.nn.utils.clip_grad_value_(ps, clip_value=0.05)
    cases.append({
        "name": "value_0.05",
        "fn": "clip_grad_value_",
        "grads": "forValue",
        "clipValue": 0.05,
        "clipped": [tens(p.grad) for p in ps],
    })
    return {
        "description": "torch.nn.utils.clip_grad_norm_(params, max_norm, norm_type) returns the total "
                       "norm of all grads (as one vector) and scales every grad by "
                       "min(1, max_norm / (total_norm + 1e-6)); clip_grad_value_ clamps each element "
                       "to [-clip, clip]. normType infinity is written as the string \"Infinity\". "
                       "'clipped' lists the grads after the call, in the same order as the inputs.",
        "dtype": "float64",
        "seed": seed,
        "shapes": shapes,
        "gradSets": {
            "large": [tens(g) for g in big],
            "small": [tens(g) for g in small],
            "forValue": [tens(g) for g in val],
        },
        "cases": cases,
    }


# ---------------------------------------------------------------- optimizers

OPTIMIZERS = [
    ("sgd", "SGD", dict(lr=0.1)),
    ("sgd_momentum", "SGD", dict(lr=0.1, momentum=0.9)),
    ("sgd_nesterov", "SGD", dict(lr=0.1, momentum=0.9, nesterov=True)),
    ("sgd_momentum_dampening", "SGD", dict(lr=0.1, momentum=0.9, dampening=0.1)),
    ("sgd_weight_decay", "SGD", dict(lr=0.1, weight_decay=0.01)),
    ("adam", "Adam", dict(lr=0.01)),
    ("adam_weight_decay", "Adam", dict(lr=0.01, weight_decay=0.01)),
    ("adam_amsgrad", "Adam", dict(lr=0.01, amsgrad=True)),
    ("adamw", "AdamW", dict(lr=0.01, weight_decay=0.01)),
    ("rmsprop", "RMSprop", dict(lr=0.01)),
    ("rmsprop_momentum_centered", "RMSprop", dict(lr=0.01, momentum=0.9, centered=True)),
    ("rmsprop_alpha_weight_decay", "RMSprop", dict(lr=0.01, alpha=0.9, weight_decay=0.01)),
]

# Hyperparameters recorded per optimizer (everything that affects the update).
HYPER_KEYS = {
    "SGD": ["lr", "momentum", "dampening", "weight_decay", "nesterov", "maximize"],
    "Adam": ["lr", "betas", "eps", "weight_decay", "amsgrad", "maximize"],
    "AdamW": ["lr", "betas", "eps", "weight_decay", "amsgrad", "maximize"],
    "RMSprop": ["lr", "alpha", "eps", "weight_decay", "momentum", "centered", "maximize"],
}


def hyper_json(v):
    if isinstance(v, bool):
        return v
    if isinstance(v, (tuple, list)):
        return [hyper_json(u) for u in v]
    return num(v)


def optimizers_section(p0, grads):
    out = []
    for name, cls_name, kw in OPTIMIZERS:
        p = p0.clone().requires_grad_(True)
        cls = getattr(torch.optim, cls_name)
        opt = cls([p], foreach=False, **kw)
        group = opt.param_groups[0]
        hyper = {k: hyper_json(group[k]) for k in HYPER_KEYS[cls_name]}
        steps = []
        for g in grads:
            p.grad = g.clone()
            opt.step()
            steps.append(tens(p))
        out.append({
            "name": name,
            "optimizer": cls_name,
            "args": {k: hyper_json(v) for k, v in kw.items()},
            "hyper": hyper,
            "params": steps,
        })
    return out


SCHEDULERS = [
    ("StepLR", dict(step_size=3, gamma=0.5)),
    ("ExponentialLR", dict(gamma=0.9)),
    ("CosineAnnealingLR", dict(T_max=10, eta_min=0.001)),
    ("LinearLR", dict(start_factor=0.1, total_iters=4)),
]
SCHED_DEFAULTS = {
    "StepLR": dict(last_epoch=-1),
    "ExponentialLR": dict(last_epoch=-1),
    "CosineAnnealingLR": dict(last_epoch=-1),
    "LinearLR": dict(end_factor=1.0, last_epoch=-1),
}


def schedulers_section(base_lr=0.1, epochs=10):
    out = []
    for cls_name, kw in SCHEDULERS:
        p = torch.zeros(1, requires_grad=True)
        opt = torch.optim.SGD([p], lr=base_lr)
        sched = getattr(torch.optim.lr_scheduler, cls_name)(opt, **kw)
        lrs = [sched.get_last_lr()[0]]          # epoch 0: right after construction
        for _ in range(1, epochs):
            p.grad = torch.zeros_like(p)
            opt.step()
            sched.step()
            lrs.append(sched.get_last_lr()[0])  # epoch e: after e scheduler steps
        args = dict(SCHED_DEFAULTS[cls_name])
        args.update(kw)
        out.append({
            "scheduler": cls_name,
            "baseLr": base_lr,
            "args": args,
            "lrs": [num(v) for v in lrs],
        })
    return out


def optimizers_doc():
    seed = 13
    torch.manual_seed(seed)
    p0 = torch.randn(6, dtype=torch.float32)
    # Shrinking gradients in steps 3-4 make Adam's second moment decrease, so that the
    # amsgrad case differs from plain Adam (with 4 steps of similar size it would not).
    grad_scales = [1.0, 0.5, 0.01, 0.03]
    grads = [(torch.randn(6, dtype=torch.float32) * s).float() for s in grad_scales]
    return {
        "description": "Each optimizer starts from param0 and takes 4 steps; before step k its grad is "
                       "set to grads[k]; params[k] is the parameter after step k+1. 'hyper' lists every "
                       "hyperparameter that affects the update, defaults included; 'args' what was passed. "
                       "Tensors are float32 (values written exactly). Schedulers: lrs[e] is "
                       "scheduler.get_last_lr()[0] for epoch e (e=0 right after construction, "
                       "epoch e after e calls of scheduler.step()).",
        "dtype": "float32",
        "seed": seed,
        "gradScales": grad_scales,
        "param0": tens(p0),
        "grads": [tens(g) for g in grads],
        "optimizers": optimizers_section(p0, grads),
        "schedulers": schedulers_section(),
    }


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    out_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "test", "fixtures", "optim")
    os.makedirs(out_dir, exist_ok=True)
    write(out_dir, "cross_entropy.json", cross_entropy_doc())
    write(out_dir, "mse.json", mse_doc())
    write(out_dir, "clip.json", clip_doc())
    write(out_dir, "optimizers.json", optimizers_doc())
    print("torch %s: wrote 4 files to %s" % (torch.__version__, out_dir))


if __name__ == "__main__":
    main()
