/**
 * Which of the files a user picked or dropped make a checkpoint. A demo run directory holds
 * `tokenizer.json` at its top and the model (`config.json` + `model.safetensors`) in a
 * sub-folder; a trainer checkpoint holds all three in one folder; a user may also pick the three
 * files alone. So: every folder with both `config.json` and `model.safetensors` is a model, and its
 * tokenizer is the `tokenizer.json` in that folder or the nearest folder above it.
 *
 *   run/tokenizer.json, run/model/config.json, run/model/model.safetensors, run/metrics.jsonl
 *   → [{ dir: 'run/model', config, weights, tokenizer: run/tokenizer.json }]
 */
import { CheckpointFilesError } from '../errors.js';
import type { CheckpointBytes } from './checkpoint.js';

/** A file with its path relative to what was picked (`run/model/config.json`, or just `config.json`). */
export interface NamedFile {
  path: string;
  file: Blob;
}

/** One model found among the files, with its tokenizer. */
export interface FoundCheckpoint {
  /** The model's folder ('' when the files were picked alone). */
  dir: string;
  config: NamedFile;
  weights: NamedFile;
  tokenizer: NamedFile;
}

function split(path: string): { dir: string; name: string } {
  const clean = path.replace(/\\/g, '/').replace(/^\/+/, '');
  const at = clean.lastIndexOf('/');
  return at < 0 ? { dir: '', name: clean } : { dir: clean.slice(0, at), name: clean.slice(at + 1) };
}

function parent(dir: string): string | null {
  if (dir === '') return null;
  const at = dir.lastIndexOf('/');
  return at < 0 ? '' : dir.slice(0, at);
}

/**
 * The checkpoints among `files`, in path order. Throws {@link CheckpointFilesError} naming what is
 * missing when there is none.
 *
 * @example
 * ```ts
 * findCheckpoints([{ path: 'config.json', file }, { path: 'model.safetensors', file }, { path: 'tokenizer.json', file }]);
 * // [{ dir: '', config, weights, tokenizer }]
 * ```
 */
export function findCheckpoints(files: readonly NamedFile[]): FoundCheckpoint[] {
  const byDir = new Map<string, Map<string, NamedFile>>();
  for (const f of files) {
    const { dir, name } = split(f.path);
    if (!byDir.has(dir)) byDir.set(dir, new Map());
    byDir.get(dir)!.set(name, f);
  }
  const found: FoundCheckpoint[] = [];
  const dirs = [...byDir.keys()].sort();
  for (const dir of dirs) {
    const inDir = byDir.get(dir)!;
    const config = inDir.get('config.json');
    const weights = inDir.get('model.safetensors');
    if (!config || !weights) continue;
    let tokenizer: NamedFile | undefined;
    for (let d: string | null = dir; d !== null && !tokenizer; d = parent(d)) {
      tokenizer = byDir.get(d)?.get('tokenizer.json');
    }
    if (tokenizer) found.push({ dir, config, weights, tokenizer });
  }
  if (found.length > 0) return found;
  const names = new Set(files.map((f) => split(f.path).name));
  const missing = ['config.json', 'model.safetensors', 'tokenizer.json'].filter((n) => !names.has(n));
  throw new CheckpointFilesError({
    operation: 'load checkpoint',
    expected:
      'config.json and model.safetensors in one folder, and tokenizer.json there or in a folder above',
    found:
      files.length === 0
        ? 'no files'
        : missing.length > 0
          ? `no ${missing.join(', no ')} among ${files.length} file(s)`
          : 'the files in folders that do not go together',
    hint: 'pick or drop a demo run directory, a trainer checkpoint folder, or the three files together',
  });
}

/**
 * Reads the three files of a checkpoint.
 *
 * @example
 * ```ts
 * const bytes = await readCheckpoint(findCheckpoints(files)[0]!);
 * ```
 */
export async function readCheckpoint(c: FoundCheckpoint): Promise<CheckpointBytes> {
  const [config, weights, tokenizer] = await Promise.all([
    c.config.file.text(),
    c.weights.file.arrayBuffer(),
    c.tokenizer.file.text(),
  ]);
  return { config, weights: new Uint8Array(weights), tokenizer };
}
