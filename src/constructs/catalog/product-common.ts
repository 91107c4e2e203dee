import { Aws, CfnParameter, RemovalPolicy, Tags } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { literalEnv, regionPinned } from '../core/iam-findings';

/**
 * The prefix of every IAM role and managed policy the products create; the launch role may only
 * create, change and delete roles and policies with this prefix.
 * @internal
 */
export const PRODUCT_IAM_PREFIX = 'mlops-';

/**
 * Use-case names: lower-case letters, digits and `-`, 3 to 32 characters, starting with a letter.
 * Short enough that `mlops-<name>-build-pipeline` stays within IAM's 64-character name limit, and
 * valid as a SageMaker model package group name.
 * @internal
 */
export const USE_CASE_NAME_PATTERN = '^[a-z][a-z0-9-]{1,30}[a-z0-9]$';

/** @internal */
export const POLICY_ARN_PATTERN = '^arn:aws[a-z-]*:iam::[0-9]{12}:policy/[A-Za-z0-9+=,.@_/-]+$';

/**
 * The parameters every product takes.
 * @internal
 */
export interface CommonProductParameters {
  readonly useCaseName: CfnParameter;
  readonly permissionsBoundaryArn: CfnParameter;
}

/** @internal */
export function commonParameters(scope: Construct): CommonProductParameters {
  const useCaseName = new CfnParameter(scope, 'UseCaseName', {
    type: 'String',
    description: 'The use case, e.g. customer-churn: 3 to 32 lower-case letters, digits and hyphens, starting with a letter.',
    allowedPattern: USE_CASE_NAME_PATTERN,
    constraintDescription: 'use 3 to 32 lower-case letters, digits and hyphens, starting with a letter and not ending with a hyphen',
  });
  const permissionsBoundaryArn = new CfnParameter(scope, 'PermissionsBoundaryArn', {
    type: 'String',
    description: 'The ARN of the customer-managed policy that bounds every role this product creates (the platform\'s role boundary).',
    allowedPattern: POLICY_ARN_PATTERN,
    constraintDescription: 'use the ARN of a customer-managed IAM policy, e.g. arn:aws:iam::123456789012:policy/mlops-role-boundary',
  });
  return { useCaseName, permissionsBoundaryArn };
}

/**
 * The permissions boundary named by the `PermissionsBoundaryArn` launch parameter, applied to every role
 * of the product template. Applied on the product stack itself, so that it wins over a boundary that an
 * enclosing stack applies to its whole construct tree (e.g. the platform boundary of the account that
 * holds the portfolio): the product's roles are bounded by what the launcher names, not by the holder's.
 * @internal
 */
export function applyProductBoundary(stack: Construct, permissionsBoundaryArn: CfnParameter): iam.IManagedPolicy {
  const boundary = iam.ManagedPolicy.fromManagedPolicyArn(stack, 'Boundary', permissionsBoundaryArn.valueAsString);
  iam.PermissionsBoundary.of(stack).apply(boundary);
  return boundary;
}

/**
 * The tag every product key carries from its creation on (`CreateKey` sends the template's tags): the launch
 * role may configure only keys with it (`aws:ResourceTag`), may create keys only with it (`aws:RequestTag`),
 * and may never add it to an existing key nor remove it (`aws:TagKeys`).
 * @internal
 */
export const PRODUCT_KEY_TAG = { key: 'mlops:product-key', value: 'true' };

/**
 * A customer-managed key for one provisioned product: rotation on, retained, tagged as a product key.
 * @internal
 */
export function productKey(scope: Construct, useCaseName: string, purpose: string): kms.Key {
  const key = new kms.Key(scope, 'EncryptionKey', {
    description: `Encrypts the ${purpose} resources of the ${useCaseName} use case`,
    enableKeyRotation: true,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  // a fixed value, so that no update of a provisioned product ever untags or retags its key
  Tags.of(key).add(PRODUCT_KEY_TAG.key, PRODUCT_KEY_TAG.value);
  return key;
}

/**
 * The ARN of a role of this account by name, without a reference to the role (usable in its own policy).
 * @internal
 */
export function roleArnByName(roleName: string): string {
  return `arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:role/${roleName}`;
}

/**
 * Statements that let SageMaker pull container images from ECR registries of this region (the
 * platform's registry and the SageMaker framework images in AWS-owned accounts).
 * @internal
 */
export function ecrPullStatements(scope: Construct): iam.PolicyStatement[] {
  return [
    new iam.PolicyStatement({
      sid: 'PullImagesOfThisRegion',
      actions: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability'],
      resources: [ecrRepositoriesOfThisRegion(scope)],
      conditions: regionPinned(literalEnv(scope)),
    }),
    new iam.PolicyStatement({
      sid: 'GetEcrAuthorizationToken',
      actions: ['ecr:GetAuthorizationToken'],
      resources: ['*'],
    }),
  ];
}

/** @internal */
export function ecrRepositoriesOfThisRegion(scope: Construct): string {
  const env = literalEnv(scope);
  return `arn:${env.partition}:ecr:${env.region}:*:repository/*`;
}

/** @internal */
export const ECR_ACK_REASONS = {
  repositories:
    'SageMaker pulls the training, processing and serving images from the platform registry and from the AWS-owned framework image registries of this region, whose account ids differ per region.',
  token: 'ecr:GetAuthorizationToken has no resource-level permissions; the token only lets the role pull what the repository statement allows.',
};
