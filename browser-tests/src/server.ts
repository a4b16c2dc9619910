/**
 * A static server on 127.0.0.1 (a secure context, so `navigator.gpu` exists) that sends the
 * COOP/COEP headers a page needs to be cross-origin isolated (SharedArrayBuffer, hence the CPU
 * backend's worker threads). Files come from a map of URL path → bytes, or from directories.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
};

/** A running server: its origin (`http://127.0.0.1:PORT`) and `close()`. */
export interface StaticServer {
  origin: string;
  close(): Promise<void>;
}

/**
 * Serves `files` (path → content) and, under each `mounts` prefix, a directory of the file system.
 *
 * @example
 * ```ts
 * const server = await serve({ '/': '<script type="module" src="/page.js"></script>' }, { '/fixtures/': 'fixtures' });
 * ```
 */
export async function serve(
  files: Record<string, string | Uint8Array>,
  mounts: Record<string, string> = {},
  isolated = true,
): Promise<StaticServer> {
  const server: Server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const headers: Record<string, string> = isolated
      ? { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' }
      : {};
    let body: string | Uint8Array | undefined = files[path];
    if (body === undefined) {
      for (const [prefix, dir] of Object.entries(mounts)) {
        if (!path.startsWith(prefix)) continue;
        const rel = normalize(path.slice(prefix.length));
        if (rel.startsWith('..')) break;
        body = await readFile(join(dir, rel)).catch(() => undefined);
        break;
      }
    }
    if (body === undefined) {
      res.writeHead(404, headers).end('not found');
      return;
    }
    const type = TYPES[extname(path)] ?? (path.endsWith('/') ? TYPES['.html']! : 'application/octet-stream');
    res.writeHead(200, { ...headers, 'Content-Type': type }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
