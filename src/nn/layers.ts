// Linear, Embedding and Dropout, with PyTorch's shapes, names and initialisation. Like the
// recurrent layers, forward keeps what backward needs in a workspace, and returned tensors are
// views valid until the layer's next call.
import { SeqwasmError, ErrorCode, describe } from '../errors.js';
import type { Backend } from '../core/backend.js';
import { Tensor } from '../core/tensor.js';
import { getBackend } from '../core/init.js';
import { shapeString, firstNonFinite, type NestedArray } from '../core/shape.js';
import { Module } from './module.js';
import { Workspace } from './workspace.js';

function positiveInt(v: unknown, what: string): number {
  if (!Number.isInteger(v) || (v as number) < 1) {
    throw new SeqwasmError(ErrorCode.badArgument, `${what} must be a positive integer, received ${describe(v)}`);
  }
  return v as number;
}

function floatInput(backend: Backend, x: Tensor | NestedArray, what: string): Tensor {
  if (!(x instanceof Tensor)) return backend.tensor(x);
  if (x.released) throw new SeqwasmError(ErrorCode.released, `${what} was used after release()`);
  if (x.dtype !== 'float32') throw new SeqwasmError(ErrorCode.badDtype, `${what} must be float32, received ${x.dtype}`);
  const bad = firstNonFinite(x.data);
  if (bad >= 0) throw new SeqwasmError(ErrorCode.nonFinite, `${what} holds ${x.data[bad]} at flat index ${bad}`);
  return x;
}

/** y = x·Wᵀ + b over the last dimension, as torch.nn.Linear. */
export class Linear extends Module {
  readonly weight;
  readonly biasParam;
  private readonly ws: Workspace;
  private lastInput: Tensor | null = null;

  constructor(readonly inFeatures: number, readonly outFeatures: number, { bias = true } = {}, backend: Backend = getBackend()) {
    super(backend);
    positiveInt(inFeatures, 'inFeatures');
    positiveInt(outFeatures, 'outFeatures');
    const specs = [{ name: 'weight', shape: [outFeatures, inFeatures] }];
    if (bias) specs.push({ name: 'bias', shape: [outFeatures] });
    const [w, b] = this.createParameters(specs);
    this.weight = w;
    this.biasParam = b ?? null;
    this.ws = new Workspace(backend);
    // PyTorch: kaiming_uniform(a=√5) for W and U(±1/√in) for b both come to U(±1/√in).
    const k = 1 / Math.sqrt(inFeatures);
    for (const p of this.parameters) backend.kernels.randUniform(p.value.ptr, p.value.size, backend.rngState, -k, k);
  }

  forward(input: Tensor | NestedArray): Tensor {
    const x = floatInput(this.backend, input, 'input');
    if (x.shape.length < 1 || x.shape[x.shape.length - 1] !== this.inFeatures) {
      throw new SeqwasmError(ErrorCode.badShape, `input must end in ${this.inFeatures} features, received shape ${shapeString(x.shape)}`);
    }
    const k = this.backend.kernels;
    const rows = x.size / this.inFeatures;
    const saved = this.ws.get('x', x.shape);
    k.copy(x.size, x.ptr, saved.ptr);
    if (x !== input) x.release();
    this.lastInput = saved;
    const y = this.ws.get('y', [...saved.shape.slice(0, -1), this.outFeatures]);
    if (this.biasParam) k.broadcastRows(y.ptr, this.biasParam.value.ptr, rows, this.outFeatures);
    k.gemm(0, 1, rows, this.outFeatures, this.inFeatures, 1, saved.ptr, this.inFeatures, this.weight.value.ptr, this.inFeatures,
      this.biasParam ? 1 : 0, y.ptr, this.outFeatures, this.backend.gemmWork);
    return y;
  }

