import { Token } from 'aws-cdk-lib';

/** A 12-digit AWS account id. */
const ACCOUNT_ID = /^\d{12}$/;

/**
 * Checks a list of account ids: each 12 digits, no duplicates. Unresolved tokens are not checked.
 * @param construct the construct name for the message, e.g. `PackageMirror`
 * @param prop the prop name for the message
 * @param ids the account ids
 * @internal
 */
export function validateAccountIds(construct: string, prop: string, ids: string[]): void {
  const seen = new Set<string>();
  for (const id of ids) {
    if (Token.isUnresolved(id)) continue;
    if (!ACCOUNT_ID.test(id)) {
      throw new Error(`${construct}: ${prop} contains ${JSON.stringify(id)}, which is not an AWS account id; write the 12 digits of the account, e.g. '111111111111'`);
    }
    if (seen.has(id)) {
      throw new Error(`${construct}: ${prop} contains ${id} twice; list each account once`);
    }
    seen.add(id);
  }
}

/**
 * Checks that a number is a whole number of at least `min`.
 * @internal
 */
export function validateWholeNumber(construct: string, prop: string, value: number, min: number): void {
  if (Token.isUnresolved(value)) return;
  if (!Number.isInteger(value) || value < min) {
    throw new Error(`${construct}: ${prop} is ${value}; write a whole number of at least ${min}`);
  }
}
