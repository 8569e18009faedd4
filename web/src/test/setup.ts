import { cleanup } from '@testing-library/react';
import { afterEach, vi } from 'vitest';

// Testing Library unmounts automatically only with Vitest globals on; the app's tests import explicitly.
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});
