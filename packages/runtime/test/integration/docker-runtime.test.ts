import { describeRuntimeConformance } from '../../src/conformance/index.js';
import { dockerFixture } from './docker-fixture.js';

describeRuntimeConformance('DockerRuntime', dockerFixture, { pushesEvents: true, patienceMs: 20_000 });
