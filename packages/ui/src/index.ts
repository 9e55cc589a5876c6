export { type UiServer, startUiServer } from './server.js';
export type { UiServerOptions } from './options.js';
export { CONTENT_SECURITY_POLICY } from './security-headers.js';
