import { useId, useLayoutEffect, useRef, useState, type InputHTMLAttributes } from 'react';
import { useFormEnv } from './form-env';
import { applySuggestion, referenceAtCaret, suggestionsFor, type Suggestion } from './template-suggestions';

type Props = Omit<InputHTMLAttributes<HTMLInputElement>, 'value' | 'onChange'> & { value: string; onChange(value: string): void };

/**
 * A text input that completes `${` references: an ARIA 1.2 combobox (aria-autocomplete="list") whose
 * listbox offers the variables, earlier steps' result paths, execution fields and functions in scope.
 * Arrow keys move, Enter or Tab picks, Escape closes; typing goes on as usual.
 */
export function TemplateInput({ value, onChange, ...rest }: Props) {
  const { scope } = useFormEnv();
  const listId = useId();
  const input = useRef<HTMLInputElement>(null);
  const [open, setOpen] = useState<{ query: string } | undefined>();
  const [active, setActive] = useState(0);
  const pendingCaret = useRef<number | undefined>(undefined);
  const options: Suggestion[] = open ? suggestionsFor(scope, open.query, 30) : [];
  const expanded = options.length > 0;

  useLayoutEffect(() => {
    if (pendingCaret.current !== undefined && input.current) {
      input.current.setSelectionRange(pendingCaret.current, pendingCaret.current);
      pendingCaret.current = undefined;
    }
  });

  function refresh(text: string, caret: number | null) {
    const at = caret === null ? undefined : referenceAtCaret(text, caret);
    setOpen(at ? { query: at.query } : undefined);
    setActive(0);
  }

  function choose(suggestion: Suggestion) {
    const el = input.current;
    if (!el) return;
    const next = applySuggestion(value, el.selectionStart ?? value.length, suggestion);
    pendingCaret.current = next.caret;
    onChange(next.text);
    refresh(next.text, next.caret);
    el.focus();
  }

  return (
    <span className="combobox">
      <input
        {...rest}
        ref={input}
        type="text"
        role="combobox"
        aria-autocomplete="list"
        aria-expanded={expanded}
        aria-controls={listId}
        aria-activedescendant={expanded ? `${listId}-${active}` : undefined}
        autoComplete="off"
        spellCheck={false}
        value={value}
        onChange={(e) => {
          onChange(e.target.value);
          refresh(e.target.value, e.target.selectionStart);
        }}
        onClick={(e) => refresh(value, e.currentTarget.selectionStart)}
        onBlur={() => setOpen(undefined)}
        onKeyDown={(e) => {
          if (!expanded) return;
          if (e.key === 'ArrowDown') setActive((a) => (a + 1) % options.length);
          else if (e.key === 'ArrowUp') setActive((a) => (a - 1 + options.length) % options.length);
          else if (e.key === 'Enter' || e.key === 'Tab') choose(options[Math.min(active, options.length - 1)]);
          else if (e.key === 'Escape') setOpen(undefined);
          else return;
          e.preventDefault();
        }}
      />
      <ul id={listId} role="listbox" aria-label="References" className="suggestions" hidden={!expanded}>
        {options.map((option, index) => (
          <li
            key={option.insert}
            id={`${listId}-${index}`}
            role="option"
            aria-selected={index === active}
            onMouseDown={(e) => {
              e.preventDefault(); // keep the focus (and the caret) in the input
              choose(option);
            }}
          >
            <code>{option.insert}</code> <span className="muted">{option.detail}</span>
          </li>
        ))}
      </ul>
    </span>
  );
}
