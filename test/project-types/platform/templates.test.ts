/**
 * The TypeScript samples of the platform repository (templates/platform, as the project type writes them)
 * type-check against this library's source: `@vw/mlops-blueprint` is mapped to src/index.ts. The e2e test
 * (scripts/e2e-platform.sh) compiles, lints and runs them against the packed library.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Testing } from 'projen';
import * as ts from 'typescript';
import { platformProject } from './helpers';

const ROOT = path.join(__dirname, '..', '..', '..');

function typeCheck(files: Record<string, string>): string[] {
  // inside the repository (in the git-ignored .tmp/), so that aws-cdk-lib and the types resolve from node_modules
  const dir = fs.mkdtempSync(path.join(ROOT, '.tmp', 'platform-samples-'));
  try {
    const roots = Object.entries(files).map(([relative, text]) => {
      const file = path.join(dir, relative);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, text);
      return file;
    });
    const program = ts.createProgram(roots, {
      noEmit: true,
      strict: true,
      noImplicitAny: true,
      noImplicitReturns: true,
      esModuleInterop: true,
      skipLibCheck: true,
      target: ts.ScriptTarget.ES2022,
      lib: ['lib.es2022.d.ts'],
      module: ts.ModuleKind.Node16,
      moduleResolution: ts.ModuleResolutionKind.Node16,
      types: ['jest', 'node'],
      typeRoots: [path.join(ROOT, 'node_modules', '@types')],
      paths: { '@vw/mlops-blueprint': [path.join(ROOT, 'src', 'index.ts')] },
    });
    return ts
      .getPreEmitDiagnostics(program)
      .filter((d) => d.file === undefined || roots.includes(path.resolve(d.file.fileName)))
      .map((d) => `${d.file ? path.relative(dir, d.file.fileName) : ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test('src/main.ts and test/main.test.ts of a new platform repository type-check against the library', () => {
  fs.mkdirSync(path.join(ROOT, '.tmp'), { recursive: true });
  const out = Testing.synth(platformProject({ platformConfigFile: 'config/platform.yaml' }));
  const problems = typeCheck({
    'src/main.ts': out['src/main.ts'],
    'test/main.test.ts': out['test/main.test.ts'],
    // a control: a wrong use of the library must be reported, so the check can fail
    'src/control.ts': "import { PlatformConfig } from '@vw/mlops-blueprint';\nexport const prefix: number = PlatformConfig.sample().prefix;\n",
  });
  expect(problems).toEqual([expect.stringMatching(/^src\/control.ts: Type 'string' is not assignable to type 'number'/)]);
});
