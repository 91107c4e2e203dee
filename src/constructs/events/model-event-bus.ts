import { ArnFormat, Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct, IConstruct } from 'constructs';
import { createDeadLetterQueue } from '../core/dead-letter-queue';

/** The archive retention when `archiveRetention` is not set. */
const DEFAULT_ARCHIVE_RETENTION_DAYS = 365;

/**
 * Props of a `ModelEventBus`.
 */
export interface ModelEventBusProps {
  /**
   * The name of the custom event bus. Other accounts compute its ARN from this name with
   * `ModelEventBus.arnFor`, so it is fixed rather than generated.
   *
   * 1 to 256 characters of `A-Z a-z 0-9 . - _`; not `default` and not starting with `aws.`
   * (reserved for partner event buses).
   */
  readonly eventBusName: string;

  /**
   * The accounts (12-digit ids, e.g. EXP) whose principals may put events on the bus. Senders use an
   * EventBridge rule with this bus's ARN as target and an IAM role (`RoleArn` of the target) that may
   * `events:PutEvents` on this ARN; the bus policy allows the account, so it covers that role.
   */
  readonly sourceAccountIds: string[];

  /**
   * An AWS Organizations id (`o-...`). When set, a sender must also be a principal of this organization
   * (`aws:PrincipalOrgID`): a source account outside the organization is refused. EventBridge evaluates
   * this key only for senders that call with a role, so rules in the source accounts must target the bus
   * with a `RoleArn`.
   * @default - no organization condition: the account ids alone decide
   */
  readonly organizationId?: string;

  /**
   * Restrict the events the source accounts may put to these `source` values (condition
   * `events:source`), e.g. `['aws.sagemaker']` for model-package state changes forwarded by a rule.
   * @default - any source
   */
  readonly allowedEventSources?: string[];

  /**
   * Restrict the events the source accounts may put to these `detail-type` values (condition
   * `events:detail-type`), e.g. `['CloudWatch Alarm State Change']`.
   * @default - any detail type
   */
  readonly allowedDetailTypes?: string[];

  /**
   * The customer-managed key that encrypts the events on the bus, the archive and the dead-letter queue.
   * When it is a `kms.Key` of this app, its policy is extended to let EventBridge use it for this bus
   * and its archive, and SQS for the queue; an imported key's policy must already allow that.
   */
  readonly encryptionKey: kms.IKey;

  /**
   * How long the archive keeps every event of the bus (whole days; `Duration.days(0)` keeps them
   * indefinitely). Replaying from the archive lets a deployment be re-run after an outage.
   * @default Duration.days(365)
   */
  readonly archiveRetention?: Duration;

  /**
   * How long a message stays in the dead-letter queue (60 seconds to 14 days).
   * @default Duration.days(14)
   */
  readonly deadLetterRetention?: Duration;

  /**
   * A description of the bus (up to 512 characters).
   * @default 'Model lifecycle events (e.g. model package approvals) from the experimentation accounts'
   */
  readonly description?: string;

  /**
   * What happens to the dead-letter queue when it leaves the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * A custom EventBridge bus that receives model lifecycle events (for example model-package approvals)
 * from the experimentation account(s) and nobody else: its resource policy allows `events:PutEvents`
 * only to the given source accounts (and, where set, only to principals of the given organization).
 * Events are encrypted with a customer-managed key; every event is archived; events that the bus cannot
 * process (e.g. the key is disabled) go to an encrypted, TLS-only dead-letter queue, which rules on the
 * bus may also use as their targets' dead-letter queue.
 *
 * In the sending account, a rule on the default bus forwards the events with this bus's ARN
 * (`ModelEventBus.arnFor`) as target and a role that may `events:PutEvents` on that ARN.
 *
 * @example
 * const key = new kms.Key(this, 'EventsKey', { enableKeyRotation: true });
 * const bus = new ModelEventBus(this, 'ModelEvents', {
 *   eventBusName: 'mlops-model-events',
 *   sourceAccountIds: ['111111111111'],
 *   organizationId: 'o-a1b2c3d4e5',
 *   encryptionKey: key,
 * });
 * new events.Rule(this, 'OnApproval', {
 *   eventBus: bus.eventBus,
 *   eventPattern: { source: ['aws.sagemaker'], detailType: ['SageMaker Model Package State Change'] },
 * });
 */
export class ModelEventBus extends Construct {
  /**
   * The ARN of a bus named `eventBusName` in `account` and `region`, for wiring a rule in another
   * account or stack to the bus by name, without a cross-account reference.
   *
   * @param scope any construct; its stack supplies the partition
   * @param account the account id of the bus (e.g. RES)
   * @param region the region of the bus
   * @param eventBusName the name given to the `ModelEventBus`
   */
  public static arnFor(scope: IConstruct, account: string, region: string, eventBusName: string): string {
    if (!Token.isUnresolved(account) && !ACCOUNT_ID.test(account)) {
      throw new Error(`ModelEventBus.arnFor: account ${JSON.stringify(account)} is not a 12-digit AWS account id; pass the id of the account that holds the bus`);
    }
    validateEventBusName(eventBusName, 'ModelEventBus.arnFor: eventBusName');
    return Stack.of(scope).formatArn({
      service: 'events',
      account,
      region,
      resource: 'event-bus',
      resourceName: eventBusName,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
  }

  /** The event bus. */
  public readonly eventBus: events.EventBus;
  /** The ARN of the event bus. */
  public readonly eventBusArn: string;
  /** The name of the event bus. */
  public readonly eventBusName: string;
  /**
   * The dead-letter queue of the bus (KMS-encrypted, TLS only). EventBridge may send to it from the bus
   * and from any rule on the bus, so rules can use it as their targets' dead-letter queue.
   */
  public readonly deadLetterQueue: sqs.Queue;
  /** The archive that keeps every event of the bus. */
  public readonly archive: events.Archive;

  /**
   * @param scope the construct scope
   * @param id the construct id
   * @param props the ModelEventBus settings
   */
  constructor(scope: Construct, id: string, props: ModelEventBusProps) {
    super(scope, id);
    validateProps(props);
    const stack = Stack.of(this);
    const busArn = ModelEventBus.arnFor(this, stack.account, stack.region, props.eventBusName);

    this.deadLetterQueue = createDeadLetterQueue(this, 'DeadLetterQueue', {
      encryptionKey: props.encryptionKey,
      retentionPeriod: props.deadLetterRetention,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      whyNoDeadLetterQueue: 'This queue is itself the dead-letter queue of the event bus and its rules; a queue for its own dead letters would never receive any.',
    });
    // EventBridge delivers to the queue for the bus itself and for the rules on this bus, nothing else.
    this.deadLetterQueue.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowEventBridgeDeadLetters',
        principals: [new iam.ServicePrincipal('events.amazonaws.com')],
        actions: ['sqs:SendMessage'],
        resources: [this.deadLetterQueue.queueArn],
        conditions: {
          ArnLike: {
            'aws:SourceArn': [busArn, stack.formatArn({ service: 'events', resource: 'rule', resourceName: `${props.eventBusName}/*` })],
          },
        },
      }),
    );

