/**
 * The public API is documented: every exported type, property, method, parameter and enum member has
 * a summary, and every optional property of a props struct says its @default. Reads the jsii assembly
 * (`.jsii`), which `npx projen compile` writes before the tests run in `npx projen build`.
 */
import * as fs from 'fs';
import * as path from 'path';

const ASSEMBLY = path.join(__dirname, '..', '.jsii');

interface Docs {
  summary?: string;
  default?: string;
}
interface Member {
  name: string;
  docs?: Docs;
  optional?: boolean;
  parameters?: Member[];
}
interface JsiiType {
  fqn: string;
  kind: 'class' | 'interface' | 'enum';
  datatype?: boolean;
  docs?: Docs;
  properties?: Member[];
  methods?: Member[];
  members?: Member[];
  initializer?: Member;
}

function loadTypes(): JsiiType[] {
  if (!fs.existsSync(ASSEMBLY)) {
    throw new Error(`${ASSEMBLY} is missing; run 'npx projen compile' before this test (npx projen build does)`);
  }
  return Object.values(JSON.parse(fs.readFileSync(ASSEMBLY, 'utf-8')).types) as JsiiType[];
}

describe('public API documentation', () => {
  const types = loadTypes();

  test('the assembly exports the expected entry points', () => {
    const names = types.map((t) => t.fqn.split('.').pop());
    expect(names).toEqual(expect.arrayContaining(['PlatformConfig', 'ComplianceCheck']));
  });

  test('every exported symbol has a summary', () => {
    const missing: string[] = [];
    for (const t of types) {
      if (!t.docs?.summary) missing.push(t.fqn);
      for (const m of [...(t.properties ?? []), ...(t.methods ?? []), ...(t.members ?? [])]) {
        if (!m.docs?.summary) missing.push(`${t.fqn}.${m.name}`);
        for (const p of m.parameters ?? []) if (!p.docs?.summary) missing.push(`${t.fqn}.${m.name}(${p.name})`);
      }
      for (const p of t.initializer?.parameters ?? []) if (!p.docs?.summary) missing.push(`${t.fqn}.constructor(${p.name})`);
    }
    expect(missing).toEqual([]);
  });

  test('every optional property of a struct documents its @default', () => {
    const missing = types
      .filter((t) => t.kind === 'interface' && t.datatype)
      .flatMap((t) => (t.properties ?? []).filter((p) => p.optional && !p.docs?.default).map((p) => `${t.fqn}.${p.name}`));
    expect(missing).toEqual([]);
  });
});
