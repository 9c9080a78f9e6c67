/**
 * Pearson's chi-square statistic of observed counts against a uniform split,
 * and the 0.001 critical value for its degrees of freedom (so a fair
 * balancer fails the test once in a thousand runs).
 */
export function chiSquareUniform(observed: readonly number[]): { statistic: number; critical: number } {
  const total = observed.reduce((a, b) => a + b, 0);
  const expected = total / observed.length;
  const statistic = observed.reduce((s, o) => s + (o - expected) ** 2 / expected, 0);
  // Upper 0.001 quantiles of chi-square for 1..5 degrees of freedom.
  const critical = [10.828, 13.816, 16.266, 18.467, 20.515][observed.length - 2];
  if (critical === undefined)
    throw new RangeError(`chiSquareUniform supports 2 to 6 categories, got ${observed.length}`);
  return { statistic, critical };
}
