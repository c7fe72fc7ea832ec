// Export links (CSV/JSON) built from the list's current filters, so the file
// holds exactly what the analyst sees:
//   <a class="btn" href={downloadUrl('/alerts/export', { ...queryObject(router.query, ['selected']), format: 'csv' })} download>
// The browser downloads it with the session cookie; the server sets Content-Disposition.
import { buildUrl } from './api.ts';

export function downloadUrl(
  path: string,
  query: Record<string, string | number | boolean | null | undefined> | URLSearchParams = {},
): string {
  const q = query instanceof URLSearchParams ? Object.fromEntries(query) : query;
  return buildUrl(path, q);
}
