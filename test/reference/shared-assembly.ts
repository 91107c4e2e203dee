/**
 * Prints the directory of the reference app's shared cloud assembly (`.tmp/flows-cdk.out`), synthesizing
 * it first only when it is missing or older than its sources (the flows, the mutation run and the Jest
 * suites share it):
 *
 *   npx ts-node --transpile-only --project tsconfig.dev.json test/reference/shared-assembly.ts
 *
 * Tools outside Jest (checkov, the TypeScript side of the Python parity) read it instead of synthesizing
 * the same app again. The output is one line, the absolute path; the assembly must not be written to.
 */
import { ensureFlowAssemblySync, FLOWS_ASSEMBLY_DIR } from '../flows/engine/assembly';

ensureFlowAssemblySync();
process.stdout.write(`${FLOWS_ASSEMBLY_DIR}\n`);
