import { describe, expect, it } from 'vitest';
import * as dashboard from '../src/index.js';

describe('@flotilla/dashboard public surface', () => {
  it('exports exactly these runtime values (change this list on purpose only)', () => {
    expect(Object.keys(dashboard).sort()).toEqual([
      'BUNDLE_NAME',
      'DASHBOARD_PATH',
      'DashboardServer',
      'dashboardHandler',
      'serveDashboard',
    ]);
  });
});
