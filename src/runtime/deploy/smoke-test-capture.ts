/**
 * The data capture part of `deploy smoke-test` (`smoke-test.ts`): the capture settings of the endpoint
 * configuration, and the wait for a capture object of the invocations in S3.
 */
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { DescribeEndpointCommandOutput, DescribeEndpointConfigCommandOutput } from '@aws-sdk/client-sagemaker';
import { DeployCheckError } from './errors';
import { FailureInfo } from '../registry/retry';

/** A capture object the check found. */
export interface CaptureObject {
  /** `s3://<bucket>/<key>` */
  readonly uri: string;
  readonly key: string;
  /** Its LastModified. */
  readonly lastModified: string;
  readonly size: number;
}

/** `yyyy/mm/dd/hh/` (UTC) of a time: the hour folder of SageMaker's capture files. */
export function captureHourPath(ms: number): string {
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}/${two(d.getUTCMonth() + 1)}/${two(d.getUTCDate())}/${two(d.getUTCHours())}/`;
}

/** The data capture settings of an endpoint's configuration, checked: capture on, an S3 destination, a sampling above 0. */
export function checkCaptureSettings(
  config: DescribeEndpointConfigCommandOutput,
  endpoint: DescribeEndpointCommandOutput,
  configTarget: string,
  target: string,
) {
  const capture = config.DataCaptureConfig;
  if (!capture || capture.EnableCapture !== true) {
    throw new DeployCheckError('CHECK_FAILED', `${configTarget} of ${target} does not capture data (DataCaptureConfig.EnableCapture is ${capture ? String(capture.EnableCapture) : 'not set'}); model monitoring needs the captured requests: enable data capture in the serving stack`);
  }
  const destination = (capture.DestinationS3Uri ?? '').replace(/\/+$/, '');
  const destinationMatch = /^s3:\/\/([^/]+)(?:\/(.*))?$/.exec(destination);
  if (!destinationMatch) {
    throw new DeployCheckError('CHECK_FAILED', `${configTarget} of ${target} captures data without an S3 destination (DataCaptureConfig.DestinationS3Uri is ${JSON.stringify(capture.DestinationS3Uri)})`);
  }
  const sampling = capture.InitialSamplingPercentage ?? 0;
  if (sampling <= 0) {
    throw new DeployCheckError('CHECK_FAILED', `${configTarget} of ${target} enables data capture with a sampling percentage of ${sampling}, so nothing is captured; set it above 0`);
  }
  const live = endpoint.DataCaptureConfig;
  if (live?.CaptureStatus === 'Stopped' || live?.EnableCapture === false) {
    throw new DeployCheckError('CHECK_FAILED', `${target} reports data capture as ${live.CaptureStatus ?? 'disabled'} (DescribeEndpoint DataCaptureConfig), although ${configTarget} enables it; nothing is captured`);
  }
  // the live sampling percentage, when SageMaker reports it (it may differ from the config's initial one)
  const liveSampling = typeof live?.CurrentSamplingPercentage === 'number' && live.CurrentSamplingPercentage > 0 ? live.CurrentSamplingPercentage : sampling;
  return { destination, destinationMatch, sampling, liveSampling };
}

/** S3 errors that say more than "request failed": no bucket (capture cannot work), no permission (which one). */
export function s3Error(bucket: string, what: string) {
  return (error: unknown, info: FailureInfo): Error | undefined => {
    if (info.code === 'NoSuchBucket') {
      return new DeployCheckError('CHECK_FAILED', `the data capture bucket "${bucket}" does not exist (ListObjectsV2 of ${what}: NoSuchBucket); SageMaker cannot write the captured data`, { cause: error });
    }
    if (info.code === 'AccessDenied' || info.statusCode === 403) {
      const status = [info.statusCode !== undefined ? `HTTP ${info.statusCode}` : undefined, info.code].filter(Boolean).join(' ');
      return new DeployCheckError(
        'AWS_ERROR',
        `ListObjectsV2 of ${what} was denied (${status}${info.message ? `: ${info.message}` : ''}); the smoke test's credentials need s3:ListBucket on arn:aws:s3:::${bucket} for that prefix (or run with --no-capture-check)`,
        { cause: error },
      );
    }
    return undefined;
  };
}

