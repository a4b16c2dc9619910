#!/usr/bin/env node
// Runs publint and @arethetypeswrong/cli over every publishable package (not private) in the
// workspace, after `pnpm build`. Exits non-zero when either reports an error.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const dirs = ['packages', 'apps']
  .filter((d) => existsSync(join(root, d)))
  .flatMap((d) => readdirSync(join(root, d)).map((name) => join(root, d, name)))
  .filter((dir) => existsSync(join(dir, 'package.json')));

let failed = 0;
for (const dir of dirs) {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  if (pkg.private) continue;
  for (const [tool, args] of [
    ['publint', ['--strict']],
    // node16 profile: these packages need Node >= 20, so TypeScript's legacy `node10` resolution
    // (which ignores `exports` subpaths such as `/node`) is out of scope.
    ['attw', ['--pack', '.', '--profile', 'node16', '--format', 'table-flipped']],
  ]) {
    process.stdout.write(`${tool} ${pkg.name}: `);
    try {
      const out = execFileSync(join(root, 'node_modules/.bin', tool), args, { cwd: dir, encoding: 'utf8' });
      console.log('ok');
      if (/warning|suggestion/i.test(out)) console.log(out.trim());
    } catch (error) {
      failed++;
      console.log('FAILED');
      console.log(String(error.stdout ?? ''), String(error.stderr ?? ''));
    }
  }
}
if (failed > 0) {
  console.error(`check-packages: ${failed} check(s) failed`);
  process.exitCode = 1;
} else {
  console.log(`check-packages: publint and attw clean on ${dirs.length} package(s)`);
}
