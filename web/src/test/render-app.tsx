import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import { createMemoryRouter, RouterProvider, type RouteObject } from 'react-router';
import { vi } from 'vitest';
import { AuthProvider } from '../auth/auth-context';
import { Session } from '../auth/session';
import { fakeFetch, memoryStorage, type Route, tokenPair } from './fake-api';

/**
 * Renders routes inside the app's providers, signed in, with `fetch` answered by `api` routes.
 * Returns the router so a test can read the location after a navigation.
 */
export async function renderSignedIn(routes: RouteObject[], path: string, api: Record<string, Route>) {
  const fake = fakeFetch({ 'POST /auth/login': () => ({ status: 200, body: tokenPair(1) }), ...api });
  vi.stubGlobal('fetch', fake.impl);
  const session = new Session(memoryStorage(), fake.impl);
  await session.login('ada@example.com', 'correct horse battery staple');
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const router = createMemoryRouter(routes, { initialEntries: [path] });
  const view = render(
    <QueryClientProvider client={queryClient}>
      <AuthProvider session={session}>
        <RouterProvider router={router} />
      </AuthProvider>
    </QueryClientProvider>,
  );
  return { ...view, router, calls: fake.calls, session };
}
