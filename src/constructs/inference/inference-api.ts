import * as fs from 'fs';
import * as path from 'path';
import { Annotations, Duration, Names, Stack, Token } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { InferenceApiAuth } from './inference-auth';
import { InferenceApiFirewall } from './inference-firewall';
import { ManagedRulesWebAcl } from './managed-rules-web-acl';
import { acknowledgeRules } from '../core/acknowledge';
import { skipCheckovChecks } from '../core/checkov';
import { EncryptedLogGroup } from '../core/encrypted-log-group';
import { accountScopedServicePrincipal } from '../core/service-trust';

/** SageMaker endpoint names: letters, digits and hyphens inside, at most 63. */
const ENDPOINT_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;
/** API Gateway stage names. */
const STAGE_NAME = /^[a-zA-Z0-9_]{1,128}$/;
/** The largest integration timeout of a REST API without a quota increase. */
const MAX_INTEGRATION_TIMEOUT_MS = 29_000;
/** The smallest integration timeout of a REST API. */
const MIN_INTEGRATION_TIMEOUT_MS = 50;
/** How long before the Lambda timeout the handler stops waiting for SageMaker and answers 504. */
const DEADLINE_MARGIN_MS = 1_000;
/** The media types the API accepts (the handler refuses others with 415). */
const CONTENT_TYPES = ['application/json', 'text/csv'];
/** The bundled handler, relative to this file in both `src/constructs/inference` and `lib/constructs/inference`. */
const HANDLER_ASSET = path.join(__dirname, '..', '..', '..', 'assets', 'runtime', 'handlers', 'invoke-endpoint');

/**
 * Where an `InferenceApi` can be reached.
 */
export enum InferenceApiEndpointType {
  /** A regional endpoint, reachable over the internet (with TLS 1.2 at least), behind a web ACL by default. */
  REGIONAL = 'REGIONAL',
  /** A private endpoint, reachable only through the given interface VPC endpoints of `execute-api`. */
  PRIVATE = 'PRIVATE',
}

/**
 * Props of an `InferenceApi`.
 */
export interface InferenceApiProps {
  /**
   * The SageMaker real-time endpoint that serves the predictions (in this stack's account and region).
   */
  readonly endpointName: string;

  /**
   * The endpoint's ARN, when it cannot be derived from `endpointName` (a name that is a token with
   * upper-case letters: SageMaker writes endpoint ARNs in lower case).
   * @default - arn:<partition>:sagemaker:<region>:<account>:endpoint/<endpointName in lower case>
   */
  readonly endpointArn?: string;

  /**
   * The customer-managed key of the function's environment and of every log group (access logs, the
   * function's logs, the web ACL's logs).
   */
  readonly encryptionKey: kms.IKey;

  /**
   * The VPC of the function. It reaches SageMaker Runtime through its `sagemaker.runtime` interface
   * endpoint (or a NAT), over HTTPS.
   */
  readonly vpc: ec2.IVpc;

  /**
   * The subnets of the function.
   * @default - the isolated subnets of the VPC
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * The security groups of the function.
   * @default - a security group of its own that allows only HTTPS (443) out to the VPC's CIDR range
   */
  readonly securityGroups?: ec2.ISecurityGroup[];

  /**
   * How callers authenticate.
   * @default InferenceApiAuth.iam()
   */
  readonly auth?: InferenceApiAuth;

  /**
   * Where the API can be reached.
   * @default InferenceApiEndpointType.REGIONAL
   */
  readonly endpointType?: InferenceApiEndpointType;

  /**
   * The interface VPC endpoints (`com.amazonaws.<region>.execute-api`) through which a PRIVATE API is
   * reached; the resource policy denies every request that does not come through one of them
   * (`aws:SourceVpce`). Required for, and only for, `InferenceApiEndpointType.PRIVATE`.
   * @default - none (REGIONAL)
   */
  readonly vpcEndpoints?: ec2.IVpcEndpoint[];

  /**
   * The AWS WAF web ACL of the stage.
   * @default - REGIONAL: `InferenceApiFirewall.managedRules()`; PRIVATE: none (reachable only through the VPC endpoints)
   */
  readonly firewall?: InferenceApiFirewall;

