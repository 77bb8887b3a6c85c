import { describe, expect, it } from 'vitest';
import { diskBytesRead, parseReadBytes, tallyDiskReads } from './disk-reads.ts';

const PROC_IO = `rchar: 2042414030
wchar: 2100
syscr: 128883
syscw: 240
read_bytes: 135626752
write_bytes: 0
cancelled_write_bytes: 0
`;

describe('disk reads', () => {
  it('reads read_bytes, not rchar (bytes served from the page cache count there too)', () => {
    expect(parseReadBytes(PROC_IO)).toBe(135_626_752);
    expect(parseReadBytes('rchar: 5\n')).toBeNull();
  });

  it("counts this process's reads (the bench runs on Linux), never going backwards", () => {
    const before = diskBytesRead();
    expect(before).toBeGreaterThanOrEqual(0);
    expect(diskBytesRead()!).toBeGreaterThanOrEqual(before!);
  });

  it('tallies the operations that read anything, and gives up when one could not be counted', () => {
    expect(tallyDiskReads([0, 4096, 0, 131_072])).toEqual({ operations: 2, bytes: 135_168 });
    expect(tallyDiskReads([])).toEqual({ operations: 0, bytes: 0 });
    expect(tallyDiskReads([0, null])).toBeNull();
  });
});
