import { Navigate, type RouteObject } from 'react-router';
import { RequireAuth } from '../auth/require-auth';
import { RegisterScreen } from '../screens/auth/register-screen';
import { SignInScreen } from '../screens/auth/sign-in-screen';
import { NotFoundScreen } from '../screens/not-found/not-found-screen';
import { AppShell } from '../shell/app-shell';
import { HomeRedirect } from '../shell/home-redirect';

/**
 * Every screen of the app. Team screens load lazily (one chunk each, fetched on first visit), so the
 * first load carries only the shell; a new screen is one more entry here and a folder in src/screens/.
 */
export const routes: RouteObject[] = [
  { path: '/sign-in', element: <SignInScreen /> },
  { path: '/register', element: <RegisterScreen /> },
  {
    element: <RequireAuth />,
    children: [
      { index: true, element: <HomeRedirect /> },
      { path: '/get-started', lazy: async () => ({ Component: (await import('../screens/get-started/get-started-screen')).GetStartedScreen }) },
      {
        path: '/teams/:teamId',
        element: <AppShell />,
        children: [
          { index: true, element: <Navigate to="flows" replace /> },
          { path: 'flows', lazy: async () => ({ Component: (await import('../screens/flows/flows-screen')).FlowsScreen }) },
          { path: 'flows/:flowId', lazy: async () => ({ Component: (await import('../screens/flow-editor/flow-editor-screen')).FlowEditorScreen }) },
          { path: 'executions/:executionId', lazy: async () => ({ Component: (await import('../screens/executions/live/execution-live-screen')).ExecutionLiveScreen }) },
          { path: 'executions', lazy: async () => ({ Component: (await import('../screens/executions/executions-screen')).ExecutionsScreen }) },
          { path: 'suites', lazy: async () => ({ Component: (await import('../screens/suites/suites-screen')).SuitesScreen }) },
          { path: 'suites/new', lazy: async () => ({ Component: (await import('../screens/suites/suite-detail-screen')).SuiteDetailScreen }) },
          { path: 'suites/:suiteId', lazy: async () => ({ Component: (await import('../screens/suites/suite-detail-screen')).SuiteDetailScreen }) },
          { path: 'suite-runs/:suiteRunId', lazy: async () => ({ Component: (await import('../screens/suites/suite-run-screen')).SuiteRunScreen }) },
          { path: 'resources', lazy: async () => ({ Component: (await import('../screens/resources/resources-screen')).ResourcesScreen }) },
          { path: 'resources/new', lazy: async () => ({ Component: (await import('../screens/resources/resource-editor-screen')).ResourceEditorScreen }) },
          { path: 'resources/:resourceId', lazy: async () => ({ Component: (await import('../screens/resources/resource-editor-screen')).ResourceEditorScreen }) },
          { path: 'team', lazy: async () => ({ Component: (await import('../screens/team/team-members-screen')).TeamMembersScreen }) },
          { path: '*', element: <NotFoundScreen /> },
        ],
      },
      { path: '*', element: <NotFoundScreen /> },
    ],
  },
];
