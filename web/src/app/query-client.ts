import { QueryClient } from '@tanstack/react-query';
import { ApiError } from '../api/api-error';

/**
 * Server state cache. A 4xx is an answer, not a glitch: retrying it only delays the message the user
 * needs to see, so only network failures and 5xx are retried (twice).
 */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 10_000,
        refetchOnWindowFocus: false,
        retry: (failures, error) => failures < 2 && !(error instanceof ApiError && error.status < 500),
      },
    },
  });
}
