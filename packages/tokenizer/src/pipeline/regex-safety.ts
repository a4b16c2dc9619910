/**
 * Catastrophic backtracking: a check that a split / replace regex runs in linear time before a
 * tokenizer file is allowed to use it.
 *
 * JS regexes backtrack and cannot be interrupted: `(a+)+$` takes a second on 26 "a"s followed by
 * "!" (each extra "a" doubles the time), `\s*\s*$` a second on 1,000 spaces. HF tokenizers
 * (Oniguruma) backtracks too and hangs the same way. A linear-time engine (RE2) is no way out: it
 * has no lookaround, which the split patterns of real tokenizers use (`\s+(?!\S)`).
 *
 * So patterns from files are analysed when they are loaded, the way ReDoS checkers do it (Weideman
 * et al., "Analyzing matching time behavior of backtracking regular expression matchers by using
 * ambiguity of NFA", 2016): the regex becomes an automaton whose paths are the matcher's ways of
 * matching, and
 *
 * - **exponential**: some state has two different loops reading the same word (`(a+)+`: the
 *   "a"s can be grouped in 2^n ways; `(\w|\d)+`: each digit taken by either branch);
 * - **polynomial**: states p ≠ q where p loops, p reaches q and q loops on one word (`\s*\s*`,
 *   `a*a*a*b`: n^2, n^3 ways to share a run between the loops);
 *
 * is a real hang only if a failure can force the matcher through all those ways. It cannot when the
 * state reached after the loops can end the match by itself (no assertion or further character
 * required): `(a|a)*` and the `[UPPER]*[LOWER]+` of GPT-4o's pattern are ambiguous but end at the
 * first try. Those pass; the others are refused with the attack named ("30 × "a" then "!"").
 *
 * Characters are compared as sets computed by the JS engine itself on a sample of code points (the
 * whole Basic Multilingual Plane, the emoji blocks, one of every 64 other astral code points), so
 * `\p{L}`, `[^\s\p{N}]`, `.` mean exactly what they mean to the matcher. Lookaround bodies are checked
 * as patterns of their own; back-references count as "may match, may fail".
 *
 * Not covered (documented in the README): the quadratic cost of retrying a failing pattern at every
 * start position (`a+b` on "aaaa…" without "b"), which is bounded by the length of the text squared
 * and present, mildly, in real patterns too.
 */

import { MAX_REGEX_NESTING, parseRegex, type RegexNode, RegexParseLimit } from './regex-ast.js';

/** What the analysis found: nothing (null), or why the pattern is slow and an input that shows it. */
export interface RegexHazard {
  /** `exponential` or `polynomial`. */
  readonly kind: 'exponential' | 'polynomial';
  /** A character whose repetition triggers it (then a character that makes the match fail). */
  readonly char: string;
  /** One line for error messages: `exponential backtracking on "a" repeated (e.g. 30 × "a" then "!")`. */
  readonly description: string;
}

/** Work budget of one analysis (automaton steps); a pattern needing more is reported as too complex. */
const BUDGET = 2_000_000;
/** Counted repeats above this are analysed as unbounded (`x{2,1000}` as `x{2,}`). */
const MAX_COPIES = 4;

const cache = new Map<string, RegexHazard | null>();

/**
 * Analyses a JS regex source (as `new RegExp(src, 'u')` compiles it) for catastrophic backtracking.
 * Returns null when the pattern is linear (as far as this analysis sees, see the file comment).
 * Results are cached by source.
 *
 * @example
 * ```ts
 * findRegexHazard('\\s+(?!\\S)|\\s+'); // null
 * findRegexHazard('(a+)+$')?.kind;      // 'exponential'
 * findRegexHazard('\\s*\\s*$')?.kind;   // 'polynomial'
 * ```
 */
