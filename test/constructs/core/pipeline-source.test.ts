import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { PipelineSource } from '../../../src';
import { testStack } from '../../helpers/stacks';

const CONNECTION = 'arn:aws:codeconnections:eu-central-1:222222222222:connection/0a1b2c3d-4e5f-6789-abcd-ef0123456789';

describe('PipelineSource', () => {
  test('describes itself', () => {
    const { stack } = testStack();
    expect(PipelineSource.fromConnection({ connectionArn: CONNECTION, owner: 'vw-mlops', repository: 'churn-model' }).description).toBe('vw-mlops/churn-model@main');
    expect(PipelineSource.fromS3(s3.Bucket.fromBucketName(stack, 'B', 'sources'), 'use-cases/churn.zip').description).toBe('s3://sources/use-cases/churn.zip');
  });

  test.each([
    [{ connectionArn: 'arn:aws:codecommit:eu-central-1:222222222222:repo' }, /PipelineSource.fromConnection: connectionArn "arn:aws:codecommit:eu-central-1:222222222222:repo" is not a connection ARN/],
    [{ owner: 'vw mlops' }, /PipelineSource.fromConnection: owner "vw mlops" is not a repository owner name/],
    [{ owner: undefined }, /PipelineSource.fromConnection: owner undefined is not a repository owner name/],
    [{ branch: 'release 1' }, /PipelineSource.fromConnection: branch "release 1" is not a branch name/],
    [{ branch: ' ' }, /PipelineSource.fromConnection: branch " " is not a branch name/],
  ])('refuses a bad connection source: %j', (overrides, message) => {
    expect(() => PipelineSource.fromConnection({ connectionArn: CONNECTION, owner: 'vw-mlops', repository: 'churn-model', ...overrides } as any)).toThrow(message);
  });

  test('a connection source lets the pipeline role use the connection under the CodeConnections prefix too', () => {
    const { stack } = testStack();
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('codepipeline.amazonaws.com') });
    const action = PipelineSource.fromConnection({ connectionArn: CONNECTION, owner: 'vw-mlops', repository: 'churn-model', branch: 'release' })._bind(new codepipeline.Artifact('Source'), role);
    expect(action.actionProperties.actionName).toBe('Source');
    const document = stack.resolve((role.node.findChild('DefaultPolicy') as iam.Policy).document);
    expect(document.Statement).toEqual([{ Effect: 'Allow', Action: 'codeconnections:UseConnection', Resource: CONNECTION }]);
  });
});
