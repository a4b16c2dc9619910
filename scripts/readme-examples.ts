/**
 * README examples as programs: the README tests of the packages take the code blocks from the README
 * itself (never a retyped copy), run them in a child process the way a user would (`node` with
 * `tsx`, the workspace packages resolved to their sources) and compare what they print with what
 * the README says they print.
 *
 * Convention: a line of a README block ending in `// → text` prints `text` (one stdout line). A block
 * fenced ```` ```ts browser ```` is for a page (it uses `document`, `location`, a file picker) and is
 * not run here; the browser suites (`browser-tests/`) cover that code.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (README paths such as `fixtures/gpt2-tiny` are relative to it). */
export const repoRoot = fileURLToPath(new URL('..', import.meta.url));

/**
 * The ```ts blocks of the README section under `heading` (up to the next heading of the same or a
 * higher level), in order. Throws when the section or its code is missing, so a renamed heading
 * fails the test instead of running nothing.
 */
export function readmeBlocks(readmePath: string, heading: string): string[] {
  const text = readFileSync(readmePath, 'utf8');
  const start = text.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`${readmePath}: no section "${heading}"`);
  const level = /^#+/.exec(heading)![0];
  const rest = text.slice(start + heading.length + 2);
  const end = rest.search(new RegExp(`^#{1,${level.length}} `, 'm'));
  const section = end < 0 ? rest : rest.slice(0, end);
  const blocks = [...section.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
  if (blocks.length === 0) throw new Error(`${readmePath}: no \`\`\`ts block under "${heading}"`);
  return blocks;
}

/** What the `// → text` comments of a block say it prints, in order. */
export function statedOutput(code: string): string[] {
  return [...code.matchAll(/\/\/ → (.*)$/gm)].map((m) => m[1]!.trim());
}

/**
 * Runs `code` as an ES module program from the repository root and returns its stdout lines. The
 * file is written inside `packageDir` so its imports resolve the way that package's would.
 */
export function runExample(packageDir: string, code: string, args: string[] = []): string[] {
  const dir = mkdtempSync(join(packageDir, 'test', '.readme-'));
  try {
    const file = join(dir, 'example.mts');
    writeFileSync(file, code);
    const node = ['--conditions=@llmforge/source', '--import', 'tsx', file, ...args];
    const out = execFileSync(process.execPath, node, { cwd: repoRoot, encoding: 'utf8' });
    return out.split('\n').filter((line) => line.length > 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
