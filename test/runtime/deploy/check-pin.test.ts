/**
 * `deploy check-pin` in-process, against cloud assemblies synthesized by the real CDK (a top-level stack,
 * a stack inside a Stage, a nested stack), and pinned-model documents as `deploy resolve` writes them.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, CfnParameter, CfnWaitConditionHandle, NestedStack, Stack, Stage } from 'aws-cdk-lib';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { Construct } from 'constructs';
import { CliIo, EXIT, run } from '../../../src/runtime/cli/cli';

const PINNED = 'arn:aws:sagemaker:eu-central-1:111111111111:model-package/churn-model/240';
const OTHER = 'arn:aws:sagemaker:eu-central-1:111111111111:model-package/churn-model/239';
const ROLE = 'arn:aws:iam::444444444444:role/sagemaker-execution';

let tmp: string;

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'check-pin-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { stdout: (t) => out.push(t), stderr: (t) => err.push(t), env: {}, cwd: tmp };
  const code = await run(argv, io);
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

function writePinned(name: string, doc: Record<string, unknown> = {}): string {
  const file = path.join(tmp, name);
  fs.writeFileSync(
    file,
    JSON.stringify({
      schemaVersion: 1,
      modelPackageArn: PINNED,
      modelPackageGroupName: 'churn-model',
      modelPackageVersion: 240,
      approvalStatus: 'Approved',
      approvedAt: '2025-01-01T00:00:00.000Z',
      createdAt: '2025-01-01T00:00:00.000Z',
      containers: [],
      resolvedAt: '2025-01-02T00:00:00.000Z',
      ...doc,
    }),
  );
  return file;
}

/** A serving stack whose models use the given containers (ModelPackageName values or images). */
function servingStack(scope: App | Stage, id: string, containers: sagemaker.CfnModel.ContainerDefinitionProperty[][]): Stack {
  const stack = new Stack(scope, id, { env: { account: '444444444444', region: 'eu-central-1' } });
  containers.forEach((c, i) => {
    new sagemaker.CfnModel(stack, `Model${i}`, { executionRoleArn: ROLE, primaryContainer: c[0], containers: c.length > 1 ? c.slice(1) : undefined });
  });
  return stack;
}

function synth(name: string, build: (app: App) => void, assetMetadata = true): string {
  const outdir = path.join(tmp, name);
  // the CDK CLI records asset paths (nested stack templates among them) in the metadata
  const app = new App({ outdir, context: { 'aws:cdk:enable-asset-metadata': assetMetadata } });
  build(app);
  app.synth();
  return outdir;
}

