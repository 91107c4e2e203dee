import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { ModelEventBus } from '../../constructs/events';
import { PlatformAccount, PlatformConfig } from '../config/platform-config';
import { PlatformNames } from '../naming';
import { DRIFT_EVENT_DETAIL_TYPE, DRIFT_EVENT_SOURCE } from '../usecase/retraining-loop';

/** The serving accounts (DEV, INT, PROD) other than `except`, each once. */
function servingAccountIds(config: PlatformConfig, except: PlatformAccount): string[] {
  const own = config.account(except).accountId;
  return [PlatformAccount.DEV, PlatformAccount.INT, PlatformAccount.PROD]
    .map((a) => config.account(a).accountId)
    .filter((id, i, all) => id !== own && all.indexOf(id) === i);
}

/**
 * RES: let the serving accounts put their drift alarms' state changes on the model event bus, and
 * nothing else (`events:source` `aws.cloudwatch`, `events:detail-type` `CloudWatch Alarm State Change`;
 * in the organization when one is configured). A use case's rule on the bus forwards its own alarms to EXP.
 * @internal
 */
export function admitDriftEvents(bus: ModelEventBus, config: PlatformConfig): void {
  const senders = servingAccountIds(config, PlatformAccount.RES);
  if (senders.length === 0) return;
  bus.eventBus.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'AllowDriftAlarmsFromServingAccounts',
    principals: senders.map((a) => new iam.AccountPrincipal(a)),
    actions: ['events:PutEvents'],
    resources: [bus.eventBusArn],
    // multivalued keys: every value of the request must be listed, and both keys must be present
    conditions: {
      'ForAllValues:StringEquals': { 'events:source': [DRIFT_EVENT_SOURCE], 'events:detail-type': [DRIFT_EVENT_DETAIL_TYPE] },
      'Null': { 'events:source': 'false', 'events:detail-type': 'false' },
      ...(config.organizationId ? { StringEquals: { 'aws:PrincipalOrgID': config.organizationId } } : {}),
    },
  }));
}

/**
 * EXP: the retraining bus, which receives from RES only the drift alarm state changes that the use
 * cases' rules there forward; each use case's training stack has a rule on it that starts its pipeline
 * (EventBridge starts SageMaker pipelines of the rule's own account only).
 * @internal
 */
export function createRetrainingBus(scope: Construct, names: PlatformNames, config: PlatformConfig, key: kms.IKey): ModelEventBus {
  return new ModelEventBus(scope, 'RetrainingEvents', {
    eventBusName: names.retrainingBusName,
    description: 'Drift alarms of the serving stages, forwarded by RES, that start the use cases\' model-build pipelines',
    sourceAccountIds: [config.account(PlatformAccount.RES).accountId],
    organizationId: config.organizationId,
    allowedEventSources: [DRIFT_EVENT_SOURCE],
    allowedDetailTypes: [DRIFT_EVENT_DETAIL_TYPE],
    encryptionKey: key,
  });
}
