import { parseDomainList } from './domain-list';

describe('parseDomainList', () => {
  it('takes one domain a line, ignoring blank lines, comments and surrounding space', () => {
    const text =
      '\uFEFF# my list\nexample.com\n\n  https://www.Example.org/about  \r\nb.test # a trailing comment\n   \n#x.test\n';
    expect(parseDomainList(text)).toEqual(['example.com', 'https://www.Example.org/about', 'b.test']);
  });

  it('keeps a # that is part of a URL', () => {
    expect(parseDomainList('https://a.test/#top\n')).toEqual(['https://a.test/#top']);
  });

  it('gives nothing for an empty or comment-only file', () => {
    expect(parseDomainList('')).toEqual([]);
    expect(parseDomainList('# nothing yet\n\n')).toEqual([]);
  });
});
