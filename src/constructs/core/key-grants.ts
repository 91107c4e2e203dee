import { Annotations, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { IConstruct } from 'constructs';

/**
 * Who uses a key whose policy may need a service statement: when the key is imported its policy cannot
 * be changed here, and a synth warning on `scope` names `prop` and what the key owner has to allow.
 * @internal
 */
export interface KeyUser {
  /** the construct that uses the key (the warning goes on it) */
  readonly scope: IConstruct;
  /** the prop through which the key was given, e.g. `encryptionKey` */
  readonly prop: string;
}

/** The warning ids of imported keys whose owner must add a service statement. @internal */
export enum ImportedKeyWarning {
  /** CloudWatch Logs must be allowed to use the key for this account's log groups */
  LOGS = '@vw/mlops-blueprint:importedKeyNeedsCloudWatchLogs',
  /** CloudWatch alarms must be allowed to publish to topics encrypted with the key */
  ALARMS = '@vw/mlops-blueprint:importedKeyNeedsCloudWatchAlarms',
  /** EventBridge must be allowed to deliver to topics and queues encrypted with the key */
  EVENTS = '@vw/mlops-blueprint:importedKeyNeedsEventBridge',
  /** Log delivery must be allowed to decrypt the data of a state machine encrypted with the key */
  LOG_DELIVERY = '@vw/mlops-blueprint:importedKeyNeedsLogDelivery',
}

/**
 * Adds a statement to the policy of a key of this app (once per key and marker) that lets an AWS
 * service principal use the key. An imported key's policy cannot be changed: nothing is added, and
 * with `user` a synth warning (id `warning`) tells the construct user that the key owner must allow it.
 *
 * @param key the key
 * @param marker names the grant: a second call with the same marker adds nothing
 * @param sid the statement id
 * @param service the service principal, e.g. `cloudwatch.amazonaws.com`
 * @param actions the KMS actions
 * @param conditions the statement's conditions
 * @param user the construct and prop that use the key, for the warning about an imported key
 * @param warning the warning id
 * @internal
 */
export function allowServiceToUseKey(
  key: kms.IKey,
  marker: string,
  sid: string,
  service: string,
  actions: string[],
  conditions?: Record<string, any>,
  user?: KeyUser,
  warning?: ImportedKeyWarning,
): void {
  const symbol = Symbol.for(marker);
  if (!(key instanceof kms.Key)) {
    if (user && warning) {
      const stack = Stack.of(user.scope);
      const condition = conditions ? ` with the condition ${JSON.stringify(stack.resolve(conditions))}` : '';
      Annotations.of(user.scope).addWarningV2(
        warning,
        `${user.prop} is an imported key, whose policy cannot be changed here: its owner must allow ${service} ${actions.join(', ')}${condition} in the key policy, or this fails in AWS`,
      );
    }
    return;
  }
  if ((key as any)[symbol]) return;
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid,
      principals: [new iam.ServicePrincipal(service)],
      actions,
      resources: ['*'],
      conditions,
    }),
  );
  (key as any)[symbol] = true;
}

/**
 * Lets CloudWatch alarms of the key's account publish to topics encrypted with this key (once per key,
 * whichever construct asks first).
 * @param key the key
 * @param user the construct and prop that use the key, for the warning about an imported key
 * @internal
 */
export function allowCloudWatchAlarmsToUseKey(key: kms.IKey, user?: KeyUser): void {
  allowServiceToUseKey(
    key,
    'vw-mlops-blueprint.cloudwatch-alarms-granted',
    'AllowCloudWatchAlarmsToPublishToEncryptedTopics',
    'cloudwatch.amazonaws.com',
    ['kms:Decrypt', 'kms:GenerateDataKey*'],
    { StringEquals: { 'aws:SourceAccount': Stack.of(key).account } },
    user,
    ImportedKeyWarning.ALARMS,
  );
}

/**
 * The condition of a key statement for EventBridge's deliveries to encrypted SQS queues and SNS topics:
 * the KMS request is made by SQS or SNS on EventBridge's behalf, so it carries `kms:ViaService`; it
 * carries neither `aws:SourceAccount` nor `aws:SourceArn` (a condition on those would drop every
 * delivery silently), so the queue and topic policies bind the rule by `aws:SourceArn` instead.
 * @param key the key
 * @internal
 */
export function eventBridgeDeliveryCondition(key: kms.IKey): Record<string, any> {
  const region = Stack.of(key).region;
  return { StringEquals: { 'kms:ViaService': [`sqs.${region}.amazonaws.com`, `sns.${region}.amazonaws.com`] } };
}

/**
 * Lets EventBridge rules of this account deliver to topics and queues encrypted with this key (through
 * SQS and SNS only, see `eventBridgeDeliveryCondition`).
 * @param key the key
 * @param user the construct and prop that use the key, for the warning about an imported key
 * @internal
 */
export function allowEventBridgeToUseKey(key: kms.IKey, user?: KeyUser): void {
  allowServiceToUseKey(
    key,
    'vw-mlops-blueprint.eventbridge-granted',
    'AllowEventBridgeRulesOfThisAccountToDeliverToEncryptedTargets',
    'events.amazonaws.com',
    ['kms:Decrypt', 'kms:GenerateDataKey*'],
    eventBridgeDeliveryCondition(key),
    user,
    ImportedKeyWarning.EVENTS,
  );
}

/**
 * Lets the log delivery of this account (`delivery.logs.amazonaws.com`, e.g. a Step Functions state
 * machine encrypted with this key that logs to CloudWatch Logs) decrypt with this key. For a key of
 * this app `sfn.StateMachine` adds such a statement itself; this one, conditioned on
 * `aws:SourceAccount`, is for a key that other stacks import.
 * @param key the key
 * @param user the construct and prop that use the key, for the warning about an imported key
 * @internal
 */
export function allowLogDeliveryToUseKey(key: kms.IKey, user?: KeyUser): void {
  allowServiceToUseKey(
    key,
    'vw-mlops-blueprint.log-delivery-granted',
    'AllowLogDeliveryOfThisAccountToDecrypt',
    'delivery.logs.amazonaws.com',
    ['kms:Decrypt'],
    { StringEquals: { 'aws:SourceAccount': Stack.of(key).account } },
    user,
    ImportedKeyWarning.LOG_DELIVERY,
  );
}

/**
 * Whether two key references name the same key: the same object, or ARNs that resolve to the same
 * value in `scope`'s stack (e.g. two imports of one SSM parameter's key ARN).
 * @param scope the construct whose stack resolves the ARNs
 * @param a one key
 * @param b the other key
 * @internal
 */
export function isSameKey(scope: IConstruct, a: kms.IKey, b: kms.IKey): boolean {
  if (a === b) return true;
  const stack = Stack.of(scope);
  return JSON.stringify(stack.resolve(a.keyArn)) === JSON.stringify(stack.resolve(b.keyArn));
}
