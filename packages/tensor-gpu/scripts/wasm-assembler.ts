/**
 * The assembler behind `build-wasm.ts` (and the test that checks the committed bytes): expands
 * `f32x4.madd`, inlines the functions marked `(@inline)`, wraps the `.wat` fragments in one module
 * that imports the shared memory, and assembles it with wabt (the WebAssembly Binary Toolkit's
 * JavaScript build, a devDependency).
 */
import wabtInit from 'wabt';

/** The fragments, in module order. */
export const KERNEL_SOURCES = [
  'common.wat',
  'math.wat',
  'elementwise.wat',
  'gemm.wat',
  'rows.wat',
  'attention.wat',
  'layout.wat',
] as const;

/** Index just past the balanced s-expression starting at `text[i] === '('`. */
function skipGroup(text: string, i: number): number {
  let depth = 0;
  for (let j = i; j < text.length; j++) {
    const ch = text[j];
    if (ch === ';' && text[j + 1] === ';') {
      j = text.indexOf('\n', j);
      if (j < 0) break;
      continue;
    }
    if (ch === '(') depth++;
    else if (ch === ')') {
      depth--;
      if (depth === 0) return j + 1;
    }
  }
  throw new Error(`unbalanced parentheses at offset ${i}`);
}

/** Rewrites every `(f32x4.madd A B C)`, innermost first. */
export function expandMadd(text: string, relaxed: boolean): string {
  const tag = '(f32x4.madd';
  for (;;) {
    const at = text.lastIndexOf(tag);
    if (at < 0) return text;
    const end = skipGroup(text, at);
    const args: string[] = [];
    let i = at + tag.length;
    while (args.length < 3) {
      while (/\s/.test(text[i] ?? '')) i++;
      if (text[i] !== '(') throw new Error(`f32x4.madd operand at ${i} is not a parenthesised expression`);
      const j = skipGroup(text, i);
      args.push(text.slice(i, j));
      i = j;
    }
    const [a, b, c] = args as [string, string, string];
    const expr = relaxed ? `(f32x4.relaxed_madd ${a} ${b} ${c})` : `(f32x4.add (f32x4.mul ${a} ${b}) ${c})`;
    text = text.slice(0, at) + expr + text.slice(end);
  }
}

/** The parenthesised groups of `text` from `i` up to the closing parenthesis of the enclosing one. */
function groupsFrom(text: string, i: number): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  for (;;) {
    while (/\s/.test(text[i] ?? '')) i++;
    if (text.startsWith(';;', i)) {
      i = text.indexOf('\n', i) + 1;
      continue;
    }
    if (text[i] !== '(') return out;
    const end = skipGroup(text, i);
    out.push({ start: i, end });
    i = end;
  }
}

interface InlineFunction {
  params: string[];
  locals: { name: string; type: string }[];
  result: string | null;
  body: string;
}

const ZERO: Record<string, string> = {
  i32: '(i32.const 0)',
  i64: '(i64.const 0)',
  f32: '(f32.const 0)',
  f64: '(f64.const 0)',
  v128: '(v128.const i32x4 0 0 0 0)',
};

/** Reads `(func $name (@inline) (param $p T)… (result T)? (local $l T)… body…)` at `text[at]`. */
function parseInline(text: string, at: number, end: number): InlineFunction {
  const fn: InlineFunction = { params: [], locals: [], result: null, body: '' };
  const header = /^\((param|local|result)\s+(?:\$([\w.]+)\s+)?(\w+)\s*\)$/;
  const groups = groupsFrom(text, text.indexOf('(@inline)', at) + '(@inline)'.length);
  let bodyStart = end - 1;
  for (const g of groups) {
    const m = header.exec(text.slice(g.start, g.end));
    if (!m) {
      bodyStart = g.start;
      break;
    }
    const [, kind, name, type] = m as unknown as [string, string, string | undefined, string];
    if (kind === 'result') fn.result = type;
    else if (!name) throw new Error(`inline function at ${at}: name every ${kind}`);
    else {
      fn.locals.push({ name, type });
      if (kind === 'param') fn.params.push(name);
    }
  }
  fn.body = text.slice(bodyStart, end - 1);
  return fn;
}

/**
 * Inlines every `(call $f …)` of a function declared `(func $f (@inline) …)` and drops those
 * functions. V8 (through Node 20) does not inline WebAssembly calls, and a call per vector of four
 * floats (exp, erf, a binary op) costs more than the arithmetic. The call becomes a block:
 *
 *   (call $sq (local.get $a))   with   (func $sq (@inline) (param $x f32) (result f32) (f32.mul (local.get $x) (local.get $x)))
 *   → (block $inline3 (result f32) (local.set $x__3 (local.get $a)) (f32.mul (local.get $x__3) (local.get $x__3)))
 *
 * Parameters and locals become locals of the caller (renamed `$name__N`, zeroed at the start of the
 * block since an inlined body may rely on fresh zeroed locals), `return` becomes a branch out of the
 * block, and nested inline calls are expanded in turn. Arguments must be folded expressions.
 */
