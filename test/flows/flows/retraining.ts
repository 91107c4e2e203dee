/**
 * Drift starts retraining (issue 16): the PROD drift alarm's state change goes from PROD's default bus to
 * the RES model event bus (the rule's role and the bus policy), RES forwards the use case's alarms to the
 * EXP retraining bus (its forward role and that bus's policy), and the EXP rule starts the use case's
 * model-build pipeline with its start role (identity and boundary). Then the new version waits for
 * approval as in the release flow. Negative twins: other event types, other accounts, other pipelines.
 */
import { ACCOUNTS, Flow } from '../engine/types';

const RES_BUS = `arn:aws:events:eu-central-1:${ACCOUNTS.RES}:event-bus/vwml-model-events`;
const EXP_BUS = `arn:aws:events:eu-central-1:${ACCOUNTS.EXP}:event-bus/vwml-retraining`;
const PIPELINE = `arn:aws:sagemaker:eu-central-1:${ACCOUNTS.EXP}:pipeline/vwml-weld-gun-pm-build`;
const ALARM_EVENT = { 'events:source': 'aws.cloudwatch', 'events:detail-type': 'CloudWatch Alarm State Change' };
const OTHER_EVENT = { 'events:source': 'mlops.custom', 'events:detail-type': 'Retrain Now' };
const EVENTS_DOC = 'https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cross-account.html';
const BUS_POLICY_DOC = 'https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-bus-perms.html';
const PIPELINE_TARGET_DOC = 'https://docs.aws.amazon.com/sagemaker/latest/dg/pipeline-eventbridge.html';

/** Drift alarm in PROD -> RES model bus -> EXP retraining bus -> model-build pipeline. */
export const RETRAINING: Flow = {
  id: 'retraining',
  name: 'drift starts retraining (PROD alarm -> RES bus -> EXP bus -> model-build pipeline)',
  requests: [
    {
      step: 'PROD retraining rule puts the drift alarm event on the RES model bus',
      caller: 'WeldGunServingProd/ModelMonitorRulesRole',
      account: 'PROD',
      action: 'events:PutEvents',
      resource: RES_BUS,
      context: ALARM_EVENT,
      reason: 'A cross-account bus target needs the rule role\'s PutEvents and the bus policy for that event type',
      doc: EVENTS_DOC,
    },
    {
      step: 'EventBridge encrypts the event on the RES bus with the platform key',
      caller: 'service:events.amazonaws.com',
      account: 'RES',
      action: 'kms:GenerateDataKey',
      resource: '${ssm:RES:/vwml/platform/platform-key-arn}',
      context: { 'aws:SourceAccount': ACCOUNTS.RES, 'aws:SourceArn': RES_BUS, 'kms:EncryptionContext:aws:events:event-bus:arn': RES_BUS },
      reason: 'A bus with a customer managed key needs the key policy to admit EventBridge',
      doc: 'https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-encryption-key-policy.html',
    },
    {
      step: 'RES rule of the use case forwards the event to the EXP retraining bus',
      caller: 'vwml-weld-gun-pm-retrain-forward',
      account: 'RES',
      action: 'events:PutEvents',
      resource: EXP_BUS,
      context: ALARM_EVENT,
      reason: 'EventBridge starts SageMaker pipelines of the rule\'s own account only: the event goes on to EXP',
      doc: EVENTS_DOC,
    },
    {
      step: 'EventBridge encrypts the event on the EXP retraining bus with the platform key',
      caller: 'service:events.amazonaws.com',
      account: 'EXP',
      action: 'kms:GenerateDataKey',
      resource: '${ssm:EXP:/vwml/platform/platform-key-arn}',
      context: { 'aws:SourceAccount': ACCOUNTS.EXP, 'aws:SourceArn': EXP_BUS, 'kms:EncryptionContext:aws:events:event-bus:arn': EXP_BUS },
      reason: 'A bus with a customer managed key needs the key policy to admit EventBridge',
      doc: 'https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-encryption-key-policy.html',
    },
    {
      step: 'EXP rule starts the use case\'s model-build pipeline',
      caller: 'vwml-weld-gun-pm-retrain-start',
      account: 'EXP',
      action: 'sagemaker:StartPipelineExecution',
      resource: PIPELINE,
      reason: 'A SageMaker pipeline target is started with the rule\'s target role',
      doc: PIPELINE_TARGET_DOC,
    },
    // Negative twins
    {
      step: 'PROD rule role puts another event type on the RES model bus',
      caller: 'WeldGunServingProd/ModelMonitorRulesRole',
      account: 'PROD',
      action: 'events:PutEvents',
      resource: RES_BUS,
      context: OTHER_EVENT,
      reason: 'The bus admits the serving accounts for CloudWatch alarm state changes only',
      doc: BUS_POLICY_DOC,
      deniedFor: { stage: 'iam', because: 'ImplicitlyDenied by resource' },
    },
    {
      step: 'a role of DATA (not a serving account) puts an alarm event on the RES model bus',
      caller: `cdk-vwml-cfn-exec-role-${ACCOUNTS.DATA}-eu-central-1`,
      account: 'DATA',
      action: 'events:PutEvents',
      resource: RES_BUS,
      context: ALARM_EVENT,
      reason: 'Only DEV, INT and PROD (and EXP for approvals) may put events on the RES bus',
      doc: BUS_POLICY_DOC,
      deniedFor: { stage: 'iam', because: 'ImplicitlyDenied' },
    },
    {
      step: 'PROD rule role puts the alarm event on the EXP retraining bus directly',
      caller: 'WeldGunServingProd/ModelMonitorRulesRole',
      account: 'PROD',
      action: 'events:PutEvents',
      resource: EXP_BUS,
      context: ALARM_EVENT,
      reason: 'The EXP retraining bus admits RES only; the serving accounts reach it through the use case\'s RES rule',
      doc: BUS_POLICY_DOC,
      deniedFor: { stage: 'iam', because: 'ImplicitlyDenied' },
    },
    {
      step: 'RES forward role puts another event type on the EXP retraining bus',
      caller: 'vwml-weld-gun-pm-retrain-forward',
      account: 'RES',
      action: 'events:PutEvents',
      resource: EXP_BUS,
      context: OTHER_EVENT,
      reason: 'The retraining bus admits CloudWatch alarm state changes only',
      doc: BUS_POLICY_DOC,
      deniedFor: { stage: 'iam', because: 'ImplicitlyDenied by resource' },
    },
    {
      step: 'the start role starts another use case\'s pipeline',
      caller: 'vwml-weld-gun-pm-retrain-start',
      account: 'EXP',
      action: 'sagemaker:StartPipelineExecution',
      resource: `arn:aws:sagemaker:eu-central-1:${ACCOUNTS.EXP}:pipeline/vwml-paint-shop-qa-build`,
      reason: 'A use case\'s start role may start exactly its own pipeline',
      doc: PIPELINE_TARGET_DOC,
      deniedFor: { stage: 'iam', because: 'ImplicitlyDenied by identity' },
    },
    {
      step: 'the PROD rule role starts the pipeline in EXP itself',
      caller: 'WeldGunServingProd/ModelMonitorRulesRole',
      account: 'PROD',
      action: 'sagemaker:StartPipelineExecution',
      resource: PIPELINE,
      reason: 'Only the EXP start role starts the pipeline; the serving side only sends the event',
      doc: PIPELINE_TARGET_DOC,
      deniedFor: { stage: 'iam', because: 'ImplicitlyDenied' },
    },
  ],
};
