import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, IConstruct } from 'constructs';

/** The namespace of SageMaker's endpoint invocation metrics. */
const INVOCATION_METRICS_NAMESPACE = 'AWS/SageMaker';

/**
 * Options of the metric methods of a real-time endpoint: CloudWatch's metric options and the production
 * variant (SageMaker publishes invocation metrics per endpoint AND variant, never per endpoint alone).
 */
export interface EndpointMetricOptions extends cloudwatch.MetricOptions {
  /**
   * The production variant whose metric this is.
   * @default - the endpoint's primary variant (for an imported endpoint: the variant given at import,
   * else `AllTraffic`)
   */
  readonly variantName?: string;
}

/**
 * A SageMaker real-time endpoint, created by `RealtimeEndpoint` or imported with
 * `RealtimeEndpoint.fromEndpointName` / `RealtimeEndpoint.fromEndpointAttributes`.
 */
export interface IRealtimeEndpoint extends IConstruct {
  /** The endpoint name. */
  readonly endpointName: string;
  /** The endpoint ARN. */
  readonly endpointArn: string;

  /**
   * Lets a principal invoke the endpoint (`sagemaker:InvokeEndpoint` and the asynchronous and streaming
   * variants) on this endpoint only.
   * @param grantee the principal (a smoke-test role, an application's role)
   */
  grantInvoke(grantee: iam.IGrantable): iam.Grant;

  /**
   * A metric of the endpoint in the `AWS/SageMaker` namespace (dimensions `EndpointName`, `VariantName`).
   * @param metricName the metric name, e.g. `Invocations`
   * @param options statistic, period, variant
   */
  metric(metricName: string, options?: EndpointMetricOptions): cloudwatch.Metric;

  /**
   * The number of invocations (sum over 5 minutes by default).
   * @param options statistic, period, variant
   */
  metricInvocations(options?: EndpointMetricOptions): cloudwatch.Metric;

  /**
   * The time the model took to answer, in microseconds (average over 5 minutes by default).
   * @param options statistic, period, variant
   */
  metricModelLatency(options?: EndpointMetricOptions): cloudwatch.Metric;

  /**
   * Invocations answered with a 5xx status (average, i.e. the rate, over 5 minutes by default).
   * @param options statistic, period, variant
   */
  metricInvocation5XXErrors(options?: EndpointMetricOptions): cloudwatch.Metric;

  /**
   * Invocations that failed in the model (average, i.e. the rate, over 5 minutes by default).
   * @param options statistic, period, variant
   */
  metricInvocationModelErrors(options?: EndpointMetricOptions): cloudwatch.Metric;
}

/**
 * What `RealtimeEndpoint.fromEndpointAttributes` needs of an existing endpoint.
 */
export interface RealtimeEndpointAttributes {
  /** The endpoint name. */
  readonly endpointName: string;
  /**
   * The endpoint ARN.
   * @default - built from the name in the stack's account and region (lower case, as SageMaker writes it)
   */
  readonly endpointArn?: string;
  /**
   * The production variant the metric methods use when they are not given one.
   * @default "AllTraffic"
   */
  readonly variantName?: string;
}

/**
 * The methods every real-time endpoint has, created or imported: the grant and the metrics.
 */
export abstract class RealtimeEndpointBase extends Construct implements IRealtimeEndpoint {
  /** The endpoint name. */
  public abstract readonly endpointName: string;
  /** The endpoint ARN. */
  public abstract readonly endpointArn: string;
  /** The variant the metric methods use when they are not given one. */
  protected abstract readonly defaultMetricVariantName: string;

  /**
   * Lets a principal invoke the endpoint (`sagemaker:InvokeEndpoint` and the asynchronous and
   * streaming variants) on this endpoint only.
   * @param grantee the principal (a smoke-test role, an application's role)
   */
  public grantInvoke(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['sagemaker:InvokeEndpoint', 'sagemaker:InvokeEndpointAsync', 'sagemaker:InvokeEndpointWithResponseStream'],
      resourceArns: [this.endpointArn],
    });
  }

  /**
   * A metric of the endpoint in the `AWS/SageMaker` namespace (dimensions `EndpointName`, `VariantName`).
   * @param metricName the metric name, e.g. `Invocations`
   * @param options statistic, period, variant
   */
  public metric(metricName: string, options: EndpointMetricOptions = {}): cloudwatch.Metric {
    const { variantName, dimensionsMap, ...rest } = options;
    return new cloudwatch.Metric({
      namespace: INVOCATION_METRICS_NAMESPACE,
      metricName,
      period: Duration.minutes(5),
      ...rest,
      dimensionsMap: { ...dimensionsMap, EndpointName: this.endpointName, VariantName: variantName ?? this.defaultMetricVariantName },
    });
  }

  /**
   * The number of invocations (sum over 5 minutes by default).
   * @param options statistic, period, variant
   */
  public metricInvocations(options: EndpointMetricOptions = {}): cloudwatch.Metric {
    return this.metric('Invocations', { statistic: cloudwatch.Stats.SUM, ...options });
  }

  /**
   * The time the model took to answer, in microseconds (average over 5 minutes by default).
   * @param options statistic, period, variant
   */
  public metricModelLatency(options: EndpointMetricOptions = {}): cloudwatch.Metric {
    return this.metric('ModelLatency', { statistic: cloudwatch.Stats.AVERAGE, ...options });
  }

  /**
   * Invocations answered with a 5xx status (average, i.e. the rate, over 5 minutes by default).
   * @param options statistic, period, variant
   */
  public metricInvocation5XXErrors(options: EndpointMetricOptions = {}): cloudwatch.Metric {
    return this.metric('Invocation5XXErrors', { statistic: cloudwatch.Stats.AVERAGE, ...options });
  }

  /**
   * Invocations that failed in the model (average, i.e. the rate, over 5 minutes by default).
   * @param options statistic, period, variant
   */
  public metricInvocationModelErrors(options: EndpointMetricOptions = {}): cloudwatch.Metric {
    return this.metric('InvocationModelErrors', { statistic: cloudwatch.Stats.AVERAGE, ...options });
  }
}
