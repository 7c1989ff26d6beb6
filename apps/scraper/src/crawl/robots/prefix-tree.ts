interface TreeNode<T> {
  /** The characters on the edge into this node. */
  label: string;
  values: T[];
  /** By the first character of the child's label. */
  children: Map<string, TreeNode<T>> | undefined;
}

/**
 * Values by string key, for "the values of every key that is a prefix of this text" in one pass
 * over the text, whatever the number of keys (a radix tree; no kept library offers one).
 */
export class PrefixTree<T> {
  private readonly root: TreeNode<T> = { label: '', values: [], children: undefined };

  add(key: string, value: T): void {
    let node = this.root;
    let position = 0;
    while (position < key.length) {
      const first = key[position]!;
      let child = node.children?.get(first);
      if (!child) {
        child = { label: key.slice(position), values: [], children: undefined };
        (node.children ??= new Map()).set(first, child);
        node = child;
        break;
      }
      const common = commonPrefixLength(child.label, key, position);
      if (common < child.label.length) {
        const middle: TreeNode<T> = { label: child.label.slice(0, common), values: [], children: new Map() };
        child.label = child.label.slice(common);
        middle.children!.set(child.label[0]!, child);
        node.children!.set(first, middle);
        child = middle;
      }
      node = child;
      position += common;
    }
    node.values.push(value);
  }

  /** The values of each key that is a prefix of `text`, shortest key first. */
  *valuesForPrefixesOf(text: string): Generator<readonly T[]> {
    let node = this.root;
    let position = 0;
    for (;;) {
      if (node.values.length > 0) yield node.values;
      if (position >= text.length) return;
      const child = node.children?.get(text[position]!);
      if (!child || !text.startsWith(child.label, position)) return;
      node = child;
      position += child.label.length;
    }
  }
}

function commonPrefixLength(label: string, key: string, from: number): number {
  let length = 0;
  while (length < label.length && from + length < key.length && label[length] === key[from + length]) length += 1;
  return length;
}
