/**
 * The request of `POST /invocations` (a Lambda proxy event of API Gateway REST), checked before anything
 * is sent to SageMaker: a body is present and not larger than the limit, the content type is one the
 * API accepts, a JSON body parses, a CSV body is UTF-8 text.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { InferenceError } from './errors';

/** What is sent to the endpoint. */
export interface InvocationRequest {
  /** The request body, as bytes. */
  readonly body: Uint8Array;
  /** The media type (lowercase, without parameters), e.g. `application/json`. */
  readonly contentType: string;
  /** The Accept header of the caller, when it asks for something specific. */
  readonly accept?: string;
}

/** The request limits. */
export interface RequestLimits {
  /** Media types accepted (lowercase). */
  readonly contentTypes: readonly string[];
  /** The largest body in bytes. */
  readonly maxBodyBytes: number;
}

/** The longest Accept header passed on (SageMaker's limit is 1024 characters). */
const MAX_ACCEPT_LENGTH = 1_024;
/** Printable ASCII, as HTTP header values are. */
const PRINTABLE = /^[\x20-\x7e]*$/;

/** A header of the event, whatever the case of its name. */
export function header(event: Pick<APIGatewayProxyEvent, 'headers'>, name: string): string | undefined {
  const headers = event.headers ?? {};
  const wanted = name.toLowerCase();
  for (const [k, v] of Object.entries(headers)) {
    if (k.toLowerCase() === wanted && typeof v === 'string') return v;
  }
  return undefined;
}

/** The media type of a Content-Type header: lowercase, without parameters (`; charset=...`). */
export function mediaType(value: string): string {
  return value.split(';')[0].trim().toLowerCase();
}

/** The charset parameter of a Content-Type header, lowercase, if any. */
function charset(value: string): string | undefined {
  const m = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(value);
  return m ? m[1].toLowerCase() : undefined;
}

/** Checks the event and returns what to send; throws an InferenceError (400, 413, 415) otherwise. */
export function parseInvocation(event: APIGatewayProxyEvent, limits: RequestLimits): InvocationRequest {
  const rawType = header(event, 'content-type');
  if (rawType === undefined || rawType.trim() === '') {
    throw new InferenceError(415, 'UNSUPPORTED_MEDIA_TYPE', `the Content-Type header is missing: send one of ${limits.contentTypes.join(', ')}`);
  }
  const contentType = mediaType(rawType);
  if (!limits.contentTypes.includes(contentType)) {
    throw new InferenceError(
      415,
      'UNSUPPORTED_MEDIA_TYPE',
      `the content type ${JSON.stringify(contentType.slice(0, 100))} is not accepted: send one of ${limits.contentTypes.join(', ')}`,
    );
  }
  const cs = charset(rawType);
  if (cs !== undefined && cs !== 'utf-8' && cs !== 'utf8') {
    throw new InferenceError(415, 'UNSUPPORTED_MEDIA_TYPE', `the charset ${JSON.stringify(cs.slice(0, 40))} is not accepted: send UTF-8`);
  }

  if (event.body === null || event.body === undefined || event.body.length === 0) {
    throw new InferenceError(400, 'INVALID_REQUEST', 'the request body is empty');
  }
  const body = event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf-8');
  if (body.byteLength > limits.maxBodyBytes) {
    throw new InferenceError(413, 'PAYLOAD_TOO_LARGE', `the request body has ${body.byteLength} bytes; at most ${limits.maxBodyBytes} are accepted`);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    throw new InferenceError(400, 'INVALID_REQUEST', 'the request body is not valid UTF-8 text');
  }
  if (text.trim().length === 0) {
    throw new InferenceError(400, 'INVALID_REQUEST', 'the request body is blank');
  }
  if (contentType === 'application/json' || contentType.endsWith('+json')) {
    try {
      JSON.parse(text);
    } catch (e) {
      const why = e instanceof SyntaxError ? `: ${e.message.slice(0, 200)}` : '';
      throw new InferenceError(400, 'INVALID_JSON', `the request body is not valid JSON${why}`);
    }
  }

  let accept = header(event, 'accept')?.trim();
  if (accept !== undefined && (accept === '' || accept === '*/*')) accept = undefined;
  if (accept !== undefined && (accept.length > MAX_ACCEPT_LENGTH || !PRINTABLE.test(accept))) {
    throw new InferenceError(400, 'INVALID_REQUEST', `the Accept header must be printable ASCII of at most ${MAX_ACCEPT_LENGTH} characters`);
  }
  return { body, contentType, accept };
}
