// Writing files so that nothing a user saved is lost or half-written (Node only): the bytes go
// to a temporary name in the same directory, then one rename puts them in place, so a reader
// sees the old file or the new one, never a mixture, even if the process dies mid-write.
import { SeqwasmError, ErrorCode, describe } from '../errors.js';
import { nodeModule } from './node-module.js';

type Fs = Pick<typeof import('node:fs'), 'writeFileSync' | 'renameSync' | 'unlinkSync' | 'mkdirSync'>;

function writeOne(fs: Fs, path: string, bytes: Uint8Array | string): void {
  const tmp = `${path}.tmp-${process.pid}-${Date.now()}`;
  try {
    fs.writeFileSync(tmp, bytes);
    fs.renameSync(tmp, path);
  } catch (e) {
    try { fs.unlinkSync(tmp); } catch { /* never created */ }
    throw new SeqwasmError(ErrorCode.badFile, `cannot write ${describe(path)}: ${(e as Error).message}`);
  }
}

export async function writeFileAtomic(path: string, bytes: Uint8Array | string): Promise<void> {
  writeOne(await nodeModule<Fs>('node:fs'), path, bytes);
}

/**
 * Writes `files` (name → bytes) into `dir`, creating it, one file at a time in the object's
 * order, each atomically. Synchronous, for callers inside synchronous loops (a training
 * callback saving a checkpoint); `fs` is Node's `node:fs`, which such callers already hold.
 */
export function writeFilesSync(fs: Fs, dir: string, files: Record<string, Uint8Array | string>): void {
  try {
    fs.mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new SeqwasmError(ErrorCode.badFile, `cannot create the directory ${describe(dir)}: ${(e as Error).message}`);
  }
  for (const [name, bytes] of Object.entries(files)) writeOne(fs, `${dir}/${name}`, bytes);
}

export async function writeFiles(dir: string, files: Record<string, Uint8Array | string>): Promise<void> {
  writeFilesSync(await nodeModule<Fs>('node:fs'), dir, files);
}