  /**
   * The stage name (letters, digits, underscores).
   * @default 'v1'
   */
  readonly stageName?: string;

  /**
   * The throttling of every method of the stage, over all callers (requests per second and burst).
   * @default - rateLimit 50, burstLimit 100
   */
  readonly throttle?: apigw.ThrottleSettings;

  /**
   * Whether callers must send an API key (`x-api-key`) of the usage plan. API Gateway applies
   * usage-plan quotas and per-key throttling only to requests that carry a key, whatever the
   * authorization, so the key is what makes `quota` effective: it identifies the client for metering,
   * it never replaces the authorization (IAM or Cognito). Set `false` for an API without quotas (only the
   * stage throttling applies then); `quota` must then be left out.
   * @default true
   */
  readonly apiKeyRequired?: boolean;

  /**
   * The request quota of every API key of the usage plan.
   * @default - 100000 requests per day (only with `apiKeyRequired`)
   */
  readonly quota?: apigw.QuotaSettings;

  /**
   * The JSON schema (draft 4) of `application/json` request bodies, checked by API Gateway before the
   * function runs. `text/csv` bodies are checked by the function (UTF-8, not blank, size).
   * @default - a non-empty JSON object or array
   */
  readonly requestSchema?: apigw.JsonSchema;

  /**
   * The function's timeout: below `integrationTimeout`, so that the function always answers (with 504
   * `TIMEOUT` at worst, 1 s before its own timeout) before API Gateway gives up.
   * @default Duration.seconds(25)
   */
  readonly handlerTimeout?: Duration;

  /**
   * How long API Gateway waits for the function (50 ms to 29 s).
   * @default Duration.seconds(29)
   */
  readonly integrationTimeout?: Duration;

  /**
   * The function's memory in MiB (128 to 10240).
   * @default 512
   */
  readonly memorySize?: number;

  /**
   * Concurrency reserved for (and limiting) the function.
   * @default - none: the stage throttling bounds the load
   */
  readonly reservedConcurrentExecutions?: number;

  /**
   * How many times the function calls InvokeEndpoint for one request at most (1 to 3): retries on
   * throttling, service faults and ModelNotReadyException, never on model errors, all within the
   * deadline.
   * @default 2
   */
  readonly maxAttempts?: number;

  /**
   * How long the log groups keep their events.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * The permissions boundary of the function's role.
   * @default - none
   */
  readonly permissionsBoundary?: iam.IManagedPolicy;

  /**
   * The name of the REST API.
   * @default - the construct path
   */
  readonly apiName?: string;
}

/**
 * A secure HTTPS API in front of one SageMaker real-time endpoint: `POST /invocations` on an API Gateway
 * REST API, served by a Lambda function in the VPC that calls SageMaker Runtime `InvokeEndpoint`.
 *
 * - Authorization: IAM (SigV4) by default, or a Cognito user pool; an API key of the usage plan is
 *   required by default so that the quota applies.
 * - Request validation (a JSON schema for `application/json`; the Content-Type header is required),
 *   stage throttling, a usage plan with a quota.
 * - Access logs in JSON to a KMS-encrypted log group, execution logging (INFO, without bodies),
 *   X-Ray tracing of the stage and the function, minimum TLS 1.2.
 * - REGIONAL behind a WAF web ACL (created with AWS managed rules, or given), or PRIVATE reachable only
 *   through given VPC endpoints.
 * - The function: Node.js 22, in the VPC with HTTPS-only egress, KMS-encrypted environment, X-Ray,
 *   logs to a KMS-encrypted log group, a role that may only `sagemaker:InvokeEndpoint` the one endpoint.
 *   Its timeout is below the integration timeout, and it stops waiting for SageMaker 1 s before its
 *   own timeout, so every failure reaches the caller as JSON `{"error": {"code", "message", "requestId"}}`.
 *   It is invoked synchronously, so a dead-letter queue would never receive anything: there is none.
 *
 * Execution logging needs the account's API Gateway CloudWatch Logs role (one per account and region,
 * set by the platform baseline); this construct does not create it.
 *
 * @example
 * const api = new InferenceApi(this, 'ChurnApi', {
 *   endpointName: 'churn-prod',
 *   encryptionKey: key,
 *   vpc,
 * });
 * api.grantInvoke(consumerRole);
 */
