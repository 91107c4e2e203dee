/**
 * Every action and condition key in the policies of ModelEventBus, DataShare, MlopsPortfolio (launch
 * role and product templates) exists in the AWS service authorization reference (as iam-simulate has it), and each
 * condition key applies to the actions of its statement: a misspelt key would silently never match.
 */
import * as fs from 'fs';
import * as path from 'path';
import { allowedContextKeysForRequest, isWildcardOnlyAction } from '@cloud-copilot/iam-simulate';
import { Stage } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { DataShare, GlueColumnType, MlopsPortfolio, ModelEventBus, SecureBucket } from '../../../src';
import { testStack } from '../../helpers/stacks';

interface Statement {
  Action: string | string[];
  Resource?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

/** Every policy document in a template: identity, key, bucket, queue and event bus policies. */
function documents(template: any): Array<{ where: string; statements: Statement[] }> {
  const out: Array<{ where: string; statements: Statement[] }> = [];
  for (const [id, r] of Object.entries(template.Resources ?? {}) as Array<[string, any]>) {
    const doc = r.Properties?.PolicyDocument ?? r.Properties?.KeyPolicy;
    if (doc?.Statement) out.push({ where: id, statements: doc.Statement });
    if (r.Type === 'AWS::Events::EventBusPolicy') out.push({ where: id, statements: [r.Properties.Statement] });
  }
  return out;
}

function templates(): any[] {
  const all: any[] = [];
  {
    const { stack } = testStack('Res');
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    new ModelEventBus(stack, 'Bus', {
      eventBusName: 'mlops-model-events',
      sourceAccountIds: ['111111111111'],
      organizationId: 'o-a1b2c3d4e5',
      allowedEventSources: ['aws.sagemaker'],
      encryptionKey: key,
    });
    const boundary = new iam.ManagedPolicy(stack, 'Boundary', {
      managedPolicyName: 'mlops-role-boundary',
      statements: [new iam.PolicyStatement({ actions: ['sagemaker:DescribeTrainingJob'], resources: ['*'] })],
    });
    const portfolio = new MlopsPortfolio(stack, 'Portfolio', { productRolesBoundary: boundary });
    all.push(Template.fromStack(stack).toJSON());
    const assembly = (Stage.of(stack) as Stage).synth();
    for (const product of [portfolio.modelBuildingStack!, portfolio.modelDeploymentStack!]) {
      all.push(JSON.parse(fs.readFileSync(path.join(assembly.directory, product.templateFile), 'utf-8')));
    }
  }
  {
    const { stack } = testStack('Data');
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    const lake = new SecureBucket(stack, 'Lake', { encryptionKey: key });
    new DataShare(stack, 'Share', {
      databaseName: 'db',
      encryptionKey: key,
      consumerAccountId: '111111111111',
      tables: [{ tableName: 't', location: 's3://lake/curated/t/', columns: [{ name: 'c', columnType: GlueColumnType.STRING }] }],
      columnGrants: [{ tableName: 't', columnNames: ['c'] }],
      dataLakeLocation: { bucket: lake.bucket, prefix: 'curated' },
    });
    all.push(Template.fromStack(stack).toJSON());
  }
  return all;
}

const RES = '222222222222';
const GLOBAL = new Set(['iam', 's3']);

/** Every action of the service reference matching `service:Name*`. */
async function actionsOf(action: string): Promise<string[]> {
  const [service, name] = action.split(':');
  if (!name.includes('*')) return [action];
  // the few action wildcards in these policies are suffixes, e.g. kms:ReEncrypt* (ReEncryptFrom, ReEncryptTo)
  const prefix = name.replace(/\*$/, '');
  const known = ['From', 'To'].map((suffix) => `${prefix}${suffix}`);
  const out: string[] = [];
  for (const candidate of known) {
    try {
      await isWildcardOnlyAction(service, candidate);
      out.push(`${service}:${candidate}`);
    } catch {
      // not an action of the service
    }
  }
  return out;
}

async function actionExists(action: string): Promise<boolean> {
  const [service, name] = action.split(':');
  try {
    await isWildcardOnlyAction(service, name);
    return true;
  } catch {
    return false;
  }
}

/** A concrete resource ARN that the (possibly wildcard or intrinsic) resource of a statement admits. */
function sampleResource(resource: unknown, service: string): string {
  const joined = (resource as any)?.['Fn::Join'];
  const text =
    typeof resource === 'string'
      ? resource
      : joined
        ? joined[1].map((p: unknown) => (typeof p === 'string' ? p : 'x')).join(joined[0])
        : JSON.stringify(resource);
  if (text === '*') {
    if (service === 'kms') return `arn:aws:kms:eu-central-1:${RES}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
    if (service === 's3') return 'arn:aws:s3:::bucket/key';
    return '*';
  }
  if (!text.startsWith('arn:')) {
    // an intrinsic: fall back to the service's typical resource
    if (service === 'kms') return sampleResource('*', 'kms');
    if (service === 'sqs') return `arn:aws:sqs:eu-central-1:${RES}:queue`;
    if (service === 'events') return `arn:aws:events:eu-central-1:${RES}:event-bus/bus`;
    if (service === 's3') return text.includes('/') ? 'arn:aws:s3:::bucket/key' : 'arn:aws:s3:::bucket';
    if (service === 'sagemaker') return `arn:aws:sagemaker:eu-central-1:${RES}:model-package-group/g`;
    if (service === 'iam') return `arn:aws:iam::${RES}:role/r`;
    throw new Error(`no sample resource for ${service} ${text}`);
  }
  const parts = text.split(':');
  const svc = parts[2];
  parts[1] = 'aws';
  parts[3] = GLOBAL.has(svc) ? '' : parts[3] === '*' ? 'eu-central-1' : parts[3];
  parts[4] = svc === 's3' ? '' : parts[4] === '*' ? RES : parts[4];
  return parts.join(':').replace(/\*/g, 'x').replace(/["{}]/g, '');
}

/** The context keys of an action on a resource, or undefined when the resource is not of the action's types. */
async function allowedKeys(action: string, resource: unknown): Promise<string[] | undefined> {
  const [service, name] = action.split(':');
  try {
    return await allowedContextKeysForRequest(service, name, sampleResource(resource, service), false, undefined);
  } catch (e) {
    if (/No resource types found/.test((e as Error).message)) return undefined;
    throw e;
  }
}

function keyIn(key: string, allowed: string[]): boolean {
  const lower = key.toLowerCase();
  return allowed.some((k) => k === lower || new RegExp(`^${k.replace(/[.+?^()|[\]\\]/g, '\\$&').replace(/\$\{[^}]*\}|<[^>]*>/g, '.+')}$`).test(lower));
}

describe('policies against the AWS service authorization reference', () => {
  const docs = templates().flatMap(documents);

  test('covers the bus, queue, key, bucket, launch-role, product-role and registration policies', () => {
    expect(docs.length).toBeGreaterThanOrEqual(12);
  });

  test('every action exists', async () => {
    const missing: string[] = [];
    for (const doc of docs) {
      for (const s of doc.statements) {
        for (const action of [s.Action].flat()) {
          if (action === '*' || action.endsWith(':*')) continue; // a whole service (key and bucket policies)
          const exists = action.includes('*') ? (await actionsOf(action)).length > 0 : await actionExists(action);
          if (!exists) missing.push(`${doc.where}: ${action}`);
        }
      }
    }
    expect(missing).toEqual([]);
  });

  test('every condition key applies to every action of its statement', async () => {
    const wrong: string[] = [];
    for (const doc of docs) {
      for (const s of doc.statements) {
        const keys = Object.values(s.Condition ?? {}).flatMap((byKey) => Object.keys(byKey));
        for (const action of [s.Action].flat()) {
          if (action.endsWith(':*') || action === '*') continue; // key-policy admin statements carry no conditions
          for (const concrete of await actionsOf(action)) {
            for (const key of keys) {
              // the L2 EventBus writes this one into its key grant; ModelEventBus grants DescribeKey separately
              if (concrete === 'kms:DescribeKey' && key === 'kms:EncryptionContext:aws:events:event-bus:arn') continue;
              // the statement pairs each action with the resources of its own type
              // a trailing '*' also admits sub-resources, e.g. log-group:/aws/sagemaker/* admits its log streams
              // a NotResource statement applies to every other resource: sampled as '*'
              const candidates = [s.Resource ?? '*'].flat().flatMap((r) => (typeof r === 'string' && r.endsWith('*') ? [r, `${r}:log-stream:*`] : [r]));
              const perResource = (await Promise.all(candidates.map((r) => allowedKeys(concrete, r)))).filter((k) => k !== undefined);
              if (perResource.length === 0) wrong.push(`${doc.where}: no resource of the statement fits ${concrete}`);
              for (const allowed of perResource) {
                if (!keyIn(key, allowed!)) wrong.push(`${doc.where}: ${key} does not apply to ${concrete}`);
              }
            }
          }
        }
      }
    }
    expect(wrong).toEqual([]);
  });
});
