/**
 * Test helpers for runtime code against a real emulator of the AWS API:
 *
 * - `startMoto()` spawns a moto server on a free loopback port (one per test file, so Jest workers stay
 *   independent), waits until it answers, and stops it with `stop()` (call it in afterAll).
 * - `startProxy(target)` is a loopback HTTP proxy in front of it that records every request (the JSON
 *   protocol's `X-Amz-Target`, i.e. the operation, and the request body) and can answer chosen requests
 *   itself (500, 429, hang) instead of forwarding them.
 * - `fakeAwsEnv(endpoint)` is the environment of a child process that must talk to the emulator only.
 *
 * The moto server is `$MOTO_SERVER`, or `<repo>/.venv/bin/moto_server` (scripts/setup.sh installs it).
 */
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as path from 'path';

// the SDK's notice that future SDK releases need a newer Node.js is noise in test output
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** The repository root. */
export const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** The moto_server executable. */
export function motoServerPath(): string {
  const candidate = process.env.MOTO_SERVER ?? path.join(REPO_ROOT, '.venv', 'bin', 'moto_server');
  if (!fs.existsSync(candidate)) {
    throw new Error(
      `moto_server not found at ${candidate}: run scripts/setup.sh (it installs requirements-dev.txt into .venv) ` +
        'or set MOTO_SERVER to the moto_server executable',
    );
  }
  return candidate;
}

/** Fake credentials: moto accepts any. */
export const FAKE_CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' };
/** The region the tests use. */
export const TEST_REGION = 'eu-central-1';
/** moto's default account. */
export const MOTO_ACCOUNT = '123456789012';

/** A running moto server. */
export interface MotoServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  /** Forgets every resource (POST /moto-api/reset). */
  reset(): Promise<void>;
  /** Stops the server and waits for it to exit. */
  stop(): Promise<void>;
}

/** A free TCP port on 127.0.0.1 (the OS picks it). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

function request(url: string, method = 'GET', timeoutMs = 2_000): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, timeout: timeoutMs, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('timeout', () => req.destroy(new Error(`timeout after ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

async function launch(port: number, readyTimeoutMs: number): Promise<MotoServer> {
  const child: ChildProcess = spawn(motoServerPath(), ['-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, MOTO_ALLOW_NONEXISTENT_REGION: 'false' },
  });
  let stderr = '';
  child.stderr?.setEncoding('utf-8');
  child.stderr?.on('data', (d: string) => {
    stderr = (stderr + d).slice(-4_000);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let exitCode: number | null | undefined;
  void exited.then((c) => {
    exitCode = c;
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (exitCode !== undefined) throw new Error(`moto_server exited with ${exitCode} before it was ready on port ${port}:\n${stderr}`);
    try {
      if ((await request(`${url}/moto-api/`)) === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`moto_server was not ready on ${url} within ${readyTimeoutMs} ms:\n${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url,
    port,
    reset: async () => {
      const status = await request(`${url}/moto-api/reset`, 'POST');
      if (status !== 200) throw new Error(`moto reset answered ${status}`);
    },
    stop: async () => {
      if (exitCode !== undefined) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Starts a moto server on a free loopback port (retrying with another port if the first was taken). */
export async function startMoto(readyTimeoutMs = 30_000): Promise<MotoServer> {
  let last: unknown;
  for (let i = 0; i < 3; i++) {
    try {
      return await launch(await freePort(), readyTimeoutMs);
    } catch (e) {
      last = e;
    }
  }
  throw last;
}

/** One request seen by the proxy. */
export interface ProxiedRequest {
  /** The operation, from `X-Amz-Target` (`SageMaker.ListModelPackages` -> `ListModelPackages`). */
  readonly operation: string;
  /** The JSON request body (undefined if not JSON). */
  readonly body: any;
  /** The status code returned to the client. */
  readonly status: number;
  /** Whether the proxy answered itself instead of forwarding. */
  readonly injected: boolean;
  /** When the request arrived (ms since epoch). */
  readonly at: number;
  /** The HTTP method. */
  readonly method: string;
  /** The request path with its query string (REST protocols: S3, the SageMaker runtime). */
  readonly path: string;
}

