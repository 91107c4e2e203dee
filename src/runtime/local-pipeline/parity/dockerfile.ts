/**
 * What a use case's Dockerfile says about the image it builds: the base image of the last stage (with
 * `ARG` defaults substituted, `--platform` and stage names followed) and the `pip install` commands
 * of its `RUN` instructions.
 */

/** One `pip install` of a `RUN` instruction. */
export interface PipInstall {
  /** The 1-based line of the `RUN` instruction. */
  readonly line: number;
  /** The files given with `-r`/`--requirement`. */
  readonly requirementFiles: readonly string[];
  /** Everything else it installs: package names, specifiers, paths, `-e` targets. */
  readonly packages: readonly string[];
}

/** A parsed Dockerfile. */
export interface DockerfileFacts {
  /** The base image of the last stage, ARGs substituted; undefined when the file has no FROM. */
  readonly baseImage?: string;
  /** The `FROM` line of the last stage as written (for messages). */
  readonly baseLine?: string;
  readonly pipInstalls: readonly PipInstall[];
}

interface Instruction {
  readonly line: number;
  readonly keyword: string;
  readonly rest: string;
}

/** The instructions, continuation lines joined, comments and blank lines left out. */
export function instructions(text: string): Instruction[] {
  const out: Instruction[] = [];
  const lines = text.split(/\r?\n/);
  let current: { line: number; text: string } | undefined;
  lines.forEach((raw, i) => {
    const trimmed = raw.trim();
    // comments are dropped, inside a continuation too
    if (trimmed.startsWith('#')) return;
    if (!current) {
      if (trimmed === '') return;
      current = { line: i + 1, text: '' };
    }
    if (trimmed.endsWith('\\')) {
      current.text += trimmed.slice(0, -1) + ' ';
      return;
    }
    current.text += trimmed;
    const m = current.text.match(/^(\S+)\s*([\s\S]*)$/)!;
    out.push({ line: current.line, keyword: m[1].toUpperCase(), rest: m[2].trim() });
    current = undefined;
  });
  if (current && current.text.trim() !== '') {
    const m = current.text.trim().match(/^(\S+)\s*([\s\S]*)$/)!;
    out.push({ line: current.line, keyword: m[1].toUpperCase(), rest: m[2].trim() });
  }
  return out;
}

/** `${NAME}`, `${NAME:-default}`, `$NAME`, replaced by the ARG values (unknown names by their default or nothing). */
export function substitute(value: string, args: ReadonlyMap<string, string>): string {
  return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (_m, braced, def, bare) => {
    const name = braced ?? bare;
    const v = args.get(name);
    return v !== undefined && v !== '' ? v : def ?? '';
  });
}