export function findRegexHazard(src: string): RegexHazard | null {
  const hit = cache.get(src);
  if (hit !== undefined) return hit;
  let result: RegexHazard | null;
  try {
    result = analyse(src);
  } catch (e) {
    if (!(e instanceof RegexParseLimit)) throw e;
    result = { kind: 'exponential', char: '', description: `too complex to analyse (${e.reason})` };
  }
  if (cache.size > 256) cache.clear();
  cache.set(src, result);
  return result;
}

function analyse(src: string): RegexHazard | null {
  const tree = parseRegex(src);
  const bodies: RegexNode[] = [tree];
  collectLookarounds(tree, bodies, 0);
  const sets = new CharSets();
  const budget = { left: BUDGET };
  for (const body of bodies) {
    const hazard = analyseAutomaton(buildAutomaton(body, sets), sets, budget);
    if (hazard) return hazard;
  }
  return null;
}

function collectLookarounds(node: RegexNode, out: RegexNode[], depth: number): void {
  if (depth > MAX_REGEX_NESTING) throw new RegexParseLimit('nesting too deep');
  switch (node.kind) {
    case 'seq':
      for (const n of node.items) collectLookarounds(n, out, depth + 1);
      return;
    case 'alt':
      for (const n of node.options) collectLookarounds(n, out, depth + 1);
      return;
    case 'repeat':
      collectLookarounds(node.body, out, depth + 1);
      return;
    case 'assert':
      if (node.body) {
        out.push(node.body);
        collectLookarounds(node.body, out, depth + 1);
      }
      return;
    default:
  }
}

// ── character sets: the engine's own answer on a sample of code points ──────────────────────

let universe: { text: string; elementOfUnit: Int32Array; codePoints: Int32Array } | null = null;

/** The sample of code points every character atom is tested on (see the file comment). */
function sampleUniverse(): NonNullable<typeof universe> {
  if (universe) return universe;
  const cps: number[] = [];
  for (let cp = 0; cp < 0x10000; cp++) if (cp < 0xd800 || cp > 0xdfff) cps.push(cp);
  for (let cp = 0x10000; cp < 0x110000; cp++) {
    if ((cp >= 0x1f000 && cp < 0x1fb00) || (cp & 63) === 0) cps.push(cp);
  }
  const units = new Uint16Array(cps.length * 2);
  const elementOfUnit = new Int32Array(cps.length * 2);
  let n = 0;
  cps.forEach((cp, e) => {
    if (cp < 0x10000) {
      elementOfUnit[n] = e;
      units[n++] = cp;
    } else {
      const v = cp - 0x10000;
      elementOfUnit[n] = e;
      units[n++] = 0xd800 + (v >> 10);
      elementOfUnit[n] = e;
      units[n++] = 0xdc00 + (v & 1023);
    }
  });
  let text = '';
  for (let k = 0; k < n; k += 8192) text += String.fromCharCode(...units.subarray(k, Math.min(n, k + 8192)));
  universe = { text, elementOfUnit: elementOfUnit.subarray(0, n), codePoints: Int32Array.from(cps) };
  return universe;
}

const memberCache = new Map<string, Int32Array>();

/** The sample elements an atom matches (sorted indices into the sample). */
function membersOf(atom: string): Int32Array {
  const known = memberCache.get(atom);
  if (known) return known;
  const u = sampleUniverse();
  const out: number[] = [];
  const cp = atom.codePointAt(0)!;
  if (atom.length === String.fromCodePoint(cp).length && !/[.\\[]/.test(atom)) {
    // A literal character: find it in the sample without running a regex.
    let lo = 0;
    let hi = u.codePoints.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = u.codePoints[mid]!;
      if (v === cp) {
        out.push(mid);
        break;
      }
      if (v < cp) lo = mid + 1;
      else hi = mid - 1;
    }
  } else {
    const re = new RegExp(`(?:${atom})+`, 'gu');
    for (let m = re.exec(u.text); m !== null; m = re.exec(u.text)) {
      const end = m.index + m[0].length;
      let last = -1;
      for (let k = m.index; k < end; k++) {
        const e = u.elementOfUnit[k]!;
        if (e !== last) out.push(e);
        last = e;
      }
    }
  }
  const members = Int32Array.from(out);
  if (memberCache.size > 512) memberCache.clear();
  memberCache.set(atom, members);
  return members;
}

