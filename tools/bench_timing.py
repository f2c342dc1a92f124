"""The timing rule of the PyTorch peers in bench/: after a warm-up call, the best of `rounds`
rounds, each running `fn` until at least `min_s` seconds have passed; milliseconds per call."""
import time


def best_ms(fn, rounds=5, min_s=0.3):
    fn()
    best = float("inf")
    for _ in range(rounds):
        n, t0 = 0, time.perf_counter()
        while True:
            fn()
            n += 1
            el = time.perf_counter() - t0
            if el >= min_s:
                break
        best = min(best, el / n * 1000)
    return best
