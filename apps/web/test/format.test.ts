import {
  formatCheckpointPosition,
  formatCount,
  formatDateTime,
  formatDistance,
  formatDuration,
  formatImagesPerSecond,
  formatLoss,
  formatPercent,
  formatStatus,
  MISSING,
} from '../lib/format';

describe('formatDuration', () => {
  it.each([
    [null, MISSING],
    [-1, MISSING],
    [Number.NaN, MISSING],
    [0, '0.0 s'],
    [4.24, '4.2 s'],
    [42.4, '42 s'],
    [59.6, '1 min 00 s'],
    [725, '12 min 05 s'],
    [3600, '1 h 00 min'],
    [7385, '2 h 03 min'],
  ])('formats %p seconds as %p', (seconds, expected) => {
    expect(formatDuration(seconds)).toBe(expected);
  });
});

describe('formatDateTime', () => {
  it('formats an ISO time in the given time zone', () => {
    expect(formatDateTime('2026-12-04T21:15:03.000Z', 'UTC')).toBe('4 Dec 2026, 21:15:03');
  });

  it('returns the placeholder for null and invalid dates', () => {
    expect(formatDateTime(null)).toBe(MISSING);
    expect(formatDateTime('not a date')).toBe(MISSING);
  });
});

describe('number formats', () => {
  it.each([
    [formatPercent(0.4567), '45.7%'],
    [formatPercent(1, 0), '100%'],
    [formatPercent(null), MISSING],
    [formatLoss(-0.123456), '-0.1235'],
    [formatLoss(Number.POSITIVE_INFINITY), MISSING],
    [formatDistance(1.23456), '1.235'],
    [formatImagesPerSecond(12.345), '12.3 images/s'],
    [formatImagesPerSecond(1234.5), '1,235 images/s'],
    [formatImagesPerSecond(null), MISSING],
    [formatCount(50000), '50,000'],
  ])('formats to %p', (actual, expected) => {
    expect(actual).toBe(expected);
  });
});

describe('formatStatus', () => {
  it('uses a capitalised word for each status', () => {
    expect(formatStatus('QUEUED')).toBe('Queued');
    expect(formatStatus('EMBEDDING')).toBe('Embedding');
    expect(formatStatus('CANCELLED')).toBe('Cancelled');
  });
});

describe('formatCheckpointPosition', () => {
  it.each([
    [2, 0, 'end of epoch 2'],
    [0, 0, 'before the first step'],
    [2, 120, 'epoch 3, after step 120'],
    [0, 1500, 'epoch 1, after step 1,500'],
  ])('epoch %p step %p reads %p', (epoch, step, expected) => {
    expect(formatCheckpointPosition(epoch, step)).toBe(expected);
  });
});