describe('deploy check-pin', () => {
  let assembly: string;
  let pinned: string;

  beforeAll(() => {
    pinned = writePinned('pinned-model.json');
    assembly = synth('cdk.out', (app) => {
      servingStack(app, 'ChurnServingDev', [[{ modelPackageName: PINNED }]]);
      servingStack(app, 'ChurnServingOther', [[{ modelPackageName: PINNED }], [{ modelPackageName: OTHER }]]);
      servingStack(app, 'ChurnServingImage', [[{ image: '333333333333.dkr.ecr.eu-central-1.amazonaws.com/xgboost:1.7-1', modelDataUrl: 's3://b/k/model.tar.gz' }]]);
      const parameterStack = servingStack(app, 'ChurnServingParameter', []);
      new sagemaker.CfnModel(parameterStack, 'Model', { executionRoleArn: ROLE, primaryContainer: { modelPackageName: new CfnParameter(parameterStack, 'Arn').valueAsString } });
      // a use case's serving stack below a construct, as MlopsUseCase builds it: hierarchical id
      // UseCase/ServingDev, artifact id UseCaseServingDev<hash>, CloudFormation name churn-serving-dev
      const useCase = new Construct(app, 'UseCase');
      const useCaseServing = new Stack(useCase, 'ServingDev', { stackName: 'churn-serving-dev', env: { account: '444444444444', region: 'eu-central-1' } });
      new sagemaker.CfnModel(useCaseServing, 'Model', { executionRoleArn: ROLE, primaryContainer: { modelPackageName: PINNED } });
      const stage = new Stage(app, 'Int');
      servingStack(stage, 'ChurnServing', [[{ modelPackageName: PINNED }, { modelPackageName: PINNED }]]);
      const nestedParent = new Stack(app, 'ChurnServingNested', { env: { account: '444444444444', region: 'eu-central-1' } });
      const nested = new NestedStack(nestedParent, 'Serving');
      new sagemaker.CfnModel(nested, 'Model', { executionRoleArn: ROLE, primaryContainer: { modelPackageName: OTHER } });
      // a stack without models (one placeholder resource, so that its template is valid CloudFormation)
      new CfnWaitConditionHandle(new Stack(app, 'NoModels'), 'Placeholder');
    });
  });

  test('exit 0 when every model of the stack uses exactly the pinned ARN', async () => {
    const r = await cli('deploy', 'check-pin', '--pinned', 'pinned-model.json', '--assembly', 'cdk.out', '--stack', 'ChurnServingDev');
    expect(r).toEqual({ code: 0, stdout: `✔ ChurnServingDev deploys exactly the pinned model ${PINNED}\n  Model0: ${PINNED}`, stderr: '' });
  });

  test('a stack inside a Stage, by its hierarchical id, with two containers; --json', async () => {
    const r = await cli('deploy', 'check-pin', '--pinned', pinned, '--assembly', assembly, '--stack', 'Int/ChurnServing', '--json');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ ok: true, modelPackageArn: PINNED, stack: 'Int/ChurnServing' });
    expect(out.stackArtifactId).toMatch(/^IntChurnServing/);
    expect(out.models).toEqual([{ logicalId: 'Model0', modelPackageNames: [PINNED, PINNED] }]);
  });

  test('a stack below a construct is selected by its hierarchical id only, as cdk deploy selects it', async () => {
    const byPath = await cli('deploy', 'check-pin', '--pinned', pinned, '--assembly', assembly, '--stack', 'UseCase/ServingDev');
    expect(byPath).toEqual({ code: 0, stdout: `✔ UseCase/ServingDev deploys exactly the pinned model ${PINNED}\n  Model: ${PINNED}`, stderr: '' });
    // the CDK CLI prints "No stacks match the name(s) churn-serving-dev" for these: so must check-pin fail
    const byStackName = await cli('deploy', 'check-pin', '--pinned', pinned, '--assembly', assembly, '--stack', 'churn-serving-dev');
    expect(byStackName.code).toBe(EXIT.NOT_FOUND);
    expect(byStackName.stderr).toContain('"churn-serving-dev" is the CloudFormation stack name of the stack UseCase/ServingDev, which cdk deploy does not select by');
    expect(byStackName.stderr).toContain('--stack "UseCase/ServingDev"');
    const artifactId = JSON.parse(fs.readFileSync(path.join(assembly, 'manifest.json'), 'utf-8'));
    const id = Object.keys(artifactId.artifacts).find((k) => k.startsWith('UseCaseServingDev') && !k.endsWith('.assets'))!;
    expect(id).not.toBe('UseCase/ServingDev');
    const byArtifactId = await cli('deploy', 'check-pin', '--pinned', pinned, '--assembly', assembly, '--stack', id);
    expect(byArtifactId.code).toBe(2);
    expect(byArtifactId.stderr).toContain(`"${id}" is the artifact id of the stack UseCase/ServingDev`);
  });

  test('a different ARN: exit 5, every offending model named', async () => {
    const r = await cli('deploy', 'check-pin', '--pinned', pinned, '--assembly', assembly, '--stack', 'ChurnServingOther');
    expect(r.code).toBe(EXIT.CHECK_FAILED);
    expect(r.code).toBe(5);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`does not deploy exactly the pinned model ${PINNED}:\n  - Model1 uses ${OTHER}\n`);
    expect(r.stderr).not.toContain('Model0');
    expect(r.stderr).toContain('synthesize the app with -c pinnedModelPackageArn=<the pinned ARN>');
  });

  test('a model in a nested stack is checked too', async () => {
    const r = await cli('deploy', 'check-pin', '--pinned', pinned, '--assembly', assembly, '--stack', 'ChurnServingNested', '--json');
    expect(r.code).toBe(5);
    expect(JSON.parse(r.stdout).error).toEqual({ code: 'CHECK_FAILED', message: expect.stringMatching(/Serving\w*\/Model\w* uses .*model-package\/churn-model\/239/), exitCode: 5 });
  });

  test('a nested stack whose template the assembly does not locate: exit 5 (fails closed)', async () => {
    const bare = synth('cdk.out.bare', (app) => {
      const parent = new Stack(app, 'Parent', { env: { account: '444444444444', region: 'eu-central-1' } });
      new sagemaker.CfnModel(new NestedStack(parent, 'Serving'), 'Model', { executionRoleArn: ROLE, primaryContainer: { modelPackageName: PINNED } });
    }, false);
    const r = await cli('deploy', 'check-pin', '--pinned', pinned, '--assembly', bare, '--stack', 'Parent');
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/the nested stack Serving\w* of .* cannot be checked/);
  });

  test('an image instead of a model package, a non-literal ARN, a stack without models: exit 5', async () => {
    const image = await cli('deploy', 'check-pin', '--pinned', pinned, '--assembly', assembly, '--stack', 'ChurnServingImage');
    expect(image.code).toBe(5);
    expect(image.stderr).toContain('Model0 does not name a model package as a literal ARN');
    const parameter = await cli('deploy', 'check-pin', '--pinned', pinned, '--assembly', assembly, '--stack', 'ChurnServingParameter');
    expect(parameter.code).toBe(5);
    expect(parameter.stderr).toContain('Model does not name a model package as a literal ARN (an image, or a parameter/reference');
    const none = await cli('deploy', 'check-pin', '--pinned', pinned, '--assembly', assembly, '--stack', 'NoModels');
    expect(none.code).toBe(5);
    expect(none.stderr).toContain('has no AWS::SageMaker::Model');
  });

  test('missing pinned file, assembly or stack: exit 2 with what exists', async () => {
    const noPin = await cli('deploy', 'check-pin', '--pinned', 'missing.json', '--assembly', assembly, '--stack', 'ChurnServingDev');
    expect(noPin.code).toBe(EXIT.NOT_FOUND);
    expect(noPin.stderr).toContain(`error: the pinned-model file ${path.join(tmp, 'missing.json')} does not exist`);
    const noAssembly = await cli('deploy', 'check-pin', '--pinned', pinned, '--assembly', 'nowhere', '--stack', 'ChurnServingDev');
    expect(noAssembly.code).toBe(2);
    expect(noAssembly.stderr).toContain('the cloud assembly');
    const notAssembly = await cli('deploy', 'check-pin', '--pinned', pinned, '--assembly', os.tmpdir(), '--stack', 'ChurnServingDev');
    expect(notAssembly.code).toBe(2);
    expect(notAssembly.stderr).toContain('has no manifest.json');
    const noStack = await cli('deploy', 'check-pin', '--pinned', pinned, '--assembly', assembly, '--stack', 'ChurnServingProd', '--json');
    expect(noStack.code).toBe(2);
    const message = JSON.parse(noStack.stdout).error.message;
    expect(message).toContain('has no stack "ChurnServingProd" (selected by hierarchical id, as cdk deploy does); its stacks are: ');
    expect(message).toContain('ChurnServingDev');
    expect(message).toContain('Int/ChurnServing (stack name Int-ChurnServing), ');
    expect(message).toContain('UseCase/ServingDev (stack name churn-serving-dev)');
  });

  test('a malformed pinned-model document: exit 1', async () => {
    fs.writeFileSync(path.join(tmp, 'not-json.json'), '{ nope');
    const notJson = await cli('deploy', 'check-pin', '--pinned', 'not-json.json', '--assembly', assembly, '--stack', 'ChurnServingDev');
    expect(notJson.code).toBe(EXIT.USAGE);
    expect(notJson.stderr).toContain('is not JSON');
    const noArn = await cli('deploy', 'check-pin', '--pinned', writePinned('group-arn.json', { modelPackageArn: 'arn:aws:sagemaker:eu-central-1:111111111111:model-package-group/churn-model' }), '--assembly', assembly, '--stack', 'ChurnServingDev');
    expect(noArn.code).toBe(1);
    expect(noArn.stderr).toContain('has no versioned model package ARN');
    const schema = await cli('deploy', 'check-pin', '--pinned', writePinned('v2.json', { schemaVersion: 2 }), '--assembly', assembly, '--stack', 'ChurnServingDev');
    expect(schema.code).toBe(1);
    expect(schema.stderr).toContain('schemaVersion 2');
    const rejected = await cli('deploy', 'check-pin', '--pinned', writePinned('rejected.json', { approvalStatus: 'Rejected' }), '--assembly', assembly, '--stack', 'ChurnServingDev');
    expect(rejected.code).toBe(1);
  });

  test('usage: all three options are required', async () => {
    const r = await cli('deploy', 'check-pin', '--pinned', pinned, '--assembly', assembly);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('"deploy check-pin" needs --stack NAME');
  });
});
