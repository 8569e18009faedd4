import { useEffect, useRef, useState } from 'react';
import type { CreatedApiKey } from '../../api/identity';

/**
 * Shows a new API key once. The key lives only in this component's props: closing the dialog drops it
 * (the list shows only the preview from then on), and it is never stored in the browser.
 */
export function ApiKeyCreatedDialog({ created, onClose }: { created: CreatedApiKey; onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [copied, setCopied] = useState<'yes' | 'failed'>();
  useEffect(() => {
    const element = dialog.current;
    // jsdom has no showModal; the open attribute is enough there.
    if (element && !element.open) (element.showModal ? element.showModal() : element.setAttribute('open', ''));
  }, []);

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(created.key);
      setCopied('yes');
    } catch {
      setCopied('failed');
    }
  };

  return (
    <dialog ref={dialog} aria-labelledby="key-created-title" aria-describedby="key-created-warning" onClose={onClose} className="stack">
      <h2 id="key-created-title">API key {created.name} created</h2>
      <p id="key-created-warning" className="note">
        Copy the key now: it is shown only once and cannot be retrieved later. Store it in your CI secret store.
      </p>
      <label>
        API key
        <input readOnly value={created.key} onFocus={(e) => e.target.select()} size={Math.min(created.key.length, 60)} />
      </label>
      <div className="toolbar">
        <button type="button" onClick={copy}>
          Copy
        </button>
        <button type="button" className="button primary" onClick={() => (dialog.current?.close ? dialog.current.close() : onClose())}>
          Done
        </button>
      </div>
      {copied && <p role="status">{copied === 'yes' ? 'Copied to the clipboard.' : 'Could not copy; select the key and copy it yourself.'}</p>}
    </dialog>
  );
}
