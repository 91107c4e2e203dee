import { Duration, Token } from 'aws-cdk-lib';

/** SageMaker's rule for model package group names (CreateModelPackageGroup). */
export const SAGEMAKER_GROUP_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;
const ACCOUNT_ID = /^\d{12}$/;
/**
 * An IAM role ARN, optionally with `*` wildcards in the role path and name (matched with ArnLike).
 * Groups: 1 partition suffix, 2 account, 3 path and name.
 */
const ROLE_ARN = /^arn:aws(-[a-z]+)*:iam::(\d{12}):role\/([\w+=,.@/*-]{1,512})$/;
/** An EventBridge event bus ARN. Groups: 1 partition, 2 region, 3 account, 4 bus name. */
const EVENT_BUS_ARN = /^arn:(aws(?:-[a-z]+)*):events:([a-z]{2}(?:-[a-z]+)+-\d):(\d{12}):event-bus\/([\w.\-/]{1,256})$/;
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
const ORG_ID = /^o-[a-z0-9]{10,32}$/;
const RESERVED_TAG_KEY = /^aws:/i;

/** EventBridge's bounds of a target's retry policy. */
export const MIN_EVENT_AGE_SECONDS = 60;
export const MAX_EVENT_AGE_SECONDS = 86400;
export const MAX_RETRY_ATTEMPTS = 185;

/** The validated consumers of a model registry. */
export interface RegistryConsumers {
  /** Role ARNs (patterns) admitted through `aws:PrincipalArn`. */
  readonly roleArns: string[];
  /** The accounts of those roles, each once, in order of first appearance. */
  readonly roleAccounts: string[];
  /** Accounts admitted as a whole (the documented fallback). */
  readonly wholeAccounts: string[];
  /** Roles admitted only to describe the versions and create models from them (no artifacts). */
  readonly creatorRoleArns: string[];
  /** The accounts of those roles, each once, in order of first appearance. */
  readonly creatorRoleAccounts: string[];
}

/** The inputs the validation needs, independent of the construct. */
export interface RegistryInputs {
  readonly modelPackageGroupName: string;
  readonly description?: string;
  readonly tags?: { [key: string]: string };
  readonly consumerRoleArns?: string[];
  readonly consumerAccountIds?: string[];
  readonly modelCreatorRoleArns?: string[];
  readonly organizationId?: string;
  readonly allowModelCreation?: boolean;
  readonly artifactKeyGiven: boolean;
  readonly artifactBucketGiven: boolean;
  readonly artifactPrefix?: string;
  readonly modelEventBusArn: string;
  readonly maxEventAge?: Duration;
  readonly retryAttempts?: number;
  readonly eventForwardingRoleName?: string;
}

/**
 * Checks every prop of a `ModelRegistry`; calls `fail` (which throws) with a message that names the
 * prop and the fix.
 * @internal
 */
export function validateRegistryProps(p: RegistryInputs, ownAccount: string, fail: (message: string) => never): RegistryConsumers {
  validateGroupName(p.modelPackageGroupName, fail);
  if (p.description !== undefined && !Token.isUnresolved(p.description) && p.description.length > 1024) {
    fail(`props.description is ${p.description.length} characters long; SageMaker allows at most 1024`);
  }
  const tagKeys = Object.keys(p.tags ?? {});
  if (tagKeys.length > 50) fail(`props.tags has ${tagKeys.length} tags; a model package group takes at most 50`);
  for (const key of tagKeys) {
    if (RESERVED_TAG_KEY.test(key) || key.length < 1 || key.length > 128) {
      fail(`props.tags has the key ${JSON.stringify(key)}; use 1 to 128 characters not starting with "aws:"`);
    }
    const value = p.tags![key];
    if (!Token.isUnresolved(value) && value.length > 256) fail(`props.tags: the value of ${JSON.stringify(key)} is longer than 256 characters`);
  }

  const consumers = validateConsumers(p, ownAccount, fail);
  const hasConsumers = consumers.roleArns.length > 0 || consumers.wholeAccounts.length > 0;
  const needsConsumers = (prop: string): void => {
    if (!hasConsumers) {
      fail(`props.${prop} only applies to consumers, but none are given; add props.consumerRoleArns (or props.consumerAccountIds), or remove props.${prop}`);
    }
  };
  if (p.organizationId !== undefined) {
    if (!Token.isUnresolved(p.organizationId) && !ORG_ID.test(p.organizationId)) {
      fail(`props.organizationId ${JSON.stringify(p.organizationId)} is not an AWS Organizations id; write e.g. "o-a1b2c3d4e5"`);
    }
    needsConsumers('organizationId');
  }
  if (p.allowModelCreation !== undefined) needsConsumers('allowModelCreation');
  if (consumers.creatorRoleArns.length > 0 && p.allowModelCreation === false) {
    fail('props.modelCreatorRoleArns admits roles to create models, but props.allowModelCreation is false; remove one of the two');
  }
  if (p.artifactKeyGiven) needsConsumers('artifactKey');
  if (p.artifactBucketGiven) needsConsumers('artifactBucket');
  if (p.artifactPrefix !== undefined) {
    if (!p.artifactBucketGiven) fail('props.artifactPrefix is set without props.artifactBucket; add the bucket or remove the prefix');
    if (!Token.isUnresolved(p.artifactPrefix)) {
      if (p.artifactPrefix.startsWith('/')) fail(`props.artifactPrefix ${JSON.stringify(p.artifactPrefix)} starts with "/"; S3 keys do not, write e.g. "models/churn/"`);
      if (/[*?]/.test(p.artifactPrefix)) fail(`props.artifactPrefix ${JSON.stringify(p.artifactPrefix)} contains a wildcard; give the literal key prefix, e.g. "models/churn/"`);
      if (p.artifactPrefix.length > 1000) fail('props.artifactPrefix is longer than 1000 characters');
    }
  }

  validateEventBusArn(p.modelEventBusArn, fail);
  const roleName = p.eventForwardingRoleName;
  if (roleName !== undefined && !Token.isUnresolved(roleName) && !ROLE_NAME.test(roleName)) {
    fail(`props.eventForwardingRoleName ${JSON.stringify(roleName)} is not an IAM role name; use 1 to 64 letters, digits and +=,.@_- (e.g. "vwml-churn-model-approval-events")`);
  }
  if (p.maxEventAge !== undefined) {
    const seconds = p.maxEventAge.toSeconds({ integral: false });
    if (!Token.isUnresolved(seconds) && (seconds < MIN_EVENT_AGE_SECONDS || seconds > MAX_EVENT_AGE_SECONDS || !Number.isInteger(seconds))) {
      fail(`props.maxEventAge is ${seconds} seconds; EventBridge accepts whole seconds from ${MIN_EVENT_AGE_SECONDS} to ${MAX_EVENT_AGE_SECONDS} (24 hours), e.g. Duration.hours(24)`);
    }
  }
  if (p.retryAttempts !== undefined && !Token.isUnresolved(p.retryAttempts)) {
    if (!Number.isInteger(p.retryAttempts) || p.retryAttempts < 0 || p.retryAttempts > MAX_RETRY_ATTEMPTS) {
      fail(`props.retryAttempts is ${p.retryAttempts}; EventBridge accepts whole numbers from 0 to ${MAX_RETRY_ATTEMPTS}`);
    }
  }
  return consumers;
}

function validateGroupName(name: string, fail: (message: string) => never): void {
  if (name === undefined || name === null || name === '') {
    fail('props.modelPackageGroupName is missing; give the use case\'s group name, e.g. "churn-model"');
  }
  if (Token.isUnresolved(name)) {
    fail('props.modelPackageGroupName is a token; give a literal name (other accounts find the group by name and the resource policy must name its own ARN)');
  }
  if (!SAGEMAKER_GROUP_NAME.test(name)) {
    fail(
      `props.modelPackageGroupName ${JSON.stringify(name)} breaks SageMaker's rule ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$: 1 to 63 letters, digits and hyphens, starting and ending with a letter or digit; e.g. "churn-model"`,
    );
  }
  if (name !== name.toLowerCase()) {
    fail(
      `props.modelPackageGroupName ${JSON.stringify(name)} has upper-case letters; write it in lower case (${JSON.stringify(name.toLowerCase())}): the policies match the group's ARN case-sensitively, and lower case keeps the ARN the same however SageMaker writes it`,
    );
  }
}

function validateConsumers(p: RegistryInputs, ownAccount: string, fail: (message: string) => never): RegistryConsumers {
  const knownOwn = !Token.isUnresolved(ownAccount);
  const roleArns = p.consumerRoleArns ?? [];
  const roleAccounts: string[] = [];
  for (const arn of roleArns) {
    if (Token.isUnresolved(arn)) {
      fail('props.consumerRoleArns contains a token; give literal role ARNs such as "arn:aws:iam::444444444444:role/model-deployment"');
    }
    const m = ROLE_ARN.exec(arn);
    if (!m) {
      fail(`props.consumerRoleArns: ${JSON.stringify(arn)} is not an IAM role ARN; write e.g. "arn:aws:iam::444444444444:role/model-deployment" (a "*" may stand for the rest of a generated role name)`);
    }
    const [, , account, pathAndName] = m!;
    if (pathAndName.startsWith('*') || pathAndName.split('/').some((part) => part.startsWith('*'))) {
      fail(`props.consumerRoleArns: ${arn} starts a path or name with "*", which admits every role of the account; name the role, or a prefix of it before the "*" (e.g. "role/serving-*"), or list the account in props.consumerAccountIds`);
    }
    if (knownOwn && account === ownAccount) {
      fail(`props.consumerRoleArns: ${arn} is in the registry's own account; same-account roles get access through IAM, so remove it and call grantRead, grantRegister or grantApprove`);
    }
    if (!roleAccounts.includes(account)) roleAccounts.push(account);
  }
  if (new Set(roleArns).size !== roleArns.length) fail('props.consumerRoleArns lists a role twice; list each role once');

  const wholeAccounts = p.consumerAccountIds ?? [];
  for (const a of wholeAccounts) {
    if (Token.isUnresolved(a)) fail('props.consumerAccountIds contains a token; give literal 12-digit account ids');
    if (!ACCOUNT_ID.test(a)) fail(`props.consumerAccountIds: ${JSON.stringify(a)} is not an AWS account id; write the 12 digits, e.g. "444444444444"`);
    if (knownOwn && a === ownAccount) {
      fail(`props.consumerAccountIds lists ${a}, the registry's own account; same-account principals get access through IAM, so remove it and call grantRead`);
    }
    if (roleAccounts.includes(a)) {
      fail(
        `props.consumerAccountIds lists ${a}, whose roles props.consumerRoleArns already names; an account is admitted either by its roles or as a whole, so remove it from one of the two (prefer the roles)`,
      );
    }
  }
  if (new Set(wholeAccounts).size !== wholeAccounts.length) fail('props.consumerAccountIds lists an account twice; list each account once');

  const creatorRoleArns = p.modelCreatorRoleArns ?? [];
  const creatorRoleAccounts: string[] = [];
  for (const arn of creatorRoleArns) {
    if (Token.isUnresolved(arn)) {
      fail('props.modelCreatorRoleArns contains a token; give literal role ARNs such as "arn:aws:iam::444444444444:role/cdk-hnb659fds-cfn-exec-role-444444444444-eu-central-1"');
    }
    const m = ROLE_ARN.exec(arn);
    if (!m || m[3].includes('*')) {
      fail(`props.modelCreatorRoleArns: ${JSON.stringify(arn)} is not an IAM role ARN without wildcards; write e.g. "arn:aws:iam::444444444444:role/cdk-hnb659fds-cfn-exec-role-444444444444-eu-central-1"`);
    }
    const account = m![2];
    if (knownOwn && account === ownAccount) {
      fail(`props.modelCreatorRoleArns: ${arn} is in the registry's own account; same-account roles get access through IAM, so remove it and call grantRead`);
    }
    if (roleArns.includes(arn)) {
      fail(`props.modelCreatorRoleArns: ${arn} is also in props.consumerRoleArns, which already lets it create models; remove it from props.modelCreatorRoleArns`);
    }
    if (!creatorRoleAccounts.includes(account)) creatorRoleAccounts.push(account);
  }
  if (new Set(creatorRoleArns).size !== creatorRoleArns.length) fail('props.modelCreatorRoleArns lists a role twice; list each role once');
  return { roleArns: [...roleArns], roleAccounts, wholeAccounts: [...wholeAccounts], creatorRoleArns: [...creatorRoleArns], creatorRoleAccounts };
}

function validateEventBusArn(arn: string, fail: (message: string) => never): void {
  if (arn === undefined || arn === null || arn === '') {
    fail('props.modelEventBusArn is missing; give the ARN of the model event bus in RES, e.g. "arn:aws:events:eu-central-1:333333333333:event-bus/vwml-model-events"');
  }
  if (Token.isUnresolved(arn)) return;
  if (!EVENT_BUS_ARN.test(arn)) {
    fail(
      `props.modelEventBusArn ${JSON.stringify(arn)} is not an EventBridge event bus ARN; write e.g. "arn:aws:events:eu-central-1:333333333333:event-bus/vwml-model-events"`,
    );
  }
}