export class InferenceApi extends Construct {
  /** The REST API. */
  public readonly api: apigw.RestApi;
  /** The stage. */
  public readonly stage: apigw.Stage;
  /** The `POST /invocations` method. */
  public readonly method: apigw.Method;
  /** The function that calls the endpoint. */
  public readonly handler: lambda.Function;
  /** The function's role. */
  public readonly handlerRole: iam.IRole;
  /** The function's security groups. */
  public readonly securityGroups: ec2.ISecurityGroup[];
  /** The log group of the access logs. */
  public readonly accessLogGroup: logs.ILogGroup;
  /** The log group of the function. */
  public readonly handlerLogGroup: logs.ILogGroup;
  /** The usage plan (when `apiKeyRequired`). */
  public readonly usagePlan?: apigw.UsagePlan;
  /**
   * The API key created for the usage plan (when `apiKeyRequired`); its value is generated by API
   * Gateway (`aws apigateway get-api-key --api-key <id> --include-value`). Give each consuming
   * application its own key with `usagePlan.addApiKey`, so that quotas apply per consumer.
   */
  public readonly apiKey?: apigw.IApiKey;
  /** The web ACL associated with the stage, if any. */
  public readonly webAclArn?: string;
  /** The URL of `POST /invocations`. */
  public readonly invocationsUrl: string;
  /** The SageMaker endpoint's ARN. */
  public readonly endpointArn: string;

  /**
   * @param scope the parent construct
   * @param id the construct id
   * @param props the API's settings
   */
  constructor(scope: Construct, id: string, props: InferenceApiProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const auth = props.auth ?? InferenceApiAuth.iam();
    const endpointType = props.endpointType ?? InferenceApiEndpointType.REGIONAL;
    const stageName = props.stageName ?? 'v1';
    const apiKeyRequired = props.apiKeyRequired ?? true;
    const handlerTimeout = props.handlerTimeout ?? Duration.seconds(25);
    const integrationTimeout = props.integrationTimeout ?? Duration.seconds(29);
    const throttle = { rateLimit: props.throttle?.rateLimit ?? 50, burstLimit: props.throttle?.burstLimit ?? 100 };
    const memorySize = props.memorySize ?? 512;
    const maxAttempts = props.maxAttempts ?? 2;
    const retention = props.logRetention ?? logs.RetentionDays.ONE_YEAR;
    validate(this, props, { endpointType, stageName, apiKeyRequired, handlerTimeout, integrationTimeout, throttle, memorySize, maxAttempts });
    const firewall =
      props.firewall ??
      (endpointType === InferenceApiEndpointType.PRIVATE
        ? InferenceApiFirewall.none(
          'PRIVATE endpoint: reachable only through the listed execute-api VPC endpoints (resource policy on aws:SourceVpce), never from the internet.',
        )
        : InferenceApiFirewall.managedRules({ logRetention: retention }));

    this.endpointArn =
      props.endpointArn ??
      stack.formatArn({
        service: 'sagemaker',
        resource: 'endpoint',
        resourceName: Token.isUnresolved(props.endpointName) ? props.endpointName : props.endpointName.toLowerCase(),
      });

    // ---------------------------------------------------------------- the function
    this.handlerLogGroup = new EncryptedLogGroup(this, 'HandlerLogs', { encryptionKey: props.encryptionKey, retention }).logGroup;
    this.securityGroups = props.securityGroups ?? [this.createSecurityGroup(props.vpc)];
    const role = new iam.Role(this, 'HandlerRole', {
      assumedBy: accountScopedServicePrincipal(this, 'lambda.amazonaws.com'),
      description: `Invokes the SageMaker endpoint ${props.endpointName} for the inference API ${this.node.path}`,
      permissionsBoundary: props.permissionsBoundary,
    });
    const invokePolicy = new iam.ManagedPolicy(this, 'InvokePolicy', {
      description: 'Inference API function: invoke its one SageMaker endpoint, write its own log group',
      roles: [role],
      statements: [
        new iam.PolicyStatement({ sid: 'InvokeTheEndpoint', actions: ['sagemaker:InvokeEndpoint'], resources: [this.endpointArn] }),
        new iam.PolicyStatement({
          sid: 'WriteItsLogGroup',
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          resources: [this.handlerLogGroup.logGroupArn],
        }),
      ],
    });
    const runtimePolicy = new iam.ManagedPolicy(this, 'VpcAndTracingPolicy', {
      description: 'Inference API function: network interfaces in the VPC, X-Ray trace segments',
      roles: [role],
      statements: [
        new iam.PolicyStatement({
          sid: 'NetworkInterfacesInTheVpc',
          actions: [
            'ec2:CreateNetworkInterface',
            'ec2:DescribeNetworkInterfaces',
            'ec2:DescribeSubnets',
            'ec2:DeleteNetworkInterface',
            'ec2:AssignPrivateIpAddresses',
            'ec2:UnassignPrivateIpAddresses',
          ],
          resources: ['*'],
        }),
        new iam.PolicyStatement({ sid: 'XRayTraces', actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], resources: ['*'] }),
      ],
    });
    acknowledgeRules(runtimePolicy, {
      'AwsSolutions-IAM5[Resource::*]':
        'Lambda creates and describes the network interfaces of a VPC function before they exist (no ARN to name), and X-Ray PutTraceSegments/PutTelemetryRecords support no resource-level permissions.',
    });
    skipCheckovChecks(runtimePolicy, {
      CKV_AWS_111:
        'Lambda creates, deletes and assigns addresses to the network interfaces of this VPC function itself; they do not exist before the function does, so there is no ARN to name (the function\'s role is assumable by Lambda only).',
    });
    // the function must not add statements of its own (an inline default policy): everything it needs is above
    this.handlerRole = role.withoutPolicyUpdates();

