/**
 * File-system failures a test cannot cause for real (a full disk, an I/O error, a read-only file
 * system when tests run as root), injected through a mock of `node:fs/promises` that wraps the real
 * module. A test file mocks the module with this factory and sets `faults.active`:
 *
 * ```ts
 * vi.mock('node:fs/promises', async (real) =>
 *   (await import('./helpers/fs-faults.js')).faultyFs(await real()));
 * import { faults } from './helpers/fs-faults.js';
 * faults.active = { op: 'write', code: 'ENOSPC', match: /\.tmp-/ }; // writes to temporaries fail
 * ```
 *
 * File handles opened through the mock fail on `write` / `read` / `sync` when their path matches;
 * `open`, `mkdir` and `rename` (matched on the source path) fail themselves. This module must not
 * import `node:fs/promises` (it is what gets mocked).
 */

export type FaultOp = 'open' | 'write' | 'read' | 'sync' | 'rename' | 'mkdir';

/** The failure to inject: on operation `op` of a path matching `match`, throw an error with `code`. */
export interface Fault {
  op: FaultOp;
  code: string;
  match: RegExp;
}

/** What the mock consults; set `active` in a test, reset it afterwards. */
export const faults: { active: Fault | undefined; hits: number } = { active: undefined, hits: 0 };

function maybeFail(op: FaultOp, path: string): void {
  const f = faults.active;
  if (f && f.op === op && f.match.test(path)) {
    faults.hits++;
    throw Object.assign(new Error(`${f.code}: simulated, ${op} '${path}'`), {
      code: f.code,
      syscall: op,
      path,
    });
  }
}

type FsPromises = typeof import('node:fs/promises');

/** The mocked module: the real one with failing open / mkdir / rename and failing handles. */
export function faultyFs(real: FsPromises): FsPromises {
  const open: FsPromises['open'] = async (path, flags, mode) => {
    maybeFail('open', String(path));
    const handle = await real.open(path, flags, mode);
    return new Proxy(handle, {
      get(target, key) {
        if (key === 'write' || key === 'read' || key === 'sync') {
          return async (...args: unknown[]) => {
            maybeFail(key, String(path));
            return (target[key] as (...a: unknown[]) => unknown).apply(target, args);
          };
        }
        const value = Reflect.get(target, key);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  };
  const rename: FsPromises['rename'] = async (from, to) => {
    maybeFail('rename', String(from));
    return real.rename(from, to);
  };
  const mkdir = (async (
    path: Parameters<FsPromises['mkdir']>[0],
    options?: Parameters<FsPromises['mkdir']>[1],
  ) => {
    maybeFail('mkdir', String(path));
    return real.mkdir(path, options);
  }) as FsPromises['mkdir'];
  const patched = { open, rename, mkdir };
  return { ...real, ...patched, default: { ...real, ...patched } } as FsPromises;
}
