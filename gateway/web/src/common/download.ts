// Saving an export (CSV, XLSX) as a file: the export needs the bearer token, so the page fetches it and
// hands the browser a blob. A refused export is asked again as JSON, so it fails with the server's coded
// error.
import { api, auth } from './api.ts';

/** `path` is the JSON list's URL with its query (`/api/payouts?from=…`); `&format=…` is added. */
export async function downloadExport(path: string, fileName: string, format: 'csv' | 'xlsx'): Promise<void> {
  const res = await fetch(`${path}&format=${format}`, {
    headers: { authorization: `Bearer ${auth.token() ?? ''}` },
  });
  if (!res.ok) await api.get(path);
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export const downloadCsv = (path: string, fileName: string): Promise<void> =>
  downloadExport(path, fileName, 'csv');
