/**
 * Every construct that skips a checkov check (scripts/checkov.sh runs checkov over the platform and the
 * sample use case) carries the skip, with its reason, in the metadata of the resource it owns; the
 * skips are conditional where the finding is (InferenceApi: CKV_AWS_115 only without a concurrency cap).
 */
import { App, CfnResource, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { IConstruct } from 'constructs';
import { ensureHandlerBundle, inferenceFixtures } from './inference/fixtures';
import { ImageRegistry, IsolatedNetwork, MlopsPlatform, MlopsUseCase, SageMakerGuardrails } from '../../src';
import { checkovSkips } from '../../src/constructs/core/checkov';
import { InferenceApi } from '../../src/constructs/inference';
import { testStack } from '../helpers/stacks';
import { buildReferenceApp } from '../reference/reference-app';

beforeAll(() => ensureHandlerBundle());

/** The skipped check ids of a construct's resource (its default child when it is an L2). */
const skippedIds = (c: IConstruct) => Object.keys(checkovSkips((c instanceof CfnResource ? c : c.node.defaultChild) as CfnResource)).sort();

/** Every CfnResource of a template with its checkov skips (check id -> reason). */
function skipsInTemplate(stack: Stack): Record<string, Record<string, string>> {
  const resources = Template.fromStack(stack).toJSON().Resources as Record<string, any>;
  return Object.fromEntries(
    Object.entries(resources)
      .filter(([, r]) => r.Metadata?.checkov)
      .map(([id, r]) => [id, Object.fromEntries(r.Metadata.checkov.skip.map((s: any) => [s.id, s.comment]))]),
  );
}

const BOUNDARY_CHECKS = ['CKV_AWS_107', 'CKV_AWS_108', 'CKV_AWS_109', 'CKV_AWS_110', 'CKV_AWS_111'];

describe('checkov skips of single constructs', () => {
  test('SageMakerGuardrails: the permissions boundary skips the five cloudsplaining checks; the guardrail policy (denies) none', () => {
    const { stack } = testStack();
    const g = new SageMakerGuardrails(stack, 'Guardrails');
    expect(skippedIds(g.permissionsBoundary)).toEqual(BOUNDARY_CHECKS);
    for (const reason of Object.values(checkovSkips(g.permissionsBoundary.node.defaultChild as CfnResource))) {
      expect(reason).toMatch(/^This policy is only ever set as a permissions boundary, never attached/);
    }
    expect(skippedIds(g.guardrailPolicy)).toEqual([]);
  });

  test('IsolatedNetwork: the default-security-group handler CDK adds skips CKV_AWS_115/116/117, once even with two networks in a stack', () => {
    const { stack } = testStack();
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    new IsolatedNetwork(stack, 'A', { cidr: '10.20.0.0/16', flowLogKey: key });
    new IsolatedNetwork(stack, 'B', { cidr: '10.21.0.0/16', flowLogKey: key });
    const skips = skipsInTemplate(stack);
    const handlers = Object.keys(Template.fromStack(stack).findResources('AWS::Lambda::Function'));
    expect(handlers).toHaveLength(1);
    expect(handlers[0]).toMatch(/^CustomVpcRestrictDefaultSGCustomResourceProviderHandler/);
    expect(Object.keys(skips[handlers[0]]).sort()).toEqual(['CKV_AWS_115', 'CKV_AWS_116', 'CKV_AWS_117']);
    expect(skips[handlers[0]].CKV_AWS_117).toContain('no route or endpoint to the EC2 API');
  });

  test('ImageRegistry: every repository skips CKV_AWS_32 (the only "*" principal is in the push Deny), with and without pushers', () => {
    for (const pusherRoleArns of [['arn:aws:iam::222222222222:role/pusher'], []]) {
      const { stack } = testStack();
      const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
      const registry = new ImageRegistry(stack, 'Registry', {
        encryptionKey: key,
        repositoryNames: ['mlops/training', 'mlops/inference'],
        pullAccountIds: ['444444444444'],
        pusherRoleArns,
      });
      const t = Template.fromStack(stack); // the push statements (and the skip) are rendered at synthesis
      const repositories = t.findResources('AWS::ECR::Repository');
      expect(Object.keys(repositories)).toHaveLength(2);
      for (const r of Object.values(repositories) as any[]) {
        const deny = r.Properties.RepositoryPolicyText.Statement.filter((s: any) => s.Principal?.AWS === '*');
        expect(deny.map((s: any) => s.Effect)).toEqual(['Deny']);
        expect(r.Metadata.checkov.skip).toEqual([{ id: 'CKV_AWS_32', comment: expect.stringContaining('is in a Deny statement') }]);
      }
      expect(skippedIds(registry.repository('mlops/training').node.defaultChild as CfnResource)).toEqual(['CKV_AWS_32']);
    }
  });

  test('InferenceApi: handler CKV_AWS_116 (synchronous), stage CKV_AWS_120 (POST body), VPC policy CKV_AWS_111; CKV_AWS_115 only without a concurrency cap', () => {
    const uncapped = testStack();
    const f = inferenceFixtures(uncapped.stack);
    const api = new InferenceApi(uncapped.stack, 'Api', { endpointName: 'churn-prod', encryptionKey: f.key, vpc: f.vpc });
    expect(skippedIds(api.handler)).toEqual(['CKV_AWS_115', 'CKV_AWS_116']);
    expect(skippedIds(api.stage)).toEqual(['CKV_AWS_120']);
    const vpcPolicy = api.node.findChild('VpcAndTracingPolicy') as iam.ManagedPolicy;
    expect(skippedIds(vpcPolicy)).toEqual(['CKV_AWS_111']);

    const capped = testStack();
    const g = inferenceFixtures(capped.stack);
    const cappedApi = new InferenceApi(capped.stack, 'Api', {
      endpointName: 'churn-prod', encryptionKey: g.key, vpc: g.vpc, reservedConcurrentExecutions: 5,
    });
    expect(skippedIds(cappedApi.handler)).toEqual(['CKV_AWS_116']);
  });
});

describe('checkov skips in the reference app (the platform and the sample use case with every extension)', () => {
  let platform: MlopsPlatform;
  let useCase: MlopsUseCase;
  beforeAll(() => {
    ({ platform, useCase } = buildReferenceApp(new App()));
  });

  /** The VPC policies CDK adds to CodeBuild projects below a construct. */
  const codeBuildVpcPolicies = (scope: IConstruct) =>
    scope.node.findAll().filter((c): c is iam.Policy => c instanceof iam.Policy && c.node.id === 'PolicyDocument');

  test('ImageBuildPipeline (RES): the CodeBuild VPC policy of every project skips CKV_AWS_111', () => {
    const builds = Object.values(platform.res.imageBuilds);
    expect(builds.length).toBeGreaterThan(0);
    for (const build of builds) {
      const policies = codeBuildVpcPolicies(build);
      expect(policies).toHaveLength(4); // build, scan gate, test, promote
      for (const p of policies) expect(skippedIds(p)).toEqual(['CKV_AWS_111']);
    }
  });

  test('ModelDeploymentPipeline (RES): the CodeBuild VPC policy of every project skips CKV_AWS_111', () => {
    const policies = codeBuildVpcPolicies(useCase.deployment.pipeline);
    expect(policies).toHaveLength(8); // resolve, synth, deploy and smoke test of DEV, INT and PROD
    for (const p of policies) {
      expect(skippedIds(p)).toEqual(['CKV_AWS_111']);
      expect(checkovSkips(p.node.defaultChild as CfnResource).CKV_AWS_111).toContain('CodeBuild\'s VPC access (added by CDK)');
    }
  });

  test('PersonaRoles (EXP): only the MLOps engineer policy, which holds servicecatalog:ProvisionProduct on "*", skips CKV_AWS_111', () => {
    const skips = skipsInTemplate(platform.exp);
    const personaPolicies = Object.keys(skips).filter((id) => id.startsWith('Personas'));
    expect(personaPolicies).toEqual([expect.stringMatching(/^PersonasMlopsEngineerPolicy/)]);
    expect(Object.keys(skips[personaPolicies[0]])).toEqual(['CKV_AWS_111']);
    expect(skips[personaPolicies[0]].CKV_AWS_111).toContain('servicecatalog:ProvisionProduct');
  });

  test('every platform stack: the boundary skips the five IAM checks; every stack with a network: the default-SG handler skips three', () => {
    for (const stack of platform.stacks) {
      expect(skippedIds(stack.guardrails.permissionsBoundary)).toEqual(BOUNDARY_CHECKS);
      const handler = stack.node.tryFindChild('Custom::VpcRestrictDefaultSGCustomResourceProvider')?.node.tryFindChild('Handler');
      expect(handler !== undefined).toBe(stack.network !== undefined);
      if (handler) expect(skippedIds(handler)).toEqual(['CKV_AWS_115', 'CKV_AWS_116', 'CKV_AWS_117']);
    }
  });

  test('serving stacks: the inference API skips as in the construct; every access-log bucket skips CKV_AWS_18', () => {
    // the reference app has the inference API in PROD only (DEV and INT scale to zero)
    expect([useCase.dev, useCase.int, useCase.prod].map((s) => s.inferenceApi !== undefined)).toEqual([false, false, true]);
    for (const stage of [useCase.dev, useCase.int, useCase.prod]) {
      const api = stage.inferenceApi;
      if (api) {
        expect(skippedIds(api.handler)).toEqual(['CKV_AWS_115', 'CKV_AWS_116']);
        expect(skippedIds(api.stage)).toEqual(['CKV_AWS_120']);
      }
      const buckets = Template.fromStack(stage).findResources('AWS::S3::Bucket');
      for (const [id, b] of Object.entries(buckets) as [string, any][]) {
        const isLogDestination = b.Properties.LoggingConfiguration === undefined;
        expect([id, b.Metadata?.checkov?.skip?.map((s: any) => s.id) ?? []]).toEqual([id, isLogDestination ? ['CKV_AWS_18'] : []]);
      }
    }
  });

  test('every skip in every template has a checkov id and a written reason of at least 30 characters', () => {
    const stacks = [...platform.stacks, ...useCase.stacks];
    let count = 0;
    for (const stack of stacks) {
      for (const [resource, skips] of Object.entries(skipsInTemplate(stack))) {
        for (const [id, reason] of Object.entries(skips)) {
          count++;
          expect([resource, id]).toEqual([resource, expect.stringMatching(/^CKV2?_AWS_\d+$/)]);
          expect(reason.length).toBeGreaterThanOrEqual(30);
        }
      }
    }
    expect(count).toBeGreaterThan(50);
  });
});
