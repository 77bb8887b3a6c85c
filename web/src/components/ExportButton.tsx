/**
 * @module The Export button: downloads the stream's whole events (payloads, hashes) in the applied
 * date range as NDJSON, through the export API. The page authenticates with a header, which a plain
 * download link cannot send, so the file is fetched here and handed to the browser as a Blob.
 */
import { useState } from 'react';
import type { Stream } from '../../../src/events/catalog.ts';
import type { ApiError } from '../lib/api.ts';
import type { Filters } from '../lib/filters.ts';
import { useApi } from '../lib/queries.ts';

/** The export API's query for a stream and the applied date range. */
function exportParams(stream: Stream, filters: Filters): URLSearchParams {
  const params = new URLSearchParams({ stream });
  if (filters.from) params.set('from', filters.from);
  if (filters.to) params.set('to', filters.to);
  return params;
}

function save(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.click();
  // The click has handed the Blob to the download by the time the next task runs.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/** Props: the stream and the filters whose date range the export keeps. */
export interface ExportButtonProps {
  stream: Stream;
  filters: Filters;
}

/** A button that downloads the export, with its state and any refusal beside it. */
export function ExportButton({ stream, filters }: ExportButtonProps) {
  const api = useApi();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const onClick = async () => {
    setBusy(true);
    setError(null);
    try {
      const file = await api.exportEvents(exportParams(stream, filters));
      save(file.blob, file.fileName);
    } catch (failure) {
      setError((failure as ApiError).message || 'The export failed.');
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="export">
      <button type="button" className="button button-small" onClick={onClick} disabled={busy}>
        {busy ? 'Exporting…' : 'Export NDJSON'}
      </button>
      <span className="export-hint">
        Every event of this stream{filters.from || filters.to ? ' in the date range' : ''}, with payloads and
        hashes; other filters are not applied.
      </span>
      {error && (
        <span role="alert" className="export-error">
          {error}
        </span>
      )}
    </div>
  );
}
