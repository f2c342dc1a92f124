// One draw of a token, shared by seq2seq sampling (src/decode/greedy.ts) and the language
// model's generate (src/models/language-model.ts).

/**
 * A draw among `ids` from softmax(score / temperature), truncated to the topK highest scores
 * (0: no limit) and then to the nucleus, the fewest highest-scoring tokens whose probability
 * reaches topP (Hugging Face's order). Only a truncation needs the tokens sorted (ties by id), so
 * plain sampling is O(V). `random` gives uniform numbers in [0, 1); temperature must be > 0.
 */
export function drawToken(score: (v: number) => number, ids: number[], temperature: number, topK: number, topP: number, random: () => number): number {
  let kept = ids;
  if ((topK > 0 && topK < ids.length) || topP < 1) {
    kept = [...ids].sort((a, b) => score(b) - score(a) || a - b);
    if (topK > 0) kept = kept.slice(0, topK);
  }
  const max = kept.reduce((m, v) => Math.max(m, score(v)), -Infinity);
  const weights = kept.map((v) => Math.exp((score(v) - max) / temperature));
  let cut = kept.length;
  if (topP < 1) {
    const total = weights.reduce((a, b) => a + b, 0);
    let acc = 0;
    for (let i = 0; i < kept.length; i++) {
      acc += weights[i] / total;
      if (acc >= topP) { cut = i + 1; break; }
    }
  }
  let mass = 0;
  for (let i = 0; i < cut; i++) mass += weights[i];
  let r = random() * mass;
  for (let i = 0; i < cut; i++) {
    r -= weights[i];
    if (r < 0) return kept[i];
  }
  return kept[cut - 1];
}
