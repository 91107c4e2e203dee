/**
 * What the commands-run tests share: the reference app's cloud assembly and its deployment stack's template,
 * workspaces in which `npx mlops-blueprint` and `npx cdk` are the bundled CLI and the real CDK CLI (as after
 * `npm ci`), and bash runs of buildspec and workflow commands.
 */
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { javascript, Testing } from 'projen';
import * as YAML from 'yaml';
import { MlopsUseCaseProject } from '../../../src/project-types/usecase';
import { referenceCloudAssembly } from '../../flows/engine/assembly';
import { CLI_BUNDLE, ensureRuntimeBundle, REPO_ROOT } from '../../helpers/runtime-bundle';
import { REFERENCE_USE_CASE_NAME } from '../../reference/reference-app';

const CDK_BIN = path.join(REPO_ROOT, 'node_modules', 'aws-cdk', 'bin', 'cdk');

/** The reference app's cloud assembly in a temporary directory. */
export interface ReferenceAssembly {
  /** The temporary directory (workspaces and homes go here). */
  readonly tmp: string;
  /** The cloud assembly directory. */
  readonly assemblyDir: string;
  /** The template of the use case's deployment stack (the pipeline and its CodeBuild projects). */
  readonly deploymentTemplate: any;
}

/**
 * The reference app's cloud assembly (with fresh runtime bundles) in a new temporary directory: a copy of the
 * assembly the flows share (synthesized once per source state), so that a command writing into it cannot
 * change what another suite reads.
 */
export function synthReferenceAssembly(prefix: string): ReferenceAssembly {
  ensureRuntimeBundle(CLI_BUNDLE);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const assemblyDir = path.join(tmp, 'reference.out');
  fs.cpSync(referenceCloudAssembly().directory, assemblyDir, { recursive: true });
  const assembly = new CloudAssembly(assemblyDir);
  return { tmp, assemblyDir, deploymentTemplate: assembly.getStackByName(`vwml-${REFERENCE_USE_CASE_NAME}-deployment`).template };
}

/** A directory where `npx mlops-blueprint` and `npx cdk` are the bundled CLI and the real CDK CLI, as after `npm ci`. */
export function makeWorkspace(tmp: string, name: string): string {
  const dir = path.join(tmp, name);
  const bin = path.join(dir, 'node_modules', '.bin');
  fs.mkdirSync(bin, { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name, version: '0.0.0', private: true }));
  fs.writeFileSync(path.join(bin, 'mlops-blueprint'), `#!/bin/sh\nexec "${process.execPath}" "${CLI_BUNDLE}" "$@"\n`, { mode: 0o755 });
  fs.symlinkSync(CDK_BIN, path.join(bin, 'cdk'));
  return dir;
}

/** Runs commands in one bash, as a CodeBuild phase or a workflow step does, without any AWS credentials. */
export function runCommands(tmp: string, commands: string[], cwd: string, env: Record<string, string>) {
  const home = path.join(tmp, 'home');
  fs.mkdirSync(home, { recursive: true });
  const r = spawnSync('bash', ['--noprofile', '--norc', '-e', '-c', commands.join('\n')], {
    cwd,
    encoding: 'utf-8',
    timeout: 180_000,
    env: {
      PATH: `${path.dirname(process.execPath)}:${process.env.PATH}`,
      HOME: home,
      CI: 'true',
      CDK_DISABLE_VERSION_CHECK: '1',
      // no credentials anywhere (no profile, no instance metadata): the CLI stops before the first AWS call
      AWS_EC2_METADATA_DISABLED: 'true',
      npm_config_offline: 'true',
      npm_config_update_notifier: 'false',
      ...env,
    },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, output: `${r.stdout}\n${r.stderr}` };
}

/** Runs commands in bash without blocking the event loop (the local mirror answers in this process). */
export function runAsync(commands: string[], cwd: string, env: Record<string, string>): Promise<{ status: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['--noprofile', '--norc', '-e', '-c', commands.join('\n')], { cwd, env });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, output });
    });
  });
}

/** The CodeBuild project of a pipeline stage's (first) action. */
export function projectOfStage(template: any, stageName: string): any {
  // the deployment pipeline, not the image build pipeline of the same stack
  const pipeline = Object.values<any>(template.Resources)
    .find((r) => r.Type === 'AWS::CodePipeline::Pipeline' && /-deploy$/.test(String(r.Properties.Name)));
  const stage = pipeline.Properties.Stages.find((st: any) => st.Name === stageName);
  return template.Resources[stage.Actions[0].Configuration.ProjectName.Ref];
}

/** The plain-text environment variables of a CodeBuild project. */
export function variablesOf(project: any): Record<string, string> {
  return Object.fromEntries(project.Properties.Environment.EnvironmentVariables.map((v: any) => [v.Name, v.Value]));
}

/**
 * The `train` job of the generated use-case repository's `.github/workflows/train.yml`, as `projen` writes it
 * for the reference use case (what the workflow tests run step by step).
 * @param outdir where the project is synthesized
 */
export function trainWorkflowJob(outdir: string): any {
  const out = Testing.synth(
    new MlopsUseCaseProject({
      name: REFERENCE_USE_CASE_NAME,
      defaultReleaseBranch: 'main',
      cdkVersion: '2.257.0',
      packageManager: javascript.NodePackageManager.NPM,
      projenrcTs: true,
      outdir,
    }),
  );
  return YAML.parse(out['.github/workflows/train.yml']).jobs.train;
}