  /** Adds ∂L/∂W and ∂L/∂b; returns ∂L/∂x. */
  backward(dOutput: Tensor): Tensor {
    const x = this.lastInput;
    if (x === null) throw new SeqwasmError(ErrorCode.badArgument, 'backward() needs a forward() first');
    const dy = floatInput(this.backend, dOutput, 'dOutput');
    const rows = x.size / this.inFeatures;
    if (dy.size !== rows * this.outFeatures) {
      throw new SeqwasmError(ErrorCode.badShape, `dOutput must have ${rows}×${this.outFeatures} values (the output's shape), received shape ${shapeString(dy.shape)}`);
    }
    const k = this.backend.kernels, work = this.backend.gemmWork;
    if (this.weight.requiresGrad) k.gemm(1, 0, this.outFeatures, this.inFeatures, rows, 1, dy.ptr, this.outFeatures, x.ptr, this.inFeatures, 1, this.weight.grad.ptr, this.inFeatures, work);
    if (this.biasParam?.requiresGrad) k.sumRows(this.biasParam.grad.ptr, dy.ptr, rows, this.outFeatures);
    const dx = this.ws.get('dx', x.shape);
    k.gemm(0, 0, rows, this.inFeatures, this.outFeatures, 1, dy.ptr, this.outFeatures, this.weight.value.ptr, this.inFeatures, 0, dx.ptr, this.inFeatures, work);
    return dx;
  }

  override release(): void {
    this.ws.release();
    super.release();
  }
}

/** Any source of pretrained word vectors (KeyedVectors is one). */
export interface VectorSource {
  readonly dim: number;
  has(word: string): boolean;
  get(word: string): Float32Array;
}

export interface PretrainedOptions {
  /** Keep the vectors fixed during training (default true, as torch's from_pretrained). */
  freeze?: boolean;
  paddingIdx?: number | null;
  /** Also look a word up in lower case when its exact form is missing. */
  lowercaseFallback?: boolean;
}

/** How much of a vocabulary pretrained vectors covered. */
export interface Coverage {
  total: number;
  found: number;
  ratio: number;
  /** Words that kept a random N(0, 1) row (the padding row, if any, is zero and not listed). */
  missing: string[];
}

/** A lookup table of vectors, as torch.nn.Embedding (weights N(0, 1); the padding row zero). */
export class Embedding extends Module {
  readonly weight;
  readonly paddingIdx: number | null;
  private readonly ws: Workspace;
  private lastIds: Tensor | null = null;

  constructor(readonly numEmbeddings: number, readonly embeddingDim: number, { paddingIdx = null as number | null } = {}, backend: Backend = getBackend()) {
    super(backend);
    positiveInt(numEmbeddings, 'numEmbeddings');
    positiveInt(embeddingDim, 'embeddingDim');
    if (paddingIdx !== null && (!Number.isInteger(paddingIdx) || paddingIdx < 0 || paddingIdx >= numEmbeddings)) {
      throw new SeqwasmError(ErrorCode.outOfRange, `paddingIdx must be an integer in [0, ${numEmbeddings}), received ${describe(paddingIdx)}`);
    }
    this.paddingIdx = paddingIdx;
    [this.weight] = this.createParameters([{ name: 'weight', shape: [numEmbeddings, embeddingDim] }]);
    this.ws = new Workspace(backend);
    backend.kernels.randNormal(this.weight.value.ptr, this.weight.value.size, backend.rngState, 0, 1);
    if (paddingIdx !== null) this.weight.value.data.fill(0, paddingIdx * embeddingDim, (paddingIdx + 1) * embeddingDim);
  }

  /**
   * An embedding whose row i is the pretrained vector of vocabulary[i] (transfer learning).
   * Rows of words the source lacks stay N(0, 1), like a fresh Embedding's, and are reported.
   */
  static fromPretrained(source: VectorSource, vocabulary: readonly string[], options: PretrainedOptions = {},
                        backend: Backend = getBackend()): { embedding: Embedding; coverage: Coverage } {
    const { freeze = true, paddingIdx = null, lowercaseFallback = false } = options;
    if (!Array.isArray(vocabulary) || vocabulary.length === 0 || vocabulary.some((w) => typeof w !== 'string')) {
      throw new SeqwasmError(ErrorCode.badArgument, `vocabulary must be a non-empty array of strings, received ${describe(vocabulary)}`);
    }
    const embedding = new Embedding(vocabulary.length, positiveInt(source?.dim, 'source.dim'), { paddingIdx }, backend);
    const weights = embedding.weight.value;
    const missing: string[] = [];
    let found = 0;
    vocabulary.forEach((word, i) => {
      if (i === paddingIdx) return;
      const key = source.has(word) ? word : lowercaseFallback && source.has(word.toLowerCase()) ? word.toLowerCase() : null;
      if (key === null) {
        missing.push(word);
        return;
      }
      const v = source.get(key);
      if (v.length !== embedding.embeddingDim) {
        throw new SeqwasmError(ErrorCode.badSize, `vector of ${JSON.stringify(key)} has ${v.length} values, expected ${embedding.embeddingDim} (source.dim)`);
      }
      weights.data.set(v, i * embedding.embeddingDim);
      found++;
    });
    embedding.weight.requiresGrad = !freeze;
    const total = vocabulary.length - (paddingIdx === null ? 0 : 1);
    return { embedding, coverage: { total, found, ratio: total === 0 ? 0 : found / total, missing } };
  }

