/** Where the dashboard is served: its page, and its script beside it. */
export const DASHBOARD_PATH = '/dashboard/';

/** The script's file name under `DASHBOARD_PATH`. */
export const BUNDLE_NAME = 'dashboard.js';

const escapeAttribute = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * The page: an empty body the script fills. `apiBase` ('' for the page's own
 * origin) is where the script sends its API calls.
 */
export function dashboardPage(apiBase: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="flotilla-api" content="${escapeAttribute(apiBase)}">
<title>Flotilla</title>
<script type="module" src="${BUNDLE_NAME}"></script>
</head>
<body><p>Loading the dashboard… (it needs JavaScript)</p></body>
</html>
`;
}

/**
 * What the browser may load: the script from here, API calls to here (or
 * `apiBase`), the stylesheet the script injects; no frames, no referrer.
 */
export function securityHeaders(apiBase: string): Record<string, string> {
  const connect = apiBase ? `'self' ${new URL(apiBase).origin}` : "'self'";
  return {
    'Content-Security-Policy': `default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; connect-src ${connect}; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
  };
}
