import { h } from './dom.js';

/** "1–50 of 1,000" with previous/next buttons; calls `go` with the new offset. */
export function pager(page: { total: number; offset: number; limit: number }, go: (offset: number) => void): HTMLElement {
  const last = Math.min(page.offset + page.limit, page.total);
  return h(
    'div',
    { class: 'pager' },
    h('button', { type: 'button', class: 'prev', disabled: page.offset === 0, onclick: () => go(Math.max(0, page.offset - page.limit)) }, '< Previous'),
    h('span', { class: 'range' }, page.total === 0 ? 'none' : `${page.offset + 1}-${last} of ${page.total.toLocaleString('en')}`),
    h('button', { type: 'button', class: 'next', disabled: last >= page.total, onclick: () => go(page.offset + page.limit) }, 'Next >'),
  );
}

/** A text box that calls `change` once typing pauses. */
export function filterBox(placeholder: string, value: string, change: (text: string) => void): HTMLInputElement {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return h('input', {
    type: 'search',
    class: 'filter',
    placeholder,
    value,
    oninput: (event: Event) => {
      clearTimeout(timer);
      const text = (event.target as HTMLInputElement).value;
      timer = setTimeout(() => change(text), 200);
    },
  });
}
