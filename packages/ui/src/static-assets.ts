import { readFile, readdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export interface Asset {
  body: Buffer;
  contentType: string;
}

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8' };

const packageFile = (path: string) => fileURLToPath(new URL(`../${path}`, import.meta.url));

/**
 * Every file the page loads, read into memory once at start: the page, its stylesheet, its
 * scripts (compiled from web/ by the package build) and uPlot from its own package. Nothing else
 * is served, so no request path can reach the filesystem.
 */
export async function loadAssets(): Promise<ReadonlyMap<string, Asset>> {
  const require = createRequire(import.meta.url);
  const files: Array<[string, string]> = [
    ['/', packageFile('static/index.html')],
    ['/app.css', packageFile('static/app.css')],
    ['/vendor/uplot.js', require.resolve('uplot/dist/uPlot.iife.min.js')],
    ['/vendor/uplot.css', require.resolve('uplot/dist/uPlot.min.css')],
  ];
  const scripts = await readdir(packageFile('dist/web'));
  for (const script of scripts.filter((name) => name.endsWith('.js'))) files.push([`/app/${script}`, packageFile(`dist/web/${script}`)]);
  const assets = new Map<string, Asset>();
  for (const [path, file] of files) assets.set(path, { body: await readFile(file), contentType: TYPES[file.slice(file.lastIndexOf('.'))]! });
  const page = assets.get('/')!;
  page.body = Buffer.from(page.body.toString('utf8').replace('<!-- modulepreload -->', modulePreloads(files.map(([path]) => path))));
  return assets;
}

/**
 * The page's modules, announced up front: without it the browser learns of each module only from
 * the one importing it, three round trips deep.
 */
function modulePreloads(paths: readonly string[]): string {
  return paths.filter((path) => path.startsWith('/app/')).map((path) => `<link rel="modulepreload" href="${path}">`).join('\n  ');
}
