import { InvalidError, type KubeObject, parseManifests, type Service } from '@flotilla/core';
import {
  buildProxyState,
  type EndpointSlice,
  iptablesRules,
  ipvsRules,
  nftablesRules,
  type ProxyInput,
} from '@flotilla/netproxy';

/** The data planes the tool renders for, as kube-proxy's `--proxy-mode`. */
export const PROXY_MODES = ['iptables', 'nftables', 'ipvs'] as const;

/** One of `PROXY_MODES`. */
export type ProxyMode = (typeof PROXY_MODES)[number];

/** The node the rules are for. */
export interface RuleNode {
  nodeName: string;
  nodeIPs: string[];
  clusterCIDR?: string;
}

/** What the tool made of a manifest. */
export interface RenderedRules {
  /** Input for `iptables-restore`, `nft -f` or `ipvsadm-restore`, exactly as the applier would feed it. */
  text: string;
  /** For IPVS: the addresses to bind on the `kube-ipvs0` dummy interface. */
  addresses: readonly string[];
  /** Objects of other kinds in the manifest, as `Kind/name`: not rules' business, but worth saying. */
  ignored: string[];
}

/** Objects as `kubectl apply` would store them: namespaced kinds land in `default` when they name none. */
function inDefaultNamespace<T extends KubeObject>(obj: T): T {
  return obj.metadata.namespace ? obj : { ...obj, metadata: { ...obj.metadata, namespace: 'default' } };
}

/**
 * Renders the data-plane rules for the Services and EndpointSlices of a
 * manifest (YAML or JSON, several documents). Pure: nothing is applied.
 *
 * @throws ManifestError for unreadable YAML; InvalidError naming every bad
 * field for a Service or EndpointSlice the data plane cannot express.
 */
export function renderRules(manifest: string, mode: ProxyMode, node: RuleNode): RenderedRules {
  const services: Service[] = [];
  const endpointSlices: EndpointSlice[] = [];
  const ignored: string[] = [];
  for (const obj of parseManifests(manifest)) {
    if (obj.kind === 'Service') services.push(inDefaultNamespace(obj as Service));
    else if (obj.kind === 'EndpointSlice') endpointSlices.push(inDefaultNamespace(obj as EndpointSlice));
    else ignored.push(`${obj.kind}/${obj.metadata.name}`);
  }
  const input: ProxyInput = { services, endpointSlices, ...node };
  // A running proxy leaves out what it cannot program and goes on; a tool that checks a manifest says so and stops.
  const skipped = buildProxyState(input).skipped ?? [];
  if (skipped.length > 0) {
    const fields = skipped.flatMap((s) =>
      s.fields.map((f) => ({ field: `${s.kind} ${s.namespace}/${s.name}: ${f.field}`, message: f.message })),
    );
    throw new InvalidError('Manifest', 'proxy rules', fields);
  }
  switch (mode) {
    case 'iptables':
      return { text: iptablesRules(input).text, addresses: [], ignored };
    case 'nftables':
      return { text: nftablesRules(input).text, addresses: [], ignored };
    case 'ipvs': {
      const rules = ipvsRules(input);
      return { text: rules.text, addresses: rules.addresses, ignored };
    }
  }
}
