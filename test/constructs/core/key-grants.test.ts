import { Annotations as CoreAnnotations } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { BatchInference, EncryptedLogGroup, EndpointInstanceType, EndpointModelSource, RealtimeEndpoint } from '../../../src';
import { isSameKey } from '../../../src/constructs/core/key-grants';
import { isolatedNetwork } from '../../helpers/network';
import { testStack } from '../../helpers/stacks';

const IMPORTED_KEY = 'arn:aws:kms:eu-central-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab';

describe('a service grant on an imported key is not silently dropped', () => {
  test('EncryptedLogGroup warns that the key owner must allow CloudWatch Logs, naming encryptionKey and the condition', () => {
    const { stack } = testStack();
    new EncryptedLogGroup(stack, 'Logs', { encryptionKey: kms.Key.fromKeyArn(stack, 'Imported', IMPORTED_KEY) });
    const warnings = Annotations.fromStack(stack).findWarning('/Test/Logs', Match.anyValue());
    expect(warnings.map((w) => w.entry.data)).toEqual([
      'encryptionKey is an imported key, whose policy cannot be changed here: its owner must allow logs.eu-central-1.amazonaws.com ' +
        'kms:Encrypt*, kms:Decrypt*, kms:ReEncrypt*, kms:GenerateDataKey*, kms:Describe* with the condition ' +
        '{"ArnLike":{"kms:EncryptionContext:aws:logs:arn":"arn:aws:logs:eu-central-1:222222222222:log-group:*"}} in the key policy, ' +
        'or this fails in AWS [ack: @vw/mlops-blueprint:importedKeyNeedsCloudWatchLogs]',
    ]);
  });

  test('with a key of this app the statement is added to its policy and nothing is warned', () => {
    const { stack } = testStack();
    const key = new kms.Key(stack, 'Key');
    new EncryptedLogGroup(stack, 'Logs', { encryptionKey: key });
    expect(Annotations.fromStack(stack).findWarning('*', Match.anyValue())).toEqual([]);
    Template.fromStack(stack).hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'AllowCloudWatchLogsOfThisAccount', Principal: { Service: 'logs.eu-central-1.amazonaws.com' } })]) },
    });
  });

  test('RealtimeEndpoint on an imported key warns for its log group and its alarm topic; acknowledging silences them', () => {
    const { stack } = testStack();
    const { vpc } = isolatedNetwork(stack);
    const key = kms.Key.fromKeyArn(stack, 'Imported', IMPORTED_KEY);
    new RealtimeEndpoint(stack, 'Endpoint', {
      endpointName: 'churn-dev',
      modelSource: EndpointModelSource.fromModelPackageArn('arn:aws:sagemaker:eu-central-1:111111111111:model-package/churn/3'),
      instanceType: EndpointInstanceType.ML_M5_XLARGE,
      vpc,
      encryptionKey: key,
    });
    const ids = Annotations.fromStack(stack)
      .findWarning('*', Match.stringLikeRegexp('^encryptionKey is an imported key'))
      .map((w) => [w.id, /\[ack: (.*)\]$/.exec(w.entry.data as string)![1]]);
    expect(ids).toEqual([
      ['/Test/Endpoint', '@vw/mlops-blueprint:importedKeyNeedsCloudWatchAlarms'],
      ['/Test/Endpoint/Logs', '@vw/mlops-blueprint:importedKeyNeedsCloudWatchLogs'],
    ]);
    for (const [, id] of ids) CoreAnnotations.of(stack).acknowledgeWarning(id, 'the key owner allows it');
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('imported key'))).toEqual([]);
  });

  test('BatchInference on an imported key warns that log delivery must be allowed to decrypt for its encrypted state machine', () => {
    const { stack } = testStack();
    const { vpc } = isolatedNetwork(stack);
    new BatchInference(stack, 'Batch', {
      modelSource: EndpointModelSource.fromModelPackageArn('arn:aws:sagemaker:eu-central-1:111111111111:model-package/churn/3'),
      instanceType: EndpointInstanceType.ML_M5_XLARGE,
      vpc,
      encryptionKey: kms.Key.fromKeyArn(stack, 'Imported', IMPORTED_KEY),
      modelArtifactsBucket: s3.Bucket.fromBucketName(stack, 'Artifacts', 'churn-artifacts'),
      imageRepositoryArns: ['arn:aws:ecr:eu-central-1:333333333333:repository/churn-inference'],
    });
    const warnings = Annotations.fromStack(stack).findWarning('/Test/Batch', Match.stringLikeRegexp('delivery.logs.amazonaws.com'));
    expect(warnings.map((w) => w.entry.data)).toEqual([
      'encryptionKey is an imported key, whose policy cannot be changed here: its owner must allow delivery.logs.amazonaws.com kms:Decrypt ' +
        'with the condition {"StringEquals":{"aws:SourceAccount":"222222222222"}} in the key policy, or this fails in AWS [ack: @vw/mlops-blueprint:importedKeyNeedsLogDelivery]',
    ]);
  });
});

describe('isSameKey', () => {
  test('the same object, two imports of one ARN (also a token), but not two different keys', () => {
    const { stack } = testStack();
    const created = new kms.Key(stack, 'Created', { enableKeyRotation: true });
    const other = new kms.Key(stack, 'Other', { enableKeyRotation: true });
    const a = kms.Key.fromKeyArn(stack, 'A', IMPORTED_KEY);
    const b = kms.Key.fromKeyArn(stack, 'B', IMPORTED_KEY);
    const param = ssm.StringParameter.valueForStringParameter(stack, '/platform/key-arn');
    const c = kms.Key.fromKeyArn(stack, 'C', param);
    const d = kms.Key.fromKeyArn(stack, 'D', param);
    expect(isSameKey(stack, created, created)).toBe(true);
    expect(isSameKey(stack, a, b)).toBe(true);
    expect(isSameKey(stack, c, d)).toBe(true);
    expect(isSameKey(stack, created, other)).toBe(false);
    expect(isSameKey(stack, a, c)).toBe(false);
  });
});