/**
 * The character atoms of one pattern, as masks over the blocks of the partition they induce on the
 * sample: two atoms share a character exactly when their masks share a bit.
 */
class CharSets {
  private readonly index = new Map<string, number>();
  private readonly atoms: string[] = [];
  private masks: Uint32Array[] | null = null;
  private representative: number[] = [];

  /** The atom's number (its source, deduplicated). */
  add(src: string): number {
    let k = this.index.get(src);
    if (k === undefined) {
      k = this.atoms.length;
      this.index.set(src, k);
      this.atoms.push(src);
      this.masks = null;
    }
    return k;
  }

  private build(): Uint32Array[] {
    if (this.masks) return this.masks;
    const u = sampleUniverse();
    const blockOf = new Int32Array(u.codePoints.length); // 0 = in no atom so far
    let blocks = 1;
    const representative: number[] = [-1];
    for (const atom of this.atoms) {
      const split = new Map<number, number>();
      for (const e of membersOf(atom)) {
        const old = blockOf[e]!;
        let b = split.get(old);
        if (b === undefined) {
          b = blocks++;
          split.set(old, b);
          representative[b] = e;
        }
        blockOf[e] = b;
      }
    }
    const words = (blocks + 31) >>> 5;
    const masks = this.atoms.map(() => new Uint32Array(words));
    // Each atom's mask: the blocks of its members (computed again: blocks were refined after it).
    this.atoms.forEach((atom, k) => {
      for (const e of membersOf(atom)) {
        const b = blockOf[e]!;
        masks[k]![b >>> 5]! |= 1 << (b & 31);
      }
    });
    this.representative = representative.map((e) => (e < 0 ? -1 : u.codePoints[e]!));
    this.masks = masks;
    return masks;
  }

  /** The blocks both atoms match, or null when they share no character. */
  common(a: number, b: number): Uint32Array | null {
    const masks = this.build();
    const x = masks[a]!;
    const y = masks[b]!;
    let out: Uint32Array | null = null;
    for (let w = 0; w < x.length; w++) {
      const v = x[w]! & y[w]!;
      if (v !== 0) {
        out ??= new Uint32Array(x.length);
        out[w] = v;
      }
    }
    return out;
  }

  /** A readable character in the blocks of `mask`. */
  pick(mask: Uint32Array): string {
    this.build();
    let best = -1;
    for (let w = 0; w < mask.length; w++) {
      for (let bit = 0; bit < 32; bit++) {
        if ((mask[w]! & (1 << bit)) === 0) continue;
        const cp = this.representative[w * 32 + bit] ?? -1;
        const readable = cp > 0x20 && cp < 0x7f;
        if (best < 0 || (readable && !(best > 0x20 && best < 0x7f))) best = cp;
      }
    }
    return best < 0 ? '' : String.fromCodePoint(best);
  }

  /** The mask of an atom. */
  mask(a: number): Uint32Array {
    return this.build()[a]!;
  }
}

// ── the automaton: one state per character atom, plus the start ──────────────────────────────

/**
 * A Thompson automaton: nodes with free moves (`eps`), guarded moves (assertions and
 * back-references, which may fail) and at most one character move.
 */
interface Thompson {
  eps: number[][];
  guarded: number[][];
  /** Node -> [atom, next node] of its character move, or undefined. */
  char: ([number, number] | undefined)[];
  /** Loop node -> the node its body starts at (entering an iteration). */
  loopEntry: Map<number, number>;
  start: number;
  accept: number;
}

