#!/usr/bin/python3
"""Writes test/fixtures/seq2seq/*.json: PyTorch's logits, loss and gradients of a whole Seq2Seq.

Run by hand with Debian's interpreter (python3-torch):

    /usr/bin/python3 tools/torch_seq2seq_golden.py

The model below is src/seq2seq/model.ts written in PyTorch, with its parameter names so the
state dict loads unchanged into seqwasm:

  encoder   Embedding → nn.GRU/nn.LSTM (batch-first, packed lengths, numLayers, bidirectional)
  bridge    decoder layer l starts from encoder layer numLayers − decoderLayers + l:
            h₀ (c₀) = tanh(W [h_fwd; h_bwd] + b) of that layer's final states (W shared by the
            layers); identity when unidirectional with encoderHiddenSize = hiddenSize (no
            bridge.* parameters then)
  decoder   xₜ = [Emb(yₜ₋₁); h̃ₜ₋₁] (input feeding; h̃₀ = 0) → decoderLayers stacked
            GRUCell/LSTMCell (OpenNMT-py's StackedGRU/StackedLSTM names) → hₜ (top) → attention
            (tools/torch_attention_golden.py, OpenNMT-py's) → cₜ → h̃ₜ = tanh(W_c [cₜ; hₜ]) (no bias)
  logits    generator(h̃ₜ), for T = longest target + 1 steps on every row: inputs are <s>, the
            target, then </s> past a sentence's end, as seqwasm feeds them
  loss      F.cross_entropy over all T·B rows, gold = target + </s>, padding ignored (-100), mean
            over tokens, label_smoothing (its definition equals assembly/softmax.ts's, checked below)

Weights are PyTorch's default init in float32, times 3 except the embeddings (at the default
scale, attention is nearly uniform and its gradients are ~1e-5, below the test's absolute
tolerance), then widened to float64; the model runs in float64, so the stored weights are exact
float32 values and the outputs float64-accurate. Every gradient tensor is checked to reach 1e-3
somewhere. CI never runs this; the JSON is committed.
"""

import json
import os

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from torch_attention_golden import Attention

torch.set_num_threads(1)
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, 'test', 'fixtures', 'seq2seq')
BOS, EOS, IGNORE = 1, 2, -100


