import { RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

/**
 * What the consumers named in a `PlatformKey`'s policy (other accounts or their roles) may do with it.
 */
export enum KeyConsumerAccess {
  /** `kms:Decrypt` and `kms:DescribeKey`: read data encrypted with the key (e.g. model artifacts). */
  DECRYPT = 'DECRYPT',
  /**
   * `kms:Decrypt`, `kms:DescribeKey`, `kms:Encrypt`, `kms:ReEncrypt*` and `kms:GenerateDataKey*`:
   * read and write data encrypted with the key.
   */
  ENCRYPT_DECRYPT = 'ENCRYPT_DECRYPT',
}

/**
 * Props of a `PlatformKey`.
 */
export interface PlatformKeyProps {
  /**
   * The alias name without the `alias/` prefix, e.g. `mlops/exp/model-artifacts`: letters, digits,
   * `/`, `_` and `-`, at most 250 characters, not starting with `aws/`. The key gets `alias/<aliasName>`.
   */
  readonly aliasName: string;

  /**
   * The key description.
   * @default - `Platform key alias/<aliasName>`
   */
  readonly description?: string;

  /**
   * Other accounts whose principals may use the key (cross-account), e.g. DEV, INT and PROD reading
   * model artifacts encrypted in EXP. Each account must still allow the use in its own IAM policies.
   * When `consumerRoleArns` is also given, every role must belong to one of these accounts and every
   * account must have at least one role; the key policy then admits only those roles.
   * @default - the accounts of `consumerRoleArns`, or no cross-account use
   */
  readonly consumerAccountIds?: string[];

  /**
   * The roles that may use the key, narrower than whole accounts, e.g.
   * `arn:aws:iam::333333333333:role/model-deployment`. The key policy names each role's account as
   * principal with an `aws:PrincipalArn` condition listing the roles: the policy can be deployed before
   * the roles exist and keeps working when a role is re-created (a role principal would not).
   * Roles of this key's own account are refused: same-account use is granted through IAM
   * (`grantDecrypt`, `grantEncryptDecrypt`).
   * @default - whole accounts of `consumerAccountIds`, or no cross-account use
   */
  readonly consumerRoleArns?: string[];

  /**
   * What consumers may do with the key.
   * @default KeyConsumerAccess.DECRYPT
   */
  readonly consumerAccess?: KeyConsumerAccess;

  /**
   * AWS services through which consumers must use the key (`kms:ViaService` condition on the
   * cross-account statement), e.g. `s3.eu-central-1.amazonaws.com`, `sagemaker.eu-central-1.amazonaws.com`.
   * Only allowed together with consumers.
   * @default - consumers may call KMS directly as well as through any service
   */
  readonly services?: string[];

  /**
   * The AWS Organizations id (e.g. `o-a1b2c3d4e5`); the cross-account statement then also requires
   * `aws:PrincipalOrgID`, so that a consumer account that leaves the organization loses access.
   * Only allowed together with consumers.
   * @default - no organization condition
   */
  readonly organizationId?: string;

  /**
   * Principals that administer the key (change its policy, disable it, schedule its deletion) but
   * cannot use it for cryptographic operations.
   * @default - none besides this account, whose IAM policies administer the key (see `PlatformKey`)
   */
  readonly admins?: iam.IPrincipal[];
}

/**
 * A customer-managed KMS key for one purpose in one account: symmetric, yearly rotation, retained
 * when the stack is deleted, with the alias `alias/<aliasName>`.
 *
 * Key policy:
 * - **This account** (its root principal) has `kms:*`: the default key policy of AWS and of CDK,
 *   which lets this account's IAM policies administer and use the key. It keeps the key recoverable
 *   (a policy that leaves the account out cannot be changed by anyone but AWS Support) and makes
 *   CDK's `grant*` methods work without putting role ARNs in the key policy (which would create
 *   circular dependencies). Least privilege in this account therefore comes from IAM: grant each
 *   role only what it needs (`grantDecrypt`, `grantEncryptDecrypt`).
 * - **Consumers** (other accounts, or specific roles of them) get one statement with `DECRYPT` or
 *   `ENCRYPT_DECRYPT` actions, optionally conditioned on `kms:ViaService` and `aws:PrincipalOrgID`.
 * - **Admins** (optional) get administrative actions without cryptographic use.
 *
 * @example
 * const artifactsKey = new PlatformKey(this, 'ArtifactsKey', {
 *   aliasName: 'mlops/model-artifacts',
 *   consumerAccountIds: ['333333333333', '444444444444', '555555555555'],
 *   services: ['s3.eu-central-1.amazonaws.com'],
 *   organizationId: 'o-a1b2c3d4e5',
 * });
 * artifactsKey.grantEncryptDecrypt(trainingRole);
 */
export class PlatformKey extends Construct {
  /** The key. */
  public readonly key: kms.Key;
  /** The key's alias. */
  public readonly alias: kms.IAlias;
  /** The full alias name, `alias/<aliasName>`. */
  public readonly aliasName: string;
  /** The key ARN. */
  public readonly keyArn: string;

  /**
   * Creates the key, its alias and its key policy.
   * @param scope the parent construct
   * @param id the construct id
   * @param props the alias and the consumers; invalid values throw at synth time
   */
  constructor(scope: Construct, id: string, props: PlatformKeyProps) {
    super(scope, id);
    const fail = (message: string): never => {
      throw new Error(`PlatformKey ${this.node.path}: ${message}`);
    };
    const account = Stack.of(this).account;
    const consumers = validateProps(props, account, fail);

    this.aliasName = `alias/${props.aliasName}`;
    this.key = new kms.Key(this, 'Key', {
      description: props.description ?? `Platform key ${this.aliasName}`,
      enableKeyRotation: true,
      keySpec: kms.KeySpec.SYMMETRIC_DEFAULT,
      keyUsage: kms.KeyUsage.ENCRYPT_DECRYPT,
      admins: props.admins,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.keyArn = this.key.keyArn;
    this.alias = new kms.Alias(this, 'Alias', { aliasName: this.aliasName, targetKey: this.key });

    if (consumers) {
      const access = props.consumerAccess ?? KeyConsumerAccess.DECRYPT;
      const actions =
        access === KeyConsumerAccess.ENCRYPT_DECRYPT
          ? ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*']
          : ['kms:Decrypt', 'kms:DescribeKey'];
      const conditions: Record<string, Record<string, unknown>> = {};
      if (consumers.roleArns.length > 0) conditions.ArnEquals = { 'aws:PrincipalArn': consumers.roleArns };
      const stringEquals: Record<string, unknown> = {};
      if (props.services?.length) stringEquals['kms:ViaService'] = props.services;
      if (props.organizationId) stringEquals['aws:PrincipalOrgID'] = props.organizationId;
      if (Object.keys(stringEquals).length > 0) conditions.StringEquals = stringEquals;
      this.key.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: access === KeyConsumerAccess.ENCRYPT_DECRYPT ? 'AllowConsumersToEncryptAndDecrypt' : 'AllowConsumersToDecrypt',
          principals: consumers.accountIds.map((a) => new iam.AccountPrincipal(a)),
          actions,
          resources: ['*'],
          conditions: Object.keys(conditions).length > 0 ? conditions : undefined,
        }),
      );
    }
  }

  /**
   * Lets a principal of this account decrypt with the key (through its IAM policy).
   * @param grantee the role or user
   */
  public grantDecrypt(grantee: iam.IGrantable): iam.Grant {
    return this.key.grantDecrypt(grantee);
  }

  /**
   * Lets a principal of this account encrypt with the key (through its IAM policy).
   * @param grantee the role or user
   */
  public grantEncrypt(grantee: iam.IGrantable): iam.Grant {
    return this.key.grantEncrypt(grantee);
  }

  /**
   * Lets a principal of this account encrypt and decrypt with the key (through its IAM policy).
   * @param grantee the role or user
   */
  public grantEncryptDecrypt(grantee: iam.IGrantable): iam.Grant {
    return this.key.grantEncryptDecrypt(grantee);
  }
}

