/**
 * The use case's own image (issue 13): built in RES from the repository's ml/, pulled by digest by the
 * use case's pipeline jobs in EXP and its models in DEV, INT and PROD, and by no other use case's roles.
 * Each pull is simulated with both sides of the account boundary: the puller's identity policy and the
 * repository policy in RES.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { variablesOf } from './commands-fixture';
import { Framework, MlopsUseCase, ModelImage, PipelineDefinitionSource, PlatformAccount, PlatformConfig, PredictiveMaintenancePipeline } from '../../../src';
import { useCaseImageTests } from '../../../src/blueprint/usecase/usecase-image';
import { BASE_IMAGE_THROUGH_CACHE } from '../../../src/constructs/artifacts/image-build-commands';
import { emptyManagedPolicies, logicalIdOf, simulate, TemplatePolicies } from '../../helpers/iam-simulator';

const EXP = '222222222222';
const RES = '333333333333';
const DEV = '444444444444';
const REPOSITORY = 'vwml/usecase/weld-gun-pm';
const REPOSITORY_ARN = `arn:aws:ecr:eu-central-1:${RES}:repository/${REPOSITORY}`;
const PULL = ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'];

const app = new App();
const config = PlatformConfig.sample();
const uc = new MlopsUseCase(app, 'WeldGun', { platform: config, useCaseName: 'weld-gun-pm' });
const deployment = Template.fromStack(uc.deployment).toJSON();
const deploymentPolicies = TemplatePolicies.fromStack(uc.deployment);
const repository = deployment.Resources[logicalIdOf(uc.deployment.image.repository)];
const repositoryPolicy = deploymentPolicies.resolve(repository.Properties.RepositoryPolicyText);


describe('the repository of the use case\'s image in RES', () => {
  test('one repository per use case: immutable tags, scan on push, the deployment stack\'s key, retained', () => {
    expect(repository.Properties).toMatchObject({
      RepositoryName: REPOSITORY,
      ImageTagMutability: 'IMMUTABLE',
      ImageScanningConfiguration: { ScanOnPush: true },
      EncryptionConfiguration: { EncryptionType: 'KMS', KmsKey: { 'Fn::GetAtt': [logicalIdOf(uc.deployment.key.key), 'Arn'] } },
    });
    expect(repository.DeletionPolicy).toBe('Retain');
    expect(uc.names.imageRepositoryArn).toBe(REPOSITORY_ARN);
  });

  test('the pipeline role of EXP pulls it: its own identity policy and the repository policy of RES', async () => {
    const training = TemplatePolicies.fromStack(uc.training);
    const role = uc.training.pipeline.role;
    const identityPolicies = training.identityPolicies(logicalIdOf(role), emptyManagedPolicies(`arn:aws:iam::${EXP}:policy/vwml-SageMakerGuardrails`));
    const principal = `arn:aws:iam::${EXP}:role/vwml-weld-gun-pm-pipeline`;
    expect(Template.fromStack(uc.training).toJSON().Resources[logicalIdOf(role)].Properties.RoleName).toBe('vwml-weld-gun-pm-pipeline');
    for (const action of PULL) {
      expect(await simulate({ identityPolicies, resourcePolicy: repositoryPolicy, principal, action, resource: REPOSITORY_ARN })).toBe('Allowed');
    }
  });

  test('the endpoint role of DEV pulls it: its own identity policy and the repository policy of RES', async () => {
    const serving = uc.serving(PlatformAccount.DEV);
    const policies = TemplatePolicies.fromStack(serving);
    const role = serving.endpointRole;
    const identityPolicies = policies.identityPolicies(logicalIdOf(role), emptyManagedPolicies(`arn:aws:iam::${DEV}:policy/vwml-SageMakerGuardrails`));
    const principal = `arn:aws:iam::${DEV}:role/vwml-weld-gun-pm-dev-endpoint`;
    for (const action of PULL) {
      expect(await simulate({ identityPolicies, resourcePolicy: repositoryPolicy, principal, action, resource: REPOSITORY_ARN })).toBe('Allowed');
    }
  });

  test('no other use case\'s role pulls it, even with every permission of its own, in the same accounts', async () => {
    const everything = [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }];
    const strangers = [
      `arn:aws:iam::${EXP}:role/vwml-paint-defect-pipeline`,
      `arn:aws:iam::${DEV}:role/vwml-paint-defect-dev-endpoint`,
      `arn:aws:iam::${DEV}:role/vwml-weld-gun-pm-dev-endpoint-impostor`,
      `arn:aws:iam::${EXP}:role/vwml-weld-gun-pm-github`,
    ];
    for (const principal of strangers) {
      expect(await simulate({ identityPolicies: everything as any, resourcePolicy: repositoryPolicy, principal, action: 'ecr:BatchGetImage', resource: REPOSITORY_ARN })).toBe('ImplicitlyDenied');
    }
    // no statement for the SageMaker service principal, which would pull for any role of the accounts
    expect(JSON.stringify(repositoryPolicy)).not.toContain('sagemaker.amazonaws.com');
  });

  test('only the image pipeline\'s Promote role may push', async () => {
    const everything = [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }];
    expect(await simulate({
      identityPolicies: everything as any, resourcePolicy: repositoryPolicy, principal: `arn:aws:iam::${RES}:role/admin`, action: 'ecr:PutImage', resource: REPOSITORY_ARN,
    })).toBe('ExplicitlyDenied');
  });
});

describe('the image build of the use case in RES', () => {
  test('starts on a new version of ml.zip in the deployment source bucket and builds its Dockerfile', () => {
    const rule = deployment.Resources[logicalIdOf(uc.deployment.image.pipeline.sourceTriggerRule!)];
    expect(rule.Properties.EventPattern.detail.object).toEqual({ key: ['ml.zip'] });
    const build = variablesOf(deployment.Resources[logicalIdOf(uc.deployment.image.pipeline.buildProject)]);
    expect(build).toMatchObject({
      DOCKERFILE: 'Dockerfile',
      BUILD_CONTEXT: '.',
      BASE_IMAGE_CACHE: `${RES}.dkr.ecr.eu-central-1.amazonaws.com/vwml-ecr-public`,
    });
    expect(deployment.Resources[logicalIdOf(uc.deployment.image.pipeline.pipeline)].Properties.Name).toBe('vwml-weld-gun-pm-image');
  });

  test('with a connection source it builds ml/Dockerfile of the repository', () => {
    const other = new MlopsUseCase(new App(), 'WeldGun', {
      platform: config,
      useCaseName: 'weld-gun-pm',
      source: { connectionArn: `arn:aws:codeconnections:eu-central-1:${RES}:connection/0a1b2c3d-4e5f-6789-abcd-ef0123456789`, owner: 'vw-mlops', repository: 'weld-gun-pm' },
    });
    const t = Template.fromStack(other.deployment).toJSON();
    const vars = variablesOf(t.Resources[logicalIdOf(other.deployment.image.pipeline.buildProject)]);
    expect(vars).toMatchObject({ DOCKERFILE: 'ml/Dockerfile', BUILD_CONTEXT: 'ml' });
  });

  test('the Build may pull through the platform\'s cache, and pull only the cached base image', async () => {
    const role = uc.deployment.image.pipeline.buildProject.role!;
    const identityPolicies = deploymentPolicies.identityPolicies(logicalIdOf(role));
    const principal = `arn:aws:iam::${RES}:role/build`;
    const cache = `arn:aws:ecr:eu-central-1:${RES}:repository/vwml-ecr-public`;
    expect(await simulate({ identityPolicies, principal, action: 'ecr:BatchImportUpstreamImage', resource: `${cache}/docker/library/python` })).toBe('Allowed');
    expect(await simulate({ identityPolicies, principal, action: 'ecr:BatchGetImage', resource: `${cache}/docker/library/python` })).toBe('Allowed');
    expect(await simulate({ identityPolicies, principal, action: 'ecr:BatchGetImage', resource: `arn:aws:ecr:eu-central-1:${RES}:repository/vwml/usecase/paint-defect` })).toBe('ImplicitlyDenied');
  });

  test('the source writer (the GitHub workflow) may put ml.zip and tag it, follow the image build and read the digests, and nothing of another use case', async () => {
    const identityPolicies = deploymentPolicies.identityPolicies(logicalIdOf(uc.deployment.sourceWriterRole!));
    const principal = `arn:aws:iam::${RES}:role/vwml-weld-gun-pm-source-writer`;
    const bucket = `arn:aws:s3:::vwml-weld-gun-pm-source-${RES}`;
    const pipeline = `arn:aws:codepipeline:eu-central-1:${RES}:vwml-weld-gun-pm-image`;
    const allowed: Array<[string, string]> = [
      ['s3:PutObject', `${bucket}/ml.zip`],
      ['s3:PutObjectTagging', `${bucket}/ml.zip`],
      ['s3:GetObjectTagging', `${bucket}/ml.zip`],
      ['codepipeline:ListPipelineExecutions', pipeline],
      ['codepipeline:ListActionExecutions', pipeline],
      ['ecr:DescribeImages', REPOSITORY_ARN],
    ];
    for (const [action, resource] of allowed) expect(await simulate({ identityPolicies, principal, action, resource })).toBe('Allowed');
    const denied: Array<[string, string]> = [
      ['ecr:DescribeImages', `arn:aws:ecr:eu-central-1:${RES}:repository/vwml/usecase/paint-defect`],
      ['ecr:PutImage', REPOSITORY_ARN],
      ['codepipeline:ListPipelineExecutions', `arn:aws:codepipeline:eu-central-1:${RES}:vwml-paint-defect-image`],
      ['s3:PutObject', `${bucket}/other.zip`],
      ['s3:GetObject', `${bucket}/ml.zip`],
    ];
    for (const [action, resource] of denied) expect(await simulate({ identityPolicies, principal, action, resource })).toBe('ImplicitlyDenied');
  });

  test('the Test stage gets the package mirror and runs the imports, the entrypoints and the ML tests inside the candidate', () => {
    const project = deployment.Resources[logicalIdOf(uc.deployment.image.pipeline.testProject)];
    const buildspec = JSON.parse(project.Properties.Source.BuildSpec);
    const commands: string[] = buildspec.phases.build.commands;
    const tests = useCaseImageTests('.');
    expect(commands.slice(-tests.length)).toEqual(tests);
    // the token of the mirror before the tests (pip in the test image)
    expect(commands.some((c) => c.startsWith('CODEARTIFACT_TOKEN=$(aws codeartifact get-authorization-token --domain vwml-packages --domain-owner 222222222222'))).toBe(true);
    expect(tests.filter((c) => c.startsWith('docker run')).every((c) => c.includes('--network none'))).toBe(true);
  });

  test('the test image the Test stage builds: the candidate plus requirements-dev.txt and the tests (the commands run by bash, docker stood in for, the Dockerfile linted by hadolint)', () => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'ml-test-'));
    const bin = path.join(work, 'bin');
    fs.mkdirSync(bin);
    fs.writeFileSync(path.join(bin, 'docker'), '#!/bin/sh\necho "docker $*" >> "$WORK/docker.calls"\n', { mode: 0o755 });
    const src = path.join(work, 'src');
    fs.mkdirSync(src);
    try {
      // the commands write to /tmp: this run writes to its own directory instead
      const script = useCaseImageTests('.').map((c) => c.replace(/\/tmp\//g, `${work}/`)).join('\n');
      execFileSync('bash', ['-e', '-c', script], {
        encoding: 'utf8',
        env: { PATH: `${bin}:${process.env.PATH}`, WORK: work, CODEBUILD_SRC_DIR: src, IMAGE_URI: `${RES}.dkr.ecr.eu-central-1.amazonaws.com/candidate@sha256:${'a'.repeat(64)}` },
      });
      const dockerfile = fs.readFileSync(path.join(work, 'Dockerfile.ml-test'), 'utf8');
      expect(dockerfile).toBe([
        'ARG IMAGE',
        'FROM ${IMAGE}',
        'COPY requirements-dev.txt /opt/ml/test/requirements-dev.txt',
        'RUN --mount=type=secret,id=pip-index-url PIP_INDEX_URL="$(cat /run/secrets/pip-index-url)" python3 -m pip install --no-cache-dir -r /opt/ml/test/requirements-dev.txt',
        'COPY . /opt/ml/test',
        'WORKDIR /opt/ml/test',
        '',
      ].join('\n'));
      expect(fs.readFileSync(path.join(work, 'Dockerfile.ml-test.dockerignore'), 'utf8')).toBe('.venv\n**/__pycache__\n.pytest_cache\n.ruff_cache\ndata\n');
      const calls = fs.readFileSync(path.join(work, 'docker.calls'), 'utf8').trim().split('\n');
      expect(calls[calls.length - 2]).toBe(`docker build --file ${work}/Dockerfile.ml-test --build-arg IMAGE=${RES}.dkr.ecr.eu-central-1.amazonaws.com/candidate@sha256:${'a'.repeat(64)} --secret id=pip-index-url,env=PIP_INDEX_URL --tag ml-test ${src}/.`);
      expect(calls[calls.length - 1]).toBe('docker run --rm --network none ml-test python3 -m pytest -q -p no:cacheprovider');
      // hadolint (requirements-dev.txt of this repository, in .venv by scripts/setup.sh) finds nothing
      const hadolint = path.join(__dirname, '../../../.venv/bin/hadolint');
      expect(fs.existsSync(hadolint)).toBe(true);
      const lint = spawnSync(hadolint, [path.join(work, 'Dockerfile.ml-test')], { encoding: 'utf8' });
      expect(lint.stdout).toBe('');
      expect(lint.status).toBe(0);
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
  });
});