class Seq2Seq(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c = c
        E, H, He = c['embeddingDim'], c['hiddenSize'], c['encoderHiddenSize']
        D = 2 if c['bidirectional'] else 1
        rnn = nn.LSTM if c['cell'] == 'LSTM' else nn.GRU
        cell = nn.LSTMCell if c['cell'] == 'LSTM' else nn.GRUCell
        self.encoder = nn.Module()
        self.encoder.embedding = nn.Embedding(c['srcVocabSize'], E)
        self.encoder.rnn = rnn(E, He, num_layers=c['numLayers'], bidirectional=c['bidirectional'], batch_first=True)
        if c['bidirectional'] or He != H:
            self.bridge = nn.Module()
            self.bridge.h = nn.Linear(D * He, H)
            if c['cell'] == 'LSTM':
                self.bridge.c = nn.Linear(D * He, H)
        self.decoder = nn.Module()
        self.decoder.embedding = nn.Embedding(c['tgtVocabSize'], E)
        self.decoder.rnn = nn.Module()
        self.decoder.rnn.layers = nn.ModuleList(
            [cell(E + (H if c['inputFeeding'] else 0) if l == 0 else H, H) for l in range(c['decoderLayers'])])
        # seqwasm's attention width is the decoder's: Attention({querySize: H, keySize: D·He, attentionSize: H}).
        self.decoder.attention = Attention(c['attention'], H, D * He, H)
        self.decoder.linear_out = nn.Linear(D * He + H, H, bias=False)  # context first: [c; h]
        self.generator = nn.Linear(H, c['tgtVocabSize'])

    def forward(self, sources, targets):
        c, lstm = self.c, self.c['cell'] == 'LSTM'
        B, S = len(sources), max(map(len, sources))
        src_len = torch.tensor([len(s) for s in sources])
        src = torch.tensor([s + [0] * (S - len(s)) for s in sources])
        packed = pack_padded_sequence(self.encoder.embedding(src), src_len, batch_first=True, enforce_sorted=False)
        out, final = self.encoder.rnn(packed)
        memory, _ = pad_packed_sequence(out, batch_first=True, total_length=S)
        D = 2 if c['bidirectional'] else 1

        Le, Ld = c['numLayers'], c['decoderLayers']

        def layer(x, e):  # (L·D, B, He) → (B, D·He): [h_fwd; h_bwd] of encoder layer e
            return torch.cat(list(x[e * D:(e + 1) * D]), 1)

        def init(x, linear):
            return [torch.tanh(linear(layer(x, Le - Ld + l))) if linear else layer(x, Le - Ld + l) for l in range(Ld)]
        hN, cN = final if lstm else (final, None)
        bridge = hasattr(self, 'bridge')
        hs = init(hN, self.bridge.h if bridge else None)
        cs = init(cN, self.bridge.c if bridge else None) if lstm else None

        T = max(map(len, targets)) + 1
        dec_in = [[BOS if t == 0 else tg[t - 1] if t - 1 < len(tg) else EOS for tg in targets] for t in range(T)]
        gold = [[tg[t] if t < len(tg) else EOS if t == len(tg) else IGNORE for tg in targets] for t in range(T)]
        feed = torch.zeros(B, c['hiddenSize'], dtype=memory.dtype)
        logits = []
        for t in range(T):
            x = self.decoder.embedding(torch.tensor(dec_in[t]))
            if c['inputFeeding']:
                x = torch.cat([x, feed], 1)
            for l, cell in enumerate(self.decoder.rnn.layers):
                if lstm:
                    hs[l], cs[l] = cell(x, (hs[l], cs[l]))
                else:
                    hs[l] = cell(x, hs[l])
                x = hs[l]
            h = hs[-1]
            context, _ = self.decoder.attention(h, memory, src_len)
            feed = torch.tanh(self.decoder.linear_out(torch.cat([context, h], 1)))
            logits.append(self.generator(feed))
        return torch.stack(logits), torch.tensor(gold)  # (T, B, V), (T, B)


def loss_of(logits, gold, smoothing):
    V = logits.shape[-1]
    loss = F.cross_entropy(logits.reshape(-1, V), gold.reshape(-1), ignore_index=IGNORE, label_smoothing=smoothing)
    # seqwasm's kernel: per kept row (1-ε)·nll − ε·Σⱼ log pⱼ / V, summed, divided by the kept rows.
    logp = torch.log_softmax(logits.reshape(-1, V), 1)
    g = gold.reshape(-1)
    keep = g != IGNORE
    nll = -logp[keep].gather(1, g[keep].unsqueeze(1)).squeeze(1)
    mine = ((1 - smoothing) * nll - smoothing * logp[keep].sum(1) / V).sum() / keep.sum()
    assert torch.allclose(loss, mine, rtol=1e-12, atol=0), (loss.item(), mine.item())
    return loss


def t(x, digits=10):
    x = x.detach()
    return {'shape': list(x.shape), 'data': [float('%.*g' % (digits, v)) for v in x.reshape(-1).tolist()]}


def case(config, sources, targets, smoothing, seed):
    torch.manual_seed(seed)
    model = Seq2Seq(config)
    with torch.no_grad():
        for n, p in model.named_parameters():
            if 'embedding' not in n:
                p.mul_(3)  # in float32, so the weights stay float32 values
    model.double()
    logits, gold = model(sources, targets)
    loss = loss_of(logits, gold, smoothing)
    loss.backward()
    params = dict(model.named_parameters())
    for n, p in params.items():
        assert p.grad.abs().max() > 1e-3, (n, p.grad.abs().max().item())
    return {
        'config': config, 'labelSmoothing': smoothing, 'sources': sources, 'targets': targets,
        # 9 significant digits round-trip the float32-valued weights exactly.
        'weights': {n: t(p, 9) for n, p in params.items()},
        'logits': t(logits), 'loss': loss.item(),
        'grads': {n: t(p.grad) for n, p in params.items()},
        'seed': seed, 'torch': torch.__version__,
    }


def config(cell, attention, hidden, encoder_hidden, layers=1, bidirectional=False, input_feeding=True, decoder_layers=1):
    return {'srcVocabSize': 11, 'tgtVocabSize': 12, 'embeddingDim': 5, 'hiddenSize': hidden,
            'encoderHiddenSize': encoder_hidden, 'numLayers': layers, 'decoderLayers': decoder_layers,
            'cell': cell, 'bidirectional': bidirectional,
            'attention': attention, 'inputFeeding': input_feeding, 'bos': BOS, 'eos': EOS}


# Token ids 3.. (0-2 are <pad>, <s>, </s>); lengths differ and are unsorted; one target is empty.
SRC = [[4, 7, 3, 9, 10], [5, 8], [6, 3, 10, 4], [9, 5, 7]]
TGT = [[3, 11, 5], [7, 4, 9, 10, 6], [8], []]

CASES = {
    'gru_bi2_general_feed_ls': (config('GRU', 'general', 8, 4, layers=2, bidirectional=True), SRC[:3], TGT[:3], 0.1, 1),
    'lstm_bi_additive_feed': (config('LSTM', 'additive', 6, 4, bidirectional=True), SRC[:3], TGT[:3], 0.0, 2),
    'gru_dot_nofeed': (config('GRU', 'dot', 6, 6, input_feeding=False), SRC[1:], TGT[1:], 0.0, 3),
    'lstm_l2_general_unequal_ls': (config('LSTM', 'general', 7, 7, layers=2), SRC, TGT, 0.2, 4),
    'gru_bridge_widths_additive': (config('GRU', 'additive', 7, 5), SRC, [TGT[1], TGT[0], TGT[3], TGT[2]], 0.1, 5),
    'lstm_bi2_dec2_general': (config('LSTM', 'general', 6, 4, layers=2, bidirectional=True, decoder_layers=2), SRC, TGT, 0.1, 8),
    'gru_l3_dec2_dot_nofeed': (config('GRU', 'dot', 6, 6, layers=3, input_feeding=False, decoder_layers=2), SRC[:3], TGT[:3], 0.0, 7),
}


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, args in CASES.items():
        path = os.path.join(OUT, name + '.json')
        with open(path, 'w') as f:
            json.dump(case(*args), f)
        print('wrote', path)


if __name__ == '__main__':
    main()
