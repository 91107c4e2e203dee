/**
 * The Build project of an image build pipeline in an isolated VPC: its Dockerfile check, taken from the
 * synthesized buildspec and run in bash against Dockerfiles; the base image from the central registry as
 * a build argument; pip through the package mirror as a BuildKit secret, with the mirror's rights.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as kms from 'aws-cdk-lib/aws-kms';
import { ImageBuildPipeline, ImageBuildPipelineProps, ImageRegistry, PackageMirrorReference, PipelineSource } from '../../../src';
import { logicalIdOf, simulate, TemplatePolicies } from '../../helpers/iam-simulator';
import { isolatedNetwork } from '../../helpers/network';
import { testStack } from '../../helpers/stacks';

const CONNECTION = 'arn:aws:codeconnections:eu-central-1:222222222222:connection/0a1b2c3d-4e5f-6789-abcd-ef0123456789';
const BASE = '123456789012.dkr.ecr.eu-central-1.amazonaws.com/vwml/python:3.11-slim';
const MIRROR = PackageMirrorReference.fromAttributes({ domainName: 'vwml-packages', domainOwner: '222222222222', region: 'eu-central-1' });

function build(overrides: Partial<ImageBuildPipelineProps> = {}) {
  const { stack } = testStack();
  const { vpc } = isolatedNetwork(stack);
  const key = new kms.Key(stack, 'PipelineKey', { enableKeyRotation: true });
  const registry = new ImageRegistry(stack, 'Registry', { encryptionKey: key, repositoryNames: ['vwml/python', 'vwml/inference'], pullAccountIds: ['444444444444'] });
  const p = new ImageBuildPipeline(stack, 'Images', {
    encryptionKey: key,
    registry,
    repositoryName: 'vwml/inference',
    source: PipelineSource.fromConnection({ connectionArn: CONNECTION, owner: 'vw-mlops', repository: 'inference-image' }),
    smokeTestCommands: ['docker run --rm --network none "$IMAGE_URI" true'],
    vpc,
    ...overrides,
  });
  const t = Template.fromStack(stack).toJSON();
  const project = t.Resources[logicalIdOf(p.buildProject)];
  return { stack, pipeline: p, project, commands: JSON.parse(project.Properties.Source.BuildSpec).phases.build.commands as string[], registry };
}

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'image-build-commands-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function runCheck(check: string, dockerfile: string) {
  const file = path.join(tmp, `Dockerfile.${Math.random().toString(36).slice(2)}`);
  fs.writeFileSync(file, dockerfile);
  const r = spawnSync('bash', ['--noprofile', '--norc', '-c', check], { encoding: 'utf-8', env: { PATH: process.env.PATH, HOME: tmp, DOCKERFILE: file } });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

describe('ImageBuildPipeline in an isolated VPC: the Dockerfile check runs before docker build', () => {
  const { commands } = build();
  const check = commands.find((c) => c.startsWith('STAGES='))!;

  test('it comes before the build', () => {
    expect(check).toBeDefined();
    expect(commands.indexOf(check)).toBeLessThan(commands.findIndex((c) => c.includes('docker build')));
  });

  test.each([
    ['a Docker Hub image', 'FROM python:3.11-slim\nRUN pip install sklearn\n', 'python:3.11-slim'],
    ['a public ECR image (internet)', 'FROM public.ecr.aws/docker/library/python:3.11\n', 'public.ecr.aws/docker/library/python:3.11'],
    ['a Docker Hub image after an ECR stage', `FROM ${BASE} AS base\nFROM ubuntu:24.04\nCOPY --from=base /x /x\n`, 'ubuntu:24.04'],
  ])('fails for %s, naming the FROM and the fix', (_what, dockerfile, image) => {
    const r = runCheck(check, dockerfile);
    expect(r.status).toBe(1);
    expect(r.output).toContain(`has FROM ${image}, a registry this build cannot reach (it runs in an isolated VPC without internet)`);
    expect(r.output).toContain('ARG BASE_IMAGE, FROM ${BASE_IMAGE} (ImageBuildPipeline baseImageUri)');
  });

  test.each([
    ['the base image build argument, then its stage', 'ARG BASE_IMAGE\nFROM ${BASE_IMAGE} AS build\nRUN true\nFROM build\n'],
    ['an ECR image with --platform, scratch and a stage', `FROM --platform=linux/amd64 ${BASE} as base\nFROM scratch\nCOPY --from=base /x /x\n  from base\n`],
  ])('passes for %s', (_what, dockerfile) => {
    expect(runCheck(check, dockerfile)).toEqual({ status: 0, output: '' });
  });

  test('outside a VPC there is no check (the build may reach Docker Hub)', () => {
    const { stack } = testStack();
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    const registry = new ImageRegistry(stack, 'Registry', { encryptionKey: key, repositoryNames: ['vwml/inference'], pullAccountIds: ['444444444444'] });
    const p = new ImageBuildPipeline(stack, 'Images', {
      encryptionKey: key,
      registry,
      repositoryName: 'vwml/inference',
      source: PipelineSource.fromConnection({ connectionArn: CONNECTION, owner: 'vw-mlops', repository: 'inference-image' }),
      smokeTestCommands: ['true'],
    });
    const spec = JSON.parse(Template.fromStack(stack).toJSON().Resources[logicalIdOf(p.buildProject)].Properties.Source.BuildSpec);
    expect(spec.phases.build.commands.some((c: string) => c.startsWith('STAGES='))).toBe(false);
  });
});

describe('ImageBuildPipeline: base image and package mirror', () => {
  test('the base image of the central registry is a build argument, its registry logged in and pulled', () => {
    const { stack } = testStack();
    const base = ecr.Repository.fromRepositoryName(stack, 'Base', 'vwml/python');
    const { project, commands } = build({ baseImageUri: BASE, baseImageRepositories: [base] });
    expect(project.Properties.Environment.EnvironmentVariables).toContainEqual({ Name: 'BASE_IMAGE', Type: 'PLAINTEXT', Value: BASE });
    expect(commands).toContain('docker build --file "$DOCKERFILE" --build-arg BASE_IMAGE="$BASE_IMAGE" --tag "$CANDIDATE_REPOSITORY_URI:$IMAGE_TAG" "$BUILD_CONTEXT"');
  });

  test.each([
    [{ baseImageUri: 'python:3.11-slim' }, /baseImageUri "python:3.11-slim" is not an ECR image; the build has no internet/],
    [{ baseImageUri: BASE }, /baseImageUri is set without baseImageRepositories/],
  ])('refuses %j', (overrides, message) => {
    expect(() => build(overrides)).toThrow(message);
  });

  test('in a VPC without the mirror, pip in the Dockerfile would need internet: a synth warning says so', () => {
    const warnings = (overrides: Partial<ImageBuildPipelineProps>) =>
      Annotations.fromStack(build(overrides).stack).findWarning('*', Match.stringLikeRegexp('runs in a VPC without packageMirror'));
    expect(warnings({})).toHaveLength(1);
    expect(warnings({ packageMirror: MIRROR })).toEqual([]);
  });

  test('pip gets the mirror\'s index with a fresh token as a BuildKit secret, and the Build role may fetch it', async () => {
    const { stack, pipeline, commands } = build({ packageMirror: MIRROR });
    expect(commands).toContain(
      'CODEARTIFACT_TOKEN=$(aws codeartifact get-authorization-token --domain vwml-packages --domain-owner 222222222222 --region eu-central-1 --query authorizationToken --output text)',
    );
    expect(commands).toContain('export PIP_INDEX_URL="https://aws:${CODEARTIFACT_TOKEN}@vwml-packages-222222222222.d.codeartifact.eu-central-1.amazonaws.com/pypi/shared/simple/"');
    expect(commands).toContain('DOCKER_BUILDKIT=1 docker build --file "$DOCKERFILE" --secret id=pip-index-url,env=PIP_INDEX_URL --tag "$CANDIDATE_REPOSITORY_URI:$IMAGE_TAG" "$BUILD_CONTEXT"');
    expect(commands.join('\n')).not.toContain('--build-arg PIP_INDEX_URL');
    const policies = TemplatePolicies.fromStack(stack);
    const identity = [policies.policyDocument(logicalIdOf((pipeline.buildProject.role as any).grantsPolicy))];
    expect(await simulate({ identityPolicies: identity, action: 'sts:GetServiceBearerToken', context: { 'sts:AWSServiceName': 'codeartifact.amazonaws.com' } })).toBe('Allowed');
    expect(await simulate({ identityPolicies: identity, action: 'sts:GetServiceBearerToken', context: { 'sts:AWSServiceName': 'lambda.amazonaws.com' } })).toBe('ImplicitlyDenied');
  });
});
