import { type Page, pageCount } from '../api/page';

/** Previous/next paging for a list; `label` names the list for screen readers. */
export function Pager({ page, label, onPage }: { page: Page<unknown>; label: string; onPage: (page: number) => void }) {
  const pages = pageCount(page);
  return (
    <nav className="pager" aria-label={`${label} pages`}>
      <button type="button" onClick={() => onPage(page.page - 1)} disabled={page.page <= 1}>
        Previous
      </button>
      <span>
        Page {page.page} of {pages} ({page.total} in all)
      </span>
      <button type="button" onClick={() => onPage(page.page + 1)} disabled={page.page >= pages}>
        Next
      </button>
    </nav>
  );
}
