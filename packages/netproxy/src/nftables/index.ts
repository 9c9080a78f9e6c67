export * from './nft-names.js';
export * from './nftables-rules.js';
export type { NftChain, NftElement, NftRenderOptions, RenderedNftPort } from './render-nft-port.js';
