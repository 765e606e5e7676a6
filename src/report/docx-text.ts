// The text of a .docx file (last year's report sent as a file), paragraph per line.
import mammoth from 'mammoth';

export class NotADocx extends Error {}

export async function docxToText(data: Buffer): Promise<string> {
  try {
    const r = await mammoth.extractRawText({ buffer: data });
    // mammoth separates paragraphs with blank lines.
    return r.value
      .split(/\n+/)
      .map((l) => l.trim())
      .filter(Boolean)
      .join('\n');
  } catch (e) {
    throw new NotADocx((e as Error).message);
  }
}
