/**
 * @flotilla/dashboard: a web dashboard for a Kubernetes API server (a
 * Flotilla cluster's or any other): nodes, workloads and rollouts, pods,
 * Services and events, live over watch, and actions as plain API calls
 * made with the viewer's own credentials.
 *
 * @packageDocumentation
 * @module @flotilla/dashboard
 */

export {
  type DashboardHandler,
  type DashboardHandlerOptions,
  dashboardHandler,
} from './server/dashboard-handler.js';
export { BUNDLE_NAME, DASHBOARD_PATH } from './server/dashboard-page.js';
export {
  type DashboardAddress,
  DashboardServer,
  type DashboardServerOptions,
  serveDashboard,
} from './server/dashboard-server.js';
