import { type FormEvent, useEffect, useState } from 'react';

/** A labelled search field that applies on submit (Enter), so typing does not fire a request per key. */
export function SearchBox({ label, value, onSearch }: { label: string; value: string; onSearch: (value: string) => void }) {
  const [text, setText] = useState(value);
  useEffect(() => setText(value), [value]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSearch(text.trim());
  };
  return (
    <form role="search" onSubmit={submit} className="search-box">
      <label>
        <span className="visually-hidden">{label}</span>
        <input type="search" value={text} placeholder={label} onChange={(event) => setText(event.target.value)} />
      </label>
      <button type="submit">Search</button>
    </form>
  );
}
