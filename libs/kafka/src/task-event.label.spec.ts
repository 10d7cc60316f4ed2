import { taskEventLabel } from './task-event.label';

describe('taskEventLabel', () => {
  it.each([
    ['match:1:9200000', 'match'],
    ['alert:1:9202001', 'alert'],
    ['alert:ml', 'alert:ml'],
    ['decode-skipped:arp', 'decode-skipped:arp'],
    ['late-hit', 'late-hit'],
    ['end-of-input:round-abandoned', 'end-of-input:round-abandoned'],
    ['match:1:x', 'match:1:x'],
  ])('%s is exported as %s', (event, label) => {
    expect(taskEventLabel(event)).toBe(label);
  });
});
