import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ModelMonitorProps } from './model-monitor-props';
import { RetrainingTarget, RetrainingTargetKind } from './retraining-target';
import { createDeadLetterQueue } from '../core/dead-letter-queue';
import { allowEventBridgeToUseKey } from '../core/key-grants';

/**
 * The role EventBridge uses for the targets of the Model Monitor's rules (topic, retraining target).
 * @internal
 */
export function createRulesRole(scope: Construct, props: ModelMonitorProps): iam.Role {
  return new iam.Role(scope, 'RulesRole', {
    assumedBy: new iam.ServicePrincipal('events.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(scope).account } } }),
    permissionsBoundary: props.permissionsBoundary,
    description: `Role of the EventBridge rules of the Model Monitor of the SageMaker endpoint ${props.endpointName}`,
  });
}

/**
 * The permissions of the rules role: notify the topic, start the pipeline or forward to the bus.
 * @internal
 */
export function createRulesPolicy(scope: Construct, props: ModelMonitorProps, topic: sns.ITopic, role: iam.Role): iam.ManagedPolicy {
  const statements = [new iam.PolicyStatement({ sid: 'NotifyTheTopic', actions: ['sns:Publish'], resources: [topic.topicArn] })];
  if (topic.masterKey) {
    statements.push(new iam.PolicyStatement({ sid: 'EncryptTheNotifications', actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [topic.masterKey.keyArn] }));
  }
  const target = props.retrainingTarget;
  if (target?.kind === RetrainingTargetKind.SAGEMAKER_PIPELINE) {
    statements.push(new iam.PolicyStatement({ sid: 'StartTheModelBuildingPipeline', actions: ['sagemaker:StartPipelineExecution'], resources: [target.arn] }));
  } else if (target?.kind === RetrainingTargetKind.EVENT_BUS) {
    statements.push(new iam.PolicyStatement({ sid: 'ForwardToTheRetrainingEventBus', actions: ['events:PutEvents'], resources: [target.arn] }));
  }
  return new iam.ManagedPolicy(scope, 'RulesPolicy', {
    description: `Targets of the EventBridge rules of the Model Monitor of the SageMaker endpoint ${props.endpointName}`,
    statements,
    roles: [role],
  });
}


/**
 * The dead-letter queue of the rule targets, encrypted with `key`.
 * @internal
 */
export function createRulesDeadLetterQueue(scope: Construct, key: kms.IKey): sqs.Queue {
  allowEventBridgeToUseKey(key, { scope, prop: 'encryptionKey' });
  return createDeadLetterQueue(scope, 'DeadLetterQueue', {
    encryptionKey: key,
    whyNoDeadLetterQueue: 'This queue is the dead-letter queue of the Model Monitor rule targets; a dead-letter queue of a dead-letter queue would never be read.',
  });
}

/**
 * The rule that starts retraining when the drift alarm goes into ALARM.
 * @internal
 */
export function createRetrainingRule(
  scope: Construct,
  props: ModelMonitorProps,
  target: RetrainingTarget,
  driftAlarm: cloudwatch.CompositeAlarm,
  role: iam.IRole,
  deadLetterQueue: sqs.IQueue,
): events.Rule {
  const rule = new events.Rule(scope, 'RetrainingRule', {
    description: `Start retraining when the drift alarm of the SageMaker endpoint ${props.endpointName} goes into ALARM`,
    eventPattern: {
      source: ['aws.cloudwatch'],
      detailType: ['CloudWatch Alarm State Change'],
      resources: [driftAlarm.alarmArn],
      detail: { state: { value: ['ALARM'] } },
    },
  });
  rule.addTarget(
    new BoundRuleTarget({
      arn: target.arn,
      role,
      deadLetterConfig: { arn: deadLetterQueue.queueArn },
      // an event bus target takes no retry policy (EventBridge retries delivery to buses itself)
      retryPolicy:
        target.kind === RetrainingTargetKind.SAGEMAKER_PIPELINE
          ? { maximumRetryAttempts: 20, maximumEventAgeInSeconds: Duration.hours(24).toSeconds() }
          : undefined,
    }),
  );
  if (target.parameters) {
    (rule.node.defaultChild as events.CfnRule).addPropertyOverride('Targets.0.SageMakerPipelineParameters', {
      PipelineParameterList: Object.entries(target.parameters).map(([Name, Value]) => ({ Name, Value })),
    });
  }
  deadLetterQueue.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'AllowTheRetrainingRuleToDeadLetter',
      principals: [new iam.ServicePrincipal('events.amazonaws.com')],
      actions: ['sqs:SendMessage'],
      resources: [deadLetterQueue.queueArn],
      conditions: { ArnEquals: { 'aws:SourceArn': rule.ruleArn } },
    }),
  );
  return rule;
}

/** A rule target whose configuration is computed by the construct (SageMaker pipelines have no L2 target). */
class BoundRuleTarget implements events.IRuleTarget {
  constructor(private readonly config: events.RuleTargetConfig) {}

  public bind(_rule: events.IRuleRef, _id?: string): events.RuleTargetConfig {
    return this.config;
  }
}
