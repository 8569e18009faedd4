import { errorMessage } from '../api/api-error';

/** Shows an API error as the API worded it (an alert, so assistive technology announces it). */
export function ErrorMessage({ error }: { error: unknown }) {
  if (!error) return null;
  return (
    <p className="error" role="alert">
      {errorMessage(error)}
    </p>
  );
}
