import { testFlow } from './engine/jest-flow';
import { MODEL_BUILD } from './flows/model-build';

testFlow(MODEL_BUILD);
