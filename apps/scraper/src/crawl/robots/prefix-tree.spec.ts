import { PrefixTree } from './prefix-tree';

function prefixValues(tree: PrefixTree<string>, text: string): string[] {
  return [...tree.valuesForPrefixesOf(text)].flat();
}

describe('PrefixTree', () => {
  const tree = new PrefixTree<string>();
  for (const key of ['/shop/cart', '/shop', '/shop/c', '', '/blog', '/shop']) tree.add(key, `key:${key}`);

  it('yields the values of every key that is a prefix of the text, shortest key first', () => {
    expect(prefixValues(tree, '/shop/cart/42')).toEqual([
      'key:',
      'key:/shop',
      'key:/shop',
      'key:/shop/c',
      'key:/shop/cart',
    ]);
    expect(prefixValues(tree, '/shop/cat')).toEqual(['key:', 'key:/shop', 'key:/shop', 'key:/shop/c']);
  });

  it('yields nothing for keys that only share part of an edge with the text', () => {
    expect(prefixValues(tree, '/sho')).toEqual(['key:']);
    expect(prefixValues(tree, '/bl')).toEqual(['key:']);
    expect(prefixValues(new PrefixTree<string>(), '/any')).toEqual([]);
  });
});
