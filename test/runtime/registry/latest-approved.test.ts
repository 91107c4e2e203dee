/**
 * The model-registry client against moto (real SDK, loopback), with a counting proxy in between:
 * the latest approved version in ONE ListModelPackages request among 250 versions, the errors of an
 * empty and a missing group, pagination, and the pinned-model document.
 */
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import {
  ModelPackageGroupNotFoundError,
  ModelRegistryClient,
  NoApprovedModelError,
  ProgressEvent,
  RegistryError,
  RegistryInputError,
} from '../../../src/runtime/registry';
import { FAKE_CREDENTIALS, MOTO_ACCOUNT, MotoServer, Proxy, startMoto, startProxy, TEST_REGION } from '../../helpers/moto';
import { createGroup, createVersions, mixedStatuses, sdkClient } from '../registry-fixtures';

const GROUP = 'churn-model';
const EMPTY = 'empty-model';
const NOT_APPROVED = 'unapproved-model';

let moto: MotoServer;
let proxy: Proxy;
let sm: SageMakerClient;
let arns: string[];
const mixed = mixedStatuses();

function registry(events?: ProgressEvent[]): ModelRegistryClient {
  return new ModelRegistryClient({
    region: TEST_REGION,
    endpoint: proxy.url,
    credentials: FAKE_CREDENTIALS,
    onProgress: events ? (e) => events.push(e) : undefined,
  });
}

beforeAll(async () => {
  moto = await startMoto();
  proxy = await startProxy(moto.url);
  sm = sdkClient(moto.url);
  await createGroup(sm, GROUP);
  await createGroup(sm, EMPTY);
  await createGroup(sm, NOT_APPROVED);
  arns = await createVersions(sm, GROUP, mixed.statuses);
  await createVersions(sm, NOT_APPROVED, ['Rejected', 'PendingManualApproval', 'Rejected']);
});

afterAll(async () => {
  sm?.destroy();
  await proxy?.stop();
  await moto?.stop();
});

beforeEach(() => proxy.clear());

test('the fixture: 250 versions, mixed statuses, the newest one not approved', () => {
  expect(arns).toHaveLength(250);
  expect(arns[249]).toBe(`arn:aws:sagemaker:${TEST_REGION}:${MOTO_ACCOUNT}:model-package/${GROUP}/250`);
  expect(mixed.statuses[249]).toBe('Rejected');
  expect(mixed.statuses[248]).toBe('PendingManualApproval');
  expect(mixed.statuses[mixed.latestApprovedVersion - 1]).toBe('Approved');
  expect(mixed.statuses.slice(mixed.latestApprovedVersion).includes('Approved')).toBe(false);
  expect(mixed.approvedCount).toBe(80);
  expect(new Set(mixed.statuses)).toEqual(new Set(['Approved', 'Rejected', 'PendingManualApproval']));
});

test('the latest approved of 250 versions comes from exactly ONE ListModelPackages request', async () => {
  const latest = await registry().latestApproved(GROUP);

  expect(latest.version).toBe(240);
  expect(latest.arn).toBe(arns[239]);
  expect(latest.approvalStatus).toBe('Approved');
  expect(latest.group).toBe(GROUP);
  expect(latest.description).toBe('version 240');
  // one request in total, and it asks the registry for exactly one approved package, newest first
  expect(proxy.requests.map((r) => r.operation)).toEqual(['ListModelPackages']);
  expect(proxy.requests[0].body).toEqual({
    ModelPackageGroupName: GROUP,
    ModelPackageType: 'Versioned',
    ModelApprovalStatus: 'Approved',
    SortBy: 'CreationTime',
    SortOrder: 'Descending',
    MaxResults: 1,
  });
});

test('the answer follows the approvals: approving a newer version makes it the latest (still one request)', async () => {
  const group = 'promotion-model';
  await createGroup(sm, group);
  const promo = await createVersions(sm, group, ['Approved', 'Approved', 'PendingManualApproval', 'Rejected', 'PendingManualApproval']);
  const client = registry();
  expect((await client.latestApproved(group)).version).toBe(2);
  await client.approve(promo[4], 'canary evaluation passed');
  proxy.clear();
  const latest = await client.latestApproved(group);
  expect(latest.version).toBe(5);
  expect(latest.arn).toBe(promo[4]);
  expect(proxy.requests.map((r) => r.operation)).toEqual(['ListModelPackages']);
  await client.reject(promo[4], 'latency regression in the shadow test');
  expect((await client.latestApproved(group)).version).toBe(2);
});

test('an empty group: NoApprovedModelError with a clear message (1 list + 1 describe of the group)', async () => {
  const error = await registry().latestApproved(EMPTY).catch((e) => e);
  expect(error).toBeInstanceOf(NoApprovedModelError);
  expect(error).toBeInstanceOf(RegistryError);
  expect(error.code).toBe('NO_APPROVED_MODEL');
  expect(error.group).toBe(EMPTY);
  expect(error.message).toBe(
    `model package group "${EMPTY}" has no approved model package: approve a version first ` +
      '(mlops-blueprint registry approve --arn <model package arn> --reason <why>)',
  );
  expect(proxy.requests.map((r) => r.operation)).toEqual(['ListModelPackages', 'DescribeModelPackageGroup']);
});

