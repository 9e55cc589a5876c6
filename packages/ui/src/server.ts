import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AccessGate } from './access-gate.js';
import { API_ROUTES, type ApiContext } from './api-routes.js';
import { DOWNLOAD_PATH, downloadArtifact } from './artifact-download.js';
import { HttpError, sendFailure, sendJson } from './http-error.js';
import { ManifestCache } from './manifest-cache.js';
import { RecentReads } from './recent-reads.js';
import { type ResolvedUiOptions, type UiServerOptions, isLoopback, resolveUiOptions } from './options.js';
import { setSecurityHeaders } from './security-headers.js';
import { type Asset, loadAssets } from './static-assets.js';

export interface UiServer {
  /** The address to open; holds the access token when the server listens beyond loopback. */
  readonly url: string;
  readonly port: number;
  /** Undefined on loopback. */
  readonly token: string | undefined;
  /** Stops accepting connections, ends the open ones and resolves once the server is closed. */
  close(): Promise<void>;
}

/** Starts the read-only web view of `options.registry`. Only GET and HEAD exist; every other method is a 405. */
export async function startUiServer(input: UiServerOptions): Promise<UiServer> {
  const options = resolveUiOptions(input);
  const assets = await loadAssets();
  const manifests = new ManifestCache(options.registry, options.manifestCacheSize);
  const recent = new RecentReads();
  let gate: AccessGate | undefined;
  const server = createServer((request, response) => {
    void handle(request, response, { gate: gate!, assets, api: { registry: options.registry, manifests, recent } });
  });
  await listen(server, options);
  const { port } = server.address() as AddressInfo;
  gate = new AccessGate(options.token, loopbackHosts(options.host, port));
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}/${options.token === undefined ? '' : `?token=${options.token}`}`,
    port,
    token: options.token,
    close: () =>
      new Promise((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

interface Handling {
  gate: AccessGate;
  assets: ReadonlyMap<string, Asset>;
  api: Omit<ApiContext, 'signal'>;
}

async function handle(request: IncomingMessage, response: ServerResponse, { gate, assets, api }: Handling): Promise<void> {
  setSecurityHeaders(response);
  // A client that goes away aborts the registry reads made for it.
  const aborter = new AbortController();
  response.on('close', () => aborter.abort());
  try {
    if (request.method !== 'GET' && request.method !== 'HEAD') throw new HttpError(405, 'The web view is read-only: only GET and HEAD.', { allow: 'GET, HEAD' });
    const url = new URL(request.url ?? '/', 'http://ui.invalid');
    const decision = gate.decide(request, url);
    if (decision.kind === 'deny') throw new HttpError(decision.status, decision.message);
    if (decision.kind === 'accept-token') {
      response.writeHead(303, { location: decision.location, 'set-cookie': decision.cookie, 'cache-control': 'no-store' }).end();
      return;
    }
    const context = { ...api, signal: aborter.signal };
    const route = API_ROUTES[url.pathname];
    if (route) return sendJson(response, 200, await route(url.searchParams, context));
    if (url.pathname === DOWNLOAD_PATH) return await downloadArtifact(request, response, url.searchParams, context);
    const asset = assets.get(url.pathname);
    if (!asset) throw new HttpError(404, `No such page: ${url.pathname}`);
    response.writeHead(200, { 'content-type': asset.contentType, 'content-length': asset.body.length, 'cache-control': 'no-cache' }).end(asset.body);
  } catch (error) {
    if (response.headersSent) response.destroy(error as Error);
    else sendFailure(response, error);
  }
}

function listen(server: Server, options: ResolvedUiOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** Host headers a browser on this machine sends for a loopback server: the bound name and the usual loopback names. */
function loopbackHosts(host: string, port: number): ReadonlySet<string> {
  if (!isLoopback(host)) return new Set();
  const names = ['127.0.0.1', 'localhost', '[::1]', host.includes(':') ? `[${host}]` : host];
  return new Set(names.map((name) => `${name}:${port}`));
}
