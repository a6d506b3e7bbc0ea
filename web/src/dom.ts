/**
 * The DOM helpers the whole dashboard is built with: `h('div', { class: 'x' }, child...)`.
 * Text goes in as text nodes (never innerHTML), so server strings can never inject markup.
 */

export type Child = Node | string | number | null | undefined | false | Child[];
type Handler = (event: Event) => void;
export type Attrs = Record<string, string | number | boolean | null | undefined | Handler>;

/** Creates an element; `on*` attributes become listeners, `false`/`null`/`undefined` are left out. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (typeof value === 'function') element.addEventListener(name.slice(2).toLowerCase(), value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  append(element, children);
  return element;
}

/** Appends children (nested arrays flattened, empty values skipped). */
export function append(parent: Node, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(parent, child);
    else parent.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)));
  }
}

/** A number shown short, with the exact value on hover and in `data-value`. */
export function num(text: string, exact: number | null | undefined, title?: string): HTMLSpanElement {
  return h(
    'span',
    {
      class: 'num',
      'data-value': exact ?? '',
      title: title ?? (exact === null || exact === undefined ? 'n/a' : String(exact)),
    },
    text,
  );
}