    this.handler = new lambda.Function(this, 'Handler', {
      description: `POST /invocations of ${this.node.path}: SageMaker Runtime InvokeEndpoint ${props.endpointName}`,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      code: lambda.Code.fromAsset(handlerAssetPath()),
      handler: 'index.handler',
      memorySize,
      timeout: handlerTimeout,
      role: this.handlerRole,
      environment: {
        ENDPOINT_NAME: props.endpointName,
        MAX_ATTEMPTS: String(maxAttempts),
        DEADLINE_MARGIN_MS: String(DEADLINE_MARGIN_MS),
        CONTENT_TYPES: CONTENT_TYPES.join(','),
      },
      environmentEncryption: props.encryptionKey,
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      securityGroups: this.securityGroups,
      tracing: lambda.Tracing.ACTIVE,
      logGroup: this.handlerLogGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      applicationLogLevelV2: lambda.ApplicationLogLevel.INFO,
      systemLogLevelV2: lambda.SystemLogLevel.WARN,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
    });
    // the role must have its permissions (network interfaces above all) before the function is created
    this.handler.node.addDependency(invokePolicy, runtimePolicy);
    acknowledgeRules(this.handler, {
      'AwsSolutions-L1':
        'Node.js 22 is the runtime the bundled handler is built for (esbuild target node20) and tested on; moving to a newer runtime is a tested release of this library.',
      'NIST.800.53.R5-LambdaDLQ':
        'API Gateway invokes this function synchronously and returns every failure to the caller as an HTTP error; a DLQ only ever receives asynchronous invocations.',
      'HIPAA.Security-LambdaDLQ':
        'API Gateway invokes this function synchronously and returns every failure to the caller as an HTTP error; a DLQ only ever receives asynchronous invocations.',
    });
    skipCheckovChecks(this.handler, {
      CKV_AWS_116:
        'API Gateway invokes this function synchronously and returns every failure to the caller as an HTTP error; a DLQ only ever receives asynchronous invocations.',
    });
    if (props.reservedConcurrentExecutions === undefined) {
      const why =
        'Concurrency is bounded upstream by the stage method throttling (rate and burst) and the usage plan; set reservedConcurrentExecutions to also cap the function.';
      acknowledgeRules(this.handler, { 'NIST.800.53.R5-LambdaConcurrency': why, 'HIPAA.Security-LambdaConcurrency': why });
      skipCheckovChecks(this.handler, { CKV_AWS_115: why });
    }

