// `seqwasm bench`: seqwasm's own workloads on every build this runtime runs, no peers, so users
// can compare runtimes and machines. The full comparison with peers is `npm run bench`.
import { createBackend } from '../node.js';
import type { Build } from '../core/backend.js';
import { relaxedSimdSupported } from '../core/init.js';
import { linalgWorkloads } from '../bench/gemm.js';
import { bestMsPerCall } from '../bench/timer.js';
import type { CliIO } from './io.js';

export async function benchCommand(argv: string[], io: CliIO): Promise<number> {
  const wanted = argv.filter((a) => !a.startsWith('-'));
  const workloads = linalgWorkloads.filter((w) => wanted.length === 0 || wanted.includes(w.name));
  const builds: Build[] = relaxedSimdSupported() ? ['simd', 'relaxed'] : ['simd'];
  const backends = await Promise.all(builds.map((build) => createBackend({ build })));
  io.stdout(`seqwasm bench on ${typeof process !== 'undefined' ? `Node ${process.version}` : 'this runtime'}` +
    (builds.length === 1 ? ' (relaxed SIMD not available here)' : '') + '\n');
  io.stdout(['workload', 'unit', ...builds].join('\t') + '\n');
  for (const w of workloads) {
    const figures = backends.map((backend) => {
      const c = w.setup(backend);
      const value = c.value(bestMsPerCall(c.run));
      c.release();
      return value.toFixed(2);
    });
    io.stdout([w.name, w.unit, ...figures].join('\t') + '\n');
  }
  return 0;
}
