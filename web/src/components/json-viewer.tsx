import { useState } from 'react';

/** Bytes of a value's JSON in UTF-8: what the server's result caps count. */
export function jsonBytes(value: unknown): number {
  return new TextEncoder().encode(JSON.stringify(value) ?? '').length;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** Objects and arrays with more entries than this start collapsed below the top level. */
const OPEN_LIMIT = 20;

/**
 * A read-only JSON tree: objects and arrays fold (keyboard: the toggles are buttons with aria-expanded), a copy button
 * copies the whole value, and the size is the JSON's bytes. Generic: any screen showing API JSON.
 */
export function JsonViewer({ value, label }: { value: unknown; label: string }) {
  const [copied, setCopied] = useState(false);
  const text = JSON.stringify(value, null, 2) ?? 'undefined';
  const copy = async () => {
    await navigator.clipboard?.writeText(text);
    setCopied(true);
  };
  return (
    <figure className="json-viewer" aria-label={label}>
      <figcaption className="json-viewer-bar">
        <span className="muted">{formatBytes(jsonBytes(value))}</span>
        <button type="button" onClick={() => void copy()} aria-label={`Copy ${label}`}>
          {copied ? 'Copied' : 'Copy'}
        </button>
      </figcaption>
      <div className="json-tree">
        <JsonNode name={null} value={value} depth={0} />
      </div>
    </figure>
  );
}

function JsonNode({ name, value, depth }: { name: string | null; value: unknown; depth: number }) {
  const entries = childrenOf(value);
  const [open, setOpen] = useState(depth === 0 || (entries?.length ?? 0) <= OPEN_LIMIT);
  const key = name === null ? null : <span className="json-key">{name}: </span>;
  if (!entries) {
    return (
      <div className="json-leaf">
        {key}
        <span className={`json-${value === null ? 'null' : typeof value}`}>{JSON.stringify(value) ?? 'undefined'}</span>
      </div>
    );
  }
  const [openBrace, closeBrace] = Array.isArray(value) ? ['[', ']'] : ['{', '}'];
  return (
    <div>
      <button type="button" className="json-toggle" aria-expanded={open} onClick={() => setOpen(!open)} aria-label={`${open ? 'Collapse' : 'Expand'} ${name ?? 'value'}`}>
        {open ? '▾' : '▸'}
      </button>
      {key}
      {openBrace}
      {!open && <span className="muted"> {entries.length} {entries.length === 1 ? 'entry' : 'entries'} {closeBrace}</span>}
      {open && (
        <>
          <div className="json-children">
            {entries.map(([childName, child]) => (
              <JsonNode key={childName} name={childName} value={child} depth={depth + 1} />
            ))}
          </div>
          {closeBrace}
        </>
      )}
    </div>
  );
}

function childrenOf(value: unknown): [string, unknown][] | null {
  if (Array.isArray(value)) return value.map((v, i) => [String(i), v]);
  if (value && typeof value === 'object') return Object.entries(value);
  return null;
}
