/**
 * Service prerequisites, derived from the templates (not hand-written): every encrypted log group
 * needs its key policy to admit CloudWatch Logs for that log group, every encrypted topic that an
 * alarm notifies needs its key policy to admit CloudWatch, and a REST API stage with execution
 * logging needs the account's API Gateway CloudWatch role; a rule's dead-letter queue must admit
 * EventBridge (queue policy and key).
 */
import { FlowModel } from './model';
import { ACCOUNTS, AccountName, FlowRequest, REGION } from './types';

/** One prerequisite: an AWS request a service makes, or a setting of the account. */
export interface Prerequisite {
  /** What is needed, e.g. `logs: WeldGunServingDev/EndpointLogsLogGroup`. */
  readonly name: string;
  /** The account. */
  readonly account: AccountName;
  /** The service's request, evaluated like a flow request. */
  readonly request?: FlowRequest;
  /** An account setting: whether it holds, and why not. */
  readonly setting?: { readonly ok: boolean; readonly why: string };
}

const asArray = (v: unknown): any[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

function accountName(id: string): AccountName {
  const name = (Object.keys(ACCOUNTS) as AccountName[]).find((k) => ACCOUNTS[k] === id);
  if (!name) throw new Error(`prerequisites: ${id} is no platform account`);
  return name;
}

/** The prerequisites of every stack of the model. */
export function prerequisites(model: FlowModel): Prerequisite[] {
  const out: Prerequisite[] = [];
  const apiLogging = new Set<string>();
  const apiAccountRole = new Set<string>();
  for (const stack of model.stacks) {
    const resources: Record<string, any> = stack.template.Resources ?? {};
    const account = accountName(stack.account);
    for (const [id, r] of Object.entries(resources)) {
      const p = r.Properties ?? {};
      const short = `${stack.name}/${id.replace(/[0-9A-F]{8}$/, '')}`;
      if (r.Type === 'AWS::Logs::LogGroup' && p.KmsKeyId) {
        const arn = String(model.resolve(stack.name, { 'Fn::GetAtt': [id, 'Arn'] })).replace(/:\*$/, '');
        out.push({
          name: `logs: ${short}`,
          account,
          request: {
            step: `CloudWatch Logs encrypts ${short}`,
            caller: `service:logs.${REGION}.amazonaws.com`,
            account,
            action: 'kms:GenerateDataKey',
            resource: String(model.resolve(stack.name, p.KmsKeyId)),
            context: { 'kms:EncryptionContext:aws:logs:arn': arn },
            reason: 'A log group with KmsKeyId is created and written only if the key policy admits logs.<region>.amazonaws.com',
            doc: 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html',
          },
        });
      }
      if (r.Type === 'AWS::CloudWatch::Alarm') {
        for (const action of asArray(p.AlarmActions)) {
          const topicId = action?.Ref;
          const topic = topicId ? resources[topicId] : undefined;
          if (topic?.Type !== 'AWS::SNS::Topic' || !topic.Properties?.KmsMasterKeyId) continue;
          out.push({
            name: `alarm: ${short} -> ${topicId.replace(/[0-9A-F]{8}$/, '')}`,
            account,
            request: {
              step: `CloudWatch notifies the encrypted topic of ${short}`,
              caller: 'service:cloudwatch.amazonaws.com',
              account,
              action: 'kms:GenerateDataKey',
              resource: String(model.resolve(stack.name, topic.Properties.KmsMasterKeyId)),
              // CloudWatch names the alarm's account and ARN in the request (confused-deputy keys)
              context: {
                'aws:SourceAccount': stack.account,
                'aws:SourceArn': `arn:aws:cloudwatch:${REGION}:${stack.account}:alarm:${String(model.resolve(stack.name, p.AlarmName ?? { Ref: id }))}`,
              },
              reason: 'Alarm actions on an SSE-KMS topic need the key policy to admit cloudwatch.amazonaws.com',
              doc: 'https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services',
            },
          });
        }
      }
      if (r.Type === 'AWS::Events::Rule') {
        for (const target of asArray(p.Targets)) {
          const queueId = target.DeadLetterConfig?.Arn?.['Fn::GetAtt']?.[0];
          const queue = queueId ? resources[queueId] : undefined;
          if (queue?.Type !== 'AWS::SQS::Queue') continue;
          const queueArn = String(model.resolve(stack.name, { 'Fn::GetAtt': [queueId, 'Arn'] }));
          const ruleArn = String(model.resolve(stack.name, { 'Fn::GetAtt': [id, 'Arn'] }));
          const base = {
            caller: 'service:events.amazonaws.com',
            account,
            reason: 'EventBridge sends undeliverable events to the dead-letter queue only if the queue policy (and its key) admit it for this rule',
            doc: 'https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html',
          };
          out.push({
            name: `dead letters: ${short} -> ${queueId.replace(/[0-9A-F]{8}$/, '')}`,
            account,
            request: {
              ...base,
              step: `EventBridge sends dead letters of ${short}`,
              action: 'sqs:SendMessage',
              resource: queueArn,
              context: { 'aws:SourceArn': ruleArn, 'aws:SourceAccount': stack.account },
              kms: queue.Properties?.KmsMasterKeyId ? [{
                key: String(model.resolve(stack.name, queue.Properties.KmsMasterKeyId)),
                action: 'kms:GenerateDataKey',
                // SQS calls KMS for EventBridge: the request carries kms:ViaService, not aws:SourceAccount/SourceArn
                context: { 'kms:ViaService': `sqs.${REGION}.amazonaws.com` },
              }] : undefined,
            },
          });
        }
      }
      if (r.Type === 'AWS::ApiGateway::Stage' && asArray(p.MethodSettings).some((m) => m.LoggingLevel && m.LoggingLevel !== 'OFF')) apiLogging.add(stack.account);
      if (r.Type === 'AWS::ApiGateway::Account' && p.CloudWatchRoleArn) apiAccountRole.add(stack.account);
    }
  }
  for (const account of apiLogging) {
    const ok = apiAccountRole.has(account);
    out.push({
      name: `apigateway: account CloudWatch role in ${accountName(account)}`,
      account: accountName(account),
      setting: { ok, why: ok ? 'AWS::ApiGateway::Account sets the CloudWatch role' : 'a stage turns on execution logging but no AWS::ApiGateway::Account sets the CloudWatch role' },
    });
  }
  return out;
}
