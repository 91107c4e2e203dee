/**
 * A requirements file (`ml/requirements.txt`) against the distributions installed in an interpreter:
 * every pinned requirement (`name==version`) must be installed at that version, every other one
 * must be installed. Extra distributions (pytest, ruff from requirements-dev.txt) are allowed.
 */

/** One requirement line. */
export interface Requirement {
  /** As written, without comments, hashes and markers. */
  readonly text: string;
  /** PEP 503 normalised name. */
  readonly name: string;
  /** The version of `==`/`===`, when pinned to one. */
  readonly pinned?: string;
  readonly line: number;
}

/** PEP 503: lower case, runs of `-`, `_`, `.` as one `-`. */
export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

/** Parses a requirements file; options (`--index-url`, `-c`), comments and blank lines are left out. */
export function parseRequirements(text: string): { requirements: Requirement[]; problems: string[] } {
  const requirements: Requirement[] = [];
  const problems: string[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    let line = lines[i];
    while (line.trimEnd().endsWith('\\') && i + 1 < lines.length) line = line.trimEnd().slice(0, -1) + ' ' + lines[++i];
    const body = line.replace(/(^|\s)#.*$/, '').trim();
    if (body === '') continue;
    if (/^(-r|--requirement)\b/.test(body)) {
      problems.push(`line ${start + 1} includes another file (${body}): list the packages in this file, so that the image and the local run install the same set`);
      continue;
    }
    if (body.startsWith('-')) continue;
    const spec = body.split(';')[0].replace(/\s--hash=\S+/g, '').trim();
    const m = spec.match(/^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*(.*)$/);
    if (!m) {
      problems.push(`line ${start + 1} (${body}) is not a requirement this check reads: write name==version`);
      continue;
    }
    const pin = m[3].trim().match(/^===?\s*([^\s,*]+)$/);
    requirements.push({ text: spec, name: normalizeName(m[1]), pinned: pin ? pin[1] : undefined, line: start + 1 });
  }
  return { requirements, problems };
}

/** PEP 440 enough for equality: lower case, no leading `v`, release zero-padded, `+local` kept apart. */
function versionKey(v: string): { release: string; rest: string; local?: string } {
  const [publicPart, local] = v.trim().toLowerCase().replace(/^v/, '').split('+');
  const m = publicPart.match(/^((?:\d+!)?\d+(?:\.\d+)*)(.*)$/);
  if (!m) return { release: publicPart, rest: '', local };
  const release = m[1].split('.').map((x) => String(Number(x)));
  while (release.length > 1 && release[release.length - 1] === '0') release.pop();
  return { release: release.join('.'), rest: m[2].replace(/^[-_.]/, ''), local };
}

/** Whether the installed version satisfies `==required` (a local label counts only when required). */
export function sameVersion(required: string, installed: string): boolean {
  const r = versionKey(required);
  const i = versionKey(installed);
  return r.release === i.release && r.rest === i.rest && (r.local === undefined || r.local === i.local);
}

/** The Python that prints `{name: version}` of the installed distributions (first on sys.path wins). */
export const INSTALLED_DISTRIBUTIONS_SCRIPT = [
  'import importlib.metadata as m, json',
  'seen = {}',
  'for d in m.distributions():',
  '    n = d.metadata["Name"]',
  '    if n and n not in seen: seen[n] = d.version',
  'print(json.dumps(seen))',
].join('\n');

/** The problems of the installed distributions against the requirements. */
export function compareInstalled(
  requirements: readonly Requirement[],
  installed: Readonly<Record<string, string>>,
  sides: { readonly requirementsFile: string; readonly python: string },
): string[] {
  const byName = new Map<string, string>();
  for (const [name, version] of Object.entries(installed)) if (!byName.has(normalizeName(name))) byName.set(normalizeName(name), version);
  const problems: string[] = [];
  for (const r of requirements) {
    const have = byName.get(r.name);
    if (have === undefined) {
      problems.push(`${sides.requirementsFile} requires ${r.text}, which is not installed in ${sides.python}: install exactly ${sides.requirementsFile} (pip install -r ${sides.requirementsFile})`);
    } else if (r.pinned !== undefined && !sameVersion(r.pinned, have)) {
      problems.push(`${sides.requirementsFile} requires ${r.name}==${r.pinned}, ${sides.python} has ${r.name} ${have}: install exactly ${sides.requirementsFile} (pip install -r ${sides.requirementsFile})`);
    }
  }
  return problems;
}
