#!/usr/bin/env node
// Fails when a module in any package's `src/` imports itself back at runtime, directly or through
// other modules (an import cycle). A cycle makes evaluation order decide whether a class or
// constant exists yet when a module body runs, so "read top-down, change bottom-up" stops being
// true. Type-only imports are erased by the compiler and do not count.
//
// What counts as a runtime edge (the tsconfig has `verbatimModuleSyntax`, so what is written is
// what is emitted):
//   import { a } from './x.js'          runtime
//   import './x.js'                     runtime (side effect)
//   import { type A } from './x.js'     runtime: verbatimModuleSyntax keeps it as `import './x.js'`;
//                                       write `import type { A }` instead
//   import type { A } from './x.js'     erased
//   export { a } from './x.js'          runtime;  `export type { A } from` and `export { type A }`
//   export * from './x.js'              runtime   with only type specifiers are erased
//   await import('./x.js')              not counted (evaluated later, on demand)
// Only relative specifiers are followed (packages may not import each other in a cycle either,
// but the workspace's dependency graph is checked by pnpm, not here).
//
// Usage: node scripts/check-cycles.mjs [--types] [package-dir ...]   (default: packages/* and apps/*)
//   --types   also follow type-only imports: lists type-level cycles too (a report; they are legal,
//             but a type that two modules import from each other usually belongs in a types.ts)
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

const root = new URL('..', import.meta.url).pathname;

/** Every .ts/.tsx/.mts file under `dir` (tests and declaration files excluded). */
function sourceFiles(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (/\.(ts|tsx|mts)$/.test(name) && !/\.d\.ts$|\.test\.tsx?$/.test(name)) out.push(path);
  }
  return out;
}

/** `./x.js` written in `from` → the source file it names, or undefined for packages and assets. */
function resolveSpecifier(from, specifier) {
  if (!specifier.startsWith('.')) return undefined;
  const base = resolve(dirname(from), specifier);
  const stem = base.replace(/\.(m?js|jsx)$/, '');
  for (const candidate of [
    base,
    `${stem}.ts`,
    `${stem}.tsx`,
    `${stem}.mts`,
    join(base, 'index.ts'),
    join(base, 'index.tsx'),
  ]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return undefined;
}

/** The runtime imports of one file, each with its line (for the report). */
function runtimeImports(file, withTypes = false) {
  const text = readFileSync(file, 'utf8');
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false);
  const edges = [];
  for (const statement of sf.statements) {
    let specifier;
    if (ts.isImportDeclaration(statement)) {
      if (statement.importClause?.isTypeOnly && !withTypes) continue;
      specifier = statement.moduleSpecifier;
    } else if (ts.isExportDeclaration(statement) && statement.moduleSpecifier) {
      if (statement.isTypeOnly && !withTypes) continue;
      const clause = statement.exportClause;
      // `export { type A, type B } from` re-exports nothing at runtime and is dropped entirely
      if (!withTypes && clause && ts.isNamedExports(clause) && clause.elements.length > 0) {
        if (clause.elements.every((e) => e.isTypeOnly)) continue;
      }
      specifier = statement.moduleSpecifier;
    } else {
      continue;
    }
    if (!ts.isStringLiteral(specifier)) continue;
    const target = resolveSpecifier(file, specifier.text);
    if (!target) continue;
    const line = sf.getLineAndCharacterOfPosition(statement.getStart(sf)).line + 1;
    edges.push({ target, line });
  }
  return edges;
}

/** Tarjan's strongly connected components; every component with a cycle (size > 1 or a self-edge). */
function cyclicComponents(graph) {
  let index = 0;
  const stack = [];
  const onStack = new Set();
  const idx = new Map();
  const low = new Map();
  const components = [];
  const visit = (v) => {
    // iterative DFS (a deep chain of modules must not overflow the stack)
    const work = [{ v, i: 0 }];
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    while (work.length > 0) {
      const frame = work[work.length - 1];
      const edges = graph.get(frame.v) ?? [];
      if (frame.i < edges.length) {
        const w = edges[frame.i++].target;
        if (!idx.has(w)) {
          idx.set(w, index);
          low.set(w, index++);
          stack.push(w);
          onStack.add(w);
          work.push({ v: w, i: 0 });
        } else if (onStack.has(w)) {
          low.set(frame.v, Math.min(low.get(frame.v), idx.get(w)));
        }
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1].v;
        low.set(parent, Math.min(low.get(parent), low.get(frame.v)));
      }
      if (low.get(frame.v) === idx.get(frame.v)) {
        const component = [];
        let w;
        do {
          w = stack.pop();
          onStack.delete(w);
          component.push(w);
        } while (w !== frame.v);
        const selfEdge = (graph.get(frame.v) ?? []).some((e) => e.target === frame.v);
        if (component.length > 1 || selfEdge) components.push(component);
      }
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return components;
}

/** One shortest cycle through `start` inside `component` (breadth-first), as a list of edges. */
function exampleCycle(graph, component, start) {
  const inside = new Set(component);
  const prev = new Map([[start, null]]);
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift();
    for (const edge of graph.get(v) ?? []) {
      if (!inside.has(edge.target)) continue;
      if (edge.target === start) {
        const path = [{ from: v, ...edge }];
        for (let at = v; prev.get(at); at = prev.get(at).from) path.unshift(prev.get(at));
        return path;
      }
      if (!prev.has(edge.target)) {
        prev.set(edge.target, { from: v, ...edge });
        queue.push(edge.target);
      }
    }
  }
  return [];
}

const withTypes = process.argv.includes('--types');
const args = process.argv.slice(2).filter((a) => a !== '--types');
const kind = withTypes ? 'import (type-only included)' : 'runtime import';
const packageDirs = (
  args.length > 0
    ? args.map((a) => resolve(a))
    : ['packages', 'apps']
        .filter((d) => existsSync(join(root, d)))
        .flatMap((d) => readdirSync(join(root, d)).map((name) => join(root, d, name)))
).filter((dir) => existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'src')));

let failed = 0;
for (const dir of packageDirs) {
  const name = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).name ?? relative(root, dir);
  const files = sourceFiles(join(dir, 'src'));
  const graph = new Map(files.map((f) => [f, runtimeImports(f, withTypes)]));
  const edgeCount = [...graph.values()].reduce((n, e) => n + e.length, 0);
  const components = cyclicComponents(graph);
  if (components.length === 0) {
    console.log(
      `${name}: no ${kind} cycle (${files.length} files, ${edgeCount} ${withTypes ? 'imports' : 'runtime imports'})`,
    );
    continue;
  }
  failed += components.length;
  console.log(`${name}: ${components.length} ${kind} cycle(s) (${files.length} files)`);
  const rel = (f) => relative(dir, f);
  for (const component of components) {
    const sorted = component.map(rel).sort();
    console.log(`  ${sorted.length} modules import each other: ${sorted.join(', ')}`);
    const start = component.find((f) => rel(f) === sorted[0]);
    const cycle = exampleCycle(graph, component, start);
    const steps = cycle.map((e) => `${rel(e.from)}:${e.line}`).join(' → ');
    console.log(`    e.g. ${steps} → ${rel(start)}`);
  }
}
if (failed > 0) {
  console.error(
    `check-cycles: ${failed} ${kind} cycle(s); break them (move shared types to a types.ts ` +
      'imported with `import type`, or inject the dependency) — see the header of scripts/check-cycles.mjs',
  );
  process.exitCode = 1;
} else {
  console.log(`check-cycles: no ${kind} cycle in ${packageDirs.length} package(s)`);
}
