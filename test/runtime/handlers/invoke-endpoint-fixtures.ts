/** API Gateway proxy events and Lambda contexts for the invoke-endpoint handler tests. */
import type { APIGatewayProxyEvent } from 'aws-lambda';

/** A `POST /invocations` event as API Gateway (REST, Lambda proxy) sends it. */
export function invocationEvent(body: string | null, headers: Record<string, string> = { 'Content-Type': 'application/json' }, extra: Partial<APIGatewayProxyEvent> = {}): APIGatewayProxyEvent {
  return {
    resource: '/invocations',
    path: '/invocations',
    httpMethod: 'POST',
    headers,
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    body,
    isBase64Encoded: false,
    requestContext: {
      accountId: '222222222222',
      apiId: 'abc123defg',
      authorizer: null,
      protocol: 'HTTP/1.1',
      httpMethod: 'POST',
      identity: {} as any,
      path: '/v1/invocations',
      stage: 'v1',
      requestId: 'apigw-request-1',
      requestTimeEpoch: Date.now(),
      resourceId: 'res123',
      resourcePath: '/invocations',
    },
    ...extra,
  };
}

/** A Lambda context whose remaining time counts down from `timeoutMs`. */
export function lambdaContext(timeoutMs = 25_000) {
  const start = Date.now();
  return {
    awsRequestId: 'lambda-request-1',
    getRemainingTimeInMillis: () => Math.max(0, timeoutMs - (Date.now() - start)),
  };
}
