#!/usr/bin/python3
"""Writes test/fixtures/attention/*.json: PyTorch's values and gradients of attention.

Run by hand with Debian's interpreter (python3-torch):

    /usr/bin/python3 tools/torch_attention_golden.py

The modules below follow OpenNMT-py's GlobalAttention (onmt/modules/global_attention.py), whose
parameter names src/nn/attention.ts uses: `dot` (qᵀh), `general` (linear_in, no bias, applied to
the query), `mlp` = our concat/additive (linear_query with or without bias, linear_context without
bias, v without bias), a source mask filled with −inf before the softmax, context = Σ aᵢ hᵢ, and
the attentional state tanh(linear_out([c; q])). Each fixture holds weights, encoder outputs,
lengths, T decoder queries, the contexts and weights of every step, and autograd's gradients of
L = Σₜ Rcₜ·contextₜ + Rwₜ·weightsₜ (+ Rh·tanh(linear_out([c; q])) for the last step) with respect
to the queries, the encoder outputs and every parameter. CI never runs this; the JSON is committed.
"""

import json
import os

import torch
import torch.nn as nn

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, 'test', 'fixtures', 'attention')


class Attention(nn.Module):
    def __init__(self, kind, hq, hk, a):
        super().__init__()
        self.kind = kind
        if kind == 'general':
            self.linear_in = nn.Linear(hq, hk, bias=False)
        elif kind in ('concat', 'additive'):
            self.linear_query = nn.Linear(hq, a, bias=(kind == 'additive'))
            self.linear_context = nn.Linear(hk, a, bias=False)
            self.v = nn.Linear(a, 1, bias=False)

    def forward(self, q, memory, lengths):
        # q (B, Hq), memory (B, S, Hk), lengths (B) → context (B, Hk), weights (B, S)
        B, S, Hk = memory.shape
        if self.kind == 'dot':
            scores = torch.bmm(memory, q.unsqueeze(2)).squeeze(2)
        elif self.kind == 'general':
            scores = torch.bmm(memory, self.linear_in(q).unsqueeze(2)).squeeze(2)
        else:
            wq = self.linear_query(q).unsqueeze(1)
            uh = self.linear_context(memory)
            scores = self.v(torch.tanh(wq + uh)).squeeze(2)
        mask = torch.arange(S).unsqueeze(0) < lengths.unsqueeze(1)
        scores = scores.masked_fill(~mask, float('-inf'))
        weights = torch.softmax(scores, dim=1)
        context = torch.bmm(weights.unsqueeze(1), memory).squeeze(1)
        return context, weights


def t(x):
    return {'shape': list(x.shape), 'data': [float(v) for v in x.detach().reshape(-1).tolist()]}


def case(kind, B, S, hq, hk, a, lengths, T, seed):
    torch.manual_seed(seed)
    att = Attention(kind, hq, hk, a)
    out_layer = nn.Linear(hk + hq, hq, bias=True)
    memory = torch.randn(B, S, hk, requires_grad=True)
    lens = torch.tensor(lengths)
    queries = [torch.randn(B, hq, requires_grad=True) for _ in range(T)]
    rc = [torch.randn(B, hk) for _ in range(T)]
    rw = [torch.randn(B, S) for _ in range(T)]
    rh = torch.randn(B, hq)
    loss = 0
    contexts, weights = [], []
    for step in range(T):
        c, w = att(queries[step], memory, lens)
        contexts.append(c)
        weights.append(w)
        loss = loss + (c * rc[step]).sum() + (w * rw[step]).sum()
    attn_h = torch.tanh(out_layer(torch.cat([contexts[-1], queries[-1]], 1)))
    loss = loss + (attn_h * rh).sum()
    loss.backward()
    return {
        'type': kind, 'B': B, 'S': S, 'querySize': hq, 'keySize': hk, 'attentionSize': a, 'lengths': lengths,
        'weights': {n: t(p) for n, p in att.named_parameters()},
        'encoderOutputs': t(memory), 'queries': [t(q) for q in queries],
        'Rc': [t(x) for x in rc], 'Rw': [t(x) for x in rw], 'Rh': t(rh),
        'contexts': [t(c) for c in contexts], 'attn': [t(w) for w in weights],
        'linearOut': {'weight': t(out_layer.weight), 'bias': t(out_layer.bias)}, 'attentionalState': t(attn_h),
        'gradQueries': [t(q.grad) for q in queries], 'gradEncoderOutputs': t(memory.grad),
        'grads': {n: t(p.grad) for n, p in att.named_parameters()},
        'gradLinearOut': {'weight': t(out_layer.weight.grad), 'bias': t(out_layer.bias.grad)},
        'torch': torch.__version__,
    }


def main():
    os.makedirs(OUT, exist_ok=True)
    cases = [
        ('dot', dict(B=3, S=6, hq=5, hk=5, a=5, lengths=[6, 2, 4], T=3, seed=1)),
        ('general', dict(B=3, S=7, hq=6, hk=5, a=6, lengths=[3, 7, 1], T=3, seed=2)),
        ('concat', dict(B=2, S=9, hq=7, hk=5, a=6, lengths=[9, 4], T=3, seed=3)),
        ('additive', dict(B=4, S=5, hq=4, hk=6, a=9, lengths=[5, 1, 3, 5], T=3, seed=4)),
    ]
    for kind, kw in cases:
        path = os.path.join(OUT, kind + '.json')
        with open(path, 'w') as f:
            json.dump(case(kind, **kw), f)
        print('wrote', path)


if __name__ == '__main__':
    main()
