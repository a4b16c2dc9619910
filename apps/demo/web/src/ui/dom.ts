/**
 * The page's only DOM helper: `el('div.card', { onclick }, [children])` builds an element. The views
 * are plain functions that build their part of the page once and update it in place.
 */

type Attrs = Record<string, string | number | boolean | ((e: Event) => void) | undefined>;
type Child = Node | string | null | undefined | false;

/**
 * Creates an element from `tag.class1.class2`, attributes (`on…` keys become listeners, `true` sets a
 * boolean attribute) and children.
 *
 * @example
 * ```ts
 * el('button.primary', { type: 'button', onclick: () => run() }, ['Train']);
 * ```
 */
export function el<K extends keyof HTMLElementTagNameMap>(
  spec: K | `${K}.${string}`,
  attrs: Attrs = {},
  children: Child[] = [],
): HTMLElementTagNameMap[K] {
  const [tag, ...classes] = spec.split('.') as [K, ...string[]];
  const node = document.createElement(tag);
  if (classes.length > 0) node.className = classes.join(' ');
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (typeof value === 'function') node.addEventListener(key.slice(2).toLowerCase(), value);
    else if (value === true) node.setAttribute(key, '');
    else node.setAttribute(key, String(value));
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) node.append(c);
  return node;
}

/** Replaces the children of `node`. */
export function setChildren(node: Element, children: Child[]): void {
  node.replaceChildren(
    ...children.filter((c): c is Node | string => c !== null && c !== undefined && c !== false),
  );
}

/**
 * A token's text made visible: spaces as `·`, newlines as `↵`, tabs as `⇥`, other control characters
 * as `\xNN`.
 *
 * @example
 * ```ts
 * visible(' the\n'); // '·the↵'
 * ```
 */
export function visible(text: string): string {
  return text
    .replace(/ /g, '·')
    .replace(/\n/g, '↵')
    .replace(/\t/g, '⇥')
    .replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** A labelled number input that reports integer/float values. */
export function numberField(
  label: string,
  value: number,
  attrs: { min?: number; max?: number; step?: number | 'any'; name: string; title?: string },
): { root: HTMLLabelElement; input: HTMLInputElement; get(): number } {
  const input = el('input', { type: 'number', value, ...attrs, 'data-testid': `field-${attrs.name}` });
  const root = el('label.field', { title: attrs.title }, [el('span', {}, [label]), input]);
  return { root, input, get: () => Number(input.value) };
}

/** Formats a probability for display: `0.4821`, `3.1e-5`. */
export function formatProb(p: number): string {
  if (p === 0) return '0';
  return p >= 1e-3 ? p.toFixed(4) : p.toExponential(1);
}
