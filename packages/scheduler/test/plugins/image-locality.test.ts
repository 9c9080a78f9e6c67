import { describe, expect, it } from 'vitest';
import { makeNode, makePod } from '../builders.js';
import { frameworkFor, scoreAll } from '../harness.js';

const MB = 1024 * 1024;

describe('ImageLocality', () => {
  it('scores present images by size and spread, between 23 MB and 1000 MB per container', () => {
    const nodes = [
      makeNode('big')
        .images({ names: ['docker.io/library/nginx:1.27', 'nginx:1.27'], sizeBytes: 500 * MB })
        .obj(),
      makeNode('small')
        .images({ names: ['busybox:latest'], sizeBytes: 30 * MB })
        .obj(),
      makeNode('none').obj(),
    ];
    const { fwk, snapshot } = frameworkFor([{ name: 'ImageLocality' }], nodes);
    // big: 500 MB * 1/3 nodes = 166.7 MB -> (166.7 - 23) / (1000 - 23) = 14.7%
    expect(scoreAll(fwk, snapshot, makePod('p').image('nginx:1.27').obj())).toEqual({ big: 14, small: 0, none: 0 });
    // busybox (no tag = :latest): 30 MB / 3 = 10 MB, below the 23 MB threshold
    expect(scoreAll(fwk, snapshot, makePod('q').image('busybox').obj())).toEqual({ big: 0, small: 0, none: 0 });
  });
});
