/**
 * Approve, reject, describe and record deployments against moto, with the request bodies checked at a
 * loopback proxy (what the client sends is the real API contract), and canaries for the places where
 * moto's UpdateModelPackage differs from SageMaker's.
 */
import { DescribeModelPackageCommand, SageMakerClient, UpdateModelPackageCommand } from '@aws-sdk/client-sagemaker';
import { deploymentsOf, ModelPackageNotFoundError, ModelRegistryClient, RegistryInputError } from '../../../src/runtime/registry';
import { FAKE_CREDENTIALS, MOTO_ACCOUNT, MotoServer, Proxy, startMoto, startProxy, TEST_REGION } from '../../helpers/moto';
import { createGroup, createVersions, sdkClient } from '../registry-fixtures';

const GROUP = 'fraud-model';
let moto: MotoServer;
let proxy: Proxy;
let sm: SageMakerClient;
let client: ModelRegistryClient;
let arns: string[];

beforeAll(async () => {
  moto = await startMoto();
  proxy = await startProxy(moto.url);
  sm = sdkClient(moto.url);
  client = new ModelRegistryClient({ region: TEST_REGION, endpoint: proxy.url, credentials: FAKE_CREDENTIALS });
  await createGroup(sm, GROUP);
  arns = await createVersions(sm, GROUP, ['PendingManualApproval', 'PendingManualApproval', 'Approved', 'PendingManualApproval', 'Approved', 'PendingManualApproval']);
});

afterAll(async () => {
  client?.sagemaker.destroy();
  sm?.destroy();
  await proxy?.stop();
  await moto?.stop();
});

beforeEach(() => proxy.clear());

async function raw(arn: string) {
  return sm.send(new DescribeModelPackageCommand({ ModelPackageName: arn }));
}

test('approve sets the status and records the reason as the ApprovalDescription', async () => {
  expect((await raw(arns[0])).ModelApprovalStatus).toBe('PendingManualApproval');
  await client.approve(arns[0], '  AUC 0.91 >= 0.85 on the hold-out set  ');

  expect(proxy.requests.map((r) => r.body)).toEqual([
    { ModelPackageArn: arns[0], ModelApprovalStatus: 'Approved', ApprovalDescription: 'AUC 0.91 >= 0.85 on the hold-out set' },
  ]);
  const after = await raw(arns[0]);
  expect(after.ModelApprovalStatus).toBe('Approved');
  expect(after.ApprovalDescription).toBe('AUC 0.91 >= 0.85 on the hold-out set');
});

test('reject sets the status and the reason; describe reads both back', async () => {
  await client.reject(arns[2], 'data drift on feature tenure');
  const after = await raw(arns[2]);
  expect(after.ModelApprovalStatus).toBe('Rejected');
  expect(after.ApprovalDescription).toBe('data drift on feature tenure');

  const described = await client.describe(arns[2]);
  expect(described).toMatchObject({
    arn: arns[2],
    group: GROUP,
    version: 3,
    approvalStatus: 'Rejected',
    approvalDescription: 'data drift on feature tenure',
    containers: [{ image: '333333333333.dkr.ecr.eu-central-1.amazonaws.com/xgboost:1.7-1', modelDataUrl: `s3://vwml-models-222222222222/${GROUP}/v3/model.tar.gz` }],
    deployments: [],
  });
  expect(described.lastModifiedAt!.getTime()).toBeGreaterThanOrEqual(described.createdAt.getTime());
});

test('a reason is required and bounded (1024 characters); nothing is sent without a valid one', async () => {
  await expect(client.approve(arns[1], '   ')).rejects.toThrow(
    `UpdateModelPackage: a reason is required to set ${arns[1]} to Approved (it is recorded as the ApprovalDescription)`,
  );
  await expect(client.reject(arns[1], 'x'.repeat(1025))).rejects.toThrow('UpdateModelPackage: the reason is 1025 characters; SageMaker accepts at most 1024');
  await expect(client.approve('churn/1', 'ok')).rejects.toThrow(RegistryInputError);
  expect(proxy.requests).toHaveLength(0);
  await client.reject(arns[1], 'x'.repeat(1024));
  expect((await raw(arns[1])).ApprovalDescription).toHaveLength(1024);
});

