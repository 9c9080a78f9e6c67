import type { IntOrString } from './core-v1.js';
import type { KubeObject, LabelSelector } from './meta.js';

/** Where an Ingress path sends traffic: a Service port, or another object (`resource`). */
export interface IngressBackend {
  service?: { name: string; port?: { name?: string; number?: number } };
  resource?: { apiGroup?: string; kind: string; name: string };
}

/** One path of an Ingress rule. */
export interface HTTPIngressPath {
  path?: string;
  pathType: 'Exact' | 'Prefix' | 'ImplementationSpecific';
  backend: IngressBackend;
}

/** HTTP routing into the cluster; served and validated here, implemented by an ingress controller. */
export interface Ingress extends KubeObject {
  apiVersion: 'networking.k8s.io/v1';
  kind: 'Ingress';
  spec?: {
    ingressClassName?: string;
    defaultBackend?: IngressBackend;
    tls?: { hosts?: string[]; secretName?: string }[];
    rules?: { host?: string; http?: { paths: HTTPIngressPath[] } }[];
  };
  status?: { loadBalancer?: { ingress?: { ip?: string; hostname?: string }[] } };
}

/** Which controller implements Ingresses of a class. */
export interface IngressClass extends KubeObject {
  apiVersion: 'networking.k8s.io/v1';
  kind: 'IngressClass';
  spec?: {
    controller?: string;
    parameters?: { apiGroup?: string; kind: string; name: string; scope?: 'Cluster' | 'Namespace'; namespace?: string };
  };
}

/** A port a NetworkPolicy rule allows, optionally a range up to `endPort`. */
export interface NetworkPolicyPort {
  protocol?: 'TCP' | 'UDP' | 'SCTP';
  port?: IntOrString;
  endPort?: number;
}

/** A peer a NetworkPolicy rule allows: pods, namespaces, or an IP block. */
export interface NetworkPolicyPeer {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: { cidr: string; except?: string[] };
}

/** Which traffic selected pods may receive and send; stored and validated (no network plugin enforces it here). */
export interface NetworkPolicy extends KubeObject {
  apiVersion: 'networking.k8s.io/v1';
  kind: 'NetworkPolicy';
  spec: {
    podSelector: LabelSelector;
    ingress?: { from?: NetworkPolicyPeer[]; ports?: NetworkPolicyPort[] }[];
    egress?: { to?: NetworkPolicyPeer[]; ports?: NetworkPolicyPort[] }[];
    policyTypes?: ('Ingress' | 'Egress')[];
  };
}