/** The position automaton the checks run on: states are character nodes (and the start). */
interface Automaton {
  /** Per state: its outgoing edges (target state, atom, multiplicity 1 or 2). */
  edges: { to: number; atom: number; mult: number }[][];
  /** Per state: the match can end there without reading more or passing an assertion. */
  final: boolean[];
}

function buildAutomaton(tree: RegexNode, sets: CharSets): Automaton {
  const t: Thompson = { eps: [], guarded: [], char: [], loopEntry: new Map(), start: 0, accept: 0 };
  const node = (): number => {
    t.eps.push([]);
    t.guarded.push([]);
    t.char.push(undefined);
    return t.eps.length - 1;
  };
  const build = (n: RegexNode, from: number, depth: number): number => {
    if (depth > MAX_REGEX_NESTING * 4) throw new RegexParseLimit('nesting too deep');
    switch (n.kind) {
      case 'char': {
        const s = node();
        const to = node();
        t.eps[from]!.push(s);
        t.char[s] = [sets.add(n.src), to];
        return to;
      }
      case 'seq': {
        let cur = from;
        for (const item of n.items) cur = build(item, cur, depth + 1);
        return cur;
      }
      case 'alt': {
        const end = node();
        for (const option of n.options) t.eps[build(option, from, depth + 1)]!.push(end);
        return end;
      }
      case 'assert':
      case 'backref': {
        const to = node();
        t.guarded[from]!.push(to);
        return to;
      }
      case 'repeat': {
        const unbounded = n.max > MAX_COPIES;
        const min = Math.min(n.min, MAX_COPIES);
        const capped = (end: number) => (n.min > MAX_COPIES ? guard(end) : end);
        let cur = from;
        for (let k = 0; k < min; k++) cur = build(n.body, cur, depth + 1);
        if (unbounded) {
          const loop = node();
          t.eps[cur]!.push(loop);
          const bodyStart = node();
          t.eps[loop]!.push(bodyStart);
          t.loopEntry.set(loop, bodyStart);
          t.eps[build(n.body, bodyStart, depth + 1)]!.push(loop);
          const exit = node();
          t.eps[loop]!.push(exit);
          return capped(exit);
        }
        const end = node();
        for (let k = min; k < n.max; k++) {
          t.eps[cur]!.push(end);
          cur = build(n.body, cur, depth + 1);
        }
        t.eps[cur]!.push(end);
        return capped(end);
      }
    }
  };
  // `x{30}` analysed as `x{4}x*` must not look free to leave after 4: the count may still fail.
  const guard = (end: number): number => {
    const to = node();
    t.guarded[end]!.push(to);
    return to;
  };
  t.start = node();
  t.accept = build(tree, t.start, 0);
  return positionAutomaton(t);
}

/**
 * From each state, the character nodes reachable by free and guarded moves, counting distinct
 * paths (capped at 2) the way a backtracking matcher would try them: a loop iteration that
 * consumed nothing is not a path (JS's empty check).
 */
function positionAutomaton(t: Thompson): Automaton {
  const stateOf = new Map<number, number>(); // Thompson char node -> state
  const nodes: number[] = [t.start];
  t.char.forEach((c, n) => {
    if (c) {
      stateOf.set(n, nodes.length);
      nodes.push(n);
    }
  });
  const edges: Automaton['edges'] = [];
  const final: boolean[] = [];
  let steps = 0;
  for (let s = 0; s < nodes.length; s++) {
    const from = s === 0 ? t.start : t.char[nodes[s]!]![1];
    const counts = new Map<number, number>();
    const entered = new Set<number>();
    const walk = (n: number): void => {
      if (++steps > BUDGET) throw new RegexParseLimit('too many paths between characters');
      if (t.loopEntry.has(n) && entered.has(n)) return; // an empty iteration of loop n
      if (t.char[n]) {
        counts.set(n, Math.min(2, (counts.get(n) ?? 0) + 1));
        return;
      }
      const entry = t.loopEntry.get(n);
      for (const m of t.eps[n]!) {
        if (m === entry) {
          entered.add(n);
          walk(m);
          entered.delete(n);
        } else walk(m);
      }
      for (const m of t.guarded[n]!) walk(m);
    };
    walk(from);
    edges.push([...counts].map(([n, mult]) => ({ to: stateOf.get(n)!, atom: t.char[n]![0], mult })));
    final.push(reachesAcceptFreely(t, from));
  }
  return { edges, final };
}

