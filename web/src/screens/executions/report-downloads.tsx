import { useState } from 'react';
import { executionReportPath, type ReportFormat } from '../../api/executions';
import { useApi } from '../../auth/auth-context';
import type { ApiError } from '../../api/api-error';

/**
 * JUnit / JSON report buttons for one execution. The report is fetched with the session's Authorization
 * header and saved from a blob URL, so no token ever sits in a link or the browser history.
 */
export function ReportDownloads({ teamId, executionId, label }: { teamId: string; executionId: string; label: string }) {
  const api = useApi();
  const [error, setError] = useState<string | null>(null);
  const download = async (format: ReportFormat) => {
    setError(null);
    try {
      const body = await api.get<unknown>(executionReportPath(teamId, executionId, format));
      const text = typeof body === 'string' ? body : JSON.stringify(body, null, 2);
      const url = URL.createObjectURL(new Blob([text], { type: format === 'xml' ? 'application/xml' : 'application/json' }));
      const link = document.createElement('a');
      link.href = url;
      link.download = `execution-${executionId}.${format === 'xml' ? 'junit.xml' : 'json'}`;
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 0);
    } catch (e) {
      setError((e as ApiError).message);
    }
  };
  return (
    <span className="report-downloads">
      <button type="button" onClick={() => void download('xml')} aria-label={`JUnit report of ${label}`}>
        JUnit
      </button>
      <button type="button" onClick={() => void download('json')} aria-label={`JSON report of ${label}`}>
        JSON
      </button>
      {error && <span role="alert" className="error">{error}</span>}
    </span>
  );
}
