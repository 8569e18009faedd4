import { type FormEvent, useState } from 'react';
import { Link, Navigate } from 'react-router';
import { useSession, useSessionState } from '../../auth/auth-context';
import { ErrorMessage } from '../../components/error-message';

/** Creates an account and signs in with it (the API's 202 carries no tokens by design). */
export function RegisterScreen() {
  const session = useSession();
  const state = useSessionState();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  if (state === 'signed-in') return <Navigate to="/" replace />;

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setError(undefined);
    try {
      await session.register(String(form.get('email')), String(form.get('password')), String(form.get('displayName')));
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" className="auth-screen">
      <h1>Create an account</h1>
      <form onSubmit={submit} className="stack">
        <label>
          Your name
          <input name="displayName" autoComplete="name" required maxLength={120} />
        </label>
        <label>
          Email
          <input name="email" type="email" autoComplete="username" required />
        </label>
        <label>
          Password <small>(at least 10 characters)</small>
          <input name="password" type="password" autoComplete="new-password" required minLength={10} maxLength={200} />
        </label>
        <ErrorMessage error={error} />
        <button type="submit" disabled={busy}>
          {busy ? 'Creating account…' : 'Create account'}
        </button>
      </form>
      <p>
        Already registered? <Link to="/sign-in">Sign in</Link>
      </p>
    </main>
  );
}