export function inlineCalls(text: string): string {
  const inline = new Map<string, InlineFunction>();
  const decl = /\(func\s+\$([\w.]+)\s+\(@inline\)/g;
  for (;;) {
    decl.lastIndex = 0;
    const m = decl.exec(text);
    if (!m) break;
    const end = skipGroup(text, m.index);
    inline.set(m[1]!, parseInline(text, m.index, end));
    text = text.slice(0, m.index) + text.slice(end);
  }
  if (inline.size === 0) return text;
  const call = new RegExp(`\\(call\\s+\\$(${[...inline.keys()].join('|')})(?=[\\s)])`, 'g');
  for (let n = 0; ; n++) {
    let last: RegExpExecArray | null = null;
    call.lastIndex = 0;
    for (let m = call.exec(text); m; m = call.exec(text)) last = m;
    if (!last) return text;
    const fn = inline.get(last[1]!)!;
    const at = last.index;
    const end = skipGroup(text, at);
    const args = groupsFrom(text, at + last[0].length).map((g) => text.slice(g.start, g.end));
    if (args.length !== fn.params.length) {
      throw new Error(
        `call $${last[1]} at ${at}: expected ${fn.params.length} folded arguments, found ${args.length}`,
      );
    }
    const names = new Set(fn.locals.map((l) => l.name));
    const body = fn.body
      .replace(/\b(local\.(?:get|set|tee))\s+\$([\w.]+)/g, (s, op: string, name: string) =>
        names.has(name) ? `${op} $${name}__${n}` : s,
      )
      .replace(/\(return(?=[\s)])/g, `(br $inline${n}`);
    const sets = fn.locals.map((l, i) =>
      i < fn.params.length
        ? `(local.set $${l.name}__${n} ${args[i]})`
        : `(local.set $${l.name}__${n} ${ZERO[l.type] ?? '(unreachable)'})`,
    );
    const block = `(block $inline${n}${fn.result ? ` (result ${fn.result})` : ''} ${sets.join(' ')}\n${body})`;
    text = text.slice(0, at) + block + text.slice(end);
    // declare the new locals in the enclosing function, after its params, result and locals
    const insertAt = headerEnd(text, text.lastIndexOf('(func ', at));
    const decls = fn.locals.map((l) => ` (local $${l.name}__${n} ${l.type})`).join('');
    text = text.slice(0, insertAt) + decls + text.slice(insertAt);
  }
}

/** End of a function's header (name, export, params, result, locals): where its body starts. */
function headerEnd(text: string, funcAt: number): number {
  let at = text.indexOf(' ', funcAt + 6);
  for (const g of groupsFrom(text, at)) {
    if (!/^\((export|param|result|local)\s/.test(text.slice(g.start, g.start + 8))) break;
    at = g.end;
  }
  return at;
}

/** The whole module's text for one variant. */
export function moduleText(sources: readonly { name: string; text: string }[], relaxed: boolean): string {
  const body = sources.map((s) => `;; ---- ${s.name} ----\n${expandMadd(s.text, relaxed)}`).join('\n');
  return inlineCalls(`(module\n(import "env" "mem" (memory 1 65536 shared))\n${body}\n)\n`);
}

const FEATURES = { simd: true, threads: true, relaxed_simd: true, multi_value: true };

/** Both variants' bytes, and the TypeScript file that embeds them. */
export async function assembleKernels(sources: readonly { name: string; text: string }[]): Promise<{
  plain: Uint8Array;
  relaxed: Uint8Array;
  module: string;
  plainBytes: number;
  relaxedBytes: number;
}> {
  const wabt = await wabtInit();
  const build = (relaxed: boolean): Uint8Array => {
    const mod = wabt.parseWat(
      relaxed ? 'kernels-relaxed.wat' : 'kernels.wat',
      new TextEncoder().encode(moduleText(sources, relaxed)),
      FEATURES,
    );
    try {
      (mod.validate as (f?: typeof FEATURES) => void)(FEATURES);
      return mod.toBinary({ log: false, write_debug_names: true }).buffer;
    } finally {
      mod.destroy();
    }
  };
  const plain = build(false);
  const relaxed = build(true);
  const b64 = (u: Uint8Array) => Buffer.from(u).toString('base64');
  const wrap = (s: string) => s.replace(/.{1,100}/g, (line) => `  '${line}' +\n`).replace(/ \+\n$/, ';\n');
  const module = `// Generated by scripts/build-wasm.ts from src/cpu/wasm/*.wat — do not edit; run \`pnpm build:wasm\`.
/* biome-ignore-all format: generated */

/** The kernels with plain SIMD (mul + add), base64. */
export const PLAIN_KERNELS =
${wrap(b64(plain))}
/** The kernels with relaxed SIMD (fused multiply-add), base64. */
export const RELAXED_KERNELS =
${wrap(b64(relaxed))}`;
  return { plain, relaxed, module, plainBytes: plain.length, relaxedBytes: relaxed.length };
}
