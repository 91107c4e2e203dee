import { testFlow } from './engine/jest-flow';
import { USECASE_IMAGE } from './flows/usecase-image';

testFlow(USECASE_IMAGE);
