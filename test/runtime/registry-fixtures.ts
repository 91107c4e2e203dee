/**
 * Model registry content for the runtime tests, created through the real SDK against moto.
 */
import { CreateModelPackageCommand, CreateModelPackageGroupCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { ApprovalStatus } from '../../src/runtime/registry';
import { FAKE_CREDENTIALS, TEST_REGION } from '../helpers/moto';

/** A plain SDK client for the emulator at `endpoint` (with the SDK's own retries). */
export function sdkClient(endpoint: string): SageMakerClient {
  return new SageMakerClient({ region: TEST_REGION, endpoint, credentials: FAKE_CREDENTIALS });
}

/** Creates a model package group. */
export async function createGroup(sm: SageMakerClient, name: string): Promise<void> {
  await sm.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: name, ModelPackageGroupDescription: `test group ${name}` }));
}

/**
 * Registers one version per status, in order (version i+1 gets statuses[i]), one request after the
 * other so that versions and creation times increase together. Returns the ARNs.
 */
export async function createVersions(sm: SageMakerClient, group: string, statuses: readonly ApprovalStatus[]): Promise<string[]> {
  const arns: string[] = [];
  for (let i = 0; i < statuses.length; i++) {
    const out = await sm.send(
      new CreateModelPackageCommand({
        ModelPackageGroupName: group,
        ModelPackageDescription: `version ${i + 1}`,
        ModelApprovalStatus: statuses[i],
        InferenceSpecification: {
          Containers: [
            {
              Image: '333333333333.dkr.ecr.eu-central-1.amazonaws.com/xgboost:1.7-1',
              ModelDataUrl: `s3://vwml-models-222222222222/${group}/v${i + 1}/model.tar.gz`,
            },
          ],
          SupportedContentTypes: ['text/csv'],
          SupportedResponseMIMETypes: ['text/csv'],
        },
      }),
    );
    arns.push(out.ModelPackageArn!);
  }
  return arns;
}

/**
 * 250 statuses, mixed: up to version 240 they cycle Rejected, Pending, Approved (so every third version is
 * approved, the last of them version 240); versions 241 to 250 alternate Pending and Rejected. The newest
 * version (250) is therefore NOT approved, and the latest approved one is version 240.
 */
export function mixedStatuses(): { statuses: ApprovalStatus[]; latestApprovedVersion: number; approvedCount: number } {
  const statuses: ApprovalStatus[] = [];
  for (let v = 1; v <= 250; v++) {
    if (v > 240) statuses.push(v % 2 === 1 ? 'PendingManualApproval' : 'Rejected');
    else statuses.push((['Approved', 'Rejected', 'PendingManualApproval'] as const)[v % 3]);
  }
  return { statuses, latestApprovedVersion: 240, approvedCount: statuses.filter((s) => s === 'Approved').length };
}
