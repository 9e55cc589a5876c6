import { errorBox } from './dom.js';
import { comparePage } from './compare.js';
import { linePage } from './line.js';
import { overviewPage } from './overview.js';
import { versionPage } from './version.js';

const PAGES: Record<string, (params: URLSearchParams) => Promise<HTMLElement>> = {
  '': overviewPage,
  line: linePage,
  version: versionPage,
  compare: comparePage,
};

const view = document.getElementById('view')!;
let current = 0;

/**
 * Renders the page the address names (`#/line?store=...`). `data-page` and `data-render-ms` on
 * the view say which page is shown and how long it took from navigation to its first content.
 */
async function render(): Promise<void> {
  const started = performance.now();
  const navigation = ++current;
  const [route = '', query = ''] = location.hash.replace(/^#\/?/, '').split('?');
  const page = PAGES[route];
  view.dataset.state = 'loading';
  let content: HTMLElement;
  try {
    content = page ? await page(new URLSearchParams(query)) : errorBox(`No such page: ${route}`);
  } catch (error) {
    content = errorBox(error);
  }
  if (navigation !== current) return; // a newer navigation has started
  view.replaceChildren(content);
  view.dataset.page = route || 'overview';
  view.dataset.renderMs = String(Math.round(performance.now() - started));
  view.dataset.state = 'ready';
  window.scrollTo(0, 0);
}

window.addEventListener('hashchange', () => void render());
void render();
