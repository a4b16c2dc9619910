#!/usr/bin/env node
// `llmforge-demo`: runs src/main.ts from source (the demo is not built or published) in a Node
// started with tsx and the `@llmforge/source` export condition, so the workspace packages resolve
// to their TypeScript source too. Ctrl-C reaches the child (same process group), which stops
// after the current training step; this launcher waits and exits with the child's code.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const child = spawn(
  process.execPath,
  ['--conditions=@llmforge/source', '--import', import.meta.resolve('tsx'), main, ...process.argv.slice(2)],
  { stdio: 'inherit' },
);
process.on('SIGINT', () => {}); // the child handles it
process.on('SIGTERM', () => child.kill('SIGTERM'));
child.on('exit', (code, signal) => {
  process.exitCode = code ?? (signal === 'SIGINT' ? 130 : 1);
});