    this.eventBus = new events.EventBus(this, 'Bus', {
      eventBusName: props.eventBusName,
      description: props.description ?? 'Model lifecycle events (e.g. model package approvals) from the experimentation accounts',
      deadLetterQueue: this.deadLetterQueue,
    });
    // The key is set on the L1 rather than passed as the L2's kmsKey: the L2 would add a key statement for
    // the bus (Decrypt, GenerateDataKey, DescribeKey) that only repeats what the archive statement below
    // (same encryption context, which EventBridge sends for the bus and its archives) and
    // AllowEventBridgeToDescribeTheKey already allow.
    (this.eventBus.node.defaultChild as events.CfnEventBus).kmsKeyIdentifier = props.encryptionKey.keyArn;
    this.eventBusArn = this.eventBus.eventBusArn;
    this.eventBusName = this.eventBus.eventBusName;

    const conditions: Record<string, Record<string, unknown>> = {};
    if (props.organizationId) conditions.StringEquals = { 'aws:PrincipalOrgID': props.organizationId };
    // events:source and events:detail-type are multivalued keys: each value of the request must be listed
    // (and the keys must be present, which PutEvents always sends)
    const only: Record<string, string[]> = {};
    if (props.allowedEventSources && props.allowedEventSources.length > 0) only['events:source'] = props.allowedEventSources;
    if (props.allowedDetailTypes && props.allowedDetailTypes.length > 0) only['events:detail-type'] = props.allowedDetailTypes;
    if (Object.keys(only).length > 0) {
      conditions['ForAllValues:StringEquals'] = only;
      conditions.Null = Object.fromEntries(Object.keys(only).map((k) => [k, 'false']));
    }
    this.eventBus.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowPutEventsFromSourceAccounts',
        principals: props.sourceAccountIds.map((a) => new iam.AccountPrincipal(a)),
        actions: ['events:PutEvents'],
        resources: [busArn],
        conditions: Object.keys(conditions).length > 0 ? conditions : undefined,
      }),
    );

    // The archive keeps every event (no event pattern). It is built from the L2 for its attributes; its
    // key grant is written here against the bus ARN computed from the name, because the L2's grant refers
    // to the bus resource, which would make key -> bus -> key a circular dependency.
    this.archive = new events.Archive(this, 'Archive', {
      sourceEventBus: this.eventBus,
      description: `Every event of the ${props.eventBusName} bus`,
      eventPattern: { account: [stack.account] },
      retention: props.archiveRetention ?? Duration.days(DEFAULT_ARCHIVE_RETENTION_DAYS),
    });
    const cfnArchive = this.archive.node.defaultChild as events.CfnArchive;
    cfnArchive.addPropertyDeletionOverride('EventPattern');
    cfnArchive.kmsKeyIdentifier = props.encryptionKey.keyArn;

    // EventBridge encrypts the bus's events and its archive with the same encryption context, the bus
    // ARN (https://docs.aws.amazon.com/eventbridge/latest/userguide/encryption-archives.html): this one
    // statement admits both.
    props.encryptionKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowEventBridgeArchiveOfModelEventBus',
        principals: [new iam.ServicePrincipal('events.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey', 'kms:ReEncrypt*'],
        resources: ['*'],
        conditions: { StringEquals: { 'kms:EncryptionContext:aws:events:event-bus:arn': busArn } },
      }),
    );
    // EventBridge checks the key (symmetric, its ARN) with DescribeKey, which carries no encryption
    // context; the bus grant of the L2 EventBus conditions DescribeKey on one, so it is granted here.
    props.encryptionKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowEventBridgeToDescribeTheKey',
        principals: [new iam.ServicePrincipal('events.amazonaws.com')],
        actions: ['kms:DescribeKey'],
        resources: ['*'],
      }),
    );
    // SQS encrypts the dead letters that EventBridge sends with this key on EventBridge's behalf.
    props.encryptionKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowEventBridgeDeadLettersThroughSqs',
        principals: [new iam.ServicePrincipal('events.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
        conditions: { StringEquals: { 'kms:ViaService': `sqs.${stack.region}.amazonaws.com` } },
      }),
    );
  }
}

