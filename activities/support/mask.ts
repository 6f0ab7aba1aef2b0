/**
 * Masks e-mail addresses and E.164 phone numbers in a text that is about to be shown in a run's failure message or
 * history (a provider's job failure string, a whole-file rejection whose "header" was really a row of data).
 */
export function maskAddresses(text: string): string {
  return text.replace(/[^\s@"',;:]+@[^\s@"',;:]+/g, '<address>').replace(/\+\d[\d -]{7,}\d/g, '<number>');
}
