/**
 * Collects every problem found in a configuration so that one error can list them all.
 * Each problem is `<field path>: <what is wrong and what to write instead>`.
 * @internal
 */
export class Problems {
  private readonly items: string[] = [];

  public add(path: string, message: string): void {
    this.items.push(`${path}: ${message}`);
  }

  public get list(): string[] {
    return [...this.items];
  }

  public get empty(): boolean {
    return this.items.length === 0;
  }

  /** Throws one Error that lists every problem, one per line. */
  public throwIfAny(what: string): void {
    if (this.items.length === 0) return;
    const n = this.items.length;
    throw new Error(`Invalid ${what} (${n} problem${n === 1 ? '' : 's'}):\n${this.items.join('\n')}`);
  }
}

/** Renders a value for an error message: strings quoted, everything else as JSON. @internal */
export function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === undefined) return 'undefined';
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

/** Levenshtein distance, for "did you mean" suggestions. @internal */
export function editDistance(a: string, b: string): number {
  const prev = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length];
}

/** The closest candidate to `value`, if it is close enough to be a plausible typo. @internal */
export function closest(value: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.MAX_SAFE_INTEGER;
  for (const c of candidates) {
    const d = editDistance(value.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(value.length / 3)) ? best : undefined;
}

/** ` (did you mean "x"?)` or an empty string. @internal */
export function didYouMean(value: string, candidates: readonly string[]): string {
  const c = closest(value, candidates);
  return c ? `; did you mean ${JSON.stringify(c)}?` : '';
}