/** An answer the proxy gives itself; `hang` never answers. */
export type InjectedAnswer = { readonly status: number; readonly body?: string; readonly headers?: Record<string, string> } | 'hang';

/** A running proxy. */
export interface Proxy {
  readonly url: string;
  /** Every request so far, in arrival order. */
  readonly requests: ProxiedRequest[];
  /** Decides, per request, whether to answer it instead of forwarding (undefined: forward). */
  inject: ((operation: string, index: number, request: { readonly method: string; readonly path: string }) => InjectedAnswer | undefined) | undefined;
  /** How many requests of an operation arrived. */
  count(operation: string): number;
  /** Forgets the recorded requests and restarts the request index that `inject` receives. */
  clear(): void;
  stop(): Promise<void>;
}

/** A JSON-protocol error body as AWS sends it. */
export function awsErrorBody(type: string, message: string): string {
  return JSON.stringify({ __type: type, message });
}

/** `inject` for "the first n requests get this answer, then forward". */
export function failFirst(n: number, answer: InjectedAnswer): (operation: string, index: number) => InjectedAnswer | undefined {
  return (_operation, index) => (index < n ? answer : undefined);
}

/**
 * Starts a loopback HTTP proxy in front of `target` (e.g. a moto server; undefined: no upstream, every
 * request must be injected). It records every request, and answers those `inject` chooses.
 */
export async function startProxy(target?: string): Promise<Proxy> {
  const requests: ProxiedRequest[] = [];
  const hanging = new Set<http.ServerResponse>();
  const upstream = target ? new URL(target) : undefined;
  const proxy: Proxy = {
    url: '',
    requests,
    count: (operation) => requests.filter((r) => r.operation === operation).length,
    clear: () => {
      requests.length = 0;
      index = 0;
    },
    inject: undefined,
    stop: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  let index = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const targetHeader = String(req.headers['x-amz-target'] ?? '');
      const operation = targetHeader.split('.').pop() ?? '';
      let body: any;
      try {
        body = JSON.parse(raw.toString('utf-8'));
      } catch {
        body = undefined;
      }
      const at = Date.now();
      const method = req.method ?? 'GET';
      const reqPath = req.url ?? '/';
      const answer = proxy.inject?.(operation, index++, { method, path: reqPath });
      if (answer === 'hang') {
        requests.push({ operation, body, status: 0, injected: true, at, method, path: reqPath });
        hanging.add(res);
        res.on('close', () => hanging.delete(res));
        return;
      }
      if (answer !== undefined || !upstream) {
        const a = answer ?? { status: 502, body: awsErrorBody('ProxyError', 'no upstream') };
        requests.push({ operation, body, status: a.status, injected: true, at, method, path: reqPath });
        res.writeHead(a.status, { 'content-type': 'application/x-amz-json-1.1', ...a.headers });
        res.end(a.body ?? '');
        return;
      }
      const forward = http.request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: upstream.host },
          agent: false,
        },
        (up) => {
          requests.push({ operation, body, status: up.statusCode ?? 0, injected: false, at, method, path: reqPath });
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      forward.on('error', (e) => {
        requests.push({ operation, body, status: 502, injected: true, at, method, path: reqPath });
        res.writeHead(502, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(awsErrorBody('ProxyError', e.message));
      });
      forward.end(raw);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  (proxy as { url: string }).url = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  return proxy;
}

/**
 * The environment of a child process that must reach only `endpoint` with fake credentials: the
 * parent's AWS settings (profiles, tokens, config files) are removed.
 */
export function fakeAwsEnv(endpoint: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('AWS_')) env[k] = v;
  }
  return {
    ...env,
    AWS_ACCESS_KEY_ID: FAKE_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: FAKE_CREDENTIALS.secretAccessKey,
    AWS_REGION: TEST_REGION,
    AWS_ENDPOINT_URL_SAGEMAKER: endpoint,
    AWS_CONFIG_FILE: path.join(REPO_ROOT, '.tmp', 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(REPO_ROOT, '.tmp', 'no-aws-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    ...extra,
  };
}
