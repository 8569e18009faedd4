import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/app';
import { createQueryClient } from './app/query-client';
import { Session } from './auth/session';
import './styles.css';

const session = new Session(window.sessionStorage);
void session.restore();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App session={session} queryClient={createQueryClient()} />
  </StrictMode>,
);