    // ---------------------------------------------------------------- the API
    this.accessLogGroup = new EncryptedLogGroup(this, 'AccessLogs', { encryptionKey: props.encryptionKey, retention }).logGroup;
    this.api = new apigw.RestApi(this, 'Api', {
      restApiName: props.apiName ?? this.node.path.replace(/\//g, '-'),
      description: `Inference API of the SageMaker endpoint ${props.endpointName}`,
      endpointConfiguration: {
        types: [endpointType === InferenceApiEndpointType.PRIVATE ? apigw.EndpointType.PRIVATE : apigw.EndpointType.REGIONAL],
        vpcEndpoints: props.vpcEndpoints,
      },
      policy: endpointType === InferenceApiEndpointType.PRIVATE ? privateApiPolicy(auth, props.vpcEndpoints ?? []) : undefined,
      cloudWatchRole: false,
      deploy: true,
      deployOptions: {
        stageName,
        description: `Stage ${stageName} of the inference API`,
        tracingEnabled: true,
        loggingLevel: apigw.MethodLoggingLevel.INFO,
        dataTraceEnabled: false,
        metricsEnabled: true,
        throttlingRateLimit: throttle.rateLimit,
        throttlingBurstLimit: throttle.burstLimit,
        accessLogDestination: new apigw.LogGroupLogDestination(this.accessLogGroup),
        accessLogFormat: apigw.AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
      },
    });
    // minimum TLS 1.2 on the API's own (execute-api) endpoint
    (this.api.node.defaultChild as apigw.CfnRestApi).securityPolicy = 'TLS_1_2';
    this.stage = this.api.deploymentStage;
    gatewayResponses(this.api);

    const validator = this.api.addRequestValidator('BodyAndHeadersValidator', {
      requestValidatorName: 'body-and-headers',
      validateRequestBody: true,
      validateRequestParameters: true,
    });
    const model = this.api.addModel('InvocationRequest', {
      contentType: 'application/json',
      description: 'The JSON body of POST /invocations',
      schema: props.requestSchema ?? DEFAULT_SCHEMA,
    });
    const invocations = this.api.root.addResource('invocations');
    const authorizer =
      auth.authorizationType === apigw.AuthorizationType.COGNITO
        ? new apigw.CognitoUserPoolsAuthorizer(this, 'Authorizer', { cognitoUserPools: [auth.userPool!], resultsCacheTtl: Duration.minutes(5) })
        : undefined;
    this.method = invocations.addMethod(
      'POST',
      new apigw.LambdaIntegration(this.handler, { proxy: true, allowTestInvoke: false, timeout: integrationTimeout }),
      {
        authorizationType: auth.authorizationType,
        authorizer,
        authorizationScopes: auth.scopes,
        apiKeyRequired,
        requestValidator: validator,
        requestModels: { 'application/json': model },
        requestParameters: { 'method.request.header.Content-Type': true },
      },
    );
    this.invocationsUrl = this.stage.urlForPath('/invocations');

    // ---------------------------------------------------------------- usage plan and API key
    if (apiKeyRequired) {
      this.usagePlan = this.api.addUsagePlan('UsagePlan', {
        name: `${this.api.restApiName}-plan`,
        description: 'Per-API-key quota and throttling of the inference API',
        throttle,
        quota: props.quota ?? { limit: 100_000, period: apigw.Period.DAY },
        apiStages: [{ api: this.api, stage: this.stage }],
      });
      this.apiKey = new apigw.ApiKey(this, 'ApiKey', { description: `First API key of ${this.node.path}`, enabled: true });
      this.usagePlan.addApiKey(this.apiKey);
    }

    // ---------------------------------------------------------------- web ACL
    if (firewall.kind === 'existing') {
      this.webAclArn = firewall.webAclArn;
    } else if (firewall.kind === 'managed') {
      this.webAclArn = new ManagedRulesWebAcl(this, 'Firewall', {
        encryptionKey: props.encryptionKey,
        rateLimitPerIp: firewall.rateLimitPerIp!,
        logRetention: firewall.logRetention!,
        metricPrefix: Names.uniqueResourceName(this, { maxLength: 64, separator: '-' }),
      }).webAcl.attrArn;
    } else {
      acknowledgeRules(this.stage, { 'AwsSolutions-APIG3': firewall.reason!, 'NIST.800.53.R5-APIGWAssociatedWithWAF': firewall.reason! });
    }
    if (this.webAclArn !== undefined) {
      new wafv2.CfnWebACLAssociation(this, 'WebAclAssociation', { resourceArn: this.stage.stageArn, webAclArn: this.webAclArn });
    }

    // ---------------------------------------------------------------- what cdk-nag cannot see
    const stageAcks: Record<string, string> = {
      'NIST.800.53.R5-APIGWCacheEnabledAndEncrypted':
        'Predictions depend on the POST body, which the API Gateway cache cannot key on: a cache would answer one caller with the prediction for another.',
      'HIPAA.Security-APIGWCacheEnabledAndEncrypted':
        'Predictions depend on the POST body, which the API Gateway cache cannot key on: a cache would answer one caller with the prediction for another.',
      'NIST.800.53.R5-APIGWSSLEnabled':
        'The only integration is a Lambda function called over the AWS API with SigV4; backend client certificates apply to HTTP integrations only.',
      'HIPAA.Security-APIGWSSLEnabled':
        'The only integration is a Lambda function called over the AWS API with SigV4; backend client certificates apply to HTTP integrations only.',
    };
    acknowledgeRules(this.stage, stageAcks);
    skipCheckovChecks(this.stage, { CKV_AWS_120: stageAcks['NIST.800.53.R5-APIGWCacheEnabledAndEncrypted'] });
    if (auth.authorizationType === apigw.AuthorizationType.IAM) {
      acknowledgeRules(this.method, {
        'AwsSolutions-COG4':
          'The method uses IAM (SigV4) authorization: its callers are AWS principals of the platform, which a Cognito user pool would not know.',
      });
    }
  }

