import { testFlow } from './engine/jest-flow';
import { RELEASE } from './flows/release';

testFlow(RELEASE);