test('a package that does not exist: ModelPackageNotFoundError naming the operation and the ARN', async () => {
  const missing = `arn:aws:sagemaker:${TEST_REGION}:${MOTO_ACCOUNT}:model-package/${GROUP}/99`;
  const approve = await client.approve(missing, 'ok').catch((e) => e);
  expect(approve).toBeInstanceOf(ModelPackageNotFoundError);
  expect(approve.code).toBe('MODEL_PACKAGE_NOT_FOUND');
  expect(approve.message).toBe(`UpdateModelPackage: model package "${missing}" does not exist`);
  const describe = await client.describe(missing).catch((e) => e);
  expect(describe).toBeInstanceOf(ModelPackageNotFoundError);
  expect(describe.message).toBe(`DescribeModelPackage: model package "${missing}" does not exist`);
  // not found is not retried
  expect(proxy.requests).toHaveLength(2);
});

test('recordDeployment sends only the deployment metadata (stage timestamp and endpoint), which describe reads back', async () => {
  const at = new Date('2030-05-06T07:08:09.000Z');
  const properties = await client.recordDeployment(arns[4], { stage: 'prod', endpointName: 'fraud-model-prod', deployedAt: at });
  expect(properties).toEqual({ 'deployed.prod.at': '2030-05-06T07:08:09.000Z', 'deployed.prod.endpoint': 'fraud-model-prod' });
  // per the UpdateModelPackage contract, fields that are not sent stay as they are: status and reason are not sent
  expect(proxy.requests.map((r) => r.body)).toEqual([{ ModelPackageArn: arns[4], CustomerMetadataProperties: properties }]);

  const described = await client.describe(arns[4]);
  expect(described.customerMetadata).toEqual(properties);
  expect(described.deployments).toEqual([{ stage: 'prod', at: '2030-05-06T07:08:09.000Z', endpoint: 'fraud-model-prod' }]);
});

test('recordDeployment refuses a stage or endpoint that SageMaker metadata would not take', async () => {
  await expect(client.recordDeployment(arns[4], { stage: 'Prod Stage' })).rejects.toThrow(
    'UpdateModelPackage: stage "Prod Stage" must be 1 to 32 lowercase letters, digits and hyphens (e.g. "prod")',
  );
  await expect(client.recordDeployment(arns[4], { stage: 'prod', endpointName: 'bad_name' })).rejects.toThrow(
    'UpdateModelPackage: endpoint name "bad_name" is not a SageMaker endpoint name',
  );
  expect(proxy.requests).toHaveLength(0);
});

test('deploymentsOf reads the deployed.<stage>.* keys and ignores other metadata', () => {
  expect(
    deploymentsOf({
      'deployed.prod.at': '2030-01-01T00:00:00.000Z',
      'deployed.dev.endpoint': 'e-dev',
      'deployed.dev.at': '2029-12-31T00:00:00.000Z',
      'team': 'fraud',
      'deployed.x': 'ignored',
    }),
  ).toEqual([
    { stage: 'dev', at: '2029-12-31T00:00:00.000Z', endpoint: 'e-dev' },
    { stage: 'prod', at: '2030-01-01T00:00:00.000Z' },
  ]);
});

/*
 * moto gaps (moto 5.2.5, moto/sagemaker/models.py `update_model_package`): moto assigns EVERY field of
 * UpdateModelPackage, whether it was sent or not, so a request that sets only CustomerMetadataProperties
 * clears the approval status and the ApprovalDescription, and a request that sets only the status clears
 * the customer metadata. SageMaker updates only what is sent (which is why CustomerMetadataPropertiesToRemove
 * exists). The client follows SageMaker's contract (asserted above on the request bodies); these canaries
 * pin moto's behaviour so that the day moto is fixed, they fail and this note goes.
 */
describe('moto gaps (canaries)', () => {
  test('moto: updating only the customer metadata clears the approval status and its description', async () => {
    await sm.send(new UpdateModelPackageCommand({ ModelPackageArn: arns[5], ModelApprovalStatus: 'Approved', ApprovalDescription: 'ok' }));
    await sm.send(new UpdateModelPackageCommand({ ModelPackageArn: arns[5], CustomerMetadataProperties: { 'deployed.dev.at': '2030-01-01T00:00:00Z' } }));
    const after = await raw(arns[5]);
    expect(after.CustomerMetadataProperties).toEqual({ 'deployed.dev.at': '2030-01-01T00:00:00Z' });
    expect(after.ModelApprovalStatus).toBeUndefined(); // SageMaker: still Approved
    expect(after.ApprovalDescription).toBeUndefined(); // SageMaker: still "ok"
  });

  test('moto: updating only the approval status clears the customer metadata', async () => {
    await sm.send(new UpdateModelPackageCommand({ ModelPackageArn: arns[5], ModelApprovalStatus: 'Rejected', ApprovalDescription: 'no' }));
    const after = await raw(arns[5]);
    expect(after.ModelApprovalStatus).toBe('Rejected');
    expect(after.CustomerMetadataProperties).toBeUndefined(); // SageMaker: deployed.dev.at is kept
  });
});
