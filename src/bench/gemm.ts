// seqwasm's side of the GEMM and GEMV workloads, shared by `seqwasm bench` and bench/.
import type { Backend } from '../core/backend.js';
import { matmul, matvec } from '../ops/blas.js';

export interface Case {
  /** One call of the measured operation. */
  run: () => void;
  /** Converts milliseconds per call into the workload's unit. */
  value: (msPerCall: number) => number;
  release: () => void;
}

export interface OwnWorkload {
  name: string;
  unit: string;
  higherIsBetter: boolean;
  setup: (backend: Backend) => Case;
}

function gemmCase(n: number): OwnWorkload {
  return {
    name: `gemm-${n}`,
    unit: 'GFLOP/s',
    higherIsBetter: true,
    setup(backend) {
      const a = backend.randomUniform([n, n], -1, 1);
      const b = backend.randomUniform([n, n], -1, 1);
      const c = backend.empty([n, n]);
      return {
        run: () => void matmul(a, b, { out: c }),
        value: (ms) => (2 * n * n * n) / (ms * 1e6),
        release: () => [a, b, c].forEach((t) => t.release()),
      };
    },
  };
}

function gemvCase(n: number): OwnWorkload {
  return {
    name: `gemv-${n}`,
    unit: 'GFLOP/s',
    higherIsBetter: true,
    setup(backend) {
      const a = backend.randomUniform([n, n], -1, 1);
      const x = backend.randomUniform([n], -1, 1);
      const y = backend.empty([n]);
      return {
        run: () => void matvec(a, x, { out: y }),
        value: (ms) => (2 * n * n) / (ms * 1e6),
        release: () => [a, x, y].forEach((t) => t.release()),
      };
    },
  };
}

export const linalgWorkloads: OwnWorkload[] = [gemmCase(64), gemmCase(256), gemmCase(1024), gemvCase(1024)];
