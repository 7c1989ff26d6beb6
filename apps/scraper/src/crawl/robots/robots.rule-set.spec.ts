import {
  MAX_MATCHED_PATH_LENGTH,
  MAX_RULE_LENGTH,
  MAX_RULE_WILDCARDS,
  MAX_WILDCARD_RULES,
  RobotsRuleSet,
} from './robots.rule-set';

const disallow = (value: string): { allow: boolean; value: string } => ({ allow: false, value });
const allow = (value: string): { allow: boolean; value: string } => ({ allow: true, value });

describe('RobotsRuleSet caps', () => {
  it('widens a disallow longer than MAX_RULE_LENGTH to its first characters: it still blocks its paths', () => {
    const long = `/archive/${'x'.repeat(MAX_RULE_LENGTH)}`;
    const rules = new RobotsRuleSet([disallow(`${long}$`)]);
    expect(rules.isAllowed(long)).toBe(false);
    expect(rules.isAllowed(`${long}/more`)).toBe(false); // the anchor went with the cut
    expect(rules.isAllowed('/archive/y')).toBe(true);
  });

  it('drops an allow longer than MAX_RULE_LENGTH, so the disallow under it still applies', () => {
    const long = `/private/${'x'.repeat(MAX_RULE_LENGTH)}`;
    const rules = new RobotsRuleSet([disallow('/private'), allow(long)]);
    expect(rules.isAllowed(long)).toBe(false);
  });

  it(`widens a disallow with more than ${MAX_RULE_WILDCARDS} * but keeps its prefix and its last segment`, () => {
    const rules = new RobotsRuleSet([disallow(`/x/${'*a'.repeat(MAX_RULE_WILDCARDS + 5)}*.pdf$`)]);
    expect(rules.isAllowed(`/x/${'a'.repeat(MAX_RULE_WILDCARDS + 5)}.pdf`)).toBe(false);
    expect(rules.isAllowed(`/x/${'a'.repeat(MAX_RULE_WILDCARDS)}.pdf`)).toBe(false); // widened
    expect(rules.isAllowed(`/x/${'a'.repeat(MAX_RULE_WILDCARDS + 5)}.html`)).toBe(true);
    expect(rules.isAllowed('/y/a.pdf')).toBe(true);
  });

  it(`drops an allow with more than ${MAX_RULE_WILDCARDS} *`, () => {
    const path = `/x/${'a'.repeat(20)}`;
    expect(new RobotsRuleSet([disallow('/x'), allow(`/x/${'*a'.repeat(MAX_RULE_WILDCARDS)}`)]).isAllowed(path)).toBe(
      true,
    );
    expect(
      new RobotsRuleSet([disallow('/x'), allow(`/x/${'*a'.repeat(MAX_RULE_WILDCARDS + 1)}`)]).isAllowed(path),
    ).toBe(false);
  });

  it(`keeps ${MAX_WILDCARD_RULES} rules with *, disallows before allows`, () => {
    const allows = Array.from({ length: MAX_WILDCARD_RULES }, (_, i) => allow(`/*allowed-${i}`));
    const disallows = Array.from({ length: MAX_WILDCARD_RULES + 1 }, (_, i) => disallow(`/*blocked-${i}$`));
    const rules = new RobotsRuleSet([...allows, ...disallows]);
    expect(rules.isAllowed(`/a/blocked-${MAX_WILDCARD_RULES - 1}`)).toBe(false);
    expect(rules.isAllowed(`/a/blocked-${MAX_WILDCARD_RULES}`)).toBe(true); // past the budget
    expect(new RobotsRuleSet([disallow('/'), ...allows]).isAllowed('/a/allowed-0')).toBe(true);
  });

  it('does not spend the budget on duplicates, nor on rules without *', () => {
    const copies = Array.from({ length: MAX_WILDCARD_RULES * 2 }, () => disallow('/*copy'));
    const literals = Array.from({ length: MAX_WILDCARD_RULES * 5 }, (_, i) => disallow(`/literal-${i}`));
    const rules = new RobotsRuleSet([...copies, ...literals, disallow('/*last')]);
    expect(rules.isAllowed('/a/copy')).toBe(false);
    expect(rules.isAllowed(`/literal-${MAX_WILDCARD_RULES * 5 - 1}`)).toBe(false);
    expect(rules.isAllowed('/a/last')).toBe(false);
    expect(rules.isAllowed('/a/other')).toBe(true);
  });

  it(`disallows paths longer than ${MAX_MATCHED_PATH_LENGTH} characters, and always allows /robots.txt`, () => {
    const rules = new RobotsRuleSet([disallow('/'), allow('/robots.txt$'), allow('/a')]);
    expect(rules.isAllowed(`/a${'b'.repeat(MAX_MATCHED_PATH_LENGTH - 2)}`)).toBe(true);
    expect(rules.isAllowed(`/a${'b'.repeat(MAX_MATCHED_PATH_LENGTH - 1)}`)).toBe(false);
    expect(new RobotsRuleSet([disallow('/')]).isAllowed('/robots.txt')).toBe(true);
  });
});
