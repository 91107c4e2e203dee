import { CfnResource } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { SecureBucket } from '../../../src';
import { checkovSkips, skipCheckovChecks } from '../../../src/constructs/core/checkov';
import { testStack } from '../../helpers/stacks';

const REASON = 'This test resource stands for one whose check cannot apply, said in enough words.';
const OTHER = 'A second reason, long enough to be accepted by the helper that writes the skip.';

function resource() {
  const { stack } = testStack();
  const res = new CfnResource(stack, 'Res', { type: 'AWS::SNS::Topic' });
  const metadataOf = () => Template.fromStack(stack).toJSON().Resources.Res.Metadata;
  return { stack, res, metadataOf };
}

describe('skipCheckovChecks', () => {
  test('writes Metadata.checkov.skip as [{ id, comment }], the form checkov reads', () => {
    const { res, metadataOf } = resource();
    skipCheckovChecks(res, { CKV_AWS_26: REASON, CKV2_AWS_62: `  ${OTHER}  ` });
    expect(metadataOf().checkov).toEqual({ skip: [{ id: 'CKV_AWS_26', comment: REASON }, { id: 'CKV2_AWS_62', comment: OTHER }] });
    expect(checkovSkips(res)).toEqual({ CKV_AWS_26: REASON, CKV2_AWS_62: OTHER });
  });

  test('on an L2 construct, the skip lands on its default child resource', () => {
    const { stack } = testStack();
    const bucket = new s3.Bucket(stack, 'Bucket');
    skipCheckovChecks(bucket, { CKV_AWS_18: REASON });
    const [only] = Object.values(Template.fromStack(stack).findResources('AWS::S3::Bucket')) as any[];
    expect(only.Metadata.checkov).toEqual({ skip: [{ id: 'CKV_AWS_18', comment: REASON }] });
  });

  test('later calls add to the list; the same id again replaces its reason (no duplicates)', () => {
    const { res, metadataOf } = resource();
    skipCheckovChecks(res, { CKV_AWS_26: REASON });
    skipCheckovChecks(res, { CKV_AWS_27: REASON });
    skipCheckovChecks(res, { CKV_AWS_26: OTHER });
    expect(metadataOf().checkov).toEqual({ skip: [{ id: 'CKV_AWS_26', comment: OTHER }, { id: 'CKV_AWS_27', comment: REASON }] });
  });

  test.each([
    ['n/a'],
    ['false positive'],
    ['   does not apply here    '],
    ['x'.repeat(29)],
  ])('refuses the vague or short reason %j, naming the check and the resource', (reason) => {
    const { res } = resource();
    expect(() => skipCheckovChecks(res, { CKV_AWS_26: reason })).toThrow(
      /checkov skip of CKV_AWS_26 at Test\/Res: the reason .* is not specific; say in at least 30 characters why the check does not apply/,
    );
    expect(checkovSkips(res)).toEqual({});
  });

  test.each([['AwsSolutions-S1'], ['ckv_aws_18'], ['CKV_AWS_'], ['CKV_AWS_18 ']])('refuses %j, which is not a checkov check id', (id) => {
    const { res } = resource();
    expect(() => skipCheckovChecks(res, { [id]: REASON })).toThrow(/is not a checkov check id; write it as checkov prints it, e.g. CKV_AWS_18/);
  });

  test('refuses a construct that is no resource and has no resource as its default child', () => {
    const { stack } = testStack();
    const plain = new Construct(stack, 'Plain');
    expect(() => skipCheckovChecks(plain, { CKV_AWS_18: REASON })).toThrow(
      /checkov skip at Test\/Plain: it is not a CloudFormation resource and has no default child resource; pass the CfnResource/,
    );
  });
});

describe('SecureBucket: checkov', () => {
  test('the access-log bucket it creates skips CKV_AWS_18 (it is the log destination); the data bucket skips nothing', () => {
    const { stack } = testStack();
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    const secure = new SecureBucket(stack, 'Artifacts', { encryptionKey: key });
    expect(checkovSkips(secure.accessLogsBucket.node.defaultChild as CfnResource)).toEqual({
      CKV_AWS_18: expect.stringContaining('server-access-log destination'),
    });
    expect(checkovSkips(secure.bucket.node.defaultChild as CfnResource)).toEqual({});
    const t = Template.fromStack(stack);
    const skipped = t.findResources('AWS::S3::Bucket', { Metadata: { checkov: { skip: [{ id: 'CKV_AWS_18', comment: Match.stringLikeRegexp('log destination') }] } } });
    expect(Object.keys(skipped)).toEqual([stack.getLogicalId(secure.accessLogsBucket.node.defaultChild as CfnResource)]);
  });
});
