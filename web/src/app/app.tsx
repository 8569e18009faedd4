import { QueryClientProvider, type QueryClient } from '@tanstack/react-query';
import { createBrowserRouter, RouterProvider } from 'react-router';
import { AuthProvider } from '../auth/auth-context';
import type { Session } from '../auth/session';
import { routes } from './routes';

const router = createBrowserRouter(routes);

export function App({ session, queryClient }: { session: Session; queryClient: QueryClient }) {
  return (
    <QueryClientProvider client={queryClient}>
      <AuthProvider session={session}>
        <RouterProvider router={router} />
      </AuthProvider>
    </QueryClientProvider>
  );
}
