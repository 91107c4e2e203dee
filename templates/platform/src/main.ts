import * as path from 'path';
import { MlopsPlatform, PlatformConfig } from '@vw/mlops-blueprint';
import { App } from 'aws-cdk-lib';

/** The project root, from this file's folder. */
const ROOT = path.join(__dirname, '..');

// The shared six-account MLOps platform: one stack per account (DATA, EXP, RES, DEV, INT, PROD), each
// with its account and region, all from the validated platform configuration. An invalid configuration
// fails here, with one line per problem.
const config = PlatformConfig.fromFile(path.join(ROOT, 'platform.json'));

const app = new App();
// The deploy workflow selects the stacks by their construct path, Platform/Data ... Platform/Prod:
// keep the id 'Platform' (test/main.test.ts checks that the workflow finds every stack).
new MlopsPlatform(app, 'Platform', { config });
app.synth();