test('a group with only rejected and pending versions: NoApprovedModelError', async () => {
  const error = await registry().latestApproved(NOT_APPROVED).catch((e) => e);
  expect(error).toBeInstanceOf(NoApprovedModelError);
  expect(proxy.count('ListModelPackages')).toBe(1);
});

test('a group that does not exist: ModelPackageGroupNotFoundError naming the group and the region', async () => {
  const error = await registry().latestApproved('no-such-group').catch((e) => e);
  expect(error).toBeInstanceOf(ModelPackageGroupNotFoundError);
  expect(error.code).toBe('GROUP_NOT_FOUND');
  expect(error.message).toContain('model package group "no-such-group" does not exist in eu-central-1');
  expect(proxy.requests.map((r) => r.operation)).toEqual(['ListModelPackages', 'DescribeModelPackageGroup']);
});

test('a malformed group name is refused before any request', async () => {
  const error = await registry().latestApproved('not a group!').catch((e) => e);
  expect(error).toBeInstanceOf(RegistryInputError);
  expect(error.code).toBe('INVALID_INPUT');
  expect(error.message).toMatch(/^ListModelPackages: "not a group!" is not a model package group name/);
  expect(proxy.requests).toHaveLength(0);
});

test('listVersions pages through all 250 versions with NextToken: 3 requests of at most 100, newest first', async () => {
  const events: ProgressEvent[] = [];
  const versions = await registry(events).listVersions(GROUP);

  expect(versions).toHaveLength(250);
  expect(versions.map((v) => v.version)).toEqual(Array.from({ length: 250 }, (_, i) => 250 - i));
  expect(new Set(versions.map((v) => v.arn)).size).toBe(250);
  expect(versions.map((v) => v.approvalStatus)).toEqual([...mixed.statuses].reverse());
  const lists = proxy.requests.filter((r) => r.operation === 'ListModelPackages');
  expect(lists).toHaveLength(3);
  expect(lists.map((r) => r.body.MaxResults)).toEqual([100, 100, 100]);
  expect(lists[0].body.NextToken).toBeUndefined();
  expect(lists[1].body.NextToken).toEqual(expect.any(String));
  expect(lists[2].body.NextToken).toEqual(expect.any(String));
  expect(proxy.requests).toHaveLength(3);
  expect(events).toEqual([
    expect.objectContaining({ kind: 'page', page: 1, itemsSoFar: 100, more: true }),
    expect.objectContaining({ kind: 'page', page: 2, itemsSoFar: 200, more: true }),
    expect.objectContaining({ kind: 'page', page: 3, itemsSoFar: 250, more: false }),
  ]);
});

test('listVersions with a status filter and a small page: 80 approved versions in 3 pages of 30', async () => {
  const versions = await registry().listVersions(GROUP, { status: 'Approved', pageSize: 30 });
  expect(versions).toHaveLength(mixed.approvedCount);
  expect(versions.every((v) => v.approvalStatus === 'Approved')).toBe(true);
  expect(versions[0].version).toBe(240);
  expect(versions.map((v) => v.version)).toEqual(Array.from({ length: 80 }, (_, i) => 240 - 3 * i));
  expect(proxy.count('ListModelPackages')).toBe(3);
  expect(proxy.requests.every((r) => r.body.ModelApprovalStatus === 'Approved' && r.body.MaxResults === 30)).toBe(true);
});

test('listVersions refuses an unbounded or invalid page size, and an unknown status', async () => {
  const client = registry();
  await expect(client.listVersions(GROUP, { pageSize: 101 })).rejects.toThrow('ListModelPackages: the page size must be an integer from 1 to 100, got 101');
  await expect(client.listVersions(GROUP, { pageSize: 0 })).rejects.toThrow(RegistryInputError);
  await expect(client.listVersions(GROUP, { status: 'approved' as any })).rejects.toThrow(
    'ListModelPackages: unknown approval status "approved"; use one of Approved, Rejected, PendingManualApproval',
  );
  expect(proxy.requests).toHaveLength(0);
});

test('listVersions of an empty group is empty; of a missing group, ModelPackageGroupNotFoundError', async () => {
  const client = registry();
  expect(await client.listVersions(EMPTY)).toEqual([]);
  await expect(client.listVersions('no-such-group')).rejects.toThrow(ModelPackageGroupNotFoundError);
});

test('pinLatestApproved: one list and one describe, and the pinned document names the package exactly', async () => {
  const now = new Date('2030-01-02T03:04:05.000Z');
  const pinned = await registry().pinLatestApproved(GROUP, now);
  expect(proxy.requests.map((r) => r.operation)).toEqual(['ListModelPackages', 'DescribeModelPackage']);
  expect(pinned).toEqual({
    schemaVersion: 1,
    modelPackageArn: arns[239],
    modelPackageGroupName: GROUP,
    modelPackageVersion: 240,
    approvalStatus: 'Approved',
    approvedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    approvalDescription: undefined,
    createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    containers: [
      {
        image: '333333333333.dkr.ecr.eu-central-1.amazonaws.com/xgboost:1.7-1',
        imageDigest: undefined,
        modelDataUrl: `s3://vwml-models-222222222222/${GROUP}/v240/model.tar.gz`,
      },
    ],
    resolvedAt: '2030-01-02T03:04:05.000Z',
  });
  expect(Date.parse(pinned.approvedAt)).toBeGreaterThanOrEqual(Date.parse(pinned.createdAt));
});