  /** ids: int32 tensor or nested integer arrays of any shape; returns (...ids.shape, dim). */
  forward(ids: Tensor | NestedArray): Tensor {
    const t = ids instanceof Tensor ? ids : this.backend.tensor(ids, undefined, { dtype: 'int32' });
    if (t.dtype !== 'int32') throw new SeqwasmError(ErrorCode.badDtype, `ids must be int32, received ${t.dtype}`);
    const v = t.data;
    for (let i = 0; i < v.length; i++) {
      if (v[i] < 0 || v[i] >= this.numEmbeddings) {
        throw new SeqwasmError(ErrorCode.outOfRange, `token id ${v[i]} at flat index ${i} is out of range: expected 0 ≤ id < ${this.numEmbeddings}`);
      }
    }
    const saved = this.ws.get('ids', t.shape, 'int32');
    this.backend.kernels.copy(t.size, t.ptr, saved.ptr);
    if (t !== ids) t.release();
    this.lastIds = saved;
    const out = this.ws.get('out', [...saved.shape, this.embeddingDim]);
    this.backend.kernels.embeddingForward(out.ptr, this.weight.value.ptr, saved.ptr, saved.size, this.embeddingDim);
    return out;
  }

  /** Adds ∂L/∂W (rows of the ids seen, none for paddingIdx). */
  backward(dOutput: Tensor): void {
    const ids = this.lastIds;
    if (ids === null) throw new SeqwasmError(ErrorCode.badArgument, 'backward() needs a forward() first');
    if (dOutput.size !== ids.size * this.embeddingDim) {
      throw new SeqwasmError(ErrorCode.badShape, `dOutput must have shape ${shapeString([...ids.shape, this.embeddingDim])}, received ${shapeString(dOutput.shape)}`);
    }
    if (!this.weight.requiresGrad) return;
    this.backend.kernels.embeddingBackward(this.weight.grad.ptr, dOutput.ptr, ids.ptr, ids.size, this.embeddingDim, this.paddingIdx ?? -1);
  }

  override release(): void {
    this.ws.release();
    super.release();
  }
}

/** Inverted dropout, as torch.nn.Dropout: active in training mode only. */
export class Dropout extends Module {
  private readonly ws: Workspace;
  private lastMask: Tensor | null = null;

  constructor(readonly p = 0.5, backend: Backend = getBackend()) {
    super(backend);
    if (typeof p !== 'number' || !(p >= 0 && p < 1)) {
      throw new SeqwasmError(ErrorCode.badArgument, `p must be a number in [0, 1), received ${describe(p)}`);
    }
    this.ws = new Workspace(backend);
  }

  forward(x: Tensor): Tensor {
    const k = this.backend.kernels;
    const y = this.ws.get('y', x.shape);
    if (!this.training || this.p === 0) {
      k.copy(x.size, x.ptr, y.ptr);
      this.lastMask = null;
      return y;
    }
    const mask = this.ws.get('mask', x.shape);
    k.dropoutMask(mask.ptr, mask.size, this.backend.rngState, this.p);
    k.mul(x.size, x.ptr, mask.ptr, y.ptr);
    this.lastMask = mask;
    return y;
  }

  backward(dOutput: Tensor): Tensor {
    const dx = this.ws.get('dx', dOutput.shape);
    if (this.lastMask) this.backend.kernels.mul(dOutput.size, dOutput.ptr, this.lastMask.ptr, dx.ptr);
    else this.backend.kernels.copy(dOutput.size, dOutput.ptr, dx.ptr);
    return dx;
  }

  override release(): void {
    this.ws.release();
    super.release();
  }
}
