import { Duration, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { UseCaseNames } from './usecase-names';
import { UseCaseStageSettings } from './usecase-props';
import { PlatformAccount } from '../config/platform-config';

/** The `source` of the events that start retraining: CloudWatch alarm state changes. */
export const DRIFT_EVENT_SOURCE = 'aws.cloudwatch';
/** The `detail-type` of the events that start retraining. */
export const DRIFT_EVENT_DETAIL_TYPE = 'CloudWatch Alarm State Change';
/**
 * The pipeline parameter that receives the reason of a retraining (the drift alarm's name), when the
 * use case's pipeline definition declares it.
 */
export const RETRAINING_REASON_PARAMETER = 'RetrainingReason';
/** The pipeline parameter that receives the stage whose drift alarm started a retraining, when declared. */
export const RETRAINING_STAGE_PARAMETER = 'RetrainingStage';

/**
 * Whether a stage's drift alarm starts retraining, after checking the settings: `retraining` when given
 * (it needs `modelMonitor` and `minimumF1`), else on in PROD when the stage's monitor has the quality
 * alarm (`minimumF1`), off in DEV and INT. Throws an Error naming `<option>.<field>` and the fix.
 * @param option how the user wrote the stage's settings, e.g. `prod`
 * @param stage DEV, INT or PROD
 * @param settings the stage's settings
 * @internal
 */
export function resolveRetraining(option: string, stage: PlatformAccount, settings: UseCaseStageSettings): boolean {
  const f1 = settings.minimumF1;
  if (f1 !== undefined) {
    if (typeof f1 !== 'number' || !(f1 > 0 && f1 < 1)) {
      throw new Error(`${option}.minimumF1: ${JSON.stringify(f1)} is not an F1 score; write a number between 0 and 1 (exclusive), e.g. 0.7`);
    }
    if (!settings.modelMonitor || !(settings.modelQuality || settings.groundTruthS3Uri)) {
      throw new Error(`${option}.minimumF1: the F1 score comes from model-quality monitoring; set ${option}.modelMonitor: true and ${option}.modelQuality: true (or groundTruthS3Uri), or remove minimumF1`);
    }
  }
  if (settings.retraining === undefined) return stage === PlatformAccount.PROD && f1 !== undefined;
  if (typeof settings.retraining !== 'boolean') {
    throw new Error(`${option}.retraining: ${JSON.stringify(settings.retraining)} is not a switch; write true or false`);
  }
  if (settings.retraining && f1 === undefined) {
    throw new Error(`${option}.retraining: retraining starts when the stage's drift alarm goes into ALARM, and ${option} has none; `
      + `set ${option}.modelMonitor: true, ${option}.modelQuality: true and ${option}.minimumF1 (e.g. 0.7), or write retraining: false`);
  }
  return settings.retraining;
}

/**
 * The events of one use case's drift alarms of the given stages going into ALARM.
 * @internal
 */
export function driftEventPattern(names: UseCaseNames, stages: PlatformAccount[]): events.EventPattern {
  return {
    source: [DRIFT_EVENT_SOURCE],
    detailType: [DRIFT_EVENT_DETAIL_TYPE],
    account: stages.map((stage) => names.platform.config.account(stage).accountId).filter((a, i, all) => all.indexOf(a) === i),
    resources: stages.map((stage) => names.driftAlarmArn(stage)),
    detail: { state: { value: ['ALARM'] } },
  };
}

/** A role that EventBridge rules of its own account assume. */
function eventsRole(scope: Construct, id: string, roleName: string, description: string): iam.Role {
  return new iam.Role(scope, id, {
    roleName,
    description,
    assumedBy: new iam.ServicePrincipal('events.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(scope).account } } }),
  });
}

/**
 * RES: the rule on the model event bus that forwards the use case's drift alarm events of `stages` to the
 * retraining bus of EXP, with a role that may put events on that bus only.
 * @internal
 */
export function createRetrainingForward(scope: Construct, names: UseCaseNames, stages: PlatformAccount[]): { rule: events.Rule; role: iam.Role } {
  const role = eventsRole(scope, 'RetrainingForwardRole', names.retrainingForwardRoleName,
    `Forwards the drift alarms of ${names.base} from the RES model event bus to the EXP retraining bus`);
  const policy = new iam.ManagedPolicy(scope, 'RetrainingForwardPolicy', {
    description: `Put the drift alarm events of ${names.base} on the EXP retraining bus`,
    roles: [role],
    statements: [new iam.PolicyStatement({ sid: 'PutOnTheRetrainingBus', actions: ['events:PutEvents'], resources: [names.platform.retrainingBusArn] })],
  });
  const rule = new events.Rule(scope, 'RetrainingForward', {
    eventBus: events.EventBus.fromEventBusArn(scope, 'ModelEventBus', names.platform.eventBusArn),
    description: `Forward the drift alarms of ${names.base} (${stages.join(', ')}) to EXP, where they start its model-build pipeline`,
    eventPattern: driftEventPattern(names, stages),
  });
  rule.addTarget(new targets.EventBus(events.EventBus.fromEventBusArn(scope, 'RetrainingBus', names.platform.retrainingBusArn), {
    role: role.withoutPolicyUpdates(),
  }));
  rule.node.addDependency(policy);
  return { rule, role };
}

/**
 * EXP: one rule per stage on the retraining bus that starts the use case's model-build pipeline, with a
 * role that may start exactly that pipeline. The reason (the drift alarm's name) and the stage are passed
 * as the pipeline parameters `RetrainingReason` and `RetrainingStage` where the definition declares them.
 * @param declaredParameters the parameter names the pipeline definition declares
 * @internal
 */
export function createRetrainingStart(
  scope: Construct,
  names: UseCaseNames,
  stages: PlatformAccount[],
  pipelineArn: string,
  declaredParameters: string[],
): { rules: events.Rule[]; role: iam.Role } {
  const role = eventsRole(scope, 'RetrainingStartRole', names.retrainingStartRoleName,
    `Starts the model-build pipeline ${names.pipelineName} when a drift alarm of ${names.base} goes into ALARM`);
  const policy = new iam.ManagedPolicy(scope, 'RetrainingStartPolicy', {
    description: `Start the model-build pipeline ${names.pipelineName} (retraining of ${names.base})`,
    roles: [role],
    statements: [new iam.PolicyStatement({ sid: 'StartThePipeline', actions: ['sagemaker:StartPipelineExecution'], resources: [pipelineArn] })],
  });
  const bus = events.EventBus.fromEventBusArn(scope, 'RetrainingBus', names.platform.retrainingBusArn);
  const rules = stages.map((stage) => {
    const rule = new events.Rule(scope, `RetrainingStart-${stage}`, {
      eventBus: bus,
      description: `Retrain ${names.base} when its ${stage.toUpperCase()} drift alarm goes into ALARM`,
      eventPattern: driftEventPattern(names, [stage]),
    });
    const parameters: Record<string, string> = {
      [RETRAINING_REASON_PARAMETER]: names.driftAlarmName(stage),
      [RETRAINING_STAGE_PARAMETER]: stage,
    };
    const declared = Object.entries(parameters).filter(([name]) => declaredParameters.includes(name));
    rule.addTarget({
      bind: () => ({
        arn: pipelineArn,
        role,
        retryPolicy: { maximumRetryAttempts: 20, maximumEventAgeInSeconds: Duration.hours(24).toSeconds() },
        sageMakerPipelineParameters: declared.length > 0
          ? { pipelineParameterList: declared.map(([name, value]) => ({ name, value })) }
          : undefined,
      }),
    });
    rule.node.addDependency(policy);
    return rule;
  });
  return { rules, role };
}
