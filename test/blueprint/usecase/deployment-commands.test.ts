/**
 * The commands run: what the model deployment pipeline's Deploy projects and the use-case project's
 * `train` workflow execute, taken from the synthesized buildspecs and the generated workflow (never
 * retyped), run with the real tools (the aws-cdk CLI, the bundled `mlops-blueprint` CLI) against
 * synthesized cloud assemblies, up to the first AWS call: `cdk deploy` selects the stack and then stops at
 * "no credentials" for the target account, which is where AWS would begin.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { javascript, Testing } from 'projen';
import * as YAML from 'yaml';
import { MlopsUseCase, PlatformConfig } from '../../../src';
import { MlopsUseCaseProject } from '../../../src/project-types/usecase';
import { USE_CASE_CONSTRUCT_ID } from '../../../src/project-types/usecase/workflows';
import { CLI_BUNDLE, ensureRuntimeBundle, HANDLER_BUNDLE, REPO_ROOT } from '../../helpers/runtime-bundle';
import { REFERENCE_PINNED_MODEL_PACKAGE_ARN, REFERENCE_USE_CASE_NAME, synthReferenceApp } from '../../reference/reference-app';

const CDK_BIN = path.join(REPO_ROOT, 'node_modules', 'aws-cdk', 'bin', 'cdk');

let tmp: string;
let referenceAssembly: string;
let deploymentTemplate: any;

beforeAll(() => {
  ensureRuntimeBundle(CLI_BUNDLE);
  ensureRuntimeBundle(HANDLER_BUNDLE);
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'deployment-commands-'));
  referenceAssembly = path.join(tmp, 'reference.out');
  const { assembly, useCase } = synthReferenceApp(referenceAssembly);
  deploymentTemplate = assembly.getStackByName(useCase.deployment.stackName).template;
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A directory where `npx mlops-blueprint` and `npx cdk` are the bundled CLI and the real CDK CLI, as after `npm ci`. */
function workspace(name: string): string {
  const dir = path.join(tmp, name);
  const bin = path.join(dir, 'node_modules', '.bin');
  fs.mkdirSync(bin, { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name, version: '0.0.0', private: true }));
  fs.writeFileSync(path.join(bin, 'mlops-blueprint'), `#!/bin/sh\nexec "${process.execPath}" "${CLI_BUNDLE}" "$@"\n`, { mode: 0o755 });
  fs.symlinkSync(CDK_BIN, path.join(bin, 'cdk'));
  return dir;
}

