import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import { EndpointInstanceType, EndpointModelSource, IRealtimeEndpoint, RealtimeEndpoint } from '../../../src';
import { isolatedNetwork } from '../../helpers/network';

const env = { account: '444444444444', region: 'eu-central-1' };

function invokeResources(t: Template): unknown[] {
  const policies = Object.values(t.findResources('AWS::IAM::Policy')) as any[];
  return policies.flatMap((p) => p.Properties.PolicyDocument.Statement)
    .filter((s: any) => [s.Action].flat().includes('sagemaker:InvokeEndpoint'))
    .map((s: any) => s.Resource);
}

describe('IRealtimeEndpoint: importing an endpoint and the metric methods', () => {
  test('an app that imports an endpoint by name and alarms on metricModelLatency() synthesizes', () => {
    const app = new App();
    const stack = new Stack(app, 'Alarms', { env });
    const endpoint: IRealtimeEndpoint = RealtimeEndpoint.fromEndpointName(stack, 'Existing', 'Weld-Gun-PM-prod');
    new cloudwatch.Alarm(stack, 'Latency', {
      metric: endpoint.metricModelLatency({ statistic: cloudwatch.Stats.p(99), period: Duration.minutes(1) }),
      threshold: 200_000,
      evaluationPeriods: 3,
    });
    const role = new iam.Role(stack, 'Caller', { assumedBy: new iam.AccountRootPrincipal() });
    endpoint.grantInvoke(role);

    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SageMaker',
      MetricName: 'ModelLatency',
      ExtendedStatistic: 'p99',
      Period: 60,
      Dimensions: [{ Name: 'EndpointName', Value: 'Weld-Gun-PM-prod' }, { Name: 'VariantName', Value: 'AllTraffic' }],
    });
    // SageMaker writes endpoint names in lower case in ARNs
    expect(invokeResources(t)).toEqual([{
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sagemaker:eu-central-1:444444444444:endpoint/weld-gun-pm-prod']],
    }]);
  });

  test('fromEndpointAttributes takes another account\'s ARN and the variant the metrics use', () => {
    const stack = new Stack(new App(), 'Attrs', { env });
    const arn = 'arn:aws:sagemaker:eu-west-1:555555555555:endpoint/churn';
    const endpoint = RealtimeEndpoint.fromEndpointAttributes(stack, 'Existing', { endpointName: 'churn', endpointArn: arn, variantName: 'Blue' });
    expect(endpoint.endpointArn).toBe(arn);
    const m = endpoint.metricInvocations();
    expect(m.dimensions).toEqual({ EndpointName: 'churn', VariantName: 'Blue' });
    expect(m.statistic).toBe('Sum');
    expect(endpoint.metricInvocation5XXErrors({ variantName: 'Green' }).dimensions).toEqual({ EndpointName: 'churn', VariantName: 'Green' });
    expect(endpoint.metricInvocationModelErrors().metricName).toBe('InvocationModelErrors');
    expect(endpoint.metric('OverheadLatency').period.toMinutes()).toBe(5);
  });

  test('a name SageMaker would refuse is an error that names it', () => {
    const stack = new Stack(new App(), 'Bad', { env });
    expect(() => RealtimeEndpoint.fromEndpointName(stack, 'Existing', 'weld_gun')).toThrow(/endpointName "weld_gun" is not a SageMaker endpoint name/);
  });

  test('a created endpoint\'s metrics default to its primary variant and match its rollback alarm', () => {
    const stack = new Stack(new App(), 'Created', { env });
    const { key, vpc } = isolatedNetwork(stack);
    const endpoint = new RealtimeEndpoint(stack, 'Endpoint', {
      endpointName: 'churn-prod',
      modelSource: EndpointModelSource.fromModelPackageArn('arn:aws:sagemaker:eu-central-1:111111111111:model-package/churn/3'),
      instanceType: EndpointInstanceType.ML_M5_XLARGE,
      vpc,
      encryptionKey: key,
    });
    const latency = endpoint.metricModelLatency();
    expect(latency.dimensions).toEqual({ EndpointName: 'churn-prod', VariantName: endpoint.variantNames[0] });
    expect((endpoint.modelLatencyAlarm.metric as cloudwatch.Metric).dimensions).toEqual(latency.dimensions);
  });
});
