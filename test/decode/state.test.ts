import { describe, it, expect, beforeAll } from 'vitest';
import type { Backend } from '../../src/core/backend.js';
import { selectRows } from '../../src/decode/index.js';
import { SeqwasmError } from '../../src/errors.js';
import { bothBuilds, randomArray } from '../helpers.js';

let builds: Backend[];
beforeAll(async () => { builds = await bothBuilds(); });

describe.each(['simd', 'relaxed'])('%s build', (name) => {
  const be = () => builds[name === 'simd' ? 0 : 1];
  it('selectRows gathers rows of any trailing shape, into a new tensor or `out`', () => {
    const t = be().tensor(randomArray(3 * 2 * 5, 1), [3, 2, 5]);
    const rows = [2, 2, 0, 1];
    const s = selectRows(t, rows);
    expect(s.shape).toEqual([4, 2, 5]);
    rows.forEach((r, i) => expect(Array.from(s.data.subarray(i * 10, i * 10 + 10))).toEqual(Array.from(t.data.subarray(r * 10, r * 10 + 10))));
    const out = be().zeros([4, 2, 5]);
    selectRows(t, rows, out);
    expect(Array.from(out.data)).toEqual(Array.from(s.data));
    const ids = be().tensor([7, 8, 9], [3], { dtype: 'int32' });
    expect(Array.from(selectRows(ids, [1, 1]).data)).toEqual([8, 8]);
    expect(() => selectRows(t, [3])).toThrow(SeqwasmError);
    expect(() => selectRows(t, [0.5])).toThrow(SeqwasmError);
    expect(() => selectRows(t, [0], be().zeros([2, 2, 5]))).toThrow(SeqwasmError);
    expect(() => selectRows(t, [0, 1, 2], t)).toThrow(SeqwasmError);
  });
});
