import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../../errors.js';
import { approvalHeaders } from './approval-headers.js';

const h = (m: Record<string, string>) => (name: string) => m[name];

describe('approvalHeaders', () => {
  it('reads the approval id and the wait in seconds, ms or minutes', () => {
    expect(approvalHeaders(h({}))).toEqual({});
    expect(approvalHeaders(h({ 'x-daca-approval': 'apr_0123abcd', 'x-daca-approval-wait': '30s' }))).toEqual({ approvalId: 'apr_0123abcd', waitMs: 30_000 });
    expect(approvalHeaders(h({ 'x-daca-approval-wait': '45' })).waitMs).toBe(45_000);
    expect(approvalHeaders(h({ 'x-daca-approval-wait': '500ms' })).waitMs).toBe(500);
    expect(approvalHeaders(h({ 'x-daca-approval-wait': '2m' })).waitMs).toBe(120_000);
  });

  it('refuses malformed headers with a 400 naming the header', () => {
    expect(() => approvalHeaders(h({ 'x-daca-approval-wait': 'soon' }))).toThrow(InvalidRequestError);
    expect(() => approvalHeaders(h({ 'x-daca-approval': 'apr 1; drop' }))).toThrow(/x-daca-approval must be/);
  });
});
