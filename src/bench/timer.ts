// A small timer for `seqwasm bench`, which runs from the installed package without the
// benchmark package (a devDependency): repeats a call until enough time has passed and keeps
// the best of several rounds, the figure least disturbed by other work on the machine.
export function bestMsPerCall(fn: () => void, { rounds = 5, minRoundMs = 100 } = {}): number {
  fn(); // warm-up: let the engine tier up
  let best = Infinity;
  for (let r = 0; r < rounds; r++) {
    let calls = 0;
    const t0 = performance.now();
    let elapsed = 0;
    do {
      fn();
      calls++;
      elapsed = performance.now() - t0;
    } while (elapsed < minRoundMs);
    best = Math.min(best, elapsed / calls);
  }
  return best;
}
