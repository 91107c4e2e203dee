/**
 * The file system and process side of a local run: SageMaker's `/opt/ml/...` paths mapped into a
 * step's directory, inputs copied into place, and the step's process run with its output in a log.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

/** The container root of SageMaker's paths. */
export const OPT_ML = '/opt/ml';

/**
 * A container path mapped into a step's root directory: `/opt/ml/processing/train` ->
 * `<root>/opt/ml/processing/train`. Any absolute container path maps the same way.
 */
export function mapContainerPath(root: string, containerPath: string): string {
  return path.join(root, ...containerPath.split('/').filter((p) => p !== ''));
}

/** Whether a string is `/opt/ml` or a path under it. */
export function isOptMlPath(value: string): boolean {
  return value === OPT_ML || value.startsWith(`${OPT_ML}/`);
}

/**
 * Rewrites a command-line argument or environment value that names a path under `/opt/ml`: the
 * whole value (`/opt/ml/processing/input`) or the value of a `--name=/opt/ml/...` argument.
 */
export function rewriteOptMl(root: string, value: string): string {
  if (isOptMlPath(value)) return mapContainerPath(root, value);
  const m = /^(-{1,2}[A-Za-z0-9_.-]+=)(\/opt\/ml(?:\/.*)?)$/.exec(value);
  return m ? `${m[1]}${mapContainerPath(root, m[2])}` : value;
}

/** Folders that are never part of code: virtual environments, caches, version control. */
export const NOT_CODE = ['.venv', 'venv', '__pycache__', '.pytest_cache', '.ruff_cache', '.mypy_cache', '.git', 'node_modules'];

/**
 * Copies a file or a directory's contents (recursively, symlinks as links) into `targetDir`,
 * leaving out folders named in `exclude`.
 */
export function copyInto(source: string, targetDir: string, exclude: readonly string[] = []): void {
  fs.mkdirSync(targetDir, { recursive: true });
  const stat = fs.statSync(source);
  if (stat.isDirectory()) copyDir(source, targetDir, exclude);
  else fs.copyFileSync(source, path.join(targetDir, path.basename(source)));
}

function copyDir(source: string, target: string, exclude: readonly string[]): void {
  for (const entry of fs.readdirSync(source, { withFileTypes: true })) {
    const from = path.join(source, entry.name);
    const to = path.join(target, entry.name);
    if (entry.isDirectory()) {
      if (exclude.includes(entry.name)) continue;
      fs.mkdirSync(to, { recursive: true });
      copyDir(from, to, exclude);
    } else if (entry.isSymbolicLink()) {
      fs.symlinkSync(fs.readlinkSync(from), to);
    } else if (entry.isFile()) {
      fs.copyFileSync(from, to);
    }
  }
}

/** Whether `inner` is `outer` or inside it. */
export function isInside(inner: string, outer: string): boolean {
  const rel = path.relative(outer, inner);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** Writes a file atomically (a temporary file renamed over it). */
export function writeFileAtomic(file: string, content: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, content);
  fs.renameSync(tmp, file);
}

/** How a process ended. */
export interface ProcessResult {
  /** The exit code, or null when a signal ended it. */
  readonly exitCode: number | null;
  /** The signal that ended it, if any. */
  readonly signal: NodeJS.Signals | null;
  /** Whether it was stopped for running longer than its limit. */
  readonly timedOut: boolean;
  /** Its stdout and stderr, in the order they came (also in the log file). */
  readonly output: string;
  /** Set when the process could not start (e.g. the command does not exist). */
  readonly spawnError?: NodeJS.ErrnoException;
}

/** What to run. */
export interface ProcessSpec {
  /** The command and its arguments. */
  readonly argv: readonly string[];
  /** The working directory. */
  readonly cwd: string;
  /** The complete environment. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The file that gets stdout and stderr. */
  readonly logFile: string;
  /** Stop the process (SIGTERM, then SIGKILL 2 s later) after this many seconds. */
  readonly timeoutSeconds?: number;
}

/** Runs a process to its end; never rejects. */
export function runProcess(spec: ProcessSpec): Promise<ProcessResult> {
  return new Promise((resolve) => {
    fs.mkdirSync(path.dirname(spec.logFile), { recursive: true });
    const log = fs.createWriteStream(spec.logFile);
    const chunks: Buffer[] = [];
    let timedOut = false;
    let settled = false;
    const finish = (r: Omit<ProcessResult, 'output' | 'timedOut'>) => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      log.end(() => resolve({ ...r, timedOut, output: Buffer.concat(chunks).toString('utf-8') }));
    };
    const child = spawn(spec.argv[0], spec.argv.slice(1), { cwd: spec.cwd, env: spec.env as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      log.write(chunk);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const timer = spec.timeoutSeconds !== undefined && spec.timeoutSeconds > 0
      ? setTimeout(() => {
        timedOut = true;
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 2000).unref();
      }, spec.timeoutSeconds * 1000)
      : undefined;
    child.on('error', (e: NodeJS.ErrnoException) => finish({ exitCode: null, signal: null, spawnError: e }));
    child.on('close', (exitCode, signal) => finish({ exitCode, signal }));
  });
}

/** The last `lines` lines of a text. */
export function tail(text: string, lines = 20): string {
  const all = text.replace(/\s+$/, '').split('\n');
  return all.slice(-lines).join('\n');
}