const ACCOUNT_ID = /^\d{12}$/;
const ROLE_ARN = /^arn:aws(-[a-z]+)*:iam::(\d{12}):role\/[\w+=,.@/-]{1,512}$/;
const ALIAS_NAME = /^[a-zA-Z0-9/_-]+$/;
const SERVICE_ENDPOINT = /^[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2}(-[a-z]+)+-\d\.amazonaws\.com(\.cn)?$/;
const ORG_ID = /^o-[a-z0-9]{10,32}$/;
/** 256 characters including `alias/`. */
const MAX_ALIAS_NAME = 250;

interface Consumers {
  readonly accountIds: string[];
  readonly roleArns: string[];
}

function validateProps(props: PlatformKeyProps, ownAccount: string, fail: (message: string) => never): Consumers | undefined {
  const name = props.aliasName;
  if (name === undefined || name === null || name === '') fail('props.aliasName is missing; give the alias name without the alias/ prefix, e.g. "mlops/model-artifacts"');
  if (!Token.isUnresolved(name)) {
    if (name.startsWith('alias/')) fail(`props.aliasName ${JSON.stringify(name)} starts with "alias/"; give the name without it, e.g. ${JSON.stringify(name.slice(6))}`);
    if (name.startsWith('aws/')) fail(`props.aliasName ${JSON.stringify(name)} starts with "aws/", which AWS reserves for AWS-managed keys; choose another prefix, e.g. "mlops/"`);
    if (!ALIAS_NAME.test(name)) fail(`props.aliasName ${JSON.stringify(name)} may contain only letters, digits, "/", "_" and "-"; e.g. "mlops/model-artifacts"`);
    if (name.length > MAX_ALIAS_NAME) fail(`props.aliasName is ${name.length} characters long; at most ${MAX_ALIAS_NAME} are allowed (256 with the alias/ prefix)`);
  }

  const accountIds = props.consumerAccountIds ?? [];
  for (const a of accountIds) {
    if (Token.isUnresolved(a)) continue;
    if (!ACCOUNT_ID.test(a)) fail(`props.consumerAccountIds: ${JSON.stringify(a)} is not an AWS account id; write the 12 digits, e.g. "333333333333"`);
    if (!Token.isUnresolved(ownAccount) && a === ownAccount) {
      fail(`props.consumerAccountIds lists ${a}, the key's own account; same-account use is granted through IAM, so remove it and call grantDecrypt or grantEncryptDecrypt`);
    }
  }
  if (new Set(accountIds).size !== accountIds.length) fail('props.consumerAccountIds lists an account twice; list each account once');

  const roleArns = props.consumerRoleArns ?? [];
  const roleAccounts: string[] = [];
  for (const arn of roleArns) {
    if (Token.isUnresolved(arn)) fail('props.consumerRoleArns contains a token; give literal role ARNs such as "arn:aws:iam::333333333333:role/model-deployment"');
    const m = ROLE_ARN.exec(arn);
    if (!m) fail(`props.consumerRoleArns: ${JSON.stringify(arn)} is not an IAM role ARN; write e.g. "arn:aws:iam::333333333333:role/model-deployment"`);
    const roleAccount = m![2];
    if (!Token.isUnresolved(ownAccount) && roleAccount === ownAccount) {
      fail(`props.consumerRoleArns: ${arn} is in the key's own account; same-account roles get access through IAM, so remove it and call grantDecrypt or grantEncryptDecrypt`);
    }
    roleAccounts.push(roleAccount);
  }
  if (new Set(roleArns).size !== roleArns.length) fail('props.consumerRoleArns lists a role twice; list each role once');
  if (roleArns.length > 0 && accountIds.length > 0) {
    const outside = roleArns.filter((_, i) => !accountIds.includes(roleAccounts[i]));
    if (outside.length > 0) fail(`props.consumerRoleArns: ${outside.join(', ')} belong to accounts missing from props.consumerAccountIds; add those accounts or remove the roles`);
    const withoutRole = accountIds.filter((a) => !roleAccounts.includes(a));
    if (withoutRole.length > 0) {
      fail(`props.consumerAccountIds: ${withoutRole.join(', ')} has no role in props.consumerRoleArns, so it would get no access; add its roles or remove the account`);
    }
  }

  const hasConsumers = accountIds.length > 0 || roleArns.length > 0;
  const services = props.services ?? [];
  for (const s of services) {
    if (!Token.isUnresolved(s) && !SERVICE_ENDPOINT.test(s)) {
      fail(`props.services: ${JSON.stringify(s)} is not a kms:ViaService value; write the service endpoint, e.g. "s3.eu-central-1.amazonaws.com"`);
    }
  }
  if (new Set(services).size !== services.length) fail('props.services lists a service twice; list each service once');
  if (services.length > 0 && !hasConsumers) {
    fail('props.services conditions the cross-account statement, but no consumers are given; add props.consumerAccountIds or props.consumerRoleArns, or remove props.services');
  }
  if (props.organizationId !== undefined) {
    if (!Token.isUnresolved(props.organizationId) && !ORG_ID.test(props.organizationId)) {
      fail(`props.organizationId ${JSON.stringify(props.organizationId)} is not an AWS Organizations id; write e.g. "o-a1b2c3d4e5"`);
    }
    if (!hasConsumers) {
      fail('props.organizationId conditions the cross-account statement, but no consumers are given; add props.consumerAccountIds or props.consumerRoleArns, or remove props.organizationId');
    }
  }
  if (props.consumerAccess !== undefined && !hasConsumers) {
    fail('props.consumerAccess has no effect without consumers; add props.consumerAccountIds or props.consumerRoleArns, or remove props.consumerAccess');
  }
  if (!hasConsumers) return undefined;
  const principalAccounts = roleArns.length > 0 ? [...new Set(roleAccounts)] : accountIds;
  return { accountIds: principalAccounts, roleArns };
}
