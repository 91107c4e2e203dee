/** The pure parts of the error mapping: safe messages and the mapping of errors without an HTTP response. */
import { looksLikeStackTrace, mapInvokeError, MAX_MESSAGE_LENGTH, safeMessage } from '../../../src/runtime/handlers/invoke-endpoint/errors';

describe('safeMessage', () => {
  test('removes ARNs and account ids, keeps the rest', () => {
    expect(safeMessage('role arn:aws:iam::123456789012:role/x denied in 123456789012', 'f')).toBe('role <arn> denied in <account>');
  });
  test('refuses stack traces of Python, Node.js and Java', () => {
    expect(looksLikeStackTrace('Traceback (most recent call last):\n  File "a.py", line 1, in <module>')).toBe(true);
    expect(looksLikeStackTrace('TypeError: x is undefined\n    at predict (/app/server.js:10:5)\n    at main (/app/server.js:20:3)')).toBe(true);
    expect(looksLikeStackTrace('java.lang.IllegalStateException: bad\n\tat com.acme.Model.predict(Model.java:42)')).toBe(true);
    expect(looksLikeStackTrace('feature "at" is missing at row 3')).toBe(false);
    expect(safeMessage('Error\n    at f (/x.js:1:2)', 'fallback')).toBe('fallback');
  });
  test('truncates long messages, drops control characters, falls back on empty or non-strings', () => {
    const long = safeMessage('x'.repeat(5_000), 'f');
    expect(long).toHaveLength(MAX_MESSAGE_LENGTH);
    expect(long.endsWith('…')).toBe(true);
    expect(safeMessage('a\u0000b\u0007c', 'f')).toBe('abc');
    expect(safeMessage('   ', 'f')).toBe('f');
    expect(safeMessage(undefined, 'f')).toBe('f');
  });
});

describe('mapInvokeError without an HTTP response', () => {
  test('a network error is a 502; anything unknown is a 500 INTERNAL_ERROR', () => {
    expect(mapInvokeError(Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:443'), { code: 'ECONNREFUSED' }))).toMatchObject({ status: 502, code: 'UPSTREAM_ERROR' });
    expect(mapInvokeError(new TypeError('cannot read properties of undefined'))).toMatchObject({ status: 500, code: 'INTERNAL_ERROR', message: 'internal error' });
    expect(mapInvokeError(undefined)).toMatchObject({ status: 500, code: 'INTERNAL_ERROR' });
  });
  test('a ModelError without OriginalStatusCode is a model failure (502)', () => {
    expect(mapInvokeError({ name: 'ModelError', $metadata: { httpStatusCode: 424 } })).toMatchObject({ status: 502, code: 'MODEL_ERROR' });
  });
  test('a container 429 is passed on with Retry-After', () => {
    expect(mapInvokeError({ name: 'ModelError', OriginalStatusCode: 429, OriginalMessage: 'busy', $metadata: { httpStatusCode: 424 } })).toMatchObject({
      status: 429,
      code: 'MODEL_CLIENT_ERROR',
      message: 'busy',
      retryAfterSeconds: 1,
    });
  });
});