const ACCOUNT_ID = /^\d{12}$/;
const ORGANIZATION_ID = /^o-[a-z0-9]{10,32}$/;
const EVENT_BUS_NAME = /^[A-Za-z0-9._-]{1,256}$/;

function validateEventBusName(name: string, what: string): void {
  if (Token.isUnresolved(name)) return;
  if (!EVENT_BUS_NAME.test(name)) {
    throw new Error(`${what} ${JSON.stringify(name)} is not a valid EventBridge bus name: use 1 to 256 characters of A-Z a-z 0-9 . - _ (no '/'), e.g. 'mlops-model-events'`);
  }
  if (name === 'default') {
    throw new Error(`${what} must not be 'default' (that is every account's own bus); choose a custom name, e.g. 'mlops-model-events'`);
  }
  if (name.startsWith('aws.')) {
    throw new Error(`${what} ${JSON.stringify(name)} starts with 'aws.', which is reserved for partner event buses; choose another name, e.g. 'mlops-model-events'`);
  }
}

function validateProps(props: ModelEventBusProps): void {
  validateEventBusName(props.eventBusName, 'ModelEventBus: eventBusName');
  if (!props.sourceAccountIds || props.sourceAccountIds.length === 0) {
    throw new Error('ModelEventBus: sourceAccountIds is empty; list the 12-digit ids of the accounts that send model events (e.g. EXP)');
  }
  const seen = new Set<string>();
  for (const account of props.sourceAccountIds) {
    if (Token.isUnresolved(account)) continue;
    if (!ACCOUNT_ID.test(account)) {
      throw new Error(`ModelEventBus: sourceAccountIds contains ${JSON.stringify(account)}, which is not a 12-digit AWS account id; write it as 12 digits, e.g. '111111111111'`);
    }
    if (seen.has(account)) {
      throw new Error(`ModelEventBus: sourceAccountIds lists ${account} twice; list each account once`);
    }
    seen.add(account);
  }
  if (props.organizationId !== undefined && !Token.isUnresolved(props.organizationId) && !ORGANIZATION_ID.test(props.organizationId)) {
    throw new Error(`ModelEventBus: organizationId ${JSON.stringify(props.organizationId)} is not an AWS Organizations id; write it as 'o-' followed by 10 to 32 lower-case letters or digits, e.g. 'o-a1b2c3d4e5'`);
  }
  if (props.allowedEventSources) {
    for (const source of props.allowedEventSources) {
      if (!Token.isUnresolved(source) && (source.length === 0 || source.length > 256)) {
        throw new Error(`ModelEventBus: allowedEventSources contains ${JSON.stringify(source)}; an event source is 1 to 256 characters, e.g. 'aws.sagemaker'`);
      }
    }
  }
  const archiveSeconds = props.archiveRetention?.toSeconds({ integral: false });
  const archiveDays = archiveSeconds === undefined ? undefined : archiveSeconds / 86400;
  if (archiveDays !== undefined && !Token.isUnresolved(archiveSeconds) && (!Number.isInteger(archiveDays) || archiveDays < 0)) {
    throw new Error(`ModelEventBus: archiveRetention must be a whole number of days (0 keeps events indefinitely), got ${archiveDays}; use e.g. Duration.days(${DEFAULT_ARCHIVE_RETENTION_DAYS})`);
  }
  const dlqSeconds = props.deadLetterRetention?.toSeconds({ integral: false });
  if (dlqSeconds !== undefined && !Token.isUnresolved(dlqSeconds) && (dlqSeconds < 60 || dlqSeconds > 14 * 24 * 3600)) {
    throw new Error(`ModelEventBus: deadLetterRetention must be between 60 seconds and 14 days (SQS limits), got ${dlqSeconds} seconds; use e.g. Duration.days(14)`);
  }
  if (props.description !== undefined && !Token.isUnresolved(props.description) && props.description.length > 512) {
    throw new Error(`ModelEventBus: description is ${props.description.length} characters; EventBridge allows at most 512`);
  }
}