  /**
   * Lets a principal call `POST /invocations` of this stage (`execute-api:Invoke`); what IAM
   * authorization checks. (With Cognito authorization the token decides, not IAM.)
   * @param grantee the principal
   */
  public grantInvoke(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['execute-api:Invoke'],
      resourceArns: [this.api.arnForExecuteApi('POST', '/invocations', this.stage.stageName)],
    });
  }

  private createSecurityGroup(vpc: ec2.IVpc): ec2.SecurityGroup {
    const sg = new ec2.SecurityGroup(this, 'HandlerSecurityGroup', {
      vpc,
      description: 'Inference API function: HTTPS out to the VPC (SageMaker Runtime interface endpoint) only',
      allowAllOutbound: false,
    });
    sg.addEgressRule(ec2.Peer.ipv4(vpc.vpcCidrBlock), ec2.Port.tcp(443), 'HTTPS to the VPC interface endpoints (sagemaker.runtime)');
    return sg;
  }
}

/** The default schema of a JSON body: a non-empty object or array. */
const DEFAULT_SCHEMA: apigw.JsonSchema = {
  schema: apigw.JsonSchemaVersion.DRAFT4,
  title: 'InvocationRequest',
  description: 'A non-empty JSON object or array, passed to the model as it is',
  type: [apigw.JsonSchemaType.OBJECT, apigw.JsonSchemaType.ARRAY],
  minProperties: 1,
  minItems: 1,
};