describe('the Build takes the Dockerfile\'s own pinned base image through the cache (the commands, run by bash)', () => {
  const digest = `sha256:${'ab'.repeat(32)}`;
  function run(dockerfile: string): { status: number; out: string } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'base-image-'));
    fs.writeFileSync(path.join(dir, 'Dockerfile'), dockerfile);
    const script = [...BASE_IMAGE_THROUGH_CACHE, 'echo "BASE_IMAGE=$BASE_IMAGE"'].join('\n');
    try {
      const out = execFileSync('bash', ['-c', script], {
        cwd: dir, encoding: 'utf8', env: { PATH: process.env.PATH, DOCKERFILE: 'Dockerfile', BASE_IMAGE_CACHE: `${RES}.dkr.ecr.eu-central-1.amazonaws.com/vwml-ecr-public` },
      });
      return { status: 0, out };
    } catch (e: any) {
      return { status: e.status, out: `${e.stdout}${e.stderr}` };
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }

  test('ECR Public pinned by digest: the same path, tag and digest in the cache', () => {
    const r = run(`ARG BASE_IMAGE=public.ecr.aws/docker/library/python:3.11-slim@${digest}\nFROM \${BASE_IMAGE}\n`);
    expect(r.status).toBe(0);
    expect(r.out).toContain(`BASE_IMAGE=${RES}.dkr.ecr.eu-central-1.amazonaws.com/vwml-ecr-public/docker/library/python:3.11-slim@${digest}\n`);
  });

  test('the template\'s Dockerfile passes', () => {
    const r = run(fs.readFileSync(path.join(__dirname, '../../../templates/usecase/ml/Dockerfile'), 'utf8'));
    expect(r.status).toBe(0);
    expect(r.out).toMatch(/BASE_IMAGE=333333333333\.dkr\.ecr\.eu-central-1\.amazonaws\.com\/vwml-ecr-public\/docker\/library\/python:3\.11-slim@sha256:[0-9a-f]{64}\n/);
  });

  test.each([
    ['a tag without digest', 'ARG BASE_IMAGE=public.ecr.aws/docker/library/python:3.11-slim\nFROM ${BASE_IMAGE}\n'],
    ['Docker Hub', `ARG BASE_IMAGE=python:3.11-slim@${digest}\nFROM \${BASE_IMAGE}\n`],
    ['no ARG BASE_IMAGE', 'FROM python:3.11-slim\n'],
  ])('%s fails the Build with the way to write it', (_, dockerfile) => {
    const r = run(dockerfile);
    expect(r.status).toBe(1);
    expect(r.out).toContain('must pin its base image as ARG BASE_IMAGE=public.ecr.aws/<path>:<tag>@sha256:<digest>');
  });
});

