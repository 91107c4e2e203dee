import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { literalPartition } from '../core/iam-findings';
import { BUILD_PIPELINE_SUFFIX, PLATFORM_TAG_VALUE, USE_CASE_TAG_KEY } from '../core/tenancy-tag';

/**
 * The deny statements that hold a principal to the use case of its tag `mlops:use-case` (a session tag of
 * a person, or the role's own tag): every SageMaker request on a resource tagged with another use case
 * (not `platform`, the tag of the platform's shared resources such as the Studio domain), or by a principal
 * without that tag, is denied, and so is every request on a model package outside the use case's own model
 * package group `<groupNamePrefix><use case>` (model package versions carry no tags), in any account, and
 * every request on a pipeline execution that is neither of the use case's model-build pipeline
 * `<groupNamePrefix><use case>-build` nor tagged with the use case (an execution's ARN names its pipeline; the
 * pipeline's tags are not evaluated for it). Nobody changes the `mlops:use-case` tag of a resource that has one.
 * Used by the persona roles and the use-case Studio execution roles.
 * @internal
 */
export function useCaseIsolationStatements(stack: Stack, groupNamePrefix: string): iam.PolicyStatement[] {
  const resourceTag = `aws:ResourceTag/${USE_CASE_TAG_KEY}`;
  const principalTag = `aws:PrincipalTag/${USE_CASE_TAG_KEY}`;
  const group = `${groupNamePrefix}\${${principalTag}}`;
  const partition = literalPartition(stack);
  return [
    new iam.PolicyStatement({
      sid: 'OtherUseCasesResources',
      effect: iam.Effect.DENY,
      actions: ['sagemaker:*'],
      resources: ['*'],
      conditions: { Null: { [resourceTag]: 'false' }, StringNotEquals: { [resourceTag]: [`\${${principalTag}}`, PLATFORM_TAG_VALUE] } },
    }),
    new iam.PolicyStatement({
      sid: 'NoUseCaseSessionTag',
      effect: iam.Effect.DENY,
      actions: ['sagemaker:*'],
      resources: ['*'],
      conditions: { Null: { [resourceTag]: 'false', [principalTag]: 'true' }, StringNotEquals: { [resourceTag]: PLATFORM_TAG_VALUE } },
    }),
    new iam.PolicyStatement({
      sid: 'OwnModelPackageGroupOnly',
      effect: iam.Effect.DENY,
      actions: ['sagemaker:*ModelPackage'],
      // in any account: the registry of EXP is read from the other accounts, where its group policy decides
      notResources: ['model-package', 'model-package-group'].map((type) => stack.formatArn({
        partition, service: 'sagemaker', account: '*', resource: type, resourceName: type === 'model-package' ? `${group}/*` : group,
      })),
    }),
    // a resource that carries the tag keeps its value: a platform resource (mlops:use-case=platform, e.g. the
    // Studio domain) re-tagged with one use case would lock every other use case out of it
    new iam.PolicyStatement({
      sid: 'NoUseCaseTagChange',
      effect: iam.Effect.DENY,
      actions: ['sagemaker:AddTags'],
      resources: ['*'],
      conditions: { 'ForAnyValue:StringEquals': { 'aws:TagKeys': [USE_CASE_TAG_KEY] }, 'Null': { [resourceTag]: 'false' } },
    }),
    new iam.PolicyStatement({
      sid: 'OwnPipelineExecutionsOnly',
      effect: iam.Effect.DENY,
      actions: PIPELINE_EXECUTION_ACTIONS.map((a) => `sagemaker:${a}`),
      notResources: [stack.formatArn({
        partition,
        service: 'sagemaker',
        region: '*',
        account: '*',
        resource: 'pipeline',
        resourceName: `${group}${BUILD_PIPELINE_SUFFIX}/execution/*`,
      })],
      // an execution SageMaker tags with the use case (if it carries one) stays reachable
      conditions: { StringNotEquals: { [resourceTag]: `\${${principalTag}}` } },
    }),
    // without the session tag the statement above cannot resolve its variables (then its condition does not
    // match): no pipeline execution at all for such a session
    new iam.PolicyStatement({
      sid: 'NoUseCaseSessionTagForExecutions',
      effect: iam.Effect.DENY,
      actions: PIPELINE_EXECUTION_ACTIONS.map((a) => `sagemaker:${a}`),
      resources: ['*'],
      conditions: { Null: { [principalTag]: 'true' } },
    }),
  ];
}

/** The SageMaker actions on a pipeline execution (resource type `pipeline-execution`). @internal */
export const PIPELINE_EXECUTION_ACTIONS = [
  'DescribePipelineExecution', 'DescribePipelineDefinitionForExecution', 'ListPipelineExecutionSteps',
  'ListPipelineParametersForExecution', 'StopPipelineExecution', 'RetryPipelineExecution', 'UpdatePipelineExecution',
  'SendPipelineExecutionStepSuccess', 'SendPipelineExecutionStepFailure',
];

/** The S3 actions on a use case's data and on its bucket's policy that only the use case's principals take. */
const USE_CASE_BUCKET_ACTIONS = [
  's3:GetObject*', 's3:PutObject*', 's3:DeleteObject*', 's3:RestoreObject', 's3:ReplicateObject', 's3:AbortMultipartUpload',
  's3:ListBucket*', 's3:ListMultipartUploadParts', 's3:PutBucketPolicy', 's3:DeleteBucketPolicy',
];

/**
 * The bucket policy statement that admits only the principals of one use case to a bucket of that use case:
 * reading, writing, deleting and listing its objects, and changing its policy, are denied to every role or
 * session whose tag `mlops:use-case` (the role's tag, or a person's session tag) is another or absent, in
 * any account, whatever its identity policy grants (a platform role with `s3:*`, another use case's role with
 * a mistaken wildcard). AWS services acting as themselves (S3 server access logging into a log bucket) are not
 * principals of a use case and are exempt; services acting with a role (SageMaker data capture, transform and
 * monitoring jobs) act as that role. Reading the bucket's configuration (AWS Config, Security Hub) is not
 * denied.
 * @param bucketArn the bucket's ARN
 * @param useCase the use case's name
 * @internal
 */
export function useCaseBucketStatement(bucketArn: string, useCase: string): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'OnlyTheUseCasesPrincipals',
    effect: iam.Effect.DENY,
    principals: [new iam.AnyPrincipal()],
    actions: USE_CASE_BUCKET_ACTIONS,
    resources: [bucketArn, `${bucketArn}/*`],
    conditions: {
      StringNotEquals: { [`aws:PrincipalTag/${USE_CASE_TAG_KEY}`]: useCase },
      BoolIfExists: { 'aws:PrincipalIsAWSService': 'false' },
    },
  });
}
