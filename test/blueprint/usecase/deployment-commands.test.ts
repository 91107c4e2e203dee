/**
 * The commands run, with the real tools and no AWS: what the model deployment pipeline's Synth and Deploy
 * projects and the use-case project's `train` workflow execute, taken from the synthesized buildspecs and
 * the generated workflow (never retyped), run with the aws-cdk CLI and the bundled `mlops-blueprint` CLI
 * against synthesized cloud assemblies, up to the first AWS call: `cdk deploy` selects the stack and stops
 * at "no credentials" for the target account, which is where AWS would begin. The commands that call AWS
 * run against emulators in deployment-commands-aws.test.ts.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { makeWorkspace, projectOfStage, runCommands as runFixtureCommands, synthReferenceAssembly, trainWorkflowJob } from './commands-fixture';
import { MlopsUseCase, PlatformConfig } from '../../../src';
import { USE_CASE_CONSTRUCT_ID } from '../../../src/project-types/usecase/workflows';
import { REPO_ROOT } from '../../helpers/runtime-bundle';
import { REFERENCE_PINNED_MODEL_PACKAGE_ARN, REFERENCE_USE_CASE_NAME } from '../../reference/reference-app';

let tmp: string;
let referenceAssembly: string;
let deploymentTemplate: any;

beforeAll(() => {
  ({ tmp, assemblyDir: referenceAssembly, deploymentTemplate } = synthReferenceAssembly('deployment-commands-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const workspace = (name: string) => makeWorkspace(tmp, name);
const runCommands = (commands: string[], cwd: string, env: Record<string, string>) => runFixtureCommands(tmp, commands, cwd, env);

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

  test('SmokeTestDev: deploy smoke-test reads the pin and the sample and stops at the first AWS call (assuming the DEV smoke-test role) for want of credentials', () => {
    const project = projectOfStage(deploymentTemplate, 'SmokeTestDev');
    const spec = JSON.parse(project.Properties.Source.BuildSpec);
    const variables = Object.fromEntries(project.Properties.Environment.EnvironmentVariables.map((v: any) => [v.Name, v.Value]));
    const ws = workspace('ws-smoke');
    fs.mkdirSync(path.join(ws, 'smoke-test'));
    fs.copyFileSync(path.join(REPO_ROOT, 'templates', 'usecase', 'smoke-test', 'sample.json'), path.join(ws, variables.SMOKE_TEST_SAMPLE));
    const pinnedDir = path.join(tmp, 'pinned-smoke');
    fs.mkdirSync(pinnedDir);
    fs.writeFileSync(path.join(pinnedDir, 'pinned-model.json'), JSON.stringify({ schemaVersion: 1, modelPackageArn: REFERENCE_PINNED_MODEL_PACKAGE_ARN, modelPackageVersion: 7, approvalStatus: 'Approved' }));
    const r = runCommands(spec.phases.build.commands, ws, { ...variables, CODEBUILD_SRC_DIR: ws, CODEBUILD_SRC_DIR_PinnedModel: pinnedDir });
    expect(r.output).toContain(`SmokeTest: pinned model package ${REFERENCE_PINNED_MODEL_PACKAGE_ARN}`);
    expect(r.stderr).toContain(`… assuming arn:aws:iam::444444444444:role/vwml-${REFERENCE_USE_CASE_NAME}-dev-smoke-test`);
    expect(r.stderr).toContain(`error: AssumeRole failed for role "arn:aws:iam::444444444444:role/vwml-${REFERENCE_USE_CASE_NAME}-dev-smoke-test" (no HTTP response CredentialsProviderError: Could not load credentials`);
    expect(r.stderr).not.toMatch(/unknown option|usage:|the sample file/);
    expect(r.status).not.toBe(0);
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


describe('Synth, then Deploy: the cloud assembly the Synth project writes is the one the Deploy projects check and deploy', () => {
  let ws: string;
  let synthOutput: { status: number | null; stdout: string; stderr: string; output: string };
  const pinnedDir = (name: string, arn: string) => {
    const dir = path.join(tmp, `pinned-${name}`);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'pinned-model.json'), JSON.stringify({ schemaVersion: 1, modelPackageArn: arn, modelPackageVersion: Number(arn.split('/').pop()), approvalStatus: 'Approved' }));
    return dir;
  };

  beforeAll(() => {
    // the use-case repository: a CDK app without a pinned version of its own (test/reference/usecase-app.ts)
    ws = workspace('ws-synth');
    const tsNode = path.join(REPO_ROOT, 'node_modules', 'ts-node', 'dist', 'bin.js');
    const app = `"${process.execPath}" "${tsNode}" --transpile-only --project "${path.join(REPO_ROOT, 'tsconfig.dev.json')}" "${path.join(REPO_ROOT, 'test', 'reference', 'usecase-app.ts')}"`;
    fs.writeFileSync(path.join(ws, 'cdk.json'), JSON.stringify({ app }));
    const spec = JSON.parse(projectOfStage(deploymentTemplate, 'Synth').Properties.Source.BuildSpec);
    synthOutput = runCommands(spec.phases.build.commands, ws, { CODEBUILD_SRC_DIR: ws, CODEBUILD_SRC_DIR_PinnedModel: pinnedDir('synth', REFERENCE_PINNED_MODEL_PACKAGE_ARN) });
  });

  test('Synth: cdk synth with the pinned ARN as context writes the assembly, every serving stack deploying exactly that version', () => {
    expect(synthOutput.output).toContain(`Synth: pinned model package ${REFERENCE_PINNED_MODEL_PACKAGE_ARN}`);
    expect(synthOutput.status).toBe(0);
    const manifest = JSON.parse(fs.readFileSync(path.join(ws, 'cdk.out', 'manifest.json'), 'utf-8'));
    const serving = Object.values<any>(manifest.artifacts).filter((a) => a.type === 'aws:cloudformation:stack' && /\/Serving/.test(a.displayName));
    expect(serving.map((a) => a.displayName).sort()).toEqual(['WeldGun/ServingDev', 'WeldGun/ServingInt', 'WeldGun/ServingProd']);
    for (const a of serving) {
      const template = fs.readFileSync(path.join(ws, 'cdk.out', a.properties.templateFile), 'utf-8');
      expect(template).toContain(REFERENCE_PINNED_MODEL_PACKAGE_ARN);
      expect(JSON.parse(template).Parameters?.ModelPackageArn).toBeUndefined();
    }
  });

  test('DeployDev on that assembly: check-pin passes, cdk deploy stops only for the missing credentials of DEV', () => {
    const project = projectOfStage(deploymentTemplate, 'DeployDev');
    const variables = Object.fromEntries(project.Properties.Environment.EnvironmentVariables.map((v: any) => [v.Name, v.Value]));
    const r = runCommands(JSON.parse(project.Properties.Source.BuildSpec).phases.build.commands, workspace('ws-synth-deploy'), {
      ...variables,
      CODEBUILD_SRC_DIR_PinnedModel: pinnedDir('deploy', REFERENCE_PINNED_MODEL_PACKAGE_ARN),
      CODEBUILD_SRC_DIR_CloudAssembly: path.join(ws, 'cdk.out'),
    });
    expect(r.stdout).toContain(`✔ WeldGun/ServingDev deploys exactly the pinned model ${REFERENCE_PINNED_MODEL_PACKAGE_ARN}`);
    expect(r.stderr).toContain('Need to perform AWS calls for account 444444444444, but no credentials have been configured');
  });

  test('negative twin: a pin that is not the synthesized version stops DeployDev at check-pin (exit 5), before cdk deploy', () => {
    const project = projectOfStage(deploymentTemplate, 'DeployDev');
    const variables = Object.fromEntries(project.Properties.Environment.EnvironmentVariables.map((v: any) => [v.Name, v.Value]));
    const other = REFERENCE_PINNED_MODEL_PACKAGE_ARN.replace(/\/7$/, '/8');
    const r = runCommands(JSON.parse(project.Properties.Source.BuildSpec).phases.build.commands, workspace('ws-synth-twin'), {
      ...variables,
      CODEBUILD_SRC_DIR_PinnedModel: pinnedDir('twin', other),
      CODEBUILD_SRC_DIR_CloudAssembly: path.join(ws, 'cdk.out'),
    });
    expect(r.status).toBe(5);
    expect(r.stderr).toContain(`does not deploy exactly the pinned model ${other}`);
    expect(r.output).not.toContain('Need to perform AWS calls');
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

    const job = trainWorkflowJob(path.join(tmp, 'project'));
    const step = job.steps.find((s: any) => s.name === 'Deploy the training stack (EXP only)');
    // the digest the image step wrote to its output, which the step gets through its environment
    expect(step.env).toEqual({ IMAGE_DIGEST: '${{ steps.image.outputs.digest }}' });
    const r = runCommands([step.run], ws, { ...job.env, IMAGE_DIGEST: `sha256:${'1'.repeat(64)}` });
    expect(r.output).not.toContain('No stacks match');
    expect(r.stderr).toContain('Need to perform AWS calls for account 222222222222, but no credentials have been configured');
    expect(r.status).not.toBe(0);
  });
});

