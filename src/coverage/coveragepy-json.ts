// Reads coverage.py's JSON report (`coverage json`): executed and missing lines per file, keyed by path.
import { z } from 'zod';
import { addHits, type RawFile } from './lines.js';
import { CoverageError } from './types.js';

// Only the keys we use; later format versions add more (functions, classes, contexts), which pass through unread.
const FileSchema = z.object({
  executed_lines: z.array(z.number().int()),
  missing_lines: z.array(z.number().int()),
});

const ReportSchema = z.object({
  meta: z.object({ version: z.string().optional() }).optional(),
  files: z.record(z.string(), FileSchema),
});

export function parseCoveragePyJson(text: string): RawFile[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new CoverageError(`The coverage JSON could not be parsed: ${error instanceof Error ? error.message : String(error)}`);
  }
  const parsed = ReportSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue ? `${issue.path.join('.') || '(top)'}: ${issue.message}` : 'unknown shape';
    throw new CoverageError(`The coverage JSON is not a coverage.py report (${where}).`);
  }
  return Object.entries(parsed.data.files).map(([path, file]) => {
    const lines = new Map<number, number>();
    // coverage.py lists line 0 as executed for an empty module; addHits drops it with every other non-line.
    for (const line of file.executed_lines) addHits(lines, line, 1);
    for (const line of file.missing_lines) if (!lines.has(line)) addHits(lines, line, 0);
    return { path, lines };
  });
}
