/**
 * The minimum Python version of the code, per file, as vermin finds it
 * (https://github.com/netromdk/vermin: `--format parsable`).
 */
import { spawnSync } from 'child_process';
import * as path from 'path';

/**
 * The flags: annotations count as evaluated (they are, at definition time, without
 * `from __future__ import annotations`), PEP 604 unions (`X | None`) and builtin generics
 * (`list[int]`) detected; no tips, no config file of the project.
 */
export const VERMIN_FLAGS = ['--no-tips', '--no-config-file', '--no-parse-comments', '--eval-annotations', '--feature', 'union-types', '--processes=1', '--format', 'parsable'];

/** What vermin says of one file. */
export interface VerminFile {
  /** The minimum Python 3 version (`3.10`); undefined when nothing needs more than 3.0. */
  readonly minimum?: string;
  /** The first feature that needs the minimum, `<line>: <feature>`. */
  readonly reason?: string;
  /** A file vermin could not parse. */
  readonly error?: string;
}

/** `3.10` -> [3, 10]. */
export function versionTuple(v: string): number[] {
  return v.split('.').map((x) => Number(x));
}

/** a < b, compared as versions. */
export function versionLess(a: string, b: string): boolean {
  const x = versionTuple(a);
  const y = versionTuple(b);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) < (y[i] ?? 0);
  }
  return false;
}

/** Parses `file:line:col:py2:py3:feature` lines. */
export function parseVerminOutput(output: string): Map<string, VerminFile> {
  const files = new Map<string, { minimum?: string; features: { line: string; py3: string; feature: string }[]; error?: string }>();
  for (const raw of output.split('\n')) {
    const m = raw.match(/^(.+?):(\d*):(\d*):([!~]?[\d.]*):([!~]?[\d.]*):(.*)$/);
    if (!m) continue;
    const [, file, line, , , py3, feature] = m;
    const f = files.get(file) ?? { features: [] };
    files.set(file, f);
    if (feature.startsWith('error:')) f.error = `${line ? `line ${line}: ` : ''}${feature.slice('error:'.length).trim()}`;
    else if (line === '' && feature === '') f.minimum = /^\d/.test(py3) ? py3 : undefined;
    else if (/^\d/.test(py3)) f.features.push({ line, py3, feature });
  }
  const out = new Map<string, VerminFile>();
  for (const [file, f] of files) {
    const reason = f.features.find((x) => f.minimum !== undefined && x.py3 === f.minimum);
    out.set(file, { minimum: f.minimum, reason: reason ? `${reason.line}: ${reason.feature}` : undefined, error: f.error });
  }
  return out;
}

/** The result of running vermin. */
export type VerminRun =
  | { readonly files: Map<string, VerminFile>; readonly command: string }
  | { readonly missing: true }
  | { readonly problem: string };

/**
 * Runs vermin on the files: `<python> -m vermin` (the interpreter's own environment: the use case's
 * ml/requirements-dev.txt installs it into ml/.venv), else the `vermin` script beside the interpreter
 * (vermin 1.9 has no `__main__`, so `-m vermin` does not run it), else `vermin` on the PATH.
 */
export function runVermin(python: string, files: readonly string[], env: Readonly<Record<string, string | undefined>>): VerminRun {
  const attempts: [string, string[]][] = [[python, ['-m', 'vermin']], ['vermin', []]];
  if (path.dirname(python) !== '.') attempts.splice(1, 0, [path.join(path.dirname(python), 'vermin'), []]);
  for (const [command, prefix] of attempts) {
    const r = spawnSync(command, [...prefix, ...VERMIN_FLAGS, ...files], { env: env as NodeJS.ProcessEnv, encoding: 'utf-8', timeout: 120_000 });
    if (r.error) {
      if ((r.error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      return { problem: `vermin did not run (${r.error.message})` };
    }
    if (r.status !== 0 && /No module named vermin/.test(r.stderr)) continue;
    if (r.status !== 0) return { problem: `vermin failed (exit ${r.status}): ${(r.stderr || r.stdout).trim().split('\n').pop()}` };
    return { files: parseVerminOutput(r.stdout), command: [command, ...prefix].join(' ') };
  }
  return { missing: true };
}
