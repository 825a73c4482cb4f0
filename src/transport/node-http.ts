// node:http and node:https, loaded through require. An ES import of a built-in evaluates every one of
// its exports to build the module's namespace, and node:http's include fetch's and WebSocket's, which
// load undici: 50–150 ms of every command's start-up on this project's machine, for code no command
// uses here. require hands the module over as it is, its lazy exports left unloaded.

import { createRequire } from 'node:module';

const load = createRequire(import.meta.url);

export const http = load('node:http') as typeof import('node:http');
export const https = load('node:https') as typeof import('node:https');