function reachesAcceptFreely(t: Thompson, from: number): boolean {
  const seen = new Set<number>([from]);
  const stack = [from];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (n === t.accept) return true;
    for (const m of t.eps[n]!) {
      if (!seen.has(m) && !t.char[m]) {
        seen.add(m);
        stack.push(m);
      }
    }
  }
  return false;
}

// ── the two checks ───────────────────────────────────────────────────────────────────────────

function analyseAutomaton(a: Automaton, sets: CharSets, budget: { left: number }): RegexHazard | null {
  return exponentialHazard(a, sets, budget) ?? polynomialHazard(a, sets, budget);
}

function spend(budget: { left: number }, n: number): void {
  budget.left -= n;
  if (budget.left < 0) throw new RegexParseLimit('the automaton is too large');
}

/**
 * Exponential: a strongly connected component of the pair automaton (both copies reading the same
 * characters) that holds a pair (q, q), and where the two copies can differ (a pair (p, r) with
 * p ≠ r, or a doubled edge). Dangerous when some such q cannot end the match by itself.
 */
function exponentialHazard(a: Automaton, sets: CharSets, budget: { left: number }): RegexHazard | null {
  const n = a.edges.length;
  const id = (x: number, y: number) => x * n + y;
  // Successors of a pair, with the characters both edges read and whether the edges differ.
  const succ = (p: number): { to: number; mask: Uint32Array; differs: boolean }[] => {
    const x = Math.floor(p / n);
    const y = p % n;
    const out: { to: number; mask: Uint32Array; differs: boolean }[] = [];
    for (const e of a.edges[x]!) {
      for (const f of a.edges[y]!) {
        spend(budget, 1);
        const mask = sets.common(e.atom, f.atom);
        if (!mask) continue;
        out.push({ to: id(e.to, f.to), mask, differs: x === y && (e.to !== f.to || e.mult > 1) });
      }
    }
    return out;
  };
  const components = strongComponents(
    n * n,
    (p) => succ(p).map((s) => s.to),
    budget,
    (p) => {
      const x = Math.floor(p / n);
      return x === p % n; // start from the diagonal: only pairs reachable from it matter
    },
  );
  for (const comp of components) {
    if (comp.length < 2 && !succ(comp[0]!).some((s) => s.to === comp[0])) continue;
    const inComp = new Set(comp);
    let diverges = false;
    let dangerous = -1;
    let mask: Uint32Array | null = null;
    for (const p of comp) {
      const x = Math.floor(p / n);
      const y = p % n;
      if (x !== y) diverges = true;
      else if (!a.final[x]) dangerous = x;
      for (const s of succ(p)) {
        if (!inComp.has(s.to)) continue;
        if (s.differs) diverges = true;
        mask ??= s.mask;
      }
    }
    if (diverges && dangerous >= 0) {
      const char = sets.pick(mask ?? sets.mask(a.edges[dangerous]![0]?.atom ?? 0));
      return hazard('exponential', char);
    }
  }
  return null;
}

/**
 * Polynomial: states p ≠ q such that, on one word, p loops, p reaches q, and q loops (searched in
 * the automaton of triples from (p, p, q) to (p, q, q)). Dangerous when q cannot end the match.
 */