/** Runs commands in one bash, as a CodeBuild phase or a workflow step does, without any AWS credentials. */
function runCommands(commands: string[], cwd: string, env: Record<string, string>) {
  const home = path.join(tmp, 'home');
  fs.mkdirSync(home, { recursive: true });
  const r = spawnSync('bash', ['-e', '-c', commands.join('\n')], {
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

function projectOfStage(template: any, stageName: string): any {
  const pipeline = Object.values<any>(template.Resources).find((r) => r.Type === 'AWS::CodePipeline::Pipeline');
  const stage = pipeline.Properties.Stages.find((s: any) => s.Name === stageName);
  return template.Resources[stage.Actions[0].Configuration.ProjectName.Ref];
}

describe('the Deploy projects of the model deployment pipeline', () => {
  test.each([
    ['DeployDev', 'WeldGun/ServingDev', '444444444444'],
    ['DeployInt', 'WeldGun/ServingInt', '555555555555'],
    ['DeployProd', 'WeldGun/ServingProd', '666666666666'],
  ])('%s: check-pin and cdk deploy select %s in the cloud assembly and stop only for the missing credentials of %s', (stageName, hierarchicalId, account) => {
    const project = projectOfStage(deploymentTemplate, stageName);
    const spec = JSON.parse(project.Properties.Source.BuildSpec);
    const variables = Object.fromEntries(project.Properties.Environment.EnvironmentVariables.map((v: any) => [v.Name, v.Value]));

    const ws = workspace(`ws-${stageName}`);
    const pinnedDir = path.join(tmp, `pinned-${stageName}`);
    fs.mkdirSync(pinnedDir);
    fs.writeFileSync(
      path.join(pinnedDir, 'pinned-model.json'),
      JSON.stringify({ schemaVersion: 1, modelPackageArn: REFERENCE_PINNED_MODEL_PACKAGE_ARN, modelPackageVersion: 7, approvalStatus: 'Approved' }),
    );
    const r = runCommands(spec.phases.build.commands, ws, {
      ...variables,
      CODEBUILD_SRC_DIR: ws,
      CODEBUILD_SRC_DIR_PinnedModel: pinnedDir,
      CODEBUILD_SRC_DIR_CloudAssembly: referenceAssembly,
    });
    expect(r.output).toContain(`Deploy: pinned model package ${REFERENCE_PINNED_MODEL_PACKAGE_ARN}`);
    expect(r.stdout).toContain(`✔ ${hierarchicalId} deploys exactly the pinned model ${REFERENCE_PINNED_MODEL_PACKAGE_ARN}`);
    expect(r.output).not.toContain('No stacks match');
    // cdk deploy selected the stack and synthesized nothing new: it stops where it would call AWS
    expect(r.stderr).toContain(`Need to perform AWS calls for account ${account}, but no credentials have been configured`);
    expect(r.status).not.toBe(0);
    expect(variables.TARGET_STACK).toBe(hierarchicalId);
  });

  test('the CloudFormation stack name, which the pipeline passed before, selects nothing: cdk ls and cdk synth say so', () => {
    const ws = workspace('ws-stack-name');
    const ls = runCommands([`npx cdk ls --app "${referenceAssembly}" vwml-${REFERENCE_USE_CASE_NAME}-serving-dev`], ws, {});
    expect(ls.stdout.trim()).toBe('');
    const synth = runCommands([`npx cdk synth --quiet --app "${referenceAssembly}" vwml-${REFERENCE_USE_CASE_NAME}-serving-dev`], ws, {});
    expect(synth.status).toBe(1);
    expect(synth.stderr).toContain(`No stacks match the name(s) vwml-${REFERENCE_USE_CASE_NAME}-serving-dev`);
    const byPath = runCommands([`npx cdk ls --app "${referenceAssembly}" WeldGun/ServingDev`], ws, {});
    expect(byPath.stdout.trim()).toBe(`WeldGun/ServingDev (vwml-${REFERENCE_USE_CASE_NAME}-serving-dev)`);
  });
});

describe('the train workflow of a use-case repository', () => {
  test('"Deploy the training stack" selects the training stack of the generated app and stops only for the missing credentials of EXP', () => {
    // the generated app (templates/usecase/src/main.ts) puts the use case at USE_CASE_CONSTRUCT_ID
    const mainTs = fs.readFileSync(path.join(REPO_ROOT, 'templates', 'usecase', 'src', 'main.ts'), 'utf-8');
    expect(mainTs).toContain(`return new MlopsUseCase(app, '${USE_CASE_CONSTRUCT_ID}', {`);
    const ws = workspace('ws-train');
    const app = new App({ outdir: path.join(ws, 'cdk.out') });
    new MlopsUseCase(app, USE_CASE_CONSTRUCT_ID, {
      platform: PlatformConfig.sample(),
      useCaseName: REFERENCE_USE_CASE_NAME,
      pinnedModelPackageArn: REFERENCE_PINNED_MODEL_PACKAGE_ARN,
    });
    app.synth();

    const out = Testing.synth(
      new MlopsUseCaseProject({
        name: REFERENCE_USE_CASE_NAME,
        defaultReleaseBranch: 'main',
        cdkVersion: '2.257.0',
        packageManager: javascript.NodePackageManager.NPM,
        projenrcTs: true,
        outdir: path.join(tmp, 'project'),
      }),
    );
    const job = YAML.parse(out['.github/workflows/train.yml']).jobs.train;
    const step = job.steps.find((s: any) => s.name === 'Deploy the training stack (EXP only)');
    const r = runCommands([step.run], ws, job.env);
    expect(r.output).not.toContain('No stacks match');
    expect(r.stderr).toContain('Need to perform AWS calls for account 222222222222, but no credentials have been configured');
    expect(r.status).not.toBe(0);
  });
});
