/**
 * Chemical elements 1–103 (Kominek's elements database, public domain), three families on the same
 * items (`element:26`), so an element is in one split for all three:
 *
 * ```
 * element-symbol   What is the symbol for iron?              → Fe
 * element-name     Which element has the symbol Fe?          → Iron     (Aluminium, Caesium, Sulfur too)
 * element-number   What is the atomic number of iron?        → 26
 * ```
 *
 * Incorrect answers: the neighbours' symbols, names and numbers (a wrong element next door in the
 * table), and for symbols the first two letters of the name when that is not the symbol (Ir for iron).
 */
import { numberIs, oneOf } from '../answers.js';
import type { FamilyContext, Task, TaskFamily } from '../task.js';
import type { ElementFact } from '../task-data.js';
import { makeTask } from './shared.js';

/** Spellings accepted besides the database's (British / American / IUPAC). */
const OTHER_NAMES: Record<string, string[]> = {
  Aluminum: ['Aluminium'],
  Caesium: ['Cesium'],
  Sulphur: ['Sulfur'],
  Cesium: ['Caesium'],
};

const item = (e: ElementFact) => `element:${e.number}`;

function neighbours(all: readonly ElementFact[], i: number): ElementFact[] {
  return [1, -1, 2, -2].map((d) => all[(i + d + all.length) % all.length]!);
}

function family(
  name: string,
  description: string,
  make: (
    e: ElementFact,
    near: ElementFact[],
  ) => { prompt: string; reference: string; candidates: string[]; accept: string[] | number },
): TaskFamily {
  return {
    name,
    description,
    all(ctx: FamilyContext): Task[] {
      const all = ctx.data.elements;
      return all.map((e, i) => {
        const { accept, ...parts } = make(e, neighbours(all, i));
        return makeTask(
          { id: `${name}:${item(e)}`, family: name, item: item(e), ...parts },
          typeof accept === 'number' ? numberIs(accept) : oneOf(accept),
        );
      });
    },
  };
}

/**
 * `element-symbol`: an element's name → its symbol.
 *
 * @example
 * ```ts
 * elementSymbolFamily().all!(ctx).find((t) => t.item === 'element:26')!.reference; // 'Fe'
 * ```
 */
export function elementSymbolFamily(): TaskFamily {
  return family('element-symbol', "a chemical element's symbol from its name", (e, near) => ({
    prompt: `What is the symbol for ${e.name.toLowerCase()}?`,
    reference: e.symbol,
    candidates: [...near.map((n) => n.symbol), e.name.slice(0, 2), e.name.slice(0, 1)],
    accept: [e.symbol],
  }));
}

/**
 * `element-name`: a symbol → the element's name.
 *
 * @example
 * ```ts
 * elementNameFamily().all!(ctx)[0].prompt; // 'Which element has the symbol H?'
 * ```
 */
export function elementNameFamily(): TaskFamily {
  return family('element-name', 'a chemical element from its symbol', (e, near) => ({
    prompt: `Which element has the symbol ${e.symbol}?`,
    reference: e.name,
    candidates: near.map((n) => n.name),
    accept: [e.name, ...(OTHER_NAMES[e.name] ?? [])],
  }));
}

/**
 * `element-number`: an element's name → its atomic number.
 *
 * @example
 * ```ts
 * elementNumberFamily().all!(ctx)[25].reference; // '26'
 * ```
 */
export function elementNumberFamily(): TaskFamily {
  return family('element-number', "a chemical element's atomic number", (e) => ({
    prompt: `What is the atomic number of ${e.name.toLowerCase()}?`,
    reference: String(e.number),
    candidates: [e.number + 1, e.number - 1, e.number + 10].filter((n) => n > 0).map(String),
    accept: e.number,
  }));
}
