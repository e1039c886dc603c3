/** The benchmark's verdicts: a row that measured nothing fails; a quick run judges counts, not ratios. */
import { formatTable, goalMet, goalSummary, verdict, type Row } from '../../bench/report';

const throughput = (value: number): Row => ({ section: '5 throughput', name: 'POST /user/login (50 conns, 2 s)', value, unit: 'req/s', goal: { min: 0, strict: true, text: '> 0' } });
const ratio = (value: number): Row => ({ section: '1 login', name: 'login (HTTP)', value, unit: 'x', goal: { max: 1.1, text: '<= 1.1' } });
const errors = (value: number): Row => ({ section: '5 throughput', name: 'POST /user/login errors', value, unit: 'errors', goal: { max: 0, text: '0' } });

describe('bench verdicts', () => {
  test('fails a throughput row in which no request completed, in full and quick runs', () => {
    expect(goalMet(throughput(0))).toBe(false);
    expect(goalMet(throughput(4.5))).toBe(true);
    expect(verdict(throughput(0), true)).toBe('NO');
    expect(goalSummary([throughput(0), errors(0)], true)).toMatch(/^Goals met: 1, missed: 1 \(POST \/user\/login \(50 conns, 2 s\)\)/);
  });

  test('calls a quick run\'s ratios indicative, never "missed"', () => {
    const rows = [ratio(1.4), errors(0), throughput(3)];

    const table = formatTable(rows, true);
    const summary = goalSummary(rows, true);

    expect(verdict(ratio(1.4), true)).toBe('indicative');
    expect(table).toContain('indicative');
    expect(table).not.toContain('NO');
    expect(summary).toBe('Goals met: 2, missed: 0. Quick run: 1 ratio goals are indicative only (too few samples); run without --quick to judge them.');
  });

  test('judges ratios in a full run', () => {
    expect(verdict(ratio(1.4))).toBe('NO');
    expect(goalSummary([ratio(1.4), ratio(1.05)])).toBe('Goals met: 1, missed: 1 (login (HTTP)).');
  });
});
