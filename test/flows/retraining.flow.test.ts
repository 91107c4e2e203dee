import { testFlow } from './engine/jest-flow';
import { RETRAINING } from './flows/retraining';

testFlow(RETRAINING);