function unquote(v: string): string {
  return /^(["']).*\1$/.test(v) ? v.slice(1, -1) : v;
}

/** Parses a Dockerfile's text. */
export function parseDockerfile(text: string): DockerfileFacts {
  const globalArgs = new Map<string, string>();
  const stages = new Map<string, string>();
  let baseImage: string | undefined;
  let baseLine: string | undefined;
  let seenFrom = false;
  const pipInstalls: PipInstall[] = [];
  for (const ins of instructions(text)) {
    if (ins.keyword === 'ARG' && !seenFrom) {
      // ARG NAME=value [NAME2=value2]; ARG NAME (no default)
      for (const part of ins.rest.match(/[A-Za-z_][A-Za-z0-9_]*(?:=(?:"[^"]*"|'[^']*'|\S*))?/g) ?? []) {
        const eq = part.indexOf('=');
        if (eq < 0) globalArgs.set(part, globalArgs.get(part) ?? '');
        else globalArgs.set(part.slice(0, eq), unquote(part.slice(eq + 1)));
      }
    } else if (ins.keyword === 'FROM') {
      seenFrom = true;
      const words = ins.rest.split(/\s+/).filter((w) => !w.startsWith('--'));
      let image = substitute(words[0] ?? '', globalArgs);
      // a stage built on an earlier stage has that stage's base
      image = stages.get(image.toLowerCase()) ?? image;
      if (words.length >= 3 && words[1].toUpperCase() === 'AS') stages.set(words[2].toLowerCase(), image);
      baseImage = image;
      baseLine = `FROM ${ins.rest}`;
    } else if (ins.keyword === 'RUN') {
      for (const install of pipInstallsOf(runCommand(ins.rest))) pipInstalls.push({ line: ins.line, ...install });
    }
  }
  return { baseImage, baseLine, pipInstalls };
}

/** The shell text of a RUN instruction (exec form joined; `--mount=...` flags dropped). */
function runCommand(rest: string): string {
  let r = rest;
  while (/^--\S+\s/.test(r)) r = r.replace(/^--\S+\s+/, '');
  if (r.startsWith('[')) {
    try {
      const argv = JSON.parse(r);
      if (Array.isArray(argv)) return argv.map(String).join(' ');
    } catch {
      // not JSON: shell form after all
    }
  }
  return r;
}

/** pip options that take a value (the value is not a package). */
const PIP_VALUE_OPTIONS = new Set([
  '-c', '--constraint', '-i', '--index-url', '--extra-index-url', '-f', '--find-links', '-t', '--target', '--prefix', '--root',
  '--trusted-host', '--cache-dir', '--progress-bar', '--platform', '--python-version', '--implementation', '--abi', '--only-binary',
  '--no-binary', '--src', '--log', '--timeout', '--retries', '-C', '--config-settings', '--global-option', '--upgrade-strategy',
  '--report', '--root-user-action', '--proxy', '--cert', '--client-cert', '--exists-action', '--python',
]);

/** The `pip install` commands in a shell command line. */
export function pipInstallsOf(command: string): { requirementFiles: string[]; packages: string[] }[] {
  const out: { requirementFiles: string[]; packages: string[] }[] = [];
  for (const simple of command.split(/&&|\|\||;|\||\n/)) {
    const words = shellWords(simple);
    const start = pipInstallStart(words);
    if (start < 0) continue;
    const requirementFiles: string[] = [];
    const packages: string[] = [];
    for (let i = start; i < words.length; i++) {
      const w = words[i];
      if (w === '-r' || w === '--requirement') {
        if (words[i + 1] !== undefined) requirementFiles.push(words[++i]);
      } else if (w.startsWith('--requirement=')) {
        requirementFiles.push(w.slice('--requirement='.length));
      } else if (/^-r\S/.test(w)) {
        requirementFiles.push(w.slice(2));
      } else if (w === '-e' || w === '--editable') {
        if (words[i + 1] !== undefined) packages.push(words[++i]);
      } else if (PIP_VALUE_OPTIONS.has(w)) {
        i++;
      } else if (!w.startsWith('-')) {
        packages.push(w);
      }
    }
    out.push({ requirementFiles, packages });
  }
  return out;
}

/** The index after `pip install` (`pip`, `pip3`, `pip3.11`, `python -m pip`, `uv pip`), or -1. */
function pipInstallStart(words: string[]): number {
  for (let i = 0; i < words.length; i++) {
    const base = words[i].split('/').pop()!;
    let next = -1;
    if (/^pip[0-9.]*$/.test(base)) next = i + 1;
    else if (/^python[0-9.]*$/.test(base) && words[i + 1] === '-m' && /^pip[0-9.]*$/.test(words[i + 2] ?? '')) next = i + 3;
    if (next < 0) continue;
    // pip's own options before the command (pip --no-cache-dir install ...)
    while (next < words.length && words[next].startsWith('-')) next += PIP_VALUE_OPTIONS.has(words[next]) ? 2 : 1;
    if (words[next] === 'install') return next + 1;
  }
  return -1;
}

/** Splits a simple shell command into words (single and double quotes; no expansion). */
export function shellWords(command: string): string[] {
  const words: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|'([^']*)'|([^\s"']+)/g;
  let m: RegExpExecArray | null;
  let current = '';
  let last = -1;
  while ((m = re.exec(command)) !== null) {
    const piece = m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2] !== undefined ? m[2] : m[3];
    // adjacent pieces (--x="a b") form one word
    if (last === m.index && words.length > 0) current = words.pop()! + piece;
    else current = piece;
    words.push(current);
    last = re.lastIndex;
  }
  return words;
}

/**
 * The Python minor version of an image, from the tag of an official Python image
 * (`python:3.11-slim`, `public.ecr.aws/docker/library/python:3.11.9-slim-bookworm@sha256:...`);
 * undefined when the name does not say.
 */
export function pythonOfImage(image: string): string | undefined {
  const withoutDigest = image.split('@')[0];
  const lastSlash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.indexOf(':', lastSlash + 1);
  if (colon < 0) return undefined;
  const repo = withoutDigest.slice(lastSlash + 1, colon);
  const tag = withoutDigest.slice(colon + 1);
  if (repo !== 'python') return undefined;
  const m = tag.match(/^(\d+)\.(\d+)(?:\.\d+)?(?:(?:a|b|rc)\d+)?(?:[-.][A-Za-z0-9._-]*)?$/);
  return m ? `${m[1]}.${m[2]}` : undefined;
}
