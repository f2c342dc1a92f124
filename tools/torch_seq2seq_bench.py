"""PyTorch's side of the encoder-decoder benchmark (bench/workloads/seq2seq.ts spawns it).

The model of bench/workloads/seq2seq.ts (src/seq2seq/model.ts's architecture): Embedding →
unidirectional GRU encoder (its final state is the decoder's h₀, no bridge) → per step
xₜ = [Emb(yₜ₋₁); h̃ₜ₋₁] → GRUCell → general attention (OpenNMT-py's) → h̃ₜ = tanh(W_c [cₜ; hₜ])
→ generator. Every source has the same length, so the attention needs no mask.

Prints one JSON line {workload: value} on one thread, best of several timed rounds after
warm-up: ms per training step (zero_grad, forward, backward, Adam), and sentences/s of greedy
and beam-5 decoding with exactly `out_len` output tokens (EOS blocked before the last step, as
seqwasm's minLength = maxLength does), encoding included.
Run with Debian's interpreter: /usr/bin/python3 tools/torch_seq2seq_bench.py [WORKLOAD...]
"""
import json
import sys

from bench_timing import best_ms
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)
torch.manual_seed(0)

V, E, H, B, SRC_LEN, TGT_LEN, OUT_LEN, BEAM = 8000, 256, 256, 32, 20, 20, 20, 5
BOS, EOS = 1, 2


class Seq2Seq(nn.Module):
    def __init__(self):
        super().__init__()
        self.src_emb = nn.Embedding(V, E)
        self.encoder = nn.GRU(E, H, batch_first=True)
        self.tgt_emb = nn.Embedding(V, E)
        self.cell = nn.GRUCell(E + H, H)
        self.linear_in = nn.Linear(H, H, bias=False)
        self.linear_out = nn.Linear(2 * H, H, bias=False)  # [context; h]
        self.generator = nn.Linear(H, V)

    def encode(self, src):
        memory, h = self.encoder(self.src_emb(src))
        return memory, h[0]

    def step(self, y, h, feed, memory):
        h = self.cell(torch.cat([self.tgt_emb(y), feed], 1), h)
        scores = torch.bmm(memory, self.linear_in(h).unsqueeze(2)).squeeze(2)
        context = torch.bmm(torch.softmax(scores, 1).unsqueeze(1), memory).squeeze(1)
        feed = torch.tanh(self.linear_out(torch.cat([context, h], 1)))
        return h, feed

    def loss(self, src, tgt):
        # Teacher forcing: inputs <s> y₁…y_T, gold y₁…y_T </s>: T + 1 steps, as seqwasm.
        memory, h = self.encode(src)
        dec_in = torch.cat([torch.full((B, 1), BOS), tgt], 1)
        gold = torch.cat([tgt, torch.full((B, 1), EOS)], 1)
        feed = torch.zeros(B, H)
        feeds = []
        for t in range(dec_in.shape[1]):
            h, feed = self.step(dec_in[:, t], h, feed, memory)
            feeds.append(feed)
        logits = self.generator(torch.stack(feeds, 1))  # (B, T+1, V)
        return F.cross_entropy(logits.reshape(-1, V), gold.reshape(-1))

    def log_probs(self, y, h, feed, memory, t):
        h, feed = self.step(y, h, feed, memory)
        lp = torch.log_softmax(self.generator(feed), 1)
        if t < OUT_LEN:
            lp[:, EOS] = -float("inf")  # minLength = OUT_LEN
        return h, feed, lp


model = Seq2Seq()
src = torch.randint(3, V, (B, SRC_LEN))
tgt = torch.randint(3, V, (B, TGT_LEN))


def train():
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)

    def run():
        opt.zero_grad()
        model.loss(src, tgt).backward()
        opt.step()
    return best_ms(run, min_s=0.5)


@torch.no_grad()
def greedy():
    memory, h = model.encode(src)
    feed, y, out = torch.zeros(B, H), torch.full((B,), BOS), []
    for t in range(1, OUT_LEN + 1):
        h, feed, lp = model.log_probs(y, h, feed, memory, t)
        y = lp.argmax(1)
        out.append(y)
    return torch.stack(out, 1)


@torch.no_grad()
def beam():
    # B·K rows, beam-major per sentence; only beam 0 is live at the start. No hypothesis can
    # end before the last step (EOS is blocked), so the K best of the last step are the result.
    K = BEAM
    memory, h = model.encode(src)
    memory, h = memory.repeat_interleave(K, 0), h.repeat_interleave(K, 0)
    feed, y = torch.zeros(B * K, H), torch.full((B * K,), BOS)
    scores = torch.full((B, K), -float("inf"))
    scores[:, 0] = 0
    hist = torch.empty(B * K, 0, dtype=torch.long)
    base = (torch.arange(B) * K).unsqueeze(1)
    for t in range(1, OUT_LEN + 1):
        h, feed, lp = model.log_probs(y, h, feed, memory, t)
        scores, idx = (scores.unsqueeze(2) + lp.view(B, K, V)).view(B, K * V).topk(K, 1)
        rows = (base + idx // V).view(-1)
        y = (idx % V).view(-1)
        h, feed = h.index_select(0, rows), feed.index_select(0, rows)
        hist = torch.cat([hist.index_select(0, rows), y.unsqueeze(1)], 1)
    return hist.view(B, K, OUT_LEN), scores


def sentences_per_s(fn):
    return B / best_ms(fn, min_s=0.5) * 1000


WORKLOADS = {
    "seq2seq-train-b32": train,
    "seq2seq-greedy-b32": lambda: sentences_per_s(greedy),
    "seq2seq-beam5-b32": lambda: sentences_per_s(beam),
}

names = sys.argv[1:] or list(WORKLOADS)
out = {n: WORKLOADS[n]() for n in names}
out["parameters"] = sum(p.numel() for p in model.parameters())
print(json.dumps(out))
