/**
 * The entry point of the bundled `mlops-blueprint` CLI (assets/runtime/cli/main.js, run by
 * bin/mlops-blueprint). All behaviour lives in cli.ts; this only wires it to the process.
 */
import { run } from './cli';

// The SDK is bundled at a fixed version, so its notice that FUTURE SDK releases will need a newer Node.js
// concerns whoever upgrades the bundle, not the user of this CLI (the package supports Node.js >= 20.16).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const write = (stream: NodeJS.WriteStream) => (text: string) => {
  stream.write(text.endsWith('\n') ? text : `${text}\n`);
};

run(process.argv.slice(2), {
  stdout: write(process.stdout),
  stderr: write(process.stderr),
  env: process.env,
  cwd: process.cwd(),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`error: unexpected failure (please report it): ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 4;
  },
);
