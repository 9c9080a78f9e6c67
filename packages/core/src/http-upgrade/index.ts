export { holdPendingUpgrade, type PendingUpgrade } from './pending-upgrade.js';