describe('the training stack runs the image by digest', () => {
  const training = Template.fromStack(uc.training).toJSON();

  test('the ImageDigest parameter, and every job and the registered model name the use case\'s image at that digest', () => {
    expect(training.Parameters.ImageDigest).toMatchObject({ Type: 'String', AllowedPattern: '^sha256:[0-9a-f]{64}$' });
    const pipeline = Object.values<any>(training.Resources).find((r) => r.Type === 'AWS::SageMaker::Pipeline');
    const body = JSON.stringify(pipeline.Properties.PipelineDefinition);
    const image = `${RES}.dkr.ecr.eu-central-1.amazonaws.com/${REPOSITORY}@`;
    // preprocess, train, evaluate and the model: each followed by the parameter's value
    expect(body.split(image).length - 1).toBe(4);
    expect(body).toContain('{"Ref":"ImageDigest"}');
    expect(body).not.toContain('sagemaker-scikit-learn');
  });

  test('a definition without PipelinePlaceholder.IMAGE_URI (framework images) has no ImageDigest parameter', () => {
    const names = uc.names;
    const own = new MlopsUseCase(new App(), 'Own', {
      platform: config,
      useCaseName: 'weld-gun-pm',
      pipelineDefinition: PipelineDefinitionSource.fromDefinition(PredictiveMaintenancePipeline.definition({
        pipelineName: names.pipelineName,
        region: 'eu-central-1',
        roleArn: '{{ModelBuildPipeline.RoleArn}}',
        bucketName: '{{ModelBuildPipeline.ArtifactBucketName}}',
        kmsKeyArn: '{{ModelBuildPipeline.KmsKeyArn}}',
        subnetIds: ['{{ModelBuildPipeline.SubnetIds}}'],
        securityGroupIds: ['{{ModelBuildPipeline.SecurityGroupIds}}'],
        modelPackageGroupName: names.modelPackageGroupName,
        jobNamePrefix: names.jobNamePrefix,
      })),
    });
    expect(Template.fromStack(own.training).toJSON().Parameters?.ImageDigest).toBeUndefined();
    expect(own.training.imageDigest).toBeUndefined();
  });

  test('MlopsUseCase image: a framework image fills in the placeholder, with no ImageDigest, and both the pipeline and the endpoints may pull it', () => {
    const xgboost = ModelImage.fromFramework({ framework: Framework.XGBOOST, version: '1.7-1', region: 'eu-central-1' });
    const other = new MlopsUseCase(new App(), 'Xgb', { platform: config, useCaseName: 'weld-gun-pm', image: xgboost });
    const t = Template.fromStack(other.training).toJSON();
    expect(t.Parameters?.ImageDigest).toBeUndefined();
    const body = JSON.stringify(Object.values<any>(t.Resources).find((r) => r.Type === 'AWS::SageMaker::Pipeline').Properties.PipelineDefinition);
    expect(body.split(xgboost.imageUri).length - 1).toBe(4);
    const pulls = (stack: any) => JSON.stringify(Object.values<any>(Template.fromStack(stack).toJSON().Resources)
      .filter((r) => r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::IAM::ManagedPolicy'));
    expect(pulls(other.training)).toContain(xgboost.repositoryArn);
    expect(pulls(other.serving(PlatformAccount.PROD))).toContain(xgboost.repositoryArn);
  });
});
