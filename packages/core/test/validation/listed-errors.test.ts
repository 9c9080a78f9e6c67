/**
 * A map with a few hundred thousand bad entries is refused after
 * `MAX_LISTED_ERRORS` errors: each per-entry check stops there, and the Api
 * lists that many and says the rest were not checked (before, 250,000 bad
 * label keys built a 70 MB message and held the event loop for seconds).
 */
import { describe, expect, it } from 'vitest';
import { InvalidError } from '../../src/errors/index.js';
import { validateLabels } from '../../src/model/labels.js';
import { validateConfigMap } from '../../src/validation/config.js';
import { MAX_LISTED_ERRORS } from '../../src/validation/listed-errors.js';
import { validateAnnotations } from '../../src/validation/object-meta.js';
import { newApi, pod } from '../api/fixtures.js';

const BAD_ENTRIES = 5 * MAX_LISTED_ERRORS;
/** `BAD_ENTRIES` entries whose keys no map accepts (a key may not start with `-`, nor hold `/` twice). */
const badKeys = () => Object.fromEntries(Array.from({ length: BAD_ENTRIES }, (_, i) => [`-a/b/${i}`, 'v']));

describe('per-entry checks stop at MAX_LISTED_ERRORS', () => {
  it.each([
    ['label keys', () => validateLabels(badKeys(), 'metadata.labels')],
    ['annotation keys', () => validateAnnotations(badKeys(), 'metadata.annotations')],
    [
      'ConfigMap data keys',
      () => validateConfigMap({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: badKeys() }),
    ],
  ])('%s', (_, validate) => {
    const errors = validate();
    expect(errors).toHaveLength(MAX_LISTED_ERRORS);
    expect(errors[0]!.message).toMatch(/^Invalid value: "-a\/b\/0": /);
  });

  it('the Api lists MAX_LISTED_ERRORS errors, says the rest were not checked, and stores nothing', async () => {
    // The write budget (maxInputEntries) would refuse a map this big before validation: lifted here, where the
    // cap on listed errors is what is tested.
    const { api } = newApi({ maxInputEntries: Number.POSITIVE_INFINITY });
    const body = pod('web');
    body.metadata.labels = badKeys();
    const refused = await api
      .resource('Pod')
      .create(body)
      .catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(InvalidError);
    const fields = (refused as InvalidError).fields;
    expect(fields).toHaveLength(MAX_LISTED_ERRORS + 1);
    expect(fields.at(-1)).toEqual({
      field: '<body>',
      message: `Too many: the first ${MAX_LISTED_ERRORS} errors are listed, the rest were not checked`,
    });
    expect((await api.resource('Pod').list({ namespace: 'default' })).items).toEqual([]);
  });
});
