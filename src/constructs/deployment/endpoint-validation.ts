import { Token } from 'aws-cdk-lib';

/** SageMaker's rule for endpoint and variant names. */
const SAGEMAKER_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;

/**
 * Checks a literal SageMaker endpoint or variant name: at most 63 characters, letters, digits and
 * hyphens, starting and ending with a letter or digit. Tokens pass.
 * @internal
 */
export function checkSageMakerName(prop: string, value: string, example: string): void {
  if (Token.isUnresolved(value)) return;
  if (value.length > 63) {
    throw new Error(`${prop} ${JSON.stringify(value)} has ${value.length} characters; SageMaker allows at most 63: shorten it, e.g. ${JSON.stringify(example)}`);
  }
  if (!SAGEMAKER_NAME.test(value)) {
    throw new Error(
      `${prop} ${JSON.stringify(value)} is not a valid SageMaker name; use letters, digits and hyphens, starting and ending with a letter or digit (^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}), e.g. ${JSON.stringify(example)}`,
    );
  }
}

/**
 * Checks a literal integer against bounds; tokens are refused (the value drives synth-time logic).
 * @internal
 */
export function checkInteger(prop: string, value: number, min: number, max: number | undefined, meaning: string): void {
  const range = max === undefined ? `${min} or more` : `from ${min} to ${max}`;
  if (Token.isUnresolved(value)) {
    throw new Error(`${prop} must be a literal integer (${meaning}), ${range}; tokens are not supported`);
  }
  if (!Number.isInteger(value) || value < min || (max !== undefined && value > max)) {
    throw new Error(`${prop} is ${value}; write an integer ${range} (${meaning})`);
  }
}
