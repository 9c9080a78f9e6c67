import type { NodeInfo } from './node-info.js';

/**
 * NodeInfos by name in an array, with O(1) replace, add and remove (removal
 * swaps the last entry in, so order is not kept): the snapshot's lists of
 * nodes with affinity pods change by one node per cycle.
 */
export class NodeInfoList {
  readonly items: NodeInfo[] = [];
  private readonly position = new Map<string, number>();

  /** Puts `info` in the list if `member`, else takes its name out. */
  set(info: NodeInfo, member: boolean): void {
    const i = this.position.get(info.name);
    if (member) {
      if (i === undefined) {
        this.position.set(info.name, this.items.length);
        this.items.push(info);
      } else this.items[i] = info;
      return;
    }
    if (i === undefined) return;
    const last = this.items.pop()!;
    this.position.delete(info.name);
    if (last.name !== info.name) {
      this.items[i] = last;
      this.position.set(last.name, i);
    }
  }

  /** Takes a name out. */
  delete(name: string): void {
    const i = this.position.get(name);
    if (i !== undefined) this.set(this.items[i], false);
  }

  clear(): void {
    this.items.length = 0;
    this.position.clear();
  }
}
