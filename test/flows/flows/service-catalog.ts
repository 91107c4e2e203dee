/**
 * Service Catalog: an MLOps engineer in EXP launches the Model Building product of EXP's portfolio for a
 * use case (its pipeline role, bucket, key and model package group belong in EXP), Service Catalog runs
 * EXP's launch role, and terminating the product deletes what the launch created.
 */
import { Flow } from '../engine/types';

const LAUNCH = 'vwml-catalog-launch';
const SC_STACK = 'arn:aws:cloudformation:eu-central-1:222222222222:stack/SC-222222222222-pp-abcdefghijklm/0f1e2d3c-aaaa-bbbb-cccc-1234567890ab';
const SC_DOC = 'https://docs.aws.amazon.com/servicecatalog/latest/adminguide/constraints-launch.html';
const KMS_TAG_DOC = 'https://docs.aws.amazon.com/kms/latest/developerguide/tag-permissions.html';
/** The tag the product templates give their keys, as CreateKey (and its tag check) carries it. */
const PRODUCT_KEY_TAGS = { 'aws:RequestTag/mlops:product-key': 'true', 'aws:TagKeys': ['mlops:product-key'] };

/** Service Catalog launch and terminate. */
export const SERVICE_CATALOG: Flow = {
  id: 'service-catalog',
  name: 'Service Catalog launch and terminate of Model Building',
  requests: [
    {
      step: 'launch: the MLOps engineer in EXP provisions Model Building from the EXP catalog',
      caller: 'vwml-MlopsEngineer',
      account: 'EXP',
      action: 'servicecatalog:ProvisionProduct',
      resource: 'arn:aws:catalog:eu-central-1:222222222222:product/${PlatformExp/PortfolioModelBuilding.Ref}',
      reason: 'The building blocks of a model build (group, bucket, pipeline role) belong in EXP, so the product must be provisioned there',
      doc: SC_DOC,
    },
    {
      step: 'launch: Service Catalog creates the product stack with the launch role',
      caller: LAUNCH,
      account: 'EXP',
      action: 'cloudformation:CreateStack',
      resource: SC_STACK,
      reason: 'A launch constraint makes Service Catalog run CloudFormation as the launch role',
      doc: SC_DOC,
    },
    {
      step: 'launch: the product stack creates its pipeline role with the permissions boundary',
      caller: LAUNCH,
      account: 'EXP',
      action: 'iam:CreateRole',
      resource: 'arn:aws:iam::222222222222:role/mlops-weld-gun-pm-build-pipeline',
      context: { 'iam:PermissionsBoundary': 'arn:aws:iam::222222222222:policy/vwml-PermissionsBoundary' },
      reason: 'Every role of the platform carries the boundary',
      doc: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html',
    },
    {
      step: 'launch: the product stack creates its key',
      caller: LAUNCH,
      account: 'EXP',
      action: 'kms:CreateKey',
      resource: '*',
      context: { 'kms:KeySpec': 'SYMMETRIC_DEFAULT', 'kms:KeyUsage': 'ENCRYPT_DECRYPT', ...PRODUCT_KEY_TAGS },
      reason: 'The product encrypts its bucket with its own key, created with the product-key tag',
      doc: 'https://docs.aws.amazon.com/kms/latest/developerguide/create-keys.html',
    },
    {
      step: 'terminate: CloudFormation deletes the product stack',
      caller: LAUNCH,
      account: 'EXP',
      action: 'cloudformation:DeleteStack',
      resource: SC_STACK,
      reason: 'TerminateProvisionedProduct deletes the stack with the launch role',
      doc: 'https://docs.aws.amazon.com/servicecatalog/latest/userguide/enduser-delete.html',
    },
    {
      step: 'terminate: the launch role deletes the model package group',
      caller: LAUNCH,
      account: 'EXP',
      action: 'sagemaker:DeleteModelPackageGroup',
      resource: 'arn:aws:sagemaker:eu-central-1:222222222222:model-package-group/mlops-weld-gun-pm',
      reason: 'Deleting the stack deletes its resources with the launch role',
      doc: 'https://docs.aws.amazon.com/servicecatalog/latest/userguide/enduser-delete.html',
    },
    {
      step: 'terminate: the launch role detaches the product policy from the bounded pipeline role',
      caller: LAUNCH,
      account: 'EXP',
      action: 'iam:DetachRolePolicy',
      resource: 'arn:aws:iam::222222222222:role/mlops-weld-gun-pm-build-pipeline',
      context: { 'iam:PermissionsBoundary': 'arn:aws:iam::222222222222:policy/vwml-PermissionsBoundary' },
      reason: 'IAM deletes no role with attached policies; the request carries the boundary the role still has',
      doc: 'https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteRole.html',
    },
    {
      step: 'terminate: the launch role deletes the product\'s pipeline role',
      caller: LAUNCH,
      account: 'EXP',
      action: 'iam:DeleteRole',
      resource: 'arn:aws:iam::222222222222:role/mlops-weld-gun-pm-build-pipeline',
      reason: 'Deleting the stack deletes its roles with the launch role (the key, bucket and model package group are retained)',
      doc: 'https://docs.aws.amazon.com/servicecatalog/latest/userguide/enduser-delete.html',
    },
    // Negative twins
    {
      step: 'launch role creates a role without the permissions boundary',
      caller: LAUNCH,
      account: 'EXP',
      action: 'iam:CreateRole',
      resource: 'arn:aws:iam::222222222222:role/mlops-unbounded',
      reason: 'Roles without the boundary could escape the guardrails',
      doc: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html',
      deniedFor: { stage: 'iam', because: 'ExplicitlyDenied by identity (NoRoleChangeWithoutTheProductBoundary)' },
    },
    {
      step: 'launch role updates a platform stack',
      caller: LAUNCH,
      account: 'EXP',
      action: 'cloudformation:UpdateStack',
      resource: 'arn:aws:cloudformation:eu-central-1:222222222222:stack/vwml-platform-exp/0f1e2d3c-aaaa-bbbb-cccc-1234567890ab',
      reason: 'The launch role manages provisioned-product stacks only',
      doc: SC_DOC,
      deniedFor: { stage: 'iam', because: 'ImplicitlyDenied by identity' },
    },
    {
      step: 'launch role schedules the deletion of a key',
      caller: LAUNCH,
      account: 'EXP',
      action: 'kms:ScheduleKeyDeletion',
      resource: 'arn:aws:kms:eu-central-1:222222222222:key/0f1e2d3c-aaaa-bbbb-cccc-1234567890ab',
      reason: 'Keys are retained by design (the product key too): encrypted model data must stay readable',
      doc: 'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-deletionpolicy.html',
      deniedFor: { stage: 'iam', because: 'ExplicitlyDenied by identity (NoKeyDeletionOrRotationOff)' },
    },
    {
      step: 'launch role rewrites the policy of the platform key',
      caller: LAUNCH,
      account: 'EXP',
      action: 'kms:PutKeyPolicy',
      resource: '${PlatformExp/PlatformKey.Arn}',
      reason: 'The launch role changes only the keys its products create (tag mlops:product-key); the platform key has no such tag',
      doc: KMS_TAG_DOC,
      deniedFor: { stage: 'iam', because: 'ImplicitlyDenied by identity' },
    },
    {
      step: 'launch role puts the product-key tag on the platform key',
      caller: LAUNCH,
      account: 'EXP',
      action: 'kms:TagResource',
      resource: '${PlatformExp/PlatformKey.Arn}',
      context: PRODUCT_KEY_TAGS,
      reason: 'The product-key tag is set only at CreateKey: on an existing key it would give the launch role its policy',
      doc: KMS_TAG_DOC,
      deniedFor: { stage: 'iam', because: 'ExplicitlyDenied by identity (NoProductKeyTagOnOtherKeys)' },
    },
    {
      step: 'launch role disables a key',
      caller: LAUNCH,
      account: 'EXP',
      action: 'kms:DisableKey',
      resource: 'arn:aws:kms:eu-central-1:222222222222:key/0f1e2d3c-aaaa-bbbb-cccc-1234567890ab',
      reason: 'A disabled key leaves the model data it encrypts unreadable; the products never disable their keys',
      doc: 'https://docs.aws.amazon.com/kms/latest/developerguide/enabling-keys.html',
      deniedFor: { stage: 'iam', because: 'ExplicitlyDenied by identity (NoKeyDeletionOrRotationOff)' },
    },
  ],
};
