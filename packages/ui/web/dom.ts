// The only way the page builds markup: elements, attributes and text nodes through the DOM API.
// Nothing from the registry ever goes through innerHTML or an HTML parser, so a manifest's text
// stays text whatever it holds.

export type Child = Node | string | number | null | undefined | false;
type Attributes = Record<string, string | number | boolean | undefined | ((event: Event) => void)>;

function apply(element: Element, attributes: Attributes, children: Child[]): void {
  for (const [name, value] of Object.entries(attributes)) {
    if (typeof value === 'function') element.addEventListener(name.slice(2), value);
    else if (value === true) element.setAttribute(name, '');
    else if (value !== undefined && value !== false) element.setAttribute(name, String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    element.append(typeof child === 'object' ? child : document.createTextNode(String(child)));
  }
}

/** `h('td', { class: 'num' }, value)`: an HTML element; `on<event>` attributes are listeners. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Attributes = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  apply(element, attributes, children);
  return element;
}

/** An SVG element, for the lineage graph. */
export function svg<K extends keyof SVGElementTagNameMap>(tag: K, attributes: Attributes = {}, ...children: Child[]): SVGElementTagNameMap[K] {
  const element = document.createElementNS('http://www.w3.org/2000/svg', tag);
  apply(element, attributes, children);
  return element;
}

/** An in-page link: the route and its parameters, each URL-encoded. */
export function routeHref(route: string, params: Record<string, string | number> = {}): string {
  const query = new URLSearchParams(Object.entries(params).map(([key, value]) => [key, String(value)])).toString();
  return `#/${route}${query ? `?${query}` : ''}`;
}

export function badge(text: string, kind = 'alias'): HTMLElement {
  return h('span', { class: `badge ${kind}`, 'data-alias': kind === 'alias' ? text : undefined }, text);
}

export function section(title: string, ...children: Child[]): HTMLElement {
  return h('section', {}, h('h2', {}, title), ...children);
}

/** A placeholder that becomes the loaded content, or an error message, when `load` settles. */
export function later(load: () => Promise<Node>, label = 'Loading...'): HTMLElement {
  const slot = h('div', { class: 'loading' }, label);
  load().then(
    (content) => slot.replaceWith(content),
    (error: unknown) => slot.replaceWith(errorBox(error)),
  );
  return slot;
}

export function errorBox(error: unknown): HTMLElement {
  return h('p', { class: 'error', role: 'alert' }, error instanceof Error ? error.message : String(error));
}
