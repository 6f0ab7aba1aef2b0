/**
 * Tokenizes one CSV line as the Pinpoint import guide defines it: comma separated; a value with a
 * comma or a double quote is enclosed in double quotes, quotes inside doubled; no line breaks
 * inside values (so every physical line is exactly one record and one bad line never swallows
 * the rest of the file).
 */
export type CsvTokens = { ok: true; values: string[] } | { ok: false; reason: string };

export function splitCsvLine(line: string): CsvTokens {
  if (line.indexOf('"') === -1) return { ok: true, values: line.split(',') };
  const values: string[] = [];
  let i = 0;
  const n = line.length;
  for (;;) {
    if (line.charCodeAt(i) === 34 /* " */) {
      let value = '';
      let j = i + 1;
      for (;;) {
        const q = line.indexOf('"', j);
        if (q === -1) {
          return {
            ok: false,
            reason: `a quoted value in column ${values.length + 1} is not closed on this line (values cannot contain line breaks)`,
          };
        }
        value += line.slice(j, q);
        if (line.charCodeAt(q + 1) === 34) {
          value += '"';
          j = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
      values.push(value);
      if (i === n) return { ok: true, values };
      if (line.charCodeAt(i) !== 44 /* , */) {
        return { ok: false, reason: `unexpected text after the closing quote in column ${values.length}` };
      }
      i++;
    } else {
      const comma = line.indexOf(',', i);
      const end = comma === -1 ? n : comma;
      const value = line.slice(i, end);
      if (value.indexOf('"') !== -1) {
        return {
          ok: false,
          reason: `the value in column ${values.length + 1} contains a double quote; enclose it in double quotes and double the quotes inside ("")`,
        };
      }
      values.push(value);
      if (comma === -1) return { ok: true, values };
      i = comma + 1;
    }
  }
}

/** Quotes a value when it needs it (comma, double quote, leading/trailing space). Line breaks cannot be written. */
export function quoteCsvValue(value: string): string {
  if (/[\r\n]/.test(value)) throw new Error('a CSV endpoint value cannot contain a line break');
  if (/[",]|^\s|\s$/.test(value)) return `"${value.replace(/"/g, '""')}"`;
  return value;
}
