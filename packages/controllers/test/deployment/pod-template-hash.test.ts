import { describe, expect, it } from 'vitest';
import { podTemplateHash, templatesEqualIgnoringHash } from '../../src/deployment/pod-template-hash.js';
import { testDeployment } from '../support/builders.js';

describe('pod-template-hash', () => {
  const template = testDeployment('web', 1).spec.template;

  it('is stable, label-safe and independent of key order', () => {
    const reordered = { spec: template.spec, metadata: template.metadata };
    expect(podTemplateHash(template)).toBe(podTemplateHash(reordered));
    expect(podTemplateHash(template)).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
  });

  it('changes with the template and with the collision count', () => {
    const other = testDeployment('web', 1, undefined, 'nginx:2').spec.template;
    expect(podTemplateHash(other)).not.toBe(podTemplateHash(template));
    expect(podTemplateHash(template, 1)).not.toBe(podTemplateHash(template, 0));
  });

  it('ignores an existing pod-template-hash label', () => {
    const labelled = { ...template, metadata: { labels: { ...template.metadata?.labels, 'pod-template-hash': 'x' } } };
    expect(podTemplateHash(labelled)).toBe(podTemplateHash(template));
    expect(templatesEqualIgnoringHash(labelled, template)).toBe(true);
  });
});