/** Polls the capture prefixes until an object written at or after `threshold` appears, or the timeout. */
export async function waitForCaptureObject(args: {
  s3: S3Client;
  bucket: string;
  keyPrefixes: string[];
  threshold: number;
  timeoutMs: number;
  intervalMs: number;
  count: number;
  sampling: number;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  progress: (line: string) => void;
  retry: <T>(operation: string, what: string, fn: (signal: AbortSignal) => Promise<T>) => Promise<T>;
}): Promise<{ captureObject: CaptureObject; capturedAfter: string; captureWaitedMs: number; capturePolls: number }> {
  const { s3, bucket, keyPrefixes, threshold, now } = args;
  // every hour folder from the one of the invocation on (an invocation at hh:59:59 may land in the next hour)
  const hour = captureHourPath(threshold);
  const shown = keyPrefixes.map((p) => `s3://${bucket}/${p}${hour}`);
  const where = shown.length === 1 ? shown[0] : `${shown.slice(0, -1).join(', ')} or ${shown[shown.length - 1]}`;
  const after = new Date(threshold).toISOString();
  const timeoutS = Math.round(args.timeoutMs / 1000);
  const start = now();
  const deadline = start + args.timeoutMs;
  let polls = 0;
  let older = 0;
  let newestOlder: { key: string; lastModified: Date } | undefined;
  for (;;) {
    polls++;
    older = 0;
    for (const prefix of keyPrefixes) {
      const what = `capture prefix "s3://${bucket}/${prefix}"`;
      let token: string | undefined;
      do {
        const page = await args.retry('ListObjectsV2', what, (signal) =>
          s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, StartAfter: `${prefix}${hour}`, ContinuationToken: token }), { abortSignal: signal }),
        );
        for (const o of page.Contents ?? []) {
          if (!o.Key || o.Key.endsWith('/') || !o.LastModified) continue;
          if (o.LastModified.getTime() >= threshold) {
            const waited = now() - start;
            const captureObject = { uri: `s3://${bucket}/${o.Key}`, key: o.Key, lastModified: o.LastModified.toISOString(), size: o.Size ?? 0 };
            args.progress(`… data capture object ${captureObject.uri} (written ${captureObject.lastModified}) found on poll ${polls} after ${Math.round(waited / 1000)} s`);
            return { captureObject, capturedAfter: after, captureWaitedMs: waited, capturePolls: polls };
          }
          older++;
          if (!newestOlder || o.LastModified > newestOlder.lastModified) newestOlder = { key: o.Key, lastModified: o.LastModified };
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
    }
    const waited = Math.round((now() - start) / 1000);
    const ignored = older > 0 ? `; ${older} older object${older === 1 ? '' : 's'} ignored` : '';
    if (now() + args.intervalMs > deadline) {
      const sent = `${args.count} invocation${args.count === 1 ? '' : 's'} at ${args.sampling} % sampling`;
      const olderNote = newestOlder ? `; the newest older object is ${newestOlder.key} (${newestOlder.lastModified.toISOString()})` : '';
      throw new DeployCheckError(
        'CHECK_FAILED',
        `no data capture object appeared under ${where} within the ${timeoutS} s capture timeout (${polls} polls after ${sent}; ` +
          `objects count when written at or after ${after}, the first invocation less the clock-skew allowance${olderNote}). ` +
          "Check that the endpoint's execution role may write to the bucket with its KMS key and that the capture content types match the sample, " +
          'or raise --capture-timeout (SageMaker buffers capture files for minutes)',
      );
    }
    args.progress(`… no data capture object under ${where} written at or after ${after} yet (poll ${polls}, ${waited} s of ${timeoutS} s${ignored})`);
    await args.sleep(args.intervalMs);
  }
}