/** The JSON access-log format: who called, what happened, how long it took. */
const ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  extendedRequestId: '$context.extendedRequestId',
  requestTime: '$context.requestTime',
  httpMethod: '$context.httpMethod',
  resourcePath: '$context.resourcePath',
  protocol: '$context.protocol',
  status: '$context.status',
  responseLength: '$context.responseLength',
  responseLatency: '$context.responseLatency',
  integrationStatus: '$context.integration.status',
  integrationLatency: '$context.integration.latency',
  integrationError: '$context.integration.error',
  errorType: '$context.error.responseType',
  errorMessage: '$context.error.message',
  sourceIp: '$context.identity.sourceIp',
  userAgent: '$context.identity.userAgent',
  caller: '$context.identity.caller',
  userArn: '$context.identity.userArn',
  cognitoSubject: '$context.authorizer.claims.sub',
  apiKeyId: '$context.identity.apiKeyId',
  vpceId: '$context.identity.vpceId',
  wafResponseCode: '$context.wafResponseCode',
  tlsVersion: '$context.tlsVersion',
  xrayTraceId: '$context.xrayTraceId',
};

/** The error body of API Gateway's own answers, the same shape as the function's. */
const ERROR_TEMPLATE = '{"error":{"code":"$context.error.responseType","message":$context.error.messageString,"requestId":"$context.requestId"}}';

function gatewayResponses(api: apigw.RestApi): void {
  const headers = { 'Cache-Control': "'no-store'", 'X-Content-Type-Options': "'nosniff'" };
  for (const [id, type] of [
    ['Default4xx', apigw.ResponseType.DEFAULT_4XX],
    ['Default5xx', apigw.ResponseType.DEFAULT_5XX],
  ] as const) {
    api.addGatewayResponse(id, { type, responseHeaders: headers, templates: { 'application/json': ERROR_TEMPLATE } });
  }
}

function privateApiPolicy(auth: InferenceApiAuth, endpoints: ec2.IVpcEndpoint[]): iam.PolicyDocument {
  const resources = ['execute-api:/*'];
  // IAM: callers of this account only (their identity policies decide); Cognito: the token decides
  const principal = auth.authorizationType === apigw.AuthorizationType.IAM ? new iam.AccountRootPrincipal() : new iam.AnyPrincipal();
  return new iam.PolicyDocument({
    statements: [
      new iam.PolicyStatement({ sid: 'AllowInvoke', principals: [principal], actions: ['execute-api:Invoke'], resources }),
      new iam.PolicyStatement({
        sid: 'DenyOutsideTheVpcEndpoints',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['execute-api:Invoke'],
        resources,
        conditions: { StringNotEquals: { 'aws:SourceVpce': endpoints.map((e) => e.vpcEndpointId) } },
      }),
    ],
  });
}

/** The folder of the bundled handler; fails clearly when the runtime was not bundled. */
function handlerAssetPath(): string {
  if (!fs.existsSync(path.join(HANDLER_ASSET, 'index.js'))) {
    throw new Error(
      `InferenceApi: the bundled handler ${path.join(HANDLER_ASSET, 'index.js')} is missing: run "npx projen bundle:runtime" (node scripts/bundle-runtime.mjs) first`,
    );
  }
  return HANDLER_ASSET;
}

interface Resolved {
  readonly endpointType: InferenceApiEndpointType;
  readonly stageName: string;
  readonly apiKeyRequired: boolean;
  readonly handlerTimeout: Duration;
  readonly integrationTimeout: Duration;
  readonly throttle: { rateLimit: number; burstLimit: number };
  readonly memorySize: number;
  readonly maxAttempts: number;
}

