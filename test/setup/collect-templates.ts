/**
 * Jest setup: every CloudFormation template that any test synthesizes is copied to `.cfn-templates/`
 * (one file per distinct template, named by its content hash), so that cfn-lint can check all of them
 * after the test run (`npx projen cfn-lint`). The test behaviour itself is unchanged.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { Stage } from 'aws-cdk-lib';

const OUT_DIR = process.env.CFN_TEMPLATES_DIR ?? path.join(__dirname, '..', '..', '.cfn-templates');
const PATCHED = Symbol.for('vw-mlops-blueprint.collect-templates');

/** Copies one synthesized template to the collection (once per distinct content). */
export function collectTemplate(text: string): void {
  fs.mkdirSync(OUT_DIR, { recursive: true });
  const hash = crypto.createHash('sha256').update(text).digest('hex').slice(0, 20);
  const file = path.join(OUT_DIR, `${hash}.template.json`);
  if (!fs.existsSync(file)) fs.writeFileSync(file, text);
}

/** Which stacks of this test file's synths are collected (every stack unless `collectOnly` narrows it). */
let collects: (stackName: string) => boolean = () => true;

/**
 * Narrows the collection for the rest of this test file (Jest loads this module once per file) to the stacks
 * `filter` accepts: for a file that synthesizes many copies of one shape (the scale test's 100 use cases),
 * whose every other copy would only add cfn-lint time, never a finding.
 * @param filter true for a stack name to collect
 */
export function collectOnly(filter: (stackName: string) => boolean): void {
  collects = filter;
}

const proto = Stage.prototype as any;
if (!proto[PATCHED]) {
  const original = proto.synth;
  proto.synth = function synth(this: Stage, ...args: unknown[]) {
    const assembly = original.apply(this, args);
    try {
      for (const stack of assembly.stacksRecursively) {
        if (collects(stack.stackName)) collectTemplate(fs.readFileSync(stack.templateFullPath, 'utf-8'));
      }
    } catch (e) {
      // never hide a collection failure: cfn-lint would silently check fewer templates
      throw new Error(`collect-templates: could not copy the synthesized templates to ${OUT_DIR}: ${(e as Error).message}`);
    }
    return assembly;
  };
  proto[PATCHED] = true;
}
