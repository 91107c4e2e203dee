/**
 * The BUNDLED CLI (assets/runtime/cli/main.js, built by scripts/bundle-runtime.mjs when missing or older
 * than its sources) runs `pipeline local` as a child process: exit codes 0 and 5, JSON on stdout,
 * progress lines on stderr.
 */
import { execFile, execFileSync } from 'child_process';
import * as path from 'path';
import { cleanUp, project, PYTHON, readJson } from './helpers';
import { CLI_BUNDLE, ensureRuntimeBundle } from '../../helpers/runtime-bundle';

const BUNDLE = CLI_BUNDLE;


beforeAll(() => ensureRuntimeBundle(CLI_BUNDLE));
afterAll(cleanUp);

function bundled(cwd: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const env = { PATH: process.env.PATH, HOME: process.env.HOME };
    execFile(process.execPath, [BUNDLE, 'pipeline', 'local', ...args], { cwd, env, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, stdout: stdout.toString(), stderr: stderr.toString() });
    });
  });
}

test('node assets/runtime/cli/main.js pipeline local: exit 0 with the JSON summary, exit 5 when the Fail step runs', async () => {
  const p = project();
  const args = ['--definition', 'pipeline-definition.json', '--code-dir', 'code', '--python', PYTHON, '--json'];
  const ok = await bundled(p.dir, args);
  expect(ok.code).toBe(0);
  const summary = JSON.parse(ok.stdout);
  expect(summary).toMatchObject({ status: 'Succeeded', conditions: [{ step: 'Check', outcome: true, branch: 'IfSteps' }] });
  expect(summary.registered.map((r: any) => [r.modelPackageGroupName, r.modelPackageVersion])).toEqual([['test-models', 1]]);
  expect(ok.stderr.trim().split('\n').map((l) => l.replace(/ \.\.\. .*/, ''))).toEqual([
    '[1/6] Preprocess (Processing)', '[2/6] Train (Training)', '[3/6] Evaluate (Processing)', '[4/6] Check (Condition)', '[5/6] Register (RegisterModel)', '[6/6] F1TooLow (Fail)',
  ]);
  expect(execFileSync('tar', ['-tzf', path.join(p.workdir, 'Train', 'artifacts', 'model.tar.gz')]).toString()).toContain('model.json');

  const failed = await bundled(p.dir, [...args, '--param', 'Threshold=0.95', '--quiet']);
  expect(failed.code).toBe(5);
  expect(JSON.parse(failed.stdout).error).toEqual({ code: 'PIPELINE_FAILED', message: 'the pipeline failed: Fail step "F1TooLow" ran: f1 below 0.95', exitCode: 5 });
  expect(failed.stderr).toBe('error: the pipeline failed: Fail step "F1TooLow" ran: f1 below 0.95\n');
  expect(readJson(path.join(p.workdir, 'local-registry.json'))).toHaveLength(1);
});