function validate(scope: Construct, props: InferenceApiProps, r: Resolved): void {
  const fail = (message: string): never => {
    throw new Error(`InferenceApi: ${message}`);
  };
  const name = props.endpointName;
  if (!Token.isUnresolved(name) && !ENDPOINT_NAME.test(name)) {
    fail(`endpointName ${JSON.stringify(name)} is not a SageMaker endpoint name: 1 to 63 letters, digits and hyphens, starting and ending with a letter or digit`);
  }
  if (props.endpointArn !== undefined && !Token.isUnresolved(props.endpointArn) && !/^arn:aws[a-z-]*:sagemaker:[a-z0-9-]+:\d{12}:endpoint\/[a-z0-9-]+$/.test(props.endpointArn)) {
    fail(`endpointArn ${JSON.stringify(props.endpointArn)} is not a SageMaker endpoint ARN (arn:aws:sagemaker:<region>:<account>:endpoint/<name in lower case>)`);
  }
  if (!STAGE_NAME.test(r.stageName)) fail(`stageName ${JSON.stringify(r.stageName)} must be 1 to 128 letters, digits or underscores`);

  if (r.endpointType === InferenceApiEndpointType.PRIVATE) {
    if (!props.vpcEndpoints || props.vpcEndpoints.length === 0) {
      fail('a PRIVATE API needs vpcEndpoints: the execute-api interface VPC endpoints it may be called through (its resource policy denies all others)');
    }
  } else if (props.vpcEndpoints && props.vpcEndpoints.length > 0) {
    fail('vpcEndpoints are only for endpointType PRIVATE; a REGIONAL API is reached through its public endpoint');
  }

  const handlerMs = r.handlerTimeout.toMilliseconds();
  const integrationMs = r.integrationTimeout.toMilliseconds();
  if (integrationMs < MIN_INTEGRATION_TIMEOUT_MS || integrationMs > MAX_INTEGRATION_TIMEOUT_MS) {
    fail(`integrationTimeout must be from 50 ms to 29 s (the limit of a REST API integration), got ${r.integrationTimeout.toHumanString()}`);
  }
  if (handlerMs % 1000 !== 0 || handlerMs < 2_000) {
    fail(`handlerTimeout must be whole seconds and at least 2 s (the handler keeps ${DEADLINE_MARGIN_MS} ms to answer), got ${r.handlerTimeout.toHumanString()}`);
  }
  if (handlerMs >= integrationMs) {
    fail(
      `handlerTimeout (${r.handlerTimeout.toHumanString()}) must be below integrationTimeout (${r.integrationTimeout.toHumanString()}), ` +
        'or API Gateway gives up first and the caller gets its bare 504 instead of the JSON error: lower handlerTimeout',
    );
  }

  const { rateLimit, burstLimit } = r.throttle;
  if (!Token.isUnresolved(rateLimit) && (!(rateLimit > 0) || rateLimit > 10_000)) fail(`throttle.rateLimit must be above 0 and at most 10000 requests per second, got ${rateLimit}`);
  if (!Token.isUnresolved(burstLimit) && (!Number.isInteger(burstLimit) || burstLimit < 1 || burstLimit > 5_000)) {
    fail(`throttle.burstLimit must be an integer from 1 to 5000, got ${burstLimit}`);
  }

  if (!r.apiKeyRequired && props.quota !== undefined) {
    fail('quota needs apiKeyRequired: API Gateway applies usage-plan quotas only to requests that carry an API key; remove quota or leave apiKeyRequired on');
  }
  if (props.quota !== undefined) {
    const limit = props.quota.limit;
    if (limit === undefined || (!Token.isUnresolved(limit) && (!Number.isInteger(limit) || limit < 1))) fail(`quota.limit must be a positive integer, got ${limit}`);
    if (props.quota.period === undefined) fail('quota.period is required (DAY, WEEK or MONTH)');
  }

  if (!Token.isUnresolved(r.memorySize) && (!Number.isInteger(r.memorySize) || r.memorySize < 128 || r.memorySize > 10_240)) {
    fail(`memorySize must be an integer from 128 to 10240 MiB, got ${r.memorySize}`);
  }
  if (!Number.isInteger(r.maxAttempts) || r.maxAttempts < 1 || r.maxAttempts > 3) fail(`maxAttempts must be 1, 2 or 3, got ${r.maxAttempts}`);
  const rc = props.reservedConcurrentExecutions;
  if (rc !== undefined && !Token.isUnresolved(rc) && (!Number.isInteger(rc) || rc < 1)) {
    fail(`reservedConcurrentExecutions must be a positive integer (0 would stop the function), got ${rc}`);
  }
  if (handlerMs >= integrationMs - 1_000 && handlerMs < integrationMs) {
    // allowed, but a cold start may eat the last second
    Annotations.of(scope).addWarningV2(
      '@vw/mlops-blueprint:inferenceTimeouts',
      `InferenceApi: handlerTimeout ${r.handlerTimeout.toHumanString()} leaves less than 1 s before the integration timeout; a cold start can make API Gateway time out first`,
    );
  }
}
