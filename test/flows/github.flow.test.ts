import { testFlow } from './engine/jest-flow';
import { GITHUB_DEPLOY } from './flows/github';

testFlow(GITHUB_DEPLOY);
