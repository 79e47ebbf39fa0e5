import { afterAll } from 'vitest';
import { closeTestModelPool } from './helpers/model-pool';

// The model processes a test file's services started end with the file, so no worker outlives it.
afterAll(() => closeTestModelPool());