function polynomialHazard(a: Automaton, sets: CharSets, budget: { left: number }): RegexHazard | null {
  const n = a.edges.length;
  const looping = a.edges.map((_, s) => canReach(a, s, s));
  for (let p = 1; p < n; p++) {
    if (!looping[p]) continue;
    for (let q = 1; q < n; q++) {
      if (q === p || !looping[q] || a.final[q] || !canReach(a, p, q)) continue;
      const char = tripleWalk(a, sets, budget, p, q);
      if (char !== null) return hazard('polynomial', char);
    }
  }
  return null;
}

/** BFS in the triple automaton from (p, p, q) to (p, q, q); the character of the first step, or null. */
function tripleWalk(
  a: Automaton,
  sets: CharSets,
  budget: { left: number },
  p: number,
  q: number,
): string | null {
  const n = a.edges.length;
  const key = (x: number, y: number, z: number) => (x * n + y) * n + z;
  const target = key(p, q, q);
  const seen = new Set<number>();
  const queue: [number, number, number, Uint32Array | null][] = [[p, p, q, null]];
  while (queue.length > 0) {
    const [x, y, z, first] = queue.shift()!;
    for (const e of a.edges[x]!) {
      for (const f of a.edges[y]!) {
        const ef = sets.common(e.atom, f.atom);
        if (!ef) continue;
        for (const g of a.edges[z]!) {
          spend(budget, 1);
          const m = sets.common(e.atom, g.atom);
          if (!m) continue;
          let shared = false;
          for (let w = 0; w < m.length; w++) if ((m[w]! & ef[w]!) !== 0) shared = true;
          if (!shared) continue;
          const k = key(e.to, f.to, g.to);
          const mask = first ?? ef;
          if (k === target) return sets.pick(mask);
          if (seen.has(k)) continue;
          seen.add(k);
          queue.push([e.to, f.to, g.to, mask]);
        }
      }
    }
  }
  return null;
}

function canReach(a: Automaton, from: number, to: number): boolean {
  const seen = new Set<number>();
  const stack = [from];
  while (stack.length > 0) {
    const s = stack.pop()!;
    for (const e of a.edges[s]!) {
      if (e.to === to) return true;
      if (!seen.has(e.to)) {
        seen.add(e.to);
        stack.push(e.to);
      }
    }
  }
  return false;
}

/** Tarjan's strongly connected components of the part of a graph reachable from the `root` nodes. */
function strongComponents(
  size: number,
  next: (v: number) => number[],
  budget: { left: number },
  root: (v: number) => boolean,
): number[][] {
  const index = new Map<number, number>();
  const low = new Map<number, number>();
  const onStack = new Set<number>();
  const stack: number[] = [];
  const out: number[][] = [];
  let counter = 0;
  for (let r = 0; r < size; r++) {
    if (!root(r) || index.has(r)) continue;
    // Iterative Tarjan: (node, its successors, position in them).
    const work: [number, number[], number][] = [];
    const open = (v: number) => {
      spend(budget, 1);
      index.set(v, counter);
      low.set(v, counter++);
      stack.push(v);
      onStack.add(v);
      work.push([v, next(v), 0]);
    };
    open(r);
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      const [v, succs] = frame;
      if (frame[2] < succs.length) {
        const w = succs[frame[2]++]!;
        if (!index.has(w)) open(w);
        else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1]![0];
        low.set(parent, Math.min(low.get(parent)!, low.get(v)!));
      }
      if (low.get(v) === index.get(v)) {
        const comp: number[] = [];
        let w: number;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          comp.push(w);
        } while (w !== v);
        out.push(comp);
      }
    }
  }
  return out;
}

function hazard(kind: RegexHazard['kind'], char: string): RegexHazard {
  const shown = JSON.stringify(char);
  return {
    kind,
    char,
    description: `${kind} backtracking on runs of ${shown} (e.g. ${kind === 'exponential' ? 30 : 5000} × ${shown} followed by a character that makes the match fail)`,
  };
}
