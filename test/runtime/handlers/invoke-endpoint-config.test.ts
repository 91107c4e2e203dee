/** The handler's settings from its environment (what the InferenceApi construct sets), and request limits. */
import { invocationEvent } from './invoke-endpoint-fixtures';
import { configFromEnv, DEFAULT_MAX_BODY_BYTES } from '../../../src/runtime/handlers/invoke-endpoint/config';
import { parseInvocation } from '../../../src/runtime/handlers/invoke-endpoint/request';

describe('configFromEnv', () => {
  test('defaults: 2 attempts, 1000 ms margin, 6 MiB, JSON and CSV', () => {
    expect(configFromEnv({ ENDPOINT_NAME: 'churn-prod' })).toEqual({
      endpointName: 'churn-prod',
      maxAttempts: 2,
      deadlineMarginMs: 1_000,
      maxBodyBytes: DEFAULT_MAX_BODY_BYTES,
      contentTypes: ['application/json', 'text/csv'],
    });
  });

  test('the values the construct sets', () => {
    expect(
      configFromEnv({ ENDPOINT_NAME: 'Churn-Prod', MAX_ATTEMPTS: '3', DEADLINE_MARGIN_MS: '500', MAX_BODY_BYTES: '1024', CONTENT_TYPES: 'application/json, Text/CSV' }),
    ).toEqual({ endpointName: 'Churn-Prod', maxAttempts: 3, deadlineMarginMs: 500, maxBodyBytes: 1024, contentTypes: ['application/json', 'text/csv'] });
  });

  test.each([
    [{}, /ENDPOINT_NAME must be a SageMaker endpoint name/],
    [{ ENDPOINT_NAME: 'bad_name' }, /ENDPOINT_NAME/],
    [{ ENDPOINT_NAME: 'e', MAX_ATTEMPTS: '0' }, /MAX_ATTEMPTS must be an integer from 1 to 3, got "0"/],
    [{ ENDPOINT_NAME: 'e', MAX_ATTEMPTS: 'two' }, /MAX_ATTEMPTS must be an integer/],
    [{ ENDPOINT_NAME: 'e', DEADLINE_MARGIN_MS: '-1' }, /DEADLINE_MARGIN_MS must be an integer from 0 to 60000/],
    [{ ENDPOINT_NAME: 'e', MAX_BODY_BYTES: String(DEFAULT_MAX_BODY_BYTES + 1) }, /MAX_BODY_BYTES must be an integer from 1 to 6291456/],
    [{ ENDPOINT_NAME: 'e', CONTENT_TYPES: ' , ' }, /CONTENT_TYPES must be a comma-separated list of media types/],
    [{ ENDPOINT_NAME: 'e', CONTENT_TYPES: 'json' }, /CONTENT_TYPES/],
  ])('refuses %j', (env, message) => {
    expect(() => configFromEnv(env as NodeJS.ProcessEnv)).toThrow(message);
  });
});

describe('parseInvocation', () => {
  const limits = { contentTypes: ['application/json', 'text/csv'], maxBodyBytes: 1_000 };

  test('Accept: passed on when specific, dropped when */* or empty, refused when not printable or too long', () => {
    expect(parseInvocation(invocationEvent('{}', { 'Content-Type': 'application/json', 'accept': 'text/csv' }), limits).accept).toBe('text/csv');
    expect(parseInvocation(invocationEvent('{}', { 'Content-Type': 'application/json', 'Accept': '*/*' }), limits).accept).toBeUndefined();
    expect(() => parseInvocation(invocationEvent('{}', { 'Content-Type': 'application/json', 'Accept': 'x'.repeat(1_025) }), limits)).toThrow(/Accept header/);
    expect(() => parseInvocation(invocationEvent('{}', { 'Content-Type': 'application/json', 'Accept': 'text/\u00e9' }), limits)).toThrow(/Accept header/);
  });

  test('the media type is sent without parameters, in lower case', () => {
    const r = parseInvocation(invocationEvent('a,b\n', { 'content-type': 'Text/CSV; charset=UTF-8' }), limits);
    expect(r.contentType).toBe('text/csv');
    expect(Buffer.from(r.body).toString()).toBe('a,b\n');
  });

  test('headers may be missing altogether', () => {
    expect(() => parseInvocation({ ...invocationEvent('{}'), headers: null as any }, limits)).toThrow(/Content-Type header is missing/);
  });
});
